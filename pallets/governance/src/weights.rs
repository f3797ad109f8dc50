//! Weights for `pallet_governance`. Placeholder until scripts/benchmark-weights.sh generates
//! this file from the pallet's benchmarks.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use frame_support::{traits::Get, weights::{Weight, constants::RocksDbWeight}};
use core::marker::PhantomData;

/// Weight functions needed by `pallet_governance`.
pub trait WeightInfo {
	fn dispatch_as_root() -> Weight;
}

pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn dispatch_as_root() -> Weight { Weight::from_parts(10_000_000, 0) }
}

impl WeightInfo for () {
	fn dispatch_as_root() -> Weight { Weight::from_parts(10_000_000, 0) }
}
