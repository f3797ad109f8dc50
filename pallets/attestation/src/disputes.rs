//! Disputes over a lease's epoch: opened by the consumer before the report lands (its charge is
//! then held) or after it (until the lease's next epoch settles; a ruling for the consumer takes
//! the paid charge back from the provider's bond), decided by governance, or ended by anyone
//! once there is nothing to decide or `DisputeTimeout` passed.

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
		let paid = if Reports::<T>::contains_key(&provider, epoch) {
			// After the report, with its figures in view (`LeaseSettled`): until the lease's
			// next epoch is settled — about an epoch.
			Some(T::Leases::take_paid_charge(lease, epoch).ok_or(Error::<T>::DisputeWindowClosed)?)
		} else {
			// Before the report: the charge will be held when it lands.
			ensure!(clock.window_not_closed(epoch, now), Error::<T>::DisputeWindowClosed);
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
				!Self::clock().window_not_closed(epoch, Self::now()),
			Error::<T>::NothingToDecideYet
		);
		Disputes::<T>::remove(lease, epoch);

		let held = match dispute.held {
			Some(_) => T::Leases::resolve_held(lease, epoch, verdict)?,
			None => Zero::zero(),
		};
		let penalty = match verdict {
			Verdict::Provider => Self::forfeit_dispute_deposit(&dispute.consumer, dispute.deposit)?,
			Verdict::Consumer => {
				Self::return_dispute_deposit(&dispute.consumer, dispute.deposit)?;
				// A charge already paid out comes back from the provider's bond, with the
				// penalty: the provider signed a false report.
				let owed = dispute.deposit.saturating_add(dispute.paid.unwrap_or_default());
				Self::slash_for_dispute(&dispute.provider, owed, &dispute.consumer)
			},
		};
		Self::deposit_event(Event::DisputeResolved { lease, epoch, verdict, held, penalty });
		Ok(())
	}

	/// Ends a dispute nobody needs to decide. With nothing held, once its epoch's window closed
	/// without a charge: the deposit goes back. With a charge held, once `DisputeTimeout` has
	/// passed since it opened: the default verdict — the signed report stands, the provider is
	/// paid, the consumer's deposit goes back and nobody is penalised. (Defaulting to the
	/// consumer instead would let any consumer get service free by disputing every epoch.)
	pub(crate) fn do_release_dispute(lease: LeaseId, epoch: EpochIndex) -> DispatchResult {
		let dispute = Disputes::<T>::get(lease, epoch).ok_or(Error::<T>::UnknownDispute)?;
		match dispute.held {
			None if dispute.paid.is_some() => {
				// After the report, undecided: the report stands and nothing moves.
				let timeout = dispute.opened_at.saturating_add(T::DisputeTimeout::get());
				ensure!(frame_system::Pallet::<T>::block_number() >= timeout, Error::<T>::DisputeNotTimedOut);
				Disputes::<T>::remove(lease, epoch);
				Self::return_dispute_deposit(&dispute.consumer, dispute.deposit)?;
				Self::deposit_event(Event::DisputeTimedOut { lease, epoch, paid: Zero::zero(), refunded: dispute.deposit });
			},
			None => {
				ensure!(!Self::clock().window_not_closed(epoch, Self::now()), Error::<T>::ReportWindowOpen);
				Disputes::<T>::remove(lease, epoch);
				Self::return_dispute_deposit(&dispute.consumer, dispute.deposit)?;
				Self::deposit_event(Event::DisputeLapsed { lease, epoch, refunded: dispute.deposit });
			},
			Some(_) => {
				let timeout = dispute.opened_at.saturating_add(T::DisputeTimeout::get());
				ensure!(frame_system::Pallet::<T>::block_number() >= timeout, Error::<T>::DisputeNotTimedOut);
				Disputes::<T>::remove(lease, epoch);
				let paid = T::Leases::resolve_held(lease, epoch, Verdict::Provider)?;
				Self::return_dispute_deposit(&dispute.consumer, dispute.deposit)?;
				Self::deposit_event(Event::DisputeTimedOut { lease, epoch, paid, refunded: dispute.deposit });
			},
		}
		Ok(())
	}
}
