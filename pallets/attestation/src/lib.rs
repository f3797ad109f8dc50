//! # Attestation
//!
//! Providers are paid only for usage their own node attested.
//!
//! - **Epochs** of [`EpochLength`] blocks (set at genesis: 10 on the dev chain, 600 — an hour —
//!   in production), reportable for `ReportGrace` blocks after they end: this pallet keeps the
//!   chain's one `EpochClock` (`depin-primitives`), and the leases and economics pallets read it
//!   through [`ClockOf`].
//! - **Off-chain worker** (`worker`): on every block, for the providers whose reporting key
//!   (key type [`KEY_TYPE`], sr25519) is in the node's keystore, it reads the metrics source over
//!   HTTP (dcgm-exporter and node_exporter names; by default the node's built-in probe) and
//!   tallies what answered. After an epoch ends it builds a [`UsageReport`] — per lease the
//!   blocks its GPUs and storage answered and their measured use, plus a device summary —
//!   signs it with the reporting key and submits `submit_report` as a bare (unsigned, format
//!   v4) extrinsic that the pallet validates itself (`ValidateUnsigned`: no fee, no nonce; see
//!   docs/attestation.md for why not a v5 general transaction). A local-storage claim keeps it to one
//!   submission per epoch (retried if it does not land).
//! - **Validation**, the same in the pool and in dispatch (`validation`): the signer is the
//!   provider's reporting key; the epoch has ended and can still be settled (its report window,
//!   `ReportGrace`, is open — or it closed congested and the late window is); the anchor is a
//!   recent block at or after the epoch's end; one report per provider and epoch; only GPUs
//!   registered to the provider or rented by the leases it covers; only leases that can be
//!   charged for the epoch; values within their bounds; and something to settle (a charge or
//!   audited hardware). Pool priority is what the report settles per unit of weight
//!   (`congestion`: a flood of reports must outbid honest ones, and pay the take doing so).
//! - **Settlement**: an accepted report settles each lease it covers through `LeaseSettlement`
//!   (the leases pallet); a lease it does not cover is not charged for the epoch.
//! - **Missed reports**: once an epoch can no longer be settled, anyone may `report_missed` a provider
//!   that had a lease running in it and did not report. `MissSlash` of its bond is slashed, a
//!   `MissBounty` share of it paid to the caller and the rest to `SlashBeneficiary`. After
//!   `MaxMissedEpochs` misses without a report in between, the provider is suspended (no new
//!   leases) until its next accepted report.
//! - **Disputes**: a lease's consumer may `dispute(lease, epoch)`, holding `DisputeDeposit`,
//!   before the epoch's report lands or after it (until the lease's next epoch settles; a ruling
//!   for the consumer then takes the paid charge back from the provider's bond). Raised before,
//!   the report's charge for that lease is held on the consumer instead of paid, until `DisputeOrigin`
//!   (governance, nobody else) resolves it: pay the provider and slash the consumer's deposit, or
//!   refund the consumer, return its deposit and slash the provider's bond by as much. A dispute
//!   whose epoch closed without a charge lapses, and one undecided for `DisputeTimeout` ends by
//!   the default — the report stands, and the consumer forfeits its deposit (`release_dispute`,
//!   by anyone).

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

use depin_primitives::EpochClock;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod congestion;
mod disputes;
mod funds;
mod invariants;
mod misses;
pub mod migrations;
pub mod prometheus;
mod reports;
#[cfg(test)]
mod settlement_model;
pub mod types;
mod validation;
pub mod weights;
pub mod worker;

#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{
		pallet_prelude::*,
		traits::fungible::{Inspect, Mutate, MutateHold},
	};
	use depin_primitives::{AttestationObserver, LeaseSettlement, ProviderRegistry};
	use frame_system::{offchain::CreateBare, pallet_prelude::*};
	use sp_core::sr25519;
	use sp_runtime::Perbill;

	/// Storage layout version: 2 indexes disputes raised before their report
	/// (`DisputedBeforeReport`, `migrations::v2`); 3 keeps a provider's report and miss records
	/// in its liveness instead of maps of their own (`migrations::v3`).
	pub const STORAGE_VERSION: StorageVersion = StorageVersion::new(3);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Defaults for test runtimes: `#[derive_impl(pallet_attestation::config_preludes::TestDefaultConfig)]`.
	pub mod config_preludes {
		use super::*;
		use frame_support::{
			derive_impl,
			traits::{ConstU32, ConstU64, ConstUint},
		};

		pub struct TestDefaultConfig;

		#[derive_impl(frame_system::config_preludes::TestDefaultConfig, no_aggregated_types)]
		impl frame_system::DefaultConfig for TestDefaultConfig {}

		#[frame_support::register_default_impl(TestDefaultConfig)]
		impl DefaultConfig for TestDefaultConfig {
			#[inject_runtime_type]
			type RuntimeHoldReason = ();
			type DefaultEpochLength = ConstU32<600>;
			type ReportGrace = ConstU32<5>;
			type DisputeDeposit = ConstUint<500>;
			type DisputeOrigin = frame_system::EnsureRoot<Self::AccountId>;
			type DisputeTimeout = frame_support::traits::ConstUint<100>;
			type MissSlash = ConstUint<1_000>;
			type MissBounty = TestMissBounty;
			type MaxMissedEpochs = ConstU32<3>;
			type MissLookback = ConstU32<6>;
			type MaxLeasesPerReport = ConstU32<4>;
			type MaxGpusPerReport = ConstU32<8>;
			type ReportPriority = ConstU64<{ u64::MAX / 2 }>;
			type MaxWindowExtension = ConstU32<3>;
			type MaxSampleDelayMs = ConstU64<6_000>;
			type MaxSampleGapMs = ConstU64<24_000>;
			type Observer = ();
			type Hardware = ();
			type WeightInfo = ();
		}

		frame_support::parameter_types! {
			pub const TestMissBounty: Perbill = Perbill::from_percent(20);
		}
	}

	#[pallet::config(with_default)]
	pub trait Config: frame_system::Config + CreateBare<Call<Self>> {
		/// The native token; dispute deposits are fungible holds on it.
		#[pallet::no_default]
		type Currency: Inspect<Self::AccountId>
			+ Mutate<Self::AccountId>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The runtime's hold reasons, of which the dispute deposit is one.
		#[pallet::no_default_bounds]
		type RuntimeHoldReason: From<HoldReason>;

		/// The provider registry (the providers pallet).
		#[pallet::no_default]
		type Providers: ProviderRegistry<Self::AccountId, BalanceOf<Self>>;

		/// Settles what reports attest (the leases pallet).
		#[pallet::no_default]
		type Leases: LeaseSettlement<Self::AccountId, BalanceOf<Self>>;

		/// Epoch length when genesis does not set one.
		#[pallet::constant]
		type DefaultEpochLength: Get<u32>;

		/// Blocks after an epoch's end during which it may be reported: the grace of the
		/// chain's epoch clock (capped below the epoch length).
		#[pallet::constant]
		type ReportGrace: Get<u32>;

		/// Held from a consumer for each dispute.
		#[pallet::constant]
		#[pallet::no_default_bounds]
		type DisputeDeposit: Get<BalanceOf<Self>>;

		/// Decides disputes (governance). Nobody else: not the parties, and not an auditor on
		/// its own, which could otherwise rule for a second account of itself.
		#[pallet::no_default_bounds]
		type DisputeOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Blocks after a dispute opens after which, if still undecided, anyone may end it by
		/// the default: the report stands (see `DisputeTimedOut`).
		#[pallet::constant]
		#[pallet::no_default_bounds]
		type DisputeTimeout: Get<BlockNumberFor<Self>>;

		/// Slashed from the bond of a provider for each missed report.
		#[pallet::constant]
		#[pallet::no_default_bounds]
		type MissSlash: Get<BalanceOf<Self>>;

		/// Share of a miss slash paid to whoever reported the miss.
		#[pallet::constant]
		type MissBounty: Get<Perbill>;

		/// Misses without a report in between that suspend a provider.
		#[pallet::constant]
		type MaxMissedEpochs: Get<u32>;

		/// How many epochs back a miss may still be reported.
		#[pallet::constant]
		type MissLookback: Get<u32>;

		/// Receives slashes not paid as bounties (the treasury).
		#[pallet::no_default]
		type SlashBeneficiary: Get<Self::AccountId>;

		/// Most leases one report may cover.
		#[pallet::constant]
		type MaxLeasesPerReport: Get<u32>;

		/// Most GPUs one report may list.
		#[pallet::constant]
		type MaxGpusPerReport: Get<u32>;

		/// Pool priority of usage reports (they pay no fee).
		#[pallet::constant]
		type ReportPriority: Get<TransactionPriority>;

		/// When the current block was authored (its timestamp inherent). The off-chain worker
		/// samples the hardware at a block only if the node could have seen it then.
		#[pallet::no_default]
		type BlockTime: frame_support::traits::UnixTime;

		/// How long after a block was authored (ms) the off-chain worker may still sample the
		/// hardware for it. A node importing older blocks — catching up after downtime — does
		/// not count them: a reading taken now says nothing about then.
		#[pallet::constant]
		type MaxSampleDelayMs: Get<u64>;

		/// Longest pause (ms, the node's own clock) between two blocks a node samples that still
		/// counts as watching without a break. After a longer one — the node was down or cut off
		/// — blocks authored before it came back are not sampled; a block that merely arrives
		/// late, while the node kept sampling, is.
		#[pallet::constant]
		type MaxSampleGapMs: Get<u64>;

		/// Most blocks an epoch's report window grows by: one for each of its blocks that had
		/// no room left for the largest report (the clock caps it further, so a window always
		/// closes before the next epoch ends).
		#[pallet::constant]
		type MaxWindowExtension: Get<u32>;

		/// Told of attested usage and slashes (the economics ledger).
		#[pallet::no_default_bounds]
		type Observer: AttestationObserver<Self::AccountId, BalanceOf<Self>>;

		/// GPUs whose hardware attestation the chain verified (the GPU attestation pallet): they
		/// count as verified capacity beside auditor-vouched hardware.
		type Hardware: depin_primitives::HardwareAttestations<Self::AccountId>;

		/// Weights of the calls, from the pallet's benchmarks.
		type WeightInfo: WeightInfo;
	}

	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A consumer's deposit on an open dispute.
		DisputeDeposit,
	}

	#[pallet::type_value]
	pub fn DefaultEpochLength<T: Config>() -> u32 {
		T::DefaultEpochLength::get()
	}

	/// Blocks per epoch; fixed at genesis (changing it would re-cut every epoch in flight).
	#[pallet::storage]
	pub type EpochLength<T: Config> = StorageValue<_, u32, ValueQuery, DefaultEpochLength<T>>;

	/// Each provider's reporting record, with its accepted reports and recorded misses of the
	/// last `MissLookback` epochs.
	#[pallet::storage]
	pub type ProviderLiveness<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, Liveness<BalanceOf<T>>, ValueQuery>;

	/// Blocks of each epoch's report window that had no room left for the largest report, for
	/// the last `MissLookback` epochs. They extend the window (up to `MaxWindowExtension`) and,
	/// when nearly the whole window was full, excuse the epoch's misses.
	#[pallet::storage]
	pub type FullWindowBlocks<T: Config> = StorageMap<_, Twox64Concat, EpochIndex, u32, ValueQuery>;

	/// Open disputes by lease and epoch.
	#[pallet::storage]
	pub type Disputes<T: Config> =
		StorageDoubleMap<_, Twox64Concat, LeaseId, Twox64Concat, EpochIndex, Dispute<T>>;

	/// The leases whose epoch was disputed before the provider's report of it, by provider and
	/// epoch: a report reads one list rather than a dispute slot for every lease it covers. The
	/// report takes the list; a dispute that lapses without a report leaves it.
	#[pallet::storage]
	pub type DisputedBeforeReport<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		EpochIndex,
		BoundedVec<LeaseId, T::MaxLeasesPerReport>,
		ValueQuery,
	>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Blocks per epoch; `0` keeps `DefaultEpochLength`.
		pub epoch_length: u32,
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			if self.epoch_length > 0 {
				EpochLength::<T>::put(self.epoch_length);
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A usage report was accepted and the leases it covers settled.
		ReportAccepted {
			provider: T::AccountId,
			epoch: EpochIndex,
			leases: u32,
			gpus: u32,
			attested_blocks: u32,
			charged: BalanceOf<T>,
		},
		/// `reporter` recorded that `provider` did not report `epoch`: `slashed` left its bond,
		/// `bounty` of it to the reporter.
		ReportMissed {
			provider: T::AccountId,
			epoch: EpochIndex,
			reporter: T::AccountId,
			slashed: BalanceOf<T>,
			bounty: BalanceOf<T>,
		},
		/// `provider` missed `missed_in_a_row` reports without one in between and was suspended.
		SuspendedForMisses { provider: T::AccountId, missed_in_a_row: u32 },
		/// A report lifted a suspension for missed reports.
		ReinstatedByReport { provider: T::AccountId },
		/// `consumer` disputed `epoch` of `lease`, holding `deposit`; `paid`: raised after the
		/// report, which charged and paid out this much.
		DisputeOpened {
			lease: LeaseId,
			epoch: EpochIndex,
			consumer: T::AccountId,
			deposit: BalanceOf<T>,
			paid: Option<BalanceOf<T>>,
		},
		/// The report charged a disputed epoch; the charge is held.
		DisputedChargeHeld { lease: LeaseId, epoch: EpochIndex, amount: BalanceOf<T> },
		/// Block of `epoch`'s report window had no room left for a report: `full_blocks` so far.
		/// The window grows by a block (up to `MaxWindowExtension`).
		WindowBlockFull { epoch: EpochIndex, full_blocks: u32 },
		/// A dispute ended with nothing held: its epoch's window closed without a charge.
		DisputeLapsed { lease: LeaseId, epoch: EpochIndex, refunded: BalanceOf<T> },
		/// Nobody decided the dispute within `DisputeTimeout`: the signed report stands, so what
		/// the dispute held back, `paid`, goes to the provider (a held charge less the take, or
		/// the kept share of a booked one), and the consumer's deposit, `forfeited`, goes to
		/// `SlashBeneficiary`.
		DisputeTimedOut { lease: LeaseId, epoch: EpochIndex, paid: BalanceOf<T>, forfeited: BalanceOf<T> },
		/// The dispute over `epoch` of `lease` was decided for `verdict`'s side.
		DisputeResolved {
			lease: LeaseId,
			epoch: EpochIndex,
			verdict: Verdict,
			/// What the report had charged (paid to the provider or refunded).
			held: BalanceOf<T>,
			/// Slashed from the loser: the consumer's deposit, or the provider's bond.
			penalty: BalanceOf<T>,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The provider has no reporting key, or the report's provider is unknown.
		UnknownReportingKey,
		/// The signature is not the reporting key's over the report.
		BadSignature,
		/// The epoch has not ended yet.
		FutureEpoch,
		/// The epoch's report window has closed.
		StaleEpoch,
		/// The provider's report of the epoch is on chain already.
		AlreadyReported,
		/// The anchor is not a recent block of this chain at or after the epoch's end.
		BadAnchor,
		/// A GPU in the report is not registered to the provider.
		ForeignGpu,
		/// A GPU is listed twice.
		DuplicateGpu,
		/// A lease is listed twice.
		DuplicateLease,
		/// A lease in the report cannot be charged for the epoch by this provider.
		LeaseNotChargeable,
		/// A number in the report is out of its range (percentages, blocks, memory, storage).
		ValueOutOfRange,
		/// A lease's uptime exceeds what its GPUs or storage showed.
		UptimeNotShown,
		/// The epoch's report window is still open.
		ReportWindowOpen,
		/// Too long ago to be reported as missed.
		MissTooOld,
		/// The miss is recorded already.
		MissAlreadyRecorded,
		/// The provider had no lease running in the epoch: it owed no report.
		NoReportOwed,
		/// The account is not a registered provider.
		NotRegistered,
		/// No lease has this id.
		UnknownLease,
		/// Only the lease's consumer may dispute it.
		NotConsumer,
		/// The lease's epoch is disputed already.
		AlreadyDisputed,
		/// Too late: the epoch's window closed without a report charging the lease, or the
		/// lease's next epoch has been settled since (or the report paid nothing for it).
		DisputeWindowClosed,
		/// No dispute over this lease and epoch.
		UnknownDispute,
		/// Not enough free balance for the dispute deposit.
		InsufficientBalance,
		/// The dispute was raised before the report and neither has the report's charge been
		/// held nor has the window closed without one.
		NothingToDecideYet,
		/// Nearly every block of the epoch's report window, and of the late window after it, was
		/// full: the chain itself had no room for the report, so its absence is nobody's fault.
		WindowCongested,
		/// The report charged the disputed epoch and `DisputeTimeout` has not passed since the
		/// dispute opened: only a resolution can end it yet.
		DisputeNotTimedOut,
		/// The report would charge nothing and attests no audited hardware: it would settle
		/// nothing and earn nothing, only take block space from reports that do.
		NothingToSettle,
		/// The provider's epoch already has as many disputes waiting for its report as a report
		/// can cover leases.
		TooManyDisputes,
	}

	/// Usage reports are bare extrinsics: v5 general transactions (`#[pallet::authorize]`) break
	/// the explorers' decoders (docs/attestation.md). `ValidateUnsigned` is deprecated for
	/// removal after April 2027; the checks live in `validate_report`, ready to move back behind
	/// `#[pallet::authorize]` once the tools decode v5.
	#[allow(deprecated)]
	#[pallet::validate_unsigned]
	impl<T: Config> ValidateUnsigned for Pallet<T> {
		type Call = Call<T>;

		fn validate_unsigned(_source: TransactionSource, call: &Self::Call) -> TransactionValidity {
			match call {
				Call::submit_report { report, signature } => Self::validate_report(report, signature),
				_ => InvalidTransaction::Call.into(),
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Forgets the congestion record that no miss can ask about any more, and reserves the
		/// weight of `on_finalize`.
		fn on_initialize(_block: BlockNumberFor<T>) -> Weight {
			Self::forget_old_congestion().saturating_add(T::WeightInfo::note_congestion())
		}

		/// Counts this block against the open report window if it had no room left for a
		/// report: the window grows by a block, and misses are excused if it stayed full.
		fn on_finalize(_block: BlockNumberFor<T>) {
			Self::note_congestion();
		}

		fn offchain_worker(block: BlockNumberFor<T>) {
			worker::run::<T>(block);
		}

		fn integrity_test() {
			assert!(T::DefaultEpochLength::get() > 0, "epochs must have blocks");
			// The clock caps the grace below the epoch length; a configuration it would have to
			// cap is a mistake, and the `ReportGrace` constant clients read would be wrong.
			assert!(T::ReportGrace::get() < T::DefaultEpochLength::get(), "a report window ends within the next epoch");
			assert!(T::MaxMissedEpochs::get() > 0);
			assert!(
				T::ReportGrace::get().saturating_add(T::MaxWindowExtension::get()) < T::DefaultEpochLength::get(),
				"an extended report window ends within the next epoch"
			);
			// The largest report must fit in an empty block, or every block would count as full.
			let weights = <T as frame_system::Config>::BlockWeights::get();
			let normal = weights.get(frame_support::dispatch::DispatchClass::Normal);
			assert!(
				normal.max_total.unwrap_or(weights.max_block).all_gte(Self::largest_report_weight()),
				"the largest report fits in a block"
			);
			// An epoch settled late is reported up to two epochs after it: its record must outlive
			// that, or the epoch could be reported twice.
			assert!(T::MissLookback::get() >= 2);
			// A provider's records span at most `MissLookback` epochs and the current one (a new
			// record first drops the expired ones).
			assert!(
				T::MissLookback::get().saturating_add(1) <= crate::types::MAX_RECORDED_EPOCHS,
				"Liveness::recorded holds every epoch a provider may keep a record of"
			);
			assert!(T::MaxLeasesPerReport::get() > 0 && T::MaxGpusPerReport::get() > 0);
			// `DisputedBeforeReport` has room for every lease of a provider.
			assert!(T::MaxLeasesPerReport::get() >= T::Leases::max_leases_per_provider());
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// A provider's signed usage report for the epoch that just ended; settles the leases it
		/// covers. Submitted by the provider's off-chain worker as a bare extrinsic, validated by
		/// `validate_unsigned` in the pool and again before dispatch in the block.
		#[pallet::call_index(0)]
		// Charged up front for the dearest work it could meet (every lease disputed, the most
		// audit records, a suspension to lift); `submit_report` is benchmarked as a block
		// applies the report, `pre_dispatch`'s checks (signature included) then dispatch.
		// Refunded to the work the report actually met.
		#[pallet::weight(Pallet::<T>::declared_submit_report_weight(report.leases.len() as u32, report.devices.gpus.len() as u32))]
		pub fn submit_report(
			origin: OriginFor<T>,
			report: UsageReport<T>,
			signature: sr25519::Signature,
		) -> DispatchResultWithPostInfo {
			ensure_none(origin)?;
			// `pre_dispatch` verified the signature in this same extrinsic (see `check_report`).
			let _ = signature;
			let (leases, gpus) = (report.leases.len() as u32, report.devices.gpus.len() as u32);
			let work = Self::do_submit_report(report)?;
			Ok(Some(Self::report_weight(leases, gpus, &work)).into())
		}

		/// Records that `provider` did not report `epoch` (whose window has closed) although it
		/// had a lease running; slashes it and pays the caller a bounty.
		#[pallet::call_index(1)]
		// A slash can take a departing provider's last funds, and its history goes with it.
		#[pallet::weight(T::WeightInfo::report_missed(T::Leases::max_leases_per_provider())
			.saturating_add(T::WeightInfo::forget_provider()))]
		pub fn report_missed(
			origin: OriginFor<T>,
			provider: T::AccountId,
			epoch: EpochIndex,
		) -> DispatchResultWithPostInfo {
			let reporter = ensure_signed(origin)?;
			let scanned = Self::do_report_missed(reporter, provider, epoch)?;
			Ok(Some(T::WeightInfo::report_missed(scanned)).into())
		}

		/// The consumer contests `epoch` of `lease`, holding `DisputeDeposit`: before its report
		/// lands (the report's charge will then be held until resolution), or after it, with the
		/// report's figures in view, until the lease's next epoch is settled (a ruling for the
		/// consumer then takes the charge back from the provider's bond).
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::dispute())]
		pub fn dispute(origin: OriginFor<T>, lease: LeaseId, epoch: EpochIndex) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_dispute(who, lease, epoch)
		}

		/// `DisputeOrigin` (governance) decides a dispute.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::resolve_dispute().saturating_add(T::WeightInfo::forget_provider()))]
		pub fn resolve_dispute(
			origin: OriginFor<T>,
			lease: LeaseId,
			epoch: EpochIndex,
			verdict: Verdict,
		) -> DispatchResult {
			T::DisputeOrigin::ensure_origin(origin)?;
			Self::do_resolve_dispute(lease, epoch, verdict)
		}

		/// Anyone may end a dispute nobody needs to decide: one whose epoch's window closed
		/// without a charge (the consumer's deposit goes back), or one undecided `DisputeTimeout`
		/// after it opened (the default: the provider is paid the held charge, the deposit goes
		/// back).
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::release_dispute())]
		pub fn release_dispute(origin: OriginFor<T>, lease: LeaseId, epoch: EpochIndex) -> DispatchResult {
			ensure_signed(origin)?;
			Self::do_release_dispute(lease, epoch)
		}
	}

	impl<T: Config> Pallet<T> {
		/// The chain's epoch clock: the genesis epoch length and `ReportGrace`, with the open
		/// report window extended by its full blocks (see `FullWindowBlocks`), and the epoch
		/// whose window closed congested, if it may still be settled late.
		pub fn clock() -> EpochClock {
			Self::clock_at(Self::now())
		}

		/// [`Self::clock`] as it will be at block `now`.
		pub(crate) fn clock_at(now: depin_primitives::BlockIndex) -> EpochClock {
			let base = Self::base_clock();
			let current = base.epoch_of(now);
			let clock = match current.checked_sub(1) {
				Some(previous) => Self::clock_for(base, previous),
				None => base,
			};
			// The late window of `e` ends when `e + 1`'s window closes, so only the epoch before
			// the previous one (while the previous one's window is open) or the previous one (once
			// its own window closed) can be late.
			for late in [current.checked_sub(2), current.checked_sub(1)].into_iter().flatten() {
				let candidate = clock.with_late_settlement(late);
				if candidate.is_late(late, now) && Self::window_was_congested(late) {
					return candidate;
				}
			}
			clock
		}

		/// The clock without extensions.
		pub(crate) fn base_clock() -> EpochClock {
			// Only genesis writes the length, never a zero (see `build`), and the default is
			// checked by `integrity_test`; a length of one block stands in should it be zero.
			let length = core::num::NonZeroU32::new(EpochLength::<T>::get()).unwrap_or(core::num::NonZeroU32::MIN);
			EpochClock::new(length, T::ReportGrace::get())
		}

		/// `base` with `epoch`'s window extended by its full blocks, up to the cap.
		pub(crate) fn clock_for(base: EpochClock, epoch: EpochIndex) -> EpochClock {
			let full = FullWindowBlocks::<T>::get(epoch);
			if full == 0 {
				return base;
			}
			base.with_extension(epoch, full.min(T::MaxWindowExtension::get()))
		}
	}
}

/// The chain's epoch clock as this pallet keeps it, for the leases and economics pallets'
/// `Clock`.
pub struct ClockOf<T>(core::marker::PhantomData<T>);

impl<T: Config> frame_support::traits::Get<EpochClock> for ClockOf<T> {
	fn get() -> EpochClock {
		Pallet::<T>::clock()
	}
}
