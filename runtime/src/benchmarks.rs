//! FRAME benchmarks of the runtime, run with `depin-node benchmark pallet`
//! (node built with `--features runtime-benchmarks`).

use alloc::{string::String, vec::Vec};
use frame_benchmarking::{BenchmarkBatch, BenchmarkConfig, BenchmarkList};
use frame_support::traits::StorageInfo;

use super::*;

frame_benchmarking::define_benchmarks!(
	[frame_benchmarking, BaselineBench::<Runtime>]
	[frame_system, SystemBench::<Runtime>]
	[frame_system_extensions, SystemExtensionsBench::<Runtime>]
	[pallet_balances, Balances]
	[pallet_timestamp, Timestamp]
	[pallet_sudo, Sudo]
	[pallet_utility, Utility]
	[pallet_providers, Providers]
	[pallet_leases, Leases]
	[pallet_attestation, Attestation]
	[pallet_gpu_attestation, GpuAttestation]
	[pallet_economics, Economics]
	[pallet_validator_manager, ValidatorManager]
	[pallet_governance, Governance]
);

/// Session keys for the validator manager's benchmark candidates, derived from the account
/// (unique per account, as session requires), registered the way `session.setKeys` does.
pub struct SessionKeysHelper;

impl pallet_validator_manager::BenchmarkHelper<AccountId> for SessionKeysHelper {
	fn register_keys(who: &AccountId) {
		use pallet_session::SessionInterface;
		let raw: [u8; 32] = *who.as_ref();
		let keys = SessionKeys {
			aura: sp_core::sr25519::Public::from_raw(raw).into(),
			grandpa: sp_core::ed25519::Public::from_raw(raw).into(),
		};
		<Session as SessionInterface>::set_keys(who, keys).expect("fresh keys register");
	}
}

use frame_benchmarking::baseline::Pallet as BaselineBench;
use frame_system_benchmarking::{extensions::Pallet as SystemExtensionsBench, Pallet as SystemBench};

impl frame_system_benchmarking::Config for Runtime {}
impl frame_benchmarking::baseline::Config for Runtime {}

pub fn benchmark_metadata(extra: bool) -> (Vec<BenchmarkList>, Vec<StorageInfo>) {
	use frame_support::traits::StorageInfoTrait;

	let mut list = Vec::<BenchmarkList>::new();
	list_benchmarks!(list, extra);
	(list, AllPalletsWithSystem::storage_info())
}

pub fn dispatch_benchmark(config: BenchmarkConfig) -> Result<Vec<BenchmarkBatch>, String> {
	use frame_support::traits::WhitelistedStorageKeys;
	use sp_storage::TrackedStorageKey;

	let whitelist: Vec<TrackedStorageKey> = AllPalletsWithSystem::whitelisted_storage_keys();
	let mut batches = Vec::<BenchmarkBatch>::new();
	let params = (&config, &whitelist);
	add_benchmarks!(params, batches);
	Ok(batches)
}
