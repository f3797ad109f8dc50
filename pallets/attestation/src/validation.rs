//! Checks of a usage report, shared by the transaction pool (`validate_unsigned`), the block
//! (`pre_dispatch`) and dispatch.

use alloc::{collections::btree_set::BTreeSet, vec::Vec};
use depin_primitives::{BlockIndex, ChargeableLease, LeaseSettlement, ProviderRegistry};
use frame_support::{ensure, pallet_prelude::*, traits::Get};
use sp_runtime::transaction_validity::TransactionPriority;
use sp_core::sr25519;
use sp_runtime::{
	traits::{Saturating, UniqueSaturatedInto, Zero},
	transaction_validity::{InvalidTransaction, TransactionValidity, ValidTransaction},
	SaturatedConversion,
};

use crate::{pallet::*, types::*, weights::WeightInfo, Config};

/// What a report that passed every check covers, and what it would charge in all.
pub(crate) struct CheckedReport<T: Config> {
	pub leases: Vec<ChargeableLease<T::AccountId, BalanceOf<T>>>,
	pub value: BalanceOf<T>,
	/// For a report that charges nothing: the capacity it attests (and the audit records read
	/// to find it), which made it valid.
	pub capacity: Option<(AttestedUsage, u32)>,
}

impl<T: Config> Pallet<T> {
	/// The current block, as the clock counts blocks.
	pub(crate) fn now() -> BlockIndex {
		frame_system::Pallet::<T>::block_number().unique_saturated_into()
	}

	/// Everything that makes a report acceptable now. Cheap checks first, so junk costs little.
	///
	/// `signature` is `None` in dispatch: `pre_dispatch` verified it moments earlier in the same
	/// extrinsic (a bare extrinsic reaches dispatch only through it), and verifying the same
	/// bytes again against the same key cannot give another answer. The state checks are
	/// repeated, as a guard; their reads are already in the overlay.
	pub(crate) fn check_report(
		report: &UsageReport<T>,
		signature: Option<&sr25519::Signature>,
	) -> Result<CheckedReport<T>, Error<T>> {
		Self::check_report_at(report, signature, Self::now())
	}

	/// [`Self::check_report`] as if the chain were at block `now` (the off-chain worker checks
	/// its report as the pool will: at the block after the one it was made at).
	pub(crate) fn check_report_at(
		report: &UsageReport<T>,
		signature: Option<&sr25519::Signature>,
		now: BlockIndex,
	) -> Result<CheckedReport<T>, Error<T>> {
		let clock = Self::clock_at(now);
		ensure!(clock.has_ended(report.epoch, now), Error::<T>::FutureEpoch);
		// Until its window closes, or, for an epoch whose window closed congested, until the
		// next one's does (late settlement).
		ensure!(clock.settleable(report.epoch, now), Error::<T>::StaleEpoch);
		ensure!(!ProviderLiveness::<T>::get(&report.provider).has_reported(report.epoch), Error::<T>::AlreadyReported);

		let key = T::Providers::reporting_key(&report.provider).ok_or(Error::<T>::UnknownReportingKey)?;
		if let Some(signature) = signature {
			ensure!(
				sp_io::crypto::sr25519_verify(signature, &report.signing_payload(), &key),
				Error::<T>::BadSignature
			);
		}

		let anchor: BlockIndex = report.anchor_number.unique_saturated_into();
		ensure!(
			anchor >= clock.last_block(report.epoch) &&
				anchor < now && frame_system::BlockHash::<T>::get(report.anchor_number) == report.anchor_hash,
			Error::<T>::BadAnchor
		);

		let leases = Self::covered_leases(report)?;
		Self::check_devices(report, &leases)?;
		let value = Self::check_uptime(report, &leases)?;
		// A report must pay for service or attest audited hardware: one that does neither
		// earns nothing and would only take block space from reports that settle something.
		let capacity = value.is_zero().then(|| Self::device_usage(report));
		ensure!(
			capacity.as_ref().is_none_or(|(usage, _)| usage.has_audited_capacity()),
			Error::<T>::NothingToSettle
		);
		Ok(CheckedReport { leases, value, capacity })
	}

	/// The leases the report covers, each the provider's, chargeable for the epoch, once.
	fn covered_leases(report: &UsageReport<T>) -> Result<Vec<ChargeableLease<T::AccountId, BalanceOf<T>>>, Error<T>> {
		let mut seen = BTreeSet::new();
		let mut leases = Vec::with_capacity(report.leases.len());
		for entry in report.leases.iter() {
			ensure!(seen.insert(entry.lease), Error::<T>::DuplicateLease);
			let lease = T::Leases::chargeable(&report.provider, entry.lease, report.epoch)
				.ok_or(Error::<T>::LeaseNotChargeable)?;
			leases.push(lease);
		}
		Ok(leases)
	}

	/// Each GPU listed once, within bounds, and the provider's: registered to it, or rented by
	/// one of the leases the report covers (a GPU delisted or deregistered since still served
	/// those leases in the epoch, and that service is paid for).
	pub(crate) fn check_devices(
		report: &UsageReport<T>,
		leases: &[ChargeableLease<T::AccountId, BalanceOf<T>>],
	) -> Result<(), Error<T>> {
		let epoch_blocks = Self::clock().length();
		let d = &report.devices;
		ensure!(
			d.sampled_blocks <= epoch_blocks &&
				d.answered_blocks <= d.sampled_blocks &&
				d.storage_seen_blocks <= d.answered_blocks &&
				d.storage_used_gib <= d.storage_total_gib,
			Error::<T>::ValueOutOfRange
		);
		let mut seen = BTreeSet::new();
		for gpu in d.gpus.iter() {
			ensure!(seen.insert(gpu.uuid_hash), Error::<T>::DuplicateGpu);
			ensure!(
				gpu.seen_blocks <= d.answered_blocks &&
					gpu.util_percent <= 100 &&
					gpu.mem_used_mib <= gpu.mem_total_mib,
				Error::<T>::ValueOutOfRange
			);
			let registered = T::Providers::gpu_owner(&gpu.uuid_hash).as_ref() == Some(&report.provider);
			ensure!(
				registered || leases.iter().any(|lease| lease.gpus.contains(&gpu.uuid_hash)),
				Error::<T>::ForeignGpu
			);
		}
		Ok(())
	}

	/// Each lease's figures within bounds and its uptime shown by its devices. Returns what
	/// the report would charge in all.
	fn check_uptime(
		report: &UsageReport<T>,
		leases: &[ChargeableLease<T::AccountId, BalanceOf<T>>],
	) -> Result<BalanceOf<T>, Error<T>> {
		let mut value = BalanceOf::<T>::zero();
		for (entry, lease) in report.leases.iter().zip(leases) {
			ensure!(entry.gpu_util_percent <= 100, Error::<T>::ValueOutOfRange);
			ensure!(entry.storage_used_gib <= lease.storage_gib, Error::<T>::ValueOutOfRange);
			ensure!(
				entry.uptime_blocks <= Self::shown_blocks(report, &lease.gpus, lease.storage_gib),
				Error::<T>::UptimeNotShown
			);
			value = value.saturating_add(T::Leases::quote(lease, entry.uptime_blocks));
		}
		Ok(value)
	}

	/// An upper bound, from the summary, of the blocks at which every resource of a lease
	/// answered: the fewest of its GPUs' sightings, of its storage's, and of answered scrapes.
	pub(crate) fn shown_blocks(report: &UsageReport<T>, gpus: &[sp_core::H256], storage_gib: u32) -> u32 {
		let d = &report.devices;
		let mut shown = d.answered_blocks;
		for gpu in gpus {
			let seen = d.gpus.iter().find(|g| g.uuid_hash == *gpu).map_or(0, |g| g.seen_blocks);
			shown = shown.min(seen);
		}
		if storage_gib > 0 {
			shown = shown.min(d.storage_seen_blocks);
		}
		shown
	}

	/// What a report weighs: the checks `pre_dispatch` runs (signature included), settling its
	/// leases and GPUs (each looked up for its attestation), and the `work` it met beyond them.
	/// `submit_report` is benchmarked with no GPU, one audit record, no dispute and no
	/// suspension; the other parts are benchmarked on their own and add only what they cost
	/// beyond that.
	pub(crate) fn report_weight(leases: u32, gpus: u32, work: &ReportWork) -> Weight {
		type W<T> = <T as Config>::WeightInfo;
		let lift = if work.reinstated { W::<T>::lift_suspension() } else { Weight::zero() };
		let gpu_checks = W::<T>::check_gpus(gpus).saturating_sub(W::<T>::check_gpus(0));
		// A report that charges nothing is valid for its audited capacity: `pre_dispatch` found
		// that too (dispatch reuses its own finding).
		let capacity_checked = if work.capacity_only {
			W::<T>::read_audits(work.audits_read).saturating_sub(W::<T>::read_audits(0)).saturating_add(gpu_checks)
		} else {
			Weight::zero()
		};
		W::<T>::submit_report(leases)
			.saturating_add(gpu_checks)
			.saturating_add(W::<T>::read_audits(work.audits_read).saturating_sub(W::<T>::read_audits(1)))
			.saturating_add(W::<T>::hold_disputed(work.disputed).saturating_sub(W::<T>::hold_disputed(0)))
			.saturating_add(lift)
			.saturating_add(capacity_checked)
			// Each GPU of the summary may be looked up for its attestation (capacity emission).
			.saturating_add(
				<T::Hardware as depin_primitives::HardwareAttestations<T::AccountId>>::lookup_weight()
					.saturating_mul(gpus.into()),
			)
	}

	/// What a report is charged up front: the dearer of the two paths it can take, each with
	/// all the work it could meet (the most audit records, a suspension to lift) — a report that
	/// charges something, every lease of it disputed, or one that charges nothing and so has its
	/// capacity checked before dispatch too (a charge-free report holds no dispute: the two never
	/// meet). Refunded to what it met.
	pub fn declared_submit_report_weight(leases: u32, gpus: u32) -> Weight {
		let audits_read = T::Providers::max_audits();
		let charging = ReportWork { disputed: leases, audits_read, reinstated: true, capacity_only: false };
		let capacity_only = ReportWork { disputed: 0, audits_read, reinstated: true, capacity_only: true };
		Self::report_weight(leases, gpus, &charging).max(Self::report_weight(leases, gpus, &capacity_only))
	}

	/// `validate_unsigned` of `submit_report`: the checks, as pool validity.
	///
	/// Priority is the report's base priority plus what it settles per unit of the block weight
	/// it takes: block authors take reports by priority, so a report that pays for more service
	/// in the room it takes lands before one that pays for less, whenever either arrived.
	/// Filling a window ahead of an honest report takes reports that each settle more per unit of
	/// weight than it does, every one paying the take on that.
	pub(crate) fn validate_report(report: &UsageReport<T>, signature: &sr25519::Signature) -> TransactionValidity {
		let checked = Self::check_report(report, Some(signature)).map_err(|error| {
			let invalid = match error {
				Error::<T>::FutureEpoch => InvalidTransaction::Future,
				Error::<T>::StaleEpoch | Error::<T>::AlreadyReported => InvalidTransaction::Stale,
				Error::<T>::BadSignature => InvalidTransaction::BadProof,
				Error::<T>::UnknownReportingKey => InvalidTransaction::BadSigner,
				other => InvalidTransaction::Custom(error_code(&other)),
			};
			TransactionValidityError::Invalid(invalid)
		})?;
		// Valid in the pool for as long as the window could last, extensions included (and, for
		// a late epoch, the next window).
		let clock = Self::clock();
		let window_closes = Self::base_clock()
			.with_extension(report.epoch, T::MaxWindowExtension::get())
			.report_window_closes(report.epoch)
			.max(clock.settlement_closes(report.epoch));
		let weight = Self::declared_submit_report_weight(report.leases.len() as u32, report.devices.gpus.len() as u32);
		ValidTransaction::with_tag_prefix("DepinUsageReport")
			.priority(Self::report_priority(checked.value, weight, clock.is_late(report.epoch, Self::now())))
			.and_provides((report.provider.clone(), report.epoch))
			.longevity(u64::from(window_closes.saturating_sub(Self::now())).max(1))
			.propagate(true)
			.build()
	}
}

/// Planck settled per picosecond of weight is scaled by this before it becomes priority: a
/// report settling 0.1 DPN in 3 ms of weight ranks at 3.3 × 10^10 above the base.
const PRIORITY_PER_VALUE_PER_WEIGHT: u128 = 1_000_000_000;

impl<T: Config> Pallet<T> {
	/// Pool priority of a report settling `value` in `weight`: `ReportPriority`, plus the value
	/// per unit of weight (scaled, capped at an eighth of the priority range), plus a quarter of
	/// the range for a late report, which must land before the same provider's next report
	/// settles its leases.
	pub(crate) fn report_priority(value: BalanceOf<T>, weight: Weight, late: bool) -> TransactionPriority {
		let value: u128 = value.saturated_into();
		let per_weight = value.saturating_mul(PRIORITY_PER_VALUE_PER_WEIGHT) / u128::from(weight.ref_time().max(1));
		let value_part = u64::try_from(per_weight).unwrap_or(u64::MAX).min(u64::MAX / 8);
		let late_bonus = if late { u64::MAX / 4 } else { 0 };
		T::ReportPriority::get().saturating_add(value_part).saturating_add(late_bonus)
	}
}

/// The error's index in `Error`, so pool rejections name the check that failed.
fn error_code<T: Config>(error: &Error<T>) -> u8 {
	error.encode().first().copied().unwrap_or(u8::MAX)
}

