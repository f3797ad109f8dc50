//! Network-wide figures kept up to date on every change (`Totals`, `AuditedGpusByMembership`,
//! the GPU counter), so the explorer reads the network in O(1) instead of walking every provider.

use sp_runtime::Saturating;

use crate::{pallet::*, types::*, Config};

impl<T: Config> Pallet<T> {
	/// Stores `record` for `who` (or removes it), keeping `Totals` in step with the change.
	pub(crate) fn put_record(who: &T::AccountId, record: Option<ProviderRecord<T>>) {
		let before = Providers::<T>::get(who);
		Self::count_record_change(before.as_ref(), record.as_ref());
		match record {
			Some(record) => Providers::<T>::insert(who, record),
			None => Providers::<T>::remove(who),
		}
	}

	/// Moves `Totals` from `before` to `after`.
	pub(crate) fn count_record_change(before: Option<&ProviderRecord<T>>, after: Option<&ProviderRecord<T>>) {
		Totals::<T>::mutate(|totals| {
			if let Some(record) = before {
				match record.status {
					ProviderStatus::Active => totals.active.saturating_dec(),
					ProviderStatus::Suspended => totals.suspended.saturating_dec(),
					_ => {},
				}
				totals.storage_bytes.saturating_reduce(record.capacity.storage_bytes.into());
			}
			if let Some(record) = after {
				match record.status {
					ProviderStatus::Active => totals.active.saturating_inc(),
					ProviderStatus::Suspended => totals.suspended.saturating_inc(),
					_ => {},
				}
				totals.storage_bytes.saturating_accrue(record.capacity.storage_bytes.into());
			}
		});
	}

	/// Stores `auditor`'s `audit` of `provider` (or removes it), keeping
	/// `AuditedGpusByMembership` (GPUs of each current membership's latest versions) in step.
	/// Audits of ended memberships count nowhere.
	pub(crate) fn put_hardware_audit(provider: &T::AccountId, auditor: &T::AccountId, audit: Option<HardwareAudit<T>>) {
		let current = |audit: &HardwareAudit<T>| Auditors::<T>::get(auditor) == Some(audit.auditor_since);
		let latest_gpus = |audit: &HardwareAudit<T>| audit.latest().map_or(0, |v| v.gpus.len() as u32);
		if let Some(before) = HardwareAudits::<T>::get(provider, auditor).filter(current) {
			Self::count_audited_gpus(before.auditor_since, latest_gpus(&before), false);
		}
		match audit {
			Some(audit) => {
				if current(&audit) {
					Self::count_audited_gpus(audit.auditor_since, latest_gpus(&audit), true);
				}
				HardwareAudits::<T>::insert(provider, auditor, audit);
			},
			None => HardwareAudits::<T>::remove(provider, auditor),
		}
	}

	/// Removes every audit of `provider` (it is leaving): at most one per auditor account.
	pub(crate) fn remove_hardware_audits(provider: &T::AccountId) {
		let auditors: alloc::vec::Vec<T::AccountId> = HardwareAudits::<T>::iter_key_prefix(provider).collect();
		for auditor in auditors {
			Self::put_hardware_audit(provider, &auditor, None);
		}
	}

	fn count_audited_gpus(membership: u32, gpus: u32, add: bool) {
		AuditedGpusByMembership::<T>::mutate_exists(membership, |count| {
			let value = count.unwrap_or_default();
			let value = if add { value.saturating_add(gpus) } else { value.saturating_sub(gpus) };
			*count = (value > 0).then_some(value);
		});
	}

	/// GPUs vouched for by current auditors: O(`MaxAuditors`).
	pub fn audited_gpus_total() -> u32 {
		Auditors::<T>::iter_values()
			.map(AuditedGpusByMembership::<T>::get)
			.fold(0u32, |total, count| total.saturating_add(count))
	}

	/// GPUs listed by all providers.
	pub fn gpus_total() -> u32 {
		GpuOwner::<T>::count()
	}
}
