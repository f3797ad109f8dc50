//! The auditor set, and what auditors vouch for: attributes of providers and their hardware.

use alloc::{collections::btree_set::BTreeSet, vec::Vec};
use depin_primitives::AuditedHardware;
use frame_support::{ensure, traits::Get, BoundedVec};
use sp_core::H256;
use sp_runtime::{
	traits::{UniqueSaturatedInto, Zero},
	DispatchResult,
};

use crate::{pallet::*, types::*, Config};

impl<T: Config> Pallet<T> {
	pub(crate) fn do_add_auditor(auditor: T::AccountId) -> DispatchResult {
		ensure!(!Auditors::<T>::contains_key(&auditor), Error::<T>::AlreadyAuditor);
		ensure!(Auditors::<T>::count() < T::MaxAuditors::get(), Error::<T>::TooManyAuditors);
		let bond = T::AuditorBond::get();
		Self::hold_auditor_bond(&auditor, bond)?;
		let membership = NextAuditorMembership::<T>::get();
		NextAuditorMembership::<T>::put(membership.saturating_add(1));
		Auditors::<T>::insert(&auditor, membership);
		Self::deposit_event(Event::AuditorAdded { auditor, bond });
		Ok(())
	}

	pub(crate) fn do_remove_auditor(auditor: T::AccountId) -> DispatchResult {
		ensure!(Auditors::<T>::contains_key(&auditor), Error::<T>::NotAuditor);
		Self::end_auditor(auditor)
	}

	/// Ends a membership and returns what is left of the bond. Its audits stay in storage but
	/// stop counting at once (membership number), so this needs no walk over every provider.
	fn end_auditor(auditor: T::AccountId) -> DispatchResult {
		Self::release_auditor_bond(&auditor)?;
		if let Some(membership) = Auditors::<T>::take(&auditor) {
			AuditedGpusByMembership::<T>::remove(membership);
		}
		Self::deposit_event(Event::AuditorRemoved { auditor });
		Ok(())
	}

	pub(crate) fn do_slash_auditor(auditor: T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		ensure!(Auditors::<T>::contains_key(&auditor), Error::<T>::NotAuditor);
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		let (slashed, left) = Self::slash_auditor_bond(&auditor, amount)?;
		Self::deposit_event(Event::AuditorSlashed { auditor: auditor.clone(), amount: slashed });
		if left < T::AuditorBond::get() {
			Self::end_auditor(auditor)?;
		}
		Ok(())
	}

	pub(crate) fn do_audit_hardware(
		auditor: T::AccountId,
		provider: T::AccountId,
		gpus: BoundedVec<H256, T::MaxGpusPerProvider>,
		storage_gib: u64,
	) -> DispatchResult {
		let auditor_since = Auditors::<T>::get(&auditor).ok_or(Error::<T>::NotAuditor)?;
		// Vouching for one's own hardware is no vouching at all.
		ensure!(auditor != provider, Error::<T>::SelfAudit);
		let record = Self::present(&provider)?;
		let mut seen = BTreeSet::new();
		for gpu in &gpus {
			ensure!(seen.insert(*gpu), Error::<T>::UnknownGpu);
			ensure!(GpuOwner::<T>::get(gpu).as_ref() == Some(&provider), Error::<T>::UnknownGpu);
		}
		ensure!(storage_gib.saturating_mul(depin_primitives::GIB) <= record.capacity.storage_bytes, Error::<T>::StorageNotDeclared);
		let count = gpus.len() as u32;
		let audit = (!gpus.is_empty() || storage_gib > 0).then(|| HardwareAudit::<T> {
			auditor: auditor.clone(),
			auditor_since,
			provider_registered_at: record.registered_at,
			gpus,
			storage_gib,
			audited_at: frame_system::Pallet::<T>::block_number(),
		});
		Self::put_hardware_audit(&provider, audit);
		Self::deposit_event(Event::HardwareAudited { provider, auditor, gpus: count, storage_gib });
		Ok(())
	}

	/// What of `provider`'s hardware an auditor vouches for now, and since when: nothing if the
	/// audit's auditor left or the provider registered again since; only GPUs still registered
	/// to it (and never delisted since the audit); no more storage than it declares now.
	pub fn audited_hardware(provider: &T::AccountId) -> AuditedHardware {
		let Some(audit) = HardwareAudits::<T>::get(provider) else { return AuditedHardware::default() };
		let Some(record) = Providers::<T>::get(provider) else { return AuditedHardware::default() };
		let current = Auditors::<T>::get(&audit.auditor) == Some(audit.auditor_since) &&
			record.registered_at == audit.provider_registered_at;
		if !current {
			return AuditedHardware::default();
		}
		AuditedHardware {
			gpus: audit
				.gpus
				.into_iter()
				.filter(|gpu| GpuOwner::<T>::get(gpu).as_ref() == Some(provider))
				.collect::<Vec<_>>(),
			storage_gib: audit.storage_gib.min(record.capacity.storage_bytes / depin_primitives::GIB),
			since: audit.audited_at.unique_saturated_into(),
		}
	}

	pub(crate) fn do_set_attributes(
		auditor: T::AccountId,
		provider: T::AccountId,
		attributes: BoundedVec<(AttributeKey, AttributeValue), T::MaxAttributes>,
	) -> DispatchResult {
		let auditor_since = Auditors::<T>::get(&auditor).ok_or(Error::<T>::NotAuditor)?;
		ensure!(!attributes.is_empty(), Error::<T>::NoAttributes);
		let mut keys = BTreeSet::new();
		for (key, _) in &attributes {
			ensure!(!key.is_empty() && keys.insert(key.clone()), Error::<T>::InvalidAttributes);
		}
		let record = Self::present(&provider)?;
		let count = attributes.len() as u32;
		Attributes::<T>::insert(
			&provider,
			&auditor,
			Audit::<T> { provider_registered_at: record.registered_at, auditor_since, attributes },
		);
		Self::deposit_event(Event::AttributesSet { provider, auditor, count });
		Ok(())
	}

	pub(crate) fn do_clear_attributes(auditor: T::AccountId, provider: T::AccountId) -> DispatchResult {
		ensure!(Attributes::<T>::contains_key(&provider, &auditor), Error::<T>::NoAttributes);
		Attributes::<T>::remove(&provider, &auditor);
		Self::deposit_event(Event::AttributesCleared { provider, auditor });
		Ok(())
	}

	/// `auditor`'s audit of `provider`, if it still counts.
	pub fn valid_audit(provider: &T::AccountId, auditor: &T::AccountId) -> Option<Audit<T>> {
		let since = Auditors::<T>::get(auditor)?;
		let record = Providers::<T>::get(provider)?;
		Attributes::<T>::get(provider, auditor)
			.filter(|a| a.auditor_since == since && a.provider_registered_at == record.registered_at)
	}
}
