//! Behaviour of attestation: reports (accepted and every rejection), settlement, missed
//! reports, disputes and the off-chain worker. Every test ends with all pallets' invariants and
//! the check that no funds appeared or vanished.

use codec::Decode;
use frame_support::{
	assert_noop, assert_ok,
	pallet_prelude::{InvalidTransaction, TransactionSource, TransactionValidity, TransactionValidityError},
	traits::{
		fungible::{Inspect, InspectHold},
		UnfilteredDispatchable,
	},
};
use depin_primitives::{EpochClock, LeaseId, ProviderRegistry, ProviderStatus};
use frame_support::traits::Get;
use pallet_leases::ResourceRequest;
use pallet_providers::testing::bounded;
use sp_core::{
	offchain::{testing, OffchainDbExt, OffchainWorkerExt, StorageKind, TransactionPoolExt},
	sr25519, H256,
};
#[allow(deprecated)]
use sp_runtime::{traits::ValidateUnsigned, DispatchError};

use crate::{mock::*, pallet::*, prometheus, types::*, worker, WeightInfo, KEY_TYPE};

fn go_to(block: u64) {
	System::set_block_number(block);
	// The worker and the anchor check read block hashes; give each block a distinct one.
	frame_system::BlockHash::<Test>::insert(block, block_hash(block));
	frame_system::BlockHash::<Test>::insert(block - 1, block_hash(block - 1));
}

fn block_hash(block: u64) -> H256 {
	H256::repeat_byte(block as u8 ^ 0x5a)
}

fn epoch_start(epoch: u32) -> u64 {
	u64::from(clock().first_block(epoch))
}

fn grace() -> u64 {
	u64::from(clock().grace())
}

fn epoch_length() -> u32 {
	clock().length()
}

fn rent_h100(consumer: AccountId) -> LeaseId {
	let id = pallet_leases::NextLeaseId::<Test>::get();
	let request = ResourceRequest { gpus: 1, gpu_model: Some(bounded(b"H100")), ..Default::default() };
	assert_ok!(Leases::rent(RuntimeOrigin::signed(consumer), PROVIDER, request, 2_000));
	id
}

fn gpu_usage(gpu: H256, seen: u32) -> GpuUsage {
	GpuUsage { uuid_hash: gpu, seen_blocks: seen, util_percent: 90, mem_used_mib: 1_000, mem_total_mib: 81_559, energy_mj: 5 }
}

/// A report of `epoch` for PROVIDER, anchored at the current block, both GPUs seen throughout.
fn report(epoch: u32, leases: &[(LeaseId, u32)]) -> UsageReport<Test> {
	let now = System::block_number();
	UsageReport {
		provider: PROVIDER,
		epoch,
		anchor_number: now - 1,
		anchor_hash: block_hash(now - 1),
		leases: bounded(
			&leases
				.iter()
				.map(|(lease, uptime)| LeaseUsageReport { lease: *lease, uptime_blocks: *uptime, gpu_util_percent: 90, ..Default::default() })
				.collect::<alloc::vec::Vec<_>>(),
		),
		devices: DeviceSummary {
			sampled_blocks: epoch_length(),
			answered_blocks: epoch_length(),
			gpus: bounded(&[gpu_usage(gpu_id(PROVIDER, 0), epoch_length()), gpu_usage(gpu_id(PROVIDER, 1), epoch_length())]),
			storage_seen_blocks: epoch_length(),
			storage_total_gib: 1_024,
			storage_used_gib: 10,
		},
	}
}

fn sign(key: &sr25519::Public, report: &UsageReport<Test>) -> sr25519::Signature {
	sp_io::crypto::sr25519_sign(KEY_TYPE, key, &report.signing_payload()).expect("key in keystore")
}

fn call(report: UsageReport<Test>, signature: sr25519::Signature) -> Call<Test> {
	Call::submit_report { report, signature }
}

/// Pool validity of a report (the bare extrinsic's `validate_unsigned`).
#[allow(deprecated)]
fn pool_validity(call: &Call<Test>) -> TransactionValidity {
	<Attestation as ValidateUnsigned>::validate_unsigned(TransactionSource::External, call)
}

fn validate(report: &UsageReport<Test>, signature: sr25519::Signature) -> Result<(), TransactionValidityError> {
	pool_validity(&call(report.clone(), signature)).map(|_| ())
}

/// Dispatch of a bare `submit_report` (no origin), which repeats the state checks as a guard.
fn submit(report: UsageReport<Test>, signature: sr25519::Signature) -> Result<(), DispatchError> {
	let call = call(report, signature);
	call.dispatch_bypass_filter(frame_system::RawOrigin::None.into()).map(|_| ()).map_err(|e| e.error)
}

/// How many reports (`reports`) or misses of `who` are on record.
fn recorded(who: AccountId, reports: bool) -> u32 {
	let liveness = ProviderLiveness::<Test>::get(who);
	liveness.recorded.iter().filter(|(_, outcome)| matches!(outcome, EpochOutcome::Reported(_)) == reports).count() as u32
}

/// The weight a report is charged up front: what its pool priority is per unit of.
fn declared_weight(report: &UsageReport<Test>) -> frame_support::weights::Weight {
	Attestation::declared_submit_report_weight(report.leases.len() as u32, report.devices.gpus.len() as u32)
}

fn last_event() -> RuntimeEvent {
	System::events().pop().expect("an event").event
}

fn has_event(event: Event<Test>) -> bool {
	let event: RuntimeEvent = event.into();
	System::events().iter().any(|r| r.event == event)
}

mod reports {
	use super::*;

	/// A node may claim any disk size; attested storage capacity counts no more than the
	/// provider declared (and declarations are bounded by the registry).
	#[test]
	fn attested_storage_capacity_is_bounded_by_the_declared_capacity() {
		run_test(|| {
			provider(PROVIDER);
			let mut claim = report(0, &[]);
			claim.devices.storage_total_gib = 1 << 40;
			let (usage, _) = Attestation::device_usage(&claim);
			// PROVIDER declared 1 TiB.
			assert_eq!(usage.storage_capacity_gib_blocks, 1_024 * u64::from(epoch_length()));
			claim.devices.storage_total_gib = 512;
			assert_eq!(Attestation::device_usage(&claim).0.storage_capacity_gib_blocks, 512 * u64::from(epoch_length()));
		});
	}

	/// Fake hardware earns no capacity emission: only what a bonded auditor vouched for before
	/// the epoch began counts as audited capacity, each GPU once per block, storage within the
	/// audit.
	#[test]
	fn only_audited_devices_count_as_audited_capacity() {
		run_test(|| {
			provider(PROVIDER);
			let claim = report(1, &[]);
			let (usage, _) = Attestation::device_usage(&claim);
			assert_eq!((usage.audited_gpu_blocks, usage.audited_storage_gib_blocks), (0, 0));
			assert_eq!(usage.gpu_capacity_blocks, 2 * u64::from(epoch_length()));

			assert_ok!(Providers::add_auditor(RuntimeOrigin::root(), AUDITOR));
			assert_ok!(Providers::audit_hardware(RuntimeOrigin::signed(AUDITOR), PROVIDER, bounded(&[gpu_id(PROVIDER, 0)]), 512));
			// Audited in block 1: not for epoch 0, which began before; for epoch 1.
			assert_eq!(Attestation::device_usage(&report(0, &[])).0.audited_gpu_blocks, 0);
			let (usage, _) = Attestation::device_usage(&claim);
			let blocks = u64::from(epoch_length());
			assert_eq!((usage.audited_gpu_blocks, usage.audited_storage_gib_blocks), (blocks, 512 * blocks));
		});
	}

	/// A GPU whose own attestation was in force during the epoch counts as verified capacity
	/// beside audited hardware, for the epochs it covers only; a self-reported one does not.
	#[test]
	fn attested_gpus_count_as_verified_capacity_for_the_epochs_they_cover() {
		run_test(|| {
			provider(PROVIDER);
			crate::mock::MockHardware::attest(PROVIDER, gpu_id(PROVIDER, 1), 1, 3);
			let blocks = u64::from(epoch_length());
			assert_eq!(Attestation::device_usage(&report(0, &[])).0.audited_gpu_blocks, 0, "before it attested");
			assert_eq!(Attestation::device_usage(&report(1, &[])).0.audited_gpu_blocks, blocks, "one of the two GPUs");
			go_to(epoch_start(4) + 1);
			assert_eq!(Attestation::device_usage(&report(3, &[])).0.audited_gpu_blocks, 0, "expired");
		});
	}

	/// One audited GPU passed between Sybil accounts within an epoch's report window is counted
	/// for one of them only: it leaves the first account's audit when delisted, and the second
	/// account's new audit counts only for epochs that begin after it.
	#[test]
	fn a_gpu_passed_between_accounts_is_counted_once() {
		run_test(|| {
			provider(PROVIDER);
			provider(PROVIDER_2);
			let gpu = gpu_id(PROVIDER, 0);
			assert_ok!(Providers::add_auditor(RuntimeOrigin::root(), AUDITOR));
			assert_ok!(Providers::audit_hardware(RuntimeOrigin::signed(AUDITOR), PROVIDER, bounded(&[gpu]), 0));
			go_to(epoch_start(2) + 1);
			let first = report(1, &[]);
			assert_eq!(Attestation::device_usage(&first).0.audited_gpu_blocks, u64::from(epoch_length()));

			// The GPU moves to PROVIDER_2, which has it audited at once, and reports epoch 1 too.
			assert_ok!(Providers::remove_gpus(RuntimeOrigin::signed(PROVIDER), bounded(&[gpu])));
			let spec = pallet_providers::GpuSpec { uuid_hash: gpu, model: bounded(b"H100"), vram_mib: 81_559 };
			assert_ok!(Providers::add_gpus(RuntimeOrigin::signed(PROVIDER_2), bounded(&[spec.clone()])));
			assert_ok!(Providers::audit_hardware(RuntimeOrigin::signed(AUDITOR), PROVIDER_2, bounded(&[gpu]), 0));
			let mut second = report(1, &[]);
			second.provider = PROVIDER_2;
			assert_eq!(Attestation::device_usage(&second).0.audited_gpu_blocks, 0, "audited after epoch 1 began");
			assert_eq!(Attestation::device_usage(&first).0.audited_gpu_blocks, 0, "gone from the first audit");

			// Back to PROVIDER: its old audit does not revive.
			assert_ok!(Providers::remove_gpus(RuntimeOrigin::signed(PROVIDER_2), bounded(&[gpu])));
			assert_ok!(Providers::add_gpus(RuntimeOrigin::signed(PROVIDER), bounded(&[spec])));
			assert_eq!(Attestation::device_usage(&first).0.audited_gpu_blocks, 0);
		});
	}

	#[test]
	fn an_accepted_report_pays_price_times_attested_blocks_minus_take() {
		run_test(|| {
			let key = provider(PROVIDER);
			let lease = rent_h100(CONSUMER);
			let provider_before = Balances::total_balance(&PROVIDER);
			go_to(epoch_start(1) + 1);
			// Opened at block 1: 9 blocks ran in epoch 0; 7 attested.
			let report = report(0, &[(lease, 7)]);
			let signature = sign(&key, &report);
			assert_ok!(validate(&report, signature));
			assert_ok!(submit(report, signature));

			let charged = H100_PRICE * 7 / 600;
			let take = charged * 5 / 100;
			// Booked while the consumer may still contest it, then the provider's to claim.
			assert_eq!(Balances::total_balance(&PROVIDER), provider_before);
			assert_eq!(pallet_leases::Leases::<Test>::get(lease).unwrap().booked(), charged);
			go_to(epoch_start(2) + 1);
			assert_eq!(pallet_leases::Pallet::<Test>::claimable(&PROVIDER).share, charged - take);
			assert_ok!(Leases::claim_earnings(RuntimeOrigin::signed(PROVIDER), PROVIDER));
			assert_eq!(Balances::total_balance(&PROVIDER), provider_before + charged - take);
			assert!(has_event(Event::ReportAccepted {
				provider: PROVIDER,
				epoch: 0,
				leases: 1,
				gpus: 2,
				attested_blocks: 7,
				charged,
			}));
			assert_eq!(ProviderLiveness::<Test>::get(PROVIDER).report(0), Some(&ReportRecord { leases: 1, charged }));
			let liveness = ProviderLiveness::<Test>::get(PROVIDER);
			assert_eq!((liveness.last_reported, liveness.reports), (Some(0), 1));
		});
	}

	#[test]
	fn attested_blocks_are_capped_by_the_blocks_the_lease_ran() {
		run_test(|| {
			let key = provider(PROVIDER);
			let lease = rent_h100(CONSUMER);
			go_to(epoch_start(1) + 1);
			// The GPUs were seen all 10 blocks, but the lease ran 9.
			let report = report(0, &[(lease, 10)]);
			assert_ok!(submit(report.clone(), sign(&key, &report)));
			assert_eq!(pallet_leases::Leases::<Test>::get(lease).unwrap().deposited - pallet_leases::Leases::<Test>::get(lease).unwrap().escrow, H100_PRICE * 9 / 600);
		});
	}

	#[test]
	fn a_lease_the_report_leaves_out_is_not_charged_for_the_epoch() {
		run_test(|| {
			let key = provider(PROVIDER);
			let covered = rent_h100(CONSUMER);
			let left_out = rent_h100(CONSUMER_2);
			go_to(epoch_start(1) + 1);
			let report = report(0, &[(covered, 9)]);
			assert_ok!(submit(report.clone(), sign(&key, &report)));
			let lease = pallet_leases::Leases::<Test>::get(left_out).unwrap();
			assert_eq!(lease.escrow, lease.deposited);
			assert_eq!(Balances::balance_on_hold(&RuntimeHoldReason::Leases(pallet_leases::HoldReason::LeaseEscrow), &CONSUMER_2), 2_000);
		});
	}

	/// Reports come as bare extrinsics; a signed one is refused. A bare one reaches dispatch
	/// only through `pre_dispatch`, which verifies the signature (the runtime's
	/// `report_extrinsics` tests apply forged ones through the executive).
	#[test]
	#[allow(deprecated)]
	fn a_report_is_bare_and_its_signature_is_checked_before_dispatch() {
		run_test(|| {
			let key = provider(PROVIDER);
			let lease = rent_h100(CONSUMER);
			go_to(epoch_start(1) + 1);
			let report = report(0, &[(lease, 9)]);
			let signature = sign(&key, &report);
			assert_noop!(
				Attestation::submit_report(RuntimeOrigin::signed(PROVIDER), report.clone(), signature),
				DispatchError::BadOrigin
			);
			let forged = sign(&provider(PROVIDER_2), &report);
			assert_eq!(
				<Attestation as ValidateUnsigned>::pre_dispatch(&call(report.clone(), forged)),
				Err(TransactionValidityError::Invalid(InvalidTransaction::BadProof))
			);
			assert_ok!(<Attestation as ValidateUnsigned>::pre_dispatch(&call(report, signature)));
		});
	}

	/// Asserts `report` is refused both by the pool (`invalid`) and by dispatch (`error`), and
	/// changes nothing.
	fn refused(report: UsageReport<Test>, signature: sr25519::Signature, invalid: InvalidTransaction, error: Error<Test>) {
		assert_eq!(validate(&report, signature), Err(TransactionValidityError::Invalid(invalid)));
		assert_noop!(submit(report, signature), error);
	}

	fn custom(error: Error<Test>) -> InvalidTransaction {
		InvalidTransaction::Custom(codec::Encode::encode(&error)[0])
	}

	#[test]
	fn epochs_not_yet_ended_or_past_their_window_are_refused() {
		run_test(|| {
			let key = provider(PROVIDER);
			go_to(epoch_start(1) + 1);
			let future = report(1, &[]);
			refused(future.clone(), sign(&key, &future), InvalidTransaction::Future, Error::FutureEpoch);
			// The window of epoch 0 closes the grace after it ends.
			go_to(epoch_start(1) + grace());
			let stale = report(0, &[]);
			refused(stale.clone(), sign(&key, &stale), InvalidTransaction::Stale, Error::StaleEpoch);
		});
	}

	#[test]
	fn a_replayed_report_is_refused() {
		run_test(|| {
			let key = provider(PROVIDER);
			let lease = rent_h100(CONSUMER);
			go_to(epoch_start(1) + 1);
			let report = report(0, &[(lease, 9)]);
			let signature = sign(&key, &report);
			assert_ok!(submit(report.clone(), signature));
			refused(report, signature, InvalidTransaction::Stale, Error::AlreadyReported);
		});
	}

	#[test]
	fn bad_signatures_and_unknown_keys_are_refused() {
		run_test(|| {
			let key = provider(PROVIDER);
			go_to(epoch_start(1) + 1);
			let report = report(0, &[]);
			// Signed by another key.
			let stranger_key = sp_io::crypto::sr25519_generate(KEY_TYPE, None);
			// The signature is checked by `validate_unsigned`/`pre_dispatch` only, which pools and
			// blocks run before dispatch (a bare extrinsic reaches dispatch only through them).
			let bad_proof = Err(TransactionValidityError::Invalid(InvalidTransaction::BadProof));
			assert_eq!(validate(&report, sign(&stranger_key, &report)), bad_proof);
			// A signature of a different report.
			let mut other = report.clone();
			other.devices.storage_used_gib = 11;
			assert_eq!(validate(&report, sign(&key, &other)), bad_proof);
			// A provider without a reporting key, or not a provider at all.
			let mut unknown = report.clone();
			unknown.provider = STRANGER;
			refused(unknown.clone(), sign(&key, &unknown), InvalidTransaction::BadSigner, Error::UnknownReportingKey);
		});
	}

	#[test]
	fn anchors_must_be_recent_blocks_of_this_chain_after_the_epoch() {
		run_test(|| {
			let key = provider(PROVIDER);
			let lease = rent_h100(CONSUMER);
			let report = |epoch| report(epoch, &[(lease, 9)]);
			go_to(epoch_start(1) + 2);
			let mut wrong_hash = report(0);
			wrong_hash.anchor_hash = H256::repeat_byte(1);
			refused(wrong_hash.clone(), sign(&key, &wrong_hash), custom(Error::BadAnchor), Error::BadAnchor);
			// Made before the epoch's last block.
			let mut early = report(0);
			early.anchor_number = epoch_start(1) - 2;
			frame_system::BlockHash::<Test>::insert(early.anchor_number, block_hash(early.anchor_number));
			early.anchor_hash = block_hash(early.anchor_number);
			refused(early.clone(), sign(&key, &early), custom(Error::BadAnchor), Error::BadAnchor);
			// The epoch's last block itself is fine.
			let mut last = report(0);
			last.anchor_number = epoch_start(1) - 1;
			frame_system::BlockHash::<Test>::insert(last.anchor_number, block_hash(last.anchor_number));
			last.anchor_hash = block_hash(last.anchor_number);
			assert_ok!(validate(&last, sign(&key, &last)));
		});
	}

	#[test]
	fn only_the_providers_own_gpus_may_appear_once_each() {
		run_test(|| {
			let key = provider(PROVIDER);
			provider(PROVIDER_2);
			go_to(epoch_start(1) + 1);
			let mut foreign = report(0, &[]);
			foreign.devices.gpus[1] = gpu_usage(gpu_id(PROVIDER_2, 0), epoch_length());
			refused(foreign.clone(), sign(&key, &foreign), custom(Error::ForeignGpu), Error::ForeignGpu);
			let mut unregistered = report(0, &[]);
			unregistered.devices.gpus[1] = gpu_usage(H256::repeat_byte(3), epoch_length());
			refused(unregistered.clone(), sign(&key, &unregistered), custom(Error::ForeignGpu), Error::ForeignGpu);
			let mut twice = report(0, &[]);
			twice.devices.gpus[1] = twice.devices.gpus[0].clone();
			refused(twice.clone(), sign(&key, &twice), custom(Error::DuplicateGpu), Error::DuplicateGpu);
		});
	}

	#[test]
	fn leases_must_be_the_providers_chargeable_ones_once_each() {
		run_test(|| {
			let key = provider(PROVIDER);
			provider(PROVIDER_2);
			let lease = rent_h100(CONSUMER);
			let request = ResourceRequest { gpus: 1, ..Default::default() };
			let other = pallet_leases::NextLeaseId::<Test>::get();
			assert_ok!(Leases::rent(RuntimeOrigin::signed(CONSUMER_2), PROVIDER_2, request, 2_000));
			go_to(epoch_start(1) + 1);
			let twice = report(0, &[(lease, 5), (lease, 5)]);
			refused(twice.clone(), sign(&key, &twice), custom(Error::DuplicateLease), Error::DuplicateLease);
			let foreign = report(0, &[(other, 5)]);
			refused(foreign.clone(), sign(&key, &foreign), custom(Error::LeaseNotChargeable), Error::LeaseNotChargeable);
			let unknown = report(0, &[(77, 5)]);
			refused(unknown.clone(), sign(&key, &unknown), custom(Error::LeaseNotChargeable), Error::LeaseNotChargeable);
		});
	}

	#[test]
	fn values_out_of_range_or_uptime_not_shown_are_refused() {
		run_test(|| {
			let key = provider(PROVIDER);
			let lease = rent_h100(CONSUMER);
			go_to(epoch_start(1) + 1);
			let out_of_range = |f: &dyn Fn(&mut UsageReport<Test>)| {
				let mut report = report(0, &[(lease, 5)]);
				f(&mut report);
				refused(report.clone(), sign(&key, &report), custom(Error::ValueOutOfRange), Error::ValueOutOfRange);
			};
			out_of_range(&|r| r.devices.gpus[0].util_percent = 101);
			out_of_range(&|r| r.devices.gpus[0].mem_used_mib = 90_000);
			out_of_range(&|r| r.devices.sampled_blocks = epoch_length() + 1);
			out_of_range(&|r| r.devices.answered_blocks = epoch_length() + 1);
			out_of_range(&|r| r.devices.gpus[0].seen_blocks = epoch_length() + 1);
			out_of_range(&|r| r.devices.storage_used_gib = 2_000);
			out_of_range(&|r| r.leases[0].gpu_util_percent = 101);
			out_of_range(&|r| r.leases[0].storage_used_gib = 1);

			// The lease has GPU 0; claiming more uptime than GPU 0 was seen is refused.
			let mut report = report(0, &[(lease, 8)]);
			report.devices.gpus[0].seen_blocks = 7;
			refused(report.clone(), sign(&key, &report), custom(Error::UptimeNotShown), Error::UptimeNotShown);
			report.devices.gpus.remove(0);
			refused(report.clone(), sign(&key, &report), custom(Error::UptimeNotShown), Error::UptimeNotShown);
		});
	}

	/// Attack: Sybil providers with no lease, or with leases at zero uptime, send free reports
	/// that fill every window ahead of an honest one. A report that would charge nothing and
	/// attests no audited hardware is refused — in the pool and in the block: it would earn
	/// nothing, only take block space from reports that settle something. (Its epoch, if a
	/// lease ran, is a miss: none of the leases got any service.)
	#[test]
	fn a_report_that_settles_nothing_is_refused() {
		run_test(|| {
			let key = provider(PROVIDER);
			go_to(epoch_start(1) + 1);
			let empty = report(0, &[]);
			refused(empty.clone(), sign(&key, &empty), custom(Error::NothingToSettle), Error::NothingToSettle);

			let lease = rent_h100(CONSUMER);
			go_to(epoch_start(2) + 1);
			let idle = report(1, &[(lease, 0)]);
			refused(idle.clone(), sign(&key, &idle), custom(Error::NothingToSettle), Error::NothingToSettle);
			assert_eq!(ProviderLiveness::<Test>::get(PROVIDER).reports, 0, "nothing recorded");

			// A report that attests audited hardware earns capacity emission: it is accepted
			// with nothing to charge (and ranks below every report that charges something).
			assert_ok!(Providers::add_auditor(RuntimeOrigin::root(), AUDITOR));
			assert_ok!(Providers::audit_hardware(RuntimeOrigin::signed(AUDITOR), PROVIDER, bounded(&[gpu_id(PROVIDER, 1)]), 0));
			// The audit counts from the next epoch on: epoch 3.
			go_to(epoch_start(4) + 1);
			let audited = report(3, &[(lease, 0)]);
			let validity = pool_validity(&call(audited.clone(), sign(&key, &audited))).unwrap();
			assert_eq!(validity.priority, Attestation::report_priority(0, declared_weight(&audited), false));
			assert_ok!(submit(audited.clone(), sign(&key, &audited)));
		});
	}

	/// Reports reach blocks in order of pool priority, and a report's priority is the fees it
	/// settles per unit of the block weight it takes: an honest report that pays for real
	/// service lands ahead of any number of reports that pay for less in the room they take,
	/// whenever they arrived. Outranking it means settling more, and paying the take on that,
	/// with every report — and a heavy report of many near-idle leases ranks by its value per
	/// weight, not by its total.
	#[test]
	fn a_reports_priority_is_what_it_settles_per_unit_of_weight() {
		run_test(|| {
			let key = provider(PROVIDER);
			let (small, big) = (rent_h100(CONSUMER), rent_h100(CONSUMER_2));
			go_to(epoch_start(1) + 1);
			let priority = |leases: &[(LeaseId, u32)]| {
				let report = report(0, leases);
				pool_validity(&call(report.clone(), sign(&key, &report))).unwrap().priority
			};
			let expected = |leases: &[(LeaseId, u32)], value: u128| {
				Attestation::report_priority(value, declared_weight(&report(0, leases)), false)
			};
			assert_eq!(priority(&[(small, 1)]), expected(&[(small, 1)], H100_PRICE / 600));
			assert_eq!(priority(&[(small, 9), (big, 9)]), expected(&[(small, 9), (big, 9)], 2 * 90));
			assert!(priority(&[(small, 9), (big, 9)]) > priority(&[(small, 9), (big, 1)]));
			// Two leases at 9 blocks settle twice one lease's 9 blocks, in less than twice the
			// weight: more per unit of weight.
			assert!(priority(&[(small, 9), (big, 9)]) > priority(&[(small, 9)]));
			// A heavier report of the same total value ranks lower.
			assert!(priority(&[(small, 9)]) > priority(&[(small, 8), (big, 1)]));
			// The value part is capped, so a huge charge never reaches the late band.
			let base = <<Test as Config>::ReportPriority as frame_support::traits::Get<u64>>::get();
			let light = frame_support::weights::Weight::from_parts(1, 0);
			assert_eq!(Attestation::report_priority(u128::MAX, light, false), base + u64::MAX / 8);
		});
	}

	/// A provider deregisters, or delists a GPU of a lease that closed, in an epoch the closed
	/// lease still covers: the GPU is no longer registered to it, but it served the lease for
	/// that epoch. The report may list it for that lease, and the service is paid.
	#[test]
	fn service_given_on_a_gpu_delisted_since_is_reported_and_paid() {
		run_test(|| {
			let key = provider(PROVIDER);
			let lease = rent_h100(CONSUMER);
			let gpu = pallet_leases::Leases::<Test>::get(lease).unwrap().gpus[0];
			go_to(6);
			assert_ok!(Leases::close_lease(RuntimeOrigin::signed(CONSUMER), lease));
			assert_ok!(Providers::remove_gpus(RuntimeOrigin::signed(PROVIDER), bounded(&[gpu])));
			assert!(Providers::gpu_owner(&gpu).is_none());
			go_to(epoch_start(1) + 1);
			// Blocks 1..6 ran: 5 blocks of service on the delisted GPU.
			let report = report(0, &[(lease, 5)]);
			assert!(report.devices.gpus.iter().any(|g| g.uuid_hash == gpu));
			assert_ok!(validate(&report, sign(&key, &report)));
			assert_ok!(submit(report.clone(), sign(&key, &report)));
			assert!(has_event(Event::ReportAccepted {
				provider: PROVIDER,
				epoch: 0,
				leases: 1,
				gpus: 2,
				attested_blocks: 5,
				charged: 50
			}));
		});
	}

	/// The exception is only for GPUs of the leases a report covers: any other GPU not
	/// registered to the provider is still foreign.
	#[test]
	fn a_delisted_gpu_of_no_covered_lease_is_foreign() {
		run_test(|| {
			let key = provider(PROVIDER);
			let (leased, other) = (rent_h100(CONSUMER), rent_h100(CONSUMER_2));
			let gpu = pallet_leases::Leases::<Test>::get(leased).unwrap().gpus[0];
			go_to(6);
			assert_ok!(Leases::close_lease(RuntimeOrigin::signed(CONSUMER), leased));
			assert_ok!(Providers::remove_gpus(RuntimeOrigin::signed(PROVIDER), bounded(&[gpu])));
			go_to(epoch_start(1) + 1);
			// Listing the delisted GPU in a report that does not cover its lease.
			let report = report(0, &[(other, 9)]);
			assert!(report.devices.gpus.iter().any(|g| g.uuid_hash == gpu));
			refused(report.clone(), sign(&key, &report), custom(Error::ForeignGpu), Error::ForeignGpu);
		});
	}

	/// The same when the provider deregistered: all its GPUs are delisted at once, its reporting
	/// key stays until its record goes, and the last epoch of its closed lease is paid.
	#[test]
	fn a_provider_that_deregistered_is_paid_for_its_last_epoch() {
		run_test(|| {
			let key = provider(PROVIDER);
			let lease = rent_h100(CONSUMER);
			go_to(6);
			assert_ok!(Leases::close_lease(RuntimeOrigin::signed(PROVIDER), lease));
			assert_ok!(Providers::deregister(RuntimeOrigin::signed(PROVIDER)));
			go_to(epoch_start(1) + 1);
			// Its node lists the GPU of the lease (the other one, of no lease, it may not).
			let mut report = report(0, &[(lease, 5)]);
			report.devices.gpus.remove(1);
			assert_ok!(submit(report.clone(), sign(&key, &report)));
			assert!(has_event(Event::ReportAccepted {
				provider: PROVIDER,
				epoch: 0,
				leases: 1,
				gpus: 1,
				attested_blocks: 5,
				charged: 50
			}));
		});
	}

	#[test]
	fn pool_validity_is_deduplicated_by_provider_and_epoch_and_lives_until_the_window_closes() {
		run_test(|| {
			let key = provider(PROVIDER);
			let lease = rent_h100(CONSUMER);
			go_to(epoch_start(1) + 1);
			let report = report(0, &[(lease, 9)]);
			let validity = pool_validity(&call(report.clone(), sign(&key, &report))).unwrap();
			// Valid for as long as the window could last: its grace and the most it can grow.
			let extension = u64::from(<<Test as Config>::MaxWindowExtension as frame_support::traits::Get<u32>>::get());
			assert_eq!(validity.longevity, epoch_start(1) + grace() + extension - (epoch_start(1) + 1));
			let mut other = report.clone();
			other.devices.storage_used_gib = 9;
			let other_validity = pool_validity(&call(other.clone(), sign(&key, &other))).unwrap();
			assert_eq!(validity.provides, other_validity.provides);
		});
	}

}

mod misses {
	use super::*;

	/// PROVIDER with lease 0 running; epochs before `epoch` reported.
	fn missing_from(epoch: u32) -> sr25519::Public {
		let key = provider(PROVIDER);
		let lease = rent_h100(CONSUMER);
		for e in 0..epoch {
			go_to(epoch_start(e + 1) + 1);
			let report = report(e, &[(lease, 9)]);
			assert_ok!(submit(report.clone(), sign(&key, &report)));
		}
		key
	}

	fn bond() -> Balance {
		Balances::balance_on_hold(&RuntimeHoldReason::Providers(pallet_providers::HoldReason::ProviderBond), &PROVIDER)
	}

	#[test]
	fn a_missed_report_slashes_the_bond_and_pays_the_caller_a_bounty() {
		run_test(|| {
			missing_from(0);
			go_to(epoch_start(1) + grace());
			let (stranger, treasury) = (Balances::balance(&STRANGER), Balances::balance(&TREASURY));
			assert_ok!(Attestation::report_missed(RuntimeOrigin::signed(STRANGER), PROVIDER, 0));
			let bounty = MISS_SLASH / 5;
			assert_eq!(Balances::balance(&STRANGER), stranger + bounty);
			assert_eq!(Balances::balance(&TREASURY), treasury + MISS_SLASH - bounty);
			assert_eq!(bond(), BOND - MISS_SLASH);
			assert_eq!(
				last_event(),
				Event::ReportMissed { provider: PROVIDER, epoch: 0, reporter: STRANGER, slashed: MISS_SLASH, bounty }.into()
			);
			assert!(ProviderLiveness::<Test>::get(PROVIDER).has_missed(0));
			assert_noop!(
				Attestation::report_missed(RuntimeOrigin::signed(STRANGER), PROVIDER, 0),
				Error::<Test>::MissAlreadyRecorded
			);
		});
	}

	#[test]
	fn a_miss_needs_a_closed_window_no_report_a_lease_and_a_recent_epoch() {
		run_test(|| {
			let key = provider(PROVIDER);
			go_to(epoch_start(1) + 1);
			let miss = |epoch| Attestation::report_missed(RuntimeOrigin::signed(STRANGER), PROVIDER, epoch);
			assert_noop!(miss(0), Error::<Test>::ReportWindowOpen);
			go_to(epoch_start(1) + grace());
			// No lease ran in epoch 0: nothing was owed.
			assert_noop!(miss(0), Error::<Test>::NoReportOwed);
			let lease = rent_h100(CONSUMER);
			go_to(epoch_start(2) + 1);
			let report = report(1, &[(lease, 10)]);
			assert_ok!(submit(report.clone(), sign(&key, &report)));
			go_to(epoch_start(2) + grace());
			assert_noop!(miss(1), Error::<Test>::AlreadyReported);
			go_to(epoch_start(3 + LOOKBACK) + grace());
			assert_noop!(miss(2), Error::<Test>::MissTooOld);
			assert_ok!(miss(3));
			assert_noop!(
				Attestation::report_missed(RuntimeOrigin::signed(STRANGER), STRANGER, 3),
				Error::<Test>::NotRegistered
			);
			// A provider cannot collect the bounty on itself.
			assert_noop!(
				Attestation::report_missed(RuntimeOrigin::signed(PROVIDER), PROVIDER, 4),
				pallet_providers::Error::<Test>::InvalidBeneficiary
			);
		});
	}

	#[test]
	fn repeated_misses_suspend_until_the_next_report() {
		run_test(|| {
			let key = missing_from(0);
			for epoch in 0..MAX_MISSED {
				go_to(epoch_start(epoch + 1) + grace());
				assert_ok!(Attestation::report_missed(RuntimeOrigin::signed(STRANGER), PROVIDER, epoch));
				let suspended = epoch + 1 == MAX_MISSED;
				assert_eq!(Providers::status(&PROVIDER) == Some(ProviderStatus::Suspended), suspended);
			}
			assert!(has_event(Event::SuspendedForMisses { provider: PROVIDER, missed_in_a_row: MAX_MISSED }));
			let request = ResourceRequest { gpus: 1, ..Default::default() };
			assert_noop!(
				Leases::rent(RuntimeOrigin::signed(CONSUMER_2), PROVIDER, request, 2_000),
				pallet_leases::Error::<Test>::ProviderNotActive
			);

			go_to(epoch_start(MAX_MISSED + 1) + 1);
			let report = report(MAX_MISSED, &[(0, 10)]);
			assert_ok!(submit(report.clone(), sign(&key, &report)));
			assert_eq!(Providers::status(&PROVIDER), Some(ProviderStatus::Active));
			assert!(has_event(Event::ReinstatedByReport { provider: PROVIDER }));
			let liveness = ProviderLiveness::<Test>::get(PROVIDER);
			assert_eq!((liveness.missed_in_a_row, liveness.misses, liveness.suspended_for_misses), (0, MAX_MISSED, false));
		});
	}

	#[test]
	fn misses_reported_late_do_not_count_as_in_a_row() {
		run_test(|| {
			let key = missing_from(0);
			// Epochs 0..3 are missed, then the provider reports epoch 3.
			go_to(epoch_start(4) + 1);
			let report = report(3, &[(0, 10)]);
			assert_ok!(submit(report.clone(), sign(&key, &report)));
			go_to(epoch_start(4) + grace());
			for epoch in 0..MAX_MISSED {
				assert_ok!(Attestation::report_missed(RuntimeOrigin::signed(STRANGER), PROVIDER, epoch));
			}
			let liveness = ProviderLiveness::<Test>::get(PROVIDER);
			assert_eq!((liveness.misses, liveness.missed_in_a_row), (MAX_MISSED, 0));
			assert_eq!(Providers::status(&PROVIDER), Some(ProviderStatus::Active));
		});
	}

	/// Attack on state: a provider's liveness, reports and misses stayed in storage for ever, and
	/// a suspension's count carried over to a new registration of the account. Once the record
	/// goes, so does all of it; a re-registered account starts with a clean history.
	#[test]
	fn a_departed_providers_history_goes_with_its_record() {
		run_test(|| {
			missing_from(1);
			go_to(epoch_start(MAX_MISSED + 1) + grace());
			for epoch in 1..MAX_MISSED {
				assert_ok!(Attestation::report_missed(RuntimeOrigin::signed(STRANGER), PROVIDER, epoch));
			}
			assert_eq!(ProviderLiveness::<Test>::get(PROVIDER).missed_in_a_row, MAX_MISSED - 1);
			assert!(recorded(PROVIDER, true) > 0 && recorded(PROVIDER, false) > 0);

			// The consumer leaves; once nothing is retained, the provider deregisters and withdraws.
			assert_ok!(Leases::close_lease(RuntimeOrigin::signed(CONSUMER), 0));
			go_to(System::block_number() + 2 * u64::from(EPOCH));
			let _ = Leases::release_retained(RuntimeOrigin::signed(CONSUMER), 0);
			assert_ok!(Providers::deregister(RuntimeOrigin::signed(PROVIDER)));
			go_to(System::block_number() + 100);
			assert_ok!(Providers::withdraw_unbonded(RuntimeOrigin::signed(PROVIDER)));
			assert!(pallet_providers::Providers::<Test>::get(PROVIDER).is_none());
			assert!(!ProviderLiveness::<Test>::contains_key(PROVIDER));

			// Registered again, one miss is one miss, not the last straw of the old registration.
			provider(PROVIDER);
			rent_h100(CONSUMER);
			let epoch = Attestation::clock().epoch_of(System::block_number() as u32);
			go_to(epoch_start(epoch + 2) + grace());
			assert_ok!(Attestation::report_missed(RuntimeOrigin::signed(STRANGER), PROVIDER, epoch + 1));
			assert_eq!(ProviderLiveness::<Test>::get(PROVIDER).missed_in_a_row, 1);
			assert_eq!(Providers::status(&PROVIDER), Some(ProviderStatus::Active));
		});
	}

	#[test]
	fn misses_and_reports_are_pruned_after_the_lookback() {
		run_test(|| {
			// Reports of epochs 0..=LOOKBACK+1, the last made in epoch LOOKBACK+2: only the
			// epochs a miss could still be reported for are kept.
			missing_from(LOOKBACK + 2);
			let liveness = ProviderLiveness::<Test>::get(PROVIDER);
			assert!(!liveness.has_reported(1));
			assert!(liveness.has_reported(2));
			assert_eq!(recorded(PROVIDER, true), LOOKBACK);
			// After a gap all of them are too old: the next record drops them all, in memory (they
			// live in the liveness record the miss writes anyway).
			go_to(epoch_start(3 * LOOKBACK) + grace());
			assert_ok!(Attestation::report_missed(RuntimeOrigin::signed(STRANGER), PROVIDER, 3 * LOOKBACK - 1));
			assert_eq!((recorded(PROVIDER, true), recorded(PROVIDER, false)), (0, 1));
			assert!(ProviderLiveness::<Test>::get(PROVIDER).has_missed(3 * LOOKBACK - 1));
		});
	}
}

mod congestion {
	use super::*;
	use frame_support::{dispatch::DispatchClass, traits::Hooks, weights::Weight};

	/// Ends block `n`, full to the brim (no room for any report) or empty, as the chain would.
	fn finish_block(n: u64, full: bool) {
		go_to(n);
		frame_system::BlockWeight::<Test>::kill();
		if full {
			System::register_extra_weight_unchecked(Weight::MAX, DispatchClass::Normal);
		}
		Attestation::on_finalize(n);
		frame_system::BlockWeight::<Test>::kill();
	}

	fn max_extension() -> u32 {
		<<Test as Config>::MaxWindowExtension as frame_support::traits::Get<u32>>::get()
	}

	/// Attack: other providers' reports fill every block of the window the honest report needs;
	/// it expires, and the attacker reports the honest provider missed. Each full block makes
	/// the window a block longer: the honest report, in the pool since the window opened, lands
	/// in the first block with room.
	#[test]
	fn full_blocks_lengthen_the_window_so_a_crowded_out_report_still_lands() {
		run_test(|| {
			let key = provider(PROVIDER);
			let lease = rent_h100(CONSUMER);
			let opens = epoch_start(1);
			let closes = opens + grace();
			// Every block from the window's opening is full, for as long as the cap allows.
			let extension = u64::from(max_extension());
			for n in opens..opens + extension {
				finish_block(n, true);
			}
			assert_eq!(FullWindowBlocks::<Test>::get(0), max_extension());
			assert!(has_event(Event::WindowBlockFull { epoch: 0, full_blocks: max_extension() }));
			assert_eq!(Attestation::clock().report_window_closes(0) as u64, closes + extension);
			// Past the unextended close, the report is still accepted: the window grew.
			go_to(closes + extension - 1);
			let report = report(0, &[(lease, 9)]);
			assert_ok!(submit(report.clone(), sign(&key, &report)));
			assert!(ProviderLiveness::<Test>::get(PROVIDER).has_reported(0));
		});
	}

	/// Fills every block of epoch `epoch`'s window, extension and all; returns the block after.
	fn fill_window(epoch: u32) -> u64 {
		let mut n = epoch_start(epoch + 1);
		while Attestation::clock().window_not_closed(epoch, n as u32) {
			finish_block(n, true);
			n += 1;
		}
		assert_eq!(n, epoch_start(epoch + 1) + grace() + u64::from(max_extension()));
		n
	}

	/// Attack: Sybil reports or paid filler keep every block of a window full, so the honest
	/// report cannot land, its epoch is neither paid nor slashed, and its consumer (maybe the
	/// attacker) gets the service free. A window that closed congested is settled late: the
	/// report still lands, and is paid in full, until the next epoch's window closes.
	#[test]
	fn a_report_crowded_out_of_its_window_is_settled_late() {
		run_test(|| {
			let key = provider(PROVIDER);
			let lease = rent_h100(CONSUMER);
			let after = fill_window(0);
			assert!(!Attestation::clock().window_not_closed(0, after as u32));
			// Nobody may call it missed while it may still be settled.
			go_to(after);
			assert_noop!(
				Attestation::report_missed(RuntimeOrigin::signed(STRANGER), PROVIDER, 0),
				Error::<Test>::ReportWindowOpen
			);
			let late_closes = Attestation::clock().settlement_closes(0);
			assert_eq!(u64::from(late_closes), epoch_start(2) + grace());
			go_to(u64::from(late_closes) - 1);
			let report = report(0, &[(lease, 9)]);
			let signature = sign(&key, &report);
			// Ranked above any report that is not late.
			let priority = pool_validity(&call(report.clone(), signature)).unwrap().priority;
			assert_eq!(priority, Attestation::report_priority(90, declared_weight(&report), true));
			let light = frame_support::weights::Weight::from_parts(1, 0);
			assert!(priority > Attestation::report_priority(u128::MAX, light, false));
			assert_ok!(submit(report, signature));
			let lease = pallet_leases::Leases::<Test>::get(lease).unwrap();
			assert_eq!((lease.settled_epoch, lease.paid), (Some(0), 90 - 90 / 20));
		});
	}

	/// A late window that closes without the report makes the epoch a miss like any other,
	/// unless that window was full too: then the chain had no room twice, and nobody is slashed.
	#[test]
	fn a_miss_is_excused_only_if_the_late_window_was_full_too() {
		run_test(|| {
			provider(PROVIDER);
			rent_h100(CONSUMER);
			fill_window(0);
			// Epoch 1's window (epoch 0's late window) has room.
			for n in epoch_start(2)..epoch_start(2) + grace() {
				finish_block(n, false);
			}
			go_to(epoch_start(2) + grace());
			let bond = || {
				Balances::balance_on_hold(&RuntimeHoldReason::Providers(pallet_providers::HoldReason::ProviderBond), &PROVIDER)
			};
			let before = bond();
			assert_ok!(Attestation::report_missed(RuntimeOrigin::signed(STRANGER), PROVIDER, 0));
			assert_eq!(bond(), before - MISS_SLASH);

			// Epochs 2 and 3: both windows full. Epoch 2 is excused.
			fill_window(2);
			fill_window(3);
			go_to(epoch_start(4) + grace() + u64::from(max_extension()));
			assert_noop!(
				Attestation::report_missed(RuntimeOrigin::signed(STRANGER), PROVIDER, 2),
				Error::<Test>::WindowCongested
			);
		});
	}

	/// A closed lease keeps the escrow its congested epoch may still be charged, through the
	/// late window: closing it does not dodge the late report.
	#[test]
	fn a_closed_lease_retains_escrow_for_a_late_epoch() {
		run_test(|| {
			let key = provider(PROVIDER);
			let lease = rent_h100(CONSUMER);
			let after = fill_window(0);
			go_to(after);
			assert_ok!(Leases::close_lease(RuntimeOrigin::signed(CONSUMER), lease));
			assert_noop!(
				Leases::release_retained(RuntimeOrigin::signed(STRANGER), lease),
				pallet_leases::Error::<Test>::GraceNotOver
			);
			let report = report(0, &[(lease, 9)]);
			assert_ok!(submit(report.clone(), sign(&key, &report)));
			assert_eq!(pallet_leases::Leases::<Test>::get(lease).unwrap().settled_epoch, Some(0));
		});
	}

	#[test]
	fn congestion_records_last_only_as_long_as_a_miss_can_ask_about_them() {
		run_test(|| {
			finish_block(epoch_start(1), true);
			assert_eq!(FullWindowBlocks::<Test>::get(0), 1);
			let gone_at = epoch_start(LOOKBACK + 2);
			go_to(gone_at - 1);
			Attestation::on_initialize(gone_at - 1);
			assert_eq!(FullWindowBlocks::<Test>::get(0), 1);
			go_to(gone_at);
			Attestation::on_initialize(gone_at);
			assert!(!FullWindowBlocks::<Test>::contains_key(0));
		});
	}
}

mod disputes {
	use super::*;

	fn bond_of(who: AccountId) -> Balance {
		Balances::balance_on_hold(&RuntimeHoldReason::Providers(pallet_providers::HoldReason::ProviderBond), &who)
	}

	fn deposit_held(who: AccountId) -> Balance {
		Balances::balance_on_hold(&RuntimeHoldReason::Attestation(HoldReason::DisputeDeposit), &who)
	}

	/// A disputed epoch 0 of CONSUMER's lease, reported with 9 blocks: its charge held.
	fn disputed_and_reported() -> LeaseId {
		let key = provider(PROVIDER);
		let lease = rent_h100(CONSUMER);
		go_to(5);
		assert_ok!(Attestation::dispute(RuntimeOrigin::signed(CONSUMER), lease, 0));
		assert_eq!(deposit_held(CONSUMER), DISPUTE_DEPOSIT);
		go_to(epoch_start(1) + 1);
		let report = report(0, &[(lease, 9)]);
		assert_ok!(submit(report.clone(), sign(&key, &report)));
		assert!(has_event(Event::DisputedChargeHeld { lease, epoch: 0, amount: 90 }));
		assert_eq!(Disputes::<Test>::get(lease, 0).unwrap().held, Some(90));
		lease
	}

	/// A report either charges something (and may hold disputes) or charges nothing (and has its
	/// capacity checked twice): it is charged up front for the dearer path, not for both at once.
	#[test]
	fn a_report_is_charged_up_front_for_its_dearer_path_not_both() {
		run_test(|| {
			let max_audits = <Providers as ProviderRegistry<_, _>>::max_audits();
			for (leases, gpus) in [(0, 0), (1, 1), (4, 8), (16, 2)] {
				let charging = Attestation::report_weight(
					leases,
					gpus,
					&ReportWork { disputed: leases, audits_read: max_audits, reinstated: true, capacity_only: false },
				);
				let capacity_only = Attestation::report_weight(
					leases,
					gpus,
					&ReportWork { disputed: 0, audits_read: max_audits, reinstated: true, capacity_only: true },
				);
				let both = Attestation::report_weight(
					leases,
					gpus,
					&ReportWork { disputed: leases, audits_read: max_audits, reinstated: true, capacity_only: true },
				);
				let declared = Attestation::declared_submit_report_weight(leases, gpus);
				assert_eq!(declared, charging.max(capacity_only));
				assert!(declared.all_gte(charging) && declared.all_gte(capacity_only));
				// Both paths' extras are worth something, so summing them would over-charge.
				if leases > 0 {
					assert!(both.ref_time() > declared.ref_time(), "{leases} leases, {gpus} GPUs");
				}
			}
		});
	}

	/// A report is charged up front for the dearest work it could meet — every lease disputed,
	/// the most audit records to read, a suspension to lift — and refunded to what it met: here
	/// one dispute, one audit record, no suspension.
	#[test]
	fn a_report_is_charged_for_the_work_it_meets_not_the_most_it_could() {
		run_test(|| {
			use frame_support::dispatch::GetDispatchInfo;
			let key = provider(PROVIDER);
			assert_ok!(Providers::add_auditor(RuntimeOrigin::root(), AUDITOR));
			assert_ok!(Providers::audit_hardware(RuntimeOrigin::signed(AUDITOR), PROVIDER, bounded(&[gpu_id(PROVIDER, 0)]), 0));
			let (calm, disputed) = (rent_h100(CONSUMER), rent_h100(CONSUMER));
			go_to(5);
			assert_ok!(Attestation::dispute(RuntimeOrigin::signed(CONSUMER), disputed, 0));
			go_to(epoch_start(1) + 1);
			let report = report(0, &[(calm, 9), (disputed, 9)]);
			let gpus = report.devices.gpus.len() as u32;
			let call = call(report.clone(), sign(&key, &report));
			let weights = |disputed, audits_read, reinstated| {
				Attestation::report_weight(2, gpus, &ReportWork { disputed, audits_read, reinstated, capacity_only: false })
			};
			let max_audits = <Providers as ProviderRegistry<_, _>>::max_audits();
			let worst = Attestation::declared_submit_report_weight(2, gpus);
			assert_eq!(call.get_dispatch_info().call_weight, worst);
			let post = call.dispatch_bypass_filter(frame_system::RawOrigin::None.into()).unwrap();
			assert_eq!(post.actual_weight, Some(weights(1, 1, false)));
			assert!(worst.all_gte(weights(1, 1, false)) && worst != weights(1, 1, false));
			// Each part it did not meet is worth refunding.
			let met = weights(1, 1, false).ref_time();
			assert!(weights(2, 1, false).ref_time() > met && weights(1, max_audits, false).ref_time() > met);
			assert!(weights(1, 1, true).ref_time() > met);
		});
	}

	/// A report that charges nothing is valid for the audited capacity it attests, which
	/// `pre_dispatch` finds as well as dispatch: it pays for finding it twice (and dispatch
	/// reuses what its own checks found rather than reading the audits a third time).
	#[test]
	fn a_report_of_audited_capacity_alone_pays_for_checking_it_twice() {
		run_test(|| {
			let key = provider(PROVIDER);
			assert_ok!(Providers::add_auditor(RuntimeOrigin::root(), AUDITOR));
			assert_ok!(Providers::audit_hardware(RuntimeOrigin::signed(AUDITOR), PROVIDER, bounded(&[gpu_id(PROVIDER, 0)]), 0));
			go_to(epoch_start(2) + 1);
			let report = report(1, &[]);
			let gpus = report.devices.gpus.len() as u32;
			let post = call(report.clone(), sign(&key, &report))
				.dispatch_bypass_filter(frame_system::RawOrigin::None.into())
				.unwrap();
			let work = |capacity_only| ReportWork { disputed: 0, audits_read: 1, reinstated: false, capacity_only };
			assert_eq!(post.actual_weight, Some(Attestation::report_weight(0, gpus, &work(true))));
			assert!(Attestation::report_weight(0, gpus, &work(true)).ref_time() > Attestation::report_weight(0, gpus, &work(false)).ref_time());
		});
	}

	/// The suspension a report lifts is paid for; a provider with no audit pays for reading none.
	#[test]
	fn a_report_that_lifts_a_suspension_pays_for_it() {
		run_test(|| {
			let key = provider(PROVIDER);
			let lease = rent_h100(CONSUMER);
			go_to(epoch_start(1) + 1);
			assert_ok!(<Providers as ProviderRegistry<_, _>>::suspend(&PROVIDER));
			ProviderLiveness::<Test>::mutate(PROVIDER, |l| l.suspended_for_misses = true);
			let report = report(0, &[(lease, 9)]);
			let gpus = report.devices.gpus.len() as u32;
			let post = call(report.clone(), sign(&key, &report))
				.dispatch_bypass_filter(frame_system::RawOrigin::None.into())
				.unwrap();
			assert!(has_event(Event::ReinstatedByReport { provider: PROVIDER }));
			let work = |reinstated| ReportWork { disputed: 0, audits_read: 0, reinstated, capacity_only: false };
			assert_eq!(post.actual_weight, Some(Attestation::report_weight(1, gpus, &work(true))));
			let lift = <Test as Config>::WeightInfo::lift_suspension();
			assert_eq!(Attestation::report_weight(1, gpus, &work(true)), Attestation::report_weight(1, gpus, &work(false)) + lift);
		});
	}

	#[test]
	fn a_dispute_holds_the_charge_until_it_is_decided_for_the_provider() {
		run_test(|| {
			let lease = disputed_and_reported();
			let provider_before = Balances::balance(&PROVIDER);
			let treasury_before = Balances::balance(&TREASURY);

			assert_ok!(Attestation::resolve_dispute(RuntimeOrigin::root(), lease, 0, Verdict::Provider));
			// 90 charged: 86 to the provider, 4 take plus the slashed deposit to the treasury.
			assert_eq!(Balances::balance(&PROVIDER), provider_before + 86);
			assert_eq!(Balances::balance(&TREASURY), treasury_before + 4 + DISPUTE_DEPOSIT);
			assert_eq!(deposit_held(CONSUMER), 0);
			assert_eq!(
				last_event(),
				Event::DisputeResolved { lease, epoch: 0, verdict: Verdict::Provider, held: 90, penalty: DISPUTE_DEPOSIT }
					.into()
			);
			assert!(Disputes::<Test>::get(lease, 0).is_none());
		});
	}

	#[test]
	fn a_dispute_decided_for_the_consumer_refunds_it_and_slashes_the_provider() {
		run_test(|| {
			let lease = disputed_and_reported();
			let consumer_before = Balances::balance(&CONSUMER);
			assert_ok!(Attestation::resolve_dispute(RuntimeOrigin::root(), lease, 0, Verdict::Consumer));
			// The charge and the deposit come back, and the provider's bond pays as much again.
			assert_eq!(Balances::balance(&CONSUMER), consumer_before + 90 + 2 * DISPUTE_DEPOSIT);
			assert!(has_event(Event::DisputeResolved {
				lease,
				epoch: 0,
				verdict: Verdict::Consumer,
				held: 90,
				penalty: DISPUTE_DEPOSIT
			}));
			let lease = pallet_leases::Leases::<Test>::get(lease).unwrap();
			assert_eq!((lease.paid, lease.refunded, lease.disputed), (0, 90, 0));
		});
	}

	/// Attack: a rogue auditor attests a victim provider on its own, rents from it with a second
	/// account, disputes the epochs and rules for itself, emptying the victim's bond. Only
	/// governance decides disputes: neither party, nor an auditor — not even one that attested
	/// the provider — can.
	#[test]
	fn no_party_and_no_lone_auditor_can_decide_a_dispute() {
		run_test(|| {
			let lease = disputed_and_reported();
			let bond_before = Balances::balance_on_hold(
				&RuntimeHoldReason::Providers(pallet_providers::HoldReason::ProviderBond),
				&PROVIDER,
			);
			assert_ok!(Providers::add_auditor(RuntimeOrigin::root(), AUDITOR));
			assert_ok!(Providers::set_attributes(
				RuntimeOrigin::signed(AUDITOR),
				PROVIDER,
				bounded(&[(bounded(b"tier"), bounded(b"3"))])
			));
			for judge in [STRANGER, CONSUMER, PROVIDER, AUDITOR] {
				assert_noop!(
					Attestation::resolve_dispute(RuntimeOrigin::signed(judge), lease, 0, Verdict::Consumer),
					DispatchError::BadOrigin
				);
			}
			assert_eq!(
				Balances::balance_on_hold(&RuntimeHoldReason::Providers(pallet_providers::HoldReason::ProviderBond), &PROVIDER),
				bond_before
			);
			assert_ok!(Attestation::resolve_dispute(RuntimeOrigin::root(), lease, 0, Verdict::Provider));
			assert_noop!(
				Attestation::resolve_dispute(RuntimeOrigin::root(), lease, 0, Verdict::Provider),
				Error::<Test>::UnknownDispute
			);
		});
	}

	/// A dispute nobody decides does not hold the provider's pay for ever: `DisputeTimeout`
	/// after it opened, anyone ends it by the stated default — the report stands, the provider
	/// is paid the held charge (less the take). Holding the pay back three days is not free: the
	/// consumer, whose dispute nobody upheld, forfeits its deposit.
	#[test]
	fn an_undecided_dispute_times_out_to_the_report_standing() {
		run_test(|| {
			let lease = disputed_and_reported();
			let opened_at = Disputes::<Test>::get(lease, 0).unwrap().opened_at;
			let timeout = <<Test as Config>::DisputeTimeout as frame_support::traits::Get<u64>>::get();
			let release = || Attestation::release_dispute(RuntimeOrigin::signed(STRANGER), lease, 0);
			go_to(opened_at + timeout - 1);
			assert_noop!(release(), Error::<Test>::DisputeNotTimedOut);
			let (provider_before, consumer_before) = (Balances::balance(&PROVIDER), Balances::total_balance(&CONSUMER));
			let treasury_before = Balances::balance(&TREASURY);
			go_to(opened_at + timeout);
			assert_ok!(release());
			assert_eq!(
				last_event(),
				Event::DisputeTimedOut { lease, epoch: 0, paid: 90, forfeited: DISPUTE_DEPOSIT }.into()
			);
			// 90 charged, 5% take: the provider gets the rest, free (nothing left to contest);
			// the consumer's deposit goes to the treasury with the take.
			assert_eq!(Balances::balance(&PROVIDER), provider_before + 90 - 90 / 20);
			assert_eq!(Balances::total_balance(&CONSUMER), consumer_before - 90 - DISPUTE_DEPOSIT);
			assert_eq!(Balances::balance(&TREASURY), treasury_before + 90 / 20 + DISPUTE_DEPOSIT);
			assert!(!Disputes::<Test>::contains_key(lease, 0));
			assert_eq!(pallet_leases::Leases::<Test>::get(lease).unwrap().disputed, 0);
		});
	}

	#[test]
	fn only_the_consumer_may_dispute_once_before_the_report_with_a_deposit() {
		run_test(|| {
			let key = provider(PROVIDER);
			let lease = rent_h100(CONSUMER);
			let dispute = |who, epoch| Attestation::dispute(RuntimeOrigin::signed(who), lease, epoch);
			assert_noop!(dispute(STRANGER, 0), Error::<Test>::NotConsumer);
			assert_noop!(Attestation::dispute(RuntimeOrigin::signed(CONSUMER), 77, 0), Error::<Test>::UnknownLease);
			assert_noop!(dispute(CONSUMER, 1), Error::<Test>::FutureEpoch);
			assert_ok!(dispute(CONSUMER, 0));
			assert_noop!(dispute(CONSUMER, 0), Error::<Test>::AlreadyDisputed);

			go_to(epoch_start(2) + 1);
			let report = report(1, &[(lease, 10)]);
			assert_ok!(submit(report.clone(), sign(&key, &report)));
			// Epoch 1's report has landed: a dispute now contests what it paid out.
			assert_ok!(dispute(CONSUMER, 1));
			assert_eq!(Disputes::<Test>::get(lease, 1).unwrap().paid, Some(100));
			assert_noop!(dispute(CONSUMER, 0), Error::<Test>::AlreadyDisputed);

			// An account that cannot afford the deposit.
			assert_ok!(Balances::transfer_allow_death(RuntimeOrigin::signed(CONSUMER_2), POOR, 1_000));
			let request = ResourceRequest { gpus: 1, ..Default::default() };
			let poor_lease = pallet_leases::NextLeaseId::<Test>::get();
			assert_ok!(Leases::rent(RuntimeOrigin::signed(POOR), PROVIDER, request, 1_000));
			assert_noop!(
				Attestation::dispute(RuntimeOrigin::signed(POOR), poor_lease, 2),
				Error::<Test>::InsufficientBalance
			);
		});
	}

	/// Disputes used to be blind: raised before the report, without its figures. After the
	/// report lands the consumer may still dispute, for an epoch: the charge is booked, not
	/// paid, so the provider's share waits on the consumer's dispute hold and a ruling for the
	/// consumer returns it from there; only the take (booked to the protocol) and the penalty
	/// come from the bond.
	#[test]
	fn a_consumer_disputes_after_the_report_with_its_figures_in_view() {
		run_test(|| {
			let key = provider(PROVIDER);
			let lease = rent_h100(CONSUMER);
			go_to(epoch_start(1) + 1);
			let report_0 = report(0, &[(lease, 9)]);
			assert_ok!(submit(report_0.clone(), sign(&key, &report_0)));
			let booked = pallet_leases::Leases::<Test>::get(lease).unwrap().contestable;
			assert_eq!(booked.iter().map(|c| (c.epoch, c.share + c.take)).collect::<Vec<_>>(), alloc::vec![(0, 90)]);
			let bond_before = bond_of(PROVIDER);

			let consumer_before = Balances::balance(&CONSUMER);
			assert_ok!(Attestation::dispute(RuntimeOrigin::signed(CONSUMER), lease, 0));
			assert!(has_event(Event::DisputeOpened {
				lease,
				epoch: 0,
				consumer: CONSUMER,
				deposit: DISPUTE_DEPOSIT,
				paid: Some(90)
			}));
			// Contested: the lease's share waits on the consumer's dispute hold for the ruling.
			assert_eq!(pallet_leases::ContestedCharges::<Test>::get(lease, 0), Some(90 - 90 / 20));
			assert_ok!(Attestation::resolve_dispute(RuntimeOrigin::root(), lease, 0, Verdict::Consumer));
			// The charge back (the share from the dispute hold, the take from the bond) and the
			// provider's penalty; the deposit returned.
			assert_eq!(Balances::balance(&CONSUMER), consumer_before + 90 + DISPUTE_DEPOSIT);
			assert_eq!(bond_of(PROVIDER), bond_before - 90 / 20 - DISPUTE_DEPOSIT);
			assert!(!pallet_leases::ContestedCharges::<Test>::contains_key(lease, 0));
			// One dispute per charge: decided, it cannot be raised again for a second refund.
			assert_noop!(
				Attestation::dispute(RuntimeOrigin::signed(CONSUMER), lease, 0),
				Error::<Test>::DisputeWindowClosed
			);

			// Once the lease's next epoch is settled, epoch 1 is still open to dispute, epoch 0
			// would not be (it is decided anyway).
			go_to(epoch_start(2) + 1);
			let report_1 = report(1, &[(lease, 10)]);
			assert_ok!(submit(report_1.clone(), sign(&key, &report_1)));
			go_to(epoch_start(3) + 1);
			let report_2 = report(2, &[(lease, 10)]);
			assert_ok!(submit(report_2.clone(), sign(&key, &report_2)));
			assert_noop!(
				Attestation::dispute(RuntimeOrigin::signed(CONSUMER), lease, 1),
				Error::<Test>::DisputeWindowClosed
			);

			// Undecided, a dispute after the report times out: the report stands, so the held
			// share goes to the provider, and the consumer forfeits its deposit.
			assert_ok!(Attestation::dispute(RuntimeOrigin::signed(CONSUMER), lease, 2));
			let opened_at = Disputes::<Test>::get(lease, 2).unwrap().opened_at;
			let timeout = <<Test as Config>::DisputeTimeout as frame_support::traits::Get<u64>>::get();
			go_to(opened_at + timeout);
			let (provider_before, consumer_before) = (Balances::balance(&PROVIDER), Balances::total_balance(&CONSUMER));
			assert_ok!(Attestation::release_dispute(RuntimeOrigin::signed(STRANGER), lease, 2));
			assert_eq!(Balances::balance(&PROVIDER), provider_before + 100 - 100 / 20);
			assert_eq!(Balances::total_balance(&CONSUMER), consumer_before - (100 - 100 / 20) - DISPUTE_DEPOSIT);
			assert!(has_event(Event::DisputeTimedOut { lease, epoch: 2, paid: 100 - 100 / 20, forfeited: DISPUTE_DEPOSIT }));
		});
	}

	#[test]
	fn a_dispute_without_a_charge_lapses_once_the_window_closes() {
		run_test(|| {
			let key = provider(PROVIDER);
			let lease = rent_h100(CONSUMER);
			let consumer_before = Balances::balance(&CONSUMER);
			assert_ok!(Attestation::dispute(RuntimeOrigin::signed(CONSUMER), lease, 0));
			let release = || Attestation::release_dispute(RuntimeOrigin::signed(STRANGER), lease, 0);
			assert_noop!(release(), Error::<Test>::ReportWindowOpen);
			assert_noop!(
				Attestation::release_dispute(RuntimeOrigin::signed(STRANGER), lease, 1),
				Error::<Test>::UnknownDispute
			);
			go_to(epoch_start(1) + grace());
			assert_ok!(release());
			assert_eq!(Balances::balance(&CONSUMER), consumer_before);
			assert_eq!(last_event(), Event::DisputeLapsed { lease, epoch: 0, refunded: DISPUTE_DEPOSIT }.into());

			// Once a report has charged the disputed epoch, only a resolution ends it.
			assert_ok!(Attestation::dispute(RuntimeOrigin::signed(CONSUMER), lease, 1));
			go_to(epoch_start(2) + 1);
			let report = report(1, &[(lease, 10)]);
			assert_ok!(submit(report.clone(), sign(&key, &report)));
			go_to(epoch_start(2) + grace());
			assert_noop!(
				Attestation::release_dispute(RuntimeOrigin::signed(STRANGER), lease, 1),
				Error::<Test>::DisputeNotTimedOut
			);
		});
	}

	/// CONSUMER's lease disputed for epoch 0 before the report, closed, and reported with no
	/// uptime (beside CONSUMER_2's lease, so the report settles something). Returns the lease
	/// and CONSUMER's balance right after renting it.
	fn disputed_closed_and_reported_idle() -> (LeaseId, Balance) {
		let key = provider(PROVIDER);
		let (disputed, other) = (rent_h100(CONSUMER), rent_h100(CONSUMER_2));
		let after_renting = Balances::balance(&CONSUMER);
		go_to(5);
		assert_ok!(Attestation::dispute(RuntimeOrigin::signed(CONSUMER), disputed, 0));
		assert_ok!(Leases::close_lease(RuntimeOrigin::signed(CONSUMER), disputed));
		go_to(epoch_start(1) + 1);
		let report = report(0, &[(disputed, 0), (other, 9)]);
		assert_ok!(submit(report.clone(), sign(&key, &report)));
		(disputed, after_renting)
	}

	/// Found by the differential test (settlement_model.rs): a disputed epoch reported with no
	/// uptime once recorded a zero held payment, which outlived its finished lease (a broken
	/// invariant) and left the dispute unresolvable, its deposit stuck.
	#[test]
	fn a_disputed_epoch_charged_nothing_holds_nothing_and_its_dispute_lapses() {
		run_test(|| {
			let (disputed, consumer_before) = disputed_closed_and_reported_idle();
			assert_eq!(Disputes::<Test>::get(disputed, 0).unwrap().held, None);
			assert!(!pallet_leases::HeldPayments::<Test>::contains_key(disputed, 0));
			// Nothing left to charge: the lease is gone, its retained escrow refunded.
			assert!(pallet_leases::Leases::<Test>::get(disputed).is_none());
			go_to(epoch_start(1) + grace());
			assert_ok!(Attestation::release_dispute(RuntimeOrigin::signed(STRANGER), disputed, 0));
			assert_eq!(Balances::balance(&CONSUMER), consumer_before + 2_000);
		});
	}

	/// A chain that ran the old code may hold such a zero held payment of a lease already gone:
	/// its dispute still ends, and the entry with it.
	#[test]
	fn a_zero_held_payment_left_by_older_code_ends_with_its_dispute() {
		run_test(|| {
			let (disputed, _) = disputed_closed_and_reported_idle();
			// What spec 105 left behind.
			Disputes::<Test>::mutate(disputed, 0, |d| d.as_mut().expect("open").held = Some(0));
			pallet_leases::HeldPayments::<Test>::insert(disputed, 0, 0);
			let consumer_before = Balances::balance(&CONSUMER);
			assert_ok!(Attestation::resolve_dispute(RuntimeOrigin::root(), disputed, 0, Verdict::Consumer));
			assert!(!pallet_leases::HeldPayments::<Test>::contains_key(disputed, 0));
			// The deposit back, and the provider's penalty the ruling imposes.
			assert_eq!(Balances::balance(&CONSUMER), consumer_before + 2 * DISPUTE_DEPOSIT);
		});
	}

	#[test]
	fn a_dispute_whose_epoch_was_never_reported_only_settles_deposits() {
		run_test(|| {
			provider(PROVIDER);
			let lease = rent_h100(CONSUMER);
			assert_ok!(Attestation::dispute(RuntimeOrigin::signed(CONSUMER), lease, 0));
			// Nothing to decide while the report may still come (and be paid out normally).
			assert_noop!(
				Attestation::resolve_dispute(RuntimeOrigin::root(), lease, 0, Verdict::Consumer),
				Error::<Test>::NothingToDecideYet
			);
			go_to(epoch_start(1) + grace());
			let consumer_before = Balances::balance(&CONSUMER);
			assert_ok!(Attestation::resolve_dispute(RuntimeOrigin::root(), lease, 0, Verdict::Consumer));
			assert_eq!(Balances::balance(&CONSUMER), consumer_before + DISPUTE_DEPOSIT + DISPUTE_DEPOSIT);
			assert_eq!(
				last_event(),
				Event::DisputeResolved { lease, epoch: 0, verdict: Verdict::Consumer, held: 0, penalty: DISPUTE_DEPOSIT }
					.into()
			);
		});
	}
}

mod worker_tests {
	use super::*;

	const URL: &str = "http://127.0.0.1:19616/metrics";

	/// dcgm-exporter lines for PROVIDER's two GPUs and one node_exporter filesystem.
	fn metrics(util: u8) -> alloc::string::String {
		let mut text = alloc::string::String::new();
		for n in 0..2u8 {
			let labels = alloc::format!(
				"gpu=\"{n}\",UUID=\"{}\",device=\"nvidia{n}\",modelName=\"NVIDIA H100 80GB HBM3\"",
				gpu_uuid(PROVIDER, n)
			);
			text.push_str(&alloc::format!(
				"DCGM_FI_DEV_GPU_UTIL{{{labels}}} {util}\nDCGM_FI_DEV_FB_USED{{{labels}}} 40000\nDCGM_FI_DEV_FB_FREE{{{labels}}} 41559\nDCGM_FI_DEV_POWER_USAGE{{{labels}}} 612.5\nDCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{{{labels}}} {}\n",
				1_000 + u32::from(util)
			));
		}
		text.push_str("node_filesystem_size_bytes{device=\"/dev/nvme0n1\",fstype=\"ext4\",mountpoint=\"/data\"} 2.199023255552e+12\n");
		text.push_str("node_filesystem_avail_bytes{device=\"/dev/nvme0n1\",fstype=\"ext4\",mountpoint=\"/data\"} 1.099511627776e+12\n");
		text
	}

	struct Harness {
		ext: sp_io::TestExternalities,
		clock: EpochClock,
		offchain: std::sync::Arc<parking_lot::RwLock<testing::OffchainState>>,
		pool: std::sync::Arc<parking_lot::RwLock<testing::PoolState>>,
	}

	fn harness() -> Harness {
		let mut ext = new_test_ext();
		let (offchain, offchain_state) = testing::TestOffchainExt::new();
		let (pool, pool_state) = testing::TestTransactionPoolExt::new();
		ext.register_extension(OffchainDbExt::new(offchain.clone()));
		ext.register_extension(OffchainWorkerExt::new(offchain));
		ext.register_extension(TransactionPoolExt::new(pool));
		ext.execute_with(|| sp_io::offchain::local_storage_set(StorageKind::PERSISTENT, worker::METRICS_URL_KEY, URL.as_bytes()));
		let clock = ext.execute_with(clock);
		Harness { ext, clock, offchain: offchain_state, pool: pool_state }
	}

	impl Harness {
		fn epoch_start(&self, epoch: u32) -> u64 {
			self.clock.first_block(epoch).into()
		}

		fn grace(&self) -> u64 {
			self.clock.grace().into()
		}

		/// The worker at `block`, with the source answering `body`.
		fn run_worker(&mut self, block: u64, body: &[u8]) {
			self.offchain.write().expect_request(testing::PendingRequest {
				method: "GET".into(),
				uri: URL.into(),
				response: Some(body.to_vec()),
				sent: true,
				..Default::default()
			});
			self.ext.execute_with(|| {
				go_to(block);
				Attestation::offchain_worker(block);
			});
		}

		/// The worker at `block`, expecting it not to read the source.
		fn run_worker_unsampled(&mut self, block: u64) {
			self.ext.execute_with(|| {
				go_to(block);
				Attestation::offchain_worker(block);
			});
		}

		fn submitted(&self) -> alloc::vec::Vec<Call<Test>> {
			self.pool
				.read()
				.transactions
				.iter()
				.map(|tx| {
					let xt = Extrinsic::decode(&mut &tx[..]).expect("an extrinsic");
					// Bare and of format v4, the form every explorer's decoder reads (v5 general
					// transactions break them: docs/attestation.md).
					assert!(
						matches!(xt.preamble, sp_runtime::generic::Preamble::Bare(4)),
						"reports travel as bare v4 extrinsics"
					);
					match xt.function {
						RuntimeCall::Attestation(call) => call,
						other => panic!("unexpected call {other:?}"),
					}
				})
				.collect()
		}
	}

	use frame_support::traits::Hooks;

	fn set_clock(h: &mut Harness, unix_ms: u64) {
		h.offchain.write().timestamp = sp_core::offchain::Timestamp::from_unix_millis(unix_ms);
	}

	/// The report the worker submits at the first block of epoch 1, after running it for
	/// `blocks` at the given node-clock times (`None`: the worker must not read the source).
	fn report_after(h: &mut Harness, blocks: &[(u64, u64, bool)]) -> UsageReport<Test> {
		for &(block, now, sampled) in blocks {
			set_clock(h, now);
			if sampled {
				h.run_worker(block, metrics(80).as_bytes());
			} else {
				// No scrape: an unexpected request would fail the test.
				h.run_worker_unsampled(block);
			}
		}
		let report_block = h.epoch_start(1);
		set_clock(h, report_block * crate::mock::BLOCK_MS + 300);
		h.run_worker(report_block, metrics(80).as_bytes());
		let Call::submit_report { report, .. } = h.submitted()[0].clone() else { panic!("a report") };
		report
	}

	/// The node (re)started 2 s after block 3 was authored and catches up on blocks 1..=3 at
	/// once: they came before it ran, so none is sampled. Then its node stops sampling after
	/// block 4 (down, or cut off) and comes back 30 s later, catching up on blocks 5..=9 at
	/// once: only block 9, authored within a slot of its return, was seen live. Found by the
	/// crash test: blocks authored while the node was dead counted as answered.
	#[test]
	fn the_worker_samples_no_block_its_node_could_not_have_seen() {
		use crate::mock::BLOCK_MS;
		let mut h = harness();
		h.ext.execute_with(|| {
			provider(PROVIDER);
			rent_h100(CONSUMER);
			let started = 3 * BLOCK_MS + 2_000;
			sp_io::offchain::local_storage_set(StorageKind::PERSISTENT, worker::NODE_STARTED_KEY, &codec::Encode::encode(&started));
		});
		let back = 9 * BLOCK_MS + 300;
		let mut blocks = alloc::vec![(1, 3 * BLOCK_MS + 2_500, false), (2, 3 * BLOCK_MS + 2_500, false), (3, 3 * BLOCK_MS + 2_500, false)];
		blocks.push((4, 4 * BLOCK_MS + 300, true));
		blocks.extend((5..=8).map(|block| (block, back, false)));
		blocks.push((9, back, true));
		let report = report_after(&mut h, &blocks);
		assert_eq!((report.devices.sampled_blocks, report.devices.answered_blocks), (2, 2));
		assert_eq!(report.leases[0].uptime_blocks, 2);
	}

	/// A validator that releases its block 10 s after its slot (more than a slot late) made
	/// every provider's worker skip it: all providers lost uptime for one actor's lateness. A
	/// node that kept sampling all along saw the block live, late or not: it is sampled.
	#[test]
	fn a_block_released_late_is_sampled_by_a_node_that_kept_watching() {
		use crate::mock::BLOCK_MS;
		let mut h = harness();
		h.ext.execute_with(|| {
			provider(PROVIDER);
			rent_h100(CONSUMER);
		});
		let blocks: alloc::vec::Vec<_> = (1..h.epoch_start(1))
			.map(|block| (block, block * BLOCK_MS + if block == 7 { 10_000 } else { 300 }, true))
			.collect();
		let report = report_after(&mut h, &blocks);
		assert_eq!((report.devices.sampled_blocks, report.devices.answered_blocks), (9, 9));
		assert_eq!(report.leases[0].uptime_blocks, 9);
	}

	/// The node's own watch: a run of samples continues across gaps up to `MaxSampleGapMs` and
	/// starts afresh after a longer one; a block counts if it was authored no earlier than a
	/// slot before the run began, and not before the node started.
	#[test]
	fn node_liveness_follows_the_nodes_own_clock() {
		use worker::NodeLiveness;
		let gap = 24_000;
		let live = NodeLiveness::observe(None, 100_000, gap);
		assert_eq!(live, NodeLiveness { last_sample_ms: 100_000, live_since_ms: 100_000 });
		let live = NodeLiveness::observe(Some(live), 124_000, gap);
		assert_eq!(live.live_since_ms, 100_000, "a gap of exactly the bound continues the run");
		let broken = NodeLiveness::observe(Some(live), 148_001, gap);
		assert_eq!(broken.live_since_ms, 148_001, "a longer gap starts a new run");
		// A sample taken out of order never moves the clock back.
		assert_eq!(NodeLiveness::observe(Some(live), 120_000, gap).last_sample_ms, 124_000);
		assert_eq!(live.unseen(100_500, None, 6_000, gap), None);
		assert!(live.unseen(93_999, None, 6_000, gap).is_some(), "before the run began, less a slot");
		assert!(live.unseen(123_000, Some(123_500), 6_000, gap).is_some(), "authored before the node started");
		// A node that imports one block every gap keeps its run, but builds no backlog: a block
		// authored more than a gap before its import is not sampled.
		let lagging = NodeLiveness { last_sample_ms: 200_000, live_since_ms: 100_000 };
		assert_eq!(lagging.unseen(176_000, None, 6_000, gap), None);
		assert!(lagging.unseen(175_999, None, 6_000, gap).is_some());
	}

	#[test]
	fn the_worker_samples_every_block_and_submits_a_signed_report_after_the_epoch() {
		let mut h = harness();
		let lease = h.ext.execute_with(|| {
			provider(PROVIDER);
			rent_h100(CONSUMER)
		});
		for block in 1..h.epoch_start(1) {
			h.run_worker(block, metrics(80).as_bytes());
			assert!(h.submitted().is_empty(), "nothing to report during the epoch");
		}
		h.run_worker(h.epoch_start(1), metrics(20).as_bytes());
		let calls = h.submitted();
		assert_eq!(calls.len(), 1);
		let Call::submit_report { report, signature } = calls[0].clone() else { panic!("a report") };
		assert_eq!((report.provider, report.epoch), (PROVIDER, 0));
		assert_eq!(report.anchor_number, h.epoch_start(1));
		// Blocks 1..=9 were sampled in epoch 0 (the worker runs after each block).
		assert_eq!((report.devices.sampled_blocks, report.devices.answered_blocks), (9, 9));
		assert_eq!(report.devices.gpus.len(), 2);
		assert_eq!(report.devices.gpus[0].util_percent, 80);
		assert_eq!(report.devices.gpus[0].mem_used_mib, 40_000);
		assert_eq!(report.devices.gpus[0].mem_total_mib, 81_559);
		assert_eq!((report.devices.storage_total_gib, report.devices.storage_used_gib), (2_048, 1_024));
		assert_eq!(report.leases.len(), 1);
		assert_eq!(report.leases[0].lease, lease);
		assert_eq!(report.leases[0].uptime_blocks, 9);
		assert_eq!(report.leases[0].gpu_util_percent, 80);

		// The pool and the block accept it, and the lease is paid for 9 blocks.
		h.ext.execute_with(|| {
			go_to(epoch_start(1) + 1);
			let issuance = Balances::total_issuance();
			let provider_before = Balances::total_balance(&PROVIDER);
			assert_ok!(validate(&report, signature));
			assert_ok!(submit(report, signature));
			let charged = H100_PRICE * 9 / 600;
			assert_eq!(pallet_leases::Leases::<Test>::get(lease).unwrap().booked(), charged);
			go_to(epoch_start(2) + 1);
			assert_ok!(Leases::claim_earnings(RuntimeOrigin::signed(PROVIDER), PROVIDER));
			assert_eq!(Balances::total_balance(&PROVIDER), provider_before + charged - charged * 5 / 100);
			check_invariants(issuance);
		});
	}

	#[test]
	fn one_submission_per_epoch_and_a_retry_if_it_did_not_land() {
		let mut h = harness();
		h.ext.execute_with(|| {
			provider(PROVIDER);
			rent_h100(CONSUMER);
		});
		for block in 1..=h.epoch_start(1) + 1 {
			h.run_worker(block, metrics(50).as_bytes());
		}
		assert_eq!(h.submitted().len(), 1, "the next block does not submit again");
		h.run_worker(h.epoch_start(1) + 2, metrics(50).as_bytes());
		assert_eq!(h.submitted().len(), 1);
		h.run_worker(h.epoch_start(1) + 3, metrics(50).as_bytes());
		assert_eq!(h.submitted().len(), 2, "not on chain after RESUBMIT_AFTER_BLOCKS: retried");
		// Once the window closes nothing more is sent.
		h.run_worker(h.epoch_start(1) + h.grace(), metrics(50).as_bytes());
		assert_eq!(h.submitted().len(), 2);
	}

	#[test]
	fn without_answers_from_the_source_there_is_no_report() {
		let mut h = harness();
		h.ext.execute_with(|| {
			provider(PROVIDER);
			rent_h100(CONSUMER);
		});
		for block in 1..=h.epoch_start(1) + 1 {
			// Not Prometheus text: the scrape counts as not answered.
			h.run_worker(block, &[0xff, 0xfe]);
		}
		assert!(h.submitted().is_empty());
	}

	#[test]
	fn gpus_missing_from_scrapes_lower_the_uptime_of_their_leases() {
		let mut h = harness();
		let leased_gpu = h.ext.execute_with(|| {
			provider(PROVIDER);
			let lease = rent_h100(CONSUMER);
			pallet_leases::Leases::<Test>::get(lease).unwrap().gpus[0]
		});
		let (leased, other) = if leased_gpu == gpu_id(PROVIDER, 0) { (0, 1) } else { (1, 0) };
		let only_other_gpu: alloc::string::String =
			metrics(70).lines().filter(|l| !l.contains(&gpu_uuid(PROVIDER, leased))).map(|l| alloc::format!("{l}\n")).collect();
		for block in 1..h.epoch_start(1) {
			let body = if block <= 4 { metrics(70) } else { only_other_gpu.clone() };
			h.run_worker(block, body.as_bytes());
		}
		h.run_worker(h.epoch_start(1), metrics(70).as_bytes());
		let Call::submit_report { report, .. } = h.submitted()[0].clone() else { panic!("a report") };
		// The leased GPU was seen at blocks 1..=4 only.
		assert_eq!(report.leases[0].uptime_blocks, 4);
		assert_eq!(report.devices.gpus.iter().find(|g| g.uuid_hash == gpu_id(PROVIDER, other)).unwrap().seen_blocks, 9);
	}

	#[test]
	fn uptime_counts_blocks_where_all_of_a_leases_devices_answered_while_it_ran() {
		let mut h = harness();
		let lease = h.ext.execute_with(|| {
			provider(PROVIDER);
			go_to(3);
			// Both GPUs, from block 3.
			let id = pallet_leases::NextLeaseId::<Test>::get();
			let request = ResourceRequest { gpus: 2, ..Default::default() };
			assert_ok!(Leases::rent(RuntimeOrigin::signed(CONSUMER), PROVIDER, request, 4_000));
			id
		});
		let without = |n: u8| -> alloc::string::String {
			metrics(70).lines().filter(|l| !l.contains(&gpu_uuid(PROVIDER, n))).map(|l| alloc::format!("{l}\n")).collect()
		};
		// Blocks 1..=4 both GPUs, 5..=6 only GPU 0, 7..=9 only GPU 1: each GPU answered 6 or 7
		// blocks, but both together only at 1..=4, and the lease ran from block 3.
		for block in 1..h.epoch_start(1) {
			let body = match block {
				1..=4 => metrics(70),
				5..=6 => without(1),
				_ => without(0),
			};
			h.run_worker(block, body.as_bytes());
		}
		h.run_worker(h.epoch_start(1), metrics(70).as_bytes());
		let Call::submit_report { report, .. } = h.submitted()[0].clone() else { panic!("a report") };
		assert_eq!(report.leases[0].lease, lease);
		assert_eq!(report.leases[0].uptime_blocks, 2, "blocks 3 and 4");
		assert_eq!(report.devices.gpus.iter().map(|g| g.seen_blocks).collect::<alloc::vec::Vec<_>>(), alloc::vec![6, 7]);
	}

	#[test]
	fn a_node_without_reporting_keys_of_providers_does_nothing() {
		let mut h = harness();
		// No provider uses a key of this keystore: the worker does not even read the source.
		h.ext.execute_with(|| {
			go_to(epoch_start(1));
			Attestation::offchain_worker(epoch_start(1));
		});
		assert!(h.submitted().is_empty());
	}

	/// Each block counts once, whatever order workers finish in: blocks imported together run
	/// their workers at once, and a later block's may record first. The old tally kept only the
	/// last block and refused an earlier one that finished after it.
	#[test]
	fn a_tally_counts_each_block_once_in_any_order() {
		let scrape = prometheus::parse_scrape(&metrics(60));
		let mut tally = worker::EpochTally::default();
		assert!(tally.record(3, Some(&scrape)));
		assert!(!tally.record(3, Some(&scrape)));
		assert!(tally.record(2, None), "an earlier block finishing later is counted");
		assert!(!tally.record(2, Some(&scrape)));
		assert!(tally.record(4, Some(&scrape)));
		assert_eq!((tally.sampled, tally.answered, tally.gpus[0].seen), (3, 2, 2));
		assert_eq!(tally.sampled_blocks, alloc::vec![2, 3, 4]);
	}

	/// Blocks imported in bursts: the workers of a burst run in any order. Every block is
	/// sampled and every reading counted, and the lease's uptime is all of them.
	#[test]
	fn blocks_imported_in_bursts_lose_no_readings() {
		let mut h = harness();
		h.ext.execute_with(|| {
			provider(PROVIDER);
			rent_h100(CONSUMER);
		});
		// Bursts of three, each finishing last-first.
		for burst in [[3u64, 2, 1], [6, 5, 4], [9, 8, 7]] {
			for block in burst {
				h.run_worker(block, metrics(80).as_bytes());
			}
		}
		h.run_worker(h.epoch_start(1), metrics(80).as_bytes());
		let Call::submit_report { report, .. } = h.submitted()[0].clone() else { panic!("a report") };
		assert_eq!((report.devices.sampled_blocks, report.devices.answered_blocks), (9, 9));
		assert_eq!(report.leases[0].uptime_blocks, 9);
	}

	/// Workers of blocks imported together run at once on separate threads and update the
	/// epoch's tally by compare-and-set; one that lost a race used to drop its sample. Four
	/// workers record fifty blocks each at the same time: every one is counted.
	#[test]
	fn workers_racing_on_one_tally_lose_no_sample() {
		let (offchain, _state) = testing::TestOffchainExt::new();
		let workers: alloc::vec::Vec<_> = (0..4u32)
			.map(|worker_index| {
				let offchain = offchain.clone();
				std::thread::spawn(move || {
					let mut ext = sp_io::TestExternalities::default();
					ext.register_extension(OffchainDbExt::new(offchain.clone()));
					ext.register_extension(OffchainWorkerExt::new(offchain));
					ext.execute_with(|| {
						for i in 0..50 {
							worker::record_sample(0, worker_index * 50 + i, None);
						}
					});
				})
			})
			.collect();
		for worker in workers {
			worker.join().expect("no panic");
		}
		let mut ext = sp_io::TestExternalities::default();
		ext.register_extension(OffchainDbExt::new(offchain));
		ext.execute_with(|| {
			let tally = sp_runtime::offchain::storage::StorageValueRef::persistent(&worker::tally_key(0))
				.get::<worker::EpochTally>()
				.expect("decodes")
				.expect("written");
			assert_eq!(tally.sampled, 200);
			assert_eq!(tally.sampled_blocks, (0..200).collect::<alloc::vec::Vec<u32>>());
		});
	}

	/// The worker lists a GPU its provider delisted after the GPU's lease closed, for that
	/// lease's last epoch (and the chain accepts it: `reports::service_given_on_a_gpu_...`).
	#[test]
	fn the_worker_reports_a_delisted_gpu_for_the_lease_it_served() {
		let mut h = harness();
		let (lease, gpu) = h.ext.execute_with(|| {
			provider(PROVIDER);
			let lease = rent_h100(CONSUMER);
			(lease, pallet_leases::Leases::<Test>::get(lease).unwrap().gpus[0])
		});
		for block in 1..h.epoch_start(1) {
			if block == 6 {
				h.ext.execute_with(|| {
					go_to(6);
					assert_ok!(Leases::close_lease(RuntimeOrigin::signed(CONSUMER), lease));
					assert_ok!(Providers::remove_gpus(RuntimeOrigin::signed(PROVIDER), bounded(&[gpu])));
				});
			}
			h.run_worker(block, metrics(80).as_bytes());
		}
		h.run_worker(h.epoch_start(1), metrics(80).as_bytes());
		let Call::submit_report { report, signature } = h.submitted()[0].clone() else { panic!("a report") };
		assert!(report.devices.gpus.iter().any(|g| g.uuid_hash == gpu));
		assert_eq!(report.leases[0].uptime_blocks, 5, "blocks 1..=5, before the lease closed at 6");
		h.ext.execute_with(|| {
			go_to(epoch_start(1) + 1);
			assert_ok!(submit(report, signature));
		});
	}

	/// A report crowded out of a window that stayed full is sent again, late, and lands.
	#[test]
	fn the_worker_reports_a_crowded_out_epoch_late() {
		use frame_support::{dispatch::DispatchClass, weights::Weight};
		let mut h = harness();
		h.ext.execute_with(|| {
			provider(PROVIDER);
			rent_h100(CONSUMER);
		});
		for block in 1..h.epoch_start(1) {
			h.run_worker(block, metrics(80).as_bytes());
		}
		// Every block of epoch 0's window is full: the report never lands.
		let mut n = h.epoch_start(1);
		while h.ext.execute_with(|| Attestation::clock().window_not_closed(0, n as u32)) {
			h.run_worker(n, metrics(80).as_bytes());
			h.ext.execute_with(|| {
				System::register_extra_weight_unchecked(Weight::MAX, DispatchClass::Normal);
				Attestation::on_finalize(n);
				frame_system::BlockWeight::<Test>::kill();
			});
			n += 1;
		}
		let sent_in_window = h.submitted().len();
		assert!(sent_in_window >= 1);
		// In the late window the worker sends it again, and it is accepted.
		for block in n..n + 3 {
			h.run_worker(block, metrics(80).as_bytes());
		}
		let calls = h.submitted();
		assert!(calls.len() > sent_in_window, "resent in the late window");
		let late = calls[sent_in_window..]
			.iter()
			.rev()
			.find_map(|call| match call {
				Call::submit_report { report, signature } if report.epoch == 0 => Some((report.clone(), *signature)),
				_ => None,
			});
		let (report, signature) = late.expect("epoch 0 resent late");
		h.ext.execute_with(|| {
			go_to(n + 3);
			assert_ok!(submit(report, signature));
			assert!(ProviderLiveness::<Test>::get(PROVIDER).has_reported(0));
		});
	}
}

#[test]
fn the_epoch_clock_comes_from_genesis_and_is_shared_with_leases() {
	run_test(|| {
		assert_eq!(Attestation::clock().length(), EPOCH);
		let leases_clock = <<Test as pallet_leases::Config>::Clock as Get<EpochClock>>::get();
		assert_eq!((leases_clock.length(), leases_clock.grace()), (EPOCH, 5));
	});
	sp_io::TestExternalities::new_empty().execute_with(|| assert_eq!(Attestation::clock().length(), 600));
}

mod migration {
	use super::*;
	use crate::migrations::{v2::LivenessV1, v3};
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};

	/// v2 kept a provider's records in two maps and listed their epochs in its liveness, after
	/// v1's fields; v3 folds the maps into the liveness (the list rebuilt from the records).
	#[test]
	fn v3_folds_the_report_and_miss_maps_into_each_liveness() {
		run_test(|| {
			let v1 = LivenessV1 { last_reported: Some(3), missed_in_a_row: 1, reports: 2, misses: 1, suspended_for_misses: true };
			let listed: Vec<(EpochIndex, bool)> = vec![(2, true), (3, true), (4, false)];
			frame_support::storage::unhashed::put_raw(
				&ProviderLiveness::<Test>::hashed_key_for(PROVIDER),
				&codec::Encode::encode(&(v1, listed)),
			);
			v3::v2::Reports::<Test>::insert(PROVIDER, 3, ReportRecord { leases: 2, charged: 50 });
			v3::v2::Reports::<Test>::insert(PROVIDER, 2, ReportRecord { leases: 1, charged: 20 });
			v3::v2::Misses::<Test>::insert(PROVIDER, 4, ());
			StorageVersion::new(2).put::<Attestation>();

			v3::MigrateV2ToV3::<Test>::on_runtime_upgrade();

			let liveness = ProviderLiveness::<Test>::get(PROVIDER);
			assert_eq!(
				(liveness.last_reported, liveness.missed_in_a_row, liveness.reports, liveness.misses, liveness.suspended_for_misses),
				(Some(3), 1, 2, 1, true)
			);
			assert_eq!(
				liveness.recorded.to_vec(),
				vec![
					(2, EpochOutcome::Reported(ReportRecord { leases: 1, charged: 20 })),
					(3, EpochOutcome::Reported(ReportRecord { leases: 2, charged: 50 })),
					(4, EpochOutcome::Missed),
				]
			);
			assert_eq!(v3::v2::Reports::<Test>::iter().count() + v3::v2::Misses::<Test>::iter().count(), 0);
			assert_eq!(Attestation::on_chain_storage_version(), StorageVersion::new(3));
		});
	}
}
