//! Types stored by the provider registry.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::fmt::Debug;
use frame_support::{
	pallet_prelude::ConstU32,
	traits::{fungible::Inspect, Get},
	BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
};
use scale_info::TypeInfo;

use crate::Config;

pub use depin_primitives::{Capacity, GpuModel, GpuSpec, ProviderStatus, Region, MAX_MODEL_LEN, MAX_REGION_LEN};

/// What opens a reporting key's proof of possession (see `Pallet::reporting_key_proof_payload`).
pub const REPORTING_KEY_PROOF_CONTEXT: [u8; 22] = *b"depin/reporting-key/v1";

pub type AccountIdOf<T> = <T as frame_system::Config>::AccountId;
pub type BalanceOf<T> = <<T as Config>::Currency as Inspect<AccountIdOf<T>>>::Balance;
pub type BlockNumberOf<T> = frame_system::pallet_prelude::BlockNumberFor<T>;

/// Longest auditor attribute key or value, e.g. `tier` = `datacenter`.
pub const MAX_ATTRIBUTE_LEN: u32 = 32;

pub type AttributeKey = BoundedVec<u8, ConstU32<MAX_ATTRIBUTE_LEN>>;
pub type AttributeValue = BoundedVec<u8, ConstU32<MAX_ATTRIBUTE_LEN>>;

/// Hourly prices, in planck per resource unit.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
)]
#[scale_info(skip_type_params(MaxModels))]
pub struct PriceList<Balance: Clone + PartialEq + Eq + Debug, MaxModels: Get<u32>> {
	/// Per GPU of a model, per hour.
	pub gpu: BoundedVec<(GpuModel, Balance), MaxModels>,
	/// Per GiB of storage, per hour.
	pub storage_gib: Balance,
	/// Per CPU core, per hour.
	pub cpu_core: Balance,
}

impl<Balance: Clone + PartialEq + Eq + Debug + Default, MaxModels: Get<u32>> Default
	for PriceList<Balance, MaxModels>
{
	fn default() -> Self {
		Self { gpu: BoundedVec::default(), storage_gib: Balance::default(), cpu_core: Balance::default() }
	}
}

impl<Balance: Copy + PartialEq + Eq + Debug, MaxModels: Get<u32>> PriceList<Balance, MaxModels> {
	/// The hourly price of one GPU of `model`, if the provider lists one.
	pub fn gpu_price(&self, model: &GpuModel) -> Option<Balance> {
		self.gpu.iter().find(|(m, _)| m == model).map(|(_, price)| *price)
	}
}

/// Bond on its way out: still held, released by `withdraw_unbonded` from `unlock_at` on.
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug,
)]
pub struct Unbonding<Balance, BlockNumber> {
	pub amount: Balance,
	pub unlock_at: BlockNumber,
}

/// Network-wide figures kept up to date on every change, so explorers read them in O(1).
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct ProviderTotals {
	/// Providers with status `Active`.
	pub active: u32,
	/// Providers with status `Suspended`.
	pub suspended: u32,
	/// Storage declared by all providers, in bytes (a `u128`: 16,384 providers at the 1 PiB
	/// bound would overflow a `u64`).
	pub storage_bytes: u128,
}

/// A registered provider.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound)]
#[scale_info(skip_type_params(T))]
pub struct ProviderRecord<T: Config> {
	pub status: ProviderStatus,
	pub metadata: BoundedVec<u8, T::MaxMetadataLen>,
	pub region: Region,
	pub registered_at: BlockNumberOf<T>,
	/// Bond that backs the provider's service (held as `ProviderBond`).
	pub bond: BalanceOf<T>,
	/// Bond being withdrawn (also held as `ProviderBond` until withdrawn).
	pub unbonding: Option<Unbonding<BalanceOf<T>, BlockNumberOf<T>>>,
	pub capacity: Capacity,
	pub prices: PriceList<BalanceOf<T>, T::MaxGpusPerProvider>,
	/// sr25519 key the provider's node signs usage reports with.
	pub reporting_key: Option<sp_core::sr25519::Public>,
}

impl<T: Config> ProviderRecord<T> {
	/// Everything held as `ProviderBond` for this provider.
	pub fn total_held(&self) -> BalanceOf<T> {
		let unbonding = self.unbonding.map(|u| u.amount).unwrap_or_default();
		sp_runtime::Saturating::saturating_add(self.bond, unbonding)
	}
}

/// An auditor's audit of a provider: the attributes it attests. It counts only for the
/// registration and the auditor membership it was made under: stale entries (auditor removed and
/// re-added, provider deregistered and registered again) never revive.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound)]
#[scale_info(skip_type_params(T))]
pub struct Audit<T: Config> {
	pub provider_registered_at: BlockNumberOf<T>,
	pub auditor_since: u32,
	pub attributes: BoundedVec<(AttributeKey, AttributeValue), T::MaxAttributes>,
}

/// Most versions of one hardware audit kept: the one in force when the oldest epoch that can
/// still be reported began (a congested epoch settled late), one for each epoch since, and the
/// one that takes effect next.
pub const MAX_AUDIT_VERSIONS: u32 = 4;

/// What an auditor vouched for at one time.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound)]
#[scale_info(skip_type_params(T))]
pub struct AuditVersion<T: Config> {
	/// Audited GPUs (UUID hashes); each counts while it stays registered to the provider.
	pub gpus: BoundedVec<sp_core::H256, T::MaxGpusPerProvider>,
	/// Audited storage, in GiB.
	pub storage_gib: u64,
	/// When it was made: it counts for epochs that begin at or after this block.
	pub made_at: BlockNumberOf<T>,
}

impl<T: Config> AuditVersion<T> {
	/// Vouches for nothing: the audit was withdrawn.
	pub fn is_empty(&self) -> bool {
		self.gpus.is_empty() && self.storage_gib == 0
	}
}

/// One auditor's audit of one provider's hardware. Like an [`Audit`], it counts only for the
/// registration and the auditor membership it was made under. Only its auditor changes it, and a
/// change counts from the next epoch on: the versions an epoch already under way (or still to
/// be reported) began with are kept for it.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound)]
#[scale_info(skip_type_params(T))]
pub struct HardwareAudit<T: Config> {
	pub auditor_since: u32,
	pub provider_registered_at: BlockNumberOf<T>,
	/// Oldest first, by `made_at`.
	pub versions: BoundedVec<AuditVersion<T>, ConstU32<MAX_AUDIT_VERSIONS>>,
}

impl<T: Config> HardwareAudit<T> {
	/// The version made last: what the auditor vouches for now.
	pub fn latest(&self) -> Option<&AuditVersion<T>> {
		self.versions.last()
	}

	/// The version in force for an epoch beginning at block `at`: the last made by then.
	pub fn in_force_at(&self, at: BlockNumberOf<T>) -> Option<&AuditVersion<T>> {
		self.versions.iter().rev().find(|version| version.made_at <= at)
	}
}
