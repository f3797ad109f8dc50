//! All money arithmetic of the pallet: the emission formula and reward shares. Rounding is
//! always down, so emission never exceeds its allowance.

use sp_runtime::traits::{AtLeast32BitUnsigned, Zero};

use crate::types::EmissionParams;

/// What the schedule allows in `epoch`: `initial_per_epoch` halved every `halving_epochs`.
pub fn schedule<B: AtLeast32BitUnsigned + Copy>(params: &EmissionParams<B>, epoch: u32) -> B {
	if params.halving_epochs == 0 {
		return params.initial_per_epoch;
	}
	let halvings = epoch / params.halving_epochs;
	if halvings >= 128 {
		return Zero::zero();
	}
	let mut value = params.initial_per_epoch;
	for _ in 0..halvings {
		value = value / 2u32.into();
		if value.is_zero() {
			break;
		}
	}
	value
}

/// The bootstrap allowance of `epoch`: `bootstrap_per_epoch`, fading linearly to zero over
/// `bootstrap_epochs`.
pub fn bootstrap<B: AtLeast32BitUnsigned + Copy>(params: &EmissionParams<B>, epoch: u32) -> B {
	if epoch >= params.bootstrap_epochs {
		return Zero::zero();
	}
	let left = params.bootstrap_epochs - epoch;
	sp_runtime::helpers_128bit::multiply_by_rational_with_rounding(
		params.bootstrap_per_epoch.unique_saturated_into(),
		left.into(),
		params.bootstrap_epochs.into(),
		sp_runtime::Rounding::Down,
	)
	.map(B::unique_saturated_from)
	.unwrap_or_else(Zero::zero)
}

/// An epoch's emission, in its two parts.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Allowance<B> {
	/// For usage: at most the take paid on the epoch's service (`usage_match_percent` of it),
	/// shared by the take each provider's leases paid. Nobody can win back more than it paid.
	pub usage: B,
	/// For capacity: the bootstrap allowance, shared by audited device-blocks; none without
	/// audited capacity. It comes first under the schedule.
	pub capacity: B,
}

impl<B: AtLeast32BitUnsigned + Copy> Allowance<B> {
	pub fn total(&self) -> B {
		self.usage.saturating_add(self.capacity)
	}
}

/// `e`'s emission:
///
/// - `capacity = min(bootstrap(e), schedule(e))`, or nothing without audited capacity;
/// - `usage = min(usage_match × take_paid(e), revenue_cap × mean trailing revenue,
///   schedule(e) − capacity)`.
///
/// `mean_revenue` is the mean fee revenue per epoch of the trailing window. Capacity comes first
/// and does not depend on revenue, so wash trading cannot touch it; it raises `usage` by at most
/// the take it pays.
pub fn allowance<B: AtLeast32BitUnsigned + Copy>(
	params: &EmissionParams<B>,
	epoch: u32,
	take_paid: B,
	mean_revenue: B,
	capacity_work: u128,
) -> Allowance<B> {
	let schedule = schedule(params, epoch);
	let capacity = if capacity_work == 0 { Zero::zero() } else { bootstrap(params, epoch).min(schedule) };
	let matched = percent(take_paid, params.usage_match_percent.min(100));
	let revenue_cap = percent(mean_revenue, params.revenue_cap_percent);
	let usage = matched.min(revenue_cap).min(schedule.saturating_sub(capacity));
	Allowance { usage, capacity }
}

/// Mean revenue per epoch over a window of `epochs` epochs that took in `total`; epochs before
/// genesis count as empty, so early epochs cannot stretch a little revenue over a long cap.
pub fn mean<B: AtLeast32BitUnsigned + Copy>(total: B, epochs: u32) -> B {
	total / B::from(epochs.max(1))
}

/// `percent`% of `amount`, rounded down.
fn percent<B: AtLeast32BitUnsigned + Copy>(amount: B, percent: u32) -> B {
	sp_runtime::helpers_128bit::multiply_by_rational_with_rounding(
		amount.unique_saturated_into(),
		percent.into(),
		100,
		sp_runtime::Rounding::Down,
	)
	.map(B::unique_saturated_from)
	.unwrap_or_else(Zero::zero)
}

/// A provider's share of an emission: `emission × weight / total_weight`, rounded down.
pub fn reward_share<B: AtLeast32BitUnsigned + Copy>(emission: B, work: u128, total_work: u128) -> B {
	if total_work == 0 {
		return Zero::zero();
	}
	sp_runtime::helpers_128bit::multiply_by_rational_with_rounding(
		emission.unique_saturated_into(),
		work.min(total_work),
		total_work,
		sp_runtime::Rounding::Down,
	)
	.map(B::unique_saturated_from)
	.unwrap_or_else(Zero::zero)
}

#[cfg(test)]
mod tests {
	use super::*;

	fn params() -> EmissionParams<u128> {
		EmissionParams {
			initial_per_epoch: 1_000,
			halving_epochs: 10,
			bootstrap_per_epoch: 400,
			bootstrap_epochs: 4,
			revenue_cap_percent: 150,
			usage_match_percent: 100,
			trailing_epochs: 3,
		}
	}

	#[test]
	fn the_schedule_halves() {
		let p = params();
		assert_eq!((schedule(&p, 0), schedule(&p, 9), schedule(&p, 10), schedule(&p, 25)), (1_000, 1_000, 500, 250));
		assert_eq!(schedule(&p, 10 * 200), 0);
		assert_eq!(schedule(&EmissionParams { halving_epochs: 0, ..p }, 1_000_000), 1_000);
	}

	#[test]
	fn the_bootstrap_fades_to_zero() {
		let p = params();
		assert_eq!((0..6).map(|e| bootstrap(&p, e)).collect::<Vec<_>>(), vec![400, 300, 200, 100, 0, 0]);
	}

	#[test]
	fn usage_emission_is_the_take_paid_at_most() {
		let p = params();
		// 100 of take paid, revenue ample: usage emission is the take, matched 1:1.
		assert_eq!(allowance(&p, 0, 100, 10_000, 0), Allowance { usage: 100, capacity: 0 });
		// Matched at 60%.
		assert_eq!(allowance(&EmissionParams { usage_match_percent: 60, ..p.clone() }, 0, 100, 10_000, 0).usage, 60);
		// The schedule is the ceiling.
		assert_eq!(allowance(&p, 0, 5_000, 1_000_000, 0).usage, 1_000);
		// Capacity comes first under it.
		assert_eq!(allowance(&p, 0, 5_000, 1_000_000, 1), Allowance { usage: 600, capacity: 400 });
		// No take, no usage emission, whatever the revenue.
		assert_eq!(allowance(&p, 0, 0, 1_000_000, 1).usage, 0);
	}

	#[test]
	fn capacity_emission_is_the_bootstrap_and_needs_audited_capacity() {
		let p = params();
		// Epoch 0: bootstrap 400, and usage 100 beside it under the schedule of 1,000.
		assert_eq!(allowance(&p, 0, 100, 10_000, 1), Allowance { usage: 100, capacity: 400 });
		// However much usage: capacity is not squeezed; usage is, under the schedule.
		assert_eq!(allowance(&p, 0, 700, 100_000, 1), Allowance { usage: 600, capacity: 400 });
		// Without audited capacity the bootstrap allowance is not minted.
		assert_eq!(allowance(&p, 0, 100, 10_000, 0).capacity, 0);
		// After the bootstrap only usage emits.
		assert_eq!(allowance(&p, 5, 100, 10_000, 1), Allowance { usage: 100, capacity: 0 });
	}

	/// The 48× case: at steady revenue `r` a trailing window of 24 epochs once capped each
	/// epoch at `revenue_cap × 24 r`. The cap is now on the window's mean: `revenue_cap × r`.
	#[test]
	fn the_revenue_cap_is_a_ratio_of_the_mean_epoch_revenue() {
		let p = EmissionParams {
			initial_per_epoch: u128::MAX,
			halving_epochs: 0,
			bootstrap_per_epoch: 0,
			bootstrap_epochs: 0,
			revenue_cap_percent: 200,
			usage_match_percent: 100,
			trailing_epochs: 24,
		};
		let per_epoch = 1_000_000u128;
		let mean_revenue = mean(24 * per_epoch, 24);
		// Take ample, so the revenue cap binds: 2 × one epoch's revenue, not 48 ×.
		assert_eq!(allowance(&p, 800, 100 * per_epoch, mean_revenue, 1).total(), 2 * per_epoch);
		// Early epochs: missing history counts as empty.
		assert_eq!(mean(per_epoch, 24), per_epoch / 24);
	}

	#[test]
	fn shares_round_down_and_never_exceed_the_emission() {
		assert_eq!(reward_share(100u128, 1, 3), 33);
		assert_eq!(reward_share(100u128, 2, 3), 66);
		assert_eq!(reward_share(100u128, 5, 3), 100);
		assert_eq!(reward_share(100u128, 1, 0), 0);
		assert_eq!(reward_share(u128::MAX, u128::MAX - 1, u128::MAX), u128::MAX - 1);
	}
}
