//! The explorer JSON-RPC methods, `depin_*`: network statistics, epoch ledgers, providers and
//! leases, from the runtime's `DepinApi`. Safe to expose (`--rpc-methods safe`): read-only.
//!
//! JSON fields are camelCase; balances are decimal strings of planck (DPN has 12 decimals);
//! accounts SS58 (format 42); ratios decimal strings, `null` when the denominator is zero.
//! Unknown ids give `null`; bad arguments a JSON-RPC error (invalid params).
//!
//! Every method runs its runtime call as a blocking task (`blocking`): a runtime call is
//! synchronous work that would otherwise hold one of the RPC server's async workers, so a client
//! sending batches of them would delay every other client's requests.

use std::sync::Arc;

use depin_runtime::{opaque::Block, AccountId, Balance};
use jsonrpsee::{
	core::RpcResult,
	proc_macros::rpc,
	types::error::{ErrorCode, ErrorObject, ErrorObjectOwned},
};
use depin_explorer_api::{
	DepinApi as DepinRuntimeApi, EpochRecord, GpuTierView, LeaseView, NetworkStats, ProviderEpoch, ProviderView,
};
use depin_primitives::EpochLedger;
use serde_json::{json, Value};
use sp_api::{ApiExt, ProvideRuntimeApi};
use sp_blockchain::HeaderBackend;
use sp_core::crypto::{Ss58AddressFormat, Ss58Codec};

type Hash = <Block as sp_runtime::traits::Block>::Hash;

/// Blocks per hour: device-blocks are also given in device-hours.
const BLOCKS_PER_HOUR: u64 = depin_runtime::time::HOURS as u64;
const SS58_FORMAT: u16 = depin_runtime::currency::SS58_PREFIX;

#[rpc(server, namespace = "depin")]
pub trait DepinApi {
	/// The network now and over the trailing window of closed epochs.
	#[method(name = "networkStats", blocking)]
	fn network_stats(&self, at: Option<Hash>) -> RpcResult<Value>;

	/// The ledger of `epoch`, or `null` for an epoch that has not begun.
	#[method(name = "epochLedger", blocking)]
	fn epoch_ledger(&self, epoch: u32, at: Option<Hash>) -> RpcResult<Option<Value>>;

	/// A provider by SS58 address, or `null`.
	#[method(name = "provider", blocking)]
	fn provider(&self, account: String, at: Option<Hash>) -> RpcResult<Option<Value>>;

	/// A lease by id, or `null`.
	#[method(name = "lease", blocking)]
	fn lease(&self, id: u64, at: Option<Hash>) -> RpcResult<Option<Value>>;

	/// Leases in which the account is the consumer or the provider (open, or holding escrow).
	#[method(name = "leasesOf", blocking)]
	fn leases_of(&self, account: String, at: Option<Hash>) -> RpcResult<Vec<Value>>;

	/// Up to `count` (at most 100) providers in storage order, after the provider `start_after`
	/// (SS58; `null` for the first page). The next page starts after the last account returned.
	#[method(name = "providers", blocking)]
	fn providers(&self, start_after: Option<String>, count: u32, at: Option<Hash>) -> RpcResult<Vec<Value>>;

	/// The provider's last `epochs` (at most 100) ended epochs, oldest first: `epoch`, `status`
	/// (`Reported`, `Missed` or `None`), `leases`, `charged`.
	#[method(name = "providerHistory", blocking)]
	fn provider_history(&self, account: String, epochs: u32, at: Option<Hash>) -> RpcResult<Vec<Value>>;
}

pub struct Depin<C> {
	client: Arc<C>,
}

impl<C> Depin<C> {
	pub fn new(client: Arc<C>) -> Self {
		Self { client }
	}
}

fn invalid_params(message: impl Into<String>) -> ErrorObjectOwned {
	ErrorObject::owned(ErrorCode::InvalidParams.code(), message.into(), None::<()>)
}

fn runtime_error(error: impl std::fmt::Display) -> ErrorObjectOwned {
	ErrorObject::owned(ErrorCode::InternalError.code(), format!("runtime API: {error}"), None::<()>)
}

/// The longest SS58 text of an account: a prefix of at most two bytes, 32 bytes of account and
/// two of checksum are 36 bytes, at most 50 base58 characters.
pub const MAX_SS58_CHARS: usize = 50;

/// An account from its SS58 text. Longer text is refused before decoding: base58 decoding costs
/// time quadratic in the input (8 s for 64 KiB). Errors never echo the argument back.
pub fn parse_account(address: &str) -> RpcResult<AccountId> {
	if address.len() > MAX_SS58_CHARS {
		return Err(invalid_params(format!(
			"an SS58 address has at most {MAX_SS58_CHARS} characters, this one {}",
			address.len()
		)));
	}
	AccountId::from_ss58check(address).map_err(|_| invalid_params("not an SS58 address"))
}

fn address(account: &AccountId) -> String {
	account.to_ss58check_with_version(Ss58AddressFormat::custom(SS58_FORMAT))
}

fn balance(value: Balance) -> String {
	value.to_string()
}

/// `numerator / denominator` with four decimals, or `None` when the denominator is zero.
pub fn ratio(numerator: u128, denominator: u128) -> Option<String> {
	if denominator == 0 {
		return None;
	}
	let scaled = numerator.saturating_mul(10_000) / denominator;
	Some(format!("{}.{:04}", scaled / 10_000, scaled % 10_000))
}

/// Device-blocks as device-hours, three decimals.
pub fn hours(blocks: u64) -> String {
	let millis = u128::from(blocks) * 1_000 / u128::from(BLOCKS_PER_HOUR);
	format!("{}.{:03}", millis / 1_000, millis % 1_000)
}

pub fn stats_json(s: &NetworkStats<Balance>) -> Value {
	json!({
		"currentEpoch": s.current_epoch,
		"epochLength": s.epoch_length,
		"lastClosedEpoch": s.last_closed_epoch,
		"providersActive": s.providers_active,
		"providersSuspended": s.providers_suspended,
		"providersTotal": s.providers_total,
		"gpus": s.gpus,
		"storageBytes": s.storage_bytes.to_string(),
		"openLeases": s.open_leases,
		"trailingEpochs": s.trailing_epochs,
		"trailingFeeRevenue": balance(s.trailing_fee_revenue),
		"trailingEmission": balance(s.trailing_emission),
		"trailingUsageEmission": balance(s.trailing_usage_emission),
		"trailingCapacityEmission": balance(s.trailing_capacity_emission),
		"revenueCoverage": ratio(s.trailing_fee_revenue, s.trailing_emission),
		"gpuUtilization": ratio(s.trailing_gpu_leased_blocks.into(), s.trailing_gpu_capacity_blocks.into()),
		"gpuBusy": ratio(s.trailing_gpu_busy_blocks.into(), s.trailing_gpu_capacity_blocks.into()),
		"storageUtilization": ratio(
			s.trailing_storage_leased_gib_blocks.into(),
			s.trailing_storage_capacity_gib_blocks.into()
		),
		"trailingGpuCapacityHours": hours(s.trailing_gpu_capacity_blocks),
		"trailingGpuLeasedHours": hours(s.trailing_gpu_leased_blocks),
		"trailingAuditedGpuHours": hours(s.trailing_audited_gpu_blocks),
		"auditedGpus": s.audited_gpus,
		"totalIssuance": balance(s.total_issuance),
		"genesisIssuance": balance(s.genesis_issuance),
		"totalMinted": balance(s.total_minted),
		"totalBurned": balance(s.total_burned),
	})
}

pub fn ledger_json(epoch: u32, l: &EpochLedger<Balance>) -> Value {
	json!({
		"epoch": epoch,
		"closed": l.closed,
		"feeRevenue": balance(l.fee_revenue),
		"providerEarnings": balance(l.provider_earnings),
		"takeToTreasury": balance(l.take_to_treasury),
		"takeBurned": balance(l.take_burned),
		"emission": balance(l.emission),
		"usageEmission": balance(l.usage_emission),
		"capacityEmission": balance(l.capacity_emission),
		"matchedTake": balance(l.matched_take),
		"emissionMinted": balance(l.emission_minted),
		"emissionClaimed": balance(l.emission_claimed),
		"slashed": balance(l.slashed),
		"burned": balance(l.burned),
		"openLeases": l.open_leases,
		"providersReported": l.providers_reported,
		"gpuCapacityBlocks": l.gpu_capacity_blocks,
		"gpuLeasedBlocks": l.gpu_leased_blocks,
		"gpuBusyBlocks": l.gpu_busy_blocks,
		"gpuCapacityHours": hours(l.gpu_capacity_blocks),
		"gpuLeasedHours": hours(l.gpu_leased_blocks),
		"storageCapacityGibBlocks": l.storage_capacity_gib_blocks,
		"storageLeasedGibBlocks": l.storage_leased_gib_blocks,
		"storageUsedGibBlocks": l.storage_used_gib_blocks,
		"storageCapacityGibHours": hours(l.storage_capacity_gib_blocks),
		"storageUsedGibHours": hours(l.storage_used_gib_blocks),
		"auditedGpuBlocks": l.audited_gpu_blocks,
		"auditedGpuHours": hours(l.audited_gpu_blocks),
		"auditedStorageGibBlocks": l.audited_storage_gib_blocks,
		"capacityWork": l.capacity_work.to_string(),
		"revenueCoverage": ratio(l.fee_revenue, l.emission),
		"gpuUtilization": ratio(l.gpu_leased_blocks.into(), l.gpu_capacity_blocks.into()),
		"storageUtilization": ratio(l.storage_leased_gib_blocks.into(), l.storage_capacity_gib_blocks.into()),
		"swept": l.swept,
	})
}

/// A GPU's tier and, if attested, what its report proved.
fn gpu_tier_json(tier: &GpuTierView) -> Value {
	let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
	json!({
		"tier": format!("{:?}", tier.tier),
		"attestation": tier.attestation.as_ref().map(|a| json!({
			"device": format!("{:?}", a.device),
			"project": text(&a.project),
			"sku": text(&a.sku),
			"driverVersion": text(&a.driver_version),
			"vbiosVersion": text(&a.vbios_version),
			"attestedEpoch": a.attested,
			"expiresEpoch": a.expires,
		})),
	})
}

/// A provider; `tiers` (from a runtime that serves them) adds each GPU's tier and attestation.
pub fn provider_json(p: &ProviderView<AccountId, Balance>, tiers: Option<&[GpuTierView]>) -> Value {
	let tier_of = |uuid_hash: &sp_core::H256| {
		tiers.and_then(|tiers| tiers.iter().find(|t| t.uuid_hash == *uuid_hash)).map(gpu_tier_json)
	};
	json!({
		"account": address(&p.account),
		"status": format!("{:?}", p.status),
		"region": String::from_utf8_lossy(&p.region),
		"bond": balance(p.bond),
		"unbonding": balance(p.unbonding),
		"gpus": p.gpus.iter().map(|g| json!({
			"uuidHash": format!("{:?}", g.uuid_hash),
			"model": String::from_utf8_lossy(&g.model),
			"vramMib": g.vram_mib,
			"tier": tier_of(&g.uuid_hash).as_ref().and_then(|t| t.get("tier").cloned()),
			"attestation": tier_of(&g.uuid_hash).as_ref().and_then(|t| t.get("attestation").cloned()),
		})).collect::<Vec<_>>(),
		"storageBytes": p.storage_bytes.to_string(),
		"cpuCores": p.cpu_cores,
		"openLeases": p.open_leases,
		"earnings": {
			"fees": balance(p.earned_fees),
			"emission": balance(p.earned_emission),
			"total": balance(p.earned_fees.saturating_add(p.earned_emission)),
		},
		"reports": p.reports,
		"missedEpochs": p.missed_epochs,
		"missedInARow": p.missed_in_a_row,
		"lastReportedEpoch": p.last_reported_epoch,
		"hasReportingKey": p.has_reporting_key,
		"auditedGpus": p.audited_gpus,
		"auditedStorageGib": p.audited_storage_gib,
	})
}

pub fn lease_json(l: &LeaseView<AccountId, Balance>) -> Value {
	json!({
		"id": l.id,
		"consumer": address(&l.consumer),
		"provider": address(&l.provider),
		"gpus": l.gpus.iter().map(|g| format!("{g:?}")).collect::<Vec<_>>(),
		"storageGib": l.storage_gib,
		"cpuCores": l.cpu_cores,
		"pricePerHour": balance(l.price_per_hour),
		"openedAt": l.opened_at,
		"status": if l.closed.is_some() { "Closed" } else { "Open" },
		"closeReason": l.closed.map(|(reason, _)| format!("{reason:?}")),
		"closedAt": l.closed.map(|(_, at)| at),
		"settledEpoch": l.settled_epoch,
		"deposited": balance(l.deposited),
		"escrow": balance(l.escrow),
		"paid": balance(l.paid),
		"take": balance(l.take),
		"refunded": balance(l.refunded),
		"disputed": balance(l.disputed),
	})
}

pub fn provider_epoch_json(e: &ProviderEpoch<Balance>) -> Value {
	json!({
		"epoch": e.epoch,
		"status": match e.record {
			EpochRecord::Reported => "Reported",
			EpochRecord::Missed => "Missed",
			EpochRecord::None => "None",
		},
		"leases": e.leases,
		"charged": balance(e.charged),
	})
}

impl<C> Depin<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: DepinRuntimeApi<Block, AccountId, Balance>,
{
	/// GPU tiers, where the runtime at `at` serves them (API version 3 on).
	fn gpu_tiers(&self, at: Hash, who: AccountId) -> RpcResult<Option<Vec<GpuTierView>>> {
		let api = self.client.runtime_api();
		let version = api.api_version::<dyn DepinRuntimeApi<Block, AccountId, Balance>>(at).map_err(runtime_error)?;
		if version.unwrap_or_default() < 3 {
			return Ok(None);
		}
		api.gpu_tiers(at, who).map(Some).map_err(runtime_error)
	}
}

impl<C> DepinApiServer for Depin<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: DepinRuntimeApi<Block, AccountId, Balance>,
{
	fn network_stats(&self, at: Option<Hash>) -> RpcResult<Value> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let stats = self.client.runtime_api().network_stats(at).map_err(runtime_error)?;
		Ok(stats_json(&stats))
	}

	fn epoch_ledger(&self, epoch: u32, at: Option<Hash>) -> RpcResult<Option<Value>> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let ledger = self.client.runtime_api().epoch_ledger(at, epoch).map_err(runtime_error)?;
		Ok(ledger.map(|l| ledger_json(epoch, &l)))
	}

	fn provider(&self, account: String, at: Option<Hash>) -> RpcResult<Option<Value>> {
		let who = parse_account(&account)?;
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let view = self.client.runtime_api().provider(at, who.clone()).map_err(runtime_error)?;
		let tiers = self.gpu_tiers(at, who)?;
		Ok(view.as_ref().map(|view| provider_json(view, tiers.as_deref())))
	}

	fn lease(&self, id: u64, at: Option<Hash>) -> RpcResult<Option<Value>> {
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let view = self.client.runtime_api().lease(at, id).map_err(runtime_error)?;
		Ok(view.as_ref().map(lease_json))
	}

	fn leases_of(&self, account: String, at: Option<Hash>) -> RpcResult<Vec<Value>> {
		let who = parse_account(&account)?;
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let views = self.client.runtime_api().leases_of(at, who).map_err(runtime_error)?;
		Ok(views.iter().map(lease_json).collect())
	}

	fn providers(&self, start_after: Option<String>, count: u32, at: Option<Hash>) -> RpcResult<Vec<Value>> {
		if count > depin_runtime::explorer::MAX_PROVIDERS_PER_PAGE {
			return Err(invalid_params(format!(
				"count is at most {}",
				depin_runtime::explorer::MAX_PROVIDERS_PER_PAGE
			)));
		}
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let start_after = start_after.as_deref().map(parse_account).transpose()?;
		let views = self.client.runtime_api().providers(at, start_after, count).map_err(runtime_error)?;
		views
			.iter()
			.map(|view| Ok(provider_json(view, self.gpu_tiers(at, view.account.clone())?.as_deref())))
			.collect()
	}

	fn provider_history(&self, account: String, epochs: u32, at: Option<Hash>) -> RpcResult<Vec<Value>> {
		if epochs > depin_runtime::explorer::MAX_HISTORY_EPOCHS {
			return Err(invalid_params(format!("epochs is at most {}", depin_runtime::explorer::MAX_HISTORY_EPOCHS)));
		}
		let who = parse_account(&account)?;
		let at = at.unwrap_or_else(|| self.client.info().best_hash);
		let history = self.client.runtime_api().provider_history(at, who, epochs).map_err(runtime_error)?;
		Ok(history.iter().map(provider_epoch_json).collect())
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn ratios_and_hours_are_decimal_strings() {
		assert_eq!(ratio(1, 3), Some("0.3333".into()));
		assert_eq!(ratio(5, 2), Some("2.5000".into()));
		assert_eq!(ratio(7, 0), None);
		assert_eq!(hours(600), "1.000");
		assert_eq!(hours(10), "0.016");
		assert_eq!(hours(0), "0.000");
	}

	#[test]
	fn accounts_are_ss58_and_bad_ones_are_invalid_params() {
		let alice = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
		let parsed = parse_account(alice).expect("valid");
		assert_eq!(address(&parsed), alice);
		let error = parse_account("not-an-address").unwrap_err();
		assert_eq!(error.code(), ErrorCode::InvalidParams.code());
	}
}
