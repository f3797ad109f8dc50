//! Storage migrations of the attestation pallet.

/// v1 → v2: disputes raised before their epoch's report are indexed by provider and epoch
/// (`DisputedBeforeReport`), so a report reads one list instead of a dispute slot per lease.
pub mod v2 {
	use alloc::vec::Vec;
	use frame_support::{migrations::VersionedMigration, pallet_prelude::*, traits::UncheckedOnRuntimeUpgrade};

	use crate::{pallet::*, Config};

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

	pub type MigrateV1ToV2<T> =
		VersionedMigration<1, 2, IndexDisputesBeforeReport<T>, Pallet<T>, <T as frame_system::Config>::DbWeight>;
}
