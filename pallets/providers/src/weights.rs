//! PLACEHOLDER: replaced by `depin-node benchmark pallet` output (see scripts/benchmark-weights.sh).
//! Until then every call is priced as a conservative constant so tests can run; do not ship.

#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::{constants::RocksDbWeight, Weight}};

pub trait WeightInfo {
	fn register() -> Weight;
	fn set_metadata() -> Weight;
	fn bond_extra() -> Weight;
	fn unbond(g: u32) -> Weight;
	fn withdraw_unbonded() -> Weight;
	fn deregister(g: u32, a: u32) -> Weight;
	fn add_gpus(n: u32) -> Weight;
	fn remove_gpus(n: u32) -> Weight;
	fn set_capacity() -> Weight;
	fn set_prices() -> Weight;
	fn set_reporting_key() -> Weight;
	fn add_auditor() -> Weight;
	fn remove_auditor() -> Weight;
	fn set_attributes(n: u32) -> Weight;
	fn clear_attributes() -> Weight;
}

pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn register() -> Weight {
		Weight::from_parts(50_000_000, 10_000).saturating_add(T::DbWeight::get().reads_writes(4, 4))
	}
	fn set_metadata() -> Weight {
		Weight::from_parts(50_000_000, 10_000).saturating_add(T::DbWeight::get().reads_writes(4, 4))
	}
	fn bond_extra() -> Weight {
		Weight::from_parts(50_000_000, 10_000).saturating_add(T::DbWeight::get().reads_writes(4, 4))
	}
	fn unbond(_g: u32) -> Weight {
		Weight::from_parts(50_000_000, 10_000).saturating_add(T::DbWeight::get().reads_writes(4, 4))
	}
	fn withdraw_unbonded() -> Weight {
		Weight::from_parts(50_000_000, 10_000).saturating_add(T::DbWeight::get().reads_writes(4, 4))
	}
	fn deregister(_g: u32, _a: u32) -> Weight {
		Weight::from_parts(50_000_000, 10_000).saturating_add(T::DbWeight::get().reads_writes(4, 4))
	}
	fn add_gpus(_n: u32) -> Weight {
		Weight::from_parts(50_000_000, 10_000).saturating_add(T::DbWeight::get().reads_writes(4, 4))
	}
	fn remove_gpus(_n: u32) -> Weight {
		Weight::from_parts(50_000_000, 10_000).saturating_add(T::DbWeight::get().reads_writes(4, 4))
	}
	fn set_capacity() -> Weight {
		Weight::from_parts(50_000_000, 10_000).saturating_add(T::DbWeight::get().reads_writes(4, 4))
	}
	fn set_prices() -> Weight {
		Weight::from_parts(50_000_000, 10_000).saturating_add(T::DbWeight::get().reads_writes(4, 4))
	}
	fn set_reporting_key() -> Weight {
		Weight::from_parts(50_000_000, 10_000).saturating_add(T::DbWeight::get().reads_writes(4, 4))
	}
	fn add_auditor() -> Weight {
		Weight::from_parts(50_000_000, 10_000).saturating_add(T::DbWeight::get().reads_writes(4, 4))
	}
	fn remove_auditor() -> Weight {
		Weight::from_parts(50_000_000, 10_000).saturating_add(T::DbWeight::get().reads_writes(4, 4))
	}
	fn set_attributes(_n: u32) -> Weight {
		Weight::from_parts(50_000_000, 10_000).saturating_add(T::DbWeight::get().reads_writes(4, 4))
	}
	fn clear_attributes() -> Weight {
		Weight::from_parts(50_000_000, 10_000).saturating_add(T::DbWeight::get().reads_writes(4, 4))
	}
}

impl WeightInfo for () {
	fn register() -> Weight {
		Weight::from_parts(50_000_000, 10_000).saturating_add(RocksDbWeight::get().reads_writes(4, 4))
	}
	fn set_metadata() -> Weight {
		Weight::from_parts(50_000_000, 10_000).saturating_add(RocksDbWeight::get().reads_writes(4, 4))
	}
	fn bond_extra() -> Weight {
		Weight::from_parts(50_000_000, 10_000).saturating_add(RocksDbWeight::get().reads_writes(4, 4))
	}
	fn unbond(_g: u32) -> Weight {
		Weight::from_parts(50_000_000, 10_000).saturating_add(RocksDbWeight::get().reads_writes(4, 4))
	}
	fn withdraw_unbonded() -> Weight {
		Weight::from_parts(50_000_000, 10_000).saturating_add(RocksDbWeight::get().reads_writes(4, 4))
	}
	fn deregister(_g: u32, _a: u32) -> Weight {
		Weight::from_parts(50_000_000, 10_000).saturating_add(RocksDbWeight::get().reads_writes(4, 4))
	}
	fn add_gpus(_n: u32) -> Weight {
		Weight::from_parts(50_000_000, 10_000).saturating_add(RocksDbWeight::get().reads_writes(4, 4))
	}
	fn remove_gpus(_n: u32) -> Weight {
		Weight::from_parts(50_000_000, 10_000).saturating_add(RocksDbWeight::get().reads_writes(4, 4))
	}
	fn set_capacity() -> Weight {
		Weight::from_parts(50_000_000, 10_000).saturating_add(RocksDbWeight::get().reads_writes(4, 4))
	}
	fn set_prices() -> Weight {
		Weight::from_parts(50_000_000, 10_000).saturating_add(RocksDbWeight::get().reads_writes(4, 4))
	}
	fn set_reporting_key() -> Weight {
		Weight::from_parts(50_000_000, 10_000).saturating_add(RocksDbWeight::get().reads_writes(4, 4))
	}
	fn add_auditor() -> Weight {
		Weight::from_parts(50_000_000, 10_000).saturating_add(RocksDbWeight::get().reads_writes(4, 4))
	}
	fn remove_auditor() -> Weight {
		Weight::from_parts(50_000_000, 10_000).saturating_add(RocksDbWeight::get().reads_writes(4, 4))
	}
	fn set_attributes(_n: u32) -> Weight {
		Weight::from_parts(50_000_000, 10_000).saturating_add(RocksDbWeight::get().reads_writes(4, 4))
	}
	fn clear_attributes() -> Weight {
		Weight::from_parts(50_000_000, 10_000).saturating_add(RocksDbWeight::get().reads_writes(4, 4))
	}
}
