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
//! **Payment only for attested usage.** A lease's price accrues per block, but money leaves the
//! escrow only when the attestation pallet settles an epoch the provider attested
//! ([`LeaseSettlement::settle_epoch`], once per report: each lease's charge leaves its
//! consumer's escrow, and the provider and the take are paid once); unattested epochs cost
//! nothing. `TakeRate` of each payment is the protocol's, sent to `TakeBeneficiary` or burned
//! (and recorded in `TotalBurned`).
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

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod commitments;
mod escrow;
mod invariants;
mod leasing;
pub mod money;
mod orders;
mod settlement;
pub mod types;
pub mod weights;

#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

/// Sets up providers for this pallet's benchmarks (the registry is another pallet).
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId, Balance> {
	/// Makes `who` an active provider with `gpus` GPUs of model `b"bench-gpu"`, ample storage
	/// and cores, every unit priced at `price` per hour.
	fn setup_provider(who: &AccountId, gpus: u32, price: Balance);
}

/// [`BenchmarkHelper`] backed by `pallet-providers`.
#[cfg(feature = "runtime-benchmarks")]
pub struct ProvidersBenchmarkHelper<T>(core::marker::PhantomData<T>);

#[cfg(feature = "runtime-benchmarks")]
impl<T: pallet_providers::Config> BenchmarkHelper<T::AccountId, pallet_providers::BalanceOf<T>>
	for ProvidersBenchmarkHelper<T>
{
	fn setup_provider(who: &T::AccountId, gpus: u32, price: pallet_providers::BalanceOf<T>) {
		pallet_providers::Pallet::<T>::benchmark_provider(
			who,
			Default::default(),
			gpus,
			frame_support::BoundedVec::try_from(b"bench-gpu".to_vec()).unwrap_or_default(),
			price,
		);
	}
}

/// Told what happens to money and leases, e.g. by the economics ledger. `()` ignores it all.
pub trait MarketObserver<AccountId, Balance> {
	fn lease_opened(provider: &AccountId);
	fn lease_closed(provider: &AccountId);
	/// A consumer paid `charged` for `epoch` of service: `provider_share` to the provider and
	/// `take` to the protocol (burned if `take_burned`).
	fn settled(epoch: EpochIndex, provider: &AccountId, charged: Balance, provider_share: Balance, take: Balance, take_burned: bool);
}

impl<AccountId, Balance> MarketObserver<AccountId, Balance> for () {
	fn lease_opened(_: &AccountId) {}
	fn lease_closed(_: &AccountId) {}
	fn settled(_: EpochIndex, _: &AccountId, _: Balance, _: Balance, _: Balance, _: bool) {}
}

/// Settles attested usage; implemented by this pallet, called by the attestation pallet.
pub trait LeaseSettlement<AccountId, Balance> {
	/// Charges each lease of `provider` in `charges` for its attested blocks of service in the
	/// finished `epoch`, within `ReportGrace` of its end, and pays the provider and the protocol
	/// take once for all of them. Atomic: on error nothing changed. Results are in `charges`'
	/// order.
	///
	/// With [`Payee::HeldForDispute`] a charge leaves the escrow but stays held on the consumer
	/// until [`Self::resolve_held`] pays or refunds it.
	fn settle_epoch(
		provider: &AccountId,
		epoch: EpochIndex,
		charges: &[LeaseCharge],
	) -> Result<alloc::vec::Vec<Settlement<Balance>>, sp_runtime::DispatchError>;

	/// [`Self::settle_epoch`] for one lease.
	fn settle(
		provider: &AccountId,
		lease: LeaseId,
		epoch: EpochIndex,
		attested_blocks: u32,
		payee: Payee,
	) -> Result<Settlement<Balance>, sp_runtime::DispatchError> {
		let charge = LeaseCharge { lease, attested_blocks, payee };
		let mut settled = Self::settle_epoch(provider, epoch, &[charge])?;
		settled.pop().ok_or(sp_runtime::DispatchError::Corruption)
	}

	/// Pays the provider (`true`) or refunds the consumer what a disputed epoch's settlement
	/// held; returns that amount.
	fn resolve_held(lease: LeaseId, epoch: EpochIndex, pay_provider: bool) -> Result<Balance, sp_runtime::DispatchError>;

	/// `(consumer, provider)` of a lease.
	fn parties(lease: LeaseId) -> Option<(AccountId, AccountId)>;

	/// `provider` had a lease running during `epoch`, so it owed a report for it.
	fn served_in(provider: &AccountId, epoch: EpochIndex) -> bool;

	/// Blocks per epoch.
	fn epoch_length() -> u32;

	/// Leases of `provider` that may be charged for `epoch`: what a usage report can cover.
	fn chargeable_leases(provider: &AccountId, epoch: EpochIndex) -> alloc::vec::Vec<LeaseUsage<AccountId>>;

	/// `lease`, if it is `provider`'s and may be charged for `epoch`.
	fn chargeable(provider: &AccountId, lease: LeaseId, epoch: EpochIndex) -> Option<LeaseUsage<AccountId>>;

	/// How many leases `provider` has listed (open, or closed with escrow retained).
	fn lease_count(provider: &AccountId) -> u32;

	/// The most leases a provider can have listed.
	fn max_leases_per_provider() -> u32;
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{
		pallet_prelude::*,
		traits::fungible::{hold::Balanced as BalancedHold, Balanced, Inspect, InspectHold, Mutate, MutateHold},
	};
	use frame_system::pallet_prelude::*;
	use pallet_providers::{ProviderRegistry, Region};
	use sp_core::H256;
	use sp_runtime::Perbill;

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		type Currency: Inspect<Self::AccountId>
			+ Mutate<Self::AccountId>
			+ InspectHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			// Settlement takes each lease's charge off its consumer's hold as a credit and pays
			// the provider and the take once per report.
			+ Balanced<Self::AccountId>
			+ BalancedHold<Self::AccountId>;

		type RuntimeHoldReason: From<HoldReason>;

		/// The provider registry.
		type Providers: ProviderRegistry<Self::AccountId, BalanceOf<Self>>;

		/// Blocks per settlement epoch; the same value the attestation pallet uses.
		#[pallet::constant]
		type EpochLength: Get<BlockNumberFor<Self>>;

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
		type TakeBeneficiary: Get<Option<Self::AccountId>>;

		/// Blocks an order stays open for bids.
		#[pallet::constant]
		type OrderTtl: Get<BlockNumberFor<Self>>;

		/// Blocks after an epoch ends during which its usage may still be settled.
		#[pallet::constant]
		type ReportGrace: Get<BlockNumberFor<Self>>;

		#[pallet::constant]
		type MaxGpusPerLease: Get<u32>;

		#[pallet::constant]
		type MaxLeasesPerProvider: Get<u32>;

		/// Bounds the leases (open or with retained escrow) and orders of one consumer.
		#[pallet::constant]
		type MaxLeasesPerConsumer: Get<u32>;

		#[pallet::constant]
		type MaxBidsPerOrder: Get<u32>;

		/// Told of openings, closings and payments (the economics ledger).
		type Observer: MarketObserver<Self::AccountId, BalanceOf<Self>>;

		type WeightInfo: WeightInfo;

		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId, BalanceOf<Self>>;
	}

	#[pallet::composite_enum]
	pub enum HoldReason {
		/// Escrow of a consumer's orders and leases.
		LeaseEscrow,
		/// Payments for disputed epochs, until the dispute is resolved.
		LeaseDispute,
	}

	#[pallet::storage]
	pub type NextLeaseId<T: Config> = StorageValue<_, LeaseId, ValueQuery>;

	#[pallet::storage]
	pub type NextOrderId<T: Config> = StorageValue<_, OrderId, ValueQuery>;

	/// Every lease, open or closed (closed ones are the settlement record).
	#[pallet::storage]
	pub type Leases<T: Config> = StorageMap<_, Twox64Concat, LeaseId, Lease<T>>;

	/// Leases of each provider that can still be charged: open, or closed with escrow retained
	/// for a last epoch.
	#[pallet::storage]
	pub type ProviderLeases<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, BoundedVec<LeaseId, T::MaxLeasesPerProvider>, ValueQuery>;

	/// Leases of each consumer that hold escrow (open, or closed with escrow retained).
	#[pallet::storage]
	pub type ConsumerLeases<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, BoundedVec<LeaseId, T::MaxLeasesPerConsumer>, ValueQuery>;

	/// Which open lease a GPU is rented to.
	#[pallet::storage]
	pub type LeasedGpu<T: Config> = StorageMap<_, Blake2_128Concat, H256, LeaseId>;

	/// What each provider has committed to open leases.
	#[pallet::storage]
	pub type Committed<T: Config> =
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

	/// Protocol take burned so far (when there is no `TakeBeneficiary`).
	#[pallet::storage]
	pub type TotalBurned<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		OrderCreated { order: OrderId, consumer: T::AccountId, max_price_per_hour: BalanceOf<T>, deposit: BalanceOf<T> },
		OrderCancelled { order: OrderId },
		OrderExpired { order: OrderId },
		BidPlaced { order: OrderId, provider: T::AccountId, price_per_hour: BalanceOf<T> },
		BidWithdrawn { order: OrderId, provider: T::AccountId },
		LeaseOpened {
			lease: LeaseId,
			consumer: T::AccountId,
			provider: T::AccountId,
			price_per_hour: BalanceOf<T>,
			deposit: BalanceOf<T>,
		},
		ToppedUp { lease: LeaseId, amount: BalanceOf<T>, escrow: BalanceOf<T> },
		LeaseSettled {
			lease: LeaseId,
			epoch: EpochIndex,
			charged: BalanceOf<T>,
			provider_share: BalanceOf<T>,
			take: BalanceOf<T>,
		},
		TakeBurned { amount: BalanceOf<T> },
		/// A disputed epoch was charged; the payment waits for the dispute's resolution.
		PaymentHeld { lease: LeaseId, epoch: EpochIndex, amount: BalanceOf<T> },
		/// A dispute went the consumer's way: the held payment returned to it.
		HeldPaymentRefunded { lease: LeaseId, epoch: EpochIndex, amount: BalanceOf<T> },
		LeaseClosed { lease: LeaseId, reason: CloseReason, refunded: BalanceOf<T>, retained: BalanceOf<T> },
		RetainedReleased { lease: LeaseId, refunded: BalanceOf<T> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// Nothing requested.
		EmptyRequest,
		TooManyGpus,
		/// The provider is not registered or not taking leases.
		ProviderNotActive,
		/// Not enough free GPUs of the requested kind.
		NotEnoughGpus,
		NotEnoughStorage,
		NotEnoughCpu,
		/// The provider lists no price for an allocated resource.
		PriceNotListed,
		/// A lease must cost something, or escrow means nothing.
		ZeroPrice,
		/// The deposit does not cover `MinLeaseEpochs` epochs.
		DepositTooLow,
		InsufficientBalance,
		Overflow,
		ZeroAmount,
		TooManyProviderLeases,
		TooManyConsumerLeases,
		UnknownLease,
		LeaseNotOpen,
		/// Only the lease's consumer (or provider, for closing) may do this.
		NotParty,
		/// Nothing makes the lease closable by anyone.
		LeaseHealthy,
		NothingRetained,
		/// The grace for the last epoch's report has not passed.
		GraceNotOver,
		UnknownOrder,
		NotOrderOwner,
		OrderExpired,
		OrderNotExpired,
		PriceAboveMaximum,
		RegionMismatch,
		NotAudited,
		TooManyBids,
		UnknownBid,
		/// The epoch has not finished, was settled already, or the lease did not run in it.
		EpochNotSettleable,
		/// The epoch's report window (`ReportGrace` after its end) has closed.
		SettlementWindowClosed,
		/// The lease belongs to another provider.
		WrongProvider,
		/// No payment is held for this lease and epoch.
		NothingHeld,
		/// The consumer's hold does not cover the charge (an escrow invariant is broken).
		EscrowShort,
		/// The provider's account cannot receive its payment.
		PayoutFailed,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(!T::EpochLength::get().is_zero(), "epochs must have blocks");
			assert!(T::BlocksPerHour::get() > 0);
			assert!(T::MinLeaseEpochs::get() > 0, "a lease must be funded for at least an epoch");
			assert!(T::ReportGrace::get() < T::EpochLength::get(), "at most one epoch awaits settlement");
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
			Self::do_cancel_order(Some(who), order)
		}

		/// Anyone may end an order past its expiry; the deposit returns to the consumer.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::cancel_order(T::MaxBidsPerOrder::get()))]
		pub fn expire_order(origin: OriginFor<T>, order: OrderId) -> DispatchResultWithPostInfo {
			ensure_signed(origin)?;
			Self::do_cancel_order(None, order)
		}

		/// A provider offers the order's resources at `price_per_hour` (≤ the maximum).
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::bid())]
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
		#[pallet::weight(T::WeightInfo::accept_bid(T::MaxGpusPerLease::get(), T::MaxBidsPerOrder::get()))]
		pub fn accept_bid(origin: OriginFor<T>, order: OrderId, provider: T::AccountId) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			Self::do_accept_bid(who, order, provider)
		}

		/// Rents from `provider` at its listed prices, holding `deposit` as escrow.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::rent(T::MaxGpusPerLease::get()))]
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
	}
}
