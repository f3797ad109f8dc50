//! Validator bonds: holds that stay while an offence can still be proven.

use frame_support::{
	ensure,
	pallet_prelude::DispatchResult,
	traits::{
		fungible::{InspectHold, MutateHold},
		tokens::Precision,
		Get,
	},
};
use sp_runtime::traits::Zero;

use crate::{pallet::*, Config};

impl<T: Config> Pallet<T> {
	/// The bond `who` holds now.
	pub fn bond_of(who: &T::AccountId) -> BalanceOf<T> {
		T::Currency::balance_on_hold(&HoldReason::ValidatorBond.into(), who)
	}

	pub(crate) fn do_bond(who: T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::ZeroBond);
		// A top-up would restart nothing: an unbonding account withdraws first.
		ensure!(!Unbonding::<T>::contains_key(&who), Error::<T>::Unbonding);
		T::Currency::hold(&HoldReason::ValidatorBond.into(), &who, amount)?;
		Self::deposit_event(Event::Bonded { total: Self::bond_of(&who), who, amount });
		Ok(())
	}

	pub(crate) fn do_unbond(who: T::AccountId) -> DispatchResult {
		ensure!(!Validators::<T>::get().contains(&who), Error::<T>::StillValidator);
		ensure!(!Self::bond_of(&who).is_zero(), Error::<T>::NotBonded);
		ensure!(!Unbonding::<T>::contains_key(&who), Error::<T>::Unbonding);
		let withdrawable_from = CurrentSession::<T>::get().saturating_add(T::BondingSessions::get());
		Unbonding::<T>::insert(&who, withdrawable_from);
		Self::deposit_event(Event::UnbondingStarted { who, withdrawable_from });
		Ok(())
	}

	pub(crate) fn do_withdraw_bond(who: T::AccountId) -> DispatchResult {
		let withdrawable_from = Unbonding::<T>::get(&who).ok_or(Error::<T>::NotUnbonding)?;
		ensure!(CurrentSession::<T>::get() >= withdrawable_from, Error::<T>::BondStillLocked);
		let amount = T::Currency::release_all(&HoldReason::ValidatorBond.into(), &who, Precision::BestEffort)?;
		Unbonding::<T>::remove(&who);
		Self::deposit_event(Event::BondWithdrawn { who, amount });
		Ok(())
	}
}
