//! Storage migrations of the attestation pallet.

/// v1 → v2: disputes raised before their epoch's report are indexed by provider and epoch
/// (`DisputedBeforeReport`), so a report reads one list instead of a dispute slot per lease;
/// and a provider's liveness lists the epochs it has report and miss records of
/// (`Liveness::recorded`), so pruning them scans neither map.
pub mod v2 {
	use alloc::{collections::BTreeMap, vec::Vec};
	use frame_support::{migrations::VersionedMigration, pallet_prelude::*, traits::UncheckedOnRuntimeUpgrade};

	use crate::{pallet::*, types::*, Config};

	/// A provider's liveness as v1 stored it.
	#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, Default)]
	pub struct LivenessV1 {
		pub last_reported: Option<EpochIndex>,
		pub missed_in_a_row: u32,
		pub reports: u32,
		pub misses: u32,
		pub suspended_for_misses: bool,
	}

	/// Adds the list of recorded epochs to every provider's liveness.
	pub struct ListRecordedEpochs<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for ListRecordedEpochs<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut recorded: BTreeMap<T::AccountId, Vec<(EpochIndex, bool)>> = BTreeMap::new();
			for (provider, epoch) in Reports::<T>::iter_keys() {
				recorded.entry(provider).or_default().push((epoch, true));
			}
			for (provider, epoch) in Misses::<T>::iter_keys() {
				recorded.entry(provider).or_default().push((epoch, false));
			}
			let records: u64 = recorded.values().map(|r| r.len() as u64).sum();
			let mut providers = 0u64;
			ProviderLiveness::<T>::translate::<LivenessV1, _>(|provider, old| {
				providers += 1;
				let mut epochs = recorded.remove(&provider).unwrap_or_default();
				epochs.sort();
				// Newest kept if more were stored than the bound (pruning kept them far fewer).
				let keep = epochs.len().saturating_sub(MAX_RECORDED_EPOCHS as usize);
				Some(Liveness {
					last_reported: old.last_reported,
					missed_in_a_row: old.missed_in_a_row,
					reports: old.reports,
					misses: old.misses,
					suspended_for_misses: old.suspended_for_misses,
					recorded: BoundedVec::truncate_from(epochs.split_off(keep)),
				})
			});
			// Records without liveness cannot arise (both are written together); list them anyway.
			for (provider, mut epochs) in recorded {
				providers += 1;
				epochs.sort();
				let keep = epochs.len().saturating_sub(MAX_RECORDED_EPOCHS as usize);
				ProviderLiveness::<T>::mutate(&provider, |l| l.recorded = BoundedVec::truncate_from(epochs.split_off(keep)));
			}
			T::DbWeight::get().reads_writes(records.saturating_add(providers), providers)
		}
	}

	/// Indexes every open dispute that nothing was held or contested for yet and whose report
	/// has not landed.
	pub struct IndexDisputesBeforeReport<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for IndexDisputesBeforeReport<T> {
		fn on_runtime_upgrade() -> Weight {
			let waiting: Vec<_> = Disputes::<T>::iter()
				.filter(|(_, epoch, d)| {
					d.held.is_none() && d.paid.is_none() && !Reports::<T>::contains_key(&d.provider, epoch)
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

	/// Both steps of v2.
	pub struct IndexAndList<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for IndexAndList<T> {
		fn on_runtime_upgrade() -> Weight {
			IndexDisputesBeforeReport::<T>::on_runtime_upgrade()
				.saturating_add(ListRecordedEpochs::<T>::on_runtime_upgrade())
		}
	}

	pub type MigrateV1ToV2<T> =
		VersionedMigration<1, 2, IndexAndList<T>, Pallet<T>, <T as frame_system::Config>::DbWeight>;
}
