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
		let version = AuditVersion::<T> { gpus, storage_gib, made_at: frame_system::Pallet::<T>::block_number() };
		// This auditor's own audit, if it is of this registration and membership; an audit left
		// from an earlier one never counts again and is replaced.
		let audit = HardwareAudits::<T>::get(&provider, &auditor)
			.filter(|a| a.auditor_since == auditor_since && a.provider_registered_at == record.registered_at)
			.unwrap_or(HardwareAudit::<T> {
				auditor_since,
				provider_registered_at: record.registered_at,
				versions: Default::default(),
			});
		let audit = Self::with_version(audit, version)?;
		if !HardwareAudits::<T>::contains_key(&provider, &auditor) {
			Self::make_room_for_an_audit(&provider);
		}
		Self::put_hardware_audit(&provider, &auditor, audit);
		Self::deposit_event(Event::HardwareAudited { provider, auditor, gpus: count, storage_gib });
		Ok(())
	}

	/// Keeps a provider's attestations at most `MaxAuditors`, as its hardware audits (below):
	/// stale ones — of auditors that have left, or of an earlier registration — go first.
	fn make_room_for_attributes(provider: &T::AccountId) {
		let registered_at = Providers::<T>::get(provider).map(|record| record.registered_at);
		let audits: Vec<(T::AccountId, u32, BlockNumberOf<T>)> = Attributes::<T>::iter_prefix(provider)
			.map(|(auditor, audit)| (auditor, audit.auditor_since, audit.provider_registered_at))
			.collect();
		if (audits.len() as u32) < T::MaxAuditors::get() {
			return;
		}
		for (auditor, since, at) in audits {
			if Auditors::<T>::get(&auditor) != Some(since) || registered_at != Some(at) {
				Attributes::<T>::remove(provider, &auditor);
			}
		}
	}

	/// Keeps a provider's audits at most `MaxAuditors`: before a new auditor's audit is stored,
	/// the audits of auditors that have left (which count nowhere) are dropped if the provider
	/// has that many. At most `MaxAuditors` auditors are current, so that makes room.
	fn make_room_for_an_audit(provider: &T::AccountId) {
		let audits: Vec<(T::AccountId, u32)> =
			HardwareAudits::<T>::iter_prefix(provider).map(|(auditor, audit)| (auditor, audit.auditor_since)).collect();
		if (audits.len() as u32) < T::MaxAuditors::get() {
			return;
		}
		for (auditor, since) in audits {
			if Auditors::<T>::get(&auditor) != Some(since) {
				HardwareAudits::<T>::remove(provider, &auditor);
			}
		}
	}

	/// `audit` with `version` made now, keeping only the versions some epoch that can still be
	/// reported (from two epochs back, a congested epoch settled late) began or will begin
	/// with. `None` if what remains vouches for nothing.
	fn with_version(mut audit: HardwareAudit<T>, version: AuditVersion<T>) -> Result<Option<HardwareAudit<T>>, Error<T>> {
		let clock = T::Clock::get();
		// The first epoch a version made at `made_at` counts for.
		let effective = |made_at: BlockNumberOf<T>| {
			let block: u32 = made_at.unique_saturated_into();
			let epoch = clock.epoch_of(block);
			if clock.first_block(epoch) == block { epoch } else { epoch.saturating_add(1) }
		};
		let oldest_needed = clock.epoch_of(frame_system::Pallet::<T>::block_number().unique_saturated_into()).saturating_sub(2);
		let mut versions: Vec<AuditVersion<T>> = audit.versions.into_inner();
		versions.push(version);
		// A version counts for epochs from its own effective one until the next version's: keep
		// it only if that span reaches an epoch that is still to be reported or to begin.
		let next_effective: Vec<Option<u32>> =
			(0..versions.len()).map(|i| versions.get(i + 1).map(|next| effective(next.made_at))).collect();
		let kept: Vec<AuditVersion<T>> = versions
			.into_iter()
			.zip(next_effective)
			.filter(|(version, next)| match next {
				None => true,
				Some(next) => effective(version.made_at).max(oldest_needed) < *next,
			})
			.map(|(version, _)| version)
			.collect();
		if kept.iter().all(|version| version.is_empty()) {
			return Ok(None);
		}
		audit.versions = BoundedVec::try_from(kept).map_err(|_| Error::<T>::TooManyAuditVersions)?;
		Ok(Some(audit))
	}

	/// What of `provider`'s hardware current auditors vouched for by block `at` (the first block
	/// of the epoch asked about): each valid audit's version in force then, its GPUs still
	/// registered to the provider (and never delisted since the audit), each GPU once; storage
	/// as the most any one audit vouches for, no more than the provider declares now. Nothing
	/// of audits by auditors that left, or of an earlier registration.
	pub fn audited_hardware(provider: &T::AccountId, at: BlockNumberOf<T>) -> AuditedHardware {
		Self::audited_hardware_among(provider, at, None)
	}

	/// [`Self::audited_hardware`], looking only at the audited GPUs in `among` if given: each
	/// GPU looked at costs a read of its owner.
	pub fn audited_hardware_among(
		provider: &T::AccountId,
		at: BlockNumberOf<T>,
		among: Option<&[H256]>,
	) -> AuditedHardware {
		let Some(record) = Providers::<T>::get(provider) else { return AuditedHardware::default() };
		let mut gpus = BTreeSet::new();
		let mut storage_gib = 0u64;
		let mut audits_read = 0u32;
		let among: Option<BTreeSet<&H256>> = among.map(|gpus| gpus.iter().collect());
		for (auditor, audit) in HardwareAudits::<T>::iter_prefix(provider) {
			audits_read = audits_read.saturating_add(1);
			let current = Auditors::<T>::get(&auditor) == Some(audit.auditor_since) &&
				record.registered_at == audit.provider_registered_at;
			let Some(version) = audit.in_force_at(at).filter(|_| current) else { continue };
			let wanted = |gpu: &&H256| among.as_ref().is_none_or(|among| among.contains(*gpu));
			gpus.extend(version.gpus.iter().filter(wanted).filter(|gpu| GpuOwner::<T>::get(gpu).as_ref() == Some(provider)));
			storage_gib = storage_gib.max(version.storage_gib);
		}
		AuditedHardware {
			gpus: gpus.into_iter().collect(),
			storage_gib: storage_gib.min(record.capacity.storage_bytes / depin_primitives::GIB),
			audits_read,
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
		if !Attributes::<T>::contains_key(&provider, &auditor) {
			Self::make_room_for_attributes(&provider);
		}
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
