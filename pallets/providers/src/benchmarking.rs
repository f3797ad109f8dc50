//! FRAME v2 benchmarks: every call at its worst case (lists at their bounds).

use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{
		fungible::{Inspect, Mutate},
		EnsureOrigin, Get,
	},
	BoundedVec,
};
use frame_system::RawOrigin;
use sp_core::{sr25519, H256};
use sp_runtime::traits::{Bounded, Saturating};

use depin_primitives::benchmarking::ProviderFixtures;

use crate::{pallet::*, types::*, Config};

/// The keystore key type benchmarks generate reporting keys under.
const BENCH_KEY_TYPE: sp_core::crypto::KeyTypeId = sp_core::crypto::KeyTypeId(*b"bnch");

fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	let amount = T::MinProviderBond::get().saturating_mul(1_000u32.into());
	T::Currency::set_balance(&who, amount);
	who
}

fn full_metadata<T: Config>() -> BoundedVec<u8, T::MaxMetadataLen> {
	BoundedVec::try_from(alloc::vec![b'm'; T::MaxMetadataLen::get() as usize]).expect("at the bound")
}

fn full_region() -> Region {
	BoundedVec::try_from(alloc::vec![b'r'; MAX_REGION_LEN as usize]).expect("at the bound")
}

fn model(index: u32) -> GpuModel {
	let mut name = alloc::vec![b'g'; MAX_MODEL_LEN as usize];
	name[..4].copy_from_slice(&index.to_le_bytes());
	BoundedVec::try_from(name).expect("at the bound")
}

fn gpus(seed: u32, count: u32) -> Vec<GpuSpec> {
	(0..count)
		.map(|i| {
			let mut hash = [0u8; 32];
			hash[..4].copy_from_slice(&seed.to_le_bytes());
			hash[4..8].copy_from_slice(&i.to_le_bytes());
			GpuSpec { uuid_hash: H256(hash), model: model(0), vram_mib: 81_559 }
		})
		.collect()
}

fn registered<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who = funded::<T>(name, index);
	Pallet::<T>::do_register(who.clone(), T::MinProviderBond::get(), full_region(), full_metadata::<T>())
		.expect("registers");
	who
}

fn with_gpus<T: Config>(who: &T::AccountId, seed: u32, count: u32) {
	if count > 0 {
		let list = BoundedVec::try_from(gpus(seed, count)).expect("within bound");
		Pallet::<T>::do_add_gpus(who.clone(), list).expect("adds gpus");
	}
}

fn auditor<T: Config>(index: u32) -> T::AccountId {
	let who = funded::<T>("auditor", index);
	Pallet::<T>::do_add_auditor(who.clone()).expect("adds auditor");
	who
}

/// `auditor`'s audit of all of `provider`'s GPUs, with the most versions it can keep: made in
/// successive epochs, each still needed by an epoch that can be reported.
fn audit_with_all_versions<T: Config>(auditor: &T::AccountId, provider: &T::AccountId) {
	let clock = T::Clock::get();
	let listed: Vec<H256> = Gpus::<T>::get(provider).iter().map(|gpu| gpu.uuid_hash).collect();
	for epoch in 1..=MAX_AUDIT_VERSIONS {
		frame_system::Pallet::<T>::set_block_number(clock.first_block(epoch).saturating_add(1).into());
		Pallet::<T>::do_audit_hardware(auditor.clone(), provider.clone(), BoundedVec::truncate_from(listed.clone()), 1)
			.expect("audits");
	}
}

/// `MaxAuditors` full attestations and hardware audits (every version) of `provider` by
/// auditors that have since left: stale, awaiting a new auditor's to make room.
fn stale_audits<T: Config>(provider: &T::AccountId) {
	fully_audited::<T>(provider, T::MaxAuditors::get());
	for i in 0..T::MaxAuditors::get() {
		let gone: T::AccountId = account("auditor", i, 0);
		Pallet::<T>::do_set_attributes(gone.clone(), provider.clone(), full_attributes::<T>(T::MaxAttributes::get()))
			.expect("attests");
		Pallet::<T>::do_remove_auditor(gone).expect("leaves");
	}
}

/// `count` auditors, each auditing all of `provider`'s GPUs with every version kept: what a
/// GPU leaving the provider has to be removed from.
fn fully_audited<T: Config>(provider: &T::AccountId, count: u32) {
	let cores = Providers::<T>::get(provider).map_or(1, |record| record.capacity.cpu_cores.max(1));
	let capacity = Capacity { storage_bytes: T::MaxStorageBytes::get(), cpu_cores: cores };
	Pallet::<T>::do_set_capacity(provider.clone(), capacity).expect("declares storage");
	for i in 0..count {
		audit_with_all_versions::<T>(&auditor::<T>(i), provider);
	}
}

/// `count` attributes with distinct keys, keys and values at their longest.
fn full_attributes<T: Config>(count: u32) -> BoundedVec<(AttributeKey, AttributeValue), T::MaxAttributes> {
	let long = |index: u32| {
		let mut bytes = alloc::vec![b'a'; MAX_ATTRIBUTE_LEN as usize];
		bytes[..4].copy_from_slice(&index.to_le_bytes());
		BoundedVec::try_from(bytes).expect("at the bound")
	};
	BoundedVec::try_from((0..count).map(|i| (long(i), long(i))).collect::<Vec<_>>()).expect("bound")
}

fn full_prices<T: Config>() -> PriceList<BalanceOf<T>, T::MaxGpusPerProvider> {
	let gpu = (0..T::MaxGpusPerProvider::get())
		.map(|i| (model(i), BalanceOf::<T>::max_value()))
		.collect::<Vec<_>>();
	PriceList {
		gpu: BoundedVec::try_from(gpu).expect("within bound"),
		storage_gib: BalanceOf::<T>::max_value(),
		cpu_core: BalanceOf::<T>::max_value(),
	}
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register() {
		let who = funded::<T>("provider", 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), T::MinProviderBond::get(), full_region(), full_metadata::<T>());
		assert!(Providers::<T>::contains_key(&who));
	}

	#[benchmark]
	fn set_metadata() {
		let who = registered::<T>("provider", 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(who), full_region(), full_metadata::<T>());
	}

	#[benchmark]
	fn bond_extra() {
		let who = registered::<T>("provider", 0);
		Pallet::<T>::do_unbond(who.clone(), 1u32.into()).expect("unbonds");
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), T::MinProviderBond::get());
	}

	#[benchmark]
	fn unbond(g: Linear<0, { T::MaxGpusPerProvider::get() }>) {
		// Worst case: dropping below the minimum delists `g` GPUs; an earlier chunk is merged.
		let who = registered::<T>("provider", 0);
		with_gpus::<T>(&who, 0, g);
		fully_audited::<T>(&who, T::MaxAuditors::get());
		Pallet::<T>::do_bond_extra(who.clone(), T::MinProviderBond::get()).expect("bonds");
		Pallet::<T>::do_unbond(who.clone(), 1u32.into()).expect("unbonds");
		let rest = Providers::<T>::get(&who).expect("registered").bond;
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), rest);
		assert!(Gpus::<T>::get(&who).is_empty());
	}

	#[benchmark]
	fn withdraw_unbonded() {
		// Worst case: the last withdrawal of a deregistered provider removes its record and
		// frees its reporting key.
		let who = registered::<T>("provider", 0);
		Pallet::<T>::name_reporting_key(who.clone(), sr25519::Public::from_raw([2; 32])).expect("sets");
		Pallet::<T>::do_deregister(who.clone()).expect("deregisters");
		frame_system::Pallet::<T>::set_block_number(Pallet::<T>::unlock_block());
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));
		assert!(!Providers::<T>::contains_key(&who));
	}

	#[benchmark]
	fn deregister(
		g: Linear<0, { T::MaxGpusPerProvider::get() }>,
		a: Linear<0, { T::MaxAuditors::get() }>,
	) {
		let who = registered::<T>("provider", 0);
		with_gpus::<T>(&who, 0, g);
		let capacity = Capacity { storage_bytes: T::MaxStorageBytes::get(), cpu_cores: 1 };
		Pallet::<T>::do_set_capacity(who.clone(), capacity).expect("declares storage");
		for i in 0..a {
			let auditor = auditor::<T>(i);
			Pallet::<T>::do_set_attributes(auditor.clone(), who.clone(), full_attributes::<T>(T::MaxAttributes::get()))
				.expect("attests");
			audit_with_all_versions::<T>(&auditor, &who);
		}
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));
		assert!(Gpus::<T>::get(&who).is_empty());
	}

	#[benchmark]
	fn add_gpus(n: Linear<1, { T::MaxGpusPerProvider::get() }>) {
		// Worst case: the list fills up to its bound.
		let who = registered::<T>("provider", 0);
		let max = T::MaxGpusPerProvider::get();
		with_gpus::<T>(&who, 0, max - n);
		let list = BoundedVec::try_from(gpus(1, n)).expect("within bound");
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), list);
		assert_eq!(Gpus::<T>::get(&who).len() as u32, max);
	}

	#[benchmark]
	fn remove_gpus(n: Linear<1, { T::MaxGpusPerProvider::get() }>) {
		let who = registered::<T>("provider", 0);
		let max = T::MaxGpusPerProvider::get();
		with_gpus::<T>(&who, 1, max);
		fully_audited::<T>(&who, T::MaxAuditors::get());
		let hashes = gpus(1, n).into_iter().map(|g| g.uuid_hash).collect::<Vec<_>>();
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), BoundedVec::try_from(hashes).expect("within bound"));
		assert_eq!(Gpus::<T>::get(&who).len() as u32, max - n);
	}

	#[benchmark]
	fn set_capacity() {
		let who = registered::<T>("provider", 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(who), T::MaxStorageBytes::get(), T::MaxCpuCores::get());
	}

	#[benchmark]
	fn set_prices() {
		// Worst case: a full price list replaces a full one.
		let who = registered::<T>("provider", 0);
		Pallet::<T>::do_set_prices(who.clone(), full_prices::<T>()).expect("sets prices");
		#[extrinsic_call]
		_(RawOrigin::Signed(who), full_prices::<T>());
	}

	#[benchmark]
	fn set_reporting_key() {
		// Worst case: replacing a key, whose index entry goes.
		let who = registered::<T>("provider", 0);
		Pallet::<T>::name_reporting_key(who.clone(), sr25519::Public::from_raw([2; 32])).expect("sets");
		let key = sp_io::crypto::sr25519_generate(BENCH_KEY_TYPE, None);
		let proof = sp_io::crypto::sr25519_sign(BENCH_KEY_TYPE, &key, &Pallet::<T>::reporting_key_proof_payload(&who))
			.expect("the key is in the keystore");
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), key, proof);
		assert_eq!(ReportingKeyOwner::<T>::get(key), Some(who));
	}

	#[benchmark]
	fn add_auditor() -> Result<(), BenchmarkError> {
		let origin =
			T::AuditorOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		for i in 0..T::MaxAuditors::get().saturating_sub(1) {
			auditor::<T>(i);
		}
		let new = funded::<T>("new-auditor", 0);
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, new.clone());
		assert!(Auditors::<T>::contains_key(&new));
		Ok(())
	}

	#[benchmark]
	fn remove_auditor() -> Result<(), BenchmarkError> {
		let origin =
			T::AuditorOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let who = auditor::<T>(0);
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone());
		assert!(!Auditors::<T>::contains_key(&who));
		Ok(())
	}

	/// Worst case: the slash leaves the auditor below the bond, so it is also removed.
	#[benchmark]
	fn slash_auditor() -> Result<(), BenchmarkError> {
		let origin =
			T::AuditorOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let who = auditor::<T>(0);
		// Enough to create the beneficiary's account if it has none.
		let amount = T::Currency::minimum_balance();
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone(), amount);
		assert!(!Auditors::<T>::contains_key(&who));
		Ok(())
	}

	#[benchmark]
	fn set_min_lease_charge() {
		let who = registered::<T>("provider", 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), T::MinProviderBond::get());
		assert_eq!(MinLeaseCharge::<T>::get(&who), Some(T::MinProviderBond::get()));
	}

	/// Worst case: the squatter lists the most GPUs, all audited, and is slashed.
	#[benchmark]
	fn evict_gpu() -> Result<(), BenchmarkError> {
		let origin =
			T::AuditorOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let squatter = registered::<T>("squatter", 0);
		with_gpus::<T>(&squatter, 0, T::MaxGpusPerProvider::get());
		let listed: Vec<H256> = Gpus::<T>::get(&squatter).iter().map(|gpu| gpu.uuid_hash).collect();
		fully_audited::<T>(&squatter, T::MaxAuditors::get());
		let owner: T::AccountId = account("owner", 0, 0);
		let gpu = listed[0];
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, gpu, owner.clone(), T::Currency::minimum_balance());
		assert_eq!(GpuReservedFor::<T>::get(gpu), Some(owner));
		Ok(())
	}

	/// An audit of `n` GPUs (each checked against its owner) and storage by a new auditor, the
	/// provider holding `MaxAuditors` audits (every version kept) of auditors that have left, all
	/// dropped to make room. (Changing one's own audit reads and writes that one audit only.)
	#[benchmark]
	fn audit_hardware(n: Linear<0, { T::MaxGpusPerProvider::get() }>) {
		let provider = registered::<T>("provider", 0);
		with_gpus::<T>(&provider, 0, T::MaxGpusPerProvider::get());
		stale_audits::<T>(&provider);
		let who = auditor::<T>(T::MaxAuditors::get());
		let gpus: Vec<H256> = Gpus::<T>::get(&provider).iter().take(n as usize).map(|gpu| gpu.uuid_hash).collect();
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), provider.clone(), BoundedVec::truncate_from(gpus), 1);
		assert_eq!(HardwareAudits::<T>::iter_prefix(&provider).count(), 1);
	}

	#[benchmark]
	fn set_attributes(n: Linear<1, { T::MaxAttributes::get() }>) {
		// Worst case: a new auditor's attestation, the provider holding `MaxAuditors` full ones
		// of auditors that have left, all dropped to make room.
		let provider = registered::<T>("provider", 0);
		stale_audits::<T>(&provider);
		let who = auditor::<T>(T::MaxAuditors::get());
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), provider.clone(), full_attributes::<T>(n));
		assert_eq!(Attributes::<T>::iter_prefix(&provider).count(), 1);
	}

	#[benchmark]
	fn clear_attributes() {
		let provider = registered::<T>("provider", 0);
		let who = auditor::<T>(0);
		Pallet::<T>::do_set_attributes(who.clone(), provider.clone(), full_attributes::<T>(T::MaxAttributes::get()))
			.expect("attests");
		#[extrinsic_call]
		_(RawOrigin::Signed(who), provider);
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}

/// Providers for other pallets' benchmarks: GPUs of one model, `bench-gpu`, all priced alike.
impl<T: Config> ProviderFixtures<T::AccountId, BalanceOf<T>> for Pallet<T> {
	fn active_provider(who: &T::AccountId, gpus: u32, price: BalanceOf<T>) -> Vec<H256> {
		let bond = T::MinProviderBond::get();
		T::Currency::set_balance(who, bond.saturating_mul(100u32.into()));
		Pallet::<T>::do_register(who.clone(), bond, Region::default(), Default::default()).expect("registers");
		let model: GpuModel = BoundedVec::try_from(b"bench-gpu".to_vec()).expect("a short name");
		let list: Vec<GpuSpec> = self::gpus(Providers::<T>::count(), gpus.min(T::MaxGpusPerProvider::get()))
			.into_iter()
			.map(|gpu| GpuSpec { model: model.clone(), ..gpu })
			.collect();
		if !list.is_empty() {
			Pallet::<T>::do_add_gpus(who.clone(), BoundedVec::try_from(list).expect("within bound")).expect("adds");
		}
		Pallet::<T>::do_set_capacity(who.clone(), Capacity { storage_bytes: 1 << 50, cpu_cores: 1_024 })
			.expect("sets capacity");
		let prices = PriceList {
			gpu: BoundedVec::try_from(alloc::vec![(model, price)]).expect("one model"),
			storage_gib: price,
			cpu_core: price,
		};
		Pallet::<T>::do_set_prices(who.clone(), prices).expect("prices");
		Gpus::<T>::get(who).iter().map(|gpu| gpu.uuid_hash).collect()
	}

	fn reporting_provider(who: &T::AccountId, key: sr25519::Public) {
		Pallet::<T>::do_bond_extra(who.clone(), T::MinProviderBond::get()).expect("funded");
		Pallet::<T>::name_reporting_key(who.clone(), key).expect("a fresh key");
	}

	fn max_gpus() -> u32 {
		T::MaxGpusPerProvider::get()
	}

	fn audited_by(who: &T::AccountId, auditors: u32) {
		let now = frame_system::Pallet::<T>::block_number();
		fully_audited::<T>(who, auditors.min(T::MaxAuditors::get()));
		frame_system::Pallet::<T>::set_block_number(now);
	}
}
