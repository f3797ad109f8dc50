//! Usage reports as they reach a block: bare v4 extrinsics applied by the executive, which runs
//! the pallet's `pre_dispatch` (every check, the signature included) before the call. Dispatch
//! itself does not verify the signature again, so these tests show that nothing but a validly
//! signed, not yet reported report gets past the executive.

use codec::{Decode, Encode};
use frame_support::traits::Hooks;
use sp_runtime::{
	traits::Header as _,
	transaction_validity::{InvalidTransaction, TransactionValidityError},
};

use crate::{
	clock_agreement::{block_hash, chain, pool_accepts, report},
	configs::Clock,
	AccountId, Economics, Executive, Header, Runtime, RuntimeCall, System, UncheckedExtrinsic,
};
use frame_support::traits::Get;

/// Walks to the first block in which the report of epoch 0 is accepted, and opens that block
/// through the executive (as block import does).
fn open_report_block(provider: &AccountId, key: &sp_core::sr25519::Public) {
	let clock = Clock::get();
	let mut block = 2;
	loop {
		assert!(block < clock.report_window_closes(0), "epoch 0 has a report window");
		System::set_block_number(block);
		frame_system::BlockHash::<Runtime>::insert(block - 1, block_hash(block - 1));
		Economics::on_initialize(block);
		if pool_accepts(&report(provider, key, 0)) {
			break;
		}
		block += 1;
	}
	// The executive opens block `block` on top of `block - 1`, as import does.
	System::set_block_number(block - 1);
	let header = Header::new(block, Default::default(), Default::default(), block_hash(block - 1), Default::default());
	Executive::initialize_block(&header);
}

fn bare(call: pallet_attestation::Call<Runtime>) -> UncheckedExtrinsic {
	UncheckedExtrinsic::new_bare_legacy(RuntimeCall::Attestation(call))
}

fn reports_of(provider: &AccountId) -> u32 {
	let liveness = pallet_attestation::ProviderLiveness::<Runtime>::get(provider);
	liveness.recorded.iter().filter(|(_, outcome)| matches!(outcome, pallet_attestation::EpochOutcome::Reported(_))).count()
		as u32
}

#[test]
fn a_report_is_a_bare_v4_extrinsic_that_the_executive_applies() {
	let (mut ext, provider, key) = chain(10);
	ext.execute_with(|| {
		open_report_block(&provider, &key);
		let xt = bare(report(&provider, &key, 0));
		// After the compact length: version 4, no signature bit (what explorers' decoders read).
		let encoded = xt.encode();
		let mut body = &encoded[..];
		let length = codec::Compact::<u32>::decode(&mut body).expect("length prefix");
		assert_eq!(length.0 as usize, body.len());
		assert_eq!(body[0], 0b0000_0100);
		assert_eq!(Executive::apply_extrinsic(xt), Ok(Ok(())));
		assert_eq!(reports_of(&provider), 1);
	});
}

#[test]
fn a_forged_report_never_reaches_dispatch() {
	let (mut ext, provider, key) = chain(10);
	ext.execute_with(|| {
		open_report_block(&provider, &key);
		let pallet_attestation::Call::submit_report { mut report, signature } = report(&provider, &key, 0) else {
			unreachable!("report builds submit_report")
		};
		// The provider's signature over other numbers: more uptime than it signed.
		report.leases[0].uptime_blocks += 1;
		let forged = bare(pallet_attestation::Call::submit_report { report, signature });
		assert_eq!(
			Executive::apply_extrinsic(forged),
			Err(TransactionValidityError::Invalid(InvalidTransaction::BadProof))
		);
		assert_eq!(reports_of(&provider), 0);
		assert_eq!(pallet_leases::Leases::<Runtime>::get(0).map(|l| l.paid), Some(0));
	});
}

#[test]
fn a_replayed_report_is_stale_in_the_block() {
	let (mut ext, provider, key) = chain(10);
	ext.execute_with(|| {
		open_report_block(&provider, &key);
		let xt = bare(report(&provider, &key, 0));
		assert_eq!(Executive::apply_extrinsic(xt.clone()), Ok(Ok(())));
		let paid = pallet_leases::Leases::<Runtime>::get(0).map(|l| l.paid);
		assert_eq!(Executive::apply_extrinsic(xt), Err(TransactionValidityError::Invalid(InvalidTransaction::Stale)));
		assert_eq!(pallet_leases::Leases::<Runtime>::get(0).map(|l| l.paid), paid);
		assert_eq!(reports_of(&provider), 1);
	});
}

/// A report pays for looking up the attestation of each GPU it lists, not of every GPU a
/// provider may list (which once added 256 reads to every report).
#[test]
fn a_report_pays_a_hardware_lookup_per_gpu_it_lists() {
	use depin_primitives::HardwareAttestations;
	use frame_support::dispatch::GetDispatchInfo;
	let (mut ext, provider, key) = chain(10);
	ext.execute_with(|| {
		let pallet_attestation::Call::submit_report { mut report, signature } = report(&provider, &key, 0) else {
			unreachable!("report builds submit_report")
		};
		// Weighing reads only the lengths: three GPUs listed.
		for _ in 0..3 {
			report.devices.gpus.try_push(Default::default()).expect("room for three GPUs");
		}
		let (leases, gpus) = (report.leases.len() as u32, report.devices.gpus.len() as u32);
		let call = pallet_attestation::Call::<Runtime>::submit_report { report, signature };
		let lookup = <crate::GpuAttestation as HardwareAttestations<AccountId>>::lookup_weight();
		// Up front: every lease disputed, the most audit records to read, a suspension to lift, and
		// a hardware lookup per GPU listed.
		let expected = pallet_attestation::Pallet::<Runtime>::declared_submit_report_weight(leases, gpus);
		let without_gpus = pallet_attestation::Pallet::<Runtime>::declared_submit_report_weight(leases, 0);
		assert!(expected.saturating_sub(without_gpus).all_gte(lookup.saturating_mul(gpus.into())));
		assert_eq!(call.get_dispatch_info().call_weight, expected);
		let selection = <crate::GpuAttestation as HardwareAttestations<AccountId>>::selection_weight();
		assert!(lookup.saturating_mul(gpus.into()).ref_time() < selection.ref_time());
	});
}
