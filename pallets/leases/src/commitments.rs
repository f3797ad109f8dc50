//! What the provider registry needs to know: committed capacity and leased GPUs.

use depin_primitives::Commitment;
use sp_core::H256;

use crate::{pallet::*, Config};

impl<T: Config> depin_primitives::Commitments<T::AccountId> for Pallet<T> {
	fn commitment(provider: &T::AccountId) -> Commitment {
		Commitments::<T>::get(provider)
	}

	fn is_gpu_leased(uuid_hash: &H256) -> bool {
		LeasedGpu::<T>::contains_key(uuid_hash)
	}
}
