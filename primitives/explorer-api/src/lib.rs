//! # DePIN explorer API
//!
//! The runtime API explorers read, `DepinApi`, and the views it returns: network statistics,
//! epoch ledgers, providers and leases, from chain state. A crate of its own, as
//! `pallet-transaction-payment-rpc-runtime-api` is for transaction payment, so clients and the
//! node's `depin_*` JSON-RPC methods need none of the pallets.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::vec::Vec;
use codec::{Decode, Encode};
use depin_primitives::{CloseReason, EpochIndex, EpochLedger, GpuSpec, LeaseId, ProviderStatus};
use scale_info::TypeInfo;

/// The whole network now, and over the trailing window of closed epochs.
#[derive(Encode, Decode, TypeInfo, Clone, PartialEq, Eq, Debug, Default)]
pub struct NetworkStats<Balance> {
	pub current_epoch: EpochIndex,
	pub epoch_length: u32,
	pub last_closed_epoch: Option<EpochIndex>,
	pub providers_active: u32,
	pub providers_suspended: u32,
	/// Every registered provider, whatever its status.
	pub providers_total: u32,
	pub gpus: u32,
	pub storage_bytes: u128,
	pub open_leases: u32,
	/// Closed epochs the trailing figures cover (the emission parameters' window).
	pub trailing_epochs: u32,
	pub trailing_fee_revenue: Balance,
	pub trailing_emission: Balance,
	pub trailing_gpu_capacity_blocks: u64,
	pub trailing_gpu_leased_blocks: u64,
	pub trailing_gpu_busy_blocks: u64,
	pub trailing_storage_capacity_gib_blocks: u64,
	pub trailing_storage_leased_gib_blocks: u64,
	/// Of the trailing emission: the part matched to take paid, and the part for audited
	/// capacity.
	pub trailing_usage_emission: Balance,
	pub trailing_capacity_emission: Balance,
	/// GPU-blocks of audited GPUs that answered, of all `trailing_gpu_capacity_blocks`.
	pub trailing_audited_gpu_blocks: u64,
	/// GPUs a current auditor vouches for, of all `gpus`.
	pub audited_gpus: u32,
	pub total_issuance: Balance,
	pub genesis_issuance: Balance,
	pub total_minted: Balance,
	pub total_burned: Balance,
}

/// A provider as explorers show it.
#[derive(Encode, Decode, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct ProviderView<AccountId, Balance> {
	pub account: AccountId,
	pub status: ProviderStatus,
	pub region: Vec<u8>,
	pub bond: Balance,
	pub unbonding: Balance,
	pub gpus: Vec<GpuSpec>,
	pub storage_bytes: u64,
	pub cpu_cores: u32,
	pub open_leases: u32,
	pub earned_fees: Balance,
	pub earned_emission: Balance,
	pub reports: u32,
	pub missed_epochs: u32,
	pub missed_in_a_row: u32,
	pub last_reported_epoch: Option<EpochIndex>,
	pub has_reporting_key: bool,
	/// GPUs and storage (GiB) of it a current auditor vouches for.
	pub audited_gpus: u32,
	pub audited_storage_gib: u64,
}

/// A lease as explorers show it.
#[derive(Encode, Decode, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct LeaseView<AccountId, Balance> {
	pub id: LeaseId,
	pub consumer: AccountId,
	pub provider: AccountId,
	pub gpus: Vec<sp_core::H256>,
	pub storage_gib: u32,
	pub cpu_cores: u32,
	pub price_per_hour: Balance,
	pub opened_at: u32,
	/// `None` while open.
	pub closed: Option<(CloseReason, u32)>,
	pub settled_epoch: Option<EpochIndex>,
	pub deposited: Balance,
	pub escrow: Balance,
	pub paid: Balance,
	pub take: Balance,
	pub refunded: Balance,
	pub disputed: Balance,
}

/// What the chain recorded of a provider for one ended epoch.
#[derive(Encode, Decode, TypeInfo, Clone, Copy, PartialEq, Eq, Debug)]
pub enum EpochRecord {
	/// Its report landed.
	Reported,
	/// A miss was recorded (and slashed).
	Missed,
	/// Neither: no lease to report, a window still open, or a record already swept.
	None,
}

/// One ended epoch of a provider's history (its uptime on an explorer).
#[derive(Encode, Decode, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct ProviderEpoch<Balance> {
	pub epoch: EpochIndex,
	pub record: EpochRecord,
	/// Leases the report covered, and what they were charged (zero unless `Reported`).
	pub leases: u32,
	pub charged: Balance,
}

/// How far the chain trusts one of a provider's GPUs, and what its attestation proved.
#[derive(Encode, Decode, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct GpuTierView {
	pub uuid_hash: sp_core::H256,
	pub model: Vec<u8>,
	pub tier: depin_primitives::HardwareTier,
	/// The attestation in force, if the tier is `Attested`.
	pub attestation: Option<depin_primitives::AttestedGpu>,
}

sp_api::decl_runtime_apis! {
	/// What the `depin_*` JSON-RPC methods serve.
	#[api_version(2)]
	pub trait DepinApi<AccountId, Balance> where AccountId: codec::Codec, Balance: codec::Codec {
		fn network_stats() -> NetworkStats<Balance>;
		fn epoch_ledger(epoch: EpochIndex) -> Option<EpochLedger<Balance>>;
		fn provider(account: AccountId) -> Option<ProviderView<AccountId, Balance>>;
		fn lease(id: LeaseId) -> Option<LeaseView<AccountId, Balance>>;
		/// Leases in which `account` is the consumer or the provider (those still listed: open,
		/// or holding escrow).
		fn leases_of(account: AccountId) -> Vec<LeaseView<AccountId, Balance>>;
		/// Up to `count` providers in storage order, after the provider `start_after`.
		fn providers(start_after: Option<AccountId>, count: u32) -> Vec<ProviderView<AccountId, Balance>>;
		/// `account`'s last `epochs` (at most 100) ended epochs, oldest first.
		#[api_version(2)]
		fn provider_history(account: AccountId, epochs: u32) -> Vec<ProviderEpoch<Balance>>;
		/// Each of `account`'s GPUs with its tier now: self-reported, audited, or attested (with
		/// the device identity, model/SKU, driver, VBIOS and expiry its report proved).
		#[api_version(3)]
		fn gpu_tiers(account: AccountId) -> Vec<GpuTierView>;
		/// The nonce a report for `account`'s GPU `gpu` must answer in the current epoch (what the
		/// node's attestation source is asked to sign over).
		#[api_version(3)]
		fn gpu_attestation_nonce(account: AccountId, gpu: sp_core::H256) -> Option<[u8; 32]>;
	}
}
