//! Accepting a usage report: settle what it covers, record it, and lift a miss suspension.

use alloc::vec::Vec;
use depin_primitives::{
	AttestationObserver, ChargeableLease, LeaseCharge, LeaseSettlement, Payee, ProviderRegistry, GIB,
};
use sp_runtime::{traits::Zero, DispatchError, Saturating};

use crate::{pallet::*, types::*, Config};

impl<T: Config> Pallet<T> {
	/// Returns the work it met beyond its leases and GPUs, what its weight is refunded to.
	pub(crate) fn do_submit_report(report: UsageReport<T>) -> Result<ReportWork, DispatchError> {
		let checked = Self::check_report(&report, None)?;
		let capacity_only = checked.capacity.is_some();
		let covered = checked.leases;
		let (provider, epoch) = (report.provider.clone(), report.epoch);

		// Disputes raised from now on come after the report.
		let disputed = DisputedBeforeReport::<T>::take(&provider, epoch);
		let charges = Self::lease_charges(&report, &disputed);
		let settlements = T::Leases::settle_epoch(&provider, epoch, &charges)?;

		let mut charged = BalanceOf::<T>::zero();
		let mut attested_blocks = 0u32;
		let mut disputed = 0u32;
		let (mut usage, audits_read) = checked.capacity.unwrap_or_else(|| Self::device_usage(&report));
		for ((entry, lease), (charge, settlement)) in
			report.leases.iter().zip(covered.iter()).zip(charges.iter().zip(settlements.iter()))
		{
			Self::add_lease_usage(&mut usage, entry, lease);
			// A dispute whose epoch was charged nothing holds nothing: it lapses with the window.
			if charge.payee == Payee::HeldForDispute && !settlement.charged.is_zero() {
				disputed = disputed.saturating_add(1);
				Self::record_held(entry.lease, epoch, settlement.charged);
			}
			charged = charged.saturating_add(settlement.charged);
			attested_blocks = attested_blocks.saturating_add(entry.uptime_blocks);
		}

		let leases = report.leases.len() as u32;
		let mut liveness = ProviderLiveness::<T>::get(&provider);
		let record = EpochOutcome::Reported(ReportRecord { leases, charged });
		Self::note_record(&mut liveness, epoch, record, Self::clock().epoch_of(Self::now()));

		// A late epoch's report may land after the next epoch's: the last reported epoch never
		// moves back.
		liveness.last_reported = Some(liveness.last_reported.map_or(epoch, |last| last.max(epoch)));
		liveness.missed_in_a_row = 0;
		liveness.reports = liveness.reports.saturating_add(1);
		let reinstate = core::mem::take(&mut liveness.suspended_for_misses);
		ProviderLiveness::<T>::insert(&provider, liveness);

		T::Observer::report_accepted(&provider, epoch, &usage);
		Self::deposit_event(Event::ReportAccepted {
			provider: provider.clone(),
			epoch,
			leases,
			gpus: report.devices.gpus.len() as u32,
			attested_blocks,
			charged,
		});
		// Governance may have lifted or changed the suspension meanwhile; then there is nothing
		// for this pallet to undo.
		if reinstate && T::Providers::resume(&provider).is_ok() {
			Self::deposit_event(Event::ReinstatedByReport { provider });
		}
		Ok(ReportWork { disputed, audits_read, reinstated: reinstate, capacity_only })
	}
}

impl<T: Config> Pallet<T> {
	/// What the report asks to charge: each lease's uptime, held if the lease's epoch was
	/// `disputed` before the report.
	pub(crate) fn lease_charges(report: &UsageReport<T>, disputed: &[LeaseId]) -> Vec<LeaseCharge> {
		report
			.leases
			.iter()
			.map(|entry| LeaseCharge {
				lease: entry.lease,
				attested_blocks: entry.uptime_blocks,
				payee: if disputed.contains(&entry.lease) {
					Payee::HeldForDispute
				} else {
					Payee::Provider
				},
			})
			.collect()
	}

	/// A disputed lease's charge for `epoch` is held: noted on its dispute.
	pub(crate) fn record_held(lease: LeaseId, epoch: EpochIndex, amount: BalanceOf<T>) {
		Disputes::<T>::mutate(lease, epoch, |dispute| {
			if let Some(dispute) = dispute {
				dispute.held = Some(amount);
			}
		});
		Self::deposit_event(Event::DisputedChargeHeld { lease, epoch, amount });
	}

	/// Capacity the report shows: GPU-blocks answered, filesystem GiB-blocks offered, and of
	/// these what is verified: GPUs whose own attestation was in force during the epoch, and
	/// hardware a bonded auditor vouched exists before the epoch began. Storage counts no more than the provider
	/// declared (a node's disks may be larger than its offer) and, as audited capacity, no more
	/// than audited. Each GPU answers at most once per block (validation). Also returns how many
	/// audit records finding the audited hardware read (its weight).
	pub(crate) fn device_usage(report: &UsageReport<T>) -> (AttestedUsage, u32) {
		let d = &report.devices;
		let declared_gib = T::Providers::capacity(&report.provider).map_or(0, |c| c.storage_bytes / GIB);
		// What the audits in force when the epoch began vouch for: hardware cannot be vouched
		// for into an epoch already run (nor moved to another account and audited there for it
		// again), and a later change of an audit leaves service already under way as it was.
		let listed: Vec<_> = d.gpus.iter().map(|gpu| gpu.uuid_hash).collect();
		let audited = T::Providers::audited_hardware(&report.provider, Self::clock().first_block(report.epoch), &listed);
		let audits_read = audited.audits_read;
		let offered_gib = d.storage_total_gib.min(declared_gib);
		let seen = |gpu: &GpuUsage| u64::from(gpu.seen_blocks);
		let usage = AttestedUsage {
			gpu_capacity_blocks: d.gpus.iter().map(seen).sum(),
			storage_capacity_gib_blocks: offered_gib.saturating_mul(d.storage_seen_blocks.into()),
			audited_gpu_blocks: d
				.gpus
				.iter()
				.filter(|g| {
					audited.gpus.contains(&g.uuid_hash) ||
						<T::Hardware as depin_primitives::HardwareAttestations<T::AccountId>>::is_attested(
							&report.provider,
							&g.uuid_hash,
							report.epoch,
						)
				})
				.map(seen)
				.sum(),
			audited_storage_gib_blocks: offered_gib.min(audited.storage_gib).saturating_mul(d.storage_seen_blocks.into()),
			..Default::default()
		};
		(usage, audits_read)
	}

	/// Adds a covered lease's attested use.
	fn add_lease_usage(
		usage: &mut AttestedUsage,
		entry: &LeaseUsageReport,
		lease: &ChargeableLease<T::AccountId, BalanceOf<T>>,
	) {
		let uptime = u64::from(entry.uptime_blocks);
		let gpu_blocks = uptime.saturating_mul(lease.gpus.len() as u64);
		usage.gpu_leased_blocks = usage.gpu_leased_blocks.saturating_add(gpu_blocks);
		usage.gpu_busy_blocks = usage
			.gpu_busy_blocks
			.saturating_add(gpu_blocks.saturating_mul(entry.gpu_util_percent.into()) / 100);
		usage.storage_leased_gib_blocks =
			usage.storage_leased_gib_blocks.saturating_add(uptime.saturating_mul(lease.storage_gib.into()));
		usage.storage_used_gib_blocks =
			usage.storage_used_gib_blocks.saturating_add(uptime.saturating_mul(entry.storage_used_gib.into()));
	}
}
