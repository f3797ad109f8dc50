//! What the explorer runtime API (`DepinApi`, behind the node's `depin_*` RPC) reads: one view
//! over the providers, leases, attestation and economics pallets. Read-only; nothing here runs
//! in blocks.

use alloc::{collections::btree_set::BTreeSet, vec::Vec};
use depin_explorer_api::{LeaseView, NetworkStats, ProviderView};
use depin_primitives::{EpochIndex, EpochLedger, LeaseId, ProviderStatus};
use pallet_leases::LeaseStatus;

use crate::{AccountId, Balance, Balances, Runtime};

/// Most providers one `providers` call returns.
pub const MAX_PROVIDERS_PER_PAGE: u32 = 100;

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
	for (who, record) in pallet_providers::Providers::<Runtime>::iter() {
		stats.providers_total = stats.providers_total.saturating_add(1);
		match record.status {
			ProviderStatus::Active => stats.providers_active = stats.providers_active.saturating_add(1),
			ProviderStatus::Suspended => stats.providers_suspended = stats.providers_suspended.saturating_add(1),
			_ => {},
		}
		let gpus = pallet_providers::Gpus::<Runtime>::decode_len(&who).unwrap_or(0) as u32;
		stats.gpus = stats.gpus.saturating_add(gpus);
		let audited = pallet_providers::Pallet::<Runtime>::audited_hardware(&who).gpus.len() as u32;
		stats.audited_gpus = stats.audited_gpus.saturating_add(audited);
		stats.storage_bytes = stats.storage_bytes.saturating_add(record.capacity.storage_bytes);
	}
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

/// The ledger of an epoch that has begun; `None` for future epochs.
pub fn epoch_ledger(epoch: EpochIndex) -> Option<EpochLedger<Balance>> {
	(epoch <= pallet_economics::Pallet::<Runtime>::current_epoch())
		.then(|| pallet_economics::Ledgers::<Runtime>::get(epoch))
}

pub fn provider(who: &AccountId) -> Option<ProviderView<AccountId, Balance>> {
	let record = pallet_providers::Providers::<Runtime>::get(who)?;
	let audited = pallet_providers::Pallet::<Runtime>::audited_hardware(who);
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

pub fn providers(start: u32, count: u32) -> Vec<ProviderView<AccountId, Balance>> {
	pallet_providers::Providers::<Runtime>::iter_keys()
		.skip(start as usize)
		.take(count.min(MAX_PROVIDERS_PER_PAGE) as usize)
		.filter_map(|who| provider(&who))
		.collect()
}
