//! Types stored by the leases pallet.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
	traits::fungible::Inspect, BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
};
use pallet_providers::{GpuModel, Region};
use scale_info::TypeInfo;
use sp_core::H256;

use crate::Config;

pub type AccountIdOf<T> = <T as frame_system::Config>::AccountId;
pub type BalanceOf<T> = <<T as Config>::Currency as Inspect<AccountIdOf<T>>>::Balance;
/// Funds taken off a hold and not yet paid to anyone.
pub type CreditOf<T> = frame_support::traits::fungible::Credit<AccountIdOf<T>, <T as Config>::Currency>;
pub type BlockNumberOf<T> = frame_system::pallet_prelude::BlockNumberFor<T>;
pub type LeaseId = u64;
pub type OrderId = u64;
/// Epochs count from genesis: epoch `e` spans blocks `[e * EpochLength, (e + 1) * EpochLength)`.
pub type EpochIndex = u32;

/// One GiB, the unit storage is priced and leased in.
pub const GIB: u64 = 1 << 30;

/// What a consumer asks for.
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug, Default,
)]
pub struct ResourceRequest {
	/// Number of GPUs.
	pub gpus: u32,
	/// Only GPUs of this model (NVML name), if set.
	pub gpu_model: Option<GpuModel>,
	/// Only GPUs with at least this much memory.
	pub min_vram_mib: u32,
	pub storage_gib: u32,
	pub cpu_cores: u32,
}

impl ResourceRequest {
	pub fn is_empty(&self) -> bool {
		self.gpus == 0 && self.storage_gib == 0 && self.cpu_cores == 0
	}
}

/// Why a lease closed; carried in `LeaseClosed`.
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug,
)]
pub enum CloseReason {
	/// The consumer ended it.
	ConsumerClosed,
	/// The provider ended it.
	ProviderClosed,
	/// The escrow could not cover the next epoch.
	InsufficientFunds,
	/// The provider was suspended (e.g. for missed usage reports).
	ProviderSuspended,
	/// The provider is no longer registered or is leaving.
	ProviderGone,
}

#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug,
)]
pub enum LeaseStatus<BlockNumber> {
	Open,
	Closed { reason: CloseReason, at: BlockNumber },
}

/// A lease: resources of one provider rented by one consumer against escrow.
///
/// Money always adds up: `deposited = paid + take + refunded + escrow + disputed`, where `escrow`
/// is still held on the consumer for this lease and `disputed` is held for disputed epochs.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound)]
#[scale_info(skip_type_params(T))]
pub struct Lease<T: Config> {
	pub consumer: AccountIdOf<T>,
	pub provider: AccountIdOf<T>,
	/// The GPUs (NVML UUID hashes) allocated to this lease.
	pub gpus: BoundedVec<H256, T::MaxGpusPerLease>,
	pub storage_gib: u32,
	pub cpu_cores: u32,
	/// Fixed when the lease opens.
	pub price_per_hour: BalanceOf<T>,
	pub opened_at: BlockNumberOf<T>,
	pub status: LeaseStatus<BlockNumberOf<T>>,
	/// Last epoch for which attested usage was settled.
	pub settled_epoch: Option<EpochIndex>,
	pub deposited: BalanceOf<T>,
	pub escrow: BalanceOf<T>,
	/// Paid to the provider.
	pub paid: BalanceOf<T>,
	/// Protocol take split off payments.
	pub take: BalanceOf<T>,
	/// Returned to the consumer.
	pub refunded: BalanceOf<T>,
	/// Charged for disputed epochs and held until the disputes are resolved.
	pub disputed: BalanceOf<T>,
}

impl<T: Config> Lease<T> {
	pub fn is_open(&self) -> bool {
		matches!(self.status, LeaseStatus::Open)
	}
}

/// An open request for bids.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound)]
#[scale_info(skip_type_params(T))]
pub struct Order<T: Config> {
	pub consumer: AccountIdOf<T>,
	pub request: ResourceRequest,
	pub region: Option<Region>,
	/// Only providers this auditor attested may bid.
	pub required_auditor: Option<AccountIdOf<T>>,
	pub max_price_per_hour: BalanceOf<T>,
	/// Held as `LeaseEscrow`; becomes the lease's escrow when a bid is accepted.
	pub deposit: BalanceOf<T>,
	pub expires_at: BlockNumberOf<T>,
	pub bids: u32,
}

/// A provider's resources under open leases.
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug, Default,
)]
pub struct Commitment {
	pub open_leases: u32,
	pub storage_gib: u64,
	pub cpu_cores: u32,
}

/// Where a settlement's charge goes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Payee {
	/// To the provider (less the protocol take) at once.
	Provider,
	/// Nowhere yet: the epoch is disputed, so the charge is held until the dispute is resolved.
	HeldForDispute,
}

/// One lease's attested service in an epoch, as a report presents it for settlement.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct LeaseCharge {
	pub lease: LeaseId,
	pub attested_blocks: u32,
	pub payee: Payee,
}

/// What settling one lease did.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Settlement<Balance> {
	/// Taken from the consumer's escrow.
	pub charged: Balance,
	/// Paid to the provider.
	pub provider_share: Balance,
	/// Protocol take.
	pub take: Balance,
	/// The lease closed because its escrow cannot cover another epoch.
	pub closed: bool,
}

/// A lease as the attestation worker sees it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct LeaseUsage<AccountId> {
	pub id: LeaseId,
	pub consumer: AccountId,
	pub gpus: alloc::vec::Vec<H256>,
	pub storage_gib: u32,
	pub cpu_cores: u32,
	/// Blocks `[from, until)` of service: only these can be attested.
	pub served_from: u32,
	pub served_until: Option<u32>,
}
