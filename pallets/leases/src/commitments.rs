//! What the provider registry needs to know: committed capacity and leased GPUs.

use depin_primitives::Commitment;
use frame_support::traits::Get;
use sp_core::H256;

use crate::{pallet::*, Config};

impl<T: Config> depin_primitives::Commitments<T::AccountId> for Pallet<T> {
	fn commitment(provider: &T::AccountId) -> Commitment {
		Commitments::<T>::get(provider)
	}

	fn is_gpu_leased(uuid_hash: &H256) -> bool {
		LeasedGpu::<T>::contains_key(uuid_hash)
	}

	fn end_lease_of_gpu(uuid_hash: &H256) -> sp_runtime::DispatchResult {
		let Some(id) = LeasedGpu::<T>::get(uuid_hash) else { return Ok(()) };
		let lease = Leases::<T>::get(id).ok_or(Error::<T>::UnknownLease)?;
		Self::close(id, lease, depin_primitives::CloseReason::GpuEvicted)
	}

	fn end_lease_of_gpu_weight() -> frame_support::weights::Weight {
		use crate::WeightInfo;
		T::WeightInfo::close_lease(T::MaxGpusPerLease::get())
	}
}
