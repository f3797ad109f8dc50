//! Behaviour of the provider registry. Every test ends with the pallet's invariants
//! (`run_test`), and every error path checks that storage did not change.

use codec::Encode;
use depin_primitives::{AuditedHardware, Commitment, ProviderRegistry};
use frame_support::{
	assert_noop, assert_ok,
	traits::fungible::{Inspect, InspectHold},
	BoundedVec,
};
use sp_core::{sr25519, H256};
use sp_runtime::{DispatchError, TokenError};

use crate::{mock::*, pallet, pallet::*, testing::bounded, types::*};
use crate::mock::Providers;


/// What `provider`'s audits vouch for at `at`, without the count of records read to find it.
fn vouched(provider: &AccountId, at: u64) -> AuditedHardware {
	AuditedHardware { audits_read: 0, ..Providers::audited_hardware(provider, at) }
}

fn region(name: &str) -> Region {
	bounded(name.as_bytes())
}

fn gpu(n: u8, model: &str, vram_mib: u32) -> GpuSpec {
	GpuSpec { uuid_hash: H256::repeat_byte(n), model: bounded(model.as_bytes()), vram_mib }
}

fn held(who: AccountId) -> Balance {
	Balances::balance_on_hold(&RuntimeHoldReason::Providers(HoldReason::ProviderBond), &who)
}

fn register(who: AccountId, bond: Balance) {
	assert_ok!(Providers::register(
		RuntimeOrigin::signed(who),
		bond,
		region("eu-west"),
		bounded(b"rack 7"),
	));
}

const TEST_KEY: sp_core::crypto::KeyTypeId = sp_core::crypto::KeyTypeId(*b"test");

/// A fresh sr25519 key in the test keystore.
fn new_key() -> sr25519::Public {
	sp_io::crypto::sr25519_generate(TEST_KEY, None)
}

/// `who` names `key`, proving it holds it.
fn set_key(who: AccountId, key: sr25519::Public) -> sp_runtime::DispatchResult {
	let proof = crate::testing::reporting_key_proof::<Test>(&who, TEST_KEY, &key);
	Providers::set_reporting_key(RuntimeOrigin::signed(who), key, proof)
}

fn last_event() -> RuntimeEvent {
	System::events().pop().expect("an event").event
}

mod registration {
	use super::*;

	#[test]
	fn register_holds_the_bond_and_records_the_provider() {
		run_test(|| {
			register(ALICE, 5_000);
			let record = pallet::Providers::<Test>::get(ALICE).unwrap();
			assert_eq!(record.status, ProviderStatus::Active);
			assert_eq!(record.bond, 5_000);
			assert_eq!(record.region, region("eu-west"));
			assert_eq!(record.registered_at, 1);
			assert_eq!(held(ALICE), 5_000);
			assert_eq!(Balances::balance(&ALICE), STARTING_BALANCE - 5_000);
			assert_eq!(Balances::total_balance(&ALICE), STARTING_BALANCE);
			assert_eq!(last_event(), Event::Registered { provider: ALICE, bond: 5_000 }.into());
			assert_eq!(pallet::Providers::<Test>::count(), 1);
		});
	}

	#[test]
	fn bad_registrations_are_rejected_without_change() {
		run_test(|| {
			assert_noop!(
				Providers::register(RuntimeOrigin::signed(ALICE), MIN_BOND - 1, region("x"), bounded(b"")),
				Error::<Test>::BondBelowMinimum
			);
			assert_noop!(
				Providers::register(RuntimeOrigin::signed(POOR), MIN_BOND, region("x"), bounded(b"")),
				Error::<Test>::InsufficientBalance
			);
			register(ALICE, MIN_BOND);
			assert_noop!(
				Providers::register(RuntimeOrigin::signed(ALICE), MIN_BOND, region("x"), bounded(b"")),
				Error::<Test>::AlreadyRegistered
			);
			assert_noop!(
				Providers::register(RuntimeOrigin::none(), MIN_BOND, region("x"), bounded(b"")),
				DispatchError::BadOrigin
			);
		});
	}

	#[test]
	fn metadata_and_reporting_key_are_set_on_the_callers_own_record() {
		run_test(|| {
			register(ALICE, MIN_BOND);
			assert_ok!(Providers::set_metadata(RuntimeOrigin::signed(ALICE), region("us-east"), bounded(b"v2")));
			let key = new_key();
			assert_ok!(set_key(ALICE, key));
			let record = pallet::Providers::<Test>::get(ALICE).unwrap();
			assert_eq!(record.region, region("us-east"));
			assert_eq!(record.metadata.to_vec(), b"v2".to_vec());
			assert_eq!(<Providers as ProviderRegistry<_, _>>::reporting_key(&ALICE), Some(key));
			assert_eq!(last_event(), Event::ReportingKeySet { provider: ALICE, key }.into());

			let bobs_key = new_key();
			assert_noop!(set_key(BOB, bobs_key), Error::<Test>::NotRegistered);
			assert_noop!(
				Providers::set_metadata(RuntimeOrigin::signed(BOB), region("x"), bounded(b"")),
				Error::<Test>::NotRegistered
			);
			// Bob registering and setting his own key leaves Alice's untouched.
			register(BOB, MIN_BOND);
			assert_ok!(set_key(BOB, bobs_key));
			assert_eq!(<Providers as ProviderRegistry<_, _>>::reporting_key(&ALICE), Some(key));
		});
	}

	#[test]
	fn a_reporting_key_belongs_to_one_provider_and_is_freed_on_change_and_departure() {
		run_test(|| {
			register(ALICE, MIN_BOND);
			register(BOB, MIN_BOND);
			let (first, second) = (new_key(), new_key());
			assert_ok!(set_key(ALICE, first));
			assert_eq!(<Providers as ProviderRegistry<_, _>>::provider_of_reporting_key(&first), Some(ALICE));
			assert_noop!(set_key(BOB, first), Error::<Test>::ReportingKeyInUse);
			// Setting the same key again is harmless.
			assert_ok!(set_key(ALICE, first));

			assert_ok!(set_key(ALICE, second));
			assert_eq!(<Providers as ProviderRegistry<_, _>>::provider_of_reporting_key(&first), None);
			assert_ok!(set_key(BOB, first));
			assert_eq!(<Providers as ProviderRegistry<_, _>>::provider_of_reporting_key(&first), Some(BOB));

			// A departed provider keeps its key while its record lasts (its last epochs can still
			// be reported), and frees it with the record.
			assert_ok!(Providers::deregister(RuntimeOrigin::signed(ALICE)));
			assert_eq!(<Providers as ProviderRegistry<_, _>>::provider_of_reporting_key(&second), Some(ALICE));
			System::set_block_number(System::block_number() + 1_000);
			assert_ok!(Providers::withdraw_unbonded(RuntimeOrigin::signed(ALICE)));
			assert!(pallet::Providers::<Test>::get(ALICE).is_none());
			assert_eq!(<Providers as ProviderRegistry<_, _>>::provider_of_reporting_key(&second), None);
		});
	}

	/// Attack: a squatter names a victim's reporting key (read from the pool or the chain) before
	/// the victim does, so the victim's node signs reports for the squatter or cannot report at
	/// all. Naming a key takes the key's signature over the caller's account and this chain's
	/// genesis hash: a proof made for the victim, by another key or for another chain fails.
	#[test]
	fn nobody_names_a_reporting_key_it_does_not_hold() {
		run_test(|| {
			register(ALICE, MIN_BOND);
			register(BOB, MIN_BOND);
			let victims_key = new_key();
			let victims_proof = crate::testing::reporting_key_proof::<Test>(&ALICE, TEST_KEY, &victims_key);

			// Bob replays the victim's proof from the pool, signs with his own key, or brings
			// a proof for his own account made on another chain: all refused.
			assert_noop!(
				Providers::set_reporting_key(RuntimeOrigin::signed(BOB), victims_key, victims_proof.clone()),
				Error::<Test>::BadReportingKeyProof
			);
			let bobs_key = new_key();
			let by_another_key = crate::testing::reporting_key_proof::<Test>(&BOB, TEST_KEY, &bobs_key);
			assert_noop!(
				Providers::set_reporting_key(RuntimeOrigin::signed(BOB), victims_key, by_another_key),
				Error::<Test>::BadReportingKeyProof
			);
			let other_chain = (REPORTING_KEY_PROOF_CONTEXT, BOB, H256::repeat_byte(0xcc)).encode();
			let for_another_chain = sp_io::crypto::sr25519_sign(TEST_KEY, &victims_key, &other_chain).unwrap();
			assert_noop!(
				Providers::set_reporting_key(RuntimeOrigin::signed(BOB), victims_key, for_another_chain),
				Error::<Test>::BadReportingKeyProof
			);

			// The proof binds this chain's genesis hash: the one the payload carries.
			let genesis = System::block_hash(0);
			assert_eq!(
				Providers::reporting_key_proof_payload(&ALICE),
				[&REPORTING_KEY_PROOF_CONTEXT[..], &ALICE.encode(), genesis.as_ref()].concat()
			);
			// The victim names its key with its own proof.
			assert_ok!(Providers::set_reporting_key(RuntimeOrigin::signed(ALICE), victims_key, victims_proof));
			assert_eq!(<Providers as ProviderRegistry<_, _>>::provider_of_reporting_key(&victims_key), Some(ALICE));
		});
	}

	#[test]
	fn a_departed_provider_can_change_nothing_but_withdraw() {
		run_test(|| {
			register(ALICE, MIN_BOND);
			assert_ok!(Providers::add_auditor(RuntimeOrigin::root(), AUDITOR));
			assert_ok!(Providers::deregister(RuntimeOrigin::signed(ALICE)));
			let origin = || RuntimeOrigin::signed(ALICE);
			assert_noop!(Providers::set_metadata(origin(), region("x"), bounded(b"")), Error::<Test>::ProviderLeaving);
			assert_noop!(set_key(ALICE, new_key()), Error::<Test>::ProviderLeaving);
			assert_noop!(Providers::add_gpus(origin(), bounded(&[gpu(1, "H100", 1)])), Error::<Test>::ProviderLeaving);
			assert_noop!(
				Providers::remove_gpus(origin(), bounded(&[H256::repeat_byte(1)])),
				Error::<Test>::ProviderLeaving
			);
			assert_noop!(Providers::set_prices(origin(), PriceList::default()), Error::<Test>::ProviderLeaving);
			assert_noop!(Providers::set_capacity(origin(), 1, 1), Error::<Test>::ProviderLeaving);
			assert_noop!(Providers::unbond(origin(), 1), Error::<Test>::ProviderLeaving);
			assert_noop!(Providers::bond_extra(origin(), 1), Error::<Test>::ProviderLeaving);
			assert_noop!(
				Providers::set_attributes(RuntimeOrigin::signed(AUDITOR), ALICE, bounded(&[(bounded(b"tier"), bounded(b"1"))])),
				Error::<Test>::ProviderLeaving
			);
		});
	}

	#[test]
	fn calls_of_unregistered_accounts_fail_without_change() {
		run_test(|| {
			let origin = || RuntimeOrigin::signed(BOB);
			assert_noop!(Providers::withdraw_unbonded(origin()), Error::<Test>::NotRegistered);
			assert_noop!(Providers::set_prices(origin(), PriceList::default()), Error::<Test>::NotRegistered);
			assert_noop!(Providers::set_capacity(origin(), 1, 1), Error::<Test>::NotRegistered);
			assert_noop!(
				Providers::remove_gpus(origin(), bounded(&[H256::repeat_byte(1)])),
				Error::<Test>::NotRegistered
			);
			assert_noop!(Providers::deregister(origin()), Error::<Test>::NotRegistered);
		});
	}
}

mod bonds {
	use super::*;

	#[test]
	fn bond_extra_adds_to_the_hold() {
		run_test(|| {
			register(ALICE, MIN_BOND);
			assert_ok!(Providers::bond_extra(RuntimeOrigin::signed(ALICE), 500));
			assert_eq!(pallet::Providers::<Test>::get(ALICE).unwrap().bond, MIN_BOND + 500);
			assert_eq!(held(ALICE), MIN_BOND + 500);
			assert_noop!(Providers::bond_extra(RuntimeOrigin::signed(ALICE), 0), Error::<Test>::ZeroAmount);
			assert_noop!(
				Providers::bond_extra(RuntimeOrigin::signed(ALICE), STARTING_BALANCE),
				Error::<Test>::InsufficientBalance
			);
			assert_noop!(Providers::bond_extra(RuntimeOrigin::signed(BOB), 1), Error::<Test>::NotRegistered);
		});
	}

	#[test]
	fn unbond_keeps_funds_held_until_the_period_passes() {
		run_test(|| {
			register(ALICE, 3_000);
			assert_ok!(Providers::unbond(RuntimeOrigin::signed(ALICE), 1_500));
			let record = pallet::Providers::<Test>::get(ALICE).unwrap();
			assert_eq!(record.bond, 1_500);
			assert_eq!(record.unbonding, Some(Unbonding { amount: 1_500, unlock_at: 1 + UNBONDING_PERIOD }));
			assert_eq!(record.status, ProviderStatus::Active);
			assert_eq!(held(ALICE), 3_000);

			System::set_block_number(UNBONDING_PERIOD);
			assert_noop!(Providers::withdraw_unbonded(RuntimeOrigin::signed(ALICE)), Error::<Test>::StillLocked);

			System::set_block_number(1 + UNBONDING_PERIOD);
			assert_ok!(Providers::withdraw_unbonded(RuntimeOrigin::signed(ALICE)));
			assert_eq!(held(ALICE), 1_500);
			assert_eq!(Balances::balance(&ALICE), STARTING_BALANCE - 1_500);
			assert_eq!(last_event(), Event::Withdrawn { provider: ALICE, amount: 1_500 }.into());
			assert_noop!(
				Providers::withdraw_unbonded(RuntimeOrigin::signed(ALICE)),
				Error::<Test>::NothingToWithdraw
			);
		});
	}

	#[test]
	fn a_second_unbond_restarts_the_clock() {
		run_test(|| {
			register(ALICE, 3_000);
			assert_ok!(Providers::unbond(RuntimeOrigin::signed(ALICE), 500));
			System::set_block_number(50);
			assert_ok!(Providers::unbond(RuntimeOrigin::signed(ALICE), 500));
			assert_eq!(
				pallet::Providers::<Test>::get(ALICE).unwrap().unbonding,
				Some(Unbonding { amount: 1_000, unlock_at: 50 + UNBONDING_PERIOD })
			);
			System::set_block_number(1 + UNBONDING_PERIOD);
			assert_noop!(Providers::withdraw_unbonded(RuntimeOrigin::signed(ALICE)), Error::<Test>::StillLocked);
			System::set_block_number(50 + UNBONDING_PERIOD);
			assert_ok!(Providers::withdraw_unbonded(RuntimeOrigin::signed(ALICE)));
			assert_eq!(held(ALICE), 2_000);
		});
	}

	#[test]
	fn unbonding_below_the_minimum_delists_the_gpus() {
		run_test(|| {
			register(ALICE, MIN_BOND);
			assert_ok!(Providers::add_gpus(RuntimeOrigin::signed(ALICE), bounded(&[gpu(1, "H100", 1), gpu(2, "H100", 1)])));
			assert_ok!(Providers::unbond(RuntimeOrigin::signed(ALICE), 1));
			assert!(Gpus::<Test>::get(ALICE).is_empty());
			assert!(GpuOwner::<Test>::get(H256::repeat_byte(1)).is_none());
			assert!(System::events().iter().any(|r| r.event == Event::GpusRemoved { provider: ALICE, count: 2 }.into()));
			assert_eq!(
				last_event(),
				Event::Unbonding { provider: ALICE, amount: 1, unlock_at: 1 + UNBONDING_PERIOD }.into()
			);
		});
	}

	#[test]
	fn other_providers_leases_do_not_block_unbonding() {
		run_test(|| {
			register(ALICE, MIN_BOND);
			register(BOB, MIN_BOND);
			MockLeases::set(BOB, Commitment { open_leases: 3, ..Default::default() });
			assert_ok!(Providers::unbond(RuntimeOrigin::signed(ALICE), MIN_BOND));
			assert_noop!(Providers::unbond(RuntimeOrigin::signed(BOB), MIN_BOND), Error::<Test>::HasOpenLeases);
		});
	}

	#[test]
	fn unbonding_below_the_minimum_needs_no_open_lease_and_marks_the_provider_leaving() {
		run_test(|| {
			register(ALICE, 2_000);
			MockLeases::set(ALICE, Commitment { open_leases: 1, ..Default::default() });
			// Staying at or above the minimum is fine with leases open.
			assert_ok!(Providers::unbond(RuntimeOrigin::signed(ALICE), 1_000));
			assert_noop!(Providers::unbond(RuntimeOrigin::signed(ALICE), 1), Error::<Test>::HasOpenLeases);

			MockLeases::set(ALICE, Commitment::default());
			assert_ok!(Providers::unbond(RuntimeOrigin::signed(ALICE), 1));
			assert_eq!(pallet::Providers::<Test>::get(ALICE).unwrap().status, ProviderStatus::Unbonding);
			assert!(!<Providers as ProviderRegistry<_, _>>::is_active(&ALICE));

			// Topping up to the minimum makes it active again.
			assert_ok!(Providers::bond_extra(RuntimeOrigin::signed(ALICE), 1));
			assert_eq!(pallet::Providers::<Test>::get(ALICE).unwrap().status, ProviderStatus::Active);
		});
	}

	#[test]
	fn cannot_unbond_more_than_the_bond_or_nothing() {
		run_test(|| {
			register(ALICE, 2_000);
			assert_noop!(Providers::unbond(RuntimeOrigin::signed(ALICE), 2_001), Error::<Test>::UnbondTooLarge);
			assert_noop!(Providers::unbond(RuntimeOrigin::signed(ALICE), 0), Error::<Test>::ZeroAmount);
			assert_noop!(Providers::unbond(RuntimeOrigin::signed(BOB), 1), Error::<Test>::NotRegistered);
		});
	}
}

mod deregistration {
	use super::*;

	#[test]
	fn deregister_frees_gpus_and_unbonds_everything_then_the_record_goes() {
		run_test(|| {
			register(ALICE, 2_000);
			assert_ok!(Providers::add_gpus(RuntimeOrigin::signed(ALICE), bounded(&[gpu(1, "H100", 81_559)])));
			assert_ok!(Providers::unbond(RuntimeOrigin::signed(ALICE), 500));
			let post = Providers::deregister(RuntimeOrigin::signed(ALICE)).unwrap();
			// Charged for the one GPU and no attestations, not the worst case.
			assert_eq!(post.actual_weight, Some(<() as crate::WeightInfo>::deregister(1, 0)));
			assert_eq!(
				last_event(),
				Event::Deregistered { provider: ALICE, unlock_at: 1 + UNBONDING_PERIOD }.into()
			);

			let record = pallet::Providers::<Test>::get(ALICE).unwrap();
			assert_eq!(record.status, ProviderStatus::Deregistered);
			assert_eq!(record.bond, 0);
			assert_eq!(record.unbonding, Some(Unbonding { amount: 2_000, unlock_at: 1 + UNBONDING_PERIOD }));
			assert!(GpuOwner::<Test>::get(H256::repeat_byte(1)).is_none());
			assert!(Gpus::<Test>::get(ALICE).is_empty());
			// The freed GPU may be listed by someone else now.
			register(BOB, MIN_BOND);
			assert_ok!(Providers::add_gpus(RuntimeOrigin::signed(BOB), bounded(&[gpu(1, "H100", 81_559)])));

			// Gone providers can do nothing but withdraw.
			assert_noop!(Providers::bond_extra(RuntimeOrigin::signed(ALICE), 1), Error::<Test>::ProviderLeaving);
			assert_noop!(Providers::deregister(RuntimeOrigin::signed(ALICE)), Error::<Test>::ProviderLeaving);
			assert_noop!(
				Providers::set_capacity(RuntimeOrigin::signed(ALICE), 1, 1),
				Error::<Test>::ProviderLeaving
			);

			System::set_block_number(1 + UNBONDING_PERIOD);
			assert_ok!(Providers::withdraw_unbonded(RuntimeOrigin::signed(ALICE)));
			assert!(pallet::Providers::<Test>::get(ALICE).is_none());
			assert_eq!(held(ALICE), 0);
			assert_eq!(Balances::balance(&ALICE), STARTING_BALANCE);
			assert_eq!(last_event(), Event::Removed { provider: ALICE }.into());
			// And may register afresh.
			register(ALICE, MIN_BOND);
		});
	}

	#[test]
	fn deregister_is_refused_with_open_leases() {
		run_test(|| {
			register(ALICE, 2_000);
			MockLeases::set(ALICE, Commitment { open_leases: 2, ..Default::default() });
			assert_noop!(Providers::deregister(RuntimeOrigin::signed(ALICE)), Error::<Test>::HasOpenLeases);
			assert_noop!(Providers::deregister(RuntimeOrigin::signed(BOB)), Error::<Test>::NotRegistered);
		});
	}
}

mod hardware {
	use super::*;

	#[test]
	fn gpus_are_listed_and_belong_to_one_provider_only() {
		run_test(|| {
			register(ALICE, MIN_BOND);
			register(BOB, MIN_BOND);
			assert_ok!(Providers::add_gpus(
				RuntimeOrigin::signed(ALICE),
				bounded(&[gpu(1, "H100", 81_559), gpu(2, "H100", 81_559)])
			));
			assert_eq!(Gpus::<Test>::get(ALICE).len(), 2);
			assert_eq!(GpuOwner::<Test>::get(H256::repeat_byte(2)), Some(ALICE));
			assert_eq!(last_event(), Event::GpusAdded { provider: ALICE, count: 2 }.into());

			// The field's known fraud: listing a GPU someone else (or oneself) already listed.
			assert_noop!(
				Providers::add_gpus(RuntimeOrigin::signed(BOB), bounded(&[gpu(3, "A100", 40_960), gpu(1, "H100", 81_559)])),
				Error::<Test>::GpuAlreadyRegistered
			);
			assert_noop!(
				Providers::add_gpus(RuntimeOrigin::signed(ALICE), bounded(&[gpu(2, "H100", 81_559)])),
				Error::<Test>::GpuAlreadyRegistered
			);
			assert_noop!(
				Providers::add_gpus(RuntimeOrigin::signed(BOB), bounded(&[gpu(4, "A100", 1), gpu(4, "A100", 1)])),
				Error::<Test>::DuplicateGpu
			);
		});
	}

	#[test]
	fn invalid_or_too_many_gpus_are_rejected() {
		run_test(|| {
			register(ALICE, MIN_BOND);
			assert_noop!(
				Providers::add_gpus(RuntimeOrigin::signed(ALICE), bounded(&[gpu(1, "", 10)])),
				Error::<Test>::InvalidGpu
			);
			assert_noop!(
				Providers::add_gpus(RuntimeOrigin::signed(ALICE), bounded(&[gpu(1, "H100", 0)])),
				Error::<Test>::InvalidGpu
			);
			assert_noop!(Providers::add_gpus(RuntimeOrigin::signed(ALICE), bounded(&[])), Error::<Test>::NoGpus);
			let six: alloc::vec::Vec<_> = (1..=6).map(|n| gpu(n, "L4", 23_034)).collect();
			assert_ok!(Providers::add_gpus(RuntimeOrigin::signed(ALICE), bounded(&six)));
			let three: alloc::vec::Vec<_> = (7..=9).map(|n| gpu(n, "L4", 23_034)).collect();
			assert_noop!(
				Providers::add_gpus(RuntimeOrigin::signed(ALICE), bounded(&three)),
				Error::<Test>::TooManyGpus
			);
			assert_noop!(
				Providers::add_gpus(RuntimeOrigin::signed(BOB), bounded(&[gpu(20, "L4", 1)])),
				Error::<Test>::NotRegistered
			);
		});
	}

	#[test]
	fn only_unleased_own_gpus_can_be_removed() {
		run_test(|| {
			register(ALICE, MIN_BOND);
			register(BOB, MIN_BOND);
			assert_ok!(Providers::add_gpus(
				RuntimeOrigin::signed(ALICE),
				bounded(&[gpu(1, "H100", 81_559), gpu(2, "H100", 81_559)])
			));
			assert_ok!(Providers::add_gpus(RuntimeOrigin::signed(BOB), bounded(&[gpu(3, "A100", 40_960)])));
			MockLeases::lease_gpu(H256::repeat_byte(2));

			assert_noop!(
				Providers::remove_gpus(RuntimeOrigin::signed(ALICE), bounded(&[H256::repeat_byte(3)])),
				Error::<Test>::GpuNotFound
			);
			assert_noop!(
				Providers::remove_gpus(RuntimeOrigin::signed(ALICE), bounded(&[H256::repeat_byte(2)])),
				Error::<Test>::GpuLeased
			);
			assert_noop!(
				Providers::remove_gpus(
					RuntimeOrigin::signed(ALICE),
					bounded(&[H256::repeat_byte(1), H256::repeat_byte(1)])
				),
				Error::<Test>::DuplicateGpu
			);
			assert_noop!(Providers::remove_gpus(RuntimeOrigin::signed(ALICE), bounded(&[])), Error::<Test>::NoGpus);
			assert_ok!(Providers::remove_gpus(RuntimeOrigin::signed(ALICE), bounded(&[H256::repeat_byte(1)])));
			assert_eq!(last_event(), Event::GpusRemoved { provider: ALICE, count: 1 }.into());
			assert_eq!(Gpus::<Test>::get(ALICE).to_vec(), vec![gpu(2, "H100", 81_559)]);
			assert!(GpuOwner::<Test>::get(H256::repeat_byte(1)).is_none());
			// Removing the last GPU leaves no empty list behind (checked by the invariants).
			assert_ok!(Providers::remove_gpus(RuntimeOrigin::signed(BOB), bounded(&[H256::repeat_byte(3)])));
			assert!(!Gpus::<Test>::contains_key(BOB));
		});
	}

	/// The attack: declare `u64::MAX` bytes and `u32::MAX` cores, then rent them to oneself to
	/// inflate attested storage. Declarations are bounded; at the bound they are accepted.
	#[test]
	fn declared_capacity_is_bounded() {
		run_test(|| {
			register(ALICE, MIN_BOND);
			let (max_bytes, max_cores) = (1u64 << 50, 1_024u32);
			for (bytes, cores) in [(u64::MAX, u32::MAX), (max_bytes + 1, 1), (1, max_cores + 1)] {
				assert_noop!(
					Providers::set_capacity(RuntimeOrigin::signed(ALICE), bytes, cores),
					Error::<Test>::CapacityTooLarge
				);
			}
			assert_ok!(Providers::set_capacity(RuntimeOrigin::signed(ALICE), max_bytes, max_cores));
			assert_eq!(
				pallet::Providers::<Test>::get(ALICE).unwrap().capacity,
				Capacity { storage_bytes: max_bytes, cpu_cores: max_cores }
			);
		});
	}

	#[test]
	fn capacity_never_drops_below_what_is_leased() {
		run_test(|| {
			register(ALICE, MIN_BOND);
			assert_ok!(Providers::set_capacity(RuntimeOrigin::signed(ALICE), 1 << 40, 64));
			assert_eq!(
				<Providers as ProviderRegistry<_, _>>::capacity(&ALICE),
				Some(Capacity { storage_bytes: 1 << 40, cpu_cores: 64 })
			);
			MockLeases::set(ALICE, Commitment { open_leases: 1, storage_gib: 1, cpu_cores: 8 });
			assert_noop!(
				Providers::set_capacity(RuntimeOrigin::signed(ALICE), (1 << 30) - 1, 64),
				Error::<Test>::CapacityInUse
			);
			assert_noop!(
				Providers::set_capacity(RuntimeOrigin::signed(ALICE), 1 << 40, 7),
				Error::<Test>::CapacityInUse
			);
			assert_ok!(Providers::set_capacity(RuntimeOrigin::signed(ALICE), 1 << 30, 8));
		});
	}

	#[test]
	fn prices_are_listed_per_model_and_unit() {
		run_test(|| {
			register(ALICE, MIN_BOND);
			let h100: GpuModel = bounded(b"H100");
			let prices = PriceList { gpu: bounded(&[(h100.clone(), 2_000)]), storage_gib: 3, cpu_core: 40 };
			assert_ok!(Providers::set_prices(RuntimeOrigin::signed(ALICE), prices));
			assert_eq!(last_event(), Event::PricesSet { provider: ALICE }.into());
			assert_eq!(<Providers as ProviderRegistry<_, _>>::gpu_price(&ALICE, &h100), Some(2_000));
			assert_eq!(<Providers as ProviderRegistry<_, _>>::gpu_price(&ALICE, &bounded(b"A100")), None);
			assert_eq!(<Providers as ProviderRegistry<_, _>>::storage_gib_price(&ALICE), Some(3));
			assert_eq!(<Providers as ProviderRegistry<_, _>>::cpu_core_price(&ALICE), Some(40));

			let twice = PriceList { gpu: bounded(&[(h100.clone(), 1), (h100, 2)]), storage_gib: 0, cpu_core: 0 };
			assert_noop!(Providers::set_prices(RuntimeOrigin::signed(ALICE), twice), Error::<Test>::DuplicatePrice);
		});
	}
}

mod auditors {
	use super::*;

	fn attributes() -> BoundedVec<(AttributeKey, AttributeValue), frame_support::traits::ConstU32<4>> {
		bounded(&[(bounded(b"tier"), bounded(b"3")), (bounded(b"datacenter"), bounded(b"yes"))])
	}

	#[test]
	fn governance_manages_a_bounded_auditor_set() {
		run_test(|| {
			assert_noop!(Providers::add_auditor(RuntimeOrigin::signed(ALICE), AUDITOR), DispatchError::BadOrigin);
			assert_ok!(Providers::add_auditor(RuntimeOrigin::root(), AUDITOR));
			assert_eq!(last_event(), Event::AuditorAdded { auditor: AUDITOR, bond: AUDITOR_BOND }.into());
			assert_noop!(Providers::remove_auditor(RuntimeOrigin::signed(AUDITOR), AUDITOR), DispatchError::BadOrigin);
			assert_noop!(Providers::add_auditor(RuntimeOrigin::root(), AUDITOR), Error::<Test>::AlreadyAuditor);
			assert_ok!(Providers::add_auditor(RuntimeOrigin::root(), 11));
			assert_ok!(Providers::add_auditor(RuntimeOrigin::root(), 12));
			assert_noop!(Providers::add_auditor(RuntimeOrigin::root(), 13), Error::<Test>::TooManyAuditors);
			assert_ok!(Providers::remove_auditor(RuntimeOrigin::root(), 12));
			assert_noop!(Providers::remove_auditor(RuntimeOrigin::root(), 12), Error::<Test>::NotAuditor);
			assert_eq!(Auditors::<Test>::count(), 2);
		});
	}

	#[test]
	fn auditors_attest_attributes_that_stop_counting_when_they_leave() {
		run_test(|| {
			register(ALICE, MIN_BOND);
			assert_noop!(
				Providers::set_attributes(RuntimeOrigin::signed(AUDITOR), ALICE, attributes()),
				Error::<Test>::NotAuditor
			);
			assert_ok!(Providers::add_auditor(RuntimeOrigin::root(), AUDITOR));
			assert_noop!(
				Providers::set_attributes(RuntimeOrigin::signed(AUDITOR), BOB, attributes()),
				Error::<Test>::NotRegistered
			);
			assert_noop!(
				Providers::set_attributes(RuntimeOrigin::signed(AUDITOR), ALICE, bounded(&[])),
				Error::<Test>::NoAttributes
			);
			let twice = bounded(&[(bounded(b"tier"), bounded(b"1")), (bounded(b"tier"), bounded(b"2"))]);
			assert_noop!(
				Providers::set_attributes(RuntimeOrigin::signed(AUDITOR), ALICE, twice),
				Error::<Test>::InvalidAttributes
			);
			assert_noop!(
				Providers::set_attributes(RuntimeOrigin::signed(AUDITOR), ALICE, bounded(&[(bounded(b""), bounded(b"1"))])),
				Error::<Test>::InvalidAttributes
			);
			assert_ok!(Providers::set_attributes(RuntimeOrigin::signed(AUDITOR), ALICE, attributes()));
			assert_eq!(last_event(), Event::AttributesSet { provider: ALICE, auditor: AUDITOR, count: 2 }.into());
			assert!(<Providers as ProviderRegistry<_, _>>::is_audited_by(&ALICE, &AUDITOR));
			assert_eq!(Providers::valid_audit(&ALICE, &AUDITOR).unwrap().attributes, attributes());

			assert_ok!(Providers::remove_auditor(RuntimeOrigin::root(), AUDITOR));
			assert!(!<Providers as ProviderRegistry<_, _>>::is_audited_by(&ALICE, &AUDITOR));
			// Re-adding the auditor does not revive what it attested before.
			assert_ok!(Providers::add_auditor(RuntimeOrigin::root(), AUDITOR));
			assert!(!<Providers as ProviderRegistry<_, _>>::is_audited_by(&ALICE, &AUDITOR));
		});
	}

	#[test]
	fn attestations_do_not_survive_a_new_registration() {
		run_test(|| {
			register(ALICE, MIN_BOND);
			assert_ok!(Providers::add_auditor(RuntimeOrigin::root(), AUDITOR));
			assert_ok!(Providers::add_auditor(RuntimeOrigin::root(), 11));
			assert_ok!(Providers::set_attributes(RuntimeOrigin::signed(AUDITOR), ALICE, attributes()));
			assert_ok!(Providers::set_attributes(RuntimeOrigin::signed(11), ALICE, attributes()));
			assert_ok!(Providers::deregister(RuntimeOrigin::signed(ALICE)));
			assert!(Attributes::<Test>::get(ALICE, AUDITOR).is_none());
			System::set_block_number(1 + UNBONDING_PERIOD);
			assert_ok!(Providers::withdraw_unbonded(RuntimeOrigin::signed(ALICE)));
			register(ALICE, MIN_BOND);
			assert!(!<Providers as ProviderRegistry<_, _>>::is_audited_by(&ALICE, &AUDITOR));
			assert!(!<Providers as ProviderRegistry<_, _>>::is_audited_by(&ALICE, &11));
		});
	}

	#[test]
	fn auditors_can_withdraw_an_attestation() {
		run_test(|| {
			register(ALICE, MIN_BOND);
			assert_ok!(Providers::add_auditor(RuntimeOrigin::root(), AUDITOR));
			assert_noop!(
				Providers::clear_attributes(RuntimeOrigin::signed(AUDITOR), ALICE),
				Error::<Test>::NoAttributes
			);
			assert_ok!(Providers::set_attributes(RuntimeOrigin::signed(AUDITOR), ALICE, attributes()));
			assert_noop!(Providers::clear_attributes(RuntimeOrigin::signed(BOB), ALICE), Error::<Test>::NoAttributes);
			assert_ok!(Providers::clear_attributes(RuntimeOrigin::signed(AUDITOR), ALICE));
			assert_eq!(last_event(), Event::AttributesCleared { provider: ALICE, auditor: AUDITOR }.into());
			assert!(!<Providers as ProviderRegistry<_, _>>::is_audited_by(&ALICE, &AUDITOR));

			// A removed auditor may still clean up after itself.
			assert_ok!(Providers::set_attributes(RuntimeOrigin::signed(AUDITOR), ALICE, attributes()));
			assert_ok!(Providers::remove_auditor(RuntimeOrigin::root(), AUDITOR));
			assert_ok!(Providers::clear_attributes(RuntimeOrigin::signed(AUDITOR), ALICE));
			assert!(Attributes::<Test>::get(ALICE, AUDITOR).is_none());
		});
	}

	fn auditor_bond_held(who: AccountId) -> Balance {
		Balances::balance_on_hold(&RuntimeHoldReason::Providers(HoldReason::AuditorBond), &who)
	}

	/// An auditor's word decides which hardware earns capacity emission, so it is bonded.
	#[test]
	fn auditors_are_bonded_and_governance_can_slash_them() {
		run_test(|| {
			assert_noop!(Providers::add_auditor(RuntimeOrigin::root(), POOR), Error::<Test>::InsufficientBalance);
			assert_ok!(Providers::add_auditor(RuntimeOrigin::root(), AUDITOR));
			assert_eq!(auditor_bond_held(AUDITOR), AUDITOR_BOND);
			assert_eq!(Balances::balance(&AUDITOR), STARTING_BALANCE - AUDITOR_BOND);

			assert_noop!(Providers::slash_auditor(RuntimeOrigin::signed(ALICE), AUDITOR, 1), DispatchError::BadOrigin);
			assert_noop!(Providers::slash_auditor(RuntimeOrigin::root(), ALICE, 1), Error::<Test>::NotAuditor);
			assert_noop!(Providers::slash_auditor(RuntimeOrigin::root(), AUDITOR, 0), Error::<Test>::ZeroAmount);
			// A slash below the bond removes the auditor and returns what is left.
			assert_ok!(Providers::slash_auditor(RuntimeOrigin::root(), AUDITOR, 100));
			assert_eq!(Balances::balance(&SLASHED_TO), 100);
			assert!(!Auditors::<Test>::contains_key(AUDITOR));
			assert_eq!(auditor_bond_held(AUDITOR), 0);
			assert_eq!(Balances::total_balance(&AUDITOR), STARTING_BALANCE - 100);
			assert!(System::events().iter().any(|r| r.event == Event::AuditorSlashed { auditor: AUDITOR, amount: 100 }.into()));

			// Removal returns the whole bond.
			assert_ok!(Providers::add_auditor(RuntimeOrigin::root(), AUDITOR + 1));
			assert_ok!(Providers::remove_auditor(RuntimeOrigin::root(), AUDITOR + 1));
			assert_eq!(Balances::balance(&(AUDITOR + 1)), STARTING_BALANCE);
		});
	}

	/// Invented GPUs: a provider's own word that hardware exists counts for nothing; an audit
	/// vouches only for GPUs registered to the provider and storage it declared, and counts only
	/// while its auditor stays and the GPUs stay listed.
	#[test]
	fn audits_vouch_for_registered_hardware_only_and_lapse_with_their_auditor() {
		run_test(|| {
			register(ALICE, MIN_BOND);
			register(BOB, MIN_BOND);
			let gpus = [gpu(1, "H100", 81_559), gpu(2, "H100", 81_559)];
			assert_ok!(Providers::add_gpus(RuntimeOrigin::signed(ALICE), bounded(&gpus)));
			assert_ok!(Providers::add_gpus(RuntimeOrigin::signed(BOB), bounded(&[gpu(3, "H100", 81_559)])));
			assert_ok!(Providers::set_capacity(RuntimeOrigin::signed(ALICE), 100 << 30, 8));
			let hashes = [H256::repeat_byte(1), H256::repeat_byte(2)];
			let audit = |who, gpus: &[H256], gib| Providers::audit_hardware(RuntimeOrigin::signed(who), ALICE, bounded(gpus), gib);

			assert_noop!(audit(ALICE, &hashes, 0), Error::<Test>::NotAuditor);
			assert_ok!(Providers::add_auditor(RuntimeOrigin::root(), AUDITOR));
			// An auditor that is also a provider cannot vouch for itself.
			register(AUDITOR, MIN_BOND);
			assert_noop!(
				Providers::audit_hardware(RuntimeOrigin::signed(AUDITOR), AUDITOR, bounded(&[]), 0),
				Error::<Test>::SelfAudit
			);
			// Not ALICE's GPU, an invented one, one named twice, undeclared storage.
			assert_noop!(audit(AUDITOR, &[H256::repeat_byte(3)], 0), Error::<Test>::UnknownGpu);
			assert_noop!(audit(AUDITOR, &[H256::repeat_byte(9)], 0), Error::<Test>::UnknownGpu);
			assert_noop!(audit(AUDITOR, &[hashes[0], hashes[0]], 0), Error::<Test>::UnknownGpu);
			assert_noop!(audit(AUDITOR, &hashes, 101), Error::<Test>::StorageNotDeclared);
			assert_eq!(vouched(&ALICE, System::block_number()), AuditedHardware::default());

			assert_ok!(audit(AUDITOR, &hashes, 100));
			assert_eq!(
				last_event(),
				Event::HardwareAudited { provider: ALICE, auditor: AUDITOR, gpus: 2, storage_gib: 100 }.into()
			);
			assert_eq!(
				vouched(&ALICE, System::block_number()),
				AuditedHardware { gpus: hashes.to_vec(), storage_gib: 100, audits_read: 0 }
			);
			// A delisted GPU and a smaller declaration count at once; the GPU leaves the audit
			// for good: listed again, it needs a new audit.
			assert_ok!(Providers::remove_gpus(RuntimeOrigin::signed(ALICE), bounded(&[hashes[1]])));
			assert_ok!(Providers::set_capacity(RuntimeOrigin::signed(ALICE), 40 << 30, 8));
			assert_eq!(
				vouched(&ALICE, System::block_number()),
				AuditedHardware { gpus: vec![hashes[0]], storage_gib: 40, audits_read: 0 }
			);
			assert_ok!(Providers::add_gpus(RuntimeOrigin::signed(ALICE), bounded(&[gpus[1].clone()])));
			assert_eq!(vouched(&ALICE, System::block_number()).gpus, vec![hashes[0]]);
			// The auditor leaves: its audit stops counting, though finding that out still reads it.
			assert_ok!(Providers::remove_auditor(RuntimeOrigin::root(), AUDITOR));
			assert_eq!(vouched(&ALICE, System::block_number()), AuditedHardware::default());
			assert_eq!(Providers::audited_hardware(&ALICE, System::block_number()).audits_read, 1);
			// Re-added, its old audit does not revive; an empty audit withdraws one.
			assert_ok!(Providers::add_auditor(RuntimeOrigin::root(), AUDITOR));
			assert_eq!(vouched(&ALICE, System::block_number()), AuditedHardware::default());
			assert_ok!(audit(AUDITOR, &hashes[..1], 0));
			assert_eq!(vouched(&ALICE, System::block_number()).gpus, vec![hashes[0]]);
			assert_ok!(audit(AUDITOR, &[], 0));
			assert!(!HardwareAudits::<Test>::contains_key(ALICE, AUDITOR));
		});
	}
}

/// Audits belong to their auditors, and a change of one never reaches back into an epoch
/// already under way.
mod audit_ownership {
	use super::*;
	use sp_runtime::DispatchResult;

	/// The test clock's epochs are 10 blocks (`ConstClock<10, 5>`).
	fn epoch_start(epoch: u64) -> u64 {
		epoch * 10
	}

	fn setup() -> [H256; 2] {
		register(ALICE, MIN_BOND);
		let gpus = [gpu(1, "H100", 81_559), gpu(2, "H100", 81_559)];
		assert_ok!(Providers::add_gpus(RuntimeOrigin::signed(ALICE), bounded(&gpus)));
		assert_ok!(Providers::set_capacity(RuntimeOrigin::signed(ALICE), 100 << 30, 8));
		assert_ok!(Providers::add_auditor(RuntimeOrigin::root(), AUDITOR));
		assert_ok!(Providers::add_auditor(RuntimeOrigin::root(), AUDITOR_2));
		[H256::repeat_byte(1), H256::repeat_byte(2)]
	}

	fn audit(auditor: AccountId, gpus: &[H256], gib: u64) -> DispatchResult {
		Providers::audit_hardware(RuntimeOrigin::signed(auditor), ALICE, bounded(gpus), gib)
	}

	/// Attack: one slot per provider and no ownership check let any auditor replace or
	/// withdraw any provider's audit — a rival (or a colluding) auditor wiped a provider's
	/// audited capacity. Each auditor's audit is its own: another's neither replaces nor
	/// withdraws it, and the provider's audited hardware is what all of them vouch for.
	#[test]
	fn an_auditor_cannot_replace_or_withdraw_anothers_audit() {
		run_test(|| {
			let hashes = setup();
			assert_ok!(audit(AUDITOR, &hashes, 100));
			// A second auditor vouches for less, then withdraws its own audit.
			assert_ok!(audit(AUDITOR_2, &hashes[..1], 10));
			System::set_block_number(epoch_start(1));
			let audited = vouched(&ALICE, epoch_start(1));
			assert_eq!(audited, AuditedHardware { gpus: hashes.to_vec(), storage_gib: 100, audits_read: 0 });
			assert_ok!(audit(AUDITOR_2, &[], 0));
			assert!(!HardwareAudits::<Test>::contains_key(ALICE, AUDITOR_2));
			assert!(HardwareAudits::<Test>::contains_key(ALICE, AUDITOR));
			assert_eq!(
				vouched(&ALICE, epoch_start(2)),
				AuditedHardware { gpus: hashes.to_vec(), storage_gib: 100, audits_read: 0 }
			);
		});
	}

	/// Attack: a re-audit voided the current epoch and the next unreported one (the new audit
	/// counted only from the next epoch, the old one was gone). A change counts from the next
	/// epoch on; epochs that began under the old version keep it.
	#[test]
	fn a_change_of_an_audit_leaves_epochs_under_way_as_they_began() {
		run_test(|| {
			let hashes = setup();
			assert_ok!(audit(AUDITOR, &hashes, 100));
			System::set_block_number(epoch_start(2) + 3);
			// Epoch 2 began with both GPUs; the auditor now vouches for one only, then withdraws.
			assert_ok!(audit(AUDITOR, &hashes[..1], 50));
			assert_eq!(vouched(&ALICE, epoch_start(2)).gpus, hashes.to_vec());
			assert_eq!(vouched(&ALICE, epoch_start(1)).gpus, hashes.to_vec());
			assert_eq!(vouched(&ALICE, epoch_start(3)).gpus, hashes[..1].to_vec());
			System::set_block_number(epoch_start(3) + 1);
			assert_ok!(audit(AUDITOR, &[], 0));
			// Epoch 2 (still reportable) and epoch 3 (under way) keep what they began with.
			assert_eq!(vouched(&ALICE, epoch_start(2)).gpus, hashes.to_vec());
			assert_eq!(vouched(&ALICE, epoch_start(3)).gpus, hashes[..1].to_vec());
			assert_eq!(vouched(&ALICE, epoch_start(4)), AuditedHardware::default());
			// Two re-audits within an epoch: only the last takes effect next epoch.
			assert_ok!(audit(AUDITOR, &hashes, 100));
			assert_ok!(audit(AUDITOR, &hashes[1..], 100));
			assert_eq!(vouched(&ALICE, epoch_start(4)).gpus, hashes[1..].to_vec());
			let versions = HardwareAudits::<Test>::get(ALICE, AUDITOR).unwrap().versions;
			assert!(versions.len() <= MAX_AUDIT_VERSIONS as usize);
			// Versions no reportable epoch can use any more are dropped.
			System::set_block_number(epoch_start(9));
			assert_ok!(audit(AUDITOR, &hashes, 100));
			assert_eq!(HardwareAudits::<Test>::get(ALICE, AUDITOR).unwrap().versions.len(), 2);
		});
	}
}

/// Storage without a deposit that never shrank: an auditor that left left its attestations and
/// audits of every provider behind for good. A provider keeps at most `MaxAuditors` of each;
/// stale ones make room for a new auditor's.
#[test]
fn stale_attestations_and_audits_make_room_for_new_ones() {
	run_test(|| {
		register(ALICE, MIN_BOND);
		assert_ok!(Providers::set_capacity(RuntimeOrigin::signed(ALICE), 100 << 30, 8));
		let max = <<Test as pallet::Config>::MaxAuditors as frame_support::traits::Get<u32>>::get();
		let auditors: Vec<AccountId> = (0..u64::from(max)).map(|i| AUDITOR + i).collect();
		let attributes = || bounded(&[(bounded(b"tier"), bounded(b"3"))]);
		for auditor in &auditors {
			assert_ok!(Providers::add_auditor(RuntimeOrigin::root(), *auditor));
			assert_ok!(Providers::set_attributes(RuntimeOrigin::signed(*auditor), ALICE, attributes()));
			assert_ok!(Providers::audit_hardware(RuntimeOrigin::signed(*auditor), ALICE, bounded(&[]), 1));
		}
		// One leaves; a new auditor takes its place and attests and audits ALICE.
		assert_ok!(Providers::remove_auditor(RuntimeOrigin::root(), auditors[0]));
		let newcomer = AUDITOR + u64::from(max);
		assert_ok!(Providers::add_auditor(RuntimeOrigin::root(), newcomer));
		assert_ok!(Providers::set_attributes(RuntimeOrigin::signed(newcomer), ALICE, attributes()));
		assert_ok!(Providers::audit_hardware(RuntimeOrigin::signed(newcomer), ALICE, bounded(&[]), 1));
		assert_eq!(Attributes::<Test>::iter_prefix(ALICE).count() as u32, max);
		assert_eq!(HardwareAudits::<Test>::iter_prefix(ALICE).count() as u32, max);
		assert!(!Attributes::<Test>::contains_key(ALICE, auditors[0]));
		assert!(!HardwareAudits::<Test>::contains_key(ALICE, auditors[0]));
	});
}

mod registry_trait {
	use super::*;

	#[test]
	fn suspend_and_resume_toggle_an_active_provider() {
		run_test(|| {
			register(ALICE, MIN_BOND);
			assert_ok!(<Providers as ProviderRegistry<_, _>>::suspend(&ALICE));
			assert_eq!(<Providers as ProviderRegistry<_, _>>::status(&ALICE), Some(ProviderStatus::Suspended));
			assert_noop!(<Providers as ProviderRegistry<_, _>>::suspend(&ALICE), Error::<Test>::NotActive);
			assert_ok!(<Providers as ProviderRegistry<_, _>>::resume(&ALICE));
			assert!(<Providers as ProviderRegistry<_, _>>::is_active(&ALICE));
			assert_noop!(<Providers as ProviderRegistry<_, _>>::resume(&ALICE), Error::<Test>::NotSuspended);
			assert_noop!(<Providers as ProviderRegistry<_, _>>::suspend(&BOB), Error::<Test>::NotRegistered);
		});
	}

	#[test]
	fn a_provider_that_unbonded_while_suspended_resumes_under_bonded() {
		run_test(|| {
			register(ALICE, MIN_BOND);
			assert_ok!(<Providers as ProviderRegistry<_, _>>::suspend(&ALICE));
			assert_eq!(last_event(), Event::Suspended { provider: ALICE }.into());
			assert_ok!(Providers::unbond(RuntimeOrigin::signed(ALICE), 1));
			assert_eq!(pallet::Providers::<Test>::get(ALICE).unwrap().status, ProviderStatus::Suspended);
			assert_ok!(<Providers as ProviderRegistry<_, _>>::resume(&ALICE));
			assert_eq!(pallet::Providers::<Test>::get(ALICE).unwrap().status, ProviderStatus::Unbonding);
			assert_ok!(Providers::bond_extra(RuntimeOrigin::signed(ALICE), 1));
			assert!(<Providers as ProviderRegistry<_, _>>::is_active(&ALICE));
		});
	}

	#[test]
	fn slash_moves_bond_to_the_beneficiary_without_creating_or_destroying_funds() {
		run_test(|| {
			register(ALICE, 2_000);
			assert_ok!(Providers::unbond(RuntimeOrigin::signed(ALICE), 1_000));
			let issuance = Balances::total_issuance();
			let bob_before = Balances::balance(&BOB);

			// Takes from the active bond first; below the minimum the provider takes no leases.
			assert_eq!(<Providers as ProviderRegistry<_, _>>::slash(&ALICE, 600, &BOB), Ok(600));
			let record = pallet::Providers::<Test>::get(ALICE).unwrap();
			assert_eq!((record.bond, record.unbonding.unwrap().amount), (400, 1_000));
			assert_eq!(record.status, ProviderStatus::Unbonding);
			// ... then from funds unbonding, and never more than is held.
			assert_eq!(<Providers as ProviderRegistry<_, _>>::slash(&ALICE, 5_000, &BOB), Ok(1_400));
			let record = pallet::Providers::<Test>::get(ALICE).unwrap();
			assert_eq!((record.bond, record.unbonding), (0, None));

			assert_eq!(Balances::balance(&BOB), bob_before + 2_000);
			assert_eq!(held(ALICE), 0);
			assert_eq!(Balances::total_issuance(), issuance);
			assert_eq!(
				last_event(),
				Event::Slashed { provider: ALICE, amount: 1_400, beneficiary: BOB }.into()
			);
		});
	}

	#[test]
	fn slash_errors_change_nothing() {
		run_test(|| {
			register(ALICE, 2_000);
			assert_noop!(<Providers as ProviderRegistry<_, _>>::slash(&ALICE, 0, &BOB), Error::<Test>::ZeroAmount);
			assert_noop!(<Providers as ProviderRegistry<_, _>>::slash(&BOB, 10, &ALICE), Error::<Test>::NotRegistered);
			// A beneficiary that cannot exist with what it would receive.
			assert_noop!(
				<Providers as ProviderRegistry<_, _>>::slash(&ALICE, ED - 1, &999),
				DispatchError::Token(TokenError::CannotCreate)
			);
			// Slashing to oneself would skip the unbonding period.
			assert_noop!(
				<Providers as ProviderRegistry<_, _>>::slash(&ALICE, 10, &ALICE),
				Error::<Test>::InvalidBeneficiary
			);
		});
	}

	#[test]
	fn slashing_a_departed_provider_to_nothing_removes_it() {
		run_test(|| {
			register(ALICE, 2_000);
			assert_ok!(Providers::deregister(RuntimeOrigin::signed(ALICE)));
			assert_eq!(<Providers as ProviderRegistry<_, _>>::slash(&ALICE, 2_000, &BOB), Ok(2_000));
			assert!(pallet::Providers::<Test>::get(ALICE).is_none());
			assert_eq!(last_event(), Event::Removed { provider: ALICE }.into());
		});
	}
}

mod invariants {
	use super::*;
	use frame_support::traits::fungible::MutateHold;

	#[test]
	fn try_state_catches_a_bond_that_differs_from_the_hold() {
		new_test_ext().execute_with(|| {
			register(ALICE, MIN_BOND);
			assert!(Providers::do_try_state().is_ok());
			assert_ok!(Balances::hold(&RuntimeHoldReason::Providers(HoldReason::ProviderBond), &ALICE, 1));
			assert!(Providers::do_try_state().is_err());
		});
	}

	#[test]
	fn try_state_catches_an_orphaned_gpu_owner() {
		new_test_ext().execute_with(|| {
			register(ALICE, MIN_BOND);
			GpuOwner::<Test>::insert(H256::repeat_byte(5), ALICE);
			assert!(Providers::do_try_state().is_err());
		});
	}
}

mod squatting {
	use super::*;

	fn evict(gpu: H256, owner: AccountId, slash: Balance) -> sp_runtime::DispatchResult {
		Providers::evict_gpu(RuntimeOrigin::root(), gpu, owner, slash)
	}

	/// Attack: a front-runner sees a victim's `add_gpus` in the pool and lists the victim's
	/// physical GPU first, locking the victim out. Governance evicts it: the squatter loses the
	/// GPU (and its audit) and `slash` of its bond; the GPU is held for the victim, so neither
	/// the squatter nor another of its accounts can list it again first.
	#[test]
	fn governance_evicts_a_squatted_gpu_slashes_the_squatter_and_holds_the_gpu_for_its_owner() {
		run_test(|| {
			let (victim, squatter, sybil) = (ALICE, BOB, CHARLIE);
			register(victim, MIN_BOND);
			register(squatter, 2 * MIN_BOND);
			register(sybil, MIN_BOND);
			let stolen = gpu(1, "H100", 80_000);
			assert_ok!(Providers::add_gpus(RuntimeOrigin::signed(squatter), bounded(&[stolen.clone(), gpu(2, "H100", 80_000)])));
			assert_ok!(Providers::add_auditor(RuntimeOrigin::root(), AUDITOR));
			assert_ok!(Providers::audit_hardware(
				RuntimeOrigin::signed(AUDITOR),
				squatter,
				bounded(&[stolen.uuid_hash, H256::repeat_byte(2)]),
				0
			));
			assert_noop!(
				Providers::add_gpus(RuntimeOrigin::signed(victim), bounded(&[stolen.clone()])),
				Error::<Test>::GpuAlreadyRegistered
			);

			// Only governance evicts; not to the account holding it; only a listed GPU.
			assert_noop!(
				Providers::evict_gpu(RuntimeOrigin::signed(victim), stolen.uuid_hash, victim, 0),
				DispatchError::BadOrigin
			);
			assert_noop!(evict(stolen.uuid_hash, squatter, 0), Error::<Test>::EvictionToSelf);
			assert_noop!(evict(H256::repeat_byte(9), victim, 0), Error::<Test>::GpuNotFound);
			// Renting the GPU to a second account of its own does not hold the eviction off: the
			// lease holding it is closed.
			MockLeases::lease_gpu(stolen.uuid_hash);

			let beneficiary_before = Balances::free_balance(SLASHED_TO);
			assert_ok!(evict(stolen.uuid_hash, victim, 300));
			assert!(!<MockLeases as depin_primitives::Commitments<_>>::is_gpu_leased(&stolen.uuid_hash), "its lease was ended");
			assert_eq!(held(squatter), 2 * MIN_BOND - 300);
			assert_eq!(Balances::free_balance(SLASHED_TO), beneficiary_before + 300);
			assert_eq!(
				last_event(),
				Event::GpuEvicted { squatter, uuid_hash: stolen.uuid_hash, owner: victim, slashed: 300 }.into()
			);
			assert_eq!(GpuOwner::<Test>::get(stolen.uuid_hash), None);
			assert_eq!(Gpus::<Test>::get(squatter).len(), 1);
			// The audit no longer counts the evicted GPU.
			assert_eq!(
				HardwareAudits::<Test>::get(squatter, AUDITOR).unwrap().latest().unwrap().gpus.to_vec(),
				vec![H256::repeat_byte(2)]
			);

			// Neither the squatter nor its Sybil account can take it again; the owner can.
			for account in [squatter, sybil] {
				assert_noop!(
					Providers::add_gpus(RuntimeOrigin::signed(account), bounded(&[stolen.clone()])),
					Error::<Test>::GpuReserved
				);
			}
			assert_ok!(Providers::add_gpus(RuntimeOrigin::signed(victim), bounded(&[stolen.clone()])));
			assert_eq!(GpuOwner::<Test>::get(stolen.uuid_hash), Some(victim));
			assert_eq!(GpuReservedFor::<Test>::get(stolen.uuid_hash), None);
		});
	}

	/// A squatter that sees the eviction coming moves the GPU to another of its accounts: the
	/// eviction names the GPU, not the account, and takes it from whoever lists it.
	#[test]
	fn moving_a_squatted_gpu_to_another_account_does_not_escape_eviction() {
		run_test(|| {
			let (victim, squatter, sybil) = (ALICE, BOB, CHARLIE);
			for who in [victim, squatter, sybil] {
				register(who, MIN_BOND);
			}
			let stolen = gpu(1, "H100", 80_000);
			assert_ok!(Providers::add_gpus(RuntimeOrigin::signed(squatter), bounded(&[stolen.clone()])));
			assert_ok!(Providers::remove_gpus(RuntimeOrigin::signed(squatter), bounded(&[stolen.uuid_hash])));
			assert_ok!(Providers::add_gpus(RuntimeOrigin::signed(sybil), bounded(&[stolen.clone()])));
			assert_ok!(evict(stolen.uuid_hash, victim, 100));
			assert_eq!(held(sybil), MIN_BOND - 100);
			assert_eq!(
				last_event(),
				Event::GpuEvicted { squatter: sybil, uuid_hash: stolen.uuid_hash, owner: victim, slashed: 100 }.into()
			);
			assert_ok!(Providers::add_gpus(RuntimeOrigin::signed(victim), bounded(&[stolen])));
		});
	}
}

mod minimum_lease_charge {
	use super::*;

	/// The minimum is the provider's own: only a present provider sets it, zero clears it, and
	/// it goes with the record.
	#[test]
	fn only_a_present_provider_sets_its_minimum_and_it_goes_with_the_record() {
		run_test(|| {
			assert_noop!(Providers::set_min_lease_charge(RuntimeOrigin::signed(ALICE), 50), Error::<Test>::NotRegistered);
			register(ALICE, MIN_BOND);
			assert_ok!(Providers::set_min_lease_charge(RuntimeOrigin::signed(ALICE), 50));
			assert_eq!(<Providers as ProviderRegistry<_, _>>::min_lease_charge(&ALICE), 50);
			assert_eq!(last_event(), Event::MinLeaseChargeSet { provider: ALICE, per_epoch: 50 }.into());
			assert_ok!(Providers::set_min_lease_charge(RuntimeOrigin::signed(ALICE), 0));
			assert!(!MinLeaseCharge::<Test>::contains_key(ALICE));
			assert_ok!(Providers::set_min_lease_charge(RuntimeOrigin::signed(ALICE), 70));
			assert_ok!(Providers::deregister(RuntimeOrigin::signed(ALICE)));
			assert_noop!(
				Providers::set_min_lease_charge(RuntimeOrigin::signed(ALICE), 80),
				Error::<Test>::ProviderLeaving
			);
			System::set_block_number(System::block_number() + UNBONDING_PERIOD);
			assert_ok!(Providers::withdraw_unbonded(RuntimeOrigin::signed(ALICE)));
			assert!(!MinLeaseCharge::<Test>::contains_key(ALICE), "gone with the record");
		});
	}
}

/// The v1 → v2 migration of `Totals`, with its pre- and post-upgrade checks, on state a chain
/// created before the widening holds.
mod migration_v2 {
	use super::*;
	use crate::migrations::v2::{MigrateV1ToV2, ProviderTotalsV1, TotalsV1, WidenStorageTotal};
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};

	/// Two providers registered, one declaring storage; then `Totals` and the version put back
	/// to v1 as such a chain stores them.
	fn v1_chain() -> ProviderTotalsV1 {
		register(ALICE, MIN_BOND);
		register(BOB, MIN_BOND);
		assert_ok!(Providers::set_capacity(RuntimeOrigin::signed(ALICE), 5 << 40, 64));
		let now = Totals::<Test>::get();
		let v1 = ProviderTotalsV1 {
			active: now.active,
			suspended: now.suspended,
			storage_bytes: now.storage_bytes as u64,
		};
		TotalsV1::<Test>::put(v1);
		StorageVersion::new(1).put::<Providers>();
		v1
	}

	#[test]
	fn v1_totals_are_widened_and_every_record_kept() {
		run_test(|| {
			let v1 = v1_chain();
			assert_eq!(v1, ProviderTotalsV1 { active: 2, suspended: 0, storage_bytes: 5 << 40 });
			let records: Vec<_> = crate::Providers::<Test>::iter().collect();
			let raw = frame_support::storage::unhashed::get_raw(&Totals::<Test>::hashed_key()).unwrap();
			assert_eq!(raw.len(), 16, "the v1 encoding");

			let before = WidenStorageTotal::<Test>::before().expect("pre-upgrade check");
			assert_eq!(before, Some(v1));
			MigrateV1ToV2::<Test>::on_runtime_upgrade();
			WidenStorageTotal::<Test>::after(before).expect("post-upgrade check");

			assert_eq!(Providers::on_chain_storage_version(), StorageVersion::new(2));
			assert_eq!(Totals::<Test>::get(), ProviderTotals { active: 2, suspended: 0, storage_bytes: 5 << 40 });
			let raw = frame_support::storage::unhashed::get_raw(&Totals::<Test>::hashed_key()).unwrap();
			assert_eq!(raw.len(), 24, "the v2 encoding");
			assert_eq!(crate::Providers::<Test>::iter().collect::<Vec<_>>(), records);
			// The pallet's own invariants (Totals match the records among them) hold again.
		});
	}

	#[test]
	fn the_migration_runs_once() {
		run_test(|| {
			v1_chain();
			MigrateV1ToV2::<Test>::on_runtime_upgrade();
			// A second upgrade finds version 2 and leaves v2 data alone (re-decoding it as v1
			// would corrupt it).
			let totals = Totals::<Test>::get();
			MigrateV1ToV2::<Test>::on_runtime_upgrade();
			assert_eq!(Totals::<Test>::get(), totals);
			assert_eq!(Providers::on_chain_storage_version(), StorageVersion::new(2));
		});
	}

	#[test]
	fn a_chain_without_providers_migrates_to_an_empty_total() {
		run_test(|| {
			StorageVersion::new(1).put::<Providers>();
			let before = WidenStorageTotal::<Test>::before().expect("pre-upgrade check");
			assert_eq!(before, None);
			MigrateV1ToV2::<Test>::on_runtime_upgrade();
			WidenStorageTotal::<Test>::after(before).expect("post-upgrade check");
			assert_eq!(Providers::on_chain_storage_version(), StorageVersion::new(2));
		});
	}

	#[test]
	fn the_pre_upgrade_check_refuses_state_that_is_not_v1() {
		run_test(|| {
			register(ALICE, MIN_BOND);
			// Totals is in the v2 layout: the check says so instead of the migration misreading it.
			assert!(WidenStorageTotal::<Test>::before().is_err());
		});
	}
}
