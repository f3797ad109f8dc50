//! Moving escrow: the only place this pallet holds, releases, pays or burns funds.

use frame_support::traits::{
	fungible::MutateHold,
	tokens::{Fortitude, Precision, Restriction},
	Get,
};
use sp_runtime::{traits::Zero, DispatchError, DispatchResult, Saturating, TokenError};

use crate::{pallet::*, types::*, Config};

impl<T: Config> Pallet<T> {
	fn escrow_reason() -> T::RuntimeHoldReason {
		HoldReason::LeaseEscrow.into()
	}

	/// Holds `amount` of `who`'s free balance as escrow.
	pub(crate) fn hold_escrow(who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		T::Currency::hold(&Self::escrow_reason(), who, amount).map_err(|e| match e {
			DispatchError::Token(TokenError::FundsUnavailable) |
			DispatchError::Token(TokenError::NotExpendable) |
			DispatchError::Token(TokenError::BelowMinimum) => Error::<T>::InsufficientBalance.into(),
			other => other,
		})
	}

	/// Returns `amount` of escrow to `who`'s free balance.
	pub(crate) fn release_escrow(who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		Self::release_hold(HoldReason::LeaseEscrow, who, amount)
	}

	pub(crate) fn release_hold(reason: HoldReason, who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		if !amount.is_zero() {
			T::Currency::release(&reason.into(), who, amount, Precision::Exact)?;
		}
		Ok(())
	}

	/// Moves `amount` of `consumer`'s escrow under the dispute hold, where neither the consumer
	/// nor the provider can reach it until the dispute is resolved.
	pub(crate) fn move_to_dispute_hold(consumer: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		if amount.is_zero() {
			return Ok(());
		}
		Self::release_escrow(consumer, amount)?;
		T::Currency::hold(&HoldReason::LeaseDispute.into(), consumer, amount)
	}

	/// Pays `share` of what `consumer` has on hold for `reason` to `provider` and sends `take`
	/// to the protocol. Returns whether the take was burned.
	///
	/// `Fortitude::Force`: escrow was committed when it was held, so freezes the consumer adds
	/// later (vesting, votes) must not block paying for attested service.
	pub(crate) fn pay_from_hold(
		reason: HoldReason,
		consumer: &T::AccountId,
		provider: &T::AccountId,
		share: BalanceOf<T>,
		take: BalanceOf<T>,
	) -> Result<bool, DispatchError> {
		let reason: T::RuntimeHoldReason = reason.into();
		if !share.is_zero() {
			T::Currency::transfer_on_hold(
				&reason,
				consumer,
				provider,
				share,
				Precision::Exact,
				Restriction::Free,
				Fortitude::Force,
			)?;
		}
		if take.is_zero() {
			return Ok(false);
		}
		let sent = T::TakeBeneficiary::get().is_some_and(|beneficiary| {
			T::Currency::transfer_on_hold(
				&reason,
				consumer,
				&beneficiary,
				take,
				Precision::Exact,
				Restriction::Free,
				Fortitude::Force,
			)
			.is_ok()
		});
		// No beneficiary, or one that cannot receive it (e.g. a missing account and a take below
		// the existential deposit): burn it, on the record, rather than fail the settlement.
		if !sent {
			T::Currency::burn_held(&reason, consumer, take, Precision::Exact, Fortitude::Force)?;
			TotalBurned::<T>::mutate(|burned| *burned = burned.saturating_add(take));
			Self::deposit_event(Event::TakeBurned { amount: take });
		}
		Ok(!sent)
	}
}
