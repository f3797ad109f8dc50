//! Bootstrap: replaced by scripts/benchmark-weights.sh.
use frame_support::weights::Weight;
use core::marker::PhantomData;
pub trait WeightInfo {
	fn submit_report(l: u32, g: u32, ) -> Weight;
	fn authorize_submit_report(l: u32, g: u32, ) -> Weight;
	fn report_missed(n: u32, ) -> Weight;
	fn release_dispute() -> Weight;
	fn dispute() -> Weight;
	fn resolve_dispute() -> Weight;
}
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T> WeightInfo for SubstrateWeight<T> {
	fn submit_report(_l: u32, _g: u32, ) -> Weight { Weight::zero() }
	fn authorize_submit_report(_l: u32, _g: u32, ) -> Weight { Weight::zero() }
	fn report_missed(_n: u32, ) -> Weight { Weight::zero() }
	fn release_dispute() -> Weight { Weight::zero() }
	fn dispute() -> Weight { Weight::zero() }
	fn resolve_dispute() -> Weight { Weight::zero() }
}
impl WeightInfo for () {
	fn submit_report(_l: u32, _g: u32, ) -> Weight { Weight::zero() }
	fn authorize_submit_report(_l: u32, _g: u32, ) -> Weight { Weight::zero() }
	fn report_missed(_n: u32, ) -> Weight { Weight::zero() }
	fn release_dispute() -> Weight { Weight::zero() }
	fn dispute() -> Weight { Weight::zero() }
	fn resolve_dispute() -> Weight { Weight::zero() }
}
