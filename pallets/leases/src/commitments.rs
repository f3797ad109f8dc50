//! What the provider registry needs to know: committed capacity and leased GPUs.

use pallet_providers::{LeaseCommitments, LeasedResources};
use sp_core::H256;

use crate::{pallet::*, types::GIB, Config};

impl<T: Config> LeaseCommitments<T::AccountId> for Pallet<T> {
	fn leased(provider: &T::AccountId) -> LeasedResources {
		let committed = Committed::<T>::get(provider);
		LeasedResources {
			open_leases: committed.open_leases,
			storage_bytes: committed.storage_gib.saturating_mul(GIB),
			cpu_cores: committed.cpu_cores,
		}
	}

	fn is_gpu_leased(uuid_hash: &H256) -> bool {
		LeasedGpu::<T>::contains_key(uuid_hash)
	}
}
