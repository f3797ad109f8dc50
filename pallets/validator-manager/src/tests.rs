//! Behaviour of the validator manager, attacks included.

use frame_support::{
	assert_noop, assert_ok,
	traits::fungible::{Inspect, InspectHold},
};
use sp_runtime::{BuildStorage, DispatchError, Perbill, TokenError};
use sp_staking::offence::{OffenceDetails, OnOffenceHandler};

use crate::{mock::*, pallet::*, slashing::slash_increase, Event, HoldReason, RemovalReason, SlashRecord};

fn bonded_candidate(who: AccountId) {
	assert_ok!(ValidatorManager::bond(RuntimeOrigin::signed(who), BOND));
	set_keys(who);
}

/// Plays a session rotation the way `pallet-session` drives its manager: session `index`
/// starts and the set for `index + 1` is asked for.
fn rotate_to(index: u32) -> Option<Vec<AccountId>> {
	ValidatorManager::end_session(index - 1);
	ValidatorManager::start_session(index);
	ValidatorManager::new_session(index + 1)
}

fn report(offender: AccountId, fraction: Perbill, session: u32) {
	let offenders = [OffenceDetails { offender: (offender, ()), reporters: vec![7] }];
	<ValidatorManager as OnOffenceHandler<_, _, _>>::on_offence(&offenders, &[fraction], session);
}

fn held(who: AccountId) -> Balance {
	Balances::balance_on_hold(&RuntimeHoldReason::ValidatorManager(HoldReason::ValidatorBond), &who)
}

#[test]
fn genesis_holds_bonds_and_hands_the_set_to_both_genesis_sessions() {
	run_test(|| {
		assert_eq!(Validators::<Test>::get().into_inner(), GENESIS.to_vec());
		for who in GENESIS {
			assert_eq!(held(who), BOND);
			assert_eq!(Balances::balance(&who), ENDOWMENT - BOND);
		}
		assert_eq!(ValidatorManager::new_session_genesis(0), Some(GENESIS.to_vec()));
		assert_eq!(ValidatorManager::new_session_genesis(1), Some(GENESIS.to_vec()));
		// No change asked for: session keeps the set (no new GRANDPA authority set).
		assert_eq!(rotate_to(1), None);
	});
}

#[test]
fn bonding_holds_the_amount_and_refuses_zero_or_more_than_the_balance() {
	run_test(|| {
		assert_ok!(ValidatorManager::bond(RuntimeOrigin::signed(4), 600));
		assert_ok!(ValidatorManager::bond(RuntimeOrigin::signed(4), 400));
		assert_eq!(held(4), 1_000);
		System::assert_last_event(Event::Bonded { who: 4, amount: 400, total: 1_000 }.into());
		assert_noop!(ValidatorManager::bond(RuntimeOrigin::signed(4), 0), Error::<Test>::ZeroBond);
		assert_noop!(
			ValidatorManager::bond(RuntimeOrigin::signed(4), ENDOWMENT),
			DispatchError::Token(TokenError::FundsUnavailable)
		);
		assert_eq!(held(4), 1_000);
	});
}

#[test]
fn governance_admits_a_bonded_account_with_keys_from_two_sessions_on() {
	run_test(|| {
		assert_ok!(ValidatorManager::bond(RuntimeOrigin::signed(4), BOND));
		assert_noop!(ValidatorManager::add_validator(RuntimeOrigin::signed(4), 4), DispatchError::BadOrigin);
		assert_noop!(ValidatorManager::add_validator(RuntimeOrigin::root(), 4), Error::<Test>::NoSessionKeys);
		set_keys(4);
		assert_noop!(ValidatorManager::add_validator(RuntimeOrigin::root(), 5), Error::<Test>::InsufficientBond);
		assert_noop!(ValidatorManager::add_validator(RuntimeOrigin::root(), 1), Error::<Test>::AlreadyValidator);

		assert_eq!(rotate_to(1), None);
		assert_ok!(ValidatorManager::add_validator(RuntimeOrigin::root(), 4));
		System::assert_last_event(Event::ValidatorAdded { who: 4, effective_from: 3 }.into());
		// Session 2 is queued with the new set at the rotation into session 1 + 1 and active from 3.
		assert_eq!(rotate_to(2), Some(vec![1, 2, 3, 4]));
		assert_eq!(rotate_to(3), None);
	});
}

#[test]
fn an_underbonded_account_cannot_be_admitted() {
	run_test(|| {
		assert_ok!(ValidatorManager::bond(RuntimeOrigin::signed(4), BOND - 1));
		set_keys(4);
		assert_noop!(ValidatorManager::add_validator(RuntimeOrigin::root(), 4), Error::<Test>::InsufficientBond);
	});
}

#[test]
fn the_set_is_bounded_both_ways() {
	run_test(|| {
		for who in [4, 5] {
			bonded_candidate(who);
			assert_ok!(ValidatorManager::add_validator(RuntimeOrigin::root(), who));
		}
		bonded_candidate(6);
		assert_noop!(ValidatorManager::add_validator(RuntimeOrigin::root(), 6), Error::<Test>::TooManyValidators);

		for who in [5, 4, 3] {
			assert_ok!(ValidatorManager::remove_validator(RuntimeOrigin::root(), who));
		}
		System::assert_last_event(
			Event::ValidatorRemoved { who: 3, reason: RemovalReason::Governance, effective_from: 2 }.into(),
		);
		assert_noop!(ValidatorManager::remove_validator(RuntimeOrigin::root(), 2), Error::<Test>::TooFewValidators);
		assert_noop!(ValidatorManager::remove_validator(RuntimeOrigin::root(), 9), Error::<Test>::NotValidator);
		assert_noop!(ValidatorManager::remove_validator(RuntimeOrigin::signed(1), 2), DispatchError::BadOrigin);
		assert_eq!(rotate_to(1), Some(vec![1, 2]));
	});
}

#[test]
fn a_bond_leaves_only_after_the_set_and_the_bonding_sessions() {
	run_test(|| {
		// A validator cannot walk away with its bond.
		assert_noop!(ValidatorManager::unbond(RuntimeOrigin::signed(3)), Error::<Test>::StillValidator);
		assert_noop!(ValidatorManager::unbond(RuntimeOrigin::signed(4)), Error::<Test>::NotBonded);
		assert_ok!(ValidatorManager::remove_validator(RuntimeOrigin::root(), 3));
		rotate_to(1);
		assert_ok!(ValidatorManager::unbond(RuntimeOrigin::signed(3)));
		System::assert_last_event(Event::UnbondingStarted { who: 3, withdrawable_from: 7 }.into());
		assert_noop!(ValidatorManager::unbond(RuntimeOrigin::signed(3)), Error::<Test>::Unbonding);
		assert_noop!(ValidatorManager::bond(RuntimeOrigin::signed(3), 1), Error::<Test>::Unbonding);
		assert_noop!(ValidatorManager::add_validator(RuntimeOrigin::root(), 3), Error::<Test>::Unbonding);
		for session in 2..7 {
			rotate_to(session);
			assert_noop!(ValidatorManager::withdraw_bond(RuntimeOrigin::signed(3)), Error::<Test>::BondStillLocked);
		}
		rotate_to(7);
		assert_ok!(ValidatorManager::withdraw_bond(RuntimeOrigin::signed(3)));
		System::assert_last_event(Event::BondWithdrawn { who: 3, amount: BOND }.into());
		assert_eq!(held(3), 0);
		assert_eq!(Balances::balance(&3), ENDOWMENT);
		assert_noop!(ValidatorManager::withdraw_bond(RuntimeOrigin::signed(3)), Error::<Test>::NotUnbonding);
	});
}

#[test]
fn an_equivocator_is_slashed_to_the_treasury_and_removed_without_changing_issuance() {
	run_test(|| {
		let issuance = Balances::total_issuance();
		rotate_to(1);
		report(3, Perbill::from_percent(25), 1);
		assert_eq!(held(3), BOND - 250);
		assert_eq!(Balances::balance(&TREASURY), ENDOWMENT + 250);
		assert_eq!(Balances::total_issuance(), issuance);
		assert!(!Validators::<Test>::get().contains(&3));
		System::assert_has_event(
			Event::Slashed { who: 3, session: 1, fraction: Perbill::from_percent(25), amount: 250, beneficiary: TREASURY }
				.into(),
		);
		System::assert_last_event(
			Event::ValidatorRemoved { who: 3, reason: RemovalReason::Offence, effective_from: 3 }.into(),
		);
		assert_eq!(rotate_to(2), Some(vec![1, 2]));
	});
}

#[test]
fn reports_of_one_session_take_the_largest_fraction_once() {
	run_test(|| {
		// pallet-offences calls again with every concurrent offender of the slot: no double slash.
		report(3, Perbill::from_percent(25), 0);
		report(3, Perbill::from_percent(25), 0);
		assert_eq!(held(3), 750);
		// A larger fraction for the same session takes only the difference: 40% of 1,000 in all.
		report(3, Perbill::from_percent(40), 0);
		assert_eq!(held(3), 600);
		assert_eq!(Slashes::<Test>::get(0, 3), Some(SlashRecord { fraction: Perbill::from_percent(40), amount: 400 }));
		report(3, Perbill::from_percent(10), 0);
		assert_eq!(held(3), 600);
		// Another session is another offence.
		rotate_to(1);
		report(3, Perbill::from_percent(50), 1);
		assert_eq!(held(3), 300);
		assert_eq!(Balances::balance(&TREASURY), ENDOWMENT + 700);
	});
}

#[test]
fn an_offender_at_the_minimum_set_size_is_slashed_but_kept_until_replaced() {
	run_test(|| {
		assert_ok!(ValidatorManager::remove_validator(RuntimeOrigin::root(), 3));
		report(2, Perbill::from_percent(50), 0);
		assert_eq!(held(2), 500);
		assert_eq!(Validators::<Test>::get().into_inner(), vec![1, 2]);
		// Governance replaces it, then removes it.
		bonded_candidate(4);
		assert_ok!(ValidatorManager::add_validator(RuntimeOrigin::root(), 4));
		assert_ok!(ValidatorManager::remove_validator(RuntimeOrigin::root(), 2));
	});
}

#[test]
fn unbonding_does_not_escape_a_slash_for_a_session_still_provable() {
	run_test(|| {
		assert_ok!(ValidatorManager::remove_validator(RuntimeOrigin::root(), 3));
		rotate_to(1);
		assert_ok!(ValidatorManager::unbond(RuntimeOrigin::signed(3)));
		// 3 was still active in session 2 (removal takes two rotations); the report arrives later.
		rotate_to(2);
		rotate_to(4);
		report(3, Perbill::from_percent(30), 2);
		assert_eq!(held(3), 700);
		rotate_to(7);
		assert_ok!(ValidatorManager::withdraw_bond(RuntimeOrigin::signed(3)));
		assert_eq!(Balances::balance(&3), ENDOWMENT - 300);
	});
}

#[test]
fn old_session_records_are_pruned() {
	run_test(|| {
		report(3, Perbill::from_percent(10), 0);
		report(2, Perbill::from_percent(10), 1);
		for session in 1..=4 {
			rotate_to(session);
		}
		// History depth 3: at session 4 session 0 is forgotten, here and in historical.
		assert!(!Slashes::<Test>::contains_key(0, 3));
		assert!(Slashes::<Test>::contains_key(1, 2));
		assert_eq!(pruned_up_to(), Some(1));
	});
}

#[test]
fn slash_math_takes_only_the_increase_and_never_more_than_is_held() {
	let none = SlashRecord::default();
	assert_eq!(slash_increase(1_000u128, none, Perbill::from_percent(25)), 250);
	let after = SlashRecord { fraction: Perbill::from_percent(25), amount: 250 };
	assert_eq!(slash_increase(750u128, after, Perbill::from_percent(25)), 0);
	assert_eq!(slash_increase(750u128, after, Perbill::from_percent(20)), 0);
	assert_eq!(slash_increase(750u128, after, Perbill::from_percent(40)), 150);
	assert_eq!(slash_increase(750u128, after, Perbill::one()), 750);
	assert_eq!(slash_increase(0u128, after, Perbill::one()), 0);
}

#[test]
fn genesis_refuses_an_invalid_set() {
	// A chain spec with a bad set must not build: the genesis build panics.
	let builds = |validators: Vec<(AccountId, Balance)>| {
		std::panic::catch_unwind(|| {
			let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
			pallet_balances::GenesisConfig::<Test> {
				balances: vec![(1, ENDOWMENT), (2, ENDOWMENT)],
				..Default::default()
			}
			.assimilate_storage(&mut storage)
			.unwrap();
			crate::GenesisConfig::<Test> { validators, session_length: 5 }.assimilate_storage(&mut storage).unwrap();
		})
		.is_ok()
	};
	assert!(!builds(vec![(1, BOND), (2, BOND - 1)]), "underbonded");
	assert!(!builds(vec![(1, BOND), (1, BOND)]), "duplicate");
	assert!(!builds(vec![(1, BOND)]), "below MinValidators");
	assert!(!builds(vec![(1, BOND), (3, BOND)]), "unfunded");
	assert!(builds(vec![(1, BOND), (2, BOND)]));
}

#[test]
fn sessions_last_the_genesis_length_or_the_default() {
	run_test(|| assert_eq!(SessionLength::<Test>::get(), 10));
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	crate::GenesisConfig::<Test> { validators: vec![], session_length: 5 }.assimilate_storage(&mut storage).unwrap();
	sp_io::TestExternalities::new(storage).execute_with(|| assert_eq!(SessionLength::<Test>::get(), 5));
}
