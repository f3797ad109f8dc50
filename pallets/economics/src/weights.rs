//! Bootstrap: replaced by scripts/benchmark-weights.sh.
use frame_support::weights::Weight;
use core::marker::PhantomData;
pub trait WeightInfo {
	fn close_epoch(w: u32, ) -> Weight;
	fn claim_rewards(n: u32, ) -> Weight;
	fn sweep_expired(p: u32, ) -> Weight;
	fn set_params() -> Weight;
}
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T> WeightInfo for SubstrateWeight<T> {
	fn close_epoch(_w: u32, ) -> Weight { Weight::zero() }
	fn claim_rewards(_n: u32, ) -> Weight { Weight::zero() }
	fn sweep_expired(_p: u32, ) -> Weight { Weight::zero() }
	fn set_params() -> Weight { Weight::zero() }
}
impl WeightInfo for () {
	fn close_epoch(_w: u32, ) -> Weight { Weight::zero() }
	fn claim_rewards(_n: u32, ) -> Weight { Weight::zero() }
	fn sweep_expired(_p: u32, ) -> Weight { Weight::zero() }
	fn set_params() -> Weight { Weight::zero() }
}
