//! Providers' earnings paid and locked before claims (storage v4): drained by the paths that
//! made them.
//!
//! Until v4 a report's charges were paid at once and the provider's share stayed on hold
//! (`ProviderEarnings`) for an epoch after the report landed (`LockedShare::unlock_at`); a
//! consumer contesting a charge in that time kept the disputed lease's share locked until the
//! ruling (`ContestedEarnings`). Reports now book charges instead (`claims`), and these locks
//! only end: released by anyone's `release_earnings` or by a claim for the provider, or decided
//! by the ruling.

use frame_support::{
	ensure,
	traits::{
		fungible::MutateHold,
		tokens::{Fortitude, Precision, Restriction},
		Get,
	},
};
use sp_runtime::{
	traits::{Saturating, Zero},
	DispatchError, DispatchResult,
};

use depin_primitives::Verdict;

use crate::{money, pallet::*, types::*, Config};

impl<T: Config> Pallet<T> {
	fn earnings_reason() -> T::RuntimeHoldReason {
		HoldReason::ProviderEarnings.into()
	}

	/// Holds `amount` just paid to `provider` for `epoch`, for an epoch from now, as reports did
	/// before v4: the legacy state tests and benchmarks start from. An account that cannot hold
	/// all of it (one that left and was reaped, now holding only this payment) keeps the
	/// existential deposit's worth free.
	#[cfg(any(test, feature = "runtime-benchmarks"))]
	pub(crate) fn lock_earnings(provider: &T::AccountId, epoch: EpochIndex, amount: BalanceOf<T>) -> DispatchResult {
		let lockable =
			<T::Currency as frame_support::traits::fungible::Inspect<_>>::reducible_balance(
				provider,
				frame_support::traits::tokens::Preservation::Protect,
				Fortitude::Polite,
			)
			.min(amount);
		if lockable.is_zero() {
			return Ok(());
		}
		T::Currency::hold(&Self::earnings_reason(), provider, lockable)?;
		let unlock_at = Self::now().saturating_add(Self::clock().length().into());
		LockedEarnings::<T>::mutate(provider, epoch, |locked| {
			let locked = locked.get_or_insert(LockedShare { amount: Zero::zero(), unlock_at });
			locked.amount = locked.amount.saturating_add(lockable);
			locked.unlock_at = locked.unlock_at.max(unlock_at);
		});
		Self::deposit_event(Event::EarningsLocked { provider: provider.clone(), epoch, amount: lockable });
		Ok(())
	}

	/// Unlocks what `provider` earned before claims existed that nobody can contest any more (a
	/// claim does this); returns how many epochs' earnings it unlocked.
	pub(crate) fn release_unlocked_earnings(provider: &T::AccountId) -> Result<u32, DispatchError> {
		let now = Self::now();
		let due: alloc::vec::Vec<EpochIndex> = LockedEarnings::<T>::iter_prefix(provider)
			.filter(|(_, locked)| locked.unlock_at <= now)
			.map(|(epoch, _)| epoch)
			.collect();
		for epoch in &due {
			Self::unlock_earnings(provider, *epoch)?;
		}
		Ok(due.len() as u32)
	}

	fn unlock_earnings(provider: &T::AccountId, epoch: EpochIndex) -> DispatchResult {
		let Some(locked) = LockedEarnings::<T>::take(provider, epoch) else { return Ok(()) };
		T::Currency::release(&Self::earnings_reason(), provider, locked.amount, Precision::Exact)?;
		Self::deposit_event(Event::EarningsReleased { provider: provider.clone(), epoch, amount: locked.amount });
		Ok(())
	}

	/// Anyone may unlock `provider`'s earnings of `epoch` once nobody can contest them any more.
	pub(crate) fn do_release_earnings(provider: T::AccountId, epoch: EpochIndex) -> DispatchResult {
		let locked = LockedEarnings::<T>::get(&provider, epoch).ok_or(Error::<T>::NothingLocked)?;
		ensure!(Self::now() >= locked.unlock_at, Error::<T>::StillContestable);
		Self::unlock_earnings(&provider, epoch)
	}

	/// A consumer contests the charge `epoch`'s report made on lease `id`: while the provider's
	/// share of it is still locked, it moves to `ContestedEarnings` and stays locked until the
	/// dispute ends. Returns what was charged.
	pub(crate) fn contest_paid_charge(id: LeaseId, epoch: EpochIndex) -> Option<BalanceOf<T>> {
		if let Some(charged) = Self::contest_booked_charge(id, epoch) {
			return Some(charged);
		}
		// A charge paid and locked before claims existed.
		let mut lease = Leases::<T>::get(id)?;
		let position = lease.paid_charges.iter().position(|(e, charged)| *e == epoch && !charged.is_zero())?;
		let charged = lease.paid_charges[position].1;
		let (share, _) = money::split_take(charged, T::TakeRate::get());
		let mut locked = LockedEarnings::<T>::get(&lease.provider, epoch)?;
		// Unlocked already (or, for a reaped account, never fully locked): too late.
		if locked.amount < share || Self::now() >= locked.unlock_at {
			return None;
		}
		locked.amount = locked.amount.saturating_sub(share);
		if locked.amount.is_zero() {
			LockedEarnings::<T>::remove(&lease.provider, epoch);
		} else {
			LockedEarnings::<T>::insert(&lease.provider, epoch, locked);
		}
		ContestedEarnings::<T>::insert(
			id,
			epoch,
			Contested { provider: lease.provider.clone(), consumer: lease.consumer.clone(), share },
		);
		lease.paid_charges.remove(position);
		Leases::<T>::insert(id, lease);
		Some(charged)
	}

	/// Ends a contested charge's lock: the share goes free to the provider, or back to the
	/// consumer. Returns the share; zero for a dispute raised before earnings were locked (a
	/// runtime upgrade's), whose share was paid out free.
	pub(crate) fn do_resolve_paid(
		id: LeaseId,
		epoch: EpochIndex,
		verdict: Verdict,
	) -> Result<BalanceOf<T>, DispatchError> {
		if let Some(resolved) = Self::resolve_contested_charge(id, epoch, verdict) {
			return resolved;
		}
		let Some(contested) = ContestedEarnings::<T>::take(id, epoch) else { return Ok(Zero::zero()) };
		match verdict {
			Verdict::Provider => {
				T::Currency::release(&Self::earnings_reason(), &contested.provider, contested.share, Precision::Exact)?;
			},
			Verdict::Consumer => {
				T::Currency::transfer_on_hold(
					&Self::earnings_reason(),
					&contested.provider,
					&contested.consumer,
					contested.share,
					Precision::Exact,
					Restriction::Free,
					Fortitude::Force,
				)?;
				if let Some(mut lease) = Leases::<T>::get(id) {
					lease.paid = lease.paid.saturating_sub(contested.share);
					lease.refunded = lease.refunded.saturating_add(contested.share);
					Leases::<T>::insert(id, lease);
				}
				Self::deposit_event(Event::PaidChargeRefunded { lease: id, epoch, amount: contested.share });
			},
		}
		Ok(contested.share)
	}
}
