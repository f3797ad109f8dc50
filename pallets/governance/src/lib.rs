//! # Governance
//!
//! Lets the chain's governance origin act as root without a sudo key. A council motion
//! dispatches with a collective origin (`Members(yes, of)`), which root-only calls refuse:
//! runtime upgrades (`system.authorize_upgrade`), `system.set_storage`, the balances' force
//! calls. [`Pallet::dispatch_as_root`] is the one bridge: `RootOrigin` (the council's two thirds
//! in the runtime) dispatches any call as root.
//!
//! Root bypasses the runtime's call filter, so the filter looks inside `dispatch_as_root` while
//! the motion's own origin still applies it (runtime/src/call_filter.rs).
//!
//! Invariants (`try_state`): none — the pallet has no storage.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod dispatch;
pub mod weights;

#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::boxed::Box;
	use frame_support::{
		dispatch::{GetDispatchInfo, PostDispatchInfo},
		pallet_prelude::*,
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::traits::Dispatchable;

	/// Storage layout version: 1 is the first (the pallet stores nothing yet).
	pub const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The runtime's calls.
		type RuntimeCall: Parameter
			+ Dispatchable<RuntimeOrigin = Self::RuntimeOrigin, PostInfo = PostDispatchInfo>
			+ GetDispatchInfo
			+ From<frame_system::Call<Self>>;

		/// Who may act as root: the council's two thirds.
		type RootOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Weights of the calls, from the pallet's benchmarks.
		type WeightInfo: WeightInfo;
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// Governance dispatched the call with hash `call_hash` as root, with `result`.
		DispatchedAsRoot { call_hash: T::Hash, result: DispatchResult },
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Dispatches `call` as root. The call's own failure is reported in the event, not as
		/// this call's error, so the motion that carried it is closed either way.
		#[pallet::call_index(0)]
		#[pallet::weight({
			let info = call.get_dispatch_info();
			(T::WeightInfo::dispatch_as_root().saturating_add(info.call_weight), info.class)
		})]
		pub fn dispatch_as_root(
			origin: OriginFor<T>,
			call: Box<<T as Config>::RuntimeCall>,
		) -> DispatchResultWithPostInfo {
			T::RootOrigin::ensure_origin(origin)?;
			Self::do_dispatch_as_root(*call)
		}
	}
}
