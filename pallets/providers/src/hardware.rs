//! Hardware inventory and prices.

use alloc::collections::btree_set::BTreeSet;
use frame_support::{ensure, traits::Get, BoundedVec};
use sp_core::H256;
use sp_runtime::{traits::Zero, DispatchResult};

use depin_primitives::Commitments;

use crate::{pallet::*, types::*, Config};


impl<T: Config> Pallet<T> {
	pub(crate) fn do_add_gpus(
		who: T::AccountId,
		new: BoundedVec<GpuSpec, T::MaxGpusPerProvider>,
	) -> DispatchResult {
		Self::present(&who)?;
		ensure!(!new.is_empty(), Error::<T>::NoGpus);
		let mut gpus = Gpus::<T>::get(&who);
		ensure!(
			gpus.len().saturating_add(new.len()) <= T::MaxGpusPerProvider::get() as usize,
			Error::<T>::TooManyGpus
		);
		let mut seen = BTreeSet::new();
		for gpu in &new {
			ensure!(!gpu.model.is_empty() && gpu.vram_mib > 0, Error::<T>::InvalidGpu);
			ensure!(seen.insert(gpu.uuid_hash), Error::<T>::DuplicateGpu);
			ensure!(!GpuOwner::<T>::contains_key(gpu.uuid_hash), Error::<T>::GpuAlreadyRegistered);
			ensure!(
				GpuReservedFor::<T>::get(gpu.uuid_hash).is_none_or(|owner| owner == who),
				Error::<T>::GpuReserved
			);
		}
		let count = new.len() as u32;
		// In memory first, so storage is written only once nothing can fail.
		for gpu in &new {
			gpus.try_push(gpu.clone()).map_err(|_| Error::<T>::TooManyGpus)?;
		}
		for gpu in &new {
			GpuOwner::<T>::insert(gpu.uuid_hash, &who);
			GpuReservedFor::<T>::remove(gpu.uuid_hash);
		}
		Gpus::<T>::insert(&who, gpus);
		Self::deposit_event(Event::GpusAdded { provider: who, count });
		Ok(())
	}

	pub(crate) fn do_remove_gpus(
		who: T::AccountId,
		uuid_hashes: BoundedVec<H256, T::MaxGpusPerProvider>,
	) -> DispatchResult {
		Self::present(&who)?;
		ensure!(!uuid_hashes.is_empty(), Error::<T>::NoGpus);
		let mut seen = BTreeSet::new();
		for uuid_hash in &uuid_hashes {
			ensure!(seen.insert(*uuid_hash), Error::<T>::DuplicateGpu);
			ensure!(GpuOwner::<T>::get(uuid_hash).as_ref() == Some(&who), Error::<T>::GpuNotFound);
			ensure!(!T::Commitments::is_gpu_leased(uuid_hash), Error::<T>::GpuLeased);
		}
		let mut gpus = Gpus::<T>::get(&who);
		gpus.retain(|gpu| !seen.contains(&gpu.uuid_hash));
		if gpus.is_empty() {
			Gpus::<T>::remove(&who);
		} else {
			Gpus::<T>::insert(&who, gpus);
		}
		for uuid_hash in &uuid_hashes {
			GpuOwner::<T>::remove(uuid_hash);
		}
		Self::forget_audited_gpus(&who, &seen);
		Self::deposit_event(Event::GpusRemoved { provider: who, count: uuid_hashes.len() as u32 });
		Ok(())
	}

	pub(crate) fn do_set_min_lease_charge(who: T::AccountId, per_epoch: BalanceOf<T>) -> DispatchResult {
		Self::present(&who)?;
		if per_epoch.is_zero() {
			MinLeaseCharge::<T>::remove(&who);
		} else {
			MinLeaseCharge::<T>::insert(&who, per_epoch);
		}
		Self::deposit_event(Event::MinLeaseChargeSet { provider: who, per_epoch });
		Ok(())
	}

	/// Takes GPU `uuid_hash` from whoever lists it now — a squatter that moved it to another of
	/// its accounts is still caught — closing the lease that holds it, if any.
	pub(crate) fn do_evict_gpu(uuid_hash: H256, owner: T::AccountId, slash: BalanceOf<T>) -> DispatchResult {
		let squatter = GpuOwner::<T>::get(uuid_hash).ok_or(Error::<T>::GpuNotFound)?;
		ensure!(owner != squatter, Error::<T>::EvictionToSelf);
		// A squatter keeping the GPU rented to a second account of its own must not be able to
		// hold off the eviction: the lease ends, its consumer refunded as on any close.
		T::Commitments::end_lease_of_gpu(&uuid_hash)?;
		let slashed =
			if slash.is_zero() { Zero::zero() } else { Self::do_slash(&squatter, slash, &T::SlashBeneficiary::get())? };
		Gpus::<T>::mutate_exists(&squatter, |gpus| {
			if let Some(list) = gpus {
				list.retain(|gpu| gpu.uuid_hash != uuid_hash);
				if list.is_empty() {
					*gpus = None;
				}
			}
		});
		GpuOwner::<T>::remove(uuid_hash);
		Self::forget_audited_gpus(&squatter, &BTreeSet::from([uuid_hash]));
		GpuReservedFor::<T>::insert(uuid_hash, &owner);
		Self::deposit_event(Event::GpusRemoved { provider: squatter.clone(), count: 1 });
		Self::deposit_event(Event::GpuEvicted { squatter, uuid_hash, owner, slashed });
		Ok(())
	}

	/// Delists every GPU of `who`; returns how many there were.
	pub(crate) fn delist_all_gpus(who: &T::AccountId) -> u32 {
		let gpus = Gpus::<T>::take(who);
		for gpu in &gpus {
			GpuOwner::<T>::remove(gpu.uuid_hash);
		}
		Self::forget_audited_gpus(who, &gpus.iter().map(|gpu| gpu.uuid_hash).collect());
		gpus.len() as u32
	}

	/// A GPU that leaves a provider leaves its audit for good: should it come back (or pass
	/// through a Sybil account and back), an auditor must vouch for it again, so one device is
	/// never counted for two accounts.
	fn forget_audited_gpus(who: &T::AccountId, gone: &BTreeSet<H256>) {
		let audits: alloc::vec::Vec<_> = HardwareAudits::<T>::iter_prefix(who).collect();
		for (auditor, mut audit) in audits {
			for version in audit.versions.iter_mut() {
				version.gpus.retain(|gpu| !gone.contains(gpu));
			}
			Self::put_hardware_audit(who, &auditor, Some(audit));
		}
	}

	pub(crate) fn do_set_capacity(who: T::AccountId, capacity: Capacity) -> DispatchResult {
		ensure!(
			capacity.storage_bytes <= T::MaxStorageBytes::get() && capacity.cpu_cores <= T::MaxCpuCores::get(),
			Error::<T>::CapacityTooLarge
		);
		let committed = T::Commitments::commitment(&who);
		Self::mutate_present(&who, |record| {
			ensure!(
				capacity.storage_bytes >= committed.storage_bytes() &&
					capacity.cpu_cores >= committed.cpu_cores,
				Error::<T>::CapacityInUse
			);
			record.capacity = capacity;
			Ok(())
		})?;
		Self::deposit_event(Event::CapacitySet {
			provider: who,
			storage_bytes: capacity.storage_bytes,
			cpu_cores: capacity.cpu_cores,
		});
		Ok(())
	}

	pub(crate) fn do_set_prices(
		who: T::AccountId,
		prices: PriceList<BalanceOf<T>, T::MaxGpusPerProvider>,
	) -> DispatchResult {
		let mut models = BTreeSet::new();
		for (model, _) in &prices.gpu {
			ensure!(models.insert(model.clone()), Error::<T>::DuplicatePrice);
		}
		Self::mutate_present(&who, |record| {
			record.prices = prices;
			Ok(())
		})?;
		Self::deposit_event(Event::PricesSet { provider: who });
		Ok(())
	}
}
