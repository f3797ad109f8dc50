//! Disputes over a lease's epoch: opened by the consumer before the report lands (its charge is
//! then held) or after it (while the booked charge is still contestable, an epoch after the
//! report: its provider share is kept on the consumer's dispute hold; a ruling for the consumer
//! refunds that share and repays the take from the provider's bond), decided by governance, or
//! ended by anyone once there is nothing to decide or `DisputeTimeout` passed.

use depin_primitives::LeaseSettlement;
use frame_support::{ensure, traits::Get};
use sp_runtime::{
	traits::{Saturating, Zero},
	DispatchResult,
};

use crate::{pallet::*, types::*, Config};

impl<T: Config> Pallet<T> {
	pub(crate) fn do_dispute(who: T::AccountId, lease: LeaseId, epoch: EpochIndex) -> DispatchResult {
		let (consumer, provider) = T::Leases::parties(lease).ok_or(Error::<T>::UnknownLease)?;
		ensure!(who == consumer, Error::<T>::NotConsumer);
		let (clock, now) = (Self::clock(), Self::now());
		ensure!(epoch <= clock.epoch_of(now), Error::<T>::FutureEpoch);
		ensure!(!Disputes::<T>::contains_key(lease, epoch), Error::<T>::AlreadyDisputed);
		let paid = if ProviderLiveness::<T>::get(&provider).has_reported(epoch) {
			// After the report, with its figures in view (`LeaseSettled`): for an epoch after
			// the report landed.
			Some(T::Leases::take_paid_charge(lease, epoch).ok_or(Error::<T>::DisputeWindowClosed)?)
		} else {
			// Before the report: the charge will be held when it lands.
			ensure!(clock.settleable(epoch, now), Error::<T>::DisputeWindowClosed);
			DisputedBeforeReport::<T>::try_mutate(&provider, epoch, |leases| leases.try_push(lease))
				.map_err(|_| Error::<T>::TooManyDisputes)?;
			None
		};

		let deposit = T::DisputeDeposit::get();
		Self::hold_dispute_deposit(&consumer, deposit)?;
		let opened_at = frame_system::Pallet::<T>::block_number();
		Disputes::<T>::insert(
			lease,
			epoch,
			Dispute::<T> { consumer: consumer.clone(), provider, deposit, held: None, paid, opened_at },
		);
		Self::deposit_event(Event::DisputeOpened { lease, epoch, consumer, deposit, paid });
		Ok(())
	}

	pub(crate) fn do_resolve_dispute(lease: LeaseId, epoch: EpochIndex, verdict: Verdict) -> DispatchResult {
		let dispute = Disputes::<T>::get(lease, epoch).ok_or(Error::<T>::UnknownDispute)?;
		// Raised before the report, there is nothing to decide until the report's charge is held
		// or the window closes without one; ruling earlier would leave the report to be paid
		// out normally and disputed again.
		ensure!(
			dispute.held.is_some() ||
				dispute.paid.is_some() ||
				!Self::clock().settleable(epoch, Self::now()),
			Error::<T>::NothingToDecideYet
		);
		Disputes::<T>::remove(lease, epoch);
		Self::unindex_dispute(&dispute.provider, lease, epoch);

		let held = match dispute.held {
			Some(_) => T::Leases::resolve_held(lease, epoch, verdict)?,
			None => Zero::zero(),
		};
		// A charge contested after the report: its provider share is still kept for the ruling.
		let returned_share = match dispute.paid {
			Some(_) => T::Leases::resolve_paid(lease, epoch, verdict)?,
			None => Zero::zero(),
		};
		let penalty = match verdict {
			Verdict::Provider => Self::forfeit_dispute_deposit(&dispute.consumer, dispute.deposit)?,
			Verdict::Consumer => {
				Self::return_dispute_deposit(&dispute.consumer, dispute.deposit)?;
				// The provider signed a false report: the penalty, and the part of a contested
				// charge the consumer did not get back from the hold (the protocol's take), come
				// from its bond.
				let not_returned = dispute.paid.unwrap_or_default().saturating_sub(returned_share);
				let owed = dispute.deposit.saturating_add(not_returned);
				Self::slash_for_dispute(&dispute.provider, owed, &dispute.consumer)
			},
		};
		Self::deposit_event(Event::DisputeResolved { lease, epoch, verdict, held, penalty });
		Ok(())
	}

	/// Ends a dispute nobody needs to decide. With nothing held, once its epoch's window closed
	/// without a charge: the deposit goes back. With a charge held or contested, once
	/// `DisputeTimeout` has passed since it opened: the default verdict — the signed report
	/// stands, so the provider gets what the dispute held back (its usage emission included,
	/// reserved for it when the epoch closed), and the consumer, whose dispute nobody upheld,
	/// forfeits its deposit. (Defaulting to the consumer would let any consumer get service free
	/// by disputing every epoch; a free default would let it delay every payment for nothing.)
	pub(crate) fn do_release_dispute(lease: LeaseId, epoch: EpochIndex) -> DispatchResult {
		let dispute = Disputes::<T>::get(lease, epoch).ok_or(Error::<T>::UnknownDispute)?;
		if dispute.held.is_none() && dispute.paid.is_none() {
			ensure!(!Self::clock().settleable(epoch, Self::now()), Error::<T>::ReportWindowOpen);
			Disputes::<T>::remove(lease, epoch);
			Self::unindex_dispute(&dispute.provider, lease, epoch);
			Self::return_dispute_deposit(&dispute.consumer, dispute.deposit)?;
			Self::deposit_event(Event::DisputeLapsed { lease, epoch, refunded: dispute.deposit });
			return Ok(());
		}
		let timeout = dispute.opened_at.saturating_add(T::DisputeTimeout::get());
		ensure!(frame_system::Pallet::<T>::block_number() >= timeout, Error::<T>::DisputeNotTimedOut);
		Disputes::<T>::remove(lease, epoch);
		let paid = match (dispute.held, dispute.paid) {
			(Some(_), _) => T::Leases::resolve_held(lease, epoch, Verdict::Provider)?,
			(None, Some(_)) => T::Leases::resolve_paid(lease, epoch, Verdict::Provider)?,
			(None, None) => Zero::zero(),
		};
		let forfeited = Self::forfeit_dispute_deposit(&dispute.consumer, dispute.deposit)?;
		Self::deposit_event(Event::DisputeTimedOut { lease, epoch, paid, forfeited });
		Ok(())
	}

	/// A dispute that ends before its epoch's report drops out of the report's list.
	fn unindex_dispute(provider: &T::AccountId, lease: LeaseId, epoch: EpochIndex) {
		DisputedBeforeReport::<T>::mutate_exists(provider, epoch, |leases| {
			if let Some(list) = leases {
				list.retain(|id| *id != lease);
				if list.is_empty() {
					*leases = None;
				}
			}
		});
	}
}
