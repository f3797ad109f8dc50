//! Registration, deregistration, status and the [`ProviderRegistry`] other pallets use.

use alloc::vec::Vec;
use depin_primitives::{AuditedHardware, Commitments, ProviderRegistry};
use frame_support::{ensure, pallet_prelude::*, BoundedVec};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_core::{sr25519, H256};
use sp_runtime::{traits::Zero, DispatchError, DispatchResult, Saturating};

use crate::{pallet::*, types::*, Config, WeightInfo};

impl<T: Config> Pallet<T> {
	pub(crate) fn do_register(
		who: T::AccountId,
		bond: BalanceOf<T>,
		region: Region,
		metadata: BoundedVec<u8, T::MaxMetadataLen>,
	) -> DispatchResult {
		ensure!(!Providers::<T>::contains_key(&who), Error::<T>::AlreadyRegistered);
		ensure!(bond >= T::MinProviderBond::get(), Error::<T>::BondBelowMinimum);
		Self::hold_bond(&who, bond)?;

		Self::put_record(
			&who,
			Some(ProviderRecord::<T> {
				status: ProviderStatus::Active,
				metadata,
				region,
				registered_at: frame_system::Pallet::<T>::block_number(),
				bond,
				unbonding: None,
				capacity: Capacity::default(),
				prices: PriceList::default(),
				reporting_key: None,
			}),
		);
		Self::deposit_event(Event::Registered { provider: who, bond });
		Ok(())
	}

	pub(crate) fn do_set_metadata(
		who: T::AccountId,
		region: Region,
		metadata: BoundedVec<u8, T::MaxMetadataLen>,
	) -> DispatchResult {
		Self::mutate_present(&who, |record| {
			record.region = region;
			record.metadata = metadata;
			Ok(())
		})?;
		Self::deposit_event(Event::MetadataSet { provider: who });
		Ok(())
	}

	/// What a reporting key signs to prove that whoever names it holds it:
	/// `("depin/reporting-key/v1", provider, genesis hash)`, SCALE-encoded. The provider account
	/// stops a proof from serving another account; the genesis hash, another chain.
	pub fn reporting_key_proof_payload(provider: &T::AccountId) -> Vec<u8> {
		let genesis = frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero());
		(REPORTING_KEY_PROOF_CONTEXT, provider, genesis).encode()
	}

	pub(crate) fn do_set_reporting_key(
		who: T::AccountId,
		key: sr25519::Public,
		proof: sr25519::Signature,
	) -> DispatchResult {
		ensure!(
			sp_io::crypto::sr25519_verify(&proof, &Self::reporting_key_proof_payload(&who), &key),
			Error::<T>::BadReportingKeyProof
		);
		Self::name_reporting_key(who, key)
	}

	/// Names `key` for `who`, whose proof of possession has been checked (or, in benchmark
	/// setup, is not needed).
	pub(crate) fn name_reporting_key(who: T::AccountId, key: sr25519::Public) -> DispatchResult {
		Self::mutate_present(&who, |record| {
			ensure!(
				ReportingKeyOwner::<T>::get(key).is_none_or(|owner| owner == who),
				Error::<T>::ReportingKeyInUse
			);
			if let Some(old) = record.reporting_key.replace(key) {
				ReportingKeyOwner::<T>::remove(old);
			}
			ReportingKeyOwner::<T>::insert(key, &who);
			Ok(())
		})?;
		Self::deposit_event(Event::ReportingKeySet { provider: who, key });
		Ok(())
	}

	pub(crate) fn do_deregister(who: T::AccountId) -> DispatchResultWithPostInfo {
		let mut record = Providers::<T>::get(&who).ok_or(Error::<T>::NotRegistered)?;
		ensure!(record.status != ProviderStatus::Deregistered, Error::<T>::ProviderLeaving);
		ensure!(T::Commitments::commitment(&who).open_leases == 0, Error::<T>::HasOpenLeases);

		let gpus = Self::delist_all_gpus(&who);
		// Audits of this registration; any left over (from auditors since replaced) are
		// stale and never count again (see `Audit`).
		let attributes = Attributes::<T>::clear_prefix(&who, T::MaxAuditors::get(), None);
		Self::remove_hardware_audits(&who);

		let unlock_at = Self::unlock_block();
		let amount = record.total_held();
		record.bond = Zero::zero();
		record.unbonding = Some(Unbonding { amount, unlock_at });
		record.status = ProviderStatus::Deregistered;
		record.capacity = Capacity::default();
		// The reporting key stays until the record goes: the last epochs can still be reported.
		Self::put_record(&who, Some(record));

		Self::deposit_event(Event::Deregistered { provider: who, unlock_at });
		Ok(Some(T::WeightInfo::deregister(gpus, attributes.unique)).into())
	}

	/// Removes a departed provider's record and frees its reporting key.
	pub(crate) fn remove_record(who: &T::AccountId, record: &ProviderRecord<T>) {
		if let Some(key) = record.reporting_key {
			ReportingKeyOwner::<T>::remove(key);
		}
		Self::put_record(who, None);
		MinLeaseCharge::<T>::remove(who);
		<T::Observer as depin_primitives::ProviderObserver<_>>::provider_removed(who);
	}

	/// Returns the record of a provider that is registered and not deregistered.
	pub(crate) fn present(who: &T::AccountId) -> Result<ProviderRecord<T>, DispatchError> {
		let record = Providers::<T>::get(who).ok_or(Error::<T>::NotRegistered)?;
		ensure!(record.status != ProviderStatus::Deregistered, Error::<T>::ProviderLeaving);
		Ok(record)
	}

	/// Block from which funds unbonded now can be withdrawn.
	pub(crate) fn unlock_block() -> BlockNumberOf<T> {
		frame_system::Pallet::<T>::block_number().saturating_add(T::UnbondingPeriod::get())
	}

	/// Applies `f` to the record of a provider that is registered and not deregistered.
	pub(crate) fn mutate_present(
		who: &T::AccountId,
		f: impl FnOnce(&mut ProviderRecord<T>) -> DispatchResult,
	) -> DispatchResult {
		let mut record = Providers::<T>::get(who).ok_or(Error::<T>::NotRegistered)?;
		ensure!(record.status != ProviderStatus::Deregistered, Error::<T>::ProviderLeaving);
		f(&mut record)?;
		Self::put_record(who, Some(record));
		Ok(())
	}

	pub(crate) fn do_suspend(who: &T::AccountId) -> DispatchResult {
		let mut record = Providers::<T>::get(who).ok_or(Error::<T>::NotRegistered)?;
		ensure!(record.status == ProviderStatus::Active, Error::<T>::NotActive);
		record.status = ProviderStatus::Suspended;
		Self::put_record(who, Some(record));
		Self::deposit_event(Event::Suspended { provider: who.clone() });
		Ok(())
	}

	pub(crate) fn do_resume(who: &T::AccountId) -> DispatchResult {
		let mut record = Providers::<T>::get(who).ok_or(Error::<T>::NotRegistered)?;
		ensure!(record.status == ProviderStatus::Suspended, Error::<T>::NotSuspended);
		// An under-bonded provider comes back as `Unbonding` and must top up first.
		record.status =
			if record.bond >= T::MinProviderBond::get() { ProviderStatus::Active } else { ProviderStatus::Unbonding };
		Self::put_record(who, Some(record));
		Self::deposit_event(Event::Resumed { provider: who.clone() });
		Ok(())
	}
}

impl<T: Config> ProviderRegistry<T::AccountId, BalanceOf<T>> for Pallet<T> {
	fn status(provider: &T::AccountId) -> Option<ProviderStatus> {
		Providers::<T>::get(provider).map(|r| r.status)
	}

	fn min_lease_charge(provider: &T::AccountId) -> BalanceOf<T> {
		MinLeaseCharge::<T>::get(provider).unwrap_or_default()
	}

	fn region(provider: &T::AccountId) -> Option<Region> {
		Providers::<T>::get(provider).map(|r| r.region)
	}

	fn gpus(provider: &T::AccountId) -> Vec<GpuSpec> {
		Gpus::<T>::get(provider).into_inner()
	}

	fn gpu_owner(uuid_hash: &H256) -> Option<T::AccountId> {
		GpuOwner::<T>::get(uuid_hash)
	}

	fn capacity(provider: &T::AccountId) -> Option<Capacity> {
		Providers::<T>::get(provider).map(|r| r.capacity)
	}

	fn gpu_price(provider: &T::AccountId, model: &GpuModel) -> Option<BalanceOf<T>> {
		Providers::<T>::get(provider).and_then(|r| r.prices.gpu_price(model))
	}

	fn storage_gib_price(provider: &T::AccountId) -> Option<BalanceOf<T>> {
		Providers::<T>::get(provider).map(|r| r.prices.storage_gib)
	}

	fn cpu_core_price(provider: &T::AccountId) -> Option<BalanceOf<T>> {
		Providers::<T>::get(provider).map(|r| r.prices.cpu_core)
	}

	fn is_audited_by(provider: &T::AccountId, auditor: &T::AccountId) -> bool {
		Self::valid_audit(provider, auditor).is_some()
	}

	fn audited_hardware(provider: &T::AccountId, at: depin_primitives::BlockIndex, among: &[H256]) -> AuditedHardware {
		Self::audited_hardware_among(provider, at.into(), Some(among))
	}

	fn max_audits() -> u32 {
		// `make_room_for_an_audit` keeps a provider's audit records at most this many.
		T::MaxAuditors::get()
	}

	fn reporting_key(provider: &T::AccountId) -> Option<sr25519::Public> {
		Providers::<T>::get(provider).and_then(|r| r.reporting_key)
	}

	fn provider_of_reporting_key(key: &sr25519::Public) -> Option<T::AccountId> {
		ReportingKeyOwner::<T>::get(key)
	}

	fn suspend(provider: &T::AccountId) -> DispatchResult {
		Self::do_suspend(provider)
	}

	fn resume(provider: &T::AccountId) -> DispatchResult {
		Self::do_resume(provider)
	}

	fn slash(
		provider: &T::AccountId,
		amount: BalanceOf<T>,
		beneficiary: &T::AccountId,
	) -> Result<BalanceOf<T>, DispatchError> {
		Self::do_slash(provider, amount, beneficiary)
	}
}
