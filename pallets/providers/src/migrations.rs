//! Storage migrations of the providers pallet.

/// v1 → v2: `Totals::storage_bytes` widened from `u64` to `u128` (16,384 providers at the
/// 1 PiB bound overflow a `u64`; commit 35438eb changed the type without a migration, so a chain
/// created before it holds the 16-byte v1 encoding, which the v2 type cannot decode).
pub mod v2 {
	use frame_support::{
		migrations::VersionedMigration,
		pallet_prelude::*,
		storage_alias,
		traits::UncheckedOnRuntimeUpgrade,
	};

	use crate::{pallet::*, Config, ProviderTotals};
	#[cfg(feature = "try-runtime")]
	use alloc::vec::Vec;

	/// `Totals` as v1 stored it.
	#[derive(Encode, Decode, Clone, Copy, PartialEq, Eq, Debug, Default)]
	pub struct ProviderTotalsV1 {
		pub active: u32,
		pub suspended: u32,
		pub storage_bytes: u64,
	}

	/// The v1 layout under the same key (the alias's name is the storage name).
	pub mod v1 {
		use super::*;

		#[storage_alias]
		pub type Totals<T: Config> = StorageValue<Pallet<T>, ProviderTotalsV1, OptionQuery>;
	}
	pub use v1::Totals as TotalsV1;

	/// Re-encodes `Totals` in the v2 layout; the figures are unchanged.
	pub struct WidenStorageTotal<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for WidenStorageTotal<T> {
		fn on_runtime_upgrade() -> Weight {
			// Both layouts share the key; absent (no provider ever) means nothing to rewrite.
			if let Some(v1) = TotalsV1::<T>::get() {
				Totals::<T>::put(ProviderTotals {
					active: v1.active,
					suspended: v1.suspended,
					storage_bytes: v1.storage_bytes.into(),
				});
				log::info!(
					target: "runtime::providers",
					"Totals widened to v2: {} active, {} suspended, {} bytes",
					v1.active,
					v1.suspended,
					v1.storage_bytes
				);
			}
			T::DbWeight::get().reads_writes(1, 1)
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
			Self::before().map(|state| state.encode())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			let before = Option::<ProviderTotalsV1>::decode(&mut &state[..])
				.map_err(|_| sp_runtime::TryRuntimeError::Other("pre-upgrade state undecodable"))?;
			Self::after(before)
		}
	}

	/// The pre- and post-upgrade checks, also callable outside try-runtime builds (the
	/// migration tests run them in `cargo test`).
	impl<T: Config> WidenStorageTotal<T> {
		/// `Totals` is absent or in the v1 layout; returns it.
		pub fn before() -> Result<Option<ProviderTotalsV1>, sp_runtime::TryRuntimeError> {
			if let Some(raw) = frame_support::storage::unhashed::get_raw(&Totals::<T>::hashed_key()) {
				ensure!(raw.len() == ProviderTotalsV1::default().encoded_size(), "Totals is not in the v1 layout");
			}
			Ok(TotalsV1::<T>::get())
		}

		/// `Totals` decodes in the v2 layout with the figures it had in v1.
		pub fn after(before: Option<ProviderTotalsV1>) -> Result<(), sp_runtime::TryRuntimeError> {
			let raw = frame_support::storage::unhashed::get_raw(&Totals::<T>::hashed_key());
			let after = match raw {
				Some(raw) => ProviderTotals::decode(&mut &raw[..])
					.map_err(|_| sp_runtime::TryRuntimeError::Other("Totals does not decode as v2"))?,
				None => ProviderTotals::default(),
			};
			let v1 = before.unwrap_or_default();
			ensure!(after.active == v1.active, "active providers changed");
			ensure!(after.suspended == v1.suspended, "suspended providers changed");
			ensure!(after.storage_bytes == u128::from(v1.storage_bytes), "declared storage changed");
			Ok(())
		}
	}

	/// Runs [`WidenStorageTotal`] once, on a chain whose providers storage is at version 1,
	/// and records version 2.
	pub type MigrateV1ToV2<T> = VersionedMigration<1, 2, WidenStorageTotal<T>, Pallet<T>, <T as frame_system::Config>::DbWeight>;
}

/// v2 → v3: `HardwareAudits` keyed by provider *and* auditor, each audit a list of versions (an
/// auditor's audit is its own, and a change counts from the next epoch on). Each v2 audit — one
/// per provider, made by the auditor it names — becomes that auditor's audit with one version.
pub mod v3 {
	use frame_support::{
		migrations::VersionedMigration,
		pallet_prelude::*,
		storage_alias,
		traits::UncheckedOnRuntimeUpgrade,
	};
	use alloc::vec::Vec;

	use crate::{pallet::*, types::*, Config};

	/// A hardware audit as v2 stored it: one per provider.
	#[derive(Encode, Decode, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, TypeInfo)]
	#[scale_info(skip_type_params(T))]
	pub struct HardwareAuditV2<T: Config> {
		pub auditor: T::AccountId,
		pub auditor_since: u32,
		pub provider_registered_at: BlockNumberOf<T>,
		pub gpus: BoundedVec<sp_core::H256, T::MaxGpusPerProvider>,
		pub storage_gib: u64,
		pub audited_at: BlockNumberOf<T>,
	}

	/// The v2 layout under the same storage name.
	pub mod v2 {
		use super::*;

		#[storage_alias]
		pub type HardwareAudits<T: Config> =
			StorageMap<Pallet<T>, Blake2_128Concat, <T as frame_system::Config>::AccountId, HardwareAuditV2<T>>;
	}
	pub use v2::HardwareAudits as HardwareAuditsV2;

	/// Re-keys every v2 audit under its provider and auditor, as a single version.
	pub struct KeyAuditsByAuditor<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for KeyAuditsByAuditor<T> {
		fn on_runtime_upgrade() -> Weight {
			// Both layouts share the storage prefix: read all of v2 before writing any of v3.
			let old: Vec<(T::AccountId, HardwareAuditV2<T>)> = HardwareAuditsV2::<T>::drain().collect();
			let count = old.len() as u64;
			for (provider, audit) in old {
				let version = AuditVersion::<T> { gpus: audit.gpus, storage_gib: audit.storage_gib, made_at: audit.audited_at };
				let versions = BoundedVec::truncate_from(alloc::vec![version]);
				HardwareAudits::<T>::insert(
					&provider,
					&audit.auditor,
					HardwareAudit::<T> {
						auditor_since: audit.auditor_since,
						provider_registered_at: audit.provider_registered_at,
						versions,
					},
				);
			}
			log::info!(target: "runtime::providers", "{count} hardware audits re-keyed by auditor (v3)");
			T::DbWeight::get().reads_writes(count, count.saturating_mul(2))
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
			Ok(Self::before().encode())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			let before = Vec::<(T::AccountId, HardwareAuditV2<T>)>::decode(&mut &state[..])
				.map_err(|_| sp_runtime::TryRuntimeError::Other("pre-upgrade state undecodable"))?;
			Self::after(before)
		}
	}

	impl<T: Config> KeyAuditsByAuditor<T> {
		/// Every v2 audit.
		pub fn before() -> Vec<(T::AccountId, HardwareAuditV2<T>)> {
			HardwareAuditsV2::<T>::iter().collect()
		}

		/// Each v2 audit is its auditor's v3 audit of the same provider, with one version
		/// holding what it held, and nothing else is there.
		pub fn after(before: Vec<(T::AccountId, HardwareAuditV2<T>)>) -> Result<(), sp_runtime::TryRuntimeError> {
			ensure!(HardwareAudits::<T>::iter().count() == before.len(), "audit count changed");
			for (provider, old) in before {
				let new = HardwareAudits::<T>::get(&provider, &old.auditor).ok_or("an audit was lost")?;
				ensure!(new.auditor_since == old.auditor_since, "auditor membership changed");
				ensure!(new.provider_registered_at == old.provider_registered_at, "registration changed");
				let [version] = new.versions.as_slice() else { return Err("not exactly one version".into()) };
				ensure!(
					version.gpus == old.gpus && version.storage_gib == old.storage_gib && version.made_at == old.audited_at,
					"audited hardware changed"
				);
			}
			Ok(())
		}
	}

	/// Runs [`KeyAuditsByAuditor`] once, on a chain whose providers storage is at version 2, and
	/// records version 3.
	pub type MigrateV2ToV3<T> =
		VersionedMigration<2, 3, KeyAuditsByAuditor<T>, Pallet<T>, <T as frame_system::Config>::DbWeight>;
}
