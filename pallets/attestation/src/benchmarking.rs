//! FRAME v2 benchmarks: every call at its worst case.

use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::{
	pallet_prelude::TransactionSource,
	traits::{fungible::Mutate, Authorize, EnsureOrigin, Get},
	BoundedVec,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use sp_core::{sr25519, H256};
use sp_runtime::traits::Bounded;

use crate::{pallet::*, types::*, BenchmarkHelper, Config, KEY_TYPE};

/// [`BenchmarkHelper`] backed by `pallet-providers` and `pallet-leases`.
pub struct RegistryAndLeases<T>(core::marker::PhantomData<T>);

impl<T: pallet_providers::Config + pallet_leases::Config> BenchmarkHelper<T::AccountId> for RegistryAndLeases<T> {
	fn setup_provider(provider: &T::AccountId, key: sr25519::Public, gpus: u32, leases: u32) -> (Vec<H256>, Vec<LeaseId>) {
		let price = pallet_providers::BalanceOf::<T>::from(1_000_000_000u32);
		pallet_providers::Pallet::<T>::benchmark_provider(
			provider,
			Default::default(),
			gpus,
			BoundedVec::try_from(b"bench-gpu".to_vec()).unwrap_or_default(),
			price,
		);
		// Twice the minimum, so slashes in the benchmarks leave it active.
		pallet_providers::Pallet::<T>::bond_extra(
			RawOrigin::Signed(provider.clone()).into(),
			<T as pallet_providers::Config>::MinProviderBond::get(),
		)
		.expect("funded");
		pallet_providers::Pallet::<T>::set_reporting_key(RawOrigin::Signed(provider.clone()).into(), key)
			.expect("a fresh key");
		let gpu_hashes = pallet_providers::Gpus::<T>::get(provider).iter().map(|g| g.uuid_hash).collect();

		let per_consumer = <T as pallet_leases::Config>::MaxLeasesPerConsumer::get().max(1);
		let deposit = pallet_leases::BalanceOf::<T>::from(1_000_000_000u32) * 1_000u32.into();
		let mut ids = Vec::new();
		for i in 0..leases {
			let consumer: T::AccountId = account("lease-consumer", i / per_consumer, 0);
			if i % per_consumer == 0 {
				<T as pallet_leases::Config>::Currency::set_balance(
					&consumer,
					pallet_leases::BalanceOf::<T>::max_value() / 4u32.into(),
				);
			}
			ids.push(pallet_leases::NextLeaseId::<T>::get());
			pallet_leases::Pallet::<T>::rent(
				RawOrigin::Signed(consumer).into(),
				provider.clone(),
				pallet_leases::ResourceRequest { cpu_cores: 1, ..Default::default() },
				deposit,
			)
			.expect("rents");
		}
		(gpu_hashes, ids)
	}
}

fn go_to<T: Config>(block: u32) {
	let number: BlockNumberFor<T> = block.into();
	frame_system::Pallet::<T>::set_block_number(number);
	let parent: BlockNumberFor<T> = block.saturating_sub(1).into();
	frame_system::BlockHash::<T>::insert(parent, T::Hash::default());
}

/// A provider with `gpus` GPUs and `leases` open leases since epoch 0, now one block into
/// epoch 1, and its signed report of epoch 0 covering everything.
fn signed_report<T: Config>(leases: u32, gpus: u32) -> (UsageReport<T>, sr25519::Signature) {
	let provider: T::AccountId = account("provider", 0, 0);
	let key = sp_io::crypto::sr25519_generate(KEY_TYPE, None);
	go_to::<T>(1);
	let (gpu_hashes, ids) = <T as Config>::BenchmarkHelper::setup_provider(&provider, key, gpus, leases);
	let length = Pallet::<T>::epoch_length();
	go_to::<T>(length + 1);
	let report = UsageReport::<T> {
		provider,
		epoch: 0,
		anchor_number: length.into(),
		anchor_hash: T::Hash::default(),
		leases: BoundedVec::truncate_from(
			ids.into_iter()
				.map(|lease| LeaseUsageReport { lease, uptime_blocks: length, gpu_util_percent: 50, gpu_mem_used_mib: 1, storage_used_gib: 0 })
				.collect(),
		),
		devices: DeviceSummary {
			sampled_blocks: length,
			answered_blocks: length,
			gpus: BoundedVec::truncate_from(
				gpu_hashes
					.into_iter()
					.map(|uuid_hash| GpuUsage { uuid_hash, seen_blocks: length, util_percent: 50, mem_used_mib: 1, mem_total_mib: 2, energy_mj: 3 })
					.collect(),
			),
			storage_seen_blocks: length,
			storage_total_gib: 2,
			storage_used_gib: 1,
		},
	};
	let signature = sp_io::crypto::sr25519_sign(KEY_TYPE, &key, &report.signing_payload()).expect("key in keystore");
	(report, signature)
}

/// GPUs a report can list that a provider can also register.
fn max_gpus<T: Config + pallet_providers::Config>() -> u32 {
	T::MaxGpusPerReport::get().min(<T as pallet_providers::Config>::MaxGpusPerProvider::get())
}

#[benchmarks(where T: pallet_providers::Config + pallet_leases::Config)]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn submit_report(l: Linear<0, { <T as Config>::MaxLeasesPerReport::get() }>, g: Linear<0, { max_gpus::<T>() }>) {
		let (report, signature) = signed_report::<T>(l, g);
		let (provider, leases) = (report.provider.clone(), report.leases.len() as u32);
		assert_eq!(leases, l);

		#[extrinsic_call]
		_(RawOrigin::Authorized, report, signature);

		assert_eq!(Reports::<T>::get(&provider, 0).map(|r| r.leases), Some(l));
	}

	#[benchmark]
	fn authorize_submit_report(
		l: Linear<0, { <T as Config>::MaxLeasesPerReport::get() }>,
		g: Linear<0, { max_gpus::<T>() }>,
	) -> Result<(), BenchmarkError> {
		let (report, signature) = signed_report::<T>(l, g);
		let call = Call::<T>::submit_report { report, signature };

		#[block]
		{
			call.authorize(TransactionSource::External).ok_or("authorized")?.map_err(|_| "valid")?;
		}
		Ok(())
	}

	/// Worst case: the miss suspends the provider.
	#[benchmark]
	fn report_missed() {
		let provider: T::AccountId = account("provider", 0, 0);
		let key = sp_io::crypto::sr25519_generate(KEY_TYPE, None);
		go_to::<T>(1);
		<T as Config>::BenchmarkHelper::setup_provider(&provider, key, 1, 1);
		ProviderLiveness::<T>::mutate(&provider, |l| {
			l.missed_in_a_row = T::MaxMissedEpochs::get().saturating_sub(1);
			l.misses = l.missed_in_a_row;
		});
		let grace: u32 = sp_runtime::traits::UniqueSaturatedInto::unique_saturated_into(<T as Config>::ReportGrace::get());
		go_to::<T>(Pallet::<T>::epoch_length() + grace);
		let reporter: T::AccountId = whitelisted_caller();

		#[extrinsic_call]
		_(RawOrigin::Signed(reporter), provider.clone(), 0);

		assert!(ProviderLiveness::<T>::get(&provider).suspended_for_misses);
	}

	#[benchmark]
	fn dispute() {
		let provider: T::AccountId = account("provider", 0, 0);
		let key = sp_io::crypto::sr25519_generate(KEY_TYPE, None);
		go_to::<T>(1);
		let (_, leases) = <T as Config>::BenchmarkHelper::setup_provider(&provider, key, 1, 1);
		let lease = leases[0];
		let consumer: T::AccountId = account("lease-consumer", 0, 0);
		<T as Config>::Currency::set_balance(&consumer, BalanceOf::<T>::max_value() / 4u32.into());

		#[extrinsic_call]
		_(RawOrigin::Signed(consumer), lease, 0);

		assert!(Disputes::<T>::contains_key(lease, 0));
	}

	/// Worst case: a charge was held and the consumer wins (refund, deposit back, bond slashed).
	#[benchmark]
	fn resolve_dispute() -> Result<(), BenchmarkError> {
		let (report, signature) = {
			let provider: T::AccountId = account("provider", 0, 0);
			let key = sp_io::crypto::sr25519_generate(KEY_TYPE, None);
			go_to::<T>(1);
			<T as Config>::BenchmarkHelper::setup_provider(&provider, key, 1, 1);
			let consumer: T::AccountId = account("lease-consumer", 0, 0);
			Pallet::<T>::dispute(RawOrigin::Signed(consumer).into(), 0, 0).map_err(|_| "disputes")?;
			let length = Pallet::<T>::epoch_length();
			go_to::<T>(length + 1);
			let report = UsageReport::<T> {
				provider,
				epoch: 0,
				anchor_number: length.into(),
				anchor_hash: T::Hash::default(),
				leases: BoundedVec::truncate_from(alloc::vec![LeaseUsageReport { lease: 0, uptime_blocks: length, ..Default::default() }]),
				devices: DeviceSummary {
					sampled_blocks: length,
					answered_blocks: length,
					gpus: Default::default(),
					storage_seen_blocks: 0,
					storage_total_gib: 0,
					storage_used_gib: 0,
				},
			};
			let signature = sp_io::crypto::sr25519_sign(KEY_TYPE, &key, &report.signing_payload()).ok_or("signs")?;
			(report, signature)
		};
		Pallet::<T>::submit_report(RawOrigin::Authorized.into(), report, signature).map_err(|_| "reports")?;
		let lease = 0;
		assert!(Disputes::<T>::get(lease, 0).is_some_and(|d| d.held.is_some()));
		let origin = T::DisputeOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, lease, 0, Verdict::Consumer);

		assert!(!Disputes::<T>::contains_key(lease, 0));
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
