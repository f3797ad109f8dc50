//! Weights for `pallet_validator_manager`. Placeholder until scripts/benchmark-weights.sh
//! generates this file from the pallet's benchmarks.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use frame_support::{traits::Get, weights::{Weight, constants::RocksDbWeight}};
use core::marker::PhantomData;

/// Weight functions needed by `pallet_validator_manager`.
pub trait WeightInfo {
	fn bond() -> Weight;
	fn add_validator() -> Weight;
	fn remove_validator() -> Weight;
	fn unbond() -> Weight;
	fn withdraw_bond() -> Weight;
	fn punish() -> Weight;
}

pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn bond() -> Weight { Weight::from_parts(50_000_000, 4000).saturating_add(T::DbWeight::get().reads_writes(3, 2)) }
	fn add_validator() -> Weight { Weight::from_parts(50_000_000, 4000).saturating_add(T::DbWeight::get().reads_writes(4, 2)) }
	fn remove_validator() -> Weight { Weight::from_parts(50_000_000, 4000).saturating_add(T::DbWeight::get().reads_writes(1, 2)) }
	fn unbond() -> Weight { Weight::from_parts(50_000_000, 4000).saturating_add(T::DbWeight::get().reads_writes(4, 1)) }
	fn withdraw_bond() -> Weight { Weight::from_parts(50_000_000, 4000).saturating_add(T::DbWeight::get().reads_writes(4, 3)) }
	fn punish() -> Weight { Weight::from_parts(80_000_000, 8000).saturating_add(T::DbWeight::get().reads_writes(6, 6)) }
}

impl WeightInfo for () {
	fn bond() -> Weight { Weight::from_parts(50_000_000, 4000).saturating_add(RocksDbWeight::get().reads_writes(3, 2)) }
	fn add_validator() -> Weight { Weight::from_parts(50_000_000, 4000).saturating_add(RocksDbWeight::get().reads_writes(4, 2)) }
	fn remove_validator() -> Weight { Weight::from_parts(50_000_000, 4000).saturating_add(RocksDbWeight::get().reads_writes(1, 2)) }
	fn unbond() -> Weight { Weight::from_parts(50_000_000, 4000).saturating_add(RocksDbWeight::get().reads_writes(4, 1)) }
	fn withdraw_bond() -> Weight { Weight::from_parts(50_000_000, 4000).saturating_add(RocksDbWeight::get().reads_writes(4, 3)) }
	fn punish() -> Weight { Weight::from_parts(80_000_000, 8000).saturating_add(RocksDbWeight::get().reads_writes(6, 6)) }
}
