//! FRAME v2 benchmarks: every call at its worst case.

use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::traits::{
	fungible::{Inspect, Mutate},
	EnsureOrigin, Get,
};
use frame_system::RawOrigin;
use sp_runtime::Perbill;
use sp_staking::offence::{OffenceDetails, OnOffenceHandler};

use crate::{pallet::*, BenchmarkHelper, Config};

fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	let bonds: BalanceOf<T> = 10u32.into();
	T::Currency::set_balance(&who, T::MinValidatorBond::get() * bonds + T::Currency::minimum_balance());
	who
}

/// A bonded account with session keys: what governance may admit.
fn candidate<T: Config>(index: u32) -> T::AccountId {
	let who = funded::<T>("candidate", index);
	Pallet::<T>::do_bond(who.clone(), T::MinValidatorBond::get()).expect("bonds");
	T::BenchmarkHelper::register_keys(&who);
	who
}

/// Fills the set to `n` admitted validators (the storage value grows with it).
fn set_of<T: Config>(n: u32) -> Vec<T::AccountId> {
	Validators::<T>::kill();
	let mut set = Vec::new();
	for i in 0..n {
		let who = candidate::<T>(1_000 + i);
		Pallet::<T>::do_add_validator(who.clone()).expect("admitted");
		set.push(who);
	}
	set
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn bond() {
		let who = funded::<T>("caller", 0);
		Pallet::<T>::do_bond(who.clone(), T::MinValidatorBond::get()).expect("bonds");
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), T::MinValidatorBond::get());
		assert_eq!(Pallet::<T>::bond_of(&who), T::MinValidatorBond::get() + T::MinValidatorBond::get());
	}

	#[benchmark]
	fn add_validator() -> Result<(), BenchmarkError> {
		set_of::<T>(T::MaxValidators::get() - 1);
		let who = candidate::<T>(0);
		let origin = T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone());
		assert!(Validators::<T>::get().contains(&who));
		Ok(())
	}

	#[benchmark]
	fn remove_validator() -> Result<(), BenchmarkError> {
		let set = set_of::<T>(T::MaxValidators::get());
		let who = set.last().expect("a full set").clone();
		let origin = T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone());
		assert!(!Validators::<T>::get().contains(&who));
		Ok(())
	}

	#[benchmark]
	fn unbond() {
		set_of::<T>(T::MaxValidators::get() - 1);
		let who = candidate::<T>(0);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));
		assert!(Unbonding::<T>::contains_key(&who));
	}

	#[benchmark]
	fn withdraw_bond() {
		let who = candidate::<T>(0);
		Pallet::<T>::do_unbond(who.clone()).expect("unbonds");
		CurrentSession::<T>::put(T::BondingSessions::get());
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));
		assert_eq!(Pallet::<T>::bond_of(&who), 0u32.into());
	}

	/// One offender of a full set: slashed for the first time and removed.
	#[benchmark]
	fn punish() {
		let set = set_of::<T>(T::MaxValidators::get());
		let who = set.last().expect("a full set").clone();
		let offenders = [OffenceDetails { offender: (who.clone(), ()), reporters: Vec::new() }];
		#[block]
		{
			<Pallet<T> as OnOffenceHandler<_, _, _>>::on_offence(&offenders, &[Perbill::from_percent(50)], 0);
		}
		assert!(Slashes::<T>::contains_key(0, &who));
		assert!(!Validators::<T>::get().contains(&who));
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
