//! Configuration of every pallet in the runtime.

use frame_support::{
	derive_impl,
	dispatch::DispatchClass,
	parameter_types,
	traits::{
		tokens::imbalance::ResolveTo, ConstBool, ConstU128, ConstU32, ConstU64, ConstU8, Get, VariantCountOf,
	},
	weights::{
		constants::{RocksDbWeight, WEIGHT_REF_TIME_PER_SECOND},
		IdentityFee, Weight,
	},
	PalletId,
};
use frame_system::limits::{BlockLength, BlockWeights};
use pallet_transaction_payment::{FungibleAdapter, Multiplier, TargetedFeeAdjustment};
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_runtime::{
	traits::{AccountIdConversion, Bounded},
	FixedPointNumber, Perbill, Perquintill,
};
use sp_version::RuntimeVersion;

use super::{
	currency::{DPN, EXISTENTIAL_DEPOSIT, MICRO_DPN, MILLI_DPN, SS58_PREFIX},
	time::{DAYS, HOURS, SLOT_DURATION},
	AccountId, Aura, Balance, Balances, Block, BlockNumber, Hash, Leases, Nonce, OriginCaller, PalletInfo,
	Runtime, RuntimeCall, RuntimeEvent, RuntimeFreezeReason, RuntimeHoldReason, RuntimeOrigin,
	Economics, RuntimeTask, System, TxExtension, UncheckedExtrinsic, VERSION,
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

/// The account that collects transaction fees and dust until on-chain governance of the
/// treasury exists. Fees therefore stay in total issuance instead of being burned unrecorded.
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
	type MaxAuthorities = ConstU32<32>;
	type AllowMultipleBlocksPerSlot = ConstBool<false>;
	type SlotDuration = pallet_aura::MinimumPeriodTimesTwo<Runtime>;
}

impl pallet_grandpa::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	// The pallet's own default weights; its only signed call (equivocation reports) is disabled.
	type WeightInfo = ();
	type MaxAuthorities = ConstU32<32>;
	// No staking: equivocation reports cannot be tied to a session, so none are accepted.
	type MaxNominators = ConstU32<0>;
	type MaxSetIdSessionEntries = ConstU64<0>;
	type KeyOwnerProof = sp_core::Void;
	type EquivocationReportSystem = ();
}

impl pallet_balances::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type WeightInfo = pallet_balances::weights::SubstrateWeight<Runtime>;
	type Balance = Balance;
	type DustRemoval = ResolveTo<TreasuryAccount, Balances>;
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
	type OnChargeTransaction = FungibleAdapter<Balances, ResolveTo<TreasuryAccount, Balances>>;
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
	// Governance is sudo until a council exists.
	type AuditorOrigin = frame_system::EnsureRoot<AccountId>;
	type SlashBeneficiary = TreasuryAccount;
	type Commitments = Leases;
	type Observer = crate::Attestation;
	type MinProviderBond = MinProviderBond;
	type UnbondingPeriod = ProviderUnbondingPeriod;
	type MaxMetadataLen = ConstU32<256>;
	type MaxGpusPerProvider = ConstU32<64>;
	/// A pebibyte per provider account: far above one machine, far below what would let a
	/// declared capacity inflate anything (a larger operator registers more bonded accounts).
	type MaxStorageBytes = ConstU64<{ 1 << 50 }>;
	type MaxCpuCores = ConstU32<4_096>;
	type MaxAuditors = ConstU32<32>;
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

	// Governance is sudo until a council exists. Only governance decides disputes.
	type DisputeOrigin = frame_system::EnsureRoot<AccountId>;
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
	/// caps it below the epoch) before misses are excused.
	type MaxWindowExtension = ReportGrace;
	type Observer = Economics;
	type WeightInfo = pallet_attestation::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	pub ExpiredRewardsTo: Option<AccountId> = Some(treasury_account());
}

impl pallet_economics::Config for Runtime {
	type Currency = Balances;
	type Clock = Clock;
	// Governance is sudo until a council exists.
	type GovernanceOrigin = frame_system::EnsureRoot<AccountId>;
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

// A dispute must end while the disputed provider is still bonded (see `DisputeTimeout`).
const _: () = assert!(
	DisputeTimeout::get() + 2 * HOURS < ProviderUnbondingPeriod::get(),
	"disputes end within a provider's unbonding period"
);
