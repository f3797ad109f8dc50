//! # Validator manager
//!
//! The chain starts as proof of authority: a set of bonded validators that governance admits
//! and removes. This pallet keeps that set and hands it to `pallet-session` at session
//! boundaries (the runtime wires [`Pallet::new_session`] and friends into session's
//! `SessionManager`); staking can replace it later by a runtime upgrade.
//!
//! - **Bond.** Anyone may `bond` (a fungible hold, [`HoldReason::ValidatorBond`]). Governance
//!   admits only accounts with at least `MinValidatorBond` held and session keys registered
//!   (`session.setKeys`), so misbehaviour always has something to slash.
//! - **Set changes** (`add_validator`, `remove_validator`, by `GovernanceOrigin`) change the
//!   desired set at once; session queues it at the next rotation and it takes effect one rotation
//!   later (a change made in session `n` is active from session `n + 2`). The set never shrinks
//!   below `MinValidators`: GRANDPA needs more than two thirds of it online.
//! - **Equivocation** (reported through `pallet-offences`, e.g. a GRANDPA double vote):
//!   [`Pallet`] is the `OnOffenceHandler`. The offender's bond is slashed by the offence's
//!   fraction — moved on hold to `SlashBeneficiary` (the treasury), never burned, so total
//!   issuance stays what the economics ledger records — and it is removed from the set. Offences
//!   of one session are slashed once, by the largest fraction reported.
//! - **Leaving.** An account outside the set may `unbond`; its bond stays held for
//!   `BondingSessions`, longer than offences of its last active sessions stay provable, then it
//!   may `withdraw_bond`.
//!
//! Invariants (`try_state`, run after every test):
//! 1. The set has no duplicates, at most `MaxValidators` members, and at least `MinValidators`
//!    once it is non-empty.
//! 2. No member of the set is unbonding.
//! 3. Every member's held bond is at least `MinValidatorBond`, unless it was slashed in a session
//!    still on record (a slashed validator at the minimum set size stays until replaced).
//! 4. No unbonding ends later than `BondingSessions` from the current session.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod bonds;
mod invariants;
mod membership;
mod sessions;
mod slashing;
pub mod types;
pub mod weights;

#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::{Inspect, InspectHold, Mutate, MutateHold},
			ValidatorRegistration,
		},
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::traits::Zero;
	use sp_staking::SessionIndex;

	pub type BalanceOf<T> = <<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

	/// Storage layout version: 1 is the first.
	pub const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The native token; bonds are holds on it.
		type Currency: Inspect<Self::AccountId>
			+ Mutate<Self::AccountId>
			+ InspectHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The runtime's hold reasons, of which the validator bond is one.
		type RuntimeHoldReason: From<HoldReason>;

		/// Admits and removes validators (the council's two thirds, or root).
		type GovernanceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Whether an account has registered session keys (`pallet-session`).
		type KeysRegistered: ValidatorRegistration<Self::AccountId>;

		/// Forgets key-ownership records of sessions too old to matter (session's `historical`).
		type SessionHistory: PruneSessionHistory;

		/// Receives slashed bonds (the treasury).
		type SlashBeneficiary: Get<Self::AccountId>;

		/// The least a validator must hold to be admitted.
		#[pallet::constant]
		type MinValidatorBond: Get<BalanceOf<Self>>;

		/// The set never shrinks below this.
		#[pallet::constant]
		type MinValidators: Get<u32>;

		/// Bounds the set (and the authorities of Aura and GRANDPA).
		#[pallet::constant]
		type MaxValidators: Get<u32>;

		/// Sessions an unbonding bond stays held: longer than `HistoryDepth` plus the two
		/// rotations a removal takes, so every offence that can still be proven finds it.
		#[pallet::constant]
		type BondingSessions: Get<SessionIndex>;

		/// Sessions whose key-ownership records and slash records are kept.
		#[pallet::constant]
		type HistoryDepth: Get<SessionIndex>;

		/// Blocks per session unless genesis sets another length.
		#[pallet::constant]
		type DefaultSessionLength: Get<BlockNumberFor<Self>>;

		/// Weights of the calls, from the pallet's benchmarks.
		type WeightInfo: WeightInfo;

		/// Registers session keys for a benchmark's candidates.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
	}

	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A validator's bond, slashable for equivocation.
		ValidatorBond,
	}

	/// The set governance wants. Session takes it at the next rotation after it changed.
	#[pallet::storage]
	pub type Validators<T: Config> = StorageValue<_, BoundedVec<T::AccountId, T::MaxValidators>, ValueQuery>;

	/// Whether `Validators` changed since session last took it.
	#[pallet::storage]
	pub type SetChanged<T: Config> = StorageValue<_, bool, ValueQuery>;

	/// Blocks per session, set at genesis (the runtime's `ShouldEndSession` reads it).
	#[pallet::storage]
	pub type SessionLength<T: Config> = StorageValue<_, BlockNumberFor<T>, ValueQuery, T::DefaultSessionLength>;

	/// The session now running, as session last told it.
	#[pallet::storage]
	pub type CurrentSession<T: Config> = StorageValue<_, SessionIndex, ValueQuery>;

	/// Session from which an unbonding account may withdraw its bond.
	#[pallet::storage]
	pub type Unbonding<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, SessionIndex>;

	/// Slashes taken for offences in a session: the largest fraction reported so far and the
	/// amount it took, so a later report of the same session takes only the difference.
	#[pallet::storage]
	pub type Slashes<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		SessionIndex,
		Blake2_128Concat,
		T::AccountId,
		SlashRecord<BalanceOf<T>>,
	>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The first validators and the bonds held from their balances.
		pub validators: Vec<(T::AccountId, BalanceOf<T>)>,
		/// Blocks per session; zero keeps `DefaultSessionLength`.
		pub session_length: BlockNumberFor<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			// Balances are built before this pallet, so the bonds can be held.
			Pallet::<T>::build_genesis(&self.validators).expect("genesis validators are valid");
			if !self.session_length.is_zero() {
				SessionLength::<T>::put(self.session_length);
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// `who` holds `amount` more as its validator bond, `total` in all.
		Bonded { who: T::AccountId, amount: BalanceOf<T>, total: BalanceOf<T> },
		/// Governance admitted `who`; it validates from session `effective_from`.
		ValidatorAdded { who: T::AccountId, effective_from: SessionIndex },
		/// `who` left the set for `reason`; it stops validating from session `effective_from`.
		ValidatorRemoved { who: T::AccountId, reason: RemovalReason, effective_from: SessionIndex },
		/// `who` started unbonding; it may withdraw from session `withdrawable_from`.
		UnbondingStarted { who: T::AccountId, withdrawable_from: SessionIndex },
		/// `who` withdrew its bond of `amount`.
		BondWithdrawn { who: T::AccountId, amount: BalanceOf<T> },
		/// `who` was slashed `amount` (to `beneficiary`) for an offence in `session`, whose
		/// largest reported fraction is now `fraction`.
		Slashed {
			who: T::AccountId,
			session: SessionIndex,
			fraction: sp_runtime::Perbill,
			amount: BalanceOf<T>,
			beneficiary: T::AccountId,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The amount to bond is zero.
		ZeroBond,
		/// The account is unbonding: it may neither bond more nor be admitted until it withdrew.
		Unbonding,
		/// The account holds less than `MinValidatorBond`.
		InsufficientBond,
		/// The account has not registered session keys (`session.setKeys`).
		NoSessionKeys,
		/// The account is a validator already.
		AlreadyValidator,
		/// The account is not a validator.
		NotValidator,
		/// The set is at `MaxValidators`.
		TooManyValidators,
		/// Removing the validator would leave fewer than `MinValidators`.
		TooFewValidators,
		/// A validator must be removed by governance before it unbonds.
		StillValidator,
		/// The account holds no bond.
		NotBonded,
		/// The account did not start unbonding.
		NotUnbonding,
		/// The bond is still held for `BondingSessions` after unbonding started.
		BondStillLocked,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(T::MinValidators::get() >= 1, "an empty validator set stops the chain");
			assert!(!T::DefaultSessionLength::get().is_zero(), "sessions must end");
			assert!(T::MinValidators::get() <= T::MaxValidators::get());
			assert!(
				T::BondingSessions::get() > T::HistoryDepth::get().saturating_add(2),
				"a bond must outlive the proofs of its validator's last sessions"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Holds `amount` more of the caller's balance as its validator bond.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::bond())]
		pub fn bond(origin: OriginFor<T>, #[pallet::compact] amount: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_bond(who, amount)
		}

		/// Admits `who` to the set (governance). It needs `MinValidatorBond` held and session keys.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::add_validator())]
		pub fn add_validator(origin: OriginFor<T>, who: T::AccountId) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::do_add_validator(who)
		}

		/// Removes `who` from the set (governance), e.g. a validator that stopped authoring.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::remove_validator())]
		pub fn remove_validator(origin: OriginFor<T>, who: T::AccountId) -> DispatchResult {
			T::GovernanceOrigin::ensure_origin(origin)?;
			Self::do_remove_validator(&who, RemovalReason::Governance)
		}

		/// Starts the caller's unbonding; it must not be in the set.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::unbond())]
		pub fn unbond(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_unbond(who)
		}

		/// Releases the caller's bond once `BondingSessions` passed since it started unbonding.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::withdraw_bond())]
		pub fn withdraw_bond(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_withdraw_bond(who)
		}
	}
}
