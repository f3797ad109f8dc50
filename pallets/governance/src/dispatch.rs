//! Dispatching a governance decision as root.

use frame_support::dispatch::{DispatchResultWithPostInfo, GetDispatchInfo, PostDispatchInfo};
use sp_runtime::traits::{Dispatchable, Hash};

use crate::{pallet::*, weights::WeightInfo, Config};

impl<T: Config> Pallet<T> {
	pub(crate) fn do_dispatch_as_root(call: <T as Config>::RuntimeCall) -> DispatchResultWithPostInfo {
		let call_hash = T::Hashing::hash_of(&call);
		let declared = call.get_dispatch_info().call_weight;
		let outcome = call.dispatch(frame_system::RawOrigin::Root.into());
		let actual = match &outcome {
			Ok(post) => post.actual_weight,
			Err(e) => e.post_info.actual_weight,
		}
		.unwrap_or(declared);
		Self::deposit_event(Event::DispatchedAsRoot { call_hash, result: outcome.map(|_| ()).map_err(|e| e.error) });
		Ok(PostDispatchInfo {
			actual_weight: Some(T::WeightInfo::dispatch_as_root().saturating_add(actual)),
			pays_fee: frame_support::dispatch::Pays::Yes,
		})
	}
}
