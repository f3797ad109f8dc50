//! The off-chain worker: samples the metrics source every block, and once an epoch has ended
//! signs and submits a usage report for each provider whose reporting key this node holds.
//!
//! Tallies live in the node's persistent off-chain storage, one per epoch; updates use
//! compare-and-set, retried on conflict, because workers of blocks imported together run at
//! once and finish in any order: every block sampled is recorded, whichever finishes first.

use alloc::{collections::btree_set::BTreeSet, vec::Vec};
use codec::{Decode, Encode};
use frame_support::BoundedVec;
use frame_system::{
	offchain::{CreateBare, SubmitTransaction},
	pallet_prelude::BlockNumberFor,
};
use depin_primitives::{ChargeableLease, LeaseSettlement, ProviderRegistry, GIB};
use sp_core::{offchain::StorageKind, sr25519, H256};
use sp_runtime::{
	offchain::{http, storage::StorageValueRef, Duration},
	traits::UniqueSaturatedInto,
};

use crate::{pallet::*, prometheus, types::*, Config};

/// Persistent off-chain storage key of the metrics URL; the node writes it at start-up
/// (`--metrics-source`, or its built-in probe).
pub const METRICS_URL_KEY: &[u8] = b"depin/attestation/metrics-url";
/// Persistent off-chain storage key of the time (unix ms, SCALE `u64`) this node process
/// started; the node writes it at start-up. Blocks authored before it were not seen live.
pub const NODE_STARTED_KEY: &[u8] = b"depin/attestation/node-started-ms";
/// Where the metrics are read when the node wrote no URL.
pub const DEFAULT_METRICS_URL: &str = "http://127.0.0.1:9616/metrics";
/// A scrape that takes longer counts as not answered.
pub const FETCH_DEADLINE_MS: u64 = 2_000;
/// Blocks to wait before submitting a report again that has not landed.
pub const RESUBMIT_AFTER_BLOCKS: u32 = 3;
/// A metrics body larger than this counts as not answered (dcgm-exporter for 8 GPUs is ~60 KiB).
pub const MAX_METRICS_BYTES: usize = 4 << 20;

/// Persistent off-chain storage key of this node's [`NodeLiveness`].
pub const LIVENESS_KEY: &[u8] = b"depin/attestation/liveness";
/// Attempts at a compare-and-set update of off-chain storage before giving up.
pub const CAS_ATTEMPTS: u32 = 64;

// v2: a tally keeps the set of blocks sampled; a node upgraded mid-epoch starts that epoch's
// tally afresh rather than misreading the old encoding.
const TALLY_PREFIX: &[u8] = b"depin/attestation/tally/v2/";
const SUBMITTED_PREFIX: &[u8] = b"depin/attestation/submitted/";
/// Tallies and submission claims are kept for the epoch being sampled and the two before it:
/// the previous epoch's report window, and a congested epoch's late window.
const KEPT_EPOCHS: u32 = 3;

/// One GPU's sightings during an epoch.
#[derive(Encode, Decode, Clone, Debug, Default, PartialEq, Eq)]
pub struct GpuTally {
	pub uuid_hash: H256,
	pub seen: u32,
	pub util_sum: u64,
	pub mem_used_sum: u64,
	pub mem_total_mib: u32,
	pub energy_first: Option<u64>,
	pub energy_last: Option<u64>,
}

/// Which devices answered at one block.
#[derive(Encode, Decode, Clone, Debug, Default, PartialEq, Eq)]
pub struct Sighting {
	pub block: u32,
	/// Bit `i` set: `EpochTally::gpus[i]` answered.
	pub gpus: Vec<u8>,
	pub storage: bool,
}

impl Sighting {
	fn saw_gpu(&self, index: usize) -> bool {
		self.gpus.get(index / 8).is_some_and(|byte| byte & (1 << (index % 8)) != 0)
	}
}

/// What this node sampled during an epoch.
#[derive(Encode, Decode, Clone, Debug, Default, PartialEq, Eq)]
pub struct EpochTally {
	/// Blocks sampled, in ascending order: each block counts once, whatever forks, retries and
	/// the order workers finish in do.
	pub sampled_blocks: Vec<u32>,
	pub sampled: u32,
	pub answered: u32,
	pub gpus: Vec<GpuTally>,
	/// One per answered block, so a lease's uptime counts the blocks at which *all* its devices
	/// answered together, within the blocks it ran.
	pub sightings: Vec<Sighting>,
	pub storage_seen: u32,
	pub storage_total_bytes: u64,
	pub storage_used_bytes: u64,
}

impl EpochTally {
	/// Adds the sample of `block`; `false` if that block was counted already.
	pub fn record(&mut self, block: u32, scrape: Option<&prometheus::Scrape>) -> bool {
		let Err(position) = self.sampled_blocks.binary_search(&block) else { return false };
		self.sampled_blocks.insert(position, block);
		self.sampled = self.sampled.saturating_add(1);
		let Some(scrape) = scrape else { return true };
		self.answered = self.answered.saturating_add(1);
		let mut sighting = Sighting { block, gpus: Vec::new(), storage: !scrape.filesystems.is_empty() };
		for gpu in &scrape.gpus {
			let index = match self.gpus.iter().position(|t| t.uuid_hash == gpu.uuid_hash) {
				Some(index) => index,
				None => {
					self.gpus.push(GpuTally { uuid_hash: gpu.uuid_hash, ..Default::default() });
					self.gpus.len() - 1
				},
			};
			if sighting.gpus.len() <= index / 8 {
				sighting.gpus.resize(index / 8 + 1, 0);
			}
			sighting.gpus[index / 8] |= 1 << (index % 8);
			let tally = &mut self.gpus[index];
			tally.seen = tally.seen.saturating_add(1);
			tally.util_sum = tally.util_sum.saturating_add(gpu.util_percent.into());
			tally.mem_used_sum = tally.mem_used_sum.saturating_add(gpu.mem_used_mib.into());
			tally.mem_total_mib = gpu.mem_used_mib.saturating_add(gpu.mem_free_mib);
			if let Some(energy) = gpu.energy_mj {
				tally.energy_first.get_or_insert(energy);
				tally.energy_last = Some(energy);
			}
		}
		if sighting.storage {
			self.storage_seen = self.storage_seen.saturating_add(1);
			self.storage_total_bytes = scrape.storage_total_bytes();
			self.storage_used_bytes = scrape.storage_used_bytes();
		}
		self.sightings.push(sighting);
		true
	}

	/// Blocks in `[from, until)` at which every one of `gpus` answered, and the filesystems too
	/// if `storage`. A GPU never seen makes it zero.
	pub fn joint_uptime(&self, gpus: &[H256], storage: bool, from: u32, until: u32) -> u32 {
		let Some(indices) = gpus
			.iter()
			.map(|gpu| self.gpus.iter().position(|t| t.uuid_hash == *gpu))
			.collect::<Option<Vec<usize>>>()
		else {
			return 0;
		};
		self.sightings
			.iter()
			.filter(|s| from <= s.block && s.block < until)
			.filter(|s| (!storage || s.storage) && indices.iter().all(|i| s.saw_gpu(*i)))
			.count() as u32
	}

	fn gpu_usage(&self, registered: &BTreeSet<H256>) -> Vec<GpuUsage> {
		self.gpus
			.iter()
			.filter(|t| t.seen > 0 && registered.contains(&t.uuid_hash))
			.map(|t| {
				let seen = u64::from(t.seen);
				GpuUsage {
					uuid_hash: t.uuid_hash,
					seen_blocks: t.seen.min(self.answered),
					util_percent: (t.util_sum / seen).min(100) as u8,
					mem_used_mib: ((t.mem_used_sum / seen) as u32).min(t.mem_total_mib),
					mem_total_mib: t.mem_total_mib,
					energy_mj: match (t.energy_first, t.energy_last) {
						(Some(first), Some(last)) => last.saturating_sub(first),
						_ => 0,
					},
				}
			})
			.collect()
	}
}

pub(crate) fn tally_key(epoch: EpochIndex) -> Vec<u8> {
	(TALLY_PREFIX, epoch).encode()
}

/// Entry point, from `offchain_worker`.
pub fn run<T: Config>(block: BlockNumberFor<T>) {
	let reporters = local_reporters::<T>();
	if reporters.is_empty() {
		return;
	}
	let clock = Pallet::<T>::clock();
	let now: u32 = block.unique_saturated_into();
	let epoch = clock.epoch_of(now);

	match unseen::<T>() {
		Some(why) => log::info!(target: "attestation", "block {now} not sampled: {why}"),
		None => {
			let scrape = fetch_metrics();
			if let Err(error) = &scrape {
				log::warn!(target: "attestation", "metrics source did not answer at block {now}: {error}");
			}
			record_sample(epoch, now, scrape.as_ref().ok());
		},
	}
	if let Some(old) = epoch.checked_sub(KEPT_EPOCHS) {
		StorageValueRef::persistent(&tally_key(old)).clear();
	}

	// A congested epoch still settleable late, then the epoch just ended. The late report's
	// pool priority ranks it first (see `validate_report`): once the next epoch's report settles
	// a lease, the lease's earlier epochs can no longer be charged.
	let late = clock.late_epoch().filter(|late| clock.is_late(*late, now));
	let previous = epoch.checked_sub(1).filter(|previous| clock.is_reportable(*previous, now));
	for (key, provider) in reporters {
		for epoch in [late, previous].into_iter().flatten() {
			report_epoch::<T>(key, &provider, epoch, block);
		}
	}
}

/// Reports `epoch` for `provider` unless it is on chain or was submitted recently.
fn report_epoch<T: Config>(key: sr25519::Public, provider: &T::AccountId, epoch: EpochIndex, block: BlockNumberFor<T>) {
	if ProviderLiveness::<T>::get(provider).has_reported(epoch) {
		return;
	}
	let Ok(Some(tally)) = StorageValueRef::persistent(&tally_key(epoch)).get::<EpochTally>() else {
		return;
	};
	match submit_report::<T>(key, provider.clone(), epoch, &tally, block) {
		Ok(Submission::Sent) => log::info!(target: "attestation", "submitted the usage report of epoch {epoch}"),
		Ok(Submission::Pending) => {},
		Err(error) => log::warn!(target: "attestation", "no usage report for epoch {epoch}: {error}"),
	}
}

/// When this node has been live: sampling blocks without a gap longer than `MaxSampleGapMs`.
#[derive(Encode, Decode, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NodeLiveness {
	/// When (unix ms, the node's clock) it last sampled a block.
	pub last_sample_ms: u64,
	/// When its current unbroken run of samples began.
	pub live_since_ms: u64,
}

impl NodeLiveness {
	/// The liveness after sampling a block at `now_ms`: a run continues if the last sample was
	/// at most `max_gap_ms` ago, and starts afresh otherwise.
	pub fn observe(previous: Option<Self>, now_ms: u64, max_gap_ms: u64) -> Self {
		match previous {
			Some(live) if now_ms.saturating_sub(live.last_sample_ms) <= max_gap_ms =>
				Self { last_sample_ms: now_ms.max(live.last_sample_ms), live_since_ms: live.live_since_ms },
			_ => Self { last_sample_ms: now_ms, live_since_ms: now_ms },
		}
	}

	/// Why a block authored at `authored_ms` was not seen live, if it was not: authored before
	/// the node process started, or before the node's current run of samples began (less the
	/// `max_delay_ms` a block may take to arrive), or more than `max_gap_ms` before now (a node
	/// that lags on purpose, importing just often enough to keep its run, builds no backlog to
	/// sample later). A block that arrives late while the node has been sampling all along — a
	/// validator that released it late — was seen live: lateness is judged by the node's own
	/// watch, not by the author's timestamp alone.
	pub fn unseen(
		&self,
		authored_ms: u64,
		started_ms: Option<u64>,
		max_delay_ms: u64,
		max_gap_ms: u64,
	) -> Option<&'static str> {
		if started_ms.is_some_and(|started| authored_ms < started) {
			return Some("authored before this node started");
		}
		if authored_ms.saturating_add(max_delay_ms) < self.live_since_ms {
			return Some("authored while this node was not sampling (imported after a gap)");
		}
		if self.last_sample_ms.saturating_sub(authored_ms) > max_gap_ms {
			return Some("imported too long after it was authored");
		}
		None
	}
}

/// Why this node cannot have seen the hardware when the current block was authored, if it
/// cannot (see [`NodeLiveness::unseen`]). Sampling such a block now would count a reading taken
/// after the fact as uptime (a provider could keep its node down and catch up in bursts).
fn unseen<T: Config>() -> Option<&'static str> {
	use frame_support::traits::{Get, UnixTime};
	let authored = u64::try_from(T::BlockTime::now().as_millis()).unwrap_or(u64::MAX);
	let started = sp_io::offchain::local_storage_get(StorageKind::PERSISTENT, NODE_STARTED_KEY)
		.and_then(|bytes| u64::decode(&mut &bytes[..]).ok());
	let now_ms = sp_io::offchain::timestamp().unix_millis();
	let liveness = StorageValueRef::persistent(LIVENESS_KEY);
	let mut observed = None;
	for _ in 0..CAS_ATTEMPTS {
		match liveness.mutate::<NodeLiveness, (), _>(|stored| {
			Ok(NodeLiveness::observe(stored.ok().flatten(), now_ms, T::MaxSampleGapMs::get()))
		}) {
			Ok(live) => {
				observed = Some(live);
				break;
			},
			Err(_) => continue,
		}
	}
	let Some(live) = observed else { return Some("the node's liveness record is contended") };
	live.unseen(authored, started, T::MaxSampleDelayMs::get(), T::MaxSampleGapMs::get())
}

/// Reporting keys in this node's keystore, with the providers they report for.
pub fn local_reporters<T: Config>() -> Vec<(sr25519::Public, T::AccountId)> {
	sp_io::crypto::sr25519_public_keys(KEY_TYPE)
		.into_iter()
		.filter_map(|key| T::Providers::provider_of_reporting_key(&key).map(|provider| (key, provider)))
		.collect()
}

/// The URL the node configured, or the default.
pub fn metrics_url() -> Vec<u8> {
	sp_io::offchain::local_storage_get(StorageKind::PERSISTENT, METRICS_URL_KEY)
		.unwrap_or_else(|| DEFAULT_METRICS_URL.as_bytes().to_vec())
}

/// Reads and parses the metrics source, within `FETCH_DEADLINE_MS`.
pub fn fetch_metrics() -> Result<prometheus::Scrape, &'static str> {
	let url = metrics_url();
	let url = core::str::from_utf8(&url).map_err(|_| "metrics URL is not UTF-8")?;
	let deadline = sp_io::offchain::timestamp().add(Duration::from_millis(FETCH_DEADLINE_MS));
	let pending = http::Request::get(url).deadline(deadline).send().map_err(|_| "request failed")?;
	let response = pending
		.try_wait(deadline)
		.map_err(|_| "deadline passed")?
		.map_err(|_| "HTTP error")?;
	if response.code != 200 {
		return Err("status is not 200");
	}
	let mut body_reader = response.body();
	body_reader.deadline(deadline);
	let body: Vec<u8> = body_reader.by_ref().take(MAX_METRICS_BYTES.saturating_add(1)).collect();
	// A body cut short (deadline, connection lost) would show only some devices.
	if body_reader.error().is_some() {
		return Err("the body did not arrive in time");
	}
	if body.len() > MAX_METRICS_BYTES {
		return Err("the body is too large");
	}
	let text = core::str::from_utf8(&body).map_err(|_| "body is not UTF-8")?;
	Ok(prometheus::parse_scrape(text))
}

/// Adds the sample of `block` to `epoch`'s tally. Workers of blocks imported together run at
/// once: a compare-and-set that lost to another worker's is retried with the tally it wrote.
pub(crate) fn record_sample(epoch: EpochIndex, block: u32, scrape: Option<&prometheus::Scrape>) {
	use sp_runtime::offchain::storage::MutateStorageError;
	let key = tally_key(epoch);
	let tally = StorageValueRef::persistent(&key);
	for _ in 0..CAS_ATTEMPTS {
		let result = tally.mutate::<EpochTally, (), _>(|stored| {
			let mut tally = stored.ok().flatten().unwrap_or_default();
			if tally.record(block, scrape) {
				Ok(tally)
			} else {
				Err(())
			}
		});
		match result {
			Ok(_) => return,
			Err(MutateStorageError::ValueFunctionFailed(())) => {
				log::debug!(target: "attestation", "block {block} sampled already");
				return;
			},
			Err(MutateStorageError::ConcurrentModification(_)) => continue,
		}
	}
	log::warn!(target: "attestation", "block {block} not recorded: its tally stayed contended");
}

/// Builds `provider`'s report of `epoch` from this node's tally.
pub fn build_report<T: Config>(
	provider: &T::AccountId,
	epoch: EpochIndex,
	tally: &EpochTally,
	anchor_number: BlockNumberFor<T>,
) -> UsageReport<T> {
	let leases = T::Leases::chargeable_leases(provider, epoch);
	// The GPUs its leases of the epoch rented — a GPU delisted since (or a provider that
	// deregistered) still served them, and that service is reported and paid — first, so the
	// bound on a report's GPUs never drops one a charge depends on; then its other GPUs.
	let leased: BTreeSet<H256> = leases.iter().flat_map(|lease| lease.gpus.iter().copied()).collect();
	let others: BTreeSet<H256> = T::Providers::gpus(provider)
		.into_iter()
		.map(|g| g.uuid_hash)
		.filter(|gpu| !leased.contains(gpu))
		.collect();
	let mut usage = tally.gpu_usage(&leased);
	usage.extend(tally.gpu_usage(&others));
	let gpus = BoundedVec::truncate_from(usage);
	let devices = DeviceSummary::<T> {
		sampled_blocks: tally.sampled,
		answered_blocks: tally.answered,
		gpus,
		storage_seen_blocks: tally.storage_seen,
		storage_total_gib: tally.storage_total_bytes / GIB,
		storage_used_gib: tally.storage_used_bytes / GIB,
	};
	let leased_storage: u64 = leases.iter().map(|l| u64::from(l.storage_gib)).sum();
	let clock = Pallet::<T>::clock();
	// Service is attested over the epoch's blocks, `[first, last]`.
	let (epoch_start, epoch_end) = (clock.first_block(epoch), clock.last_block(epoch).saturating_add(1));
	let mut report = UsageReport::<T> {
		provider: provider.clone(),
		epoch,
		anchor_number,
		anchor_hash: frame_system::BlockHash::<T>::get(anchor_number),
		leases: BoundedVec::new(),
		devices,
	};
	let entries: Vec<LeaseUsageReport> = leases
		.iter()
		.map(|lease| {
			let from = lease.served_from.max(epoch_start);
			let until = lease.served_until.unwrap_or(epoch_end).min(epoch_end);
			let uptime = tally.joint_uptime(&lease.gpus, lease.storage_gib > 0, from, until);
			lease_entry(&report, lease, uptime, leased_storage)
		})
		.collect();
	report.leases = BoundedVec::truncate_from(entries);
	report
}

fn lease_entry<T: Config>(
	report: &UsageReport<T>,
	lease: &ChargeableLease<T::AccountId, BalanceOf<T>>,
	uptime_blocks: u32,
	leased_storage: u64,
) -> LeaseUsageReport {
	let readings: Vec<&GpuUsage> =
		report.devices.gpus.iter().filter(|g| lease.gpus.contains(&g.uuid_hash)).collect();
	let count = readings.len().max(1) as u64;
	let util = readings.iter().map(|g| u64::from(g.util_percent)).sum::<u64>() / count;
	let mem = readings.iter().fold(0u32, |sum, g| sum.saturating_add(g.mem_used_mib));
	// Filesystem use cannot be told apart per lease; it is attributed by leased share.
	let storage_used = if leased_storage == 0 {
		0
	} else {
		(report.devices.storage_used_gib.saturating_mul(lease.storage_gib.into()) / leased_storage)
			.min(lease.storage_gib.into()) as u32
	};
	LeaseUsageReport {
		lease: lease.id,
		uptime_blocks,
		gpu_util_percent: util.min(100) as u8,
		gpu_mem_used_mib: mem,
		storage_used_gib: storage_used,
	}
}

/// What `submit_report` did.
enum Submission {
	/// Signed and handed to the pool.
	Sent,
	/// Submitted a few blocks ago (by this or an overlapping worker): left to land.
	Pending,
}

/// Signs and submits `provider`'s report of `epoch` unless it was submitted recently. A report
/// the chain would refuse is not sent (the reason is logged): one that would settle nothing,
/// for instance, whose epoch counts as missed.
fn submit_report<T: Config>(
	key: sr25519::Public,
	provider: T::AccountId,
	epoch: EpochIndex,
	tally: &EpochTally,
	block: BlockNumberFor<T>,
) -> Result<Submission, &'static str> {
	if tally.answered == 0 {
		return Err("the metrics source never answered during the epoch");
	}
	let now: u32 = block.unique_saturated_into();
	if let Some(old) = epoch.checked_sub(KEPT_EPOCHS) {
		StorageValueRef::persistent(&(SUBMITTED_PREFIX, &provider, old).encode()).clear();
	}
	let claim = StorageValueRef::persistent(&(SUBMITTED_PREFIX, &provider, epoch).encode())
		.mutate::<u32, (), _>(|last| match last {
			Ok(Some(last)) if now < last.saturating_add(RESUBMIT_AFTER_BLOCKS) => Err(()),
			_ => Ok(now),
		});
	if claim.is_err() {
		return Ok(Submission::Pending);
	}

	let report = build_report::<T>(&provider, epoch, tally, block);
	// The chain's own checks, as the pool will run them: on this block's state, as the block
	// after it (where the anchor, this block, is in the past).
	if let Err(error) = Pallet::<T>::check_report_at(&report, None, now.saturating_add(1)) {
		log::warn!(target: "attestation", "the usage report of epoch {epoch} would be refused: {error:?}");
		return Err("the chain would refuse the report");
	}
	let signature =
		sp_io::crypto::sr25519_sign(KEY_TYPE, &key, &report.signing_payload()).ok_or("the keystore cannot sign")?;
	let xt = <T as CreateBare<Call<T>>>::create_bare(Call::<T>::submit_report { report, signature }.into());
	SubmitTransaction::<T, Call<T>>::submit_transaction(xt).map_err(|_| "the pool refused the report")?;
	Ok(Submission::Sent)
}

