//! Providers as the other pallets see them, and what the registry asks of the leases pallet.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::{sr25519, ConstU32, H256};
use sp_runtime::{BoundedVec, DispatchError, DispatchResult, Weight};

use crate::{leases::Commitment, BlockIndex};

/// Longest GPU model name, e.g. `NVIDIA H100 80GB HBM3` (NVML's `name`).
pub const MAX_MODEL_LEN: u32 = 64;
/// Longest region code, e.g. `eu-west-1`.
pub const MAX_REGION_LEN: u32 = 32;

pub type GpuModel = BoundedVec<u8, ConstU32<MAX_MODEL_LEN>>;
pub type Region = BoundedVec<u8, ConstU32<MAX_REGION_LEN>>;

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

/// Hardware of a provider that bonded auditors vouch exists: what may earn capacity emission.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct AuditedHardware {
	/// Audited GPUs still registered to the provider, each once whoever audited it.
	pub gpus: Vec<H256>,
	/// Audited storage (the most any one auditor vouches for), at most what the provider
	/// declares.
	pub storage_gib: u64,
	/// Audit records read to find this (current or not): what looking it up cost.
	pub audits_read: u32,
}

/// The registry as the leases and attestation pallets see it. Implemented by the providers
/// pallet.
pub trait ProviderRegistry<AccountId, Balance> {
	fn status(provider: &AccountId) -> Option<ProviderStatus>;
	/// Registered and taking new leases.
	fn is_active(provider: &AccountId) -> bool {
		Self::status(provider) == Some(ProviderStatus::Active)
	}
	fn region(provider: &AccountId) -> Option<Region>;
	fn gpus(provider: &AccountId) -> Vec<GpuSpec>;
	fn gpu_owner(uuid_hash: &H256) -> Option<AccountId>;
	fn capacity(provider: &AccountId) -> Option<Capacity>;
	/// Hourly price of one GPU of `model`, if listed.
	fn gpu_price(provider: &AccountId, model: &GpuModel) -> Option<Balance>;
	/// Hourly price of one GiB of storage.
	fn storage_gib_price(provider: &AccountId) -> Option<Balance>;
	/// Hourly price of one CPU core.
	fn cpu_core_price(provider: &AccountId) -> Option<Balance>;
	/// The least the provider takes a lease for, per epoch (beyond the chain's own minimum):
	/// what a lease slot is worth to it.
	fn min_lease_charge(provider: &AccountId) -> Balance;
	/// `auditor` is a current auditor and has attested attributes of `provider`.
	fn is_audited_by(provider: &AccountId, auditor: &AccountId) -> bool;
	/// The hardware of `provider` that current auditors vouched for by block `at`: what an
	/// epoch beginning at `at` may count. An audit made or changed later counts from the next
	/// epoch on, never for service already under way. Of the audited GPUs only those in
	/// `among` are looked at (and returned): a report counts the GPUs it lists.
	fn audited_hardware(provider: &AccountId, at: BlockIndex, among: &[H256]) -> AuditedHardware;
	/// The most audit records a provider can have: the most [`Self::audited_hardware`] reads.
	fn max_audits() -> u32;
	fn reporting_key(provider: &AccountId) -> Option<sr25519::Public>;
	/// The provider that signs usage reports with `key`.
	fn provider_of_reporting_key(key: &sr25519::Public) -> Option<AccountId>;
	/// Bars an active provider from new leases.
	fn suspend(provider: &AccountId) -> DispatchResult;
	/// Lifts a suspension.
	fn resume(provider: &AccountId) -> DispatchResult;
	/// Moves up to `amount` of the provider's bond to `beneficiary`; returns what was moved.
	fn slash(provider: &AccountId, amount: Balance, beneficiary: &AccountId) -> Result<Balance, DispatchError>;
}

/// What leases have committed of each provider, so hardware, capacity and bond cannot leave
/// while a lease depends on them. Implemented by the leases pallet.
pub trait Commitments<AccountId> {
	/// What `provider` has committed to open leases.
	fn commitment(provider: &AccountId) -> Commitment;
	/// The GPU is rented to an open lease.
	fn is_gpu_leased(uuid_hash: &H256) -> bool;
	/// Closes the open lease holding the GPU, if any (`CloseReason::GpuEvicted`): its consumer
	/// is refunded as on any close, keeping only what already-served blocks may still cost.
	fn end_lease_of_gpu(uuid_hash: &H256) -> DispatchResult;
	/// The most [`Self::end_lease_of_gpu`] can weigh, for the weights of calls that use it.
	fn end_lease_of_gpu_weight() -> Weight;
}

/// Told when a provider's record goes (it deregistered and withdrew, or was slashed empty), so
/// what other pallets keep about it goes too: nothing outlives the registration, and a later
/// registration of the same account starts afresh. `()` ignores it.
pub trait ProviderObserver<AccountId> {
	/// `provider`'s record was removed. Must be cheap and bounded: it runs inside the call that
	/// removed the record.
	fn provider_removed(provider: &AccountId);
	/// The most [`Self::provider_removed`] can weigh.
	fn provider_removed_weight() -> Weight;
}

impl<AccountId> ProviderObserver<AccountId> for () {
	fn provider_removed(_: &AccountId) {}
	fn provider_removed_weight() -> Weight {
		Weight::zero()
	}
}

impl<AccountId, A: ProviderObserver<AccountId>, B: ProviderObserver<AccountId>> ProviderObserver<AccountId> for (A, B) {
	fn provider_removed(provider: &AccountId) {
		A::provider_removed(provider);
		B::provider_removed(provider);
	}
	fn provider_removed_weight() -> Weight {
		A::provider_removed_weight().saturating_add(B::provider_removed_weight())
	}
}

/// No leases pallet: nothing is ever committed.
impl<AccountId> Commitments<AccountId> for () {
	fn commitment(_: &AccountId) -> Commitment {
		Commitment::default()
	}
	fn is_gpu_leased(_: &H256) -> bool {
		false
	}
	fn end_lease_of_gpu(_: &H256) -> DispatchResult {
		Ok(())
	}
	fn end_lease_of_gpu_weight() -> Weight {
		Weight::zero()
	}
}
