//! Settlement, attestation and economics agree on the epoch clock, to the block: walking every
//! block of several epochs, for several epoch lengths (and the report graces the runtime derives
//! from them), a usage report is accepted by attestation exactly when settlement would charge
//! its lease and economics has not yet closed the epoch for emission.

use depin_primitives::{EpochIndex, LeaseCharge, LeaseSettlement, Payee};
use frame_support::{
	pallet_prelude::TransactionSource,
	storage::{with_transaction, TransactionOutcome},
	traits::{Get, Hooks, UnfilteredDispatchable},
	BoundedVec,
};
use pallet_attestation::{DeviceSummary, LeaseUsageReport, UsageReport, KEY_TYPE};
use sp_core::{sr25519, H256};
use sp_keystore::{testing::MemoryKeystore, KeystoreExt};
#[allow(deprecated)]
use sp_runtime::{traits::ValidateUnsigned, BuildStorage, DispatchError};

/// Whether the pool (the bare extrinsic's `validate_unsigned`) takes this report now.
#[allow(deprecated)]
pub(crate) fn pool_accepts(call: &pallet_attestation::Call<Runtime>) -> bool {
	<Attestation as ValidateUnsigned>::validate_unsigned(TransactionSource::External, call).is_ok()
}

use crate::{
	configs::{Clock, MinProviderBond},
	currency::DPN,
	AccountId, Attestation, Economics, Leases, Providers, Runtime, RuntimeGenesisConfig, RuntimeOrigin,
	System,
};

/// Epochs walked for each length.
const EPOCHS: u32 = 6;

pub(crate) fn account(seed: u8) -> AccountId {
	AccountId::new([seed; 32])
}

pub(crate) fn block_hash(block: u32) -> H256 {
	H256::from_low_u64_be(u64::from(block) + 1)
}

/// A chain with epochs of `length` blocks, a provider whose reporting key is in the keystore and
/// one one-core lease of it, open from block 1. Returns the provider, its key and the lease.
pub(crate) fn chain(length: u32) -> (sp_io::TestExternalities, AccountId, sr25519::Public) {
	let (provider, consumer) = (account(1), account(2));
	let mut genesis = RuntimeGenesisConfig::default();
	genesis.attestation.epoch_length = length;
	genesis.balances.balances = vec![(provider.clone(), 1_000 * DPN), (consumer.clone(), 10_000 * DPN)];
	let mut ext: sp_io::TestExternalities = genesis.build_storage().expect("genesis builds").into();
	ext.register_extension(KeystoreExt::new(MemoryKeystore::new()));
	let key = ext.execute_with(|| {
		System::set_block_number(1);
		Economics::on_initialize(1);
		let signed = |who: &AccountId| RuntimeOrigin::signed(who.clone());
		Providers::register(signed(&provider), MinProviderBond::get(), Default::default(), Default::default())
			.expect("registers");
		Providers::set_capacity(signed(&provider), 0, 1).expect("offers a core");
		let prices = pallet_providers::PriceList { gpu: Default::default(), storage_gib: 0, cpu_core: 100 * DPN };
		Providers::set_prices(signed(&provider), prices).expect("prices it");
		let key = sp_io::crypto::sr25519_generate(KEY_TYPE, None);
		let proof = sp_io::crypto::sr25519_sign(KEY_TYPE, &key, &Providers::reporting_key_proof_payload(&provider))
			.expect("the key is in the keystore");
		Providers::set_reporting_key(signed(&provider), key, proof).expect("names its key");
		let request = pallet_leases::ResourceRequest { cpu_cores: 1, ..Default::default() };
		Leases::rent(signed(&consumer), provider.clone(), request, 1_000 * DPN).expect("rents");
		key
	});
	(ext, provider, key)
}

/// `provider`'s signed report of `epoch`, covering lease 0 for one block, anchored at the parent
/// of the current block.
pub(crate) fn report(provider: &AccountId, key: &sr25519::Public, epoch: EpochIndex) -> pallet_attestation::Call<Runtime> {
	let anchor = System::block_number() - 1;
	let length = Clock::get().length();
	let report = UsageReport::<Runtime> {
		provider: provider.clone(),
		epoch,
		anchor_number: anchor,
		anchor_hash: block_hash(anchor),
		leases: BoundedVec::truncate_from(vec![LeaseUsageReport { lease: 0, uptime_blocks: 1, ..Default::default() }]),
		devices: DeviceSummary::<Runtime> {
			sampled_blocks: length,
			answered_blocks: length,
			gpus: Default::default(),
			storage_seen_blocks: 0,
			storage_total_gib: 0,
			storage_used_gib: 0,
		},
	};
	let signature = sp_io::crypto::sr25519_sign(KEY_TYPE, key, &report.signing_payload()).expect("key in keystore");
	pallet_attestation::Call::submit_report { report, signature }
}

/// Whether settlement would charge lease 0 for `epoch` now (tried, then rolled back).
fn settlement_charges(provider: &AccountId, epoch: EpochIndex) -> bool {
	let charge = LeaseCharge { lease: 0, attested_blocks: 1, payee: Payee::Provider };
	with_transaction(|| {
		let result = <Leases as LeaseSettlement<_, _>>::settle_epoch(provider, epoch, &[charge]);
		TransactionOutcome::Rollback(Ok::<_, DispatchError>(result.is_ok()))
	})
	.expect("rolled back")
}

#[test]
fn attestation_accepts_exactly_what_settlement_charges_and_economics_has_not_closed() {
	for length in [1, 2, 3, 6, 7, 10, 12, 31, 60] {
		let (mut ext, provider, key) = chain(length);
		ext.execute_with(|| {
			let clock = Clock::get();
			let mut reported = Vec::new();
			let mut accepted_any = false;
			let last = clock.report_window_closes(EPOCHS) + 1;
			for block in 2..=last {
				System::set_block_number(block);
				frame_system::BlockHash::<Runtime>::insert(block - 1, block_hash(block - 1));
				Economics::on_initialize(block);
				for epoch in 0..=clock.epoch_of(block) {
					let accepted = pool_accepts(&report(&provider, &key, epoch));
					let charged = settlement_charges(&provider, epoch);
					let closed = pallet_economics::Ledgers::<Runtime>::get(epoch).closed;
					let served = clock.blocks_within(epoch, 1, block) > 0;
					let expected = clock.has_ended(epoch, block) && !closed && served && !reported.contains(&epoch);
					assert_eq!(accepted, charged, "length {length}, epoch {epoch}, block {block}: accepted {accepted}, charged {charged}");
					assert_eq!(accepted, expected, "length {length}, epoch {epoch}, block {block}: closed {closed}");
					// Economics closes an epoch in the very block its report window closes.
					assert_eq!(closed, !clock.window_not_closed(epoch, block), "length {length}, epoch {epoch}, block {block}");
					// The last block a report is accepted in, it lands, and economics records
					// the payment before it fixes the epoch's emission in the next block.
					if accepted && block + 1 == clock.report_window_closes(epoch) {
						report(&provider, &key, epoch)
							.dispatch_bypass_filter(frame_system::RawOrigin::None.into())
							.expect("the report settles");
						assert!(pallet_economics::Ledgers::<Runtime>::get(epoch).fee_revenue > 0);
						reported.push(epoch);
						accepted_any = true;
					}
				}
			}
			// A one-block epoch leaves no room for a grace (the clock keeps it below the length),
			// so nothing is ever reported; with every other length reports land.
			assert_eq!(accepted_any, clock.grace() > 0, "length {length}");
			for epoch in reported {
				let ledger = pallet_economics::Ledgers::<Runtime>::get(epoch);
				assert!(ledger.fee_revenue > 0 && ledger.providers_reported == 1, "length {length}, epoch {epoch}");
				assert_eq!(ledger.closed, !clock.window_not_closed(epoch, last), "length {length}, epoch {epoch}");
			}
			Attestation::do_try_state().expect("attestation invariants hold");
			Leases::do_try_state().expect("leases invariants hold");
			Economics::do_try_state().expect("economics invariants hold");
		});
	}
}

/// A congested window on the real runtime: every block of epoch 0's report window full, so the
/// epoch is settled late. Walking every block from the window's opening to past the late
/// window: the report is accepted exactly while settlement would charge the lease and economics
/// has not closed the epoch; economics closes it in the block its late window closes (not when
/// its window did), so a report landing in the late window's last block still counts for its
/// emission; nobody may call it missed until then.
#[test]
fn a_congested_epoch_is_settled_late_and_closed_when_its_late_window_closes() {
	use frame_support::{dispatch::DispatchClass, weights::Weight};
	let (mut ext, provider, key) = chain(10);
	ext.execute_with(|| {
		let base = Clock::get();
		let opens = base.report_window_opens(0);
		let mut late_closes = None;
		let mut landed = false;
		for block in 2..base.report_window_closes(2) + 1 {
			System::set_block_number(block);
			frame_system::BlockHash::<Runtime>::insert(block - 1, block_hash(block - 1));
			Economics::on_initialize(block);
			let clock = Clock::get();
			let closed = pallet_economics::Ledgers::<Runtime>::get(0).closed;
			if block >= opens && !landed {
				let accepted = pool_accepts(&report(&provider, &key, 0));
				let charged = settlement_charges(&provider, 0);
				assert_eq!(accepted, charged, "block {block}");
				assert_eq!(accepted, clock.settleable(0, block), "block {block}");
				assert_eq!(closed, !clock.settleable(0, block) && block >= opens, "block {block}");
				if clock.is_late(0, block) {
					late_closes.get_or_insert(clock.settlement_closes(0));
					assert!(Attestation::report_missed(RuntimeOrigin::signed(account(3)), provider.clone(), 0).is_err());
				}
				// The last block of the late window: the report lands, before the close.
				if accepted && Some(block + 1) == late_closes {
					report(&provider, &key, 0).dispatch_bypass_filter(frame_system::RawOrigin::None.into()).expect("settles late");
					landed = true;
				}
			}
			// Epoch 0's window is full in every block while it is open.
			if clock.window_not_closed(0, block) && block >= opens {
				frame_system::BlockWeight::<Runtime>::kill();
				System::register_extra_weight_unchecked(Weight::MAX, DispatchClass::Normal);
			}
			Attestation::on_finalize(block);
			frame_system::BlockWeight::<Runtime>::kill();
			if let Some(closes) = late_closes {
				assert_eq!(pallet_economics::Ledgers::<Runtime>::get(0).closed, block >= closes, "block {block}");
			}
		}
		let closes = late_closes.expect("epoch 0 was settled late");
		assert!(closes > base.report_window_closes(0));
		assert!(landed, "the late report landed");
		let ledger = pallet_economics::Ledgers::<Runtime>::get(0);
		assert!(ledger.closed && ledger.fee_revenue > 0 && ledger.providers_reported == 1);
		// Its take counted for the epoch's emission: it landed before the close.
		assert_eq!(ledger.matched_take, ledger.take_to_treasury + ledger.take_burned);
		assert!(ledger.matched_take > 0);
		Attestation::do_try_state().expect("attestation invariants hold");
		Leases::do_try_state().expect("leases invariants hold");
		Economics::do_try_state().expect("economics invariants hold");
	});
}
