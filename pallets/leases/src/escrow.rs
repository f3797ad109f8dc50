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
		if !amount.is_zero() {
			T::Currency::release(&Self::escrow_reason(), who, amount, Precision::Exact)?;
		}
		Ok(())
	}

	/// Pays `share` of `consumer`'s escrow to `provider` and sends `take` to the protocol.
	pub(crate) fn pay_from_escrow(
		consumer: &T::AccountId,
		provider: &T::AccountId,
		share: BalanceOf<T>,
		take: BalanceOf<T>,
	) -> DispatchResult {
		let reason = Self::escrow_reason();
		if !share.is_zero() {
			T::Currency::transfer_on_hold(
				&reason,
				consumer,
				provider,
				share,
				Precision::Exact,
				Restriction::Free,
				Fortitude::Polite,
			)?;
		}
		if take.is_zero() {
			return Ok(());
		}
		match T::TakeBeneficiary::get() {
			Some(beneficiary) => {
				T::Currency::transfer_on_hold(
					&reason,
					consumer,
					&beneficiary,
					take,
					Precision::Exact,
					Restriction::Free,
					Fortitude::Polite,
				)?;
			},
			None => {
				T::Currency::burn_held(&reason, consumer, take, Precision::Exact, Fortitude::Polite)?;
				TotalBurned::<T>::mutate(|burned| *burned = burned.saturating_add(take));
				Self::deposit_event(Event::TakeBurned { amount: take });
			},
		}
		Ok(())
	}
}
