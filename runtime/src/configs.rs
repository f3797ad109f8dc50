//! Configuration of every pallet in the runtime.

use alloc::vec::Vec;

use frame_support::{
	derive_impl,
	dispatch::DispatchClass,
	parameter_types,
	traits::{
		tokens::UnityAssetBalanceConversion,
		ConstBool, ConstU128, ConstU32, ConstU64, ConstU8, EitherOf, EitherOfDiverse, Get, MapSuccess,
		VariantCountOf,
	},
	weights::{
		constants::{RocksDbWeight, WEIGHT_REF_TIME_PER_SECOND},
		IdentityFee, Weight,
	},
	PalletId,
};
use frame_system::{
	limits::{BlockLength, BlockWeights},
	EnsureRoot, EnsureRootWithSuccess,
};
use pallet_transaction_payment::{FungibleAdapter, Multiplier, TargetedFeeAdjustment};
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_runtime::{
	traits::{AccountIdConversion, Bounded, ConvertInto, OpaqueKeys, Replace},
	FixedPointNumber, Perbill, Permill, Perquintill,
};
use sp_staking::SessionIndex;
use sp_version::RuntimeVersion;

use super::{
	currency::{DPN, EXISTENTIAL_DEPOSIT, MICRO_DPN, MILLI_DPN, SS58_PREFIX},
	time::{DAYS, HOURS, SLOT_DURATION},
	AccountId, Aura, Balance, Balances, Block, BlockNumber, Council, Economics, Hash, Historical, Leases, Nonce,
	Offences, OriginCaller, PalletInfo, Runtime, RuntimeCall, RuntimeEvent, RuntimeFreezeReason,
	RuntimeHoldReason, RuntimeOrigin, RuntimeTask, Session, SessionKeys, System, Timestamp, TxExtension,
	UncheckedExtrinsic, ValidatorManager, VERSION,
};

/// A quarter of a block's weight is left for `Operational` calls (e.g. sudo recovery) even when
/// normal traffic fills the block.
const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);

/// Two seconds of compute per 6-second block: the rest of the slot is for propagation and import.
const MAXIMUM_BLOCK_WEIGHT: Weight =
	Weight::from_parts(WEIGHT_REF_TIME_PER_SECOND.saturating_mul(2), u64::MAX);

/// 5 MiB blocks.
const MAXIMUM_BLOCK_LENGTH: u32 = 5 * 1024 * 1024;

/// Hashes of this many recent blocks are kept; mortal transactions may not live longer.
pub const BLOCK_HASH_COUNT: BlockNumber = 2400;

/// The treasury's account (`pallet-treasury`): it collects transaction fees, dust, the
/// protocol's take and slashes, and the council spends from it. Fees therefore stay in total
/// issuance instead of being burned unrecorded.
pub const TREASURY_PALLET_ID: PalletId = PalletId(*b"dpn/trsy");

pub fn treasury_account() -> AccountId {
	TREASURY_PALLET_ID.into_account_truncating()
}

parameter_types! {
	pub const Version: RuntimeVersion = VERSION;
	pub const BlockHashCount: BlockNumber = BLOCK_HASH_COUNT;
	pub RuntimeBlockLength: BlockLength = BlockLength::builder()
		.max_length(MAXIMUM_BLOCK_LENGTH)
		.modify_max_length_for_class(DispatchClass::Normal, |max| {
			*max = NORMAL_DISPATCH_RATIO * *max
		})
		.build();
	pub RuntimeBlockWeights: BlockWeights =
		BlockWeights::with_sensible_defaults(MAXIMUM_BLOCK_WEIGHT, NORMAL_DISPATCH_RATIO);
	pub const SS58Prefix: u16 = SS58_PREFIX;
	pub TreasuryAccount: AccountId = treasury_account();
}

#[derive_impl(frame_system::config_preludes::SolochainDefaultConfig)]
impl frame_system::Config for Runtime {
	type Block = Block;
	type BlockWeights = RuntimeBlockWeights;
	type BlockLength = RuntimeBlockLength;
	type AccountId = AccountId;
	type Nonce = Nonce;
	type Hash = Hash;
	type BlockHashCount = BlockHashCount;
	type DbWeight = RocksDbWeight;
	type Version = Version;
	type AccountData = pallet_balances::AccountData<Balance>;
	type SystemWeightInfo = frame_system::weights::SubstrateWeight<Runtime>;
	type ExtensionsWeightInfo = frame_system::SubstrateExtensionsWeight<Runtime>;
	type SS58Prefix = SS58Prefix;
	type MaxConsumers = ConstU32<16>;
	type BaseCallFilter = crate::call_filter::NoUnrecordedIssuanceChanges;
	type SingleBlockMigrations = crate::migrations::Migrations;
}

impl pallet_timestamp::Config for Runtime {
	type Moment = u64;
	type OnTimestampSet = Aura;
	type MinimumPeriod = ConstU64<{ SLOT_DURATION / 2 }>;
	type WeightInfo = pallet_timestamp::weights::SubstrateWeight<Runtime>;
}

impl pallet_aura::Config for Runtime {
	type AuthorityId = AuraId;
	type DisabledValidators = ();
	type MaxAuthorities = ConstU32<MAX_VALIDATORS>;
	type AllowMultipleBlocksPerSlot = ConstBool<false>;
	type SlotDuration = pallet_aura::MinimumPeriodTimesTwo<Runtime>;
}

parameter_types! {
	/// How long a GRANDPA equivocation report stays valid in the pool, in blocks.
	pub const ReportLongevity: u64 = HOURS as u64;
}

impl pallet_grandpa::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = ();
	type MaxAuthorities = ConstU32<MAX_VALIDATORS>;
	// No nominators: validators are bonded accounts admitted by governance.
	type MaxNominators = ConstU32<0>;
	/// Equivocations of the last `HISTORY_DEPTH` authority sets can be reported: their sessions'
	/// key-ownership roots are kept as long (historical, pruned by the validator manager).
	type MaxSetIdSessionEntries = ConstU64<{ HISTORY_DEPTH as u64 }>;
	type KeyOwnerProof = sp_session::MembershipProof;
	type EquivocationReportSystem =
		pallet_grandpa::EquivocationReportSystem<Self, Offences, Historical, ReportLongevity>;
}

/// The block author, for GRANDPA's equivocation reports (whoever authors a report's block).
impl pallet_authorship::Config for Runtime {
	type FindAuthor = pallet_session::FindAccountFromAuthorIndex<Self, Aura>;
	type EventHandler = ();
}

/// The most validators (and Aura and GRANDPA authorities).
pub const MAX_VALIDATORS: u32 = 32;
/// Sessions whose key-ownership records and slashes are kept: a day of hourly sessions.
pub const HISTORY_DEPTH: SessionIndex = 24;

/// Sessions last the length genesis sets in the validator manager (an hour by default).
pub struct SessionLength;

impl Get<BlockNumber> for SessionLength {
	fn get() -> BlockNumber {
		pallet_validator_manager::SessionLength::<Runtime>::get().max(1)
	}
}

pub type SessionPeriods = pallet_session::PeriodicSessions<SessionLength, ConstU32<0>>;

impl pallet_session::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type ValidatorId = AccountId;
	type ValidatorIdOf = ConvertInto;
	type ShouldEndSession = SessionPeriods;
	type NextSessionRotation = SessionPeriods;
	type SessionManager = pallet_session::historical::NoteHistoricalRoot<Runtime, ValidatorSessions>;
	type SessionHandler = <SessionKeys as OpaqueKeys>::KeyTypeIdProviders;
	type Keys = SessionKeys;
	// Offenders leave at a session boundary (validator manager); Aura cannot skip a disabled
	// author's slots, so nobody is disabled mid-session.
	type DisablingStrategy = ();
	type WeightInfo = pallet_session::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	/// Held per registered key set: its storage (key owners) is not free.
	type KeyDeposit = ConstU128<DPN>;
}

/// Every validator of a session can be identified in proofs; nothing but the account is needed
/// (no exposure: bonds are read when an offence is handled).
pub struct EveryValidator;

impl sp_runtime::traits::Convert<AccountId, Option<()>> for EveryValidator {
	fn convert(_: AccountId) -> Option<()> {
		Some(())
	}
}

impl pallet_session::historical::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type FullIdentification = ();
	type FullIdentificationOf = EveryValidator;
}

/// The validator manager as session's manager (it does not depend on session itself).
pub struct ValidatorSessions;

impl pallet_session::SessionManager<AccountId> for ValidatorSessions {
	fn new_session(index: SessionIndex) -> Option<Vec<AccountId>> {
		ValidatorManager::new_session(index)
	}
	fn new_session_genesis(index: SessionIndex) -> Option<Vec<AccountId>> {
		ValidatorManager::new_session_genesis(index)
	}
	fn start_session(index: SessionIndex) {
		ValidatorManager::start_session(index)
	}
	fn end_session(index: SessionIndex) {
		ValidatorManager::end_session(index)
	}
}

impl pallet_session::historical::SessionManager<AccountId, ()> for ValidatorSessions {
	fn new_session(index: SessionIndex) -> Option<Vec<(AccountId, ())>> {
		ValidatorManager::new_session(index).map(|set| set.into_iter().map(|v| (v, ())).collect())
	}
	fn new_session_genesis(index: SessionIndex) -> Option<Vec<(AccountId, ())>> {
		ValidatorManager::new_session_genesis(index).map(|set| set.into_iter().map(|v| (v, ())).collect())
	}
	fn start_session(index: SessionIndex) {
		ValidatorManager::start_session(index)
	}
	fn end_session(index: SessionIndex) {
		ValidatorManager::end_session(index)
	}
}

pub struct PruneHistorical;

impl pallet_validator_manager::PruneSessionHistory for PruneHistorical {
	fn prune_up_to(index: SessionIndex) {
		pallet_session::historical::Pallet::<Runtime>::prune_up_to(index)
	}
}

impl pallet_offences::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type IdentificationTuple = pallet_session::historical::IdentificationTuple<Self>;
	type OnOffenceHandler = ValidatorManager;
}

parameter_types! {
	/// A validator's stake: a hundred provider bonds. A double vote endangers every payment's
	/// finality, so it must cost more than any provider misbehaviour.
	pub const MinValidatorBond: Balance = 10_000 * DPN;
}

impl pallet_validator_manager::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type GovernanceOrigin = RootOrCouncil;
	type KeysRegistered = Session;
	type SessionHistory = PruneHistorical;
	type SlashBeneficiary = TreasuryAccount;
	type MinValidatorBond = MinValidatorBond;
	/// The development chain runs one validator; governance keeps real networks larger.
	type MinValidators = ConstU32<1>;
	type MaxValidators = ConstU32<MAX_VALIDATORS>;
	type BondingSessions = ConstU32<{ HISTORY_DEPTH + 4 }>;
	type HistoryDepth = ConstU32<HISTORY_DEPTH>;
	type DefaultSessionLength = ConstU32<HOURS>;
	type WeightInfo = pallet_validator_manager::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = crate::benchmarks::SessionKeysHelper;
}

/// The council: a collective whose two thirds act for the chain (see `RootOrCouncil`).
pub type CouncilCollective = pallet_collective::Instance1;
pub type CouncilMembershipInstance = pallet_membership::Instance1;

/// Two thirds of the council.
pub type CouncilTwoThirds = pallet_collective::EnsureProportionAtLeast<AccountId, CouncilCollective, 2, 3>;
/// Governance: two thirds of the council, or root (which only the council reaches, through
/// `Governance.dispatch_as_root`, and the development chain's sudo key).
pub type RootOrCouncil = EitherOfDiverse<EnsureRoot<AccountId>, CouncilTwoThirds>;

parameter_types! {
	pub MaxProposalWeight: Weight = Perbill::from_percent(50) * RuntimeBlockWeights::get().max_block;
}

impl pallet_collective::Config<CouncilCollective> for Runtime {
	type RuntimeOrigin = RuntimeOrigin;
	type Proposal = RuntimeCall;
	type RuntimeEvent = RuntimeEvent;
	/// Three days to vote; a motion with enough ayes may be closed as soon as it has them.
	type MotionDuration = ConstU32<{ 3 * DAYS }>;
	type MaxProposals = ConstU32<100>;
	type MaxMembers = ConstU32<COUNCIL_MAX_MEMBERS>;
	type DefaultVote = pallet_collective::PrimeDefaultVote;
	type WeightInfo = pallet_collective::weights::SubstrateWeight<Runtime>;
	// Membership drives the members; nothing else sets them.
	type SetMembersOrigin = EnsureRoot<AccountId>;
	type MaxProposalWeight = MaxProposalWeight;
	type DisapproveOrigin = RootOrCouncil;
	type KillOrigin = RootOrCouncil;
	// Only members propose; no deposit needed to keep strangers out.
	type Consideration = ();
}

pub const COUNCIL_MAX_MEMBERS: u32 = 16;

impl pallet_membership::Config<CouncilMembershipInstance> for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type AddOrigin = RootOrCouncil;
	type RemoveOrigin = RootOrCouncil;
	type SwapOrigin = RootOrCouncil;
	type ResetOrigin = RootOrCouncil;
	type PrimeOrigin = RootOrCouncil;
	type MembershipInitialized = Council;
	type MembershipChanged = Council;
	type MaxMembers = ConstU32<COUNCIL_MAX_MEMBERS>;
	type WeightInfo = pallet_membership::weights::SubstrateWeight<Runtime>;
}

impl pallet_governance::Config for Runtime {
	type RuntimeCall = RuntimeCall;
	type RootOrigin = CouncilTwoThirds;
	type WeightInfo = pallet_governance::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	pub const TreasuryPalletId: PalletId = TREASURY_PALLET_ID;
	/// The most one council motion may spend; larger spends take several motions.
	pub const CouncilSpendLimit: Balance = 1_000_000 * DPN;
	pub const MaxBalance: Balance = Balance::MAX;
	/// Nothing of the treasury is burned: the economics ledger records every burn.
	pub const TreasuryBurn: Permill = Permill::zero();
}

impl pallet_treasury::Config for Runtime {
	type Currency = Balances;
	type RejectOrigin = RootOrCouncil;
	type RuntimeEvent = RuntimeEvent;
	type SpendPeriod = ConstU32<{ 6 * DAYS }>;
	type Burn = TreasuryBurn;
	type PalletId = TreasuryPalletId;
	type BurnDestination = ();
	type WeightInfo = pallet_treasury::weights::SubstrateWeight<Runtime>;
	type SpendFunds = ();
	type MaxApprovals = ConstU32<100>;
	type SpendOrigin = EitherOf<
		EnsureRootWithSuccess<AccountId, MaxBalance>,
		MapSuccess<CouncilTwoThirds, Replace<CouncilSpendLimit>>,
	>;
	type AssetKind = ();
	type Beneficiary = AccountId;
	type BeneficiaryLookup = sp_runtime::traits::IdentityLookup<AccountId>;
	// Keeps the existential deposit: a reaped treasury could not take the next small fee.
	type Paymaster = crate::treasury::PayFromTreasury;
	type BalanceConverter = UnityAssetBalanceConversion;
	type PayoutPeriod = ConstU32<{ 30 * DAYS }>;
	type BlockNumberProvider = System;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ();
}

impl pallet_balances::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type WeightInfo = pallet_balances::weights::SubstrateWeight<Runtime>;
	type Balance = Balance;
	type DustRemoval = crate::treasury::ToTreasuryOrRecordedBurn;
	type ExistentialDeposit = ConstU128<EXISTENTIAL_DEPOSIT>;
	type AccountStore = System;
	type ReserveIdentifier = [u8; 8];
	type FreezeIdentifier = RuntimeFreezeReason;
	type MaxLocks = ConstU32<50>;
	// Bonds and escrow use holds, never reserves.
	type MaxReserves = ConstU32<0>;
	type MaxFreezes = VariantCountOf<RuntimeFreezeReason>;
	type DoneSlashHandler = ();
}

parameter_types! {
	/// Fee per byte of an extrinsic: what it costs the network to gossip and store it.
	pub const TransactionByteFee: Balance = MICRO_DPN;
	/// Fees rise when blocks are more than a quarter full and fall back when they are not.
	pub const TargetBlockFullness: Perquintill = Perquintill::from_percent(25);
	pub AdjustmentVariable: Multiplier = Multiplier::saturating_from_rational(3, 100_000);
	/// Fees never drop below the nominal weight and length fee.
	pub MinimumMultiplier: Multiplier = Multiplier::saturating_from_integer(1);
	pub MaximumMultiplier: Multiplier = Bounded::max_value();
}

impl pallet_transaction_payment::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type OnChargeTransaction = FungibleAdapter<Balances, crate::treasury::ToTreasuryOrRecordedBurn>;
	type OperationalFeeMultiplier = ConstU8<5>;
	type WeightToFee = IdentityFee<Balance>;
	type LengthToFee = frame_support::weights::ConstantMultiplier<Balance, TransactionByteFee>;
	type FeeMultiplierUpdate = TargetedFeeAdjustment<
		Self,
		TargetBlockFullness,
		AdjustmentVariable,
		MinimumMultiplier,
		MaximumMultiplier,
	>;
	type WeightInfo = pallet_transaction_payment::weights::SubstrateWeight<Runtime>;
}

impl pallet_sudo::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type WeightInfo = pallet_sudo::weights::SubstrateWeight<Runtime>;
}

impl pallet_utility::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type PalletsOrigin = OriginCaller;
	type WeightInfo = pallet_utility::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// What a provider must put at stake to take leases.
	pub const MinProviderBond: Balance = 100 * DPN;
	/// A week: long enough for a missed report or a dispute about the last leases to be
	/// acted on before the bond leaves.
	pub const ProviderUnbondingPeriod: BlockNumber = 7 * DAYS;
	pub const AuditorBond: Balance = 1_000 * DPN;
}

impl pallet_providers::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type AuditorOrigin = RootOrCouncil;
	type SlashBeneficiary = TreasuryAccount;
	type Commitments = Leases;
	// Both forget what they keep about a provider when its record goes.
	type Observer = (crate::Attestation, (crate::Economics, crate::GpuAttestation));
	type Clock = Clock;
	type MinProviderBond = MinProviderBond;
	type UnbondingPeriod = ProviderUnbondingPeriod;
	type MaxMetadataLen = ConstU32<256>;
	type MaxGpusPerProvider = ConstU32<64>;
	/// A pebibyte per provider account: far above one machine, far below what would let a
	/// declared capacity inflate anything (a larger operator registers more bonded accounts).
	type MaxStorageBytes = ConstU64<{ 1 << 50 }>;
	type MaxCpuCores = ConstU32<4_096>;
	/// Each auditor's audit of a provider is read by every report of it (its audited capacity):
	/// eight bound that cost (docs/performance.md) and are plenty for a young network; raising it
	/// is a runtime upgrade.
	type MaxAuditors = ConstU32<8>;
	/// Ten provider bonds: an auditor's word decides which hardware earns capacity emission.
	type AuditorBond = AuditorBond;
	type MaxAttributes = ConstU32<16>;
	type WeightInfo = pallet_providers::weights::SubstrateWeight<Runtime>;
}

/// The chain's one epoch clock: epochs of the genesis length (an hour in production, like the
/// prices; shorter on the dev chain) with `ReportGrace`, kept by attestation and shared by
/// leases and economics.
pub type Clock = pallet_attestation::ClockOf<Runtime>;

/// How long after an epoch its usage report may land: a sixth of the epoch (ten minutes of an
/// hour), at least five blocks so a report survives a missed slot or two, and always shorter
/// than the epoch (at most one epoch awaits settlement; the clock holds to that too, and this
/// keeps the `reportGrace` constant clients read equal to what the clock uses).
pub struct ReportGrace;

impl Get<u32> for ReportGrace {
	fn get() -> u32 {
		let length = pallet_attestation::EpochLength::<Runtime>::get();
		(length / 6).max(5).min(length.saturating_sub(1))
	}
}

parameter_types! {
	pub const BlocksPerHour: u32 = HOURS;
	/// A lease's deposit covers at least three hours.
	pub const MinLeaseEpochs: u32 = 3;
	/// The protocol's share of every payment to a provider.
	pub const LeaseTakeRate: sp_runtime::Perbill = sp_runtime::Perbill::from_percent(5);
	pub TakeBeneficiary: Option<AccountId> = Some(treasury_account());
	pub const OrderTtl: BlockNumber = HOURS;
	/// An epoch of any lease costs at least ten transfer fees (a transfer costs about a
	/// thousandth of a DPN): metering cheaper service costs the chain more than it earns, and
	/// it bounds how cheaply a wash trader can generate settlements.
	pub const MinEpochCharge: Balance = 10 * MILLI_DPN;
	/// Held per standing bid. Keeping the 32 bid slots of `n` orders full ties up 32·n DPN of
	/// these plus 32 bonded providers (3,200 DPN), and every bidder a consumer rejects must be
	/// replaced by another bonded provider.
	pub const BidDeposit: Balance = DPN;
}

impl pallet_leases::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Providers = pallet_providers::Pallet<Runtime>;
	type Clock = Clock;
	type Hardware = crate::GpuAttestation;
	type BlocksPerHour = BlocksPerHour;
	type MinLeaseEpochs = MinLeaseEpochs;
	type TakeRate = LeaseTakeRate;
	type TakeBeneficiary = TakeBeneficiary;
	type OrderTtl = OrderTtl;
	type MinEpochCharge = MinEpochCharge;
	type MaxGpusPerLease = ConstU32<16>;
	/// The most a provider may declare (a pebibyte) and a machine's worth of cores.
	type MaxStorageGibPerLease = ConstU32<{ 1 << 20 }>;
	type MaxCpuCoresPerLease = ConstU32<4_096>;
	type MaxLeasesPerProvider = ConstU32<256>;
	type MaxLeasesPerConsumer = ConstU32<64>;
	type MaxBidsPerOrder = ConstU32<32>;
	type BidDeposit = BidDeposit;
	type Observer = Economics;
	type WeightInfo = pallet_leases::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// Held from a consumer per dispute: enough to make frivolous disputes cost something.
	pub const DisputeDeposit: Balance = 10 * DPN;
	/// Three days for governance to decide a dispute; then the report stands. Shorter than a
	/// provider's unbonding by more than the post-report dispute window (about an epoch), so a
	/// provider that leaves right after its last report is still bonded when its disputes end.
	pub const DisputeTimeout: BlockNumber = 3 * DAYS;
	/// Slashed from a provider's bond per missed report (1% of the minimum bond).
	pub const MissSlash: Balance = DPN;
	/// The share of a miss slash paid to whoever reported the miss.
	pub const MissBounty: Perbill = Perbill::from_percent(20);
	/// Usage reports pay no fee; they go ahead of ordinary transactions.
	pub const ReportPriority: sp_runtime::transaction_validity::TransactionPriority =
		sp_runtime::transaction_validity::TransactionPriority::MAX / 2;
}

impl pallet_attestation::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Providers = pallet_providers::Pallet<Runtime>;
	type Leases = Leases;
	type DefaultEpochLength = ConstU32<HOURS>;
	type ReportGrace = ReportGrace;
	type DisputeDeposit = DisputeDeposit;

	// Only governance decides disputes.
	type DisputeOrigin = RootOrCouncil;
	type DisputeTimeout = DisputeTimeout;
	type MissSlash = MissSlash;
	type MissBounty = MissBounty;
	/// Three misses without a report in between suspend a provider.
	type MaxMissedEpochs = ConstU32<3>;
	/// A day of hourly epochs.
	type MissLookback = ConstU32<24>;
	type SlashBeneficiary = TreasuryAccount;
	// A report can cover every lease a provider can have and list every GPU it can register.
	type MaxLeasesPerReport = ConstU32<256>;
	type MaxGpusPerReport = ConstU32<64>;
	type ReportPriority = ReportPriority;
	/// A window full from its first block doubles (100 more blocks of an hour's epoch; the clock
	/// caps it below the epoch); if it stays full, the epoch may be settled late.
	type MaxWindowExtension = ReportGrace;
	type BlockTime = Timestamp;
	/// After a break in a node's sampling, only blocks authored within a slot of its return are
	/// sampled: the ones before it were not seen live.
	type MaxSampleDelayMs = ConstU64<SLOT_DURATION>;
	// Four slots: a block up to three slots late, among blocks a node keeps importing, is sampled.
	type MaxSampleGapMs = ConstU64<{ 4 * SLOT_DURATION }>;
	type Observer = Economics;
	type Hardware = crate::GpuAttestation;
	type WeightInfo = pallet_attestation::weights::SubstrateWeight<Runtime>;
}

impl pallet_gpu_attestation::Config for Runtime {
	type ProviderBalance = Balance;
	type Providers = pallet_providers::Pallet<Runtime>;
	type Clock = Clock;
	/// Roots, revocations and identity moves are governance's, as auditors and evictions are.
	type AdminOrigin = RootOrCouncil;
	/// NVIDIA's device root, a successor when NVIDIA rotates it, and a test root on test chains.
	type MaxRoots = ConstU32<4>;
	/// A day of hourly epochs: the node renews each GPU's attestation in its last epoch.
	type ValidityEpochs = ConstU32<24>;
	/// Six verifications (57.5 ms of weight each, benchmarked in Wasm) fit in a quarter of a
	/// block's normal weight, which `integrity_test` checks: 86,400 attestations a day, so up to
	/// ~86,000 GPUs renewing daily. Aethir's 435,000 would need five-day validity or a P-384 host
	/// function (docs/performance.md).
	type MaxAttestationsPerBlock = ConstU32<6>;
	// The registry's bound, so checking every GPU a provider lists is weighed for what it can list.
	type MaxGpusPerProvider = <Runtime as pallet_providers::Config>::MaxGpusPerProvider;
	/// As a usage report's base priority: reports that settle more outbid both.
	type AttestationPriority = ReportPriority;
	type WeightInfo = pallet_gpu_attestation::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	pub ExpiredRewardsTo: Option<AccountId> = Some(treasury_account());
}

impl pallet_economics::Config for Runtime {
	type Currency = Balances;
	type Clock = Clock;
	type GovernanceOrigin = RootOrCouncil;
	/// One block of an audited GPU is worth as much capacity work as 1,000 audited GiB-blocks.
	type GpuBlockWork = ConstU128<1_000>;
	type StorageGibBlockWork = ConstU128<1>;
	/// Thirty days of hourly epochs to claim emission.
	type RewardExpiry = ConstU32<{ 30 * 24 }>;
	type ExpiredRewardsTo = ExpiredRewardsTo;
	/// Up to a week of hourly epochs of trailing revenue.
	type MaxTrailingEpochs = ConstU32<{ 7 * 24 }>;
	type MaxClaimEpochs = ConstU32<24>;
	type MaxProvidersPerEpoch = ConstU32<1_000>;
	type WeightInfo = pallet_economics::weights::SubstrateWeight<Runtime>;
}

impl<C> frame_system::offchain::CreateTransactionBase<C> for Runtime
where
	RuntimeCall: From<C>,
{
	type Extrinsic = UncheckedExtrinsic;
	type RuntimeCall = RuntimeCall;
}

impl<C> frame_system::offchain::CreateTransaction<C> for Runtime
where
	RuntimeCall: From<C>,
{
	type Extension = TxExtension;

	fn create_transaction(call: RuntimeCall, extension: TxExtension) -> UncheckedExtrinsic {
		UncheckedExtrinsic::new_transaction(call, extension)
	}
}

/// Off-chain workers submit usage reports as bare v4 extrinsics, which the attestation pallet
/// validates itself (`ValidateUnsigned`): the form every explorer's decoder reads.
impl<C> frame_system::offchain::CreateBare<C> for Runtime
where
	RuntimeCall: From<C>,
{
	fn create_bare(call: RuntimeCall) -> UncheckedExtrinsic {
		UncheckedExtrinsic::new_bare_legacy(call)
	}
}

// A dispute must end while the disputed provider is still bonded (see `DisputeTimeout`): it may
// be raised until the epoch after the disputed one can no longer be settled (a late window
// included), three epochs of an hour at most.
const _: () = assert!(
	DisputeTimeout::get() + 3 * HOURS < ProviderUnbondingPeriod::get(),
	"disputes end within a provider's unbonding period"
);
