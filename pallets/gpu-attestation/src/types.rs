//! Types of the GPU attestation pallet.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use depin_primitives::{AttestedField, EpochIndex};
use frame_support::{traits::ConstU32, BoundedVec};
use scale_info::TypeInfo;
use sp_core::H256;

use crate::verify::{CHAIN_LENGTH, MAX_CERT_LEN, MAX_REPORT_LEN};

/// blake2-256 of the per-device CA's public key (the certificate second from the leaf): stable
/// across firmware, one per chip.
pub type DeviceId = H256;
/// blake2-256 of a trusted root's public key (SEC1, uncompressed).
pub type RootId = H256;

pub type Certificate = BoundedVec<u8, ConstU32<{ MAX_CERT_LEN as u32 }>>;
pub type CertificateChain = BoundedVec<Certificate, ConstU32<{ CHAIN_LENGTH as u32 }>>;
pub type Report = BoundedVec<u8, ConstU32<{ MAX_REPORT_LEN as u32 }>>;

/// Domain of the nonce and of the reporting key's signature, so neither can be confused with
/// another of the chain's hashes or signed payloads.
pub const NONCE_DOMAIN: &[u8] = b"depin/gpu-attestation/nonce/v1";
pub const SIGNING_DOMAIN: &[u8] = b"depin/gpu-attestation/submission/v1";

/// What a provider's node submits for one GPU: the device's signed report answering the chain's
/// nonce for (provider, GPU, epoch), and its certificate chain, leaf first.
#[derive(Encode, Decode, DecodeWithMemTracking, TypeInfo, Clone, PartialEq, Eq, Debug)]
#[scale_info(skip_type_params(AccountId))]
pub struct AttestationSubmission<AccountId> {
	pub provider: AccountId,
	/// The GPU entry (blake2-256 of the NVML UUID) the report is for.
	pub gpu: H256,
	/// The epoch whose nonce the report answers: the current one.
	pub epoch: EpochIndex,
	pub report: Report,
	pub chain: CertificateChain,
}

impl<AccountId: Encode> AttestationSubmission<AccountId> {
	/// What the provider's reporting key signs.
	pub fn signing_payload(&self) -> alloc::vec::Vec<u8> {
		(SIGNING_DOMAIN, self).encode()
	}
}

/// A root the chain trusts.
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct RootRecord {
	/// The epoch it was added in (0 at genesis).
	pub added: EpochIndex,
}

/// The attestation recorded for one GPU entry.
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct AttestationRecord {
	pub device: DeviceId,
	/// The root the chain ended in: retiring it ends the attestation.
	pub root: RootId,
	pub project: AttestedField,
	pub sku: AttestedField,
	pub driver_version: AttestedField,
	pub vbios_version: AttestedField,
	/// SHA-384 of the report's measurement record: what firmware and configuration the GPU ran.
	pub measurements: [u8; 48],
	/// The first epoch of the chip's unbroken run on this entry: renewals before expiry keep it.
	pub since: EpochIndex,
	/// The epoch whose nonce the latest report answered.
	pub attested: EpochIndex,
	/// The first epoch it no longer covers.
	pub expires: EpochIndex,
}

/// Who holds a device identity. The first provider to attest a chip holds it while the claim
/// stands (see `Pallet::claim_stands`); governance may reserve it for another account.
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub struct DeviceClaim<AccountId> {
	pub owner: AccountId,
	/// The GPU entry it attested; `None` while reserved by governance for `owner`.
	pub gpu: Option<H256>,
	/// The last epoch the chip attested in (once per epoch, whatever the entry).
	pub last_attested: Option<EpochIndex>,
}
