//! Bonds: `bond_extra`, `unbond`, `withdraw_unbonded` and slashing of providers; auditors'
//! bonds. The only place this pallet moves funds in or out of its holds.

use depin_primitives::{funds::map_hold_shortfall, Commitments};
use frame_support::{
	dispatch::DispatchResultWithPostInfo,
	ensure,
	traits::{
		fungible::{InspectHold, MutateHold},
		tokens::{Fortitude, Precision, Restriction},
		Get,
	},
};
use sp_runtime::{traits::Zero, DispatchError, DispatchResult, Saturating};

use crate::{pallet::*, types::*, Config, WeightInfo};

impl<T: Config> Pallet<T> {
	/// Holds `amount` of `who`'s free balance as bond; a shortfall is `InsufficientBalance`.
	pub(crate) fn hold_bond(who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		T::Currency::hold(&HoldReason::ProviderBond.into(), who, amount)
			.map_err(|e| map_hold_shortfall(e, Error::<T>::InsufficientBalance))
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
		Self::put_record(&who, Some(record));
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
			ensure!(T::Commitments::commitment(&who).open_leases == 0, Error::<T>::HasOpenLeases);
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
		Self::put_record(&who, Some(record));
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
			Self::put_record(&who, Some(record));
		}
		Ok(())
	}

	/// Moves up to `amount` of bond to `beneficiary`: first from the active bond, then from
	/// funds unbonding (a provider cannot escape a slash by unbonding first).
	pub(crate) fn do_slash(
		who: &T::AccountId,
		amount: BalanceOf<T>,
		beneficiary: &T::AccountId,
	) -> Result<BalanceOf<T>, DispatchError> {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		// Paying the provider itself would release its bond without the unbonding period.
		ensure!(beneficiary != who, Error::<T>::InvalidBeneficiary);
		let mut record = Providers::<T>::get(who).ok_or(Error::<T>::NotRegistered)?;
		let amount = amount.min(record.total_held());
		let moved = T::Currency::transfer_on_hold(
			&HoldReason::ProviderBond.into(),
			who,
			beneficiary,
			amount,
			Precision::Exact,
			Restriction::Free,
			Fortitude::Force,
		)?;
		let from_bond = moved.min(record.bond);
		record.bond = record.bond.saturating_sub(from_bond);
		let rest = moved.saturating_sub(from_bond);
		if let Some(unbonding) = record.unbonding.as_mut() {
			unbonding.amount = unbonding.amount.saturating_sub(rest);
		}
		if record.unbonding.is_some_and(|u| u.amount.is_zero()) {
			record.unbonding = None;
		}
		if record.status == ProviderStatus::Active && record.bond < T::MinProviderBond::get() {
			record.status = ProviderStatus::Unbonding;
		}
		Self::deposit_event(Event::Slashed {
			provider: who.clone(),
			amount: moved,
			beneficiary: beneficiary.clone(),
		});
		if record.status == ProviderStatus::Deregistered && record.unbonding.is_none() {
			// Nothing left to withdraw: the departed provider's record goes now.
			Self::remove_record(who, &record);
			Self::deposit_event(Event::Removed { provider: who.clone() });
		} else {
			Self::put_record(who, Some(record));
		}
		Ok(moved)
	}

	/// Holds `amount` of `auditor`'s free balance as its auditor bond.
	pub(crate) fn hold_auditor_bond(auditor: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		T::Currency::hold(&HoldReason::AuditorBond.into(), auditor, amount)
			.map_err(|e| map_hold_shortfall(e, Error::<T>::InsufficientBalance))
	}

	/// Returns all of `auditor`'s bond.
	pub(crate) fn release_auditor_bond(auditor: &T::AccountId) -> DispatchResult {
		let reason = HoldReason::AuditorBond.into();
		let held = T::Currency::balance_on_hold(&reason, auditor);
		T::Currency::release(&reason, auditor, held, Precision::Exact).map(|_| ())
	}

	/// Moves up to `amount` of `auditor`'s bond to `SlashBeneficiary`; returns what moved and
	/// what is left.
	pub(crate) fn slash_auditor_bond(
		auditor: &T::AccountId,
		amount: BalanceOf<T>,
	) -> Result<(BalanceOf<T>, BalanceOf<T>), DispatchError> {
		let reason = HoldReason::AuditorBond.into();
		let held = T::Currency::balance_on_hold(&reason, auditor);
		let moved = T::Currency::transfer_on_hold(
			&reason,
			auditor,
			&T::SlashBeneficiary::get(),
			amount.min(held),
			Precision::Exact,
			Restriction::Free,
			Fortitude::Force,
		)?;
		Ok((moved, held.saturating_sub(moved)))
	}
}
