//! Storage migrations, run once by the executive when a runtime of a higher `spec_version`
//! is enacted (`frame_system::Config::SingleBlockMigrations`).
//!
//! Each is version-gated (`VersionedMigration`): it runs only on a chain whose pallet storage
//! is at its `FROM` version and records `TO`, so a migration left in the list after its release
//! does nothing on chains already migrated. Remove one from the list once every chain has run it.
//! Procedure: docs/operations.md, "Upgrade the runtime".

/// In order of execution.
pub type Migrations = (
	pallet_providers::migrations::v2::MigrateV1ToV2<crate::Runtime>,
	pallet_providers::migrations::v3::MigrateV2ToV3<crate::Runtime>,
);

#[cfg(test)]
mod tests {
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
	use pallet_providers::migrations::v2::{ProviderTotalsV1, TotalsV1, WidenStorageTotal};
	use sp_keyring::Sr25519Keyring;

	use crate::{
		currency::DPN, genesis_config_presets::tests::build_preset, Executive, Providers, Runtime, RuntimeOrigin,
		System,
	};

	/// A local-testnet chain with a provider, its declared storage, and `Totals` and the
	/// providers version put back to v1, as a chain created before the widening holds them.
	fn v1_chain() -> sp_io::TestExternalities {
		let mut ext = build_preset(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET);
		ext.execute_with(|| {
			System::set_block_number(1);
			let ferdie = Sr25519Keyring::Ferdie.to_account_id();
			frame_support::assert_ok!(Providers::register(
				RuntimeOrigin::signed(ferdie.clone()),
				200 * DPN,
				b"eu-west".to_vec().try_into().unwrap(),
				Default::default(),
			));
			frame_support::assert_ok!(Providers::set_capacity(RuntimeOrigin::signed(ferdie), 3 << 40, 32));
			let totals = pallet_providers::Totals::<Runtime>::get();
			TotalsV1::<Runtime>::put(ProviderTotalsV1 {
				active: totals.active,
				suspended: totals.suspended,
				storage_bytes: totals.storage_bytes as u64,
			});
			StorageVersion::new(1).put::<Providers>();
			// The chain last ran an older spec, so the executive sees an upgrade.
			frame_system::LastRuntimeUpgrade::<Runtime>::put(frame_system::LastRuntimeUpgradeInfo::from(
				sp_version::RuntimeVersion { spec_version: crate::VERSION.spec_version - 1, ..crate::VERSION },
			));
		});
		ext
	}

	#[test]
	fn the_executive_runs_the_migrations_once_and_every_pallet_stays_consistent() {
		v1_chain().execute_with(|| {
			let before = WidenStorageTotal::<Runtime>::before().expect("pre-upgrade check");
			let providers: Vec<_> = pallet_providers::Providers::<Runtime>::iter().collect();
			assert_eq!(providers.len(), 1);

			let weight = Executive::execute_on_runtime_upgrade();
			assert!(weight.ref_time() > 0);

			WidenStorageTotal::<Runtime>::after(before).expect("post-upgrade check");
			assert_eq!(Providers::on_chain_storage_version(), StorageVersion::new(2));
			assert_eq!(pallet_providers::Totals::<Runtime>::get().storage_bytes, 3 << 40);
			assert_eq!(pallet_providers::Providers::<Runtime>::iter().collect::<Vec<_>>(), providers);
			// Every pallet's storage version matches its code (try-runtime's check after upgrades).
			crate::genesis_config_presets::tests::assert_storage_versions_match();
			Providers::do_try_state().expect("providers invariants");
			crate::Economics::do_try_state().expect("economics invariants");
			crate::ValidatorManager::do_try_state().expect("validator manager invariants");

			// The list ran; running it again changes nothing.
			let totals = pallet_providers::Totals::<Runtime>::get();
			<crate::migrations::Migrations as OnRuntimeUpgrade>::on_runtime_upgrade();
			assert_eq!(pallet_providers::Totals::<Runtime>::get(), totals);
		});
	}

	/// With `--features try-runtime`: the executive's own try-runtime upgrade (every migration's
	/// pre- and post-upgrade hooks, the storage-version checks of every pallet, then every
	/// pallet's `try_state`), as the try-runtime CLI runs it against a live chain's state.
	#[cfg(feature = "try-runtime")]
	#[test]
	fn try_runtime_upgrade_passes_every_check() {
		v1_chain().execute_with(|| {
			let weight = Executive::try_runtime_upgrade(frame_try_runtime::UpgradeCheckSelect::All)
				.expect("pre-upgrade, post-upgrade and try_state checks pass");
			assert!(weight.ref_time() > 0);
			assert_eq!(Providers::on_chain_storage_version(), StorageVersion::new(2));
		});
	}
}
