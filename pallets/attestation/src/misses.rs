//! Missed reports: slash, bounty, and suspension after repeated misses.

use depin_primitives::{LeaseSettlement, ProviderRegistry, ProviderStatus};
use frame_support::{ensure, traits::Get};
use sp_runtime::DispatchError;

use crate::{pallet::*, types::*, Config};

impl<T: Config> Pallet<T> {
	/// Returns how many of the provider's leases were looked at, for the weight.
	pub(crate) fn do_report_missed(
		reporter: T::AccountId,
		provider: T::AccountId,
		epoch: EpochIndex,
	) -> Result<u32, DispatchError> {
		let (clock, now) = (Self::clock(), Self::now());
		// A congested epoch may still be reported late: not missed until that closes too.
		ensure!(!clock.settleable(epoch, now), Error::<T>::ReportWindowOpen);
		ensure!(
			epoch.saturating_add(T::MissLookback::get()) >= clock.epoch_of(now),
			Error::<T>::MissTooOld
		);
		let recorded = ProviderLiveness::<T>::get(&provider);
		ensure!(!recorded.has_reported(epoch), Error::<T>::AlreadyReported);
		ensure!(!recorded.has_missed(epoch), Error::<T>::MissAlreadyRecorded);
		// No slash or suspension if the chain had no room for the report in its window nor in
		// the late window after it.
		ensure!(
			!(Self::window_was_congested(epoch) && Self::window_was_congested(epoch.saturating_add(1))),
			Error::<T>::WindowCongested
		);
		let status = T::Providers::status(&provider).ok_or(Error::<T>::NotRegistered)?;
		ensure!(T::Leases::served_in(&provider, epoch), Error::<T>::NoReportOwed);
		let scanned = T::Leases::lease_count(&provider);

		let slashed = Self::slash_miss(&provider, &reporter)?;
		if T::Providers::status(&provider).is_none() {
			// The slash took a departing provider's last funds and its record went (and with it,
			// through `ProviderObserver`, its history): nothing is left to record against.
			Self::deposit_event(Event::ReportMissed {
				provider,
				epoch,
				reporter,
				slashed: slashed.total,
				bounty: slashed.bounty,
			});
			return Ok(scanned);
		}
		// The slash left the provider's records as they were (a removal returned above).
		let mut liveness = recorded;
		Self::note_record(&mut liveness, epoch, EpochOutcome::Missed, clock.epoch_of(now));
		liveness.misses = liveness.misses.saturating_add(1);
		// Only misses after the last accepted report are in a row: old misses reported late
		// must not suspend a provider that is reporting now.
		if liveness.last_reported.is_none_or(|last| epoch > last) {
			liveness.missed_in_a_row = liveness.missed_in_a_row.saturating_add(1);
		}
		let suspend = liveness.missed_in_a_row >= T::MaxMissedEpochs::get() &&
			status == ProviderStatus::Active &&
			T::Providers::status(&provider) == Some(ProviderStatus::Active);
		if suspend {
			T::Providers::suspend(&provider)?;
			liveness.suspended_for_misses = true;
		}
		let missed_in_a_row = liveness.missed_in_a_row;
		ProviderLiveness::<T>::insert(&provider, liveness);

		Self::deposit_event(Event::ReportMissed {
			provider: provider.clone(),
			epoch,
			reporter,
			slashed: slashed.total,
			bounty: slashed.bounty,
		});
		if suspend {
			Self::deposit_event(Event::SuspendedForMisses { provider, missed_in_a_row });
		}
		Ok(scanned)
	}

	/// Notes in `liveness` what `epoch` left on record (`outcome`), after dropping the records
	/// older than `MissLookback` epochs before `current`: they can no longer matter. Records
	/// are only made within that span (a report of a settleable epoch, a miss within
	/// `MissLookback`), so the list never holds more than `MissLookback` + 1 epochs.
	pub(crate) fn note_record(
		liveness: &mut Liveness<BalanceOf<T>>,
		epoch: EpochIndex,
		outcome: EpochOutcome<BalanceOf<T>>,
		current: EpochIndex,
	) {
		let oldest_kept = current.saturating_sub(T::MissLookback::get());
		liveness.recorded.retain(|(recorded, _)| *recorded >= oldest_kept);
		// Cannot fail: at most `MissLookback` + 1 epochs remain (`integrity_test`); were it full,
		// the oldest record would go.
		if liveness.recorded.is_full() {
			liveness.recorded.remove(0);
		}
		let _ = liveness.recorded.try_push((epoch, outcome));
	}
}

/// A provider's record is gone: so is its liveness, with its report and miss history (a
/// suspension for misses never carries over to a later registration of the account).
impl<T: Config> depin_primitives::ProviderObserver<T::AccountId> for Pallet<T> {
	fn provider_removed(provider: &T::AccountId) {
		ProviderLiveness::<T>::remove(provider);
		// `DisputedBeforeReport` stays: its disputes are the consumers', open until they end,
		// and each list goes with its last dispute.
	}

	fn provider_removed_weight() -> frame_support::weights::Weight {
		use crate::WeightInfo;
		T::WeightInfo::forget_provider()
	}
}
