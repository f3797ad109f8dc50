//! # Leases
//!
//! Consumers rent providers' GPUs, storage and CPU against escrow.
//!
//! Two ways in:
//! - **Orders**: `create_order` (resources, minimum VRAM, region, required auditor, maximum
//!   hourly price, deposit) → providers `bid` → the consumer `accept_bid`. Unaccepted orders can be
//!   cancelled, and expire after `OrderTtl` (then anyone may `expire_order`).
//! - **Rent**: `rent(provider, resources, deposit)` at the provider's listed prices.
//!
//! The deposit is held on the consumer (`LeaseEscrow`) and must cover `MinLeaseEpochs` epochs;
//! `top_up` adds to it. A provider never leases more GPUs, storage or cores than it has.
//!
//! **Payment only for attested usage.** A lease's price accrues per block, but a charge is made
//! only when the attestation pallet settles an epoch the provider attested
//! (`LeaseSettlement::settle_epoch`, once per report). The report moves no money: it books each
//! lease's charge on the lease (still on the consumer's escrow hold), contestable for an epoch;
//! then `claim_earnings` (anyone's, for the provider) pays every matured charge of the
//! provider's leases at once (`claims`). Unattested epochs cost nothing. `TakeRate` of each
//! charge is the protocol's, sent to `TakeBeneficiary` or burned (and recorded in
//! `TotalBurned`). A consumer disputing a charge within its window has its share kept on the
//! consumer's dispute hold for the ruling, so no provider spends contested charges before one.
//!
//! **Closing**, with a [`CloseReason`]: by the consumer or the provider (`close_lease`), and by
//! anyone (`close_stale`) when the escrow cannot cover what is accrued plus the next epoch, or the
//! provider was suspended or left. Unspent escrow returns to the consumer to the planck, except
//! the cost of the service still reportable: the unfinished epoch the lease closed in and, within
//! `ReportGrace`, the epoch before it. That part is retained until those epochs are settled or
//! their report windows close (`release_retained`), so closing never dodges paying for service
//! the provider goes on to attest.
//!
//! **Per-block cost does not depend on the number of leases**: there are no hooks. Settlement
//! happens in the calls that touch a lease; time-driven cases (order expiry, exhausted escrow,
//! retained escrow) are permissionless calls.
//!
//! Epochs and report windows come from the chain's one `EpochClock` (`Config::Clock`), the same
//! the attestation and economics pallets ask. The pallet answers the other pallets through
//! `LeaseSettlement` and `Commitments` and tells the ledger through `LeaseObserver`, all traits
//! of `depin-primitives`.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod claims;
mod commitments;
mod earnings;
mod escrow;
mod invariants;
mod leasing;
pub mod migrations;
pub mod money;
mod orders;
mod settlement;
pub mod types;
pub mod weights;

#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{
		pallet_prelude::*,
		traits::fungible::{hold::Balanced as BalancedHold, Balanced, Inspect, InspectHold, Mutate, MutateHold},
	};
	use depin_primitives::{
		Commitment, EpochClock, EpochIndex, HardwareAttestations, LeaseId, LeaseObserver, ProviderRegistry, Region,
	};
	use frame_system::pallet_prelude::*;
	use sp_core::H256;
	use sp_runtime::Perbill;

	/// Storage layout version. 2: leases remember their recent paid charges (`paid_charges`)
	/// and no empty list or commitment is stored (migrations::v2). 4: reports book charges on
	/// the lease (`unclaimed`, `contestable`), claims pay them (migrations::v4).
	pub const STORAGE_VERSION: StorageVersion = StorageVersion::new(4);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Defaults for test runtimes: `#[derive_impl(pallet_leases::config_preludes::TestDefaultConfig)]`.
	pub mod config_preludes {
		use super::*;
		use depin_primitives::ConstClock;
		use frame_support::{
			derive_impl,
			traits::{ConstU32, ConstUint},
		};

		pub struct TestDefaultConfig;

		#[derive_impl(frame_system::config_preludes::TestDefaultConfig, no_aggregated_types)]
		impl frame_system::DefaultConfig for TestDefaultConfig {}

		#[frame_support::register_default_impl(TestDefaultConfig)]
		impl DefaultConfig for TestDefaultConfig {
			#[inject_runtime_type]
			type RuntimeHoldReason = ();
			/// Ten-block epochs reportable for five blocks after they end.
			type Clock = ConstClock<10, 5>;
			type Hardware = ();
			/// Ten-block epochs are a sixtieth of an hour.
			type BlocksPerHour = ConstU32<600>;
			type MinLeaseEpochs = ConstU32<3>;
			type TakeRate = TestTakeRate;
			type TakeBeneficiary = frame_support::traits::GetDefault;
			type OrderTtl = ConstUint<20>;
			type MinEpochCharge = ConstUint<1>;
			type MaxGpusPerLease = ConstU32<4>;
			type MaxStorageGibPerLease = ConstU32<{ 1 << 20 }>;
			type MaxCpuCoresPerLease = ConstU32<1_024>;
			type MaxLeasesPerProvider = ConstU32<4>;
			type MaxLeasesPerConsumer = ConstU32<4>;
			type MaxBidsPerOrder = ConstU32<3>;
			type BidDeposit = ConstUint<10>;
			type Observer = ();
			type WeightInfo = ();
		}

		frame_support::parameter_types! {
			pub const TestTakeRate: Perbill = Perbill::from_percent(5);
		}
	}

	#[pallet::config(with_default)]
	pub trait Config: frame_system::Config {
		/// The native token; escrow and disputed payments are fungible holds on it.
		#[pallet::no_default]
		type Currency: Inspect<Self::AccountId>
			+ Mutate<Self::AccountId>
			+ InspectHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			// A claim takes each lease's charges off its consumer's hold as a credit and pays
			// the provider and the take once per claim.
			+ Balanced<Self::AccountId>
			+ BalancedHold<Self::AccountId>;

		/// The runtime's hold reasons, of which escrow is one.
		#[pallet::no_default_bounds]
		type RuntimeHoldReason: From<HoldReason>;

		/// The provider registry (the providers pallet).
		#[pallet::no_default]
		type Providers: ProviderRegistry<Self::AccountId, BalanceOf<Self>>;

		/// The chain's epoch clock, shared with attestation and economics.
		type Clock: Get<EpochClock>;

		/// GPUs whose hardware attestation the chain verified (the GPU attestation pallet), for
		/// requests that take only those.
		type Hardware: depin_primitives::HardwareAttestations<Self::AccountId>;

		/// Blocks per hour, to turn hourly prices into per-block accrual.
		#[pallet::constant]
		type BlocksPerHour: Get<u32>;

		/// A deposit must cover at least this many epochs.
		#[pallet::constant]
		type MinLeaseEpochs: Get<u32>;

		/// Protocol share of every payment.
		#[pallet::constant]
		type TakeRate: Get<Perbill>;

		/// Receives the take; `None` burns it (recorded in `TotalBurned`).
		#[pallet::no_default_bounds]
		type TakeBeneficiary: Get<Option<Self::AccountId>>;

		/// Blocks an order stays open for bids.
		#[pallet::constant]
		#[pallet::no_default_bounds]
		type OrderTtl: Get<BlockNumberFor<Self>>;

		/// The least one epoch of a lease may cost. Below it a lease is not worth metering, and
		/// it is what a wash trader renting from itself pays the protocol least for.
		#[pallet::constant]
		#[pallet::no_default_bounds]
		type MinEpochCharge: Get<BalanceOf<Self>>;

		/// Most GPUs one lease may rent.
		#[pallet::constant]
		type MaxGpusPerLease: Get<u32>;

		/// Most storage one lease or order may ask for, in GiB.
		#[pallet::constant]
		type MaxStorageGibPerLease: Get<u32>;

		/// Most CPU cores one lease or order may ask for.
		#[pallet::constant]
		type MaxCpuCoresPerLease: Get<u32>;

		/// Bounds the leases (open or with retained escrow) of one provider.
		#[pallet::constant]
		type MaxLeasesPerProvider: Get<u32>;

		/// Bounds the leases (open or with retained escrow) and orders of one consumer.
		#[pallet::constant]
		type MaxLeasesPerConsumer: Get<u32>;

		/// Most providers bidding on one order at once; also the most bidders its consumer may
		/// reject.
		#[pallet::constant]
		type MaxBidsPerOrder: Get<u32>;

		/// Held from a provider for each bid it has standing: released when the bid is withdrawn,
		/// accepted or the order ends, forfeited to the treasury when the consumer rejects it.
		/// Filling the bid lists of `n` orders ties up `n × MaxBidsPerOrder` of these besides the
		/// bidders' bonds, and each rejected bid costs one.
		#[pallet::constant]
		#[pallet::no_default_bounds]
		type BidDeposit: Get<BalanceOf<Self>>;

		/// Told of openings, closings and payments (the economics ledger).
		#[pallet::no_default_bounds]
		type Observer: LeaseObserver<Self::AccountId, BalanceOf<Self>>;

		/// Weights of the calls, from the pallet's benchmarks.
		type WeightInfo: WeightInfo;
	}

	#[pallet::composite_enum]
	pub enum HoldReason {
		/// Escrow of a consumer's orders and leases.
		LeaseEscrow,
		/// Payments for disputed epochs, until the dispute is resolved.
		LeaseDispute,
		/// A provider's deposit for each bid it has standing.
		BidDeposit,
		/// A provider's share of charges paid before storage v4, locked while consumers may still
		/// contest them (draining: charges are booked and claimed since).
		ProviderEarnings,
	}

	#[pallet::storage]
	pub type NextLeaseId<T: Config> = StorageValue<_, LeaseId, ValueQuery>;

	#[pallet::storage]
	pub type NextOrderId<T: Config> = StorageValue<_, OrderId, ValueQuery>;

	/// Every lease, open or closed (closed ones are the settlement record).
	#[pallet::storage]
	pub type Leases<T: Config> = StorageMap<_, Twox64Concat, LeaseId, Lease<T>>;

	/// Leases of each provider that can still be charged or claimed: open, or closed with escrow
	/// retained for a last epoch or charges booked and not claimed yet.
	#[pallet::storage]
	pub type ProviderLeases<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, BoundedVec<LeaseId, T::MaxLeasesPerProvider>, ValueQuery>;

	/// Leases of each consumer that hold escrow (open, or closed with escrow retained or charges
	/// booked and not claimed yet).
	#[pallet::storage]
	pub type ConsumerLeases<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, BoundedVec<LeaseId, T::MaxLeasesPerConsumer>, ValueQuery>;

	/// Which open lease a GPU is rented to.
	#[pallet::storage]
	pub type LeasedGpu<T: Config> = StorageMap<_, Blake2_128Concat, H256, LeaseId>;

	/// What each provider has committed to open leases (stored under its first name,
	/// `Committed`, so its keys never moved).
	#[pallet::storage]
	#[pallet::storage_prefix = "Committed"]
	pub type Commitments<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, Commitment, ValueQuery>;

	#[pallet::storage]
	pub type Orders<T: Config> = StorageMap<_, Twox64Concat, OrderId, Order<T>>;

	/// Open orders of each consumer.
	#[pallet::storage]
	pub type ConsumerOrders<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, BoundedVec<OrderId, T::MaxLeasesPerConsumer>, ValueQuery>;

	/// Bids on an order: hourly price by provider.
	#[pallet::storage]
	pub type Bids<T: Config> =
		StorageDoubleMap<_, Twox64Concat, OrderId, Blake2_128Concat, T::AccountId, BalanceOf<T>>;

	/// Charges of disputed epochs, held on the consumer until the dispute is resolved.
	#[pallet::storage]
	pub type HeldPayments<T: Config> =
		StorageDoubleMap<_, Twox64Concat, LeaseId, Twox64Concat, EpochIndex, BalanceOf<T>>;

	/// Each provider's share of its charges for an epoch paid before storage v4, locked
	/// (`ProviderEarnings`) for an epoch after the report landed: until then consumers may
	/// contest them. Draining: reports book charges since.
	#[pallet::storage]
	pub type LockedEarnings<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		EpochIndex,
		LockedShare<BalanceOf<T>, BlockNumberFor<T>>,
	>;

	/// The provider's share of a booked charge its consumer contested within the contest window,
	/// by lease and epoch: held on the consumer (`LeaseDispute`) until the ruling.
	#[pallet::storage]
	pub type ContestedCharges<T: Config> =
		StorageDoubleMap<_, Twox64Concat, LeaseId, Twox64Concat, EpochIndex, BalanceOf<T>>;

	/// A lease's share of an epoch's earnings that its consumer contested: locked on the
	/// provider until the dispute ends.
	#[pallet::storage]
	pub type ContestedEarnings<T: Config> =
		StorageDoubleMap<_, Twox64Concat, LeaseId, Twox64Concat, EpochIndex, Contested<T>>;

	/// Protocol take burned so far (when there is no `TakeBeneficiary`).
	#[pallet::storage]
	pub type TotalBurned<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// `consumer` asked for bids up to `max_price_per_hour`, holding `deposit`.
		OrderCreated { order: OrderId, consumer: T::AccountId, max_price_per_hour: BalanceOf<T>, deposit: BalanceOf<T> },
		/// The consumer cancelled `order`; `refunded` (its deposit) returned to it.
		OrderCancelled { order: OrderId, consumer: T::AccountId, refunded: BalanceOf<T> },
		/// `order` expired unaccepted; `refunded` (its deposit) returned to `consumer`.
		OrderExpired { order: OrderId, consumer: T::AccountId, refunded: BalanceOf<T> },
		/// `provider` offered `order`'s resources at `price_per_hour`.
		BidPlaced { order: OrderId, provider: T::AccountId, price_per_hour: BalanceOf<T> },
		/// `provider` withdrew its bid on `order`.
		BidWithdrawn { order: OrderId, provider: T::AccountId },
		/// The consumer of `order` rejected `provider`'s bid; `provider` may not bid on it again
		/// and `forfeited` of its bid deposit went to the treasury.
		BidRejected { order: OrderId, provider: T::AccountId, forfeited: BalanceOf<T> },
		/// `consumer` rents `gpus`, `storage_gib` and `cpu_cores` from `provider` at
		/// `price_per_hour`; `deposit` is held as escrow.
		LeaseOpened {
			lease: LeaseId,
			consumer: T::AccountId,
			provider: T::AccountId,
			gpus: BoundedVec<H256, T::MaxGpusPerLease>,
			storage_gib: u32,
			cpu_cores: u32,
			price_per_hour: BalanceOf<T>,
			deposit: BalanceOf<T>,
		},
		/// The consumer added `amount` to the lease's escrow, now `escrow`.
		ToppedUp { lease: LeaseId, amount: BalanceOf<T>, escrow: BalanceOf<T> },
		/// Attested usage of `epoch` was charged: `provider_share` to the provider, `take` to the
		/// protocol.
		LeaseSettled {
			lease: LeaseId,
			epoch: EpochIndex,
			charged: BalanceOf<T>,
			provider_share: BalanceOf<T>,
			take: BalanceOf<T>,
		},
		/// `amount` of the protocol take on `provider`'s service in `epoch` was burned (no
		/// beneficiary could receive it).
		TakeBurned { provider: T::AccountId, epoch: EpochIndex, amount: BalanceOf<T> },
		/// A disputed epoch was charged; the payment waits for the dispute's resolution.
		PaymentHeld { lease: LeaseId, epoch: EpochIndex, amount: BalanceOf<T> },
		/// A dispute went the consumer's way: the held payment returned to it.
		HeldPaymentRefunded { lease: LeaseId, epoch: EpochIndex, amount: BalanceOf<T> },
		/// `amount` of `provider`'s earnings for `epoch` is locked while consumers may contest it.
		EarningsLocked { provider: T::AccountId, epoch: EpochIndex, amount: BalanceOf<T> },
		/// `provider`'s uncontested earnings for `epoch` are unlocked.
		EarningsReleased { provider: T::AccountId, epoch: EpochIndex, amount: BalanceOf<T> },
		/// A dispute raised after the report went the consumer's way: the provider's locked share
		/// of the charge, `amount`, returned to the consumer.
		PaidChargeRefunded { lease: LeaseId, epoch: EpochIndex, amount: BalanceOf<T> },
		/// The lease closed for `reason`: `refunded` returned to the consumer, `retained` kept for
		/// service that may still be reported.
		LeaseClosed { lease: LeaseId, reason: CloseReason, refunded: BalanceOf<T>, retained: BalanceOf<T> },
		/// Escrow a closed lease retained went back to its consumer.
		RetainedReleased { lease: LeaseId, refunded: BalanceOf<T> },
		/// A closed lease holds no more money: its record is removed. Its totals: `deposited`
		/// into escrow, `paid` to the provider, `take` to the protocol, `refunded` to the consumer.
		LeaseFinished {
			lease: LeaseId,
			deposited: BalanceOf<T>,
			paid: BalanceOf<T>,
			take: BalanceOf<T>,
			refunded: BalanceOf<T>,
		},
		/// `provider` was paid the charges of `leases` leases nobody can contest any more: `share`
		/// to it, `take` to the protocol. (New variants go last: explorers decode old blocks by
		/// index.)
		EarningsClaimed { provider: T::AccountId, leases: u32, share: BalanceOf<T>, take: BalanceOf<T> },
		/// A claim's share `provider`'s account could not receive (reaped, and the share below
		/// the existential deposit) went to the protocol with the take.
		ShareUnpayable { provider: T::AccountId, amount: BalanceOf<T> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// Nothing requested.
		EmptyRequest,
		/// More GPUs than `MaxGpusPerLease`.
		TooManyGpus,
		/// The provider is not registered or not taking leases.
		ProviderNotActive,
		/// Not enough free GPUs of the requested kind.
		NotEnoughGpus,
		/// Not enough free storage.
		NotEnoughStorage,
		/// Not enough free CPU cores.
		NotEnoughCpu,
		/// The provider lists no price for an allocated resource.
		PriceNotListed,
		/// A lease must cost something, or escrow means nothing.
		ZeroPrice,
		/// An epoch at this price costs less than `MinEpochCharge`.
		PriceTooLow,
		/// More storage or CPU cores than one lease may have.
		RequestTooLarge,
		/// A provider cannot lease to itself.
		SelfLease,
		/// The deposit does not cover `MinLeaseEpochs` epochs.
		DepositTooLow,
		/// Not enough free balance for the escrow.
		InsufficientBalance,
		/// A price or an amount too large to compute with.
		Overflow,
		/// An amount of zero.
		ZeroAmount,
		/// The provider has `MaxLeasesPerProvider` leases.
		TooManyProviderLeases,
		/// The consumer has `MaxLeasesPerConsumer` leases or orders.
		TooManyConsumerLeases,
		/// No lease has this id.
		UnknownLease,
		/// The lease has closed.
		LeaseNotOpen,
		/// Only the lease's consumer (or provider, for closing) may do this.
		NotParty,
		/// Nothing makes the lease closable by anyone.
		LeaseHealthy,
		/// The lease is open or holds no retained escrow.
		NothingRetained,
		/// The grace for the last epoch's report has not passed.
		GraceNotOver,
		/// No order has this id.
		UnknownOrder,
		/// Only the order's consumer may do this.
		NotOrderOwner,
		/// The order expired.
		OrderExpired,
		/// The order has not expired yet.
		OrderNotExpired,
		/// The bid is above the order's maximum price.
		PriceAboveMaximum,
		/// The provider is not in the order's region.
		RegionMismatch,
		/// The order's required auditor has not attested the provider.
		NotAudited,
		/// The order has `MaxBidsPerOrder` bids.
		TooManyBids,
		/// The provider has no bid on the order.
		UnknownBid,
		/// An epoch at this price costs less than the provider's own minimum per lease
		/// (`set_min_lease_charge`).
		BelowProviderMinimum,
		/// The order's consumer rejected this provider's bid: it may not bid on the order again.
		BidderRejected,
		/// The order has rejected `MaxBidsPerOrder` bidders already.
		TooManyRejections,
		/// The epoch has not finished, was settled already, or the lease did not run in it.
		EpochNotSettleable,
		/// The epoch's report window (the clock's grace after its end) has closed.
		SettlementWindowClosed,
		/// The lease belongs to another provider.
		WrongProvider,
		/// No payment is held for this lease and epoch.
		NothingHeld,
		/// The consumer's hold does not cover the charge (an escrow invariant is broken).
		EscrowShort,
		/// The provider's account cannot receive its payment. (Not returned since storage v4: a
		/// share it cannot receive goes to the protocol; kept so later indices stay put.)
		PayoutFailed,
		/// No earnings are locked for this provider and epoch (or lease and epoch).
		NothingLocked,
		/// Consumers may still contest these earnings: their report landed less than an epoch ago.
		StillContestable,
		/// None of the provider's leases has a charge past its contest window to claim.
		NothingToClaim,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(T::BlocksPerHour::get() > 0);
			assert!(T::MinLeaseEpochs::get() > 0, "a lease must be funded for at least an epoch");
			assert!(T::MaxGpusPerLease::get() > 0);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Asks providers for bids, holding `deposit` (≥ `MinLeaseEpochs` epochs at
		/// `max_price_per_hour`) until the order is accepted, cancelled or expires.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::create_order())]
		pub fn create_order(
			origin: OriginFor<T>,
			request: ResourceRequest,
			region: Option<Region>,
			required_auditor: Option<T::AccountId>,
			max_price_per_hour: BalanceOf<T>,
			deposit: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_create_order(who, request, region, required_auditor, max_price_per_hour, deposit)
		}

		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::cancel_order(T::MaxBidsPerOrder::get()))]
		pub fn cancel_order(origin: OriginFor<T>, order: OrderId) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			Self::do_end_order(order, OrderEnding::CancelledBy(who))
		}

		/// Anyone may end an order past its expiry; the deposit returns to the consumer.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::cancel_order(T::MaxBidsPerOrder::get()))]
		pub fn expire_order(origin: OriginFor<T>, order: OrderId) -> DispatchResultWithPostInfo {
			ensure_signed(origin)?;
			Self::do_end_order(order, OrderEnding::Expired)
		}

		/// A provider offers the order's resources at `price_per_hour` (≤ the maximum), holding
		/// `BidDeposit` while the bid stands.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::bid().saturating_add(T::Hardware::selection_weight()))]
		pub fn bid(origin: OriginFor<T>, order: OrderId, price_per_hour: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_bid(who, order, price_per_hour)
		}

		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::withdraw_bid())]
		pub fn withdraw_bid(origin: OriginFor<T>, order: OrderId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_withdraw_bid(who, order)
		}

		/// The consumer takes a bid: the lease opens at the bid's price with the order's deposit.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::accept_bid(T::MaxGpusPerLease::get(), T::MaxBidsPerOrder::get())
			.saturating_add(T::Hardware::selection_weight()))]
		pub fn accept_bid(origin: OriginFor<T>, order: OrderId, provider: T::AccountId) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			Self::do_accept_bid(who, order, provider)
		}

		/// Rents from `provider` at its listed prices, holding `deposit` as escrow.
		#[pallet::call_index(6)]
		// Only a request for attested GPUs looks up the provider's GPUs' attestations.
		#[pallet::weight(T::WeightInfo::rent(T::MaxGpusPerLease::get()).saturating_add(if request.attested_gpus {
			T::Hardware::selection_weight()
		} else {
			Weight::zero()
		}))]
		pub fn rent(
			origin: OriginFor<T>,
			provider: T::AccountId,
			request: ResourceRequest,
			deposit: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_rent(who, provider, request, deposit)
		}

		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::top_up())]
		pub fn top_up(origin: OriginFor<T>, lease: LeaseId, amount: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_top_up(who, lease, amount)
		}

		/// The consumer or the provider ends the lease.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::close_lease(T::MaxGpusPerLease::get()))]
		pub fn close_lease(origin: OriginFor<T>, lease: LeaseId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_close_by_party(who, lease)
		}

		/// Anyone may close a lease whose escrow cannot cover the next epoch or whose provider
		/// was suspended or left.
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::close_lease(T::MaxGpusPerLease::get()))]
		pub fn close_stale(origin: OriginFor<T>, lease: LeaseId) -> DispatchResult {
			ensure_signed(origin)?;
			Self::do_close_stale(lease)
		}

		/// Anyone may refund escrow retained for epochs whose report windows closed unreported.
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::release_retained())]
		pub fn release_retained(origin: OriginFor<T>, lease: LeaseId) -> DispatchResult {
			ensure_signed(origin)?;
			Self::do_release_retained(lease)
		}

		/// The order's consumer rejects `provider`'s bid: the bid ends, its deposit goes to the
		/// treasury, and `provider` may not bid on this order again. At most `MaxBidsPerOrder` rejections per
		/// order; a consumer wanting more cancels and orders anew.
		#[pallet::call_index(11)]
		#[pallet::weight(T::WeightInfo::reject_bid())]
		pub fn reject_bid(origin: OriginFor<T>, order: OrderId, provider: T::AccountId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_reject_bid(who, order, provider)
		}

		/// Anyone may unlock `provider`'s earnings of `epoch` locked before storage v4 once no
		/// consumer can contest them: an epoch after its report landed. (A claim for the
		/// provider unlocks them too.)
		#[pallet::call_index(12)]
		#[pallet::weight(T::WeightInfo::release_earnings())]
		pub fn release_earnings(origin: OriginFor<T>, provider: T::AccountId, epoch: EpochIndex) -> DispatchResult {
			ensure_signed(origin)?;
			Self::do_release_earnings(provider, epoch)
		}

		/// Pays `provider` what its reports booked on its leases and nobody can contest any more
		/// (an epoch after each report landed): the shares to `provider`, the take to the
		/// protocol, off the consumers' escrow holds. Anyone may call it; the money only goes to
		/// the provider. Charged for the most leases a provider can have, refunded to its own.
		#[pallet::call_index(13)]
		#[pallet::weight(T::WeightInfo::claim_earnings(T::MaxLeasesPerProvider::get()))]
		pub fn claim_earnings(origin: OriginFor<T>, provider: T::AccountId) -> DispatchResultWithPostInfo {
			ensure_signed(origin)?;
			let leases = Self::do_claim_earnings(&provider)?;
			Ok(Some(T::WeightInfo::claim_earnings(leases)).into())
		}
	}
}
