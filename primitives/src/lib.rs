//! # DePIN primitives
//!
//! What the pallets of the DePIN chain share, as `sp-staking` is for staking: the one
//! [`EpochClock`] that settlement, attestation and economics all ask, the traits through which
//! the pallets talk ([`ProviderRegistry`], [`Commitments`], [`LeaseSettlement`],
//! [`LeaseObserver`], [`AttestationObserver`]) and the plain types they carry. The runtime wires
//! the traits; no pallet depends on another pallet's crate or reads its storage.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod attestation;
#[cfg(feature = "runtime-benchmarks")]
pub mod benchmarking;
pub mod economics;
pub mod epoch;
pub mod funds;
pub mod hardware;
pub mod leases;
pub mod providers;
mod testing;

pub use attestation::{AttestationObserver, AttestedUsage, REPORTING_KEY_TYPE};
pub use economics::EpochLedger;
pub use hardware::{AttestedField, AttestedGpu, HardwareAttestations, HardwareTier, MAX_ATTESTED_FIELD_LEN};
pub use epoch::{BlockIndex, ConstClock, EpochClock, EpochIndex};
pub use leases::{
	ChargeableLease, CloseReason, Commitment, LeaseCharge, LeaseId, LeaseObserver, LeaseSettlement, Payee,
	Payment, Settlement, TakeDestination, Verdict, GIB,
};
pub use providers::{
	AuditedHardware, Capacity, Commitments, GpuModel, GpuSpec, ProviderObserver, ProviderRegistry, ProviderStatus, Region, MAX_MODEL_LEN,
	MAX_REGION_LEN,
};
