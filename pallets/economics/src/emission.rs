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

/// `emission(e) = min(schedule(e), bootstrap(e) + revenue_cap × trailing_revenue)`; nothing when
/// no useful work was attested (emission pays for work, never for presence).
pub fn emission<B: AtLeast32BitUnsigned + Copy>(
	params: &EmissionParams<B>,
	epoch: u32,
	trailing_revenue: B,
	useful_work: u128,
) -> B {
	if useful_work == 0 {
		return Zero::zero();
	}
	let capped = trailing_revenue.saturating_mul(params.revenue_cap_percent.into()) / 100u32.into();
	schedule(params, epoch).min(bootstrap(params, epoch).saturating_add(capped))
}

/// A provider's share of an epoch's emission: `emission × work / total_work`, rounded down.
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
	fn emission_is_capped_by_revenue_once_the_bootstrap_is_gone() {
		let p = params();
		// Epoch 0: bootstrap 400 + 1.5 × 100 = 550 < schedule 1,000.
		assert_eq!(emission(&p, 0, 100, 1), 550);
		// Plenty of revenue: the schedule is the ceiling.
		assert_eq!(emission(&p, 0, 10_000, 1), 1_000);
		// After the bootstrap, no revenue means no emission.
		assert_eq!(emission(&p, 5, 0, 1), 0);
		assert_eq!(emission(&p, 5, 200, 1), 300);
		// Without useful work nothing is emitted, however much the schedule allows.
		assert_eq!(emission(&p, 0, 10_000, 0), 0);
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
