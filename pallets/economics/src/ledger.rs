//! Recording what the leases and attestation pallets report, and closing epochs.

use depin_primitives::{AttestationObserver, AttestedUsage, LeaseObserver, Payment, TakeDestination};
use frame_support::traits::Get;
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{
	traits::{UniqueSaturatedInto, Zero},
	Saturating,
};

use crate::{emission, pallet::*, Config, EpochIndex};

impl<T: Config> Pallet<T> {
	pub fn current_epoch() -> EpochIndex {
		T::Clock::get().epoch_of(frame_system::Pallet::<T>::block_number().unique_saturated_into())
	}

	/// Most epochs closed in one block: an epoch whose window closes, and a congested one whose
	/// late window closes in the same block.
	pub(crate) const MAX_CLOSES_PER_BLOCK: u32 = 2;

	/// Closes, in order, every epoch after the last closed one that has ended and can no longer
	/// be settled at `block` (at most `MAX_CLOSES_PER_BLOCK`). Returns how many it closed.
	pub(crate) fn close_due_epochs(block: BlockNumberFor<T>) -> u32 {
		let clock = T::Clock::get();
		let now = block.unique_saturated_into();
		let mut closed = 0;
		while closed < Self::MAX_CLOSES_PER_BLOCK {
			let next = LastClosedEpoch::<T>::get().map_or(0, |last| last.saturating_add(1));
			if !clock.has_ended(next, now) || clock.settleable(next, now) {
				break;
			}
			Self::close_epoch(next);
			closed += 1;
		}
		closed
	}

	/// Fee revenue of the `window` epochs up to and including `epoch`.
	pub fn trailing_revenue(epoch: EpochIndex, window: u32) -> BalanceOf<T> {
		let first = epoch.saturating_add(1).saturating_sub(window);
		(first..=epoch).fold(Zero::zero(), |sum: BalanceOf<T>, e| sum.saturating_add(Ledgers::<T>::get(e).fee_revenue))
	}

	/// Fixes `epoch`'s emission and snapshots the open leases.
	pub(crate) fn close_epoch(epoch: EpochIndex) {
		let params = Params::<T>::get();
		let mean_revenue = emission::mean(Self::trailing_revenue(epoch, params.trailing_epochs), params.trailing_epochs);
		let mut ledger = Ledgers::<T>::get(epoch);
		// Take held for undecided disputes counts as paid: should the report stand, its
		// provider gets the usage emission it would have had (see `HeldTake`).
		let take_paid = ledger
			.take_to_treasury
			.saturating_add(ledger.take_burned)
			.saturating_add(HeldTakeTotal::<T>::take(epoch));
		let allowance = emission::allowance(&params, epoch, take_paid, mean_revenue, ledger.capacity_work);
		ledger.matched_take = take_paid;
		ledger.usage_emission = allowance.usage;
		ledger.capacity_emission = allowance.capacity;
		ledger.emission = allowance.total();
		ledger.open_leases = OpenLeases::<T>::get();
		ledger.closed = true;
		Self::deposit_event(Event::EpochClosed {
			epoch,
			fee_revenue: ledger.fee_revenue,
			usage_emission: ledger.usage_emission,
			capacity_emission: ledger.capacity_emission,
		});
		Ledgers::<T>::insert(epoch, ledger);
		LastClosedEpoch::<T>::put(epoch);
	}

	/// Capacity work of an accepted report: audited device-blocks, weighted.
	pub fn capacity_work(usage: &AttestedUsage) -> u128 {
		u128::from(usage.audited_gpu_blocks)
			.saturating_mul(T::GpuBlockWork::get())
			.saturating_add(u128::from(usage.audited_storage_gib_blocks).saturating_mul(T::StorageGibBlockWork::get()))
	}

	/// Records `amount` burned outside this pallet (e.g. a fee the treasury could not take), in
	/// the current epoch's ledger, so issuance stays genesis + minted − burned.
	pub fn note_burned(amount: BalanceOf<T>) {
		if !amount.is_zero() {
			Self::record_burn(Self::current_epoch(), amount);
		}
	}

	pub(crate) fn record_burn(epoch: EpochIndex, amount: BalanceOf<T>) {
		Ledgers::<T>::mutate(epoch, |l| l.burned = l.burned.saturating_add(amount));
		TotalBurned::<T>::mutate(|total| *total = total.saturating_add(amount));
	}
}

impl<T: Config> LeaseObserver<T::AccountId, BalanceOf<T>> for Pallet<T> {
	fn lease_opened(_: &T::AccountId) {
		OpenLeases::<T>::mutate(|n| *n = n.saturating_add(1));
	}

	fn lease_closed(_: &T::AccountId) {
		OpenLeases::<T>::mutate(|n| *n = n.saturating_sub(1));
	}

	fn settled(epoch: EpochIndex, provider: &T::AccountId, payment: &Payment<BalanceOf<T>>) {
		let Payment { charged, provider_share, take, take_destination } = *payment;
		ProviderEarnings::<T>::mutate(provider, |e| e.fees = e.fees.saturating_add(provider_share));
		// An archived epoch's ledger is gone (a dispute ended long after it): its burn is still
		// recorded, with the archived totals; nothing else of it can matter any more.
		if epoch < ArchivedBefore::<T>::get() {
			if take_destination == TakeDestination::Burned {
				Archived::<T>::mutate(|(_, burned)| *burned = burned.saturating_add(take));
				TotalBurned::<T>::mutate(|total| *total = total.saturating_add(take));
			}
			return;
		}
		let mut closed = false;
		Ledgers::<T>::mutate(epoch, |l| {
			closed = l.closed;
			l.fee_revenue = l.fee_revenue.saturating_add(charged);
			l.provider_earnings = l.provider_earnings.saturating_add(provider_share);
			match take_destination {
				TakeDestination::Burned => l.take_burned = l.take_burned.saturating_add(take),
				TakeDestination::Beneficiary => l.take_to_treasury = l.take_to_treasury.saturating_add(take),
			}
		});
		if take_destination == TakeDestination::Burned {
			Self::record_burn(epoch, take);
		}
		// Take paid after the epoch closed (a dispute resolved late) is revenue, but the
		// epoch's usage emission was matched against the take known at its close.
		if !closed && !take.is_zero() {
			UsageTake::<T>::mutate(epoch, provider, |t| *t = t.saturating_add(take));
		}
	}

	fn take_burned(epoch: EpochIndex, amount: BalanceOf<T>) {
		if amount.is_zero() {
			return;
		}
		// A dispute ended long after its epoch: that ledger is archived, the burn still counts.
		if epoch < ArchivedBefore::<T>::get() {
			Archived::<T>::mutate(|(_, burned)| *burned = burned.saturating_add(amount));
			TotalBurned::<T>::mutate(|total| *total = total.saturating_add(amount));
			return;
		}
		Self::record_burn(epoch, amount);
	}

	fn charge_held(epoch: EpochIndex, provider: &T::AccountId, take: BalanceOf<T>) {
		// A charge held after the close (a late report) reserves nothing: the emission is fixed.
		if take.is_zero() || Ledgers::<T>::get(epoch).closed {
			return;
		}
		HeldTake::<T>::mutate(epoch, provider, |held| *held = held.saturating_add(take));
		HeldTakeTotal::<T>::mutate(epoch, |total| *total = total.saturating_add(take));
	}

	fn held_charge_ended(epoch: EpochIndex, provider: &T::AccountId, take: BalanceOf<T>, paid: bool) {
		if epoch < ArchivedBefore::<T>::get() {
			return;
		}
		let held = HeldTake::<T>::get(epoch, provider);
		let ended = held.min(take);
		if ended.is_zero() {
			return;
		}
		HeldTake::<T>::mutate_exists(epoch, provider, |entry| {
			let rest = held.saturating_sub(ended);
			*entry = (!rest.is_zero()).then_some(rest);
		});
		let ledger = Ledgers::<T>::get(epoch);
		if ledger.closed {
			if paid {
				// Counted in the matched take at the close: its emission is the provider's.
				UsageTake::<T>::mutate(epoch, provider, |t| *t = t.saturating_add(ended));
			} else if !ledger.swept {
				// Refunded: the take was never paid, so the emission reserved for it is never
				// minted. Usage emission and matched take shrink in proportion, leaving every
				// other provider's share (and what it may have claimed) as it was.
				let reserved = emission::reward_share(
					ledger.usage_emission,
					ended.unique_saturated_into(),
					ledger.matched_take.unique_saturated_into(),
				);
				Ledgers::<T>::mutate(epoch, |l| {
					l.usage_emission = l.usage_emission.saturating_sub(reserved);
					l.emission = l.emission.saturating_sub(reserved);
					l.matched_take = l.matched_take.saturating_sub(ended);
				});
			}
		} else {
			// Not closed yet: the payment (if any) is recorded as any other, by `settled`.
			HeldTakeTotal::<T>::mutate_exists(epoch, |total| {
				let rest = total.unwrap_or_default().saturating_sub(ended);
				*total = (!rest.is_zero()).then_some(rest);
			});
		}
	}
}

/// A provider's record is gone: so are its running earnings totals.
impl<T: Config> depin_primitives::ProviderObserver<T::AccountId> for Pallet<T> {
	fn provider_removed(provider: &T::AccountId) {
		ProviderEarnings::<T>::remove(provider);
	}

	fn provider_removed_weight() -> frame_support::weights::Weight {
		use crate::WeightInfo;
		T::WeightInfo::forget_provider()
	}
}

impl<T: Config> AttestationObserver<T::AccountId, BalanceOf<T>> for Pallet<T> {
	fn report_accepted(provider: &T::AccountId, epoch: EpochIndex, usage: &AttestedUsage) {
		// A report settled late, after the close, earns no capacity emission: the epoch's work
		// was fixed then, and shares of it may have been claimed already.
		let closed = Ledgers::<T>::get(epoch).closed;
		let work = if closed { 0 } else { Self::capacity_work(usage) };
		Ledgers::<T>::mutate(epoch, |l| {
			l.providers_reported = l.providers_reported.saturating_add(1);
			l.gpu_capacity_blocks = l.gpu_capacity_blocks.saturating_add(usage.gpu_capacity_blocks);
			l.gpu_leased_blocks = l.gpu_leased_blocks.saturating_add(usage.gpu_leased_blocks);
			l.gpu_busy_blocks = l.gpu_busy_blocks.saturating_add(usage.gpu_busy_blocks);
			l.storage_capacity_gib_blocks =
				l.storage_capacity_gib_blocks.saturating_add(usage.storage_capacity_gib_blocks);
			l.storage_leased_gib_blocks = l.storage_leased_gib_blocks.saturating_add(usage.storage_leased_gib_blocks);
			l.storage_used_gib_blocks = l.storage_used_gib_blocks.saturating_add(usage.storage_used_gib_blocks);
			l.audited_gpu_blocks = l.audited_gpu_blocks.saturating_add(usage.audited_gpu_blocks);
			l.audited_storage_gib_blocks = l.audited_storage_gib_blocks.saturating_add(usage.audited_storage_gib_blocks);
			l.capacity_work = l.capacity_work.saturating_add(work);
		});
		if work > 0 {
			CapacityWork::<T>::mutate(epoch, provider, |w| *w = w.saturating_add(work));
		}
	}

	fn slashed(amount: BalanceOf<T>) {
		Ledgers::<T>::mutate(Self::current_epoch(), |l| l.slashed = l.slashed.saturating_add(amount));
	}
}
