//! # Providers
//!
//! The registry of compute and storage providers.
//!
//! - A provider `register`s with a bond, held as [`HoldReason::ProviderBond`] (at least
//!   `MinProviderBond`), a region and free-form metadata.
//! - It lists its hardware: GPUs by the hash of their NVML UUID (a GPU belongs to one provider
//!   only, the field's answer to double-listed and fake GPUs), storage bytes and CPU cores, and
//!   hourly prices per unit.
//! - It names the sr25519 key its node signs usage reports with (`set_reporting_key`).
//! - Bond management: `bond_extra`, `unbond` (never below the minimum while leases are open),
//!   `withdraw_unbonded` after `UnbondingPeriod`, `deregister` (only with no open lease).
//! - Auditors, a set managed by `AuditorOrigin`, attach attributes to providers (`tier`,
//!   `datacenter`, ...); orders can require a given auditor.
//!
//! Other pallets use [`ProviderRegistry`] to query, suspend and slash providers; the leases
//! pallet answers [`Commitments`] so hardware and bond never leave while leased. Both traits live
//! in `depin-primitives`.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

mod auditors;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod bonds;
mod hardware;
mod invariants;
pub mod migrations;
mod registry;
mod totals;
#[cfg(any(test, feature = "test-utils"))]
pub mod testing;
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
		traits::fungible::{Inspect, InspectHold, Mutate, MutateHold},
	};
	use depin_primitives::Commitments;
	use frame_system::pallet_prelude::*;
	use sp_core::{sr25519, H256};

	/// Storage layout version. 2: `Totals::storage_bytes` is a `u128` (migrations::v2). 3:
	/// `HardwareAudits` keyed by provider and auditor, with versions (migrations::v3).
	pub const STORAGE_VERSION: StorageVersion = StorageVersion::new(3);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Defaults for test runtimes: `#[derive_impl(pallet_providers::config_preludes::TestDefaultConfig)]`.
	pub mod config_preludes {
		use super::*;
		use frame_support::{
			derive_impl,
			traits::{ConstU32, ConstU64},
		};

		pub struct TestDefaultConfig;

		#[derive_impl(frame_system::config_preludes::TestDefaultConfig, no_aggregated_types)]
		impl frame_system::DefaultConfig for TestDefaultConfig {}

		#[frame_support::register_default_impl(TestDefaultConfig)]
		impl DefaultConfig for TestDefaultConfig {
			#[inject_runtime_type]
			type RuntimeHoldReason = ();
			type AuditorOrigin = frame_system::EnsureRoot<Self::AccountId>;
			type SlashBeneficiary = frame_support::traits::GetDefault;
			type Commitments = ();
			type Observer = ();
			/// Ten-block epochs reportable for five blocks after they end.
			type Clock = depin_primitives::ConstClock<10, 5>;
			type MinProviderBond = frame_support::traits::ConstUint<1_000>;
			type UnbondingPeriod = frame_support::traits::ConstUint<100>;
			type MaxMetadataLen = ConstU32<32>;
			type MaxGpusPerProvider = ConstU32<8>;
			type MaxStorageBytes = ConstU64<{ 1 << 50 }>;
			type MaxCpuCores = ConstU32<1_024>;
			type MaxAuditors = ConstU32<4>;
			type AuditorBond = frame_support::traits::ConstUint<500>;
			type MaxAttributes = ConstU32<4>;
			type WeightInfo = ();
		}
	}

	#[pallet::config(with_default)]
	pub trait Config: frame_system::Config {
		/// The native token; bonds are fungible holds on it.
		#[pallet::no_default]
		type Currency: Inspect<Self::AccountId>
			+ Mutate<Self::AccountId>
			+ InspectHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The runtime's hold reasons, of which the bond is one.
		#[pallet::no_default_bounds]
		type RuntimeHoldReason: From<HoldReason>;

		/// Manages the auditor set, slashes auditors and evicts squatted GPUs (governance).
		#[pallet::no_default_bounds]
		type AuditorOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Receives what is slashed from auditors (the treasury).
		#[pallet::no_default_bounds]
		type SlashBeneficiary: Get<Self::AccountId>;

		/// What leases have committed of each provider (the leases pallet).
		type Commitments: Commitments<Self::AccountId>;

		/// Told when a provider's record goes (the attestation pallet forgets its liveness and
		/// report history).
		type Observer: depin_primitives::ProviderObserver<Self::AccountId>;

		/// The chain's epoch clock: a change of a hardware audit counts from the next epoch on,
		/// and versions no epoch still to be reported can use are dropped.
		type Clock: Get<depin_primitives::EpochClock>;

		/// The least bond an active provider holds.
		#[pallet::constant]
		#[pallet::no_default_bounds]
		type MinProviderBond: Get<BalanceOf<Self>>;

		/// Blocks between `unbond`/`deregister` and `withdraw_unbonded`: long enough for
		/// misbehaviour during the last leases to be reported and slashed.
		#[pallet::constant]
		#[pallet::no_default_bounds]
		type UnbondingPeriod: Get<BlockNumberFor<Self>>;

		/// Longest provider metadata, in bytes.
		#[pallet::constant]
		type MaxMetadataLen: Get<u32>;

		/// Also bounds the GPU models in a price list.
		#[pallet::constant]
		type MaxGpusPerProvider: Get<u32>;

		/// Most storage one provider may declare, in bytes. Leases are sized within what is
		/// declared, so this bounds every storage figure a provider can be charged or paid for.
		#[pallet::constant]
		type MaxStorageBytes: Get<u64>;

		/// Most CPU cores one provider may declare.
		#[pallet::constant]
		type MaxCpuCores: Get<u32>;

		/// Most auditors at once.
		#[pallet::constant]
		type MaxAuditors: Get<u32>;

		/// Held from an auditor while it is one: what a false audit of hardware can cost it.
		#[pallet::constant]
		#[pallet::no_default_bounds]
		type AuditorBond: Get<BalanceOf<Self>>;

		/// Most attributes one auditor attests of a provider.
		#[pallet::constant]
		type MaxAttributes: Get<u32>;

		/// Weights of the calls, from the pallet's benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// Why funds are held by this pallet.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A provider's bond, slashable for missed service.
		ProviderBond,
		/// An auditor's bond, slashable by governance for false audits.
		AuditorBond,
	}

	#[pallet::storage]
	pub type Providers<T: Config> = CountedStorageMap<_, Blake2_128Concat, T::AccountId, ProviderRecord<T>>;

	/// The least each provider takes a lease for, per epoch (`set_min_lease_charge`); absent
	/// is zero (the chain's own minimum applies). Goes with the provider's record.
	#[pallet::storage]
	pub type MinLeaseCharge<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, BalanceOf<T>>;

	/// Active and suspended providers and their declared storage, over all providers.
	#[pallet::storage]
	pub type Totals<T: Config> = StorageValue<_, ProviderTotals, ValueQuery>;

	/// GPUs in current hardware audits, by the auditor membership that made them: the network's
	/// audited GPUs are the sum over current auditors, so removing an auditor (whose audits lapse
	/// at once) needs no walk over its audits. An entry goes with its membership.
	#[pallet::storage]
	pub type AuditedGpusByMembership<T: Config> = StorageMap<_, Twox64Concat, u32, u32, ValueQuery>;

	/// GPUs of each provider.
	#[pallet::storage]
	pub type Gpus<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, BoundedVec<GpuSpec, T::MaxGpusPerProvider>, ValueQuery>;

	/// Which provider a GPU (by UUID hash) belongs to: at most one. The key is chosen by
	/// callers, so it is hashed.
	#[pallet::storage]
	pub type GpuOwner<T: Config> = CountedStorageMap<_, Blake2_128Concat, H256, T::AccountId>;

	/// Which provider signs usage reports with a key: a node finds the providers it reports for
	/// from the keys in its keystore. One provider per key.
	#[pallet::storage]
	pub type ReportingKeyOwner<T: Config> = StorageMap<_, Blake2_128Concat, sr25519::Public, T::AccountId>;

	/// Current auditors, each with the membership number it was added under.
	#[pallet::storage]
	pub type Auditors<T: Config> = CountedStorageMap<_, Blake2_128Concat, T::AccountId, u32>;

	/// Membership number the next auditor gets.
	#[pallet::storage]
	pub type NextAuditorMembership<T: Config> = StorageValue<_, u32, ValueQuery>;

	/// Each auditor's audit of a provider: the attributes it attests (provider, auditor).
	#[pallet::storage]
	pub type Attributes<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Blake2_128Concat,
		T::AccountId,
		Audit<T>,
	>;

	/// GPUs governance took back from a squatter, each held for the account it belongs to: only
	/// that account may list it next (and its listing clears the entry). Written only by
	/// governance (`evict_gpu`), so not a spam vector.
	#[pallet::storage]
	pub type GpuReservedFor<T: Config> = StorageMap<_, Blake2_128Concat, H256, T::AccountId>;

	/// The hardware each auditor vouches exists at each provider: only audited GPUs and storage
	/// earn capacity emission. An auditor's audit is its own: only it changes it, and a change
	/// counts from the next epoch on (`HardwareAudit::versions`).
	#[pallet::storage]
	pub type HardwareAudits<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Blake2_128Concat, T::AccountId, HardwareAudit<T>>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// `provider` registered, holding `bond`.
		Registered { provider: T::AccountId, bond: BalanceOf<T> },
		/// `provider` replaced its region and metadata.
		MetadataSet { provider: T::AccountId },
		/// `provider` added `amount` to its bond, now `bond`.
		Bonded { provider: T::AccountId, amount: BalanceOf<T>, bond: BalanceOf<T> },
		/// `amount` of `provider`'s bond started unbonding; it can be withdrawn from `unlock_at`.
		Unbonding { provider: T::AccountId, amount: BalanceOf<T>, unlock_at: BlockNumberFor<T> },
		/// `amount` of unbonded funds returned to `provider`'s free balance.
		Withdrawn { provider: T::AccountId, amount: BalanceOf<T> },
		/// `provider` left the market; its whole bond unlocks at `unlock_at`.
		Deregistered { provider: T::AccountId, unlock_at: BlockNumberFor<T> },
		/// The deregistered provider withdrew its whole bond; its record is gone.
		Removed { provider: T::AccountId },
		/// `provider` listed `count` more GPUs.
		GpusAdded { provider: T::AccountId, count: u32 },
		/// `count` of `provider`'s GPUs were delisted (by it, or because it unbonded).
		GpusRemoved { provider: T::AccountId, count: u32 },
		/// `provider` takes no lease below `per_epoch` an epoch from now on.
		MinLeaseChargeSet { provider: T::AccountId, per_epoch: BalanceOf<T> },
		/// Governance took GPU `uuid_hash` from `squatter`, slashing `slashed` of its bond, and
		/// holds the GPU for `owner` to list.
		GpuEvicted { squatter: T::AccountId, uuid_hash: H256, owner: T::AccountId, slashed: BalanceOf<T> },
		/// `provider` now offers this storage and these CPU cores.
		CapacitySet { provider: T::AccountId, storage_bytes: u64, cpu_cores: u32 },
		/// `provider` replaced its price list.
		PricesSet { provider: T::AccountId },
		/// `provider`'s node now signs usage reports with `key`.
		ReportingKeySet { provider: T::AccountId, key: sr25519::Public },
		/// `provider` was barred from new leases (e.g. for missed reports).
		Suspended { provider: T::AccountId },
		/// `provider`'s suspension was lifted.
		Resumed { provider: T::AccountId },
		/// `amount` of `provider`'s bond went to `beneficiary`.
		Slashed { provider: T::AccountId, amount: BalanceOf<T>, beneficiary: T::AccountId },
		/// Governance made `auditor` an auditor; `bond` is held from it.
		AuditorAdded { auditor: T::AccountId, bond: BalanceOf<T> },
		/// `auditor` is no longer one (removed by governance, or slashed below `AuditorBond`); its
		/// audits stop counting and what is left of its bond returned.
		AuditorRemoved { auditor: T::AccountId },
		/// Governance slashed `amount` of `auditor`'s bond to the slash beneficiary.
		AuditorSlashed { auditor: T::AccountId, amount: BalanceOf<T> },
		/// `auditor` vouches for `gpus` of `provider`'s GPUs and `storage_gib` of its storage.
		HardwareAudited { provider: T::AccountId, auditor: T::AccountId, gpus: u32, storage_gib: u64 },
		/// `auditor` attested `count` attributes of `provider`.
		AttributesSet { provider: T::AccountId, auditor: T::AccountId, count: u32 },
		/// `auditor` withdrew its audit of `provider`.
		AttributesCleared { provider: T::AccountId, auditor: T::AccountId },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The caller is a provider already.
		AlreadyRegistered,
		/// Another provider reports with this key.
		ReportingKeyInUse,
		/// The proof is not the reporting key's signature over the provider account and this
		/// chain's genesis hash.
		BadReportingKeyProof,
		/// The account is not a registered provider.
		NotRegistered,
		/// The bond would be below `MinProviderBond`.
		BondBelowMinimum,
		/// Not enough free balance for the bond.
		InsufficientBalance,
		/// An amount of zero.
		ZeroAmount,
		/// Unbonding below the minimum, or deregistering, while leases are open.
		HasOpenLeases,
		/// More than the active bond.
		UnbondTooLarge,
		/// Nothing is unbonding.
		NothingToWithdraw,
		/// The unbonding period has not passed yet.
		StillLocked,
		/// The call needs a provider that is not leaving or gone.
		ProviderLeaving,
		/// Only an active provider can be suspended.
		NotActive,
		/// Only a suspended provider can be resumed.
		NotSuspended,
		/// The GPU is registered to a provider already (maybe this one).
		GpuAlreadyRegistered,
		/// The same GPU appears twice in the call.
		DuplicateGpu,
		/// More GPUs than `MaxGpusPerProvider`.
		TooManyGpus,
		/// An empty GPU list.
		NoGpus,
		/// The GPU is not one of the caller's.
		GpuNotFound,
		/// The GPU is rented out.
		GpuLeased,
		/// Governance holds this GPU for another account (it was evicted from a squatter).
		GpuReserved,
		/// A GPU cannot be evicted in favour of the account that holds it.
		EvictionToSelf,
		/// A GPU with no model name or no memory.
		InvalidGpu,
		/// A slash cannot pay the slashed provider itself.
		InvalidBeneficiary,
		/// Attributes with an empty or repeated key.
		InvalidAttributes,
		/// Capacity below what is leased.
		CapacityInUse,
		/// Capacity above `MaxStorageBytes` or `MaxCpuCores`.
		CapacityTooLarge,
		/// The same GPU model is priced twice.
		DuplicatePrice,
		/// The account is an auditor already.
		AlreadyAuditor,
		/// The account is not an auditor.
		NotAuditor,
		/// The auditor set is at `MaxAuditors`.
		TooManyAuditors,
		/// No attributes given, or none attested to clear.
		NoAttributes,
		/// An audit names a GPU twice, or one the provider has not registered.
		UnknownGpu,
		/// An audit vouches for more storage than the provider declared.
		StorageNotDeclared,
		/// An auditor cannot audit itself.
		SelfAudit,
		/// An audit changed more often than the versions kept for epochs under way allow.
		TooManyAuditVersions,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(!T::MinProviderBond::get().is_zero(), "a provider bond must be non-zero");
			assert!(
				T::MinProviderBond::get() >= T::Currency::minimum_balance(),
				"the minimum bond must be at least the existential deposit"
			);
			assert!(!T::UnbondingPeriod::get().is_zero(), "unbonding must take time");
			assert!(T::MaxGpusPerProvider::get() > 0);
			assert!(T::MaxAuditors::get() > 0);
			assert!(T::MaxAttributes::get() > 0);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Registers the caller as a provider, holding `bond` (≥ `MinProviderBond`).
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register())]
		pub fn register(
			origin: OriginFor<T>,
			bond: BalanceOf<T>,
			region: Region,
			metadata: BoundedVec<u8, T::MaxMetadataLen>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_register(who, bond, region, metadata)
		}

		/// Replaces the provider's region and metadata.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::set_metadata())]
		pub fn set_metadata(
			origin: OriginFor<T>,
			region: Region,
			metadata: BoundedVec<u8, T::MaxMetadataLen>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_metadata(who, region, metadata)
		}

		/// Adds `amount` to the bond.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::bond_extra())]
		pub fn bond_extra(origin: OriginFor<T>, amount: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_bond_extra(who, amount)
		}

		/// Starts unbonding `amount`; it stays held until `UnbondingPeriod` has passed. Going
		/// below `MinProviderBond` is allowed only with no open lease; it marks the provider
		/// `Unbonding` (no new leases) and delists its GPUs, so no hardware stays reserved
		/// without a bond behind it.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::unbond(T::MaxGpusPerProvider::get()))]
		pub fn unbond(origin: OriginFor<T>, amount: BalanceOf<T>) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			Self::do_unbond(who, amount)
		}

		/// Releases unbonded funds whose period has passed. A deregistered provider's record is
		/// removed once everything is withdrawn.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::withdraw_unbonded().saturating_add(
			<T::Observer as depin_primitives::ProviderObserver<T::AccountId>>::provider_removed_weight(),
		))]
		pub fn withdraw_unbonded(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_withdraw_unbonded(who)
		}

		/// Leaves the market: only with no open lease. Releases the GPUs and starts unbonding
		/// the whole bond.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::deregister(T::MaxGpusPerProvider::get(), T::MaxAuditors::get()))]
		pub fn deregister(origin: OriginFor<T>) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			Self::do_deregister(who)
		}

		/// Lists GPUs. Each UUID hash may belong to one provider only.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::add_gpus(gpus.len() as u32))]
		pub fn add_gpus(
			origin: OriginFor<T>,
			gpus: BoundedVec<GpuSpec, T::MaxGpusPerProvider>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_add_gpus(who, gpus)
		}

		/// Delists GPUs that are not leased.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::remove_gpus(uuid_hashes.len() as u32))]
		pub fn remove_gpus(
			origin: OriginFor<T>,
			uuid_hashes: BoundedVec<H256, T::MaxGpusPerProvider>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_remove_gpus(who, uuid_hashes)
		}

		/// Sets storage (bytes) and CPU cores on offer: never below what is leased, never above
		/// `MaxStorageBytes` and `MaxCpuCores`.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::set_capacity())]
		pub fn set_capacity(origin: OriginFor<T>, storage_bytes: u64, cpu_cores: u32) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_capacity(who, Capacity { storage_bytes, cpu_cores })
		}

		/// Sets hourly prices: per GPU of a model, per GiB of storage, per CPU core. Open
		/// leases keep the price they were opened at.
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::set_prices())]
		pub fn set_prices(
			origin: OriginFor<T>,
			prices: PriceList<BalanceOf<T>, T::MaxGpusPerProvider>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_prices(who, prices)
		}

		/// Names the sr25519 key the provider's node signs usage reports with. `proof` is that
		/// key's signature over `reporting_key_proof_payload` (the provider account and this
		/// chain's genesis hash): nobody can name a key it does not hold, so nobody can squat
		/// another provider's key or have another node sign reports for it.
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::set_reporting_key())]
		pub fn set_reporting_key(
			origin: OriginFor<T>,
			key: sr25519::Public,
			proof: sr25519::Signature,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_reporting_key(who, key, proof)
		}

		/// Makes `auditor` an auditor, holding `AuditorBond` of its free balance.
		#[pallet::call_index(11)]
		#[pallet::weight(T::WeightInfo::add_auditor())]
		pub fn add_auditor(origin: OriginFor<T>, auditor: T::AccountId) -> DispatchResult {
			T::AuditorOrigin::ensure_origin(origin)?;
			Self::do_add_auditor(auditor)
		}

		/// Removes an auditor and returns its bond; what it attested stops counting at once.
		#[pallet::call_index(12)]
		#[pallet::weight(T::WeightInfo::remove_auditor())]
		pub fn remove_auditor(origin: OriginFor<T>, auditor: T::AccountId) -> DispatchResult {
			T::AuditorOrigin::ensure_origin(origin)?;
			Self::do_remove_auditor(auditor)
		}

		/// An auditor attests attributes of a provider, replacing its earlier ones.
		#[pallet::call_index(13)]
		#[pallet::weight(T::WeightInfo::set_attributes(attributes.len() as u32))]
		pub fn set_attributes(
			origin: OriginFor<T>,
			provider: T::AccountId,
			attributes: BoundedVec<(AttributeKey, AttributeValue), T::MaxAttributes>,
		) -> DispatchResult {
			let auditor = ensure_signed(origin)?;
			Self::do_set_attributes(auditor, provider, attributes)
		}

		/// An auditor (current or former) withdraws its audit of a provider's attributes.
		#[pallet::call_index(14)]
		#[pallet::weight(T::WeightInfo::clear_attributes())]
		pub fn clear_attributes(origin: OriginFor<T>, provider: T::AccountId) -> DispatchResult {
			let auditor = ensure_signed(origin)?;
			Self::do_clear_attributes(auditor, provider)
		}

		/// Governance slashes up to `amount` of `auditor`'s bond to the slash beneficiary (for a
		/// false audit); an auditor left below `AuditorBond` is removed.
		#[pallet::call_index(15)]
		#[pallet::weight(T::WeightInfo::slash_auditor())]
		pub fn slash_auditor(origin: OriginFor<T>, auditor: T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
			T::AuditorOrigin::ensure_origin(origin)?;
			Self::do_slash_auditor(auditor, amount)
		}

		/// An auditor vouches that `provider` has these registered GPUs and at least
		/// `storage_gib` of its declared storage, replacing its own earlier audit (other
		/// auditors' audits are theirs); an empty audit withdraws it. Only audited hardware earns
		/// capacity emission, for epochs that begin after the audit: epochs already under way
		/// keep the audit they began with. A GPU delisted since leaves it.
		#[pallet::call_index(16)]
		#[pallet::weight(T::WeightInfo::audit_hardware(gpus.len() as u32))]
		pub fn audit_hardware(
			origin: OriginFor<T>,
			provider: T::AccountId,
			gpus: BoundedVec<H256, T::MaxGpusPerProvider>,
			storage_gib: u64,
		) -> DispatchResult {
			let auditor = ensure_signed(origin)?;
			Self::do_audit_hardware(auditor, provider, gpus, storage_gib)
		}

		/// Governance takes GPU `uuid_hash` from the account listing it, a squatter that listed
		/// another's physical GPU (GPU hashes are first come, and visible in the pool to a
		/// front-runner): closes the lease holding it, if any, slashes up to `slash` of the
		/// squatter's bond to the slash beneficiary, delists the GPU and holds it for `owner`,
		/// the only account that may list it next.
		#[pallet::call_index(17)]
		#[pallet::weight(T::WeightInfo::evict_gpu().saturating_add(
			<T::Commitments as Commitments<T::AccountId>>::end_lease_of_gpu_weight(),
		))]
		pub fn evict_gpu(
			origin: OriginFor<T>,
			uuid_hash: H256,
			owner: T::AccountId,
			slash: BalanceOf<T>,
		) -> DispatchResult {
			T::AuditorOrigin::ensure_origin(origin)?;
			Self::do_evict_gpu(uuid_hash, owner, slash)
		}

		/// Sets the least a new lease (or bid) of this provider may cost per epoch; open leases
		/// keep their price. A provider's lease slots (`MaxLeasesPerProvider`) are then filled
		/// only by leases paying at least this each: what the provider decides a slot is worth.
		#[pallet::call_index(18)]
		#[pallet::weight(T::WeightInfo::set_min_lease_charge())]
		pub fn set_min_lease_charge(origin: OriginFor<T>, per_epoch: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_min_lease_charge(who, per_epoch)
		}
	}
}
