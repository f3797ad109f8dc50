//! Providers' earnings locked while consumers may still contest them.
//!
//! A report's charges are paid at once — the take to the protocol, the provider's share to the
//! provider — but the share stays on hold (`ProviderEarnings`) until the provider's next report
//! of a later epoch, or until the next epoch can no longer be settled. Until then a consumer may
//! dispute the charge with the report's figures in view; the disputed lease's share then stays
//! locked until the dispute ends (`ContestedEarnings`). So what a provider can charge and spend
//! before a ruling is never more than what no consumer contested: a ruling for the consumer is
//! paid from the locked share, not from a bond that may be far smaller than the charges.

use frame_support::{
	ensure,
	traits::{
		fungible::{Inspect, MutateHold},
		tokens::{Fortitude, Precision, Preservation, Restriction},
	},
};
use sp_runtime::{
	traits::{Saturating, Zero},
	DispatchError, DispatchResult,
};

use crate::{money, pallet::*, types::*, Config};

/// Whether a payment to a provider stays locked while it can be contested.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Lock {
	/// Paid free: a decided dispute's charge, nothing left to contest.
	No,
	/// Locked until the provider's next report, or the next epoch's settlement closes.
	UntilContestable,
}

impl<T: Config> Pallet<T> {
	fn earnings_reason() -> T::RuntimeHoldReason {
		HoldReason::ProviderEarnings.into()
	}

	/// Holds `amount` just paid to `provider` for `epoch`. An account that cannot hold all of it
	/// (one that left and was reaped, now holding only this payment) keeps the existential
	/// deposit's worth free.
	pub(crate) fn lock_earnings(provider: &T::AccountId, epoch: EpochIndex, amount: BalanceOf<T>) -> DispatchResult {
		let lockable =
			T::Currency::reducible_balance(provider, Preservation::Protect, Fortitude::Polite).min(amount);
		if lockable.is_zero() {
			return Ok(());
		}
		T::Currency::hold(&Self::earnings_reason(), provider, lockable)?;
		LockedEarnings::<T>::mutate(provider, epoch, |locked| *locked = locked.saturating_add(lockable));
		Self::deposit_event(Event::EarningsLocked { provider: provider.clone(), epoch, amount: lockable });
		Ok(())
	}

	/// Unlocks what `provider` earned in epochs before `epoch` and nobody contested.
	pub(crate) fn release_earnings_before(provider: &T::AccountId, epoch: EpochIndex) -> DispatchResult {
		// At most the epochs whose next report has not landed: a handful.
		let earlier: alloc::vec::Vec<EpochIndex> =
			LockedEarnings::<T>::iter_key_prefix(provider).filter(|e| *e < epoch).collect();
		for e in earlier {
			Self::unlock_earnings(provider, e)?;
		}
		Ok(())
	}

	fn unlock_earnings(provider: &T::AccountId, epoch: EpochIndex) -> DispatchResult {
		let Some(amount) = LockedEarnings::<T>::take(provider, epoch) else { return Ok(()) };
		T::Currency::release(&Self::earnings_reason(), provider, amount, Precision::Exact)?;
		Self::deposit_event(Event::EarningsReleased { provider: provider.clone(), epoch, amount });
		Ok(())
	}

	/// Anyone may unlock `provider`'s earnings of `epoch` once nobody can contest them any more:
	/// the next epoch can no longer be settled.
	pub(crate) fn do_release_earnings(provider: T::AccountId, epoch: EpochIndex) -> DispatchResult {
		ensure!(LockedEarnings::<T>::contains_key(&provider, epoch), Error::<T>::NothingLocked);
		let now = Self::block_index(Self::now());
		ensure!(!Self::clock().settleable(epoch.saturating_add(1), now), Error::<T>::StillContestable);
		Self::unlock_earnings(&provider, epoch)
	}

	/// A consumer contests the charge `epoch`'s report made on lease `id`: while the provider's
	/// share of it is still locked, it moves to `ContestedEarnings` and stays locked until the
	/// dispute ends. Returns what was charged.
	pub(crate) fn contest_paid_charge(id: LeaseId, epoch: EpochIndex) -> Option<BalanceOf<T>> {
		let mut lease = Leases::<T>::get(id)?;
		if lease.settled_epoch != Some(epoch) || lease.last_paid_charge.is_zero() {
			return None;
		}
		let charged = lease.last_paid_charge;
		let (share, _) = money::split_take(charged, T::TakeRate::get());
		let locked = LockedEarnings::<T>::get(&lease.provider, epoch).unwrap_or_default();
		// Released already (or, for a reaped account, never fully locked): too late.
		if locked < share {
			return None;
		}
		let rest = locked.saturating_sub(share);
		if rest.is_zero() {
			LockedEarnings::<T>::remove(&lease.provider, epoch);
		} else {
			LockedEarnings::<T>::insert(&lease.provider, epoch, rest);
		}
		ContestedEarnings::<T>::insert(
			id,
			epoch,
			Contested { provider: lease.provider.clone(), consumer: lease.consumer.clone(), share },
		);
		lease.last_paid_charge = Zero::zero();
		Leases::<T>::insert(id, lease);
		Some(charged)
	}

	/// Ends a contested charge's lock: the share goes free to the provider, or back to the
	/// consumer. Returns the share.
	pub(crate) fn do_resolve_paid(
		id: LeaseId,
		epoch: EpochIndex,
		verdict: Verdict,
	) -> Result<BalanceOf<T>, DispatchError> {
		let contested = ContestedEarnings::<T>::take(id, epoch).ok_or(Error::<T>::NothingLocked)?;
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
