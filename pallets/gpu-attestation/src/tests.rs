//! The rules of attestation, each shown refusing the attack it stops and recording nothing.

// Bare extrinsics are validated by `ValidateUnsigned` (see the pallet docs), deprecated upstream.
#![allow(deprecated)]

use depin_primitives::HardwareAttestations;
use frame_support::{assert_noop, assert_ok, pallet_prelude::*, unsigned::ValidateUnsigned};
use sp_core::H256;
use sp_runtime::{traits::BadOrigin, transaction_validity::TransactionSource, DispatchError};

use crate::{mock::*, pallet::*, types::*, verify::VerifyError};

/// Dispatches the submission; a report the chain refused after the cheap checks (an
/// `AttestationRefused` event, the attempt spent) comes back as its error.
fn attest(submission: AttestationSubmission<AccountId>, key: &sp_core::sr25519::Public) -> DispatchResult {
	let signature = sign(key, &submission);
	let earlier = System::events().len();
	GpuAttestation::submit_attestation(RuntimeOrigin::none(), submission, signature)?;
	let refusal = System::events().into_iter().skip(earlier).find_map(|record| match record.event {
		RuntimeEvent::GpuAttestation(Event::AttestationRefused { error, .. }) => Some(error),
		_ => None,
	});
	refusal.map_or(Ok(()), Err)
}

/// What the chain records of attestations and identities.
fn recorded() -> (Vec<(AccountId, H256, AttestationRecord)>, Vec<(DeviceId, DeviceClaim<AccountId>)>) {
	(Attestations::<Test>::iter().collect(), DeviceClaims::<Test>::iter().collect())
}

/// Refused with `error`, and nothing recorded (the GPU entry's attempt for the epoch is spent).
macro_rules! assert_refused {
	($call:expr, $error:expr $(,)?) => {{
		let before = recorded();
		assert_eq!($call, Err($error.into()));
		assert_eq!(recorded(), before, "nothing recorded");
	}};
}

fn attested(provider: AccountId, gpu: H256, epoch: u32) -> bool {
	<GpuAttestation as HardwareAttestations<AccountId>>::is_attested(&provider, &gpu, epoch)
}

fn device_of(chip: &crate::synthetic::SyntheticDevice) -> DeviceId {
	GpuAttestation::fingerprint(&chip.public_key())
}

#[test]
fn a_chip_answering_the_chains_nonce_is_recorded_until_it_expires() {
	run_test(|| {
		let key = provider(PROVIDER);
		run_to_epoch(1);
		assert_ok!(attest(submission(&chip(1), PROVIDER, gpu(PROVIDER, 0), None), &key));

		let record = Attestations::<Test>::get(PROVIDER, gpu(PROVIDER, 0)).expect("recorded");
		assert_eq!(record.device, device_of(&chip(1)));
		assert_eq!(record.root, GpuAttestation::fingerprint(&trusted_ca().root_public_key()));
		assert_eq!(record.driver_version.as_slice(), b"550.54.15");
		assert_eq!(record.vbios_version.as_slice(), b"96.00.74.00.1c");
		assert_eq!((record.attested, record.expires), (1, 1 + VALIDITY));
		System::assert_has_event(
			Event::<Test>::GpuAttested {
				provider: PROVIDER,
				gpu: gpu(PROVIDER, 0),
				device: record.device,
				root: record.root,
				project: record.project.clone(),
				sku: record.sku.clone(),
				driver_version: record.driver_version.clone(),
				vbios_version: record.vbios_version.clone(),
				attested: 1,
				expires: 1 + VALIDITY,
			}
			.into(),
		);
		assert!(!attested(PROVIDER, gpu(PROVIDER, 0), 0), "not before the epoch it answered");
		for covered in 1..1 + VALIDITY {
			assert!(attested(PROVIDER, gpu(PROVIDER, 0), covered));
		}
		assert!(!attested(PROVIDER, gpu(PROVIDER, 0), 1 + VALIDITY), "expired");
		assert!(!attested(PROVIDER, gpu(PROVIDER, 1), 1), "only the entry the chip attested");
	});
}

#[test]
fn the_nonce_is_unknown_before_its_epoch_and_bound_to_provider_gpu_and_epoch() {
	run_test(|| {
		provider(PROVIDER);
		provider(PROVIDER_2);
		run_to_epoch(1);
		let now = GpuAttestation::nonce(&PROVIDER, &gpu(PROVIDER, 0), 1).expect("seeded");
		assert_eq!(GpuAttestation::nonce(&PROVIDER, &gpu(PROVIDER, 0), 2), None, "the next epoch's is not issued");
		assert_eq!(GpuAttestation::nonce(&PROVIDER, &gpu(PROVIDER, 0), 0), None, "the last epoch's is withdrawn");
		assert_ne!(GpuAttestation::nonce(&PROVIDER, &gpu(PROVIDER, 1), 1), Some(now));
		assert_ne!(GpuAttestation::nonce(&PROVIDER_2, &gpu(PROVIDER, 0), 1), Some(now));
		run_to_epoch(2);
		let next = GpuAttestation::nonce(&PROVIDER, &gpu(PROVIDER, 0), 2).expect("seeded");
		assert_ne!(next, now);
	});
}

#[test]
fn a_report_answering_last_epochs_nonce_is_refused() {
	run_test(|| {
		let key = provider(PROVIDER);
		run_to_epoch(1);
		let old_nonce = GpuAttestation::nonce(&PROVIDER, &gpu(PROVIDER, 0), 1).expect("seeded");
		let replayed = submission(&chip(1), PROVIDER, gpu(PROVIDER, 0), Some(old_nonce));
		run_to_epoch(2);
		// Replayed as it was: for an epoch that is over.
		assert_noop!(attest(replayed.clone(), &key), Error::<Test>::WrongEpoch);
		// Relabelled for this epoch: the report still answers the old nonce.
		let relabelled = AttestationSubmission { epoch: 2, ..replayed };
		assert_refused!(attest(relabelled, &key), Error::<Test>::Verification(VerifyError::NonceMismatch));
		assert!(Attestations::<Test>::iter().next().is_none());
	});
}

#[test]
fn a_report_answering_another_providers_nonce_is_refused() {
	run_test(|| {
		provider(PROVIDER);
		let key_2 = provider(PROVIDER_2);
		run_to_epoch(1);
		// Provider 2 relays provider 1's GPU: the report answers provider 1's nonce.
		let theirs = GpuAttestation::nonce(&PROVIDER, &gpu(PROVIDER, 0), 1).expect("seeded");
		let relayed = submission(&chip(1), PROVIDER_2, gpu(PROVIDER_2, 0), Some(theirs));
		assert_refused!(attest(relayed, &key_2), Error::<Test>::Verification(VerifyError::NonceMismatch));
		// And another GPU entry's nonce of the same provider.
		let other_entry = GpuAttestation::nonce(&PROVIDER_2, &gpu(PROVIDER_2, 0), 1).expect("seeded");
		let misfiled = submission(&chip(1), PROVIDER_2, gpu(PROVIDER_2, 1), Some(other_entry));
		assert_refused!(attest(misfiled, &key_2), Error::<Test>::Verification(VerifyError::NonceMismatch));
	});
}

#[test]
fn a_chain_ending_in_an_unregistered_root_is_refused() {
	run_test(|| {
		let key = provider(PROVIDER);
		run_to_epoch(1);
		let stranger_chip = untrusted_ca().device([1; 32]);
		assert_refused!(
			attest(submission(&stranger_chip, PROVIDER, gpu(PROVIDER, 0), None), &key),
			Error::<Test>::Verification(VerifyError::UntrustedRoot)
		);
		// Trusted once governance adds it.
		assert_ok!(GpuAttestation::add_root(RuntimeOrigin::root(), untrusted_ca().root_certificate_der().try_into().unwrap()));
		// (The refused attempt spent entry 0's turn this epoch: entry 1.)
		assert_ok!(attest(submission(&stranger_chip, PROVIDER, gpu(PROVIDER, 1), None), &key));
	});
}

#[test]
fn retiring_a_root_ends_its_attestations() {
	run_test(|| {
		let key = provider(PROVIDER);
		run_to_epoch(1);
		assert_ok!(attest(submission(&chip(1), PROVIDER, gpu(PROVIDER, 0), None), &key));
		let root = GpuAttestation::fingerprint(&trusted_ca().root_public_key());
		assert_noop!(GpuAttestation::retire_root(RuntimeOrigin::signed(PROVIDER), root), BadOrigin);
		assert_ok!(GpuAttestation::retire_root(RuntimeOrigin::root(), root));
		System::assert_has_event(Event::<Test>::RootRetired { root }.into());
		assert!(!attested(PROVIDER, gpu(PROVIDER, 0), 1));
		assert_noop!(GpuAttestation::retire_root(RuntimeOrigin::root(), root), Error::<Test>::UnknownRoot);
		run_to_epoch(2);
		assert_refused!(
			attest(submission(&chip(1), PROVIDER, gpu(PROVIDER, 0), None), &key),
			Error::<Test>::Verification(VerifyError::UntrustedRoot)
		);
	});
}

#[test]
fn roots_are_governed_and_bounded() {
	run_test(|| {
		let certificate = |ca: crate::synthetic::SyntheticCa| -> Certificate { ca.root_certificate_der().try_into().unwrap() };
		assert_noop!(GpuAttestation::add_root(RuntimeOrigin::signed(STRANGER), certificate(untrusted_ca())), BadOrigin);
		assert_noop!(
			GpuAttestation::add_root(RuntimeOrigin::root(), certificate(trusted_ca())),
			Error::<Test>::RootExists
		);
		assert_ok!(GpuAttestation::add_root(RuntimeOrigin::root(), certificate(untrusted_ca())));
		// MaxRoots is two.
		assert_noop!(
			GpuAttestation::add_root(RuntimeOrigin::root(), certificate(crate::synthetic::SyntheticCa::from_seed([9; 32]))),
			Error::<Test>::TooManyRoots
		);
		// A device certificate is no root.
		let not_a_root: Certificate = chip(1).chain_der()[1].clone().try_into().unwrap();
		assert!(matches!(
			GpuAttestation::add_root(RuntimeOrigin::root(), not_a_root),
			Err(DispatchError::Module(_))
		));
	});
}

#[test]
fn a_revoked_identity_is_refused_and_its_attestation_ends() {
	run_test(|| {
		let key = provider(PROVIDER);
		run_to_epoch(1);
		assert_ok!(attest(submission(&chip(1), PROVIDER, gpu(PROVIDER, 0), None), &key));
		let device = device_of(&chip(1));
		assert_noop!(GpuAttestation::revoke_device(RuntimeOrigin::signed(PROVIDER), device), BadOrigin);
		assert_ok!(GpuAttestation::revoke_device(RuntimeOrigin::root(), device));
		System::assert_has_event(Event::<Test>::DeviceRevoked { device, holder: Some(PROVIDER) }.into());
		assert!(!attested(PROVIDER, gpu(PROVIDER, 0), 1));
		assert_noop!(GpuAttestation::revoke_device(RuntimeOrigin::root(), device), Error::<Test>::AlreadyRevoked);
		run_to_epoch(2);
		assert_refused!(
			attest(submission(&chip(1), PROVIDER, gpu(PROVIDER, 0), None), &key),
			Error::<Test>::DeviceRevoked
		);
	});
}

#[test]
fn the_same_chip_under_a_second_account_is_refused_whoever_came_first() {
	run_test(|| {
		let key = provider(PROVIDER);
		let key_2 = provider(PROVIDER_2);
		run_to_epoch(1);
		assert_ok!(attest(submission(&chip(1), PROVIDER_2, gpu(PROVIDER_2, 0), None), &key_2));
		assert_refused!(
			attest(submission(&chip(1), PROVIDER, gpu(PROVIDER, 0), None), &key),
			Error::<Test>::DeviceHeldByAnotherAccount
		);
		// Still so in later epochs, while the first holder keeps it attested.
		run_to_epoch(2);
		assert_refused!(
			attest(submission(&chip(1), PROVIDER, gpu(PROVIDER, 0), None), &key),
			Error::<Test>::DeviceHeldByAnotherAccount
		);
	});
}

#[test]
fn the_same_chip_under_a_second_gpu_entry_is_refused() {
	run_test(|| {
		let key = provider(PROVIDER);
		run_to_epoch(1);
		assert_ok!(attest(submission(&chip(1), PROVIDER, gpu(PROVIDER, 0), None), &key));
		run_to_epoch(2);
		assert_refused!(
			attest(submission(&chip(1), PROVIDER, gpu(PROVIDER, 1), None), &key),
			Error::<Test>::DeviceOnAnotherGpu
		);
		// Renewing it under its own entry is fine.
		assert_ok!(attest(submission(&chip(1), PROVIDER, gpu(PROVIDER, 0), None), &key));
	});
}

#[test]
fn a_chip_attests_once_per_epoch_even_after_delisting_and_relisting() {
	run_test(|| {
		let key = provider(PROVIDER);
		run_to_epoch(1);
		assert_ok!(attest(submission(&chip(1), PROVIDER, gpu(PROVIDER, 0), None), &key));
		assert_noop!(
			attest(submission(&chip(1), PROVIDER, gpu(PROVIDER, 0), None), &key),
			Error::<Test>::AlreadyAttestedThisEpoch
		);
		// Delisting the entry lets its claim lapse, but the chip still attested this epoch:
		// re-attesting it under another entry would fill blocks with one chip.
		assert_ok!(Providers::remove_gpus(RuntimeOrigin::signed(PROVIDER), pallet_providers::testing::bounded(&[gpu(PROVIDER, 0)])));
		assert_refused!(
			attest(submission(&chip(1), PROVIDER, gpu(PROVIDER, 1), None), &key),
			Error::<Test>::AlreadyAttestedThisEpoch
		);
		run_to_epoch(2);
		assert_ok!(attest(submission(&chip(1), PROVIDER, gpu(PROVIDER, 1), None), &key));
		assert!(Attestations::<Test>::get(PROVIDER, gpu(PROVIDER, 0)).is_none(), "one record per chip");
	});
}

#[test]
fn a_lapsed_claim_can_be_taken_by_the_chips_next_owner() {
	run_test(|| {
		let key = provider(PROVIDER);
		let key_2 = provider(PROVIDER_2);
		run_to_epoch(1);
		assert_ok!(attest(submission(&chip(1), PROVIDER, gpu(PROVIDER, 0), None), &key));
		// The machine is sold: the first owner delists the GPU.
		assert_ok!(Providers::remove_gpus(RuntimeOrigin::signed(PROVIDER), pallet_providers::testing::bounded(&[gpu(PROVIDER, 0)])));
		run_to_epoch(2);
		assert_ok!(attest(submission(&chip(1), PROVIDER_2, gpu(PROVIDER_2, 0), None), &key_2));
		assert_eq!(DeviceClaims::<Test>::get(device_of(&chip(1))).map(|claim| claim.owner), Some(PROVIDER_2));
		assert!(Attestations::<Test>::get(PROVIDER, gpu(PROVIDER, 0)).is_none());
	});
}

#[test]
fn an_expired_attestation_counts_no_more_and_its_claim_lapses() {
	run_test(|| {
		let key = provider(PROVIDER);
		let key_2 = provider(PROVIDER_2);
		run_to_epoch(1);
		assert_ok!(attest(submission(&chip(1), PROVIDER, gpu(PROVIDER, 0), None), &key));
		run_to_epoch(1 + VALIDITY);
		assert!(!attested(PROVIDER, gpu(PROVIDER, 0), 1 + VALIDITY));
		// A claim that lapsed with its attestation no longer blocks the chip's next owner.
		assert_ok!(attest(submission(&chip(1), PROVIDER_2, gpu(PROVIDER_2, 0), None), &key_2));
	});
}

#[test]
fn governance_moves_an_identity_to_its_rightful_owner() {
	run_test(|| {
		let key = provider(PROVIDER);
		let key_2 = provider(PROVIDER_2);
		run_to_epoch(1);
		// A squatter (provider 2) attested provider 1's chip first, e.g. through a relay while
		// it rented the machine.
		assert_ok!(attest(submission(&chip(1), PROVIDER_2, gpu(PROVIDER_2, 0), None), &key_2));
		let device = device_of(&chip(1));
		assert_noop!(GpuAttestation::reassign_device(RuntimeOrigin::signed(PROVIDER), device, PROVIDER), BadOrigin);
		assert_ok!(GpuAttestation::reassign_device(RuntimeOrigin::root(), device, PROVIDER));
		System::assert_has_event(Event::<Test>::DeviceReassigned { device, from: Some(PROVIDER_2), to: PROVIDER }.into());
		assert!(!attested(PROVIDER_2, gpu(PROVIDER_2, 0), 1), "the squatter's attestation ended");
		assert_noop!(
			GpuAttestation::reassign_device(RuntimeOrigin::root(), device, PROVIDER),
			Error::<Test>::AlreadyHeld
		);
		run_to_epoch(2);
		assert_refused!(
			attest(submission(&chip(1), PROVIDER_2, gpu(PROVIDER_2, 0), None), &key_2),
			Error::<Test>::DeviceReserved
		);
		assert_ok!(attest(submission(&chip(1), PROVIDER, gpu(PROVIDER, 0), None), &key));
		assert!(attested(PROVIDER, gpu(PROVIDER, 0), 2));
	});
}

#[test]
fn submissions_must_come_from_the_providers_key_for_its_own_listed_gpus() {
	run_test(|| {
		let key = provider(PROVIDER);
		let key_2 = provider(PROVIDER_2);
		run_to_epoch(1);
		// Signed by another provider's key.
		assert_noop!(
			attest(submission(&chip(1), PROVIDER, gpu(PROVIDER, 0), None), &key_2),
			Error::<Test>::BadSignature
		);
		// A GPU entry of another provider.
		assert_noop!(
			attest(submission(&chip(1), PROVIDER, gpu(PROVIDER_2, 0), None), &key),
			Error::<Test>::NotProvidersGpu
		);
		// An account that never registered.
		assert_noop!(
			attest(submission(&chip(1), STRANGER, gpu(PROVIDER, 0), None), &key),
			Error::<Test>::NoReportingKey
		);
		// A future epoch.
		let early = AttestationSubmission { epoch: 2, ..submission(&chip(1), PROVIDER, gpu(PROVIDER, 0), None) };
		assert_noop!(attest(early, &key), Error::<Test>::WrongEpoch);
		// Not signed at all: only bare.
		let valid = submission(&chip(1), PROVIDER, gpu(PROVIDER, 0), None);
		let signature = sign(&key, &valid);
		assert_noop!(
			GpuAttestation::submit_attestation(RuntimeOrigin::signed(PROVIDER), valid, signature),
			BadOrigin
		);
	});
}

#[test]
fn a_tampered_report_or_chain_is_refused() {
	run_test(|| {
		let key = provider(PROVIDER);
		run_to_epoch(1);
		// Each attempt on an entry of its own: a refused one spends its entry's turn.
		let mut forged_driver = submission(&chip(1), PROVIDER, gpu(PROVIDER, 0), None);
		// The driver version sits in the opaque data near the end, before the signature.
		let at = forged_driver.report.len() - 96 - 8;
		forged_driver.report[at] ^= 1;
		assert!(matches!(attest(forged_driver, &key), Err(DispatchError::Module(_))));
		let mut forged_chain = submission(&chip(2), PROVIDER, gpu(PROVIDER, 1), None);
		forged_chain.chain[1][100] ^= 1;
		assert!(matches!(attest(forged_chain, &key), Err(DispatchError::Module(_))));
		// Another chip's leaf spliced onto this chip's chain.
		let mut spliced = submission(&chip(3), PROVIDER, gpu(PROVIDER, 2), None);
		spliced.chain[0] = untrusted_ca().device([2; 32]).chain_der()[0].clone().try_into().unwrap();
		assert!(matches!(attest(spliced, &key), Err(DispatchError::Module(_))));
		assert!(Attestations::<Test>::iter().next().is_none());
		// The three attempts filled this block (junk counts against the cap too): the next.
		run_to_block(System::block_number() + 1);
		assert_ok!(attest(submission(&chip(4), PROVIDER, gpu(PROVIDER, 3), None), &key));
	});
}

#[test]
fn a_block_holds_at_most_max_attestations_per_block() {
	run_test(|| {
		let key = provider(PROVIDER);
		run_to_epoch(1);
		for n in 0..PER_BLOCK as u8 {
			assert_ok!(attest(submission(&chip(n + 1), PROVIDER, gpu(PROVIDER, n), None), &key));
		}
		let waiting = submission(&chip(9), PROVIDER, gpu(PROVIDER, 3), None);
		let call = Call::<Test>::submit_attestation { submission: waiting.clone(), signature: sign(&key, &waiting) };
		assert_eq!(
			<GpuAttestation as ValidateUnsigned>::pre_dispatch(&call),
			Err(InvalidTransaction::ExhaustsResources.into())
		);
		assert_noop!(attest(waiting.clone(), &key), Error::<Test>::BlockFull);
		// It waits in the pool and lands in the next block.
		run_to_block(System::block_number() + 1);
		assert_ok!(attest(waiting, &key));
	});
}

#[test]
fn the_pool_checks_only_the_cheap_rules_and_keeps_one_submission_per_gpu_and_epoch() {
	run_test(|| {
		let key = provider(PROVIDER);
		run_to_epoch(1);
		let valid = submission(&chip(1), PROVIDER, gpu(PROVIDER, 0), None);
		let call = Call::<Test>::submit_attestation { submission: valid.clone(), signature: sign(&key, &valid) };
		let validity = <GpuAttestation as ValidateUnsigned>::validate_unsigned(TransactionSource::External, &call)
			.expect("valid");
		assert_eq!(validity.provides, vec![("DepinGpuAttestation", (PROVIDER, gpu(PROVIDER, 0), 1u32)).encode()]);
		// It lives until the epoch's last block, when its nonce is withdrawn.
		let remaining = clock().last_block(1) as u64 - System::block_number() + 1;
		assert_eq!(validity.longevity, remaining);
		assert_ok!(attest(valid.clone(), &key));
		assert!(attested(PROVIDER, gpu(PROVIDER, 0), 1));
		// Spent for this epoch: the pool takes no more for the entry.
		assert_eq!(
			<GpuAttestation as ValidateUnsigned>::validate_unsigned(TransactionSource::External, &call),
			Err(InvalidTransaction::Custom(6).into()),
			"AlreadyAttestedThisEpoch"
		);

		// Not signed by the provider's reporting key: refused before anything else.
		let forged = AttestationSubmission { gpu: gpu(PROVIDER, 1), ..valid.clone() };
		let unsigned_junk = Call::<Test>::submit_attestation { submission: forged, signature: sign(&key, &valid) };
		assert_eq!(
			<GpuAttestation as ValidateUnsigned>::validate_unsigned(TransactionSource::External, &unsigned_junk),
			Err(InvalidTransaction::BadProof.into())
		);
	});
}

/// Junk signed by a provider's own key (here: a report for another entry's nonce) costs the
/// chain one verification per listed GPU and epoch, however often it is re-signed and resent:
/// the pool checks no certificate, and the refused attempt spends the entry's turn.
#[test]
fn junk_costs_one_verification_per_gpu_and_epoch() {
	run_test(|| {
		let key = provider(PROVIDER);
		run_to_epoch(1);
		let theirs = GpuAttestation::nonce(&PROVIDER, &gpu(PROVIDER, 0), 1).expect("seeded");
		let junk = submission(&chip(1), PROVIDER, gpu(PROVIDER, 1), Some(theirs));
		let call = Call::<Test>::submit_attestation { submission: junk.clone(), signature: sign(&key, &junk) };
		assert!(<GpuAttestation as ValidateUnsigned>::validate_unsigned(TransactionSource::External, &call).is_ok());
		assert_refused!(attest(junk.clone(), &key), Error::<Test>::Verification(VerifyError::NonceMismatch));
		System::assert_has_event(
			Event::<Test>::AttestationRefused {
				provider: PROVIDER,
				gpu: gpu(PROVIDER, 1),
				epoch: 1,
				error: Error::<Test>::Verification(VerifyError::NonceMismatch).into(),
			}
			.into(),
		);
		// Re-signed (sr25519 signatures differ each time) and resent: refused before any
		// verification, in the pool and in the block.
		let again = Call::<Test>::submit_attestation { submission: junk.clone(), signature: sign(&key, &junk) };
		assert_eq!(
			<GpuAttestation as ValidateUnsigned>::validate_unsigned(TransactionSource::External, &again),
			Err(InvalidTransaction::Custom(6).into())
		);
		assert_noop!(attest(junk, &key), Error::<Test>::AlreadyAttestedThisEpoch);
		// Its turn comes back next epoch, for an honest report.
		run_to_epoch(2);
		assert_ok!(attest(submission(&chip(1), PROVIDER, gpu(PROVIDER, 1), None), &key));
	});
}

/// A renewal by the same chip keeps the epochs before it covered: a usage report for the
/// attestation's last epoch, landing after the renewal, still finds the GPU attested.
#[test]
fn a_renewal_keeps_the_run_covered() {
	run_test(|| {
		let key = provider(PROVIDER);
		run_to_epoch(1);
		assert_ok!(attest(submission(&chip(1), PROVIDER, gpu(PROVIDER, 0), None), &key));
		run_to_epoch(VALIDITY);
		assert_ok!(attest(submission(&chip(1), PROVIDER, gpu(PROVIDER, 0), None), &key));
		for epoch in 1..2 * VALIDITY {
			assert!(attested(PROVIDER, gpu(PROVIDER, 0), epoch), "epoch {epoch}");
		}
		assert_eq!(Attestations::<Test>::get(PROVIDER, gpu(PROVIDER, 0)).map(|r| (r.since, r.attested)), Some((1, VALIDITY)));
		// After a lapse, a new run starts.
		run_to_epoch(3 * VALIDITY + 1);
		assert_ok!(attest(submission(&chip(1), PROVIDER, gpu(PROVIDER, 0), None), &key));
		assert!(!attested(PROVIDER, gpu(PROVIDER, 0), 3 * VALIDITY));
	});
}

#[test]
fn a_providers_records_go_with_its_registration() {
	run_test(|| {
		let key = provider(PROVIDER);
		run_to_epoch(1);
		assert_ok!(attest(submission(&chip(1), PROVIDER, gpu(PROVIDER, 0), None), &key));
		<GpuAttestation as depin_primitives::ProviderObserver<AccountId>>::provider_removed(&PROVIDER);
		assert!(Attestations::<Test>::iter_prefix(PROVIDER).next().is_none());
		// Its claim lapsed with the record: the chip's next owner may attest it.
		let key_2 = provider(PROVIDER_2);
		run_to_epoch(2);
		assert_ok!(attest(submission(&chip(1), PROVIDER_2, gpu(PROVIDER_2, 0), None), &key_2));
	});
}

#[test]
fn the_worker_reads_the_sources_hex_lines() {
	let chip = chip(1);
	let report = chip.report(&[3; 32], b"550.54.15", b"96.00.74.00.1c");
	let mut body = crate::worker::hex(&report);
	for certificate in chip.chain_der() {
		body.push('\n');
		body.push_str(&crate::worker::hex(&certificate));
	}
	let (parsed_report, chain) = crate::worker::parse_source_body(body.as_bytes()).expect("parses");
	assert_eq!(parsed_report.into_inner(), report);
	assert_eq!(chain.len(), 5);
	assert!(crate::worker::parse_source_body(b"zz").is_err());
	assert!(crate::worker::parse_source_body(b"").is_err());
	let six = format!("{body}\n{}", crate::worker::hex(&chip.chain_der()[0]));
	assert!(crate::worker::parse_source_body(six.as_bytes()).is_err());
}
