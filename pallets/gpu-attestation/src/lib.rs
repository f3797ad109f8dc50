//! # GPU attestation
//!
//! Hardware that proves itself: an NVIDIA GPU in confidential-computing mode signs an SPDM
//! GET_MEASUREMENTS report under a certificate chain that runs through a per-device CA to
//! NVIDIA's root. This pallet verifies that proof in the runtime (`verify`, RustCrypto `p384` and
//! `x509-cert`, `no_std`) and records, per GPU entry, what the device proved.
//!
//! - **Roots** ([`Roots`]): fingerprints (blake2-256 of the public key) of the roots a chain may
//!   end in: set at genesis, added and retired by `AdminOrigin` (governance). Retiring a root ends
//!   every attestation under it at once.
//! - **Nonce** ([`Pallet::nonce`]): blake2-256 of the epoch's seed — the hash of the block before
//!   the epoch's first, unknown until the epoch begins — with provider, GPU entry and epoch. A
//!   report answers exactly one (provider, GPU, epoch): an old one, or another provider's, fails
//!   its nonce check.
//! - **Submission** ([`Pallet::submit_attestation`]): a bare extrinsic signed by the provider's
//!   reporting key, sent by the node's off-chain worker (`worker`), as usage reports are. Checks,
//!   cheap ones first (`attest`): the current epoch, the per-block cap, the reporting key's
//!   signature, the GPU listed by the provider, once per GPU entry and once per chip per epoch,
//!   then the chain and report (`verify`), then the device identity: not revoked, not held by
//!   another account or another GPU entry.
//! - **One chip, one identity** ([`DeviceClaims`]): the first provider to attest a chip holds its
//!   identity while its claim stands (the GPU still listed and its attestation in force);
//!   `AdminOrigin` may revoke an identity, or move it to its rightful owner.
//! - **Expiry**: an attestation covers `ValidityEpochs` epochs from the one it answered; the
//!   worker renews it before it lapses.
//!
//! Spam: only a registered provider's reporting key can submit, for its own listed GPUs, at most
//! one accepted attestation per GPU entry and per chip per epoch (the pool keeps one per
//! (provider, GPU, epoch)); at most `MaxAttestationsPerBlock` land in a block, so usage reports
//! and transfers keep the rest of it. See docs/hardware-trust.md.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

mod attest;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod governance;
mod invariants;
// A stand-in CA and chips for tests, benchmarks and the node's `synthetic:` source; never in
// the on-chain runtime.
#[cfg(any(feature = "std", feature = "runtime-benchmarks"))]
pub mod synthetic;
pub mod types;
pub mod verify;
pub mod weights;
pub mod worker;

#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use depin_primitives::{EpochClock, EpochIndex, ProviderRegistry};
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;
	use sp_core::{sr25519, H256};

	pub const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config + frame_system::offchain::CreateBare<Call<Self>> {
		/// The balance type of the provider registry (unused here but by its trait).
		type ProviderBalance;

		/// The provider registry: reporting keys and which GPU entries each provider lists.
		type Providers: ProviderRegistry<Self::AccountId, Self::ProviderBalance>;

		/// The chain's epoch clock.
		type Clock: Get<EpochClock>;

		/// Adds and retires roots, revokes and moves device identities (governance).
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Most roots trusted at once.
		#[pallet::constant]
		type MaxRoots: Get<u32>;

		/// Epochs an attestation covers, from the one whose nonce it answered.
		#[pallet::constant]
		type ValidityEpochs: Get<EpochIndex>;

		/// Most attestations accepted in one block: what verification may take of a block.
		#[pallet::constant]
		type MaxAttestationsPerBlock: Get<u32>;

		/// Most GPU entries a provider may list (the registry's bound): what checking all of a
		/// provider's GPUs for attestations can read.
		#[pallet::constant]
		type MaxGpusPerProvider: Get<u32>;

		/// Pool priority of attestations (as of usage reports).
		#[pallet::constant]
		type AttestationPriority: Get<TransactionPriority>;

		type WeightInfo: WeightInfo;
	}

	/// Roots a certificate chain may end in, by fingerprint.
	#[pallet::storage]
	pub type Roots<T: Config> = CountedStorageMap<_, Identity, RootId, RootRecord, OptionQuery>;

	/// Device identities governance revoked (a leaked or cloned per-device key): never accepted
	/// again.
	#[pallet::storage]
	pub type RevokedDevices<T: Config> = StorageMap<_, Identity, DeviceId, EpochIndex, OptionQuery>;

	/// Who holds each device identity.
	#[pallet::storage]
	pub type DeviceClaims<T: Config> = StorageMap<_, Identity, DeviceId, DeviceClaim<T::AccountId>, OptionQuery>;

	/// The attestation recorded for each provider's GPU entry. At most one record per chip:
	/// a chip attested under a new entry leaves its old one.
	#[pallet::storage]
	pub type Attestations<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Identity, H256, AttestationRecord, OptionQuery>;

	/// The current epoch's nonce seed: (epoch, hash of the block before its first).
	#[pallet::storage]
	pub type EpochSeed<T: Config> = StorageValue<_, (EpochIndex, H256), OptionQuery>;

	/// Attestations accepted in a block: (block, count), against `MaxAttestationsPerBlock`.
	#[pallet::storage]
	pub type BlockAttestations<T: Config> = StorageValue<_, (BlockNumberFor<T>, u32), ValueQuery>;

	/// The epoch each GPU entry last submitted an attestation in, accepted or not: one
	/// verification per GPU entry and epoch.
	#[pallet::storage]
	pub type Attempts<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Identity, H256, EpochIndex, OptionQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Fingerprints of the trusted roots (blake2-256 of each SEC1 public key).
		pub roots: alloc::vec::Vec<RootId>,
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			assert!(self.roots.len() as u32 <= T::MaxRoots::get(), "at most MaxRoots genesis roots");
			for root in &self.roots {
				Roots::<T>::insert(root, RootRecord { added: 0 });
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A GPU proved itself: its report answered the chain's nonce under a trusted root.
		GpuAttested {
			provider: T::AccountId,
			gpu: H256,
			device: DeviceId,
			root: RootId,
			project: depin_primitives::AttestedField,
			sku: depin_primitives::AttestedField,
			driver_version: depin_primitives::AttestedField,
			vbios_version: depin_primitives::AttestedField,
			attested: EpochIndex,
			expires: EpochIndex,
		},
		/// A submission passed the cheap checks but its report or chip was refused; the GPU
		/// entry's attempt for the epoch is spent.
		AttestationRefused { provider: T::AccountId, gpu: H256, epoch: EpochIndex, error: DispatchError },
		/// Governance trusts a new root.
		RootAdded { root: RootId },
		/// Governance retired a root: every attestation under it has ended.
		RootRetired { root: RootId },
		/// Governance revoked a device identity; its holder's attestation ended.
		DeviceRevoked { device: DeviceId, holder: Option<T::AccountId> },
		/// Governance moved a device identity to `to`, ending `from`'s attestation of it.
		DeviceReassigned { device: DeviceId, from: Option<T::AccountId>, to: T::AccountId },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The report or its certificate chain failed verification (the inner error says how).
		Verification(verify::VerifyError),
		/// The submission is not for the current epoch: its nonce is stale or not yet issued.
		WrongEpoch,
		/// The provider has no reporting key.
		NoReportingKey,
		/// The reporting key's signature does not match the submission.
		BadSignature,
		/// The provider is not registered.
		NotRegistered,
		/// The GPU entry is not listed by the provider.
		NotProvidersGpu,
		/// This GPU entry or this chip already attested in this epoch.
		AlreadyAttestedThisEpoch,
		/// Governance revoked this device identity.
		DeviceRevoked,
		/// Another account holds this device identity.
		DeviceHeldByAnotherAccount,
		/// The provider already holds this device identity under another GPU entry.
		DeviceOnAnotherGpu,
		/// Governance reserved this device identity for another account.
		DeviceReserved,
		/// The block holds `MaxAttestationsPerBlock` attestations already.
		BlockFull,
		/// A version or id field of the report is longer than the chain records.
		FieldTooLong,
		/// The root is trusted already.
		RootExists,
		/// No such root is trusted.
		UnknownRoot,
		/// `MaxRoots` roots are trusted already.
		TooManyRoots,
		/// The device identity is revoked already.
		AlreadyRevoked,
		/// The identity is already reserved for, or held by, that account.
		AlreadyHeld,
	}

	#[allow(deprecated)]
	#[pallet::validate_unsigned]
	impl<T: Config> ValidateUnsigned for Pallet<T> {
		type Call = Call<T>;

		fn validate_unsigned(_source: TransactionSource, call: &Self::Call) -> TransactionValidity {
			match call {
				Call::submit_attestation { submission, signature } =>
					Self::validate_submission(submission, signature),
				_ => InvalidTransaction::Call.into(),
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Draws the epoch's nonce seed in its first block.
		fn on_initialize(_block: BlockNumberFor<T>) -> Weight {
			Self::note_epoch_seed()
		}

		fn offchain_worker(block: BlockNumberFor<T>) {
			worker::run::<T>(block);
		}

		fn integrity_test() {
			assert!(T::ValidityEpochs::get() > 0, "an attestation covers at least its own epoch");
			assert!(T::MaxRoots::get() > 0);
			assert!(T::MaxAttestationsPerBlock::get() > 0);
			// Verification may take at most a quarter of a block's normal weight.
			let weights = <T as frame_system::Config>::BlockWeights::get();
			let normal = weights.get(frame_support::dispatch::DispatchClass::Normal);
			let limit = normal.max_total.unwrap_or(weights.max_block);
			let all = T::WeightInfo::submit_attestation().saturating_mul(T::MaxAttestationsPerBlock::get().into());
			assert!(
				all.all_lte(limit / 4),
				"MaxAttestationsPerBlock attestations take at most a quarter of a block"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// A GPU's attestation report and certificate chain answering this epoch's nonce for
		/// (provider, GPU), signed by the provider's reporting key. A bare extrinsic: no fee; see
		/// the module docs for why spam cannot crowd out other transactions.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::submit_attestation())]
		pub fn submit_attestation(
			origin: OriginFor<T>,
			submission: AttestationSubmission<T::AccountId>,
			signature: sr25519::Signature,
		) -> DispatchResult {
			ensure_none(origin)?;
			Self::do_submit_attestation(submission, signature)
		}

		/// Trusts a root, given its self-signed P-384 certificate (DER).
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::add_root())]
		pub fn add_root(origin: OriginFor<T>, certificate: Certificate) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_add_root(&certificate)
		}

		/// Stops trusting a root: every attestation under it ends.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::retire_root())]
		pub fn retire_root(origin: OriginFor<T>, root: RootId) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_retire_root(root)
		}

		/// Revokes a device identity for good (a leaked or cloned per-device key).
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::revoke_device())]
		pub fn revoke_device(origin: OriginFor<T>, device: DeviceId) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_revoke_device(device)
		}

		/// Moves a device identity to its rightful owner: whoever holds it loses its attestation
		/// of it, and only `to` may attest the chip from now on.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::reassign_device())]
		pub fn reassign_device(origin: OriginFor<T>, device: DeviceId, to: T::AccountId) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_reassign_device(device, to)
		}
	}
}

/// Attested GPUs for the registry, the leases pallet and the runtime API.
impl<T: Config> depin_primitives::HardwareAttestations<T::AccountId> for Pallet<T> {
	fn attestation(
		provider: &T::AccountId,
		gpu: &sp_core::H256,
		epoch: depin_primitives::EpochIndex,
	) -> Option<depin_primitives::AttestedGpu> {
		Self::attestation_in_force(provider, gpu, epoch).map(|record| depin_primitives::AttestedGpu {
			device: record.device,
			project: record.project,
			sku: record.sku,
			driver_version: record.driver_version,
			vbios_version: record.vbios_version,
			attested: record.attested,
			expires: record.expires,
		})
	}

	/// Its record, its root, its device's revocation, and its owner in the registry.
	fn lookup_weight() -> frame_support::weights::Weight {
		use frame_support::traits::Get;
		<T as frame_system::Config>::DbWeight::get().reads(4)
	}

	fn selection_weight() -> frame_support::weights::Weight {
		use frame_support::traits::Get;
		Self::lookup_weight().saturating_mul(T::MaxGpusPerProvider::get().into())
	}
}

/// A provider's records go with its registration.
impl<T: Config> depin_primitives::ProviderObserver<T::AccountId> for Pallet<T> {
	fn provider_removed(provider: &T::AccountId) {
		Self::forget_provider(provider);
	}

	fn provider_removed_weight() -> frame_support::weights::Weight {
		T::WeightInfo::forget_provider()
	}
}
