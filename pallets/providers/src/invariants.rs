//! State invariants, checked by `try_state` and at the end of every test.

use frame_support::traits::{fungible::InspectHold, Get};
use sp_runtime::TryRuntimeError;

use crate::{pallet::*, types::*, Config};

impl<T: Config> Pallet<T> {
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let mut providers = 0u32;
		for (who, record) in Providers::<T>::iter() {
			providers = providers.saturating_add(1);
			let held = T::Currency::balance_on_hold(&HoldReason::ProviderBond.into(), &who);
			ensure_state(held == record.total_held(), "ProviderBond hold differs from the recorded bond")?;
			if let Some(key) = record.reporting_key {
				ensure_state(
					ReportingKeyOwner::<T>::get(key).as_ref() == Some(&who),
					"a reporting key is not indexed to its provider",
				)?;
			}
			let gpus = Gpus::<T>::get(&who);
			for gpu in gpus.iter() {
				ensure_state(
					GpuOwner::<T>::get(gpu.uuid_hash).as_ref() == Some(&who),
					"a listed GPU is not owned by its provider",
				)?;
			}
			match record.status {
				ProviderStatus::Deregistered => {
					ensure_state(gpus.is_empty(), "a deregistered provider lists GPUs")?;
					ensure_state(record.unbonding.is_some(), "a deregistered provider with nothing unbonding")?;
				},
				ProviderStatus::Active => ensure_state(
					record.bond >= T::MinProviderBond::get(),
					"an active provider below the minimum bond",
				)?,
				_ => {},
			}
		}
		ensure_state(providers == Providers::<T>::count(), "provider counter is off")?;

		for (uuid_hash, owner) in GpuOwner::<T>::iter() {
			ensure_state(
				Gpus::<T>::get(&owner).iter().any(|gpu| gpu.uuid_hash == uuid_hash),
				"a GPU owner entry without the GPU in the owner's list",
			)?;
		}
		for (owner, gpus) in Gpus::<T>::iter() {
			ensure_state(Providers::<T>::contains_key(&owner), "GPUs of an unregistered account")?;
			ensure_state(!gpus.is_empty(), "an empty GPU list is stored")?;
		}

		for (key, owner) in ReportingKeyOwner::<T>::iter() {
			ensure_state(
				Providers::<T>::get(&owner).and_then(|r| r.reporting_key) == Some(key),
				"a reporting key index entry its provider does not use",
			)?;
		}

		let auditors = Auditors::<T>::iter().count() as u32;
		ensure_state(
			Auditors::<T>::iter().all(|(_, since)| since < NextAuditorMembership::<T>::get()),
			"an auditor membership number from the future",
		)?;
		ensure_state(auditors == Auditors::<T>::count(), "auditor counter is off")?;
		ensure_state(auditors <= T::MaxAuditors::get(), "more auditors than allowed")?;
		Ok(())
	}
}

fn ensure_state(condition: bool, message: &'static str) -> Result<(), TryRuntimeError> {
	if condition {
		Ok(())
	} else {
		Err(message.into())
	}
}
