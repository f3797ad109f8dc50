//! Disputes over a lease's epoch: opened by the consumer before the report lands, decided by
//! governance or an auditor of the provider.

use frame_support::{
	ensure,
	traits::{
		fungible::MutateHold,
		tokens::{Fortitude, Precision, Restriction},
		EnsureOrigin, Get,
	},
};
use frame_system::pallet_prelude::OriginFor;
use pallet_leases::LeaseSettlement;
use pallet_providers::ProviderRegistry;
use sp_runtime::{traits::Zero, DispatchError, DispatchResult, TokenError};

use crate::{pallet::*, types::*, AttestationObserver, Config};

impl<T: Config> Pallet<T> {
	pub(crate) fn do_dispute(who: T::AccountId, lease: LeaseId, epoch: EpochIndex) -> DispatchResult {
		let (consumer, provider) = T::Leases::parties(lease).ok_or(Error::<T>::UnknownLease)?;
		ensure!(who == consumer, Error::<T>::NotConsumer);
		let now = Self::now();
		ensure!(epoch <= Self::epoch_of(now), Error::<T>::FutureEpoch);
		ensure!(
			Self::window_open(epoch, now) && !Reports::<T>::contains_key(&provider, epoch),
			Error::<T>::DisputeWindowClosed
		);
		ensure!(!Disputes::<T>::contains_key(lease, epoch), Error::<T>::AlreadyDisputed);

		let deposit = T::DisputeDeposit::get();
		T::Currency::hold(&HoldReason::DisputeDeposit.into(), &consumer, deposit).map_err(|e| match e {
			DispatchError::Token(TokenError::FundsUnavailable) |
			DispatchError::Token(TokenError::NotExpendable) |
			DispatchError::Token(TokenError::BelowMinimum) => Error::<T>::InsufficientBalance.into(),
			other => other,
		})?;
		Disputes::<T>::insert(
			lease,
			epoch,
			Dispute::<T> { consumer: consumer.clone(), provider, deposit, held: None, opened_at: frame_system::Pallet::<T>::block_number() },
		);
		Self::deposit_event(Event::DisputeOpened { lease, epoch, consumer, deposit });
		Ok(())
	}

	pub(crate) fn do_resolve_dispute(
		origin: OriginFor<T>,
		lease: LeaseId,
		epoch: EpochIndex,
		verdict: Verdict,
	) -> DispatchResult {
		let dispute = Disputes::<T>::get(lease, epoch).ok_or(Error::<T>::UnknownDispute)?;
		if let Err(origin) = T::DisputeOrigin::try_origin(origin) {
			let who = frame_system::ensure_signed(origin)?;
			ensure!(T::Providers::is_audited_by(&dispute.provider, &who), DispatchError::BadOrigin);
		}
		Disputes::<T>::remove(lease, epoch);

		let held = match dispute.held {
			Some(_) => T::Leases::resolve_held(lease, epoch, verdict == Verdict::Provider)?,
			None => Zero::zero(),
		};
		let reason = HoldReason::DisputeDeposit.into();
		let penalty = match verdict {
			Verdict::Provider => T::Currency::transfer_on_hold(
				&reason,
				&dispute.consumer,
				&T::SlashBeneficiary::get(),
				dispute.deposit,
				Precision::Exact,
				Restriction::Free,
				Fortitude::Force,
			)?,
			Verdict::Consumer => {
				T::Currency::release(&reason, &dispute.consumer, dispute.deposit, Precision::Exact)?;
				// A provider that has left has no bond to slash; the refund stands regardless.
				let slashed = T::Providers::slash(&dispute.provider, dispute.deposit, &dispute.consumer)
					.unwrap_or_else(|_| Zero::zero());
				T::Observer::slashed(slashed);
				slashed
			},
		};
		Self::deposit_event(Event::DisputeResolved { lease, epoch, verdict, held, penalty });
		Ok(())
	}

	/// A dispute over an epoch whose window closed without its report charging the lease has
	/// nothing left to decide: the deposit goes back to the consumer.
	pub(crate) fn do_release_dispute(lease: LeaseId, epoch: EpochIndex) -> DispatchResult {
		let dispute = Disputes::<T>::get(lease, epoch).ok_or(Error::<T>::UnknownDispute)?;
		ensure!(dispute.held.is_none(), Error::<T>::ChargeHeld);
		ensure!(!Self::window_open(epoch, Self::now()), Error::<T>::ReportWindowOpen);
		Disputes::<T>::remove(lease, epoch);
		T::Currency::release(&HoldReason::DisputeDeposit.into(), &dispute.consumer, dispute.deposit, Precision::Exact)?;
		Self::deposit_event(Event::DisputeLapsed { lease, epoch, refunded: dispute.deposit });
		Ok(())
	}
}
