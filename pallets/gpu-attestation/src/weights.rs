
//! Weights for `pallet_gpu_attestation`. PROVISIONAL: written by hand before the first run of
//! scripts/benchmark-weights.sh, which regenerates this file from the pallet's benchmarks.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use frame_support::{traits::Get, weights::{Weight, constants::RocksDbWeight}};
use core::marker::PhantomData;

/// Weight functions needed by `pallet_gpu_attestation`.
pub trait WeightInfo {
	fn submit_attestation() -> Weight;
	fn verify_nvidia_h100() -> Weight;
	fn add_root() -> Weight;
	fn retire_root() -> Weight;
	fn revoke_device() -> Weight;
	fn reassign_device() -> Weight;
	fn note_epoch_seed() -> Weight;
	fn forget_provider() -> Weight;
}

/// Weights measured on the reference machine, with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn submit_attestation() -> Weight {
		Weight::from_parts(40_000_000_000, 12_000)
			.saturating_add(T::DbWeight::get().reads(10_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	fn verify_nvidia_h100() -> Weight {
		Weight::from_parts(40_000_000_000, 0)
	}
	fn add_root() -> Weight {
		Weight::from_parts(12_000_000_000, 3_000)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	fn retire_root() -> Weight {
		Weight::from_parts(20_000_000, 3_000)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	fn revoke_device() -> Weight {
		Weight::from_parts(30_000_000, 3_500)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	fn reassign_device() -> Weight {
		Weight::from_parts(30_000_000, 3_500)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	fn note_epoch_seed() -> Weight {
		Weight::from_parts(5_000_000, 1_500)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	fn forget_provider() -> Weight {
		Weight::from_parts(500_000_000, 300_000)
			.saturating_add(T::DbWeight::get().reads(256_u64))
			.saturating_add(T::DbWeight::get().writes(256_u64))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	fn submit_attestation() -> Weight {
		Weight::from_parts(40_000_000_000, 12_000)
			.saturating_add(RocksDbWeight::get().reads(10_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	fn verify_nvidia_h100() -> Weight {
		Weight::from_parts(40_000_000_000, 0)
	}
	fn add_root() -> Weight {
		Weight::from_parts(12_000_000_000, 3_000)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn retire_root() -> Weight {
		Weight::from_parts(20_000_000, 3_000)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn revoke_device() -> Weight {
		Weight::from_parts(30_000_000, 3_500)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	fn reassign_device() -> Weight {
		Weight::from_parts(30_000_000, 3_500)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn note_epoch_seed() -> Weight {
		Weight::from_parts(5_000_000, 1_500)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn forget_provider() -> Weight {
		Weight::from_parts(500_000_000, 300_000)
			.saturating_add(RocksDbWeight::get().reads(256_u64))
			.saturating_add(RocksDbWeight::get().writes(256_u64))
	}
}
