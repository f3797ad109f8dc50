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

	/// The epoch whose report window closes at `block`, if one does.
	pub(crate) fn epoch_to_close(block: BlockNumberFor<T>) -> Option<EpochIndex> {
		T::Clock::get().epoch_closing_at(block.unique_saturated_into())
	}

	/// Fee revenue of the `window` epochs up to and including `epoch`.
	pub fn trailing_revenue(epoch: EpochIndex, window: u32) -> BalanceOf<T> {
		let first = epoch.saturating_add(1).saturating_sub(window);
		(first..=epoch).fold(Zero::zero(), |sum: BalanceOf<T>, e| sum.saturating_add(Ledgers::<T>::get(e).fee_revenue))
	}

	/// Fixes `epoch`'s emission allowance and snapshots the open leases.
	pub(crate) fn close_epoch(epoch: EpochIndex) {
		let params = Params::<T>::get();
		let trailing = Self::trailing_revenue(epoch, params.trailing_epochs);
		let mut ledger = Ledgers::<T>::get(epoch);
		ledger.emission = emission::emission(&params, epoch, trailing, ledger.useful_work);
		ledger.open_leases = OpenLeases::<T>::get();
		ledger.closed = true;
		Self::deposit_event(Event::EpochClosed {
			epoch,
			fee_revenue: ledger.fee_revenue,
			emission: ledger.emission,
			useful_work: ledger.useful_work,
		});
		Ledgers::<T>::insert(epoch, ledger);
		LastClosedEpoch::<T>::put(epoch);
	}

	/// Useful work of an accepted report.
	pub fn useful_work(usage: &AttestedUsage) -> u128 {
		u128::from(usage.gpu_busy_blocks)
			.saturating_mul(T::GpuBlockWork::get())
			.saturating_add(u128::from(usage.storage_used_gib_blocks).saturating_mul(T::StorageGibBlockWork::get()))
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
		Ledgers::<T>::mutate(epoch, |l| {
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
		ProviderEarnings::<T>::mutate(provider, |e| e.fees = e.fees.saturating_add(provider_share));
	}
}

impl<T: Config> AttestationObserver<T::AccountId, BalanceOf<T>> for Pallet<T> {
	fn report_accepted(provider: &T::AccountId, epoch: EpochIndex, usage: &AttestedUsage) {
		let work = Self::useful_work(usage);
		Ledgers::<T>::mutate(epoch, |l| {
			l.providers_reported = l.providers_reported.saturating_add(1);
			l.gpu_capacity_blocks = l.gpu_capacity_blocks.saturating_add(usage.gpu_capacity_blocks);
			l.gpu_leased_blocks = l.gpu_leased_blocks.saturating_add(usage.gpu_leased_blocks);
			l.gpu_busy_blocks = l.gpu_busy_blocks.saturating_add(usage.gpu_busy_blocks);
			l.storage_capacity_gib_blocks =
				l.storage_capacity_gib_blocks.saturating_add(usage.storage_capacity_gib_blocks);
			l.storage_leased_gib_blocks = l.storage_leased_gib_blocks.saturating_add(usage.storage_leased_gib_blocks);
			l.storage_used_gib_blocks = l.storage_used_gib_blocks.saturating_add(usage.storage_used_gib_blocks);
			l.useful_work = l.useful_work.saturating_add(work);
		});
		if work > 0 {
			ProviderWork::<T>::mutate(epoch, provider, |w| *w = w.saturating_add(work));
		}
	}

	fn slashed(amount: BalanceOf<T>) {
		Ledgers::<T>::mutate(Self::current_epoch(), |l| l.slashed = l.slashed.saturating_add(amount));
	}
}
