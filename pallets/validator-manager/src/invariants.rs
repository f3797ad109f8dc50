//! State invariants, checked by `try_state` and at the end of every test (listed in lib.rs).

use alloc::collections::btree_set::BTreeSet;
use frame_support::{ensure, traits::Get};
use sp_runtime::TryRuntimeError;

use crate::{pallet::*, Config};

impl<T: Config> Pallet<T> {
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let set = Validators::<T>::get();
		// 1.
		let unique: BTreeSet<_> = set.iter().collect();
		ensure!(unique.len() == set.len(), "a validator is listed twice");
		ensure!(
			set.is_empty() || set.len() as u32 >= T::MinValidators::get(),
			"fewer validators than MinValidators"
		);
		for who in set.iter() {
			// 2.
			ensure!(!Unbonding::<T>::contains_key(who), "a validator is unbonding");
			// 3.
			let slashed = Slashes::<T>::iter().any(|(_, offender, _)| &offender == who);
			ensure!(
				slashed || Self::bond_of(who) >= T::MinValidatorBond::get(),
				"a validator holds less than MinValidatorBond without a slash"
			);
		}
		// 4.
		let latest = CurrentSession::<T>::get().saturating_add(T::BondingSessions::get());
		for (who, withdrawable_from) in Unbonding::<T>::iter() {
			ensure!(withdrawable_from <= latest, "an unbonding ends later than BondingSessions from now");
			ensure!(!set.contains(&who), "an unbonding account is in the set");
		}
		Ok(())
	}
}
