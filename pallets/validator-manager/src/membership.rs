//! The desired validator set: who governance admitted, and the genesis set.

use frame_support::{
	ensure,
	pallet_prelude::DispatchResult,
	traits::{fungible::MutateHold, Get, ValidatorRegistration},
};
use sp_staking::SessionIndex;

use crate::{pallet::*, Config, RemovalReason};

impl<T: Config> Pallet<T> {
	/// The first session a change made now applies to: session queues the set at the next
	/// rotation and activates it at the one after.
	pub fn effective_from() -> SessionIndex {
		CurrentSession::<T>::get().saturating_add(2)
	}

	pub(crate) fn do_add_validator(who: T::AccountId) -> DispatchResult {
		ensure!(!Unbonding::<T>::contains_key(&who), Error::<T>::Unbonding);
		let mut set = Validators::<T>::get();
		ensure!(!set.contains(&who), Error::<T>::AlreadyValidator);
		ensure!(Self::bond_of(&who) >= T::MinValidatorBond::get(), Error::<T>::InsufficientBond);
		ensure!(T::KeysRegistered::is_registered(&who), Error::<T>::NoSessionKeys);
		set.try_push(who.clone()).map_err(|_| Error::<T>::TooManyValidators)?;
		Validators::<T>::put(set);
		SetChanged::<T>::put(true);
		Self::deposit_event(Event::ValidatorAdded { who, effective_from: Self::effective_from() });
		Ok(())
	}

	pub(crate) fn do_remove_validator(who: &T::AccountId, reason: RemovalReason) -> DispatchResult {
		let mut set = Validators::<T>::get();
		let position = set.iter().position(|v| v == who).ok_or(Error::<T>::NotValidator)?;
		ensure!(set.len() as u32 > T::MinValidators::get(), Error::<T>::TooFewValidators);
		set.remove(position);
		Validators::<T>::put(set);
		SetChanged::<T>::put(true);
		Self::deposit_event(Event::ValidatorRemoved {
			who: who.clone(),
			reason,
			effective_from: Self::effective_from(),
		});
		Ok(())
	}

	/// Holds each genesis validator's bond and writes the set. Genesis keys are registered by
	/// session's own genesis, built after this pallet.
	pub(crate) fn build_genesis(validators: &[(T::AccountId, BalanceOf<T>)]) -> Result<(), &'static str> {
		let mut set = Validators::<T>::get();
		for (who, bond) in validators {
			if *bond < T::MinValidatorBond::get() {
				return Err("a genesis validator's bond is below MinValidatorBond");
			}
			if set.contains(who) {
				return Err("a genesis validator is listed twice");
			}
			T::Currency::hold(&HoldReason::ValidatorBond.into(), who, *bond)
				.map_err(|_| "a genesis validator cannot hold its bond")?;
			set.try_push(who.clone()).map_err(|_| "more genesis validators than MaxValidators")?;
		}
		if !set.is_empty() && (set.len() as u32) < T::MinValidators::get() {
			return Err("fewer genesis validators than MinValidators");
		}
		Validators::<T>::put(set);
		Ok(())
	}
}
