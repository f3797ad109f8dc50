//! State invariants, checked by `try_state` and at the end of every test.

use frame_support::{
	ensure,
	traits::{fungible::InspectHold, Get},
};
use sp_runtime::TryRuntimeError;

use crate::{pallet::*, types::*, Config};

impl<T: Config> Pallet<T> {
	/// Checks, for every provider and auditor:
	///
	/// 1. A provider's `ProviderBond` hold is exactly its bond plus what is unbonding.
	/// 2. An active provider is bonded at least `MinProviderBond`; a deregistered one lists no
	///    GPUs and has its whole bond unbonding.
	/// 3. `Gpus` and `GpuOwner` mirror each other: every listed GPU is owned by its lister and
	///    every owner entry is in its owner's list; GPU lists belong to registered providers and
	///    are never stored empty. A GPU governance holds for an account (`GpuReservedFor`) is
	///    listed by nobody.
	/// 4. `ReportingKeyOwner` and the providers' reporting keys mirror each other (one provider
	///    per key).
	/// 5. The provider and auditor counters match their maps; there are at most `MaxAuditors`
	///    auditors, each with a membership number already handed out.
	/// 6. Every auditor holds at least `AuditorBond` as its bond; every hardware audit is of a
	///    registered provider, keeps its versions in the order they were made (at most
	///    `MAX_AUDIT_VERSIONS`), and no provider has more than `MaxAuditors` hardware audits or
	///    attestations (stale ones make room for new ones).
	/// 7. `Totals` (active, suspended, declared storage) match the records; the GPU counter
	///    matches `GpuOwner`; `AuditedGpusByMembership` holds, for each current auditor
	///    membership, the GPUs in the latest versions of its audits, and nothing for ended
	///    memberships. Every
	///    `MinLeaseCharge` entry belongs to a registered provider.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		Self::bonds_match_holds()?;
		Self::statuses_match_bonds()?;
		Self::gpu_lists_match_owners()?;
		Self::reporting_keys_are_indexed()?;
		Self::counters_match()?;
		Self::totals_match()?;
		Self::auditors_are_bonded()
	}

	/// 6.
	fn auditors_are_bonded() -> Result<(), TryRuntimeError> {
		for (auditor, _) in Auditors::<T>::iter() {
			let held = T::Currency::balance_on_hold(&HoldReason::AuditorBond.into(), &auditor);
			ensure!(held >= T::AuditorBond::get(), "an auditor holds less than the auditor bond");
		}
		let mut audits_of = alloc::collections::btree_map::BTreeMap::<T::AccountId, u32>::new();
		let mut attested = alloc::collections::btree_map::BTreeMap::<T::AccountId, u32>::new();
		for (provider, _) in Attributes::<T>::iter_keys() {
			let count = attested.entry(provider).or_default();
			*count += 1;
			ensure!(*count <= T::MaxAuditors::get(), "more attestations of a provider than auditors there can be");
		}
		for (provider, _, audit) in HardwareAudits::<T>::iter() {
			ensure!(Providers::<T>::contains_key(&provider), "a hardware audit of an unregistered account");
			let count = audits_of.entry(provider).or_default();
			*count += 1;
			ensure!(*count <= T::MaxAuditors::get(), "more hardware audits of a provider than auditors there can be");
			ensure!(
				audit.versions.windows(2).all(|pair| pair[0].made_at <= pair[1].made_at),
				"hardware audit versions out of order"
			);
		}
		Ok(())
	}

	/// 1.
	fn bonds_match_holds() -> Result<(), TryRuntimeError> {
		for (who, record) in Providers::<T>::iter() {
			let held = T::Currency::balance_on_hold(&HoldReason::ProviderBond.into(), &who);
			ensure!(held == record.total_held(), "ProviderBond hold differs from the recorded bond");
		}
		Ok(())
	}

	/// 2.
	fn statuses_match_bonds() -> Result<(), TryRuntimeError> {
		for (who, record) in Providers::<T>::iter() {
			match record.status {
				ProviderStatus::Deregistered => {
					ensure!(!Gpus::<T>::contains_key(&who), "a deregistered provider lists GPUs");
					ensure!(record.unbonding.is_some(), "a deregistered provider with nothing unbonding");
				},
				ProviderStatus::Active =>
					ensure!(record.bond >= T::MinProviderBond::get(), "an active provider below the minimum bond"),
				ProviderStatus::Suspended | ProviderStatus::Unbonding => {},
			}
		}
		Ok(())
	}

	/// 3.
	fn gpu_lists_match_owners() -> Result<(), TryRuntimeError> {
		for (owner, gpus) in Gpus::<T>::iter() {
			ensure!(Providers::<T>::contains_key(&owner), "GPUs of an unregistered account");
			ensure!(!gpus.is_empty(), "an empty GPU list is stored");
			for gpu in gpus.iter() {
				ensure!(
					GpuOwner::<T>::get(gpu.uuid_hash).as_ref() == Some(&owner),
					"a listed GPU is not owned by its provider"
				);
			}
		}
		for (uuid_hash, owner) in GpuOwner::<T>::iter() {
			ensure!(
				Gpus::<T>::get(&owner).iter().any(|gpu| gpu.uuid_hash == uuid_hash),
				"a GPU owner entry without the GPU in the owner's list"
			);
		}
		ensure!(
			GpuReservedFor::<T>::iter_keys().all(|gpu| !GpuOwner::<T>::contains_key(gpu)),
			"a GPU held for an account is listed"
		);
		Ok(())
	}

	/// 4.
	fn reporting_keys_are_indexed() -> Result<(), TryRuntimeError> {
		for (who, record) in Providers::<T>::iter() {
			if let Some(key) = record.reporting_key {
				ensure!(
					ReportingKeyOwner::<T>::get(key).as_ref() == Some(&who),
					"a reporting key is not indexed to its provider"
				);
			}
		}
		for (key, owner) in ReportingKeyOwner::<T>::iter() {
			ensure!(
				Providers::<T>::get(&owner).and_then(|r| r.reporting_key) == Some(key),
				"a reporting key index entry its provider does not use"
			);
		}
		Ok(())
	}

	/// 5.
	fn counters_match() -> Result<(), TryRuntimeError> {
		ensure!(Providers::<T>::iter().count() as u32 == Providers::<T>::count(), "provider counter is off");
		let auditors = Auditors::<T>::iter().count() as u32;
		ensure!(auditors == Auditors::<T>::count(), "auditor counter is off");
		ensure!(auditors <= T::MaxAuditors::get(), "more auditors than allowed");
		let next = NextAuditorMembership::<T>::get();
		ensure!(Auditors::<T>::iter().all(|(_, since)| since < next), "an auditor membership number from the future");
		ensure!(GpuOwner::<T>::iter().count() as u32 == GpuOwner::<T>::count(), "GPU counter is off");
		Ok(())
	}

	/// 7.
	fn totals_match() -> Result<(), TryRuntimeError> {
		let mut totals = ProviderTotals::default();
		for (_, record) in Providers::<T>::iter() {
			match record.status {
				ProviderStatus::Active => totals.active += 1,
				ProviderStatus::Suspended => totals.suspended += 1,
				_ => {},
			}
			totals.storage_bytes = totals.storage_bytes.saturating_add(record.capacity.storage_bytes.into());
		}
		ensure!(Totals::<T>::get() == totals, "provider totals differ from the records");
		let mut audited = alloc::collections::btree_map::BTreeMap::<u32, u32>::new();
		for (_, auditor, audit) in HardwareAudits::<T>::iter() {
			if Auditors::<T>::get(&auditor) == Some(audit.auditor_since) {
				*audited.entry(audit.auditor_since).or_default() +=
					audit.latest().map_or(0, |version| version.gpus.len() as u32);
			}
		}
		audited.retain(|_, count| *count > 0);
		let current: alloc::collections::btree_set::BTreeSet<u32> = Auditors::<T>::iter_values().collect();
		let counted: alloc::collections::btree_map::BTreeMap<u32, u32> =
			AuditedGpusByMembership::<T>::iter().filter(|(membership, _)| current.contains(membership)).collect();
		ensure!(audited == counted, "audited GPU counts differ from the current audits");
		ensure!(
			AuditedGpusByMembership::<T>::iter_keys().all(|membership| current.contains(&membership)),
			"an audited GPU count of an ended membership"
		);
		ensure!(
			MinLeaseCharge::<T>::iter_keys().all(|provider| Providers::<T>::contains_key(provider)),
			"a minimum lease charge of an unregistered account"
		);
		Ok(())
	}
}
