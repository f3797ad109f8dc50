//! Bond holds: `bond_extra`, `unbond`, `withdraw_unbonded`. The only place this pallet moves
//! funds in or out of the `ProviderBond` hold (slashing aside, see `registry.rs`).

use frame_support::{
	dispatch::DispatchResultWithPostInfo,
	ensure,
	traits::{fungible::MutateHold, tokens::Precision, Get},
};
use sp_runtime::{traits::Zero, DispatchError, DispatchResult, Saturating, TokenError};

use crate::{pallet::*, types::*, Config, LeaseCommitments, WeightInfo};

impl<T: Config> Pallet<T> {
	/// Holds `amount` of `who`'s free balance as bond; a shortfall is `InsufficientBalance`.
	pub(crate) fn hold_bond(who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		T::Currency::hold(&HoldReason::ProviderBond.into(), who, amount).map_err(|e| match e {
			DispatchError::Token(TokenError::FundsUnavailable) |
			DispatchError::Token(TokenError::NotExpendable) |
			DispatchError::Token(TokenError::BelowMinimum) => Error::<T>::InsufficientBalance.into(),
			other => other,
		})
	}

	pub(crate) fn do_bond_extra(who: T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		let mut record = Self::present(&who)?;
		Self::hold_bond(&who, amount)?;
		record.bond = record.bond.saturating_add(amount);
		// Topping the bond back up to the minimum ends a voluntary exit.
		if record.status == ProviderStatus::Unbonding && record.bond >= T::MinProviderBond::get() {
			record.status = ProviderStatus::Active;
		}
		let bond = record.bond;
		Providers::<T>::insert(&who, record);
		Self::deposit_event(Event::Bonded { provider: who, amount, bond });
		Ok(())
	}

	pub(crate) fn do_unbond(who: T::AccountId, amount: BalanceOf<T>) -> DispatchResultWithPostInfo {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		let mut record = Self::present(&who)?;
		ensure!(amount <= record.bond, Error::<T>::UnbondTooLarge);

		let remaining = record.bond.saturating_sub(amount);
		let mut delisted = 0;
		if remaining < T::MinProviderBond::get() {
			ensure!(T::Leases::leased(&who).open_leases == 0, Error::<T>::HasOpenLeases);
			// A suspended provider stays suspended; otherwise it is now under-bonded.
			if record.status == ProviderStatus::Active {
				record.status = ProviderStatus::Unbonding;
			}
			delisted = Self::delist_all_gpus(&who);
			if delisted > 0 {
				Self::deposit_event(Event::GpusRemoved { provider: who.clone(), count: delisted });
			}
		}

		// One unbonding chunk: adding to it restarts its clock, so nothing leaves early.
		let unlock_at = Self::unlock_block();
		let unbonding_amount =
			record.unbonding.map(|u| u.amount).unwrap_or_default().saturating_add(amount);
		record.unbonding = Some(Unbonding { amount: unbonding_amount, unlock_at });
		record.bond = remaining;
		Providers::<T>::insert(&who, record);
		Self::deposit_event(Event::Unbonding { provider: who, amount, unlock_at });
		Ok(Some(T::WeightInfo::unbond(delisted)).into())
	}

	pub(crate) fn do_withdraw_unbonded(who: T::AccountId) -> DispatchResult {
		let mut record = Providers::<T>::get(&who).ok_or(Error::<T>::NotRegistered)?;
		let unbonding = record.unbonding.ok_or(Error::<T>::NothingToWithdraw)?;
		ensure!(
			frame_system::Pallet::<T>::block_number() >= unbonding.unlock_at,
			Error::<T>::StillLocked
		);
		T::Currency::release(
			&HoldReason::ProviderBond.into(),
			&who,
			unbonding.amount,
			Precision::Exact,
		)?;
		record.unbonding = None;
		Self::deposit_event(Event::Withdrawn { provider: who.clone(), amount: unbonding.amount });

		if record.status == ProviderStatus::Deregistered && record.bond.is_zero() {
			Self::remove_record(&who, &record);
			Self::deposit_event(Event::Removed { provider: who });
		} else {
			Providers::<T>::insert(&who, record);
		}
		Ok(())
	}
}
