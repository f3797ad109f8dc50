//! The validator path through the real runtime: a council motion admits a validator who
//! registered keys with an ownership proof, session rotates it in, and a GRANDPA double vote is
//! proven with historical's key-ownership proof, slashed to the treasury and rotated out.
//! Blocks here are played by session's hook alone (no Aura digests); the e2e test
//! (scripts/e2e/tests/governance.test.mjs) runs the same on real nodes.

use codec::Encode;
use frame_support::{
	assert_noop, assert_ok,
	dispatch::GetDispatchInfo,
	traits::{fungible::Inspect, Hooks, KeyOwnerProofSystem},
};
use finality_grandpa::{Message, Prevote};
use sp_consensus_grandpa::{Equivocation, EquivocationProof};
use sp_core::{crypto::Pair as _, ed25519, H256};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};
use sp_keystore::{testing::MemoryKeystore, KeystoreExt};
use sp_runtime::{
	traits::{Dispatchable, Hash as _},
	Perbill,
};

use crate::{
	configs::{treasury_account, MinValidatorBond, CouncilCollective},
	genesis_config_presets::tests::build_preset,
	AccountId, Balances, Council, Grandpa, Historical, Runtime, RuntimeCall, RuntimeEvent, RuntimeOrigin, Session,
	SessionKeys, System, ValidatorManager,
};

fn account(keyring: Sr25519Keyring) -> AccountId {
	keyring.to_account_id()
}

/// Plays blocks up to the first block of session `index` (session rotates in `on_initialize`).
fn run_to_session(index: u32) {
	while Session::current_index() < index {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Session::on_initialize(next);
		Grandpa::on_finalize(next);
	}
}

/// A council motion: Alice proposes, Alice and Bob vote aye (two of three; a proposal starts
/// with no votes, the proposer's included), Charlie closes it at once.
fn council_motion(call: RuntimeCall) {
	let length = call.encoded_size() as u32;
	let weight = call.get_dispatch_info().call_weight;
	let hash = <Runtime as frame_system::Config>::Hashing::hash_of(&call);
	let index = pallet_collective::ProposalCount::<Runtime, CouncilCollective>::get();
	assert_ok!(Council::propose(RuntimeOrigin::signed(account(Sr25519Keyring::Alice)), 2, Box::new(call), length));
	for member in [Sr25519Keyring::Alice, Sr25519Keyring::Bob] {
		assert_ok!(Council::vote(RuntimeOrigin::signed(account(member)), hash, index, true));
	}
	assert_ok!(Council::close(RuntimeOrigin::signed(account(Sr25519Keyring::Charlie)), hash, index, weight, length));
	assert!(System::events().iter().any(|r| matches!(
		r.event,
		RuntimeEvent::Council(pallet_collective::Event::Executed { result: Ok(()), .. })
	)));
}


fn local_chain() -> sp_io::TestExternalities {
	let mut ext = build_preset(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET);
	ext.register_extension(KeystoreExt::new(MemoryKeystore::new()));
	ext.execute_with(|| System::set_block_number(1));
	ext
}

#[test]
fn a_council_motion_admits_a_bonded_validator_with_proven_keys_two_sessions_later() {
	local_chain().execute_with(|| {
		let eve = account(Sr25519Keyring::Eve);
		// `author_rotateKeysWithOwner`: fresh keys and the proof that Eve holds them.
		let generated = SessionKeys::generate(&eve.encode(), None);
		// Keys without a proof, or proven for another account, are refused.
		assert_noop!(
			Session::set_keys(RuntimeOrigin::signed(eve.clone()), generated.keys.clone(), vec![]),
			pallet_session::Error::<Runtime>::InvalidProof
		);
		let ferdie = account(Sr25519Keyring::Ferdie);
		assert_noop!(
			Session::set_keys(RuntimeOrigin::signed(ferdie), generated.keys.clone(), generated.proof.encode()),
			pallet_session::Error::<Runtime>::InvalidProof
		);
		assert_ok!(Session::set_keys(RuntimeOrigin::signed(eve.clone()), generated.keys.clone(), generated.proof.encode()));
		assert_ok!(ValidatorManager::bond(RuntimeOrigin::signed(eve.clone()), MinValidatorBond::get()));

		// No single member, no signed account: only the council's two thirds.
		let add = RuntimeCall::ValidatorManager(pallet_validator_manager::Call::add_validator { who: eve.clone() });
		assert!(add.clone().dispatch(RuntimeOrigin::signed(account(Sr25519Keyring::Alice))).is_err());
		council_motion(add);
		assert!(pallet_validator_manager::Validators::<Runtime>::get().contains(&eve));

		let aura_key = generated.keys.aura.clone();
		run_to_session(1);
		assert!(!Session::validators().contains(&eve), "queued at the first rotation");
		run_to_session(2);
		assert!(Session::validators().contains(&eve), "active at the second");
		assert!(pallet_aura::Authorities::<Runtime>::get().contains(&aura_key));
		assert_eq!(pallet_aura::Authorities::<Runtime>::get().len(), 5);
		// GRANDPA moved to a new set of five (delay 0: enacted at the rotation block's finalization).
		assert_eq!(Grandpa::grandpa_authorities().len(), 5);
		assert_eq!(Grandpa::current_set_id(), 1);
	});
}

/// Two prevotes signed by `signer` as `voter` in the same round for different blocks: a GRANDPA
/// equivocation (a real one when the signer is the voter).
fn double_prevote(signer: Ed25519Keyring, voter: Ed25519Keyring, set_id: u64, round: u64) -> EquivocationProof<H256, u32> {
	let pair = ed25519::Pair::from_string(&format!("//{signer}"), None).expect("dev seed");
	let signed = |target: u8| {
		let prevote = Prevote { target_hash: H256::repeat_byte(target), target_number: 1 };
		let payload = sp_consensus_grandpa::localized_payload(round, set_id, &Message::Prevote(prevote.clone()));
		(prevote, pair.sign(&payload).into())
	};
	EquivocationProof::new(
		set_id,
		Equivocation::Prevote(finality_grandpa::Equivocation {
			round_number: round,
			identity: voter.public().into(),
			first: signed(1),
			second: signed(2),
		}),
	)
}

#[test]
fn a_grandpa_double_vote_is_slashed_to_the_treasury_and_the_voter_rotated_out() {
	local_chain().execute_with(|| {
		run_to_session(1);
		let dave = account(Sr25519Keyring::Dave);
		let alice = account(Sr25519Keyring::Alice);
		let issuance = Balances::total_issuance();
		let treasury = Balances::balance(&treasury_account());
		let bond = ValidatorManager::bond_of(&dave);

		let proof = double_prevote(Ed25519Keyring::Dave, Ed25519Keyring::Dave, Grandpa::current_set_id(), 7);
		let dave_key: sp_consensus_grandpa::AuthorityId = Ed25519Keyring::Dave.public().into();
		let ownership = Historical::prove((sp_consensus_grandpa::KEY_TYPE, dave_key)).expect("Dave validates");
		assert_ok!(Grandpa::report_equivocation(
			RuntimeOrigin::signed(alice.clone()),
			Box::new(proof.clone()),
			ownership.clone()
		));

		// One offender of four: (3·1/4)² = 56.25% of the bond, moved to the treasury.
		let slashed = Perbill::from_rational(5_625u32, 10_000u32).mul_floor(bond);
		assert_eq!(ValidatorManager::bond_of(&dave), bond - slashed);
		assert_eq!(Balances::balance(&treasury_account()), treasury + slashed);
		assert_eq!(Balances::total_issuance(), issuance, "moved, not burned");
		assert!(!pallet_validator_manager::Validators::<Runtime>::get().contains(&dave));
		assert!(System::events().iter().any(|r| matches!(
			&r.event,
			RuntimeEvent::Offences(pallet_offences::Event::Offence { kind, .. }) if kind == b"grandpa:equivoca"
		)));

		// The same evidence again is a duplicate; a forged one (Dave's key, Charlie's signature)
		// does not verify.
		assert!(Grandpa::report_equivocation(RuntimeOrigin::signed(alice.clone()), Box::new(proof), ownership.clone())
			.is_err());
		let forged = double_prevote(Ed25519Keyring::Charlie, Ed25519Keyring::Dave, Grandpa::current_set_id(), 8);
		assert!(Grandpa::report_equivocation(RuntimeOrigin::signed(alice), Box::new(forged), ownership).is_err());
		assert_eq!(ValidatorManager::bond_of(&dave), bond - slashed);

		run_to_session(3);
		assert!(!Session::validators().contains(&dave));
		assert_eq!(Session::validators().len(), 3);
		pallet_validator_manager::Pallet::<Runtime>::do_try_state().expect("validator manager invariants");
		crate::Economics::do_try_state().expect("issuance = genesis + minted - burned");
	});
}

#[test]
fn the_council_spends_collected_fees_from_the_treasury_and_nobody_else_can() {
	local_chain().execute_with(|| {
		let ferdie = account(Sr25519Keyring::Ferdie);
		// Fees collected so far, say: the treasury's account holds them.
		assert_ok!(Balances::transfer_allow_death(
			RuntimeOrigin::signed(account(Sr25519Keyring::Dave)),
			treasury_account().into(),
			500 * crate::currency::DPN
		));
		let pot = Balances::balance(&treasury_account());
		let issuance = Balances::total_issuance();
		let amount = 200 * crate::currency::DPN;
		let spend = RuntimeCall::Treasury(pallet_treasury::Call::spend {
			asset_kind: Box::new(()),
			amount,
			beneficiary: Box::new(ferdie.clone()),
			valid_from: None,
		});
		// A signed account cannot spend, not even a council member alone.
		assert!(spend.clone().dispatch(RuntimeOrigin::signed(account(Sr25519Keyring::Alice))).is_err());
		council_motion(spend);
		let before = Balances::balance(&ferdie);
		assert_ok!(crate::Treasury::payout(RuntimeOrigin::signed(ferdie.clone()), 0));
		assert_eq!(Balances::balance(&ferdie), before + amount);
		assert_eq!(Balances::balance(&treasury_account()), pot - amount);
		assert_eq!(Balances::total_issuance(), issuance, "a spend moves fees, it mints nothing");
		crate::Economics::do_try_state().expect("issuance = genesis + minted - burned");
	});
}

#[test]
fn one_member_alone_cannot_carry_a_motion() {
	local_chain().execute_with(|| {
		let alice = account(Sr25519Keyring::Alice);
		let call = RuntimeCall::ValidatorManager(pallet_validator_manager::Call::remove_validator {
			who: account(Sr25519Keyring::Dave),
		});
		let length = call.encoded_size() as u32;
		let weight = call.get_dispatch_info().call_weight;
		let hash = <Runtime as frame_system::Config>::Hashing::hash_of(&call);
		// A threshold of one would execute at once with a single member's origin: refused by the
		// validator manager's origin (two thirds), so the set is unchanged.
		assert_ok!(Council::propose(RuntimeOrigin::signed(alice.clone()), 1, Box::new(call.clone()), length));
		assert!(System::events().iter().any(|r| matches!(
			r.event,
			RuntimeEvent::Council(pallet_collective::Event::Executed { result: Err(_), .. })
		)));
		assert_eq!(pallet_validator_manager::Validators::<Runtime>::get().len(), 4);
		// With threshold two and one aye, the motion cannot be closed early; a non-member cannot vote.
		let index = pallet_collective::ProposalCount::<Runtime, CouncilCollective>::get();
		assert_ok!(Council::propose(RuntimeOrigin::signed(alice.clone()), 2, Box::new(call), length));
		assert_ok!(Council::vote(RuntimeOrigin::signed(alice.clone()), hash, index, true));
		assert_noop!(
			Council::vote(RuntimeOrigin::signed(account(Sr25519Keyring::Dave)), hash, index, true),
			pallet_collective::Error::<Runtime, CouncilCollective>::NotMember
		);
		assert_noop!(
			Council::close(RuntimeOrigin::signed(alice), hash, index, weight, length),
			pallet_collective::Error::<Runtime, CouncilCollective>::TooEarly
		);
		assert_eq!(pallet_validator_manager::Validators::<Runtime>::get().len(), 4);
	});
}
