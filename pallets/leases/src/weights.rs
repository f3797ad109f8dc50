//! PLACEHOLDER: replaced by `depin-node benchmark pallet` output (scripts/benchmark-weights.sh).
//! Until then every call is priced as a conservative constant so tests can run; do not ship.

#![allow(unused_parens, unused_imports, missing_docs)]

use core::marker::PhantomData;
use frame_support::{traits::Get, weights::{constants::RocksDbWeight, Weight}};

pub trait WeightInfo {
	fn create_order() -> Weight;
	fn cancel_order(b: u32) -> Weight;
	fn bid() -> Weight;
	fn withdraw_bid() -> Weight;
	fn accept_bid(g: u32, b: u32) -> Weight;
	fn rent(g: u32) -> Weight;
	fn top_up() -> Weight;
	fn close_lease(g: u32) -> Weight;
	fn release_retained() -> Weight;
	fn settle(g: u32) -> Weight;
}

pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn create_order() -> Weight {
		Weight::from_parts(80_000_000, 20_000).saturating_add(T::DbWeight::get().reads_writes(8, 8))
	}
	fn cancel_order(_b: u32) -> Weight {
		Weight::from_parts(80_000_000, 20_000).saturating_add(T::DbWeight::get().reads_writes(8, 8))
	}
	fn bid() -> Weight {
		Weight::from_parts(80_000_000, 20_000).saturating_add(T::DbWeight::get().reads_writes(8, 8))
	}
	fn withdraw_bid() -> Weight {
		Weight::from_parts(80_000_000, 20_000).saturating_add(T::DbWeight::get().reads_writes(8, 8))
	}
	fn accept_bid(_g: u32, _b: u32) -> Weight {
		Weight::from_parts(80_000_000, 20_000).saturating_add(T::DbWeight::get().reads_writes(8, 8))
	}
	fn rent(_g: u32) -> Weight {
		Weight::from_parts(80_000_000, 20_000).saturating_add(T::DbWeight::get().reads_writes(8, 8))
	}
	fn top_up() -> Weight {
		Weight::from_parts(80_000_000, 20_000).saturating_add(T::DbWeight::get().reads_writes(8, 8))
	}
	fn close_lease(_g: u32) -> Weight {
		Weight::from_parts(80_000_000, 20_000).saturating_add(T::DbWeight::get().reads_writes(8, 8))
	}
	fn release_retained() -> Weight {
		Weight::from_parts(80_000_000, 20_000).saturating_add(T::DbWeight::get().reads_writes(8, 8))
	}
	fn settle(_g: u32) -> Weight {
		Weight::from_parts(80_000_000, 20_000).saturating_add(T::DbWeight::get().reads_writes(8, 8))
	}
}

impl WeightInfo for () {
	fn create_order() -> Weight {
		Weight::from_parts(80_000_000, 20_000).saturating_add(RocksDbWeight::get().reads_writes(8, 8))
	}
	fn cancel_order(_b: u32) -> Weight {
		Weight::from_parts(80_000_000, 20_000).saturating_add(RocksDbWeight::get().reads_writes(8, 8))
	}
	fn bid() -> Weight {
		Weight::from_parts(80_000_000, 20_000).saturating_add(RocksDbWeight::get().reads_writes(8, 8))
	}
	fn withdraw_bid() -> Weight {
		Weight::from_parts(80_000_000, 20_000).saturating_add(RocksDbWeight::get().reads_writes(8, 8))
	}
	fn accept_bid(_g: u32, _b: u32) -> Weight {
		Weight::from_parts(80_000_000, 20_000).saturating_add(RocksDbWeight::get().reads_writes(8, 8))
	}
	fn rent(_g: u32) -> Weight {
		Weight::from_parts(80_000_000, 20_000).saturating_add(RocksDbWeight::get().reads_writes(8, 8))
	}
	fn top_up() -> Weight {
		Weight::from_parts(80_000_000, 20_000).saturating_add(RocksDbWeight::get().reads_writes(8, 8))
	}
	fn close_lease(_g: u32) -> Weight {
		Weight::from_parts(80_000_000, 20_000).saturating_add(RocksDbWeight::get().reads_writes(8, 8))
	}
	fn release_retained() -> Weight {
		Weight::from_parts(80_000_000, 20_000).saturating_add(RocksDbWeight::get().reads_writes(8, 8))
	}
	fn settle(_g: u32) -> Weight {
		Weight::from_parts(80_000_000, 20_000).saturating_add(RocksDbWeight::get().reads_writes(8, 8))
	}
}
