//! Claiming emission, and what happens to emission nobody claims.

use frame_support::{
	ensure,
	traits::{fungible::Mutate, Get},
	BoundedVec,
};
use sp_runtime::{traits::Zero, DispatchError, DispatchResult, Saturating};

use crate::{emission, pallet::*, Config, EpochIndex};

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
			let work = ProviderWork::<T>::take(epoch, &who);
			ensure!(work > 0, Error::<T>::NothingToClaim);
			let mut ledger = Ledgers::<T>::get(epoch);
			let reward = emission::reward_share(ledger.emission, work, ledger.useful_work);
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

	/// Returns how many work records were cleared.
	pub(crate) fn do_sweep_expired(epoch: EpochIndex) -> Result<u32, DispatchError> {
		let last_closed = LastClosedEpoch::<T>::get().ok_or(Error::<T>::NotExpired)?;
		ensure!(Self::is_expired(epoch, last_closed), Error::<T>::NotExpired);
		let mut ledger = Ledgers::<T>::get(epoch);
		ensure!(!ledger.swept, Error::<T>::AlreadySwept);

		let unclaimed = ledger.emission.saturating_sub(ledger.emission_claimed);
		let to = T::ExpiredRewardsTo::get();
		if let Some(beneficiary) = to.as_ref().filter(|_| !unclaimed.is_zero()) {
			T::Currency::mint_into(beneficiary, unclaimed)?;
			TotalMinted::<T>::mutate(|minted| *minted = minted.saturating_add(unclaimed));
			ledger.emission_minted = ledger.emission_minted.saturating_add(unclaimed);
		}
		ledger.swept = true;
		Ledgers::<T>::insert(epoch, ledger);
		let cleared = ProviderWork::<T>::clear_prefix(epoch, T::MaxProvidersPerEpoch::get(), None).unique;
		Self::deposit_event(Event::RewardsExpired { epoch, amount: unclaimed, to });
		Ok(cleared)
	}
}
