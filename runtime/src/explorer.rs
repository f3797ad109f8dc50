//! What the explorer runtime API (`DepinApi`, behind the node's `depin_*` RPC) reads: one view
//! over the providers, leases, attestation and economics pallets. Read-only; nothing here runs
//! in blocks.

use alloc::{collections::btree_set::BTreeSet, vec::Vec};
use depin_explorer_api::{EpochRecord, LeaseView, NetworkStats, ProviderEpoch, ProviderView};
use depin_primitives::{EpochIndex, EpochLedger, LeaseId};
use pallet_leases::LeaseStatus;

use crate::{AccountId, Balance, Balances, Runtime};

/// Most providers one `providers` call returns.
pub const MAX_PROVIDERS_PER_PAGE: u32 = 100;

/// Most epochs one `provider_history` call returns.
pub const MAX_HISTORY_EPOCHS: u32 = 100;

pub fn network_stats() -> NetworkStats<Balance> {
	let mut stats = NetworkStats::<Balance> {
		current_epoch: pallet_economics::Pallet::<Runtime>::current_epoch(),
		epoch_length: pallet_attestation::Pallet::<Runtime>::clock().length(),
		last_closed_epoch: pallet_economics::LastClosedEpoch::<Runtime>::get(),
		open_leases: pallet_economics::OpenLeases::<Runtime>::get(),
		total_issuance: Balances::total_issuance(),
		genesis_issuance: pallet_economics::GenesisIssuance::<Runtime>::get(),
		total_minted: pallet_economics::TotalMinted::<Runtime>::get(),
		total_burned: pallet_economics::TotalBurned::<Runtime>::get(),
		..Default::default()
	};
	// Counters the providers pallet keeps: the same reads with 10 providers or 10,000.
	let totals = pallet_providers::Totals::<Runtime>::get();
	stats.providers_total = pallet_providers::Providers::<Runtime>::count();
	stats.providers_active = totals.active;
	stats.providers_suspended = totals.suspended;
	stats.storage_bytes = totals.storage_bytes;
	stats.gpus = pallet_providers::Pallet::<Runtime>::gpus_total();
	stats.audited_gpus = pallet_providers::Pallet::<Runtime>::audited_gpus_total();
	if let Some(last) = stats.last_closed_epoch {
		let window = pallet_economics::Params::<Runtime>::get().trailing_epochs.max(1);
		stats.trailing_epochs = window.min(last.saturating_add(1));
		for epoch in last.saturating_add(1).saturating_sub(window)..=last {
			let l = pallet_economics::Ledgers::<Runtime>::get(epoch);
			stats.trailing_fee_revenue = stats.trailing_fee_revenue.saturating_add(l.fee_revenue);
			stats.trailing_emission = stats.trailing_emission.saturating_add(l.emission);
			stats.trailing_gpu_capacity_blocks = stats.trailing_gpu_capacity_blocks.saturating_add(l.gpu_capacity_blocks);
			stats.trailing_gpu_leased_blocks = stats.trailing_gpu_leased_blocks.saturating_add(l.gpu_leased_blocks);
			stats.trailing_gpu_busy_blocks = stats.trailing_gpu_busy_blocks.saturating_add(l.gpu_busy_blocks);
			stats.trailing_storage_capacity_gib_blocks =
				stats.trailing_storage_capacity_gib_blocks.saturating_add(l.storage_capacity_gib_blocks);
			stats.trailing_storage_leased_gib_blocks =
				stats.trailing_storage_leased_gib_blocks.saturating_add(l.storage_leased_gib_blocks);
			stats.trailing_usage_emission = stats.trailing_usage_emission.saturating_add(l.usage_emission);
			stats.trailing_capacity_emission = stats.trailing_capacity_emission.saturating_add(l.capacity_emission);
			stats.trailing_audited_gpu_blocks = stats.trailing_audited_gpu_blocks.saturating_add(l.audited_gpu_blocks);
		}
	}
	stats
}

/// The ledger of an epoch that has begun; `None` for future epochs and for archived ones (their
/// final ledger is in the `LedgerArchived` event).
pub fn epoch_ledger(epoch: EpochIndex) -> Option<EpochLedger<Balance>> {
	(epoch <= pallet_economics::Pallet::<Runtime>::current_epoch() &&
		epoch >= pallet_economics::ArchivedBefore::<Runtime>::get())
	.then(|| pallet_economics::Ledgers::<Runtime>::get(epoch))
}

pub fn provider(who: &AccountId) -> Option<ProviderView<AccountId, Balance>> {
	let record = pallet_providers::Providers::<Runtime>::get(who)?;
	// What current audits vouch for now (a change made this epoch shows at once; it counts for
	// capacity emission from the next epoch).
	let audited = pallet_providers::Pallet::<Runtime>::audited_hardware(who, frame_system::Pallet::<Runtime>::block_number());
	let earnings = pallet_economics::ProviderEarnings::<Runtime>::get(who);
	let liveness = pallet_attestation::ProviderLiveness::<Runtime>::get(who);
	Some(ProviderView {
		account: who.clone(),
		status: record.status,
		region: record.region.into_inner(),
		bond: record.bond,
		unbonding: record.unbonding.map(|u| u.amount).unwrap_or_default(),
		gpus: pallet_providers::Gpus::<Runtime>::get(who).into_inner(),
		storage_bytes: record.capacity.storage_bytes,
		cpu_cores: record.capacity.cpu_cores,
		open_leases: pallet_leases::Commitments::<Runtime>::get(who).open_leases,
		earned_fees: earnings.fees,
		earned_emission: earnings.emission,
		reports: liveness.reports,
		missed_epochs: liveness.misses,
		missed_in_a_row: liveness.missed_in_a_row,
		last_reported_epoch: liveness.last_reported,
		has_reporting_key: record.reporting_key.is_some(),
		audited_gpus: audited.gpus.len() as u32,
		audited_storage_gib: audited.storage_gib,
	})
}

/// Each GPU of `who` with its tier now: attested beats audited beats self-reported.
pub fn gpu_tiers(who: &AccountId) -> Vec<depin_explorer_api::GpuTierView> {
	use depin_primitives::{HardwareAttestations, HardwareTier};
	let audited = pallet_providers::Pallet::<Runtime>::audited_hardware(who, frame_system::Pallet::<Runtime>::block_number());
	let epoch = pallet_gpu_attestation::Pallet::<Runtime>::current_epoch();
	pallet_providers::Gpus::<Runtime>::get(who)
		.into_iter()
		.map(|gpu| {
			let attestation = crate::GpuAttestation::attestation(who, &gpu.uuid_hash, epoch);
			let tier = match (&attestation, audited.gpus.contains(&gpu.uuid_hash)) {
				(Some(_), _) => HardwareTier::Attested,
				(None, true) => HardwareTier::Audited,
				(None, false) => HardwareTier::SelfReported,
			};
			depin_explorer_api::GpuTierView { uuid_hash: gpu.uuid_hash, model: gpu.model.into_inner(), tier, attestation }
		})
		.collect()
}

pub fn lease(id: LeaseId) -> Option<LeaseView<AccountId, Balance>> {
	let lease = pallet_leases::Leases::<Runtime>::get(id)?;
	Some(LeaseView {
		id,
		consumer: lease.consumer,
		provider: lease.provider,
		gpus: lease.gpus.into_inner(),
		storage_gib: lease.storage_gib,
		cpu_cores: lease.cpu_cores,
		price_per_hour: lease.price_per_hour,
		opened_at: lease.opened_at,
		closed: match lease.status {
			LeaseStatus::Open => None,
			LeaseStatus::Closed { reason, at } => Some((reason, at)),
		},
		settled_epoch: lease.settled_epoch,
		deposited: lease.deposited,
		escrow: lease.escrow,
		paid: lease.paid,
		take: lease.take,
		refunded: lease.refunded,
		disputed: lease.disputed,
	})
}

pub fn leases_of(who: &AccountId) -> Vec<LeaseView<AccountId, Balance>> {
	let ids: BTreeSet<LeaseId> = pallet_leases::ConsumerLeases::<Runtime>::get(who)
		.into_iter()
		.chain(pallet_leases::ProviderLeases::<Runtime>::get(who))
		.collect();
	ids.into_iter().filter_map(lease).collect()
}

/// Up to `count` providers in storage order, starting after `start_after` (from the first when
/// `None`): a cursor, so a page deep in the map costs what the first one does.
pub fn providers(start_after: Option<AccountId>, count: u32) -> Vec<ProviderView<AccountId, Balance>> {
	use pallet_providers::Providers;
	let page = count.min(MAX_PROVIDERS_PER_PAGE) as usize;
	let keys: Vec<AccountId> = match start_after {
		Some(cursor) =>
			Providers::<Runtime>::iter_from(Providers::<Runtime>::hashed_key_for(&cursor)).map(|(who, _)| who).take(page).collect(),
		None => Providers::<Runtime>::iter_keys().take(page).collect(),
	};
	keys.iter().filter_map(provider).collect()
}

/// `account`'s last `epochs` (at most `MAX_HISTORY_EPOCHS`) ended epochs, oldest first: one
/// read (its liveness record), whoever asks.
pub fn provider_history(account: &AccountId, epochs: u32) -> Vec<ProviderEpoch<Balance>> {
	let current = pallet_economics::Pallet::<Runtime>::current_epoch();
	let first = current.saturating_sub(epochs.min(MAX_HISTORY_EPOCHS));
	let liveness = pallet_attestation::ProviderLiveness::<Runtime>::get(account);
	(first..current)
		.map(|epoch| match liveness.outcome(epoch) {
			Some(pallet_attestation::EpochOutcome::Reported(report)) =>
				ProviderEpoch { epoch, record: EpochRecord::Reported, leases: report.leases, charged: report.charged },
			Some(pallet_attestation::EpochOutcome::Missed) =>
				ProviderEpoch { epoch, record: EpochRecord::Missed, leases: 0, charged: 0 },
			None => ProviderEpoch { epoch, record: EpochRecord::None, leases: 0, charged: 0 },
		})
		.collect()
}

#[cfg(test)]
mod tests {
	use frame_support::traits::fungible::Mutate;
	use sp_runtime::BuildStorage;

	use super::*;
	use crate::{configs::MinProviderBond, currency::DPN, Providers, RuntimeGenesisConfig, RuntimeOrigin, System};

	fn account(index: u32) -> AccountId {
		let mut raw = [7u8; 32];
		raw[..4].copy_from_slice(&index.to_le_bytes());
		AccountId::new(raw)
	}

	/// A chain with `count` registered providers, one GPU and 1 TiB each, committed to its backend
	/// so that what a call reads can be proven.
	fn chain_with_providers(count: u32) -> sp_io::TestExternalities {
		let genesis = RuntimeGenesisConfig::default();
		let mut ext: sp_io::TestExternalities = genesis.build_storage().expect("genesis builds").into();
		ext.execute_with(|| {
			System::set_block_number(1);
			for index in 0..count {
				let who = account(index);
				Balances::set_balance(&who, MinProviderBond::get() + DPN);
				let signed = RuntimeOrigin::signed(who.clone());
				Providers::register(signed.clone(), MinProviderBond::get(), Default::default(), Default::default())
					.expect("registers");
				let gpu = pallet_providers::GpuSpec {
					uuid_hash: sp_core::H256::from_low_u64_be(u64::from(index)),
					model: frame_support::BoundedVec::truncate_from(b"H100".to_vec()),
					vram_mib: 80_000,
				};
				Providers::add_gpus(signed.clone(), frame_support::BoundedVec::truncate_from(vec![gpu])).expect("lists");
				Providers::set_capacity(signed, 1 << 40, 1).expect("declares");
			}
		});
		ext.commit_all().expect("commits");
		ext
	}

	/// Bytes of state a call reads: the size of the storage proof it needs.
	fn bytes_read<R>(ext: &mut sp_io::TestExternalities, call: impl FnOnce() -> R) -> (R, usize) {
		let (result, proof) = ext.execute_and_prove(call);
		(result, codec::Encode::encoded_size(&proof))
	}

	/// Attack: `depin_networkStats` and `depin_providers(4294967295, 1)` read every provider, so
	/// anyone could make a node walk the whole map per request. With counters and a cursor, both
	/// read as much with 10,000 providers as with 10 (up to the deeper trie: at most twice).
	#[test]
	fn network_stats_and_a_page_of_providers_cost_the_same_with_10_or_10_000_providers() {
		let mut small = chain_with_providers(10);
		let mut large = chain_with_providers(10_000);

		let (stats_small, read_small) = bytes_read(&mut small, network_stats);
		let (stats_large, read_large) = bytes_read(&mut large, network_stats);
		assert_eq!((stats_small.providers_total, stats_small.providers_active, stats_small.gpus), (10, 10, 10));
		assert_eq!((stats_large.providers_total, stats_large.providers_active, stats_large.gpus), (10_000, 10_000, 10_000));
		assert_eq!(stats_large.storage_bytes, 10_000u128 << 40);
		assert!(read_large <= 2 * read_small, "network stats read {read_small} bytes with 10 providers, {read_large} with 10,000");

		// The last page, by cursor, costs what the first page does.
		let last_but_one = large.execute_with(|| {
			pallet_providers::Providers::<Runtime>::iter_keys().nth(9_998).expect("10,000 providers")
		});
		let (first_page, read_first) = bytes_read(&mut large, || providers(None, 1));
		let (last_page, read_last) = bytes_read(&mut large, || providers(Some(last_but_one), 1));
		assert_eq!((first_page.len(), last_page.len()), (1, 1));
		assert!(read_last <= 2 * read_first, "first page read {read_first} bytes, the last {read_last}");
	}

	#[test]
	fn paging_by_cursor_visits_every_provider_once() {
		let mut ext = chain_with_providers(250);
		ext.execute_with(|| {
			let mut seen = alloc::collections::btree_set::BTreeSet::new();
			let mut cursor = None;
			loop {
				let page = providers(cursor.clone(), MAX_PROVIDERS_PER_PAGE);
				let Some(last) = page.last() else { break };
				cursor = Some(last.account.clone());
				for view in &page {
					assert!(seen.insert(view.account.clone()), "a provider on two pages");
				}
			}
			assert_eq!(seen.len(), 250);
			// A page is never longer than the limit, whatever is asked.
			assert_eq!(providers(None, u32::MAX).len() as u32, MAX_PROVIDERS_PER_PAGE);
		});
	}

	#[test]
	fn a_providers_history_lists_its_last_ended_epochs_oldest_first() {
		let mut ext = chain_with_providers(1);
		ext.execute_with(|| {
			let who = account(0);
			let length = pallet_attestation::Pallet::<Runtime>::clock().length();
			// In epoch 5: epochs 0..=4 have ended.
			System::set_block_number(5 * length + 1);
			let report = pallet_attestation::ReportRecord { leases: 3, charged: 7 * DPN };
			let recorded = vec![
				(2, pallet_attestation::EpochOutcome::Reported(report)),
				(3, pallet_attestation::EpochOutcome::Missed),
			];
			pallet_attestation::ProviderLiveness::<Runtime>::insert(
				&who,
				pallet_attestation::Liveness { recorded: recorded.try_into().expect("two records"), ..Default::default() },
			);
			let history = provider_history(&who, 4);
			let records: Vec<_> = history.iter().map(|e| (e.epoch, e.record, e.leases, e.charged)).collect();
			assert_eq!(
				records,
				vec![
					(1, EpochRecord::None, 0, 0),
					(2, EpochRecord::Reported, 3, 7 * DPN),
					(3, EpochRecord::Missed, 0, 0),
					(4, EpochRecord::None, 0, 0),
				]
			);
			// More epochs than have ended: all of them; never more than the limit.
			assert_eq!(provider_history(&who, 50).len(), 5);
			System::set_block_number(500 * length);
			assert_eq!(provider_history(&who, u32::MAX).len() as u32, MAX_HISTORY_EPOCHS);
		});
	}

	/// Indexers (SQD, SubQuery, Subscan) decode events by field name: every event of the four
	/// pallets names its fields, and each carries an id to join on.
	#[test]
	fn every_event_of_the_depin_pallets_names_its_fields_and_an_id() {
		use scale_info::{form::PortableForm, meta_type, PortableRegistry, Registry, TypeDef};

		let mut registry = Registry::new();
		let events = [
			("Providers", registry.register_type(&meta_type::<pallet_providers::Event<Runtime>>())),
			("Leases", registry.register_type(&meta_type::<pallet_leases::Event<Runtime>>())),
			("Attestation", registry.register_type(&meta_type::<pallet_attestation::Event<Runtime>>())),
			("Economics", registry.register_type(&meta_type::<pallet_economics::Event<Runtime>>())),
		];
		let registry: PortableRegistry = registry.into();
		let ids = ["provider", "auditor", "lease", "order", "epoch", "squatter", "params"];
		for (pallet, id) in events {
			let TypeDef::Variant(variants) = &registry.resolve(id.id).expect("registered").type_def else {
				panic!("{pallet}::Event is an enum");
			};
			for variant in &variants.variants {
				let names: Vec<&str> = variant
					.fields
					.iter()
					.map(|field: &scale_info::Field<PortableForm>| {
						field.name.as_deref().unwrap_or_else(|| panic!("{pallet}.{} has an unnamed field", variant.name))
					})
					.collect();
				assert!(
					names.iter().any(|name| ids.contains(name)),
					"{pallet}.{} carries no id to join on: {names:?}",
					variant.name
				);
			}
		}
	}
}
