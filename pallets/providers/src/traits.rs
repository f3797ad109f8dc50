//! How other pallets talk to the registry, and what the registry asks of the leases pallet.
//! The runtime wires these; no pallet reads another's storage.

use alloc::vec::Vec;
use sp_core::{sr25519, H256};
use sp_runtime::{DispatchError, DispatchResult};

use crate::types::{Capacity, GpuModel, GpuSpec, LeasedResources, ProviderStatus, Region};

/// Implemented by the leases pallet: what is committed to consumers, so hardware, capacity and
/// bond cannot leave while a lease depends on them.
pub trait LeaseCommitments<AccountId> {
	fn leased(provider: &AccountId) -> LeasedResources;
	fn is_gpu_leased(uuid_hash: &H256) -> bool;
}

/// No leases pallet: nothing is ever committed.
impl<AccountId> LeaseCommitments<AccountId> for () {
	fn leased(_: &AccountId) -> LeasedResources {
		LeasedResources::default()
	}
	fn is_gpu_leased(_: &H256) -> bool {
		false
	}
}

/// The registry as the marketplace and attestation pallets see it.
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
	/// `auditor` is a current auditor and has attested attributes of `provider`.
	fn is_audited_by(provider: &AccountId, auditor: &AccountId) -> bool;
	fn reporting_key(provider: &AccountId) -> Option<sr25519::Public>;
	/// The provider that signs usage reports with `key`.
	fn provider_of_reporting_key(key: &sr25519::Public) -> Option<AccountId>;
	/// Bars an active provider from new leases.
	fn suspend(provider: &AccountId) -> DispatchResult;
	/// Lifts a suspension.
	fn resume(provider: &AccountId) -> DispatchResult;
	/// Moves up to `amount` of the provider's bond to `beneficiary`; returns what was moved.
	fn slash(
		provider: &AccountId,
		amount: Balance,
		beneficiary: &AccountId,
	) -> Result<Balance, DispatchError>;
}
