//! The auditor set and the attributes auditors attest.

use alloc::collections::btree_set::BTreeSet;
use frame_support::{ensure, traits::Get, BoundedVec};
use sp_runtime::DispatchResult;

use crate::{pallet::*, types::*, Config};

impl<T: Config> Pallet<T> {
	pub(crate) fn do_add_auditor(auditor: T::AccountId) -> DispatchResult {
		ensure!(!Auditors::<T>::contains_key(&auditor), Error::<T>::AlreadyAuditor);
		ensure!(Auditors::<T>::count() < T::MaxAuditors::get(), Error::<T>::TooManyAuditors);
		let membership = NextAuditorMembership::<T>::get();
		NextAuditorMembership::<T>::put(membership.saturating_add(1));
		Auditors::<T>::insert(&auditor, membership);
		Self::deposit_event(Event::AuditorAdded { auditor });
		Ok(())
	}

	pub(crate) fn do_remove_auditor(auditor: T::AccountId) -> DispatchResult {
		ensure!(Auditors::<T>::contains_key(&auditor), Error::<T>::NotAuditor);
		// Its audits stay in storage but stop counting at once (membership number), so
		// removal needs no walk over every provider; the auditor can still clear them.
		Auditors::<T>::remove(&auditor);
		Self::deposit_event(Event::AuditorRemoved { auditor });
		Ok(())
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
