//! Storage migrations of the attestation pallet.

/// v1 → v2: disputes raised before their epoch's report are indexed by provider and epoch
/// (`DisputedBeforeReport`), so a report reads one list instead of a dispute slot per lease.
/// (v2 also listed each provider's recorded epochs in its liveness; v3 rebuilds that list from
/// the records themselves, so a v1 chain goes through this index and then v3.)
pub mod v2 {
	use alloc::vec::Vec;
	use frame_support::{migrations::VersionedMigration, pallet_prelude::*, traits::UncheckedOnRuntimeUpgrade};

	use crate::{pallet::*, Config};

	/// A provider's liveness as v1 stored it. v2 appended the list of recorded epochs, so this
	/// also decodes the leading fields of a v2 liveness.
	#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, Default)]
	pub struct LivenessV1 {
		pub last_reported: Option<crate::types::EpochIndex>,
		pub missed_in_a_row: u32,
		pub reports: u32,
		pub misses: u32,
		pub suspended_for_misses: bool,
	}

	/// Indexes every open dispute that nothing was held or contested for yet and whose report
	/// has not landed.
	pub struct IndexDisputesBeforeReport<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for IndexDisputesBeforeReport<T> {
		fn on_runtime_upgrade() -> Weight {
			let waiting: Vec<_> = Disputes::<T>::iter()
				.filter(|(_, epoch, d)| {
					d.held.is_none() && d.paid.is_none() && !super::v3::v2::Reports::<T>::contains_key(&d.provider, epoch)
				})
				.map(|(lease, epoch, d)| (d.provider, epoch, lease))
				.collect();
			let (mut indexed, mut dropped) = (0u64, 0u64);
			for (provider, epoch, lease) in waiting {
				match DisputedBeforeReport::<T>::try_mutate(&provider, epoch, |leases| leases.try_push(lease)) {
					Ok(()) => indexed += 1,
					// More waiting disputes than a report covers leases cannot arise (one per lease
					// of a provider); counted, not indexed, if it did.
					Err(_) => dropped += 1,
				}
			}
			log::info!(target: "runtime::attestation", "{indexed} disputes before report indexed (v2), {dropped} over the bound");
			let disputes = Disputes::<T>::iter_keys().count() as u64;
			T::DbWeight::get().reads_writes(disputes.saturating_mul(2).saturating_add(indexed), indexed)
		}
	}

	pub type MigrateV1ToV2<T> =
		VersionedMigration<1, 2, IndexDisputesBeforeReport<T>, Pallet<T>, <T as frame_system::Config>::DbWeight>;
}

/// v2 → v3: a provider's accepted reports and recorded misses move from the `Reports` and
/// `Misses` maps into its liveness (`Liveness::recorded`), which every report and miss reads
/// and writes anyway: recording one and pruning the expired take no storage access of their
/// own.
///
/// One block: it reads and writes every record once, at most `MissLookback` + 1 per provider
/// (25 on this runtime). The chains running v2 (development and test networks) have a few
/// dozen providers; a chain with thousands would need this as a multi-block migration.
pub mod v3 {
	use alloc::{collections::BTreeMap, vec::Vec};
	use frame_support::{migrations::VersionedMigration, pallet_prelude::*, traits::UncheckedOnRuntimeUpgrade};

	use super::v2::LivenessV1;
	use crate::{pallet::*, types::*, Config};

	/// The maps v1 and v2 kept records in.
	pub mod v2 {
		use frame_support::{pallet_prelude::*, storage_alias};

		use crate::{pallet::*, types::*, Config};

		#[storage_alias]
		pub type Reports<T: Config> = StorageDoubleMap<
			Pallet<T>,
			Blake2_128Concat,
			<T as frame_system::Config>::AccountId,
			Twox64Concat,
			EpochIndex,
			ReportRecord<BalanceOf<T>>,
		>;

		#[storage_alias]
		pub type Misses<T: Config> = StorageDoubleMap<
			Pallet<T>,
			Blake2_128Concat,
			<T as frame_system::Config>::AccountId,
			Twox64Concat,
			EpochIndex,
			(),
			OptionQuery,
		>;
	}

	/// Moves every report and miss record into its provider's liveness, oldest first.
	pub struct FoldRecordsIntoLiveness<T>(core::marker::PhantomData<T>);

	impl<T: Config> FoldRecordsIntoLiveness<T> {
		/// Each provider's records, oldest first, the newest `MAX_RECORDED_EPOCHS` of them
		/// (pruning kept far fewer).
		fn take_records() -> BTreeMap<T::AccountId, Vec<(EpochIndex, EpochOutcome<BalanceOf<T>>)>> {
			let mut recorded: BTreeMap<T::AccountId, Vec<(EpochIndex, EpochOutcome<BalanceOf<T>>)>> = BTreeMap::new();
			for (provider, epoch, report) in v2::Reports::<T>::drain() {
				recorded.entry(provider).or_default().push((epoch, EpochOutcome::Reported(report)));
			}
			for (provider, epoch, ()) in v2::Misses::<T>::drain() {
				let records = recorded.entry(provider).or_default();
				// An epoch both reported and missed cannot arise (each refuses the other); the
				// report wins if it did.
				if !records.iter().any(|(e, _)| *e == epoch) {
					records.push((epoch, EpochOutcome::Missed));
				}
			}
			for records in recorded.values_mut() {
				records.sort_by_key(|(epoch, _)| *epoch);
				let surplus = records.len().saturating_sub(MAX_RECORDED_EPOCHS as usize);
				records.drain(..surplus);
			}
			recorded
		}
	}

	impl<T: Config> UncheckedOnRuntimeUpgrade for FoldRecordsIntoLiveness<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut recorded = Self::take_records();
			let records: u64 = recorded.values().map(|r| r.len() as u64).sum();
			let mut providers = 0u64;
			ProviderLiveness::<T>::translate::<LivenessV1, _>(|provider, old| {
				providers += 1;
				Some(Liveness {
					last_reported: old.last_reported,
					missed_in_a_row: old.missed_in_a_row,
					reports: old.reports,
					misses: old.misses,
					suspended_for_misses: old.suspended_for_misses,
					recorded: BoundedVec::truncate_from(recorded.remove(&provider).unwrap_or_default()),
				})
			});
			// Records without liveness cannot arise (both are written together); kept anyway.
			for (provider, epochs) in recorded {
				providers += 1;
				ProviderLiveness::<T>::mutate(&provider, |l| l.recorded = BoundedVec::truncate_from(epochs));
			}
			log::info!(target: "runtime::attestation", "{records} report and miss records of {providers} providers folded into their liveness (v3)");
			T::DbWeight::get().reads_writes(records.saturating_add(providers), records.saturating_add(providers))
		}
	}

	pub type MigrateV2ToV3<T> =
		VersionedMigration<2, 3, FoldRecordsIntoLiveness<T>, Pallet<T>, <T as frame_system::Config>::DbWeight>;
}
