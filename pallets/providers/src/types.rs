//! Types stored by the provider registry.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::fmt::Debug;
use frame_support::{
	pallet_prelude::ConstU32,
	traits::{fungible::Inspect, Get},
	BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
};
use scale_info::TypeInfo;
use sp_core::H256;

use crate::Config;

pub type AccountIdOf<T> = <T as frame_system::Config>::AccountId;
pub type BalanceOf<T> = <<T as Config>::Currency as Inspect<AccountIdOf<T>>>::Balance;
pub type BlockNumberOf<T> = frame_system::pallet_prelude::BlockNumberFor<T>;

/// Longest GPU model name, e.g. `NVIDIA H100 80GB HBM3` (NVML's `name`).
pub const MAX_MODEL_LEN: u32 = 64;
/// Longest region code, e.g. `eu-west-1`.
pub const MAX_REGION_LEN: u32 = 32;
/// Longest auditor attribute key or value, e.g. `tier` = `datacenter`.
pub const MAX_ATTRIBUTE_LEN: u32 = 32;

pub type GpuModel = BoundedVec<u8, ConstU32<MAX_MODEL_LEN>>;
pub type Region = BoundedVec<u8, ConstU32<MAX_REGION_LEN>>;
pub type AttributeKey = BoundedVec<u8, ConstU32<MAX_ATTRIBUTE_LEN>>;
pub type AttributeValue = BoundedVec<u8, ConstU32<MAX_ATTRIBUTE_LEN>>;

/// Where a provider stands.
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug,
)]
pub enum ProviderStatus {
	/// Takes new leases.
	Active,
	/// Barred from new leases by another pallet (e.g. missed usage reports) until resumed.
	Suspended,
	/// Bond below `MinProviderBond` (unbonded or slashed): no new leases until topped up
	/// with `bond_extra`.
	Unbonding,
	/// Gone: hardware released, the whole bond unbonding; the record is removed once it is
	/// withdrawn.
	Deregistered,
}

/// One GPU as the provider's node reads it from NVML. `uuid_hash` is the blake2-256 hash of the
/// NVML UUID string (`GPU-…`): unique per physical device, and what usage reports refer to.
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug,
)]
pub struct GpuSpec {
	pub uuid_hash: H256,
	pub model: GpuModel,
	pub vram_mib: u32,
}

/// Storage and CPU a provider offers besides its GPUs.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
)]
pub struct Capacity {
	pub storage_bytes: u64,
	pub cpu_cores: u32,
}

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

/// An auditor's attestation of a provider. It counts only for the registration and the auditor
/// membership it was made under: stale entries (auditor removed and re-added, provider
/// deregistered and registered again) never revive.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound)]
#[scale_info(skip_type_params(T))]
pub struct Attestation<T: Config> {
	pub provider_registered_at: BlockNumberOf<T>,
	pub auditor_since: u32,
	pub attributes: BoundedVec<(AttributeKey, AttributeValue), T::MaxAttributes>,
}

/// What the leases pallet reports about a provider's commitments.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct LeasedResources {
	pub open_leases: u32,
	pub storage_bytes: u64,
	pub cpu_cores: u32,
}
