//! # Economics
//!
//! Is the network paid for by customers or by inflation? This pallet answers from chain state,
//! per epoch, for anyone.
//!
//! - **Ledger.** One [`EpochLedger`] per epoch: fee revenue (what consumers paid for the epoch's
//!   service), provider earnings, the take (treasury or burned), emission (allowance, minted,
//!   claimed), slashes, burns, open leases, providers that reported, and attested capacity
//!   versus use (GPU-blocks, storage GiB-blocks). The leases and attestation pallets feed it
//!   through their observer traits (`LeaseObserver`, `AttestationObserver` of
//!   `depin-primitives`), never by writing its storage.
//! - **Emission.** When an epoch can no longer be settled — its report window closes, or, for a
//!   congested epoch, its late window; the chain's one `EpochClock` says when, and attestation
//!   accepts no report of it after — its emission is fixed (`on_initialize`, O(trailing window),
//!   epochs in order, at most two a block), in two parts (see [`emission::allowance`]). Take
//!   held for an undecided dispute counts as paid, reserved for its provider (`HeldTake`):
//!   - **usage**: at most the protocol take paid on the epoch's service (`usage_match_percent`,
//!     100: "spend 1, earn at most 1"), within `revenue_cap_percent` of the trailing mean epoch
//!     revenue, shared by the take each provider's leases paid — never by self-reported
//!     utilization or device counts;
//!   - **capacity**: the fading bootstrap allowance, shared by audited device-blocks (GPUs and
//!     storage a bonded auditor vouches for, each GPU-block once, storage within the audit);
//!     none without audited capacity.
//!
//!   Both stay under the halving schedule; `GovernanceOrigin` may change the parameters. Wash
//!   trading at any price returns at most the take it paid and cannot raise capacity emission.
//! - **Distribution**: pull-based: a provider calls `claim_rewards` for closed epochs, O(1)
//!   each. After `RewardExpiry` epochs anyone may `sweep_expired`: the unclaimed rest goes to
//!   `ExpiredRewardsTo` or is never minted; `on_idle` does the same with spare block weight and
//!   archives swept epochs (their ledgers leave storage, their final state in `LedgerArchived`).
//! - **Issuance is accounted for**: total issuance = genesis issuance + minted − burned, exactly
//!   (`try_state`).

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
pub mod emission;
mod invariants;
mod ledger;
mod rewards;
pub mod types;
pub mod weights;

#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use depin_primitives::EpochIndex;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{
		pallet_prelude::*,
		traits::fungible::{Inspect, Mutate},
	};
	use depin_primitives::EpochClock;
	use frame_system::pallet_prelude::*;

	pub type BalanceOf<T> = <<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

	/// Storage layout version: 1 is the first (no migration yet).
	pub const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Defaults for test runtimes: `#[derive_impl(pallet_economics::config_preludes::TestDefaultConfig)]`.
	pub mod config_preludes {
		use super::*;
		use depin_primitives::ConstClock;
		use frame_support::{
			derive_impl,
			traits::{ConstU128, ConstU32},
		};

		pub struct TestDefaultConfig;

		#[derive_impl(frame_system::config_preludes::TestDefaultConfig, no_aggregated_types)]
		impl frame_system::DefaultConfig for TestDefaultConfig {}

		#[frame_support::register_default_impl(TestDefaultConfig)]
		impl DefaultConfig for TestDefaultConfig {
			/// Ten-block epochs reportable for five blocks after they end.
			type Clock = ConstClock<10, 5>;
			type GovernanceOrigin = frame_system::EnsureRoot<Self::AccountId>;
			type GpuBlockWork = ConstU128<1_000>;
			type StorageGibBlockWork = ConstU128<1>;
			type RewardExpiry = ConstU32<5>;
			type ExpiredRewardsTo = frame_support::traits::GetDefault;
			type MaxTrailingEpochs = ConstU32<8>;
			type MaxClaimEpochs = ConstU32<4>;
			type MaxProvidersPerEpoch = ConstU32<16>;
			type WeightInfo = ();
		}
	}

	#[pallet::config(with_default)]
	pub trait Config: frame_system::Config {
		/// The native token, minted for claimed emission.
		#[pallet::no_default]
		type Currency: Inspect<Self::AccountId> + Mutate<Self::AccountId>;

		/// The chain's epoch clock, shared with leases and attestation: an epoch closes for
		/// emission in the block its report window closes.
		type Clock: Get<EpochClock>;

		/// May change the emission parameters.
		#[pallet::no_default_bounds]
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Capacity work of one block of an audited GPU that answered...
		#[pallet::constant]
		type GpuBlockWork: Get<u128>;

		/// ...and of one GiB-block of audited storage offered.
		#[pallet::constant]
		type StorageGibBlockWork: Get<u128>;

		/// Closed epochs after which unclaimed emission expires.
		#[pallet::constant]
		type RewardExpiry: Get<u32>;

		/// Receives expired emission; `None`: it is never minted.
		#[pallet::no_default_bounds]
		type ExpiredRewardsTo: Get<Option<Self::AccountId>>;

		/// Bounds `trailing_epochs`.
		#[pallet::constant]
		type MaxTrailingEpochs: Get<u32>;

		/// Epochs one `claim_rewards` may claim.
		#[pallet::constant]
		type MaxClaimEpochs: Get<u32>;

		/// Work records (of each kind) one `sweep_expired` clears; an epoch with more takes
		/// several sweeps.
		#[pallet::constant]
		type MaxProvidersPerEpoch: Get<u32>;

		/// Weights of the calls, from the pallet's benchmarks.
		type WeightInfo: WeightInfo;
	}

	#[pallet::storage]
	pub type Ledgers<T: Config> = StorageMap<_, Twox64Concat, EpochIndex, EpochLedger<BalanceOf<T>>, ValueQuery>;

	/// Take each provider's leases paid on an epoch's service before it closed: its weight in
	/// the epoch's usage emission; taken when claimed.
	#[pallet::storage]
	pub type UsageTake<T: Config> =
		StorageDoubleMap<_, Twox64Concat, EpochIndex, Blake2_128Concat, T::AccountId, BalanceOf<T>, ValueQuery>;

	/// Audited capacity work each provider's reports attested, by epoch: its weight in the
	/// epoch's capacity emission; taken when claimed.
	#[pallet::storage]
	pub type CapacityWork<T: Config> =
		StorageDoubleMap<_, Twox64Concat, EpochIndex, Blake2_128Concat, T::AccountId, u128, ValueQuery>;

	/// Take that charges of an epoch's service held for disputes would pay, by provider: counted
	/// in the epoch's matched take when it closes, so the usage emission it would earn is
	/// reserved; it becomes the provider's `UsageTake` if the charge is paid, and lapses if it is
	/// refunded.
	#[pallet::storage]
	pub type HeldTake<T: Config> =
		StorageDoubleMap<_, Twox64Concat, EpochIndex, Blake2_128Concat, T::AccountId, BalanceOf<T>, ValueQuery>;

	/// The sum of an open epoch's `HeldTake`, read when it closes.
	#[pallet::storage]
	pub type HeldTakeTotal<T: Config> = StorageMap<_, Twox64Concat, EpochIndex, BalanceOf<T>, ValueQuery>;

	/// Epochs before this one are archived: expired, swept, their records cleared and their
	/// ledgers removed (each ledger's last state is in its `LedgerArchived` event).
	#[pallet::storage]
	pub type ArchivedBefore<T: Config> = StorageValue<_, EpochIndex, ValueQuery>;

	/// Minted and burned of the archived ledgers, so totals stay checkable against ledgers.
	#[pallet::storage]
	pub type Archived<T: Config> = StorageValue<_, (BalanceOf<T>, BalanceOf<T>), ValueQuery>;

	/// Fees and emission each registered provider earned; removed with its registration.
	#[pallet::storage]
	pub type ProviderEarnings<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, Earnings<BalanceOf<T>>, ValueQuery>;

	#[pallet::storage]
	pub type Params<T: Config> = StorageValue<_, EmissionParams<BalanceOf<T>>, ValueQuery>;

	/// The last epoch whose emission is fixed.
	#[pallet::storage]
	pub type LastClosedEpoch<T: Config> = StorageValue<_, EpochIndex, OptionQuery>;

	/// Leases open now.
	#[pallet::storage]
	pub type OpenLeases<T: Config> = StorageValue<_, u32, ValueQuery>;

	#[pallet::storage]
	pub type GenesisIssuance<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	#[pallet::storage]
	pub type TotalMinted<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	#[pallet::storage]
	pub type TotalBurned<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	#[pallet::genesis_config]
	pub struct GenesisConfig<T: Config> {
		pub params: EmissionParams<BalanceOf<T>>,
	}

	/// No emission unless genesis says otherwise.
	impl<T: Config> Default for GenesisConfig<T> {
		fn default() -> Self {
			Self { params: EmissionParams { trailing_epochs: 1, ..Default::default() } }
		}
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			assert!(Pallet::<T>::params_valid(&self.params), "emission parameters out of bounds");
			Params::<T>::put(&self.params);
			// Balances are built before this pallet: everything minted from here on is recorded.
			GenesisIssuance::<T>::put(T::Currency::total_issuance());
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// An epoch's report window closed; its emission is fixed: `usage_emission` for the take
		/// paid on its service, `capacity_emission` for its audited capacity.
		EpochClosed {
			epoch: EpochIndex,
			fee_revenue: BalanceOf<T>,
			usage_emission: BalanceOf<T>,
			capacity_emission: BalanceOf<T>,
		},
		/// `provider` claimed `amount` of emission for `epochs` closed epochs.
		RewardsClaimed { provider: T::AccountId, amount: BalanceOf<T>, epochs: u32 },
		/// Unclaimed emission of an epoch expired: minted to `to`, or never minted.
		RewardsExpired { epoch: EpochIndex, amount: BalanceOf<T>, to: Option<T::AccountId> },
		/// `cleared` work records of an expired `epoch` were removed; `remaining` says whether
		/// another `sweep_expired` is needed.
		RecordsSwept { epoch: EpochIndex, cleared: u32, remaining: bool },
		/// Governance set the emission parameters for epochs closed from now on.
		ParamsSet { params: EmissionParams<BalanceOf<T>> },
		/// An expired epoch was swept and its records cleared: its ledger, in its final state, is
		/// removed from storage (explorers keep it from this event).
		LedgerArchived { epoch: EpochIndex, ledger: EpochLedger<BalanceOf<T>> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The epoch's emission is not fixed yet.
		EpochNotClosed,
		/// The caller's leases paid no take and its reports attested no audited capacity in the
		/// epoch, or it claimed already.
		NothingToClaim,
		/// The epoch's rewards expired.
		RewardsExpired,
		/// Not expired yet.
		NotExpired,
		/// The epoch's expired emission was dealt with and its records cleared already.
		AlreadySwept,
		/// An epoch is listed twice.
		DuplicateEpoch,
		/// A parameter is out of bounds (trailing window 0 or above the maximum, a usage match
		/// above 100%).
		InvalidParams,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Closes the epochs whose service can no longer be settled: each in the block its
		/// report window closes, or a congested one in the block its late window closes (so a
		/// report crowded out of its window and settled late still counts for its emission).
		fn on_initialize(block: BlockNumberFor<T>) -> Weight {
			let closed = Self::close_due_epochs(block);
			// Reading the clock (the genesis epoch length, the open and late windows' full
			// blocks) and the last closed epoch.
			let reads = T::DbWeight::get().reads(4);
			T::WeightInfo::close_epoch(Params::<T>::get().trailing_epochs).saturating_mul(closed.into()).saturating_add(reads)
		}

		/// Archives expired epochs with the block's leftover weight, one sweep a block: their
		/// unclaimed emission dealt with, records cleared, ledgers removed. Storage keeps the
		/// ledgers of the last `RewardExpiry` epochs, not one per epoch forever.
		fn on_idle(_block: BlockNumberFor<T>, remaining: Weight) -> Weight {
			Self::archive_expired(remaining)
		}

		fn integrity_test() {
			assert!(T::MaxTrailingEpochs::get() > 0 && T::MaxClaimEpochs::get() > 0);
			assert!(
				T::MaxClaimEpochs::get() <= T::RewardExpiry::get(),
				"a claim of the most epochs must be possible before the oldest expires"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Mints the caller's share of the emission of each of `epochs` (closed, not expired): of
		/// the usage emission by the take its leases paid, of the capacity emission by the
		/// audited capacity its reports attested.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::claim_rewards(epochs.len() as u32))]
		pub fn claim_rewards(origin: OriginFor<T>, epochs: BoundedVec<EpochIndex, T::MaxClaimEpochs>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_claim_rewards(who, epochs)
		}

		/// Anyone may settle an epoch whose rewards expired: the unclaimed rest goes to
		/// `ExpiredRewardsTo` (or is never minted) and up to `MaxProvidersPerEpoch` of the epoch's
		/// work records of each kind are cleared; call again while `RecordsSwept.remaining`.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::sweep_expired(T::MaxProvidersPerEpoch::get()))]
		pub fn sweep_expired(origin: OriginFor<T>, epoch: EpochIndex) -> DispatchResultWithPostInfo {
			ensure_signed(origin)?;
			let cleared = Self::do_sweep_expired(epoch)?;
			Ok(Some(T::WeightInfo::sweep_expired(cleared)).into())
		}

		/// Governance sets the emission parameters; they apply to epochs closed from now on.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::set_params())]
		pub fn set_params(origin: OriginFor<T>, params: EmissionParams<BalanceOf<T>>) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			ensure!(Self::params_valid(&params), Error::<T>::InvalidParams);
			Params::<T>::put(&params);
			Self::deposit_event(Event::ParamsSet { params });
			Ok(())
		}
	}

	impl<T: Config> Pallet<T> {
		pub(crate) fn params_valid(params: &EmissionParams<BalanceOf<T>>) -> bool {
			params.trailing_epochs > 0 &&
				params.trailing_epochs <= T::MaxTrailingEpochs::get() &&
				params.usage_match_percent <= 100
		}
	}
}
