//! Claiming emission, and what happens to emission nobody claims.

use frame_support::{
	ensure,
	traits::{fungible::Mutate, Get},
	BoundedVec,
};
use frame_support::weights::Weight;
use sp_runtime::{
	traits::{UniqueSaturatedInto, Zero},
	DispatchError, DispatchResult, Saturating,
};

use crate::{emission, pallet::*, Config, EpochIndex, WeightInfo};

impl<T: Config> Pallet<T> {
	/// Closed epochs whose rewards can no longer be claimed at `last_closed`.
	fn is_expired(epoch: EpochIndex, last_closed: EpochIndex) -> bool {
		last_closed >= epoch.saturating_add(T::RewardExpiry::get())
	}

	pub(crate) fn do_claim_rewards(
		who: T::AccountId,
		epochs: BoundedVec<EpochIndex, T::MaxClaimEpochs>,
	) -> DispatchResult {
		let last_closed = LastClosedEpoch::<T>::get().ok_or(Error::<T>::EpochNotClosed)?;
		let mut sorted = epochs.to_vec();
		sorted.sort_unstable();
		ensure!(sorted.windows(2).all(|w| w[0] != w[1]), Error::<T>::DuplicateEpoch);

		let mut total = BalanceOf::<T>::zero();
		for epoch in epochs.iter().copied() {
			ensure!(epoch <= last_closed, Error::<T>::EpochNotClosed);
			ensure!(!Self::is_expired(epoch, last_closed), Error::<T>::RewardsExpired);
			let take = UsageTake::<T>::take(epoch, &who);
			let work = CapacityWork::<T>::take(epoch, &who);
			ensure!(!take.is_zero() || work > 0, Error::<T>::NothingToClaim);
			let mut ledger = Ledgers::<T>::get(epoch);
			let reward = emission::reward_share(
				ledger.usage_emission,
				take.unique_saturated_into(),
				ledger.matched_take.unique_saturated_into(),
			)
			.saturating_add(emission::reward_share(ledger.capacity_emission, work, ledger.capacity_work));
			ledger.emission_claimed = ledger.emission_claimed.saturating_add(reward);
			ledger.emission_minted = ledger.emission_minted.saturating_add(reward);
			Ledgers::<T>::insert(epoch, ledger);
			total = total.saturating_add(reward);
		}
		if !total.is_zero() {
			T::Currency::mint_into(&who, total)?;
			TotalMinted::<T>::mutate(|minted| *minted = minted.saturating_add(total));
			ProviderEarnings::<T>::mutate(&who, |e| e.emission = e.emission.saturating_add(total));
		}
		Self::deposit_event(Event::RewardsClaimed { provider: who, amount: total, epochs: epochs.len() as u32 });
		Ok(())
	}

	/// Returns how many providers' records were cleared (the most of either map), for the weight.
	pub(crate) fn do_sweep_expired(epoch: EpochIndex) -> Result<u32, DispatchError> {
		let last_closed = LastClosedEpoch::<T>::get().ok_or(Error::<T>::NotExpired)?;
		ensure!(Self::is_expired(epoch, last_closed), Error::<T>::NotExpired);
		ensure!(epoch >= ArchivedBefore::<T>::get(), Error::<T>::AlreadySwept);
		let mut ledger = Ledgers::<T>::get(epoch);
		let records_left = || {
			UsageTake::<T>::iter_key_prefix(epoch).next().is_some() ||
				CapacityWork::<T>::iter_key_prefix(epoch).next().is_some() ||
				HeldTake::<T>::iter_key_prefix(epoch).next().is_some()
		};
		ensure!(!ledger.swept || records_left(), Error::<T>::AlreadySwept);

		// The first sweep settles the unclaimed rest; every sweep clears up to
		// `MaxProvidersPerEpoch` records of each kind, until none is left. Nothing bounds how
		// many providers worked in an epoch, so one sweep may not be enough.
		if !ledger.swept {
			let unclaimed = ledger.emission.saturating_sub(ledger.emission_claimed);
			let to = T::ExpiredRewardsTo::get();
			if let Some(beneficiary) = to.as_ref().filter(|_| !unclaimed.is_zero()) {
				T::Currency::mint_into(beneficiary, unclaimed)?;
				TotalMinted::<T>::mutate(|minted| *minted = minted.saturating_add(unclaimed));
				ledger.emission_minted = ledger.emission_minted.saturating_add(unclaimed);
			}
			ledger.swept = true;
			Ledgers::<T>::insert(epoch, ledger);
			Self::deposit_event(Event::RewardsExpired { epoch, amount: unclaimed, to });
		}
		// `drain_prefix` walks storage as it is now (removals in this block included), so
		// repeated sweeps in one block make progress.
		let limit = T::MaxProvidersPerEpoch::get() as usize;
		let takes = UsageTake::<T>::drain_prefix(epoch).take(limit).count() as u32;
		let works = CapacityWork::<T>::drain_prefix(epoch).take(limit).count() as u32;
		// Take still held for disputes nobody ended: its reservation lapses with the epoch.
		let held = HeldTake::<T>::drain_prefix(epoch).take(limit).count() as u32;
		let remaining = records_left();
		Self::deposit_event(Event::RecordsSwept { epoch, cleared: takes.saturating_add(works).saturating_add(held), remaining });
		if !remaining && epoch == ArchivedBefore::<T>::get() {
			Self::archive(epoch);
		}
		Ok(takes.max(works).max(held))
	}

	/// The epoch was swept and none of its records are left.
	fn is_cleared(epoch: EpochIndex) -> bool {
		Ledgers::<T>::get(epoch).swept &&
			UsageTake::<T>::iter_key_prefix(epoch).next().is_none() &&
			CapacityWork::<T>::iter_key_prefix(epoch).next().is_none() &&
			HeldTake::<T>::iter_key_prefix(epoch).next().is_none()
	}

	/// Removes the ledger of the oldest unarchived epoch, swept and cleared (emitting its final
	/// state), and moves the archive cursor past it.
	fn archive(epoch: EpochIndex) {
		let ledger = Ledgers::<T>::take(epoch);
		Archived::<T>::mutate(|(minted, burned)| {
			*minted = minted.saturating_add(ledger.emission_minted);
			*burned = burned.saturating_add(ledger.burned);
		});
		ArchivedBefore::<T>::put(epoch.saturating_add(1));
		Self::deposit_event(Event::LedgerArchived { epoch, ledger });
	}

	/// `on_idle`: one sweep of the oldest expired epoch not yet archived, if the block has the
	/// weight of a full sweep left.
	pub(crate) fn archive_expired(remaining: Weight) -> Weight {
		let check = T::DbWeight::get().reads(2);
		let sweep = T::WeightInfo::sweep_expired(T::MaxProvidersPerEpoch::get());
		if !remaining.all_gte(check.saturating_add(sweep)) {
			return Weight::zero();
		}
		let epoch = ArchivedBefore::<T>::get();
		let expired = LastClosedEpoch::<T>::get().is_some_and(|last| Self::is_expired(epoch, last));
		if !expired {
			return check;
		}
		// Swept and cleared by hand before the cursor reached it: only the archiving is left.
		if Self::is_cleared(epoch) {
			Self::archive(epoch);
			return check.saturating_add(sweep);
		}
		match Self::do_sweep_expired(epoch) {
			Ok(cleared) => check.saturating_add(T::WeightInfo::sweep_expired(cleared)),
			Err(_) => check,
		}
	}
}
