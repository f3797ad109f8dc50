//! What an accepted usage report attests, as the economics ledger is told of it.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

use crate::EpochIndex;

/// What an accepted report attests, in device-blocks: capacity offered and use made.
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug, Default,
)]
pub struct AttestedUsage {
	/// GPU-blocks the provider's GPUs answered.
	pub gpu_capacity_blocks: u64,
	/// GPU-blocks under leases that answered.
	pub gpu_leased_blocks: u64,
	/// Leased GPU-blocks weighted by measured utilization: the useful GPU work.
	pub gpu_busy_blocks: u64,
	/// GiB-blocks of storage the provider's filesystems offered.
	pub storage_capacity_gib_blocks: u64,
	/// GiB-blocks of leased storage that answered.
	pub storage_leased_gib_blocks: u64,
	/// GiB-blocks of storage in use under leases: the useful storage work.
	pub storage_used_gib_blocks: u64,
	/// GPU-blocks of audited GPUs that answered: each audited GPU counts once per block.
	pub audited_gpu_blocks: u64,
	/// GiB-blocks of storage offered, at most the audited storage.
	pub audited_storage_gib_blocks: u64,
}

impl AttestedUsage {
	/// The report attests hardware a bonded auditor vouched for: what earns capacity emission.
	pub fn has_audited_capacity(&self) -> bool {
		self.audited_gpu_blocks > 0 || self.audited_storage_gib_blocks > 0
	}
}

/// Told what reports attest and what is slashed, e.g. by the economics ledger. `()` ignores it.
pub trait AttestationObserver<AccountId, Balance> {
	fn report_accepted(provider: &AccountId, epoch: EpochIndex, usage: &AttestedUsage);
	/// `amount` left a provider's bond (miss slash, lost dispute).
	fn slashed(amount: Balance);
}

impl<AccountId, Balance> AttestationObserver<AccountId, Balance> for () {
	fn report_accepted(_: &AccountId, _: EpochIndex, _: &AttestedUsage) {}
	fn slashed(_: Balance) {}
}

/// Keystore type of providers' reporting keys (sr25519), which sign usage reports and GPU
/// attestations. Insert with `author_insertKey("dpna", …)`.
pub const REPORTING_KEY_TYPE: sp_core::crypto::KeyTypeId = sp_core::crypto::KeyTypeId(*b"dpna");
