//! FRAME v2 benchmarks: every call at its worst case.

use alloc::vec::Vec;
use depin_primitives::{
	benchmarking::{LeaseFixtures, ProviderFixtures},
	LeaseSettlement, Payee, ProviderRegistry,
};
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{EnsureOrigin, Get, UnfilteredDispatchable},
	BoundedVec,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use sp_core::{sr25519, H256};
#[allow(deprecated)]
use sp_runtime::{traits::ValidateUnsigned, Saturating};

use crate::{pallet::*, types::*, Config};

/// An hourly price far above any lease-epoch minimum (10^14: 1,667 × 10^9 for a 10-block
/// epoch of a 600-block hour).
fn price<T: Config>() -> BalanceOf<T> {
	BalanceOf::<T>::from(1_000_000_000u32).saturating_mul(100_000u32.into())
}

fn go_to<T: Config>(block: u32) {
	let number: BlockNumberFor<T> = block.into();
	frame_system::Pallet::<T>::set_block_number(number);
	let parent: BlockNumberFor<T> = block.saturating_sub(1).into();
	frame_system::BlockHash::<T>::insert(parent, T::Hash::default());
}

fn epoch_start<T: Config>(epoch: EpochIndex) -> u32 {
	Pallet::<T>::clock().first_block(epoch)
}

fn window_closes<T: Config>(epoch: EpochIndex) -> u32 {
	Pallet::<T>::clock().report_window_closes(epoch)
}

fn provider<T: Config>() -> (T::AccountId, sr25519::Public) {
	(account("provider", 0, 0), sp_io::crypto::sr25519_generate(KEY_TYPE, None))
}

/// The epoch the benchmarks report or miss: late enough that the most records a provider can
/// keep (`MissLookback` + 1 epochs, `recorded_epochs`) all expire at once, as when a provider
/// idle for longer reports again.
fn busy_epoch<T: Config>() -> EpochIndex {
	T::MissLookback::get().saturating_mul(2).saturating_add(1)
}

/// The epochs of the most records a provider can keep.
fn recorded_epochs<T: Config>() -> core::ops::RangeInclusive<EpochIndex> {
	0..=T::MissLookback::get()
}

/// Reports of `recorded_epochs`, all of which a report of `epoch` prunes.
fn fill_reports<T: Config>(provider: &T::AccountId, epoch: EpochIndex) {
	let last = *recorded_epochs::<T>().end();
	let report = || EpochOutcome::Reported(ReportRecord { leases: 0, charged: 0u32.into() });
	ProviderLiveness::<T>::insert(
		provider,
		Liveness {
			last_reported: Some(last.min(epoch.saturating_sub(1))),
			reports: last.saturating_add(1),
			recorded: BoundedVec::truncate_from(recorded_epochs::<T>().map(|e| (e, report())).collect()),
			..Default::default()
		},
	);
}

/// [`signed_report`] with every auditor there can be and the provider suspended: the dearest
/// report of `l` leases (`d` disputed) and `g` GPUs.
fn worst_report<T: Config>(l: u32, d: u32, g: u32) -> (UsageReport<T>, sr25519::Signature)
where
	T::Providers: ProviderFixtures<T::AccountId, BalanceOf<T>>,
	T::Leases: LeaseFixtures<T::AccountId>,
{
	signed_report::<T>(l, d, g, T::Providers::max_audits(), true)
}

/// A report covering `l` leases, the last `d` of them disputed (their charge is held), and `g`
/// GPUs: each lease with its own consumer, the provider's hardware audited by `audits`
/// auditors (each audit keeping every version), the provider suspended for misses if
/// `suspended` (the report lifts it), and a full record history to prune. Returns the signed
/// report, one block into the next epoch.
fn signed_report<T: Config>(
	l: u32,
	d: u32,
	g: u32,
	audits: u32,
	suspended: bool,
) -> (UsageReport<T>, sr25519::Signature)
where
	T::Providers: ProviderFixtures<T::AccountId, BalanceOf<T>>,
	T::Leases: LeaseFixtures<T::AccountId>,
{
	let (provider, key) = provider::<T>();
	let epoch = busy_epoch::<T>();
	go_to::<T>(epoch_start::<T>(epoch) + 1);
	let gpu_hashes = reporting_provider::<T>(&provider, key, g);
	T::Providers::audited_by(&provider, audits);
	let leases = T::Leases::open_leases(&provider, l);
	for lease in leases.iter().skip(l.saturating_sub(d) as usize) {
		let (consumer, _) = <T as Config>::Leases::parties(*lease).expect("a lease");
		Pallet::<T>::dispute(RawOrigin::Signed(consumer).into(), *lease, epoch).expect("disputes");
	}
	fill_reports::<T>(&provider, epoch);
	if suspended {
		<T as Config>::Providers::suspend(&provider).expect("active");
		ProviderLiveness::<T>::mutate(&provider, |l| l.suspended_for_misses = true);
	}

	let length = Pallet::<T>::clock().length();
	let anchor = Pallet::<T>::clock().report_window_opens(epoch);
	go_to::<T>(anchor + 1);
	let report = UsageReport::<T> {
		provider,
		epoch,
		anchor_number: anchor.into(),
		anchor_hash: T::Hash::default(),
		leases: BoundedVec::truncate_from(
			leases
				.into_iter()
				.map(|lease| LeaseUsageReport {
					lease,
					uptime_blocks: length,
					gpu_util_percent: 50,
					gpu_mem_used_mib: 1,
					storage_used_gib: 0,
				})
				.collect(),
		),
		devices: DeviceSummary {
			sampled_blocks: length,
			answered_blocks: length,
			gpus: BoundedVec::truncate_from(
				gpu_hashes
					.into_iter()
					.map(|uuid_hash| GpuUsage {
						uuid_hash,
						seen_blocks: length,
						util_percent: 50,
						mem_used_mib: 1,
						mem_total_mib: 2,
						energy_mj: 3,
					})
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

/// `provider`, active and reporting with `key`, with `gpus` GPUs, whose hashes it returns.
fn reporting_provider<T: Config>(provider: &T::AccountId, key: sr25519::Public, gpus: u32) -> Vec<H256>
where
	T::Providers: ProviderFixtures<T::AccountId, BalanceOf<T>>,
{
	let hashes = T::Providers::active_provider(provider, gpus, price::<T>());
	T::Providers::reporting_provider(provider, key);
	hashes
}

/// GPUs a report can list that a provider can also register.
fn max_gpus<T: Config>() -> u32
where
	T::Providers: ProviderFixtures<T::AccountId, BalanceOf<T>>,
{
	T::MaxGpusPerReport::get().min(T::Providers::max_gpus())
}

/// Leases a report can cover that a provider can also have.
fn max_leases<T: Config>() -> u32 {
	<T as Config>::MaxLeasesPerReport::get().min(<T as Config>::Leases::max_leases_per_provider())
}

// The registry and leases pallets set up providers and leases for these benchmarks.
#[benchmarks(where T::Providers: ProviderFixtures<T::AccountId, BalanceOf<T>>, T::Leases: LeaseFixtures<T::AccountId>)]
mod benchmarks {
	use super::*;

	/// A report of `l` leases, all paid to the provider, and no GPU, as a block applies it:
	/// `pre_dispatch` (every check, the signature included), then dispatch, whose repeated
	/// checks read what `pre_dispatch` just read. The provider has one audit record (so a report
	/// of no lease is valid, and its capacity work is recorded). What else a report may meet is
	/// benchmarked on its own, one component each, so that no sweep's noise moves another's
	/// slope: GPUs listed (`check_gpus`), further audit records (`read_audits`), disputed leases
	/// (`hold_disputed`), a suspension lifted (`lift_suspension`).
	#[benchmark]
	fn submit_report(l: Linear<0, { max_leases::<T>() }>) -> Result<(), BenchmarkError> {
		let (report, signature) = signed_report::<T>(l, 0, 0, 1, false);
		let (provider, epoch) = (report.provider.clone(), report.epoch);
		let call = Call::<T>::submit_report { report, signature };

		#[block]
		{
			#[allow(deprecated)]
			<Pallet<T> as ValidateUnsigned>::pre_dispatch(&call).map_err(|_| "valid")?;
			call.dispatch_bypass_filter(RawOrigin::None.into()).map_err(|_| "dispatches")?;
		}

		assert_eq!(ProviderLiveness::<T>::get(&provider).report(epoch).map(|r| r.leases), Some(l));
		Ok(())
	}

	/// What `g` listed GPUs add to a report: each checked to be the provider's in `pre_dispatch`
	/// and again in dispatch, and counted as capacity (audited, so not looked up for its own
	/// attestation: that is `lookup_weight`, charged per GPU apart). Hashing their bytes for the
	/// signature check (about a microsecond per GPU) is not in it.
	#[benchmark]
	fn check_gpus(g: Linear<0, { max_gpus::<T>() }>) -> Result<(), BenchmarkError> {
		let (report, _) = signed_report::<T>(0, 0, g, 1, false);

		#[block]
		{
			Pallet::<T>::check_devices(&report, &[]).map_err(|_| "the provider's GPUs")?;
			Pallet::<T>::check_devices(&report, &[]).map_err(|_| "the provider's GPUs")?;
			Pallet::<T>::device_usage(&report);
		}

		Ok(())
	}

	/// Finding the audited hardware of a provider with `a` audit records, each keeping every
	/// version and vouching for every GPU the report lists (the most a provider may list): what
	/// a report reads to count audited capacity. The listed GPUs' owners are read first, as the
	/// report's checks do, so each record costs its own read and the look-ups of its GPUs.
	#[benchmark]
	fn read_audits(a: Linear<0, { <T as Config>::Providers::max_audits() }>) -> Result<(), BenchmarkError> {
		let (report, _) = signed_report::<T>(1, 0, max_gpus::<T>(), a, false);
		let at = Pallet::<T>::clock().first_block(report.epoch);
		let listed: Vec<H256> = report.devices.gpus.iter().map(|gpu| gpu.uuid_hash).collect();
		let audited;

		#[block]
		{
			Pallet::<T>::check_devices(&report, &[]).map_err(|_| "the provider's GPUs")?;
			audited = <T as Config>::Providers::audited_hardware(&report.provider, at, &listed);
		}

		assert_eq!(audited.audits_read, a);
		Ok(())
	}

	/// What a report adds when it lifts its provider's suspension for misses (refunded when it
	/// does not): the registry's resumption.
	#[benchmark]
	fn lift_suspension() -> Result<(), BenchmarkError> {
		let (provider, key) = provider::<T>();
		reporting_provider::<T>(&provider, key, 1);
		<T as Config>::Providers::suspend(&provider).map_err(|_| "active")?;

		#[block]
		{
			<T as Config>::Providers::resume(&provider).map_err(|_| "suspended")?;
		}

		assert!(<T as Config>::Providers::is_active(&provider));
		Ok(())
	}

	/// What `d` disputed leases of a report add: their charges are held on the consumers and
	/// recorded on the disputes instead of being paid (a report is charged for it up front for
	/// all its leases, and refunded to the disputes it met).
	#[benchmark]
	fn hold_disputed(d: Linear<0, { max_leases::<T>() }>) -> Result<(), BenchmarkError> {
		let (report, _) = worst_report::<T>(d, d, 0);
		let (provider, epoch) = (report.provider.clone(), report.epoch);
		// Every lease of it is disputed, so all its charges are held.
		let disputed = DisputedBeforeReport::<T>::get(&provider, epoch);
		let charges = Pallet::<T>::lease_charges(&report, &disputed);
		assert!(charges.iter().all(|c| c.payee == Payee::HeldForDispute));

		#[block]
		{
			DisputedBeforeReport::<T>::take(&provider, epoch);
			let settled = <T as Config>::Leases::settle_epoch(&provider, epoch, &charges).map_err(|_| "settles")?;
			for (charge, settlement) in charges.iter().zip(settled.iter()) {
				Pallet::<T>::record_held(charge.lease, epoch, settlement.charged);
			}
		}
		assert!(charges.iter().all(|c| Disputes::<T>::get(c.lease, epoch).is_some_and(|d| d.held.is_some())));
		Ok(())
	}

	/// Worst case: the one lease that ran in the epoch is the last of `n` the provider lists,
	/// records of `MissLookback` epochs to prune, and the miss suspends the provider.
	#[benchmark]
	fn report_missed(n: Linear<1, { <T as Config>::Leases::max_leases_per_provider() }>) {
		let (provider, key) = provider::<T>();
		let epoch = busy_epoch::<T>();
		go_to::<T>(epoch_start::<T>(epoch - 1) + 1);
		reporting_provider::<T>(&provider, key, 1);
		let idle = T::Leases::open_leases(&provider, n - 1);
		go_to::<T>(epoch_start::<T>(epoch - 1) + 2);
		for lease in idle {
			T::Leases::close_lease(lease);
		}
		go_to::<T>(epoch_start::<T>(epoch) + 1);
		T::Leases::open_leases(&provider, 1);
		ProviderLiveness::<T>::insert(
			&provider,
			Liveness {
				missed_in_a_row: T::MaxMissedEpochs::get().saturating_sub(1),
				misses: T::MissLookback::get().saturating_add(1),
				last_reported: Some(*recorded_epochs::<T>().end()),
				reports: T::MissLookback::get().saturating_add(1),
				// Reports' records, the larger kind, to decode, prune and keep.
				recorded: BoundedVec::truncate_from(
					recorded_epochs::<T>()
						.map(|e| (e, EpochOutcome::Reported(ReportRecord { leases: 1, charged: 1u32.into() })))
						.collect(),
				),
				..Default::default()
			},
		);
		go_to::<T>(window_closes::<T>(epoch));
		let reporter: T::AccountId = whitelisted_caller();

		#[extrinsic_call]
		_(RawOrigin::Signed(reporter), provider.clone(), epoch);

		assert!(ProviderLiveness::<T>::get(&provider).suspended_for_misses);
	}

	/// Worst case: a dispute after the report, which also reads what the lease was charged.
	#[benchmark]
	fn dispute() -> Result<(), BenchmarkError> {
		let (report, signature) = worst_report::<T>(1, 0, 0);
		let (lease, epoch) = (report.leases[0].lease, report.epoch);
		Pallet::<T>::submit_report(RawOrigin::None.into(), report, signature).map_err(|_| "reports")?;
		let (consumer, _) = <T as Config>::Leases::parties(lease).ok_or("a lease")?;

		#[extrinsic_call]
		_(RawOrigin::Signed(consumer), lease, epoch);

		assert!(Disputes::<T>::get(lease, epoch).is_some_and(|open| open.paid.is_some()));
		Ok(())
	}

	/// Worst case: a charge was held and the consumer wins (refund, deposit back, bond slashed).
	#[benchmark]
	fn resolve_dispute() -> Result<(), BenchmarkError> {
		let (report, signature) = worst_report::<T>(1, 1, 0);
		let (lease, epoch) = (report.leases[0].lease, report.epoch);
		Pallet::<T>::submit_report(RawOrigin::None.into(), report, signature).map_err(|_| "reports")?;
		assert!(Disputes::<T>::get(lease, epoch).is_some_and(|d| d.held.is_some()));
		let origin = T::DisputeOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, lease, epoch, Verdict::Consumer);

		assert!(!Disputes::<T>::contains_key(lease, epoch));
		Ok(())
	}

	/// Worst case: a held charge timed out, so the provider is paid by the default.
	#[benchmark]
	fn release_dispute() -> Result<(), BenchmarkError> {
		let (report, signature) = worst_report::<T>(1, 1, 0);
		let (lease, epoch) = (report.leases[0].lease, report.epoch);
		Pallet::<T>::submit_report(RawOrigin::None.into(), report, signature).map_err(|_| "reports")?;
		let opened_at = Disputes::<T>::get(lease, epoch).ok_or("disputed")?.opened_at;
		frame_system::Pallet::<T>::set_block_number(opened_at.saturating_add(T::DisputeTimeout::get()));
		let caller: T::AccountId = whitelisted_caller();

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), lease, epoch);

		assert!(!Disputes::<T>::contains_key(lease, epoch));
		Ok(())
	}

	/// A removed provider's history at its longest: a report for every epoch a miss may still
	/// be reported for.
	#[benchmark]
	fn forget_provider() {
		let (provider, _) = provider::<T>();
		let report = |epoch| (epoch, EpochOutcome::Reported(ReportRecord { leases: 1, charged: 1u32.into() }));
		let recorded = recorded_epochs::<T>().map(report).collect();
		ProviderLiveness::<T>::insert(&provider, Liveness { recorded: BoundedVec::truncate_from(recorded), ..Default::default() });
		#[block]
		{
			<Pallet<T> as depin_primitives::ProviderObserver<T::AccountId>>::provider_removed(&provider);
		}
		assert!(!ProviderLiveness::<T>::contains_key(&provider));
	}

	/// `on_finalize` in the worst case: a full block of an open window, counted.
	#[benchmark]
	fn note_congestion() {
		let clock = Pallet::<T>::base_clock();
		go_to::<T>(clock.report_window_opens(1));
		frame_system::Pallet::<T>::register_extra_weight_unchecked(
			frame_support::weights::Weight::MAX,
			frame_support::dispatch::DispatchClass::Normal,
		);
		FullWindowBlocks::<T>::insert(1, 1);
		#[block]
		{
			Pallet::<T>::note_congestion();
		}
		assert_eq!(FullWindowBlocks::<T>::get(1), 2);
	}

	/// `on_initialize` at an epoch's first block, dropping an old record.
	#[benchmark]
	fn forget_congestion() {
		let clock = Pallet::<T>::base_clock();
		let epoch = T::MissLookback::get().saturating_add(3);
		let old = epoch - T::MissLookback::get() - 2;
		go_to::<T>(clock.first_block(epoch));
		FullWindowBlocks::<T>::insert(old, 5);
		#[block]
		{
			Pallet::<T>::forget_old_congestion();
		}
		assert!(!FullWindowBlocks::<T>::contains_key(old));
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
