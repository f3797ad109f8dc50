//! All money arithmetic of the pallet: prices, charges and the protocol take. Checked or
//! rounding down in the consumer's favour; what rounding leaves stays in escrow, never vanishes.

use sp_runtime::{traits::AtLeast32BitUnsigned, Perbill};

/// Cost of `blocks` blocks at `price_per_hour`: `price × blocks / blocks_per_hour`, rounded
/// down. `None` on overflow or a zero `blocks_per_hour`.
pub fn charge_for_blocks<B: AtLeast32BitUnsigned + Copy>(
	price_per_hour: B,
	blocks: u32,
	blocks_per_hour: u32,
) -> Option<B> {
	if blocks_per_hour == 0 {
		return None;
	}
	price_per_hour.checked_mul(&B::from(blocks))?.checked_div(&B::from(blocks_per_hour))
}

/// Splits a payment into the provider's share and the protocol take (rounded down, so the
/// provider never gets less than its exact share).
pub fn split_take<B: AtLeast32BitUnsigned + Copy>(amount: B, take_rate: Perbill) -> (B, B) {
	let take = take_rate.mul_floor(amount);
	(amount.saturating_sub(take), take)
}

/// The minimum deposit: `epochs` full epochs at `epoch_cost`.
pub fn min_deposit<B: AtLeast32BitUnsigned + Copy>(epoch_cost: B, epochs: u32) -> Option<B> {
	epoch_cost.checked_mul(&B::from(epochs))
}

/// Hourly price of a bundle: the sum of its GPUs' prices plus storage and CPU.
pub fn bundle_price<B: AtLeast32BitUnsigned + Copy>(
	gpu_prices: impl IntoIterator<Item = B>,
	storage_gib: u32,
	storage_gib_price: B,
	cpu_cores: u32,
	cpu_core_price: B,
) -> Option<B> {
	let mut total = B::zero();
	for price in gpu_prices {
		total = total.checked_add(&price)?;
	}
	total = total.checked_add(&storage_gib_price.checked_mul(&B::from(storage_gib))?)?;
	total.checked_add(&cpu_core_price.checked_mul(&B::from(cpu_cores))?)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn charges_are_pro_rata_and_round_down() {
		// 600 blocks an hour (6-second blocks): 10 blocks of a 600-planck/hour lease cost 10.
		assert_eq!(charge_for_blocks(600u128, 10, 600), Some(10));
		assert_eq!(charge_for_blocks(599u128, 1, 600), Some(0));
		assert_eq!(charge_for_blocks(1_200u128, 600, 600), Some(1_200));
		assert_eq!(charge_for_blocks(u128::MAX, 2, 600), None);
		assert_eq!(charge_for_blocks(5u128, 1, 0), None);
	}

	#[test]
	fn take_is_split_without_losing_a_planck() {
		let (provider, take) = split_take(1_001u128, Perbill::from_percent(5));
		assert_eq!((provider, take), (951, 50));
		assert_eq!(provider + take, 1_001);
		assert_eq!(split_take(7u128, Perbill::zero()), (7, 0));
		assert_eq!(split_take(7u128, Perbill::one()), (0, 7));
	}

	#[test]
	fn bundle_prices_add_up_and_overflow_is_caught() {
		assert_eq!(bundle_price([2_000u128, 2_000], 100, 3, 8, 40), Some(4_000 + 300 + 320));
		assert_eq!(bundle_price([u128::MAX, 1], 0, 0, 0, 0), None);
		assert_eq!(min_deposit(10u128, 3), Some(30));
		assert_eq!(min_deposit(u128::MAX, 2), None);
	}
}
