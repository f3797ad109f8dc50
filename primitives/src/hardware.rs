//! What the hardware itself proved: GPUs whose confidential-computing attestation the chain
//! verified. Implemented by the GPU attestation pallet; read by the registry (capacity emission),
//! the leases pallet (orders that require attested GPUs) and the runtime API.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::{ConstU32, H256};
use sp_runtime::BoundedVec;

use crate::EpochIndex;

/// Longest version or identifier string an attestation report carries (driver, VBIOS, project,
/// SKU).
pub const MAX_ATTESTED_FIELD_LEN: u32 = 32;

pub type AttestedField = BoundedVec<u8, ConstU32<MAX_ATTESTED_FIELD_LEN>>;

/// How far the chain trusts what a GPU entry says about itself.
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug,
)]
pub enum HardwareTier {
	/// Only the provider's node says it exists.
	SelfReported,
	/// A bonded auditor vouched for it.
	Audited,
	/// The GPU signed a report under a per-device certificate chained to a root the chain
	/// trusts, answering the chain's nonce (docs/hardware-trust.md).
	Attested,
}

/// A GPU's attestation in force: what the chain verified from the device's own report.
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct AttestedGpu {
	/// blake2-256 of the per-device CA's public key: one chip, one identity.
	pub device: H256,
	/// The chip's project and SKU ids from the report (e.g. `G520-0200`, `886`).
	pub project: AttestedField,
	pub sku: AttestedField,
	pub driver_version: AttestedField,
	pub vbios_version: AttestedField,
	/// The epoch whose nonce the report answered.
	pub attested: EpochIndex,
	/// The first epoch it no longer covers.
	pub expires: EpochIndex,
}

/// GPUs the chain verified. `()` verifies none.
pub trait HardwareAttestations<AccountId> {
	/// The attestation of `provider`'s GPU `gpu` in force during `epoch`, if any: not expired,
	/// its root not retired, its device identity not revoked, the GPU still the provider's.
	fn attestation(provider: &AccountId, gpu: &H256, epoch: EpochIndex) -> Option<AttestedGpu>;

	fn is_attested(provider: &AccountId, gpu: &H256, epoch: EpochIndex) -> bool {
		Self::attestation(provider, gpu, epoch).is_some()
	}

	/// The most one [`Self::attestation`] can weigh: what a call adds per GPU it looks up.
	fn lookup_weight() -> sp_runtime::Weight;

	/// Looking up every GPU one provider may list: what calls that pick attested GPUs among a
	/// provider's add to their weight.
	fn selection_weight() -> sp_runtime::Weight;
}

impl<AccountId> HardwareAttestations<AccountId> for () {
	fn attestation(_: &AccountId, _: &H256, _: EpochIndex) -> Option<AttestedGpu> {
		None
	}

	fn lookup_weight() -> sp_runtime::Weight {
		sp_runtime::Weight::zero()
	}

	fn selection_weight() -> sp_runtime::Weight {
		sp_runtime::Weight::zero()
	}
}
