//! What a pallet's benchmarks need set up by the pallets it talks to. Each pallet implements
//! the fixtures of what it owns; a benchmark asks for them through the trait it already uses to
//! talk to that pallet (`T::Providers`, `T::Leases`), so no pallet depends on another's crate.

use alloc::vec::Vec;
use sp_core::{sr25519, H256};

use crate::LeaseId;

/// Implemented by the providers pallet.
pub trait ProviderFixtures<AccountId, Balance> {
	/// Makes `who` (funded here) an active provider with `gpus` GPUs (up to the most a
	/// provider may list), ample storage and cores, every unit priced at `price` per hour.
	/// Returns the GPUs' hashes.
	fn active_provider(who: &AccountId, gpus: u32, price: Balance) -> Vec<H256>;
	/// Doubles the provider's bond (so a benchmark's slashes leave it active) and names `key`
	/// its reporting key.
	fn reporting_provider(who: &AccountId, key: sr25519::Public);
	/// The most GPUs a provider may list.
	fn max_gpus() -> u32;
	/// `auditors` auditors (at most the most the chain allows) audit all of `who`'s hardware,
	/// each audit keeping every version it can: the costliest audited hardware of that many
	/// audits to read. Made before the block the benchmark runs at (which it leaves as it was).
	fn audited_by(who: &AccountId, auditors: u32);
}

/// Implemented by the leases pallet.
pub trait LeaseFixtures<AccountId> {
	/// Opens `count` one-core leases of `provider` at its listed price, each rented by a funded
	/// consumer of its own (the costliest case for settlement).
	fn open_leases(provider: &AccountId, count: u32) -> Vec<LeaseId>;
	/// The consumer closes `lease`.
	fn close_lease(lease: LeaseId);
}
