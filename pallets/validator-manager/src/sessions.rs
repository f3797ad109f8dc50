//! What session asks of its manager. The runtime wires these into `pallet-session`'s
//! `SessionManager` (and historical's), so this pallet does not depend on session.

use alloc::vec::Vec;
use frame_support::traits::Get;
use sp_staking::SessionIndex;

use crate::{pallet::*, Config, PruneSessionHistory};

impl<T: Config> Pallet<T> {
	/// The set for session `index`, if it changed since session last asked; `None` keeps the
	/// current one (and so no new GRANDPA authority set).
	pub fn new_session(_index: SessionIndex) -> Option<Vec<T::AccountId>> {
		if !SetChanged::<T>::take() {
			return None;
		}
		Some(Validators::<T>::get().into_inner())
	}

	/// Genesis sessions 0 and 1 always get the set, so historical records a root for them
	/// (otherwise no key-ownership proof of the genesis validators could ever be made).
	pub fn new_session_genesis(_index: SessionIndex) -> Option<Vec<T::AccountId>> {
		let set = Validators::<T>::get();
		(!set.is_empty()).then(|| set.into_inner())
	}

	/// Records the session and forgets what is older than `HistoryDepth`: key-ownership
	/// records and slash records (an offence there can no longer be proven).
	pub fn start_session(index: SessionIndex) {
		CurrentSession::<T>::put(index);
		let depth = T::HistoryDepth::get();
		if let Some(expired) = index.checked_sub(depth.saturating_add(1)) {
			let _ = Slashes::<T>::clear_prefix(expired, u32::MAX, None);
			T::SessionHistory::prune_up_to(expired.saturating_add(1));
		}
	}

	pub fn end_session(_index: SessionIndex) {}
}
