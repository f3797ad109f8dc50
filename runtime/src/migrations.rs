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
	pallet_leases::migrations::v2::MigrateV1ToV2<crate::Runtime>,
	pallet_leases::migrations::v3::MigrateV2ToV3<crate::Runtime>,
	pallet_leases::migrations::v4::MigrateV3ToV4<crate::Runtime>,
	AddGpuAttestation,
	pallet_attestation::migrations::v2::MigrateV1ToV2<crate::Runtime>,
	pallet_attestation::migrations::v3::MigrateV2ToV3<crate::Runtime>,
);

/// The GPU attestation pallet arrives on a running chain by this upgrade: from then on it trusts
/// NVIDIA's device root, as a new chain does from genesis, and its storage is at version 1.
pub type AddGpuAttestation = frame_support::migrations::VersionedMigration<
	0,
	1,
	TrustNvidiaDeviceRoot,
	pallet_gpu_attestation::Pallet<crate::Runtime>,
	<crate::Runtime as frame_system::Config>::DbWeight,
>;

pub struct TrustNvidiaDeviceRoot;

impl frame_support::traits::UncheckedOnRuntimeUpgrade for TrustNvidiaDeviceRoot {
	fn on_runtime_upgrade() -> frame_support::weights::Weight {
		let root = sp_core::H256(crate::genesis_config_presets::NVIDIA_DEVICE_ROOT);
		if !pallet_gpu_attestation::Roots::<crate::Runtime>::contains_key(root) {
			let added = pallet_gpu_attestation::Pallet::<crate::Runtime>::current_epoch();
			pallet_gpu_attestation::Roots::<crate::Runtime>::insert(root, pallet_gpu_attestation::RootRecord { added });
		}
		<<crate::Runtime as frame_system::Config>::DbWeight as frame_support::traits::Get<frame_support::weights::RuntimeDbWeight>>::get().reads_writes(3, 2)
	}
}

#[cfg(test)]
mod tests {
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
	use pallet_providers::migrations::v2::{ProviderTotalsV1, TotalsV1, WidenStorageTotal};
	use sp_keyring::Sr25519Keyring;

	use crate::{
		currency::DPN, genesis_config_presets::tests::build_preset, Executive, Leases, Providers, Runtime,
		RuntimeOrigin, System,
	};

	/// A local-testnet chain with a provider, its declared storage, a hardware audit and a lease,
	/// with `Totals`, the audit and the providers version put back to v1 (as a chain created
	/// before the widening holds them, and before audits were keyed by auditor), and the lease,
	/// an empty order list and the leases version put back to v1.
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
			frame_support::assert_ok!(Providers::set_capacity(RuntimeOrigin::signed(ferdie.clone()), 3 << 40, 32));
			// A v2 hardware audit: made by the current code, then stored as v2 stored it.
			let auditor = Sr25519Keyring::Eve.to_account_id();
			frame_support::assert_ok!(Providers::add_auditor(RuntimeOrigin::root(), auditor.clone()));
			frame_support::assert_ok!(Providers::audit_hardware(
				RuntimeOrigin::signed(auditor.clone()),
				ferdie.clone(),
				Default::default(),
				100
			));
			let audit = pallet_providers::HardwareAudits::<Runtime>::take(&ferdie, &auditor).expect("audited");
			let version = audit.versions[0].clone();
			pallet_providers::migrations::v3::HardwareAuditsV2::<Runtime>::insert(
				&ferdie,
				pallet_providers::migrations::v3::HardwareAuditV2::<Runtime> {
					auditor,
					auditor_since: audit.auditor_since,
					provider_registered_at: audit.provider_registered_at,
					gpus: version.gpus,
					storage_gib: version.storage_gib,
					audited_at: version.made_at,
				},
			);
			// A v1 lease, charged for epoch 0 as v1 remembered it, and an empty order list.
			let prices = pallet_providers::PriceList { gpu: Default::default(), storage_gib: 0, cpu_core: DPN };
			frame_support::assert_ok!(Providers::set_prices(RuntimeOrigin::signed(ferdie.clone()), prices));
			let consumer = Sr25519Keyring::Dave.to_account_id();
			let request = pallet_leases::ResourceRequest { cpu_cores: 1, ..Default::default() };
			frame_support::assert_ok!(Leases::rent(RuntimeOrigin::signed(consumer.clone()), ferdie, request, 100 * DPN));
			let lease = pallet_leases::Leases::<Runtime>::get(0).expect("rented");
			// Its consumer disputes epoch 0 before the report, as v1 recorded it (no index).
			frame_support::assert_ok!(crate::Attestation::dispute(RuntimeOrigin::signed(consumer.clone()), 0, 0));
			pallet_attestation::DisputedBeforeReport::<Runtime>::remove(Sr25519Keyring::Ferdie.to_account_id(), 0);
			// A reported epoch and the provider's liveness as v1 stored it (no list of records).
			let ferdie_key = pallet_attestation::ProviderLiveness::<Runtime>::hashed_key_for(Sr25519Keyring::Ferdie.to_account_id());
			pallet_attestation::migrations::v3::v2::Reports::<Runtime>::insert(
				Sr25519Keyring::Ferdie.to_account_id(),
				1,
				pallet_attestation::ReportRecord { leases: 0, charged: 0 },
			);
			frame_support::storage::unhashed::put(
				&ferdie_key,
				&pallet_attestation::migrations::v2::LivenessV1 { last_reported: Some(1), reports: 1, ..Default::default() },
			);
			StorageVersion::new(1).put::<crate::Attestation>();
			pallet_leases::migrations::v2::v1::Leases::<Runtime>::insert(
				0,
				pallet_leases::migrations::v2::LeaseV1::<Runtime> {
					consumer: lease.consumer,
					provider: lease.provider,
					gpus: lease.gpus,
					storage_gib: lease.storage_gib,
					cpu_cores: lease.cpu_cores,
					price_per_hour: lease.price_per_hour,
					opened_at: lease.opened_at,
					status: lease.status,
					settled_epoch: Some(0),
					deposited: lease.deposited,
					escrow: lease.escrow,
					paid: lease.paid,
					take: lease.take,
					refunded: lease.refunded,
					disputed: lease.disputed,
					last_paid_charge: 7,
				},
			);
			pallet_leases::ConsumerOrders::<Runtime>::insert(&consumer, frame_support::BoundedVec::default());
			// An open order, stored as v1 and v2 stored it (before `attested_gpus`).
			let orderer = Sr25519Keyring::Charlie.to_account_id();
			let two_gpus = pallet_leases::ResourceRequest { gpus: 2, min_vram_mib: 40_000, ..Default::default() };
			frame_support::assert_ok!(Leases::create_order(
				RuntimeOrigin::signed(orderer),
				two_gpus,
				None,
				None,
				10 * DPN,
				100 * DPN
			));
			let order = pallet_leases::Orders::<Runtime>::take(0).expect("ordered");
			let request = order.request;
			pallet_leases::migrations::v3::v2::Orders::<Runtime>::insert(
				0,
				pallet_leases::migrations::v3::OrderV2::<Runtime> {
					consumer: order.consumer,
					request: pallet_leases::migrations::v3::ResourceRequestV2 {
						gpus: request.gpus,
						gpu_model: request.gpu_model,
						min_vram_mib: request.min_vram_mib,
						storage_gib: request.storage_gib,
						cpu_cores: request.cpu_cores,
					},
					region: order.region,
					required_auditor: order.required_auditor,
					max_price_per_hour: order.max_price_per_hour,
					deposit: order.deposit,
					expires_at: order.expires_at,
					bids: order.bids,
					rejected: order.rejected,
				},
			);
			StorageVersion::new(1).put::<Leases>();
			let totals = pallet_providers::Totals::<Runtime>::get();
			TotalsV1::<Runtime>::put(ProviderTotalsV1 {
				active: totals.active,
				suspended: totals.suspended,
				storage_bytes: totals.storage_bytes as u64,
			});
			StorageVersion::new(1).put::<Providers>();
			// A chain from before GPU attestation: no pallet storage at all.
			let _ = pallet_gpu_attestation::Roots::<Runtime>::clear(u32::MAX, None);
			StorageVersion::new(0).put::<crate::GpuAttestation>();
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
			let audits = pallet_providers::migrations::v3::KeyAuditsByAuditor::<Runtime>::before();
			let leases = pallet_leases::migrations::v2::RememberPaidCharges::<Runtime>::before();
			let orders = pallet_leases::migrations::v3::RequestAttestedGpus::<Runtime>::before();
			assert_eq!((audits.len(), leases.len(), orders.len()), (1, 1, 1));
			let providers: Vec<_> = pallet_providers::Providers::<Runtime>::iter().collect();
			assert_eq!(providers.len(), 1);

			let weight = Executive::execute_on_runtime_upgrade();
			assert!(weight.ref_time() > 0);

			WidenStorageTotal::<Runtime>::after(before).expect("post-upgrade check");
			pallet_providers::migrations::v3::KeyAuditsByAuditor::<Runtime>::after(audits).expect("audits re-keyed");
			// Each lease as v2 left it, then as v4 does.
			let as_v3: Vec<_> = leases.into_iter().map(|(id, lease)| (id, lease.upgraded())).collect();
			pallet_leases::migrations::v4::BookCharges::<Runtime>::after(as_v3).expect("leases re-encoded");
			pallet_leases::migrations::v3::RequestAttestedGpus::<Runtime>::after(orders).expect("orders re-encoded");
			let order = pallet_leases::Orders::<Runtime>::get(0).expect("still open");
			assert_eq!((order.request.gpus, order.request.min_vram_mib, order.request.attested_gpus), (2, 40_000, false));
			assert_eq!(Providers::on_chain_storage_version(), StorageVersion::new(3));
			assert_eq!(Leases::on_chain_storage_version(), StorageVersion::new(4));
			assert_eq!(crate::GpuAttestation::on_chain_storage_version(), StorageVersion::new(1));
			assert_eq!(crate::Attestation::on_chain_storage_version(), StorageVersion::new(3));
			let ferdie = Sr25519Keyring::Ferdie.to_account_id();
			assert_eq!(pallet_attestation::DisputedBeforeReport::<Runtime>::get(&ferdie, 0).to_vec(), vec![0]);
			let liveness = pallet_attestation::ProviderLiveness::<Runtime>::get(&ferdie);
			let reported = pallet_attestation::EpochOutcome::Reported(pallet_attestation::ReportRecord { leases: 0, charged: 0 });
			assert_eq!((liveness.last_reported, liveness.reports, liveness.recorded.to_vec()), (Some(1), 1, vec![(1, reported)]));
			assert_eq!(pallet_attestation::migrations::v3::v2::Reports::<Runtime>::iter().count(), 0, "the report map emptied");
			crate::Attestation::do_try_state().expect("attestation invariants");
			assert!(pallet_gpu_attestation::Roots::<Runtime>::contains_key(sp_core::H256(
				crate::genesis_config_presets::NVIDIA_DEVICE_ROOT
			)));
			let lease = pallet_leases::Leases::<Runtime>::get(0).expect("still there");
			assert_eq!(lease.paid_charges.to_vec(), vec![(0, 7)]);
			assert_eq!((lease.unclaimed, lease.contestable.len()), (Default::default(), 0));
			assert!(
				!pallet_leases::ConsumerOrders::<Runtime>::contains_key(Sr25519Keyring::Dave.to_account_id()),
				"the empty list went"
			);
			crate::Leases::do_try_state().expect("leases invariants");
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
			assert_eq!(Providers::on_chain_storage_version(), StorageVersion::new(3));
			assert_eq!(Leases::on_chain_storage_version(), StorageVersion::new(4));
		});
	}
}
