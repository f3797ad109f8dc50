//! Usage reports and the records the pallet keeps.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{traits::fungible::Inspect, BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound};
use frame_system::pallet_prelude::BlockNumberFor;
use scale_info::TypeInfo;
use sp_core::H256;

pub use depin_primitives::{AttestedUsage, EpochIndex, LeaseId, Verdict};

use crate::Config;

pub type AccountIdOf<T> = <T as frame_system::Config>::AccountId;
pub type BalanceOf<T> = <<T as Config>::Currency as Inspect<AccountIdOf<T>>>::Balance;

/// Keystore type of reporting keys (sr25519). Insert with `author_insertKey("dpna", …)`.
pub const KEY_TYPE: sp_core::crypto::KeyTypeId = depin_primitives::REPORTING_KEY_TYPE;

/// Signed payloads start with this, so a reporting key's signature over a report can never be
/// replayed as anything else.
pub const REPORT_SIGNING_CONTEXT: &[u8] = b"depin/usage-report/v1";

/// What the node measured of one GPU during an epoch.
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug, Default,
)]
pub struct GpuUsage {
	/// blake2-256 of the NVML UUID, as registered.
	pub uuid_hash: H256,
	/// Blocks of the epoch at which the GPU answered.
	pub seen_blocks: u32,
	/// Mean utilization while seen, in percent.
	pub util_percent: u8,
	/// Mean framebuffer memory in use while seen.
	pub mem_used_mib: u32,
	pub mem_total_mib: u32,
	/// Energy used during the epoch (difference of the driver's counter).
	pub energy_mj: u64,
}

/// The node's view of its hardware during an epoch.
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound)]
#[scale_info(skip_type_params(T))]
pub struct DeviceSummary<T: Config> {
	/// Blocks of the epoch at which the node read the metrics source (answered or not).
	pub sampled_blocks: u32,
	/// Of those, the blocks at which the source answered.
	pub answered_blocks: u32,
	/// Registered GPUs of the provider that the source reported.
	pub gpus: BoundedVec<GpuUsage, T::MaxGpusPerReport>,
	/// Blocks at which the source reported filesystems.
	pub storage_seen_blocks: u32,
	pub storage_total_gib: u64,
	pub storage_used_gib: u64,
}

/// What one lease got during the epoch.
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug, Default,
)]
pub struct LeaseUsageReport {
	pub lease: LeaseId,
	/// Blocks during which all of the lease's resources answered: what it is charged for.
	pub uptime_blocks: u32,
	/// Mean utilization of the lease's GPUs, in percent.
	pub gpu_util_percent: u8,
	/// Framebuffer memory in use on the lease's GPUs (sum of their means).
	pub gpu_mem_used_mib: u32,
	/// Filesystem use attributed to the lease, in proportion to the storage it rents.
	pub storage_used_gib: u32,
}

/// A provider's signed account of one finished epoch.
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound)]
#[scale_info(skip_type_params(T))]
pub struct UsageReport<T: Config> {
	pub provider: AccountIdOf<T>,
	pub epoch: EpochIndex,
	/// A block at or after the epoch's last, by number and hash: the report was made after the
	/// epoch, on this chain.
	pub anchor_number: BlockNumberFor<T>,
	pub anchor_hash: T::Hash,
	pub leases: BoundedVec<LeaseUsageReport, T::MaxLeasesPerReport>,
	pub devices: DeviceSummary<T>,
}

impl<T: Config> UsageReport<T> {
	/// The bytes the reporting key signs.
	pub fn signing_payload(&self) -> alloc::vec::Vec<u8> {
		(REPORT_SIGNING_CONTEXT, self).encode()
	}
}

/// Most epochs a provider keeps a record of: `MissLookback` and the current one fit
/// (`integrity_test`).
pub const MAX_RECORDED_EPOCHS: u32 = 64;

/// A provider's reporting record: its counters and what its recent epochs left on record.
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug, Default,
)]
pub struct Liveness<Balance> {
	pub last_reported: Option<EpochIndex>,
	/// Misses recorded since the last accepted report.
	pub missed_in_a_row: u32,
	pub reports: u32,
	pub misses: u32,
	/// This pallet suspended the provider for missing reports (and lifts it on the next report).
	pub suspended_for_misses: bool,
	/// The provider's accepted reports and recorded misses of the last `MissLookback` epochs,
	/// each epoch once, in the order they were recorded (by epoch for those migrated to v3). Kept in this record, which every report and miss reads
	/// and writes anyway, so recording and pruning them take no storage access of their own.
	pub recorded: BoundedVec<(EpochIndex, EpochOutcome<Balance>), frame_support::traits::ConstU32<MAX_RECORDED_EPOCHS>>,
}

impl<Balance> Liveness<Balance> {
	/// What `epoch` left on record, if anything.
	pub fn outcome(&self, epoch: EpochIndex) -> Option<&EpochOutcome<Balance>> {
		self.recorded.iter().find(|(recorded, _)| *recorded == epoch).map(|(_, outcome)| outcome)
	}

	/// The accepted report of `epoch`, if any.
	pub fn report(&self, epoch: EpochIndex) -> Option<&ReportRecord<Balance>> {
		match self.outcome(epoch) {
			Some(EpochOutcome::Reported(report)) => Some(report),
			_ => None,
		}
	}

	pub fn has_reported(&self, epoch: EpochIndex) -> bool {
		self.report(epoch).is_some()
	}

	pub fn has_missed(&self, epoch: EpochIndex) -> bool {
		matches!(self.outcome(epoch), Some(EpochOutcome::Missed))
	}
}

/// What one epoch of a provider left on record.
#[derive(Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug)]
pub enum EpochOutcome<Balance> {
	/// Its report was accepted.
	Reported(ReportRecord<Balance>),
	/// A miss was recorded: the provider had a lease running and did not report.
	Missed,
}

/// What an accepted report settled, kept for the report window of later epochs' checks.
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug,
)]
pub struct ReportRecord<Balance> {
	pub leases: u32,
	pub charged: Balance,
}

/// An open dispute over one lease's epoch.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound)]
#[scale_info(skip_type_params(T))]
pub struct Dispute<T: Config> {
	pub consumer: AccountIdOf<T>,
	pub provider: AccountIdOf<T>,
	pub deposit: BalanceOf<T>,
	/// What the epoch's report charged, held until the dispute is resolved (none yet, or the
	/// report did not cover the lease).
	pub held: Option<BalanceOf<T>>,
	/// For a dispute raised after the report: what the report charged and the provider was
	/// paid. A ruling for the consumer takes it back from the provider's bond.
	pub paid: Option<BalanceOf<T>>,
	pub opened_at: BlockNumberFor<T>,
}


/// What accepting a report met beyond settling its leases and reading its GPUs: what its weight
/// is refunded to (it is charged up front as if it met the most of each).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct ReportWork {
	/// Leases whose charge was held for a dispute raised before the report.
	pub disputed: u32,
	/// Audit records read to find the provider's audited hardware.
	pub audits_read: u32,
	/// The report lifted the provider's suspension for misses.
	pub reinstated: bool,
	/// The report charged nothing: its audited capacity made it valid, found in `pre_dispatch`
	/// as well as in dispatch.
	pub capacity_only: bool,
}
