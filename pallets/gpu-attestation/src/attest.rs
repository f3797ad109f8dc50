//! Nonces, and the checks and recording of a submitted attestation.

use codec::Encode;
use depin_primitives::{AttestedField, BlockIndex, EpochIndex, ProviderRegistry, ProviderStatus};
use frame_support::{ensure, pallet_prelude::*, traits::Get};
use sp_core::{sr25519, H256};
use sp_runtime::{
	traits::UniqueSaturatedInto,
	transaction_validity::{InvalidTransaction, TransactionValidity, TransactionValidityError, ValidTransaction},
};

use crate::{pallet::*, types::*, verify, weights::WeightInfo, Config};

/// Most records `forget_provider` removes: more GPU entries than a provider can list.
pub const FORGET_LIMIT: u32 = 256;

/// What the chain verified of a submission.
#[derive(Encode, codec::Decode, codec::DecodeWithMemTracking, scale_info::TypeInfo, MaxEncodedLen, Clone, PartialEq, Eq, Debug)]
pub struct VerifiedAttestation {
	pub device: DeviceId,
	pub root: RootId,
	pub project: AttestedField,
	pub sku: AttestedField,
	pub driver_version: AttestedField,
	pub vbios_version: AttestedField,
	pub measurements: [u8; 48],
}

impl<T: Config> Pallet<T> {
	pub(crate) fn now() -> BlockIndex {
		frame_system::Pallet::<T>::block_number().unique_saturated_into()
	}

	pub fn current_epoch() -> EpochIndex {
		T::Clock::get().epoch_of(Self::now())
	}

	/// Records the seed of a new epoch in its first block: the hash of the block before, which
	/// nobody knew before the epoch began.
	pub(crate) fn note_epoch_seed() -> Weight {
		let epoch = Self::current_epoch();
		if EpochSeed::<T>::get().map(|(seeded, _)| seeded) != Some(epoch) {
			let parent = frame_system::Pallet::<T>::parent_hash();
			EpochSeed::<T>::put((epoch, H256(sp_io::hashing::blake2_256(parent.as_ref()))));
			return T::WeightInfo::note_epoch_seed()
		}
		T::DbWeight::get().reads(1)
	}

	/// The nonce a report for `provider`'s GPU `gpu` must answer in `epoch`: `None` unless
	/// `epoch` is the one seeded (the current one).
	pub fn nonce(provider: &T::AccountId, gpu: &H256, epoch: EpochIndex) -> Option<[u8; 32]> {
		let (seeded, seed) = EpochSeed::<T>::get()?;
		(seeded == epoch).then(|| sp_io::hashing::blake2_256(&(NONCE_DOMAIN, seed, provider, gpu, epoch).encode()))
	}

	/// The GPU entry's attestation if it is in force during `epoch`: not expired, its run begun
	/// no later than `epoch`, its root trusted, its device not revoked, the entry still the
	/// provider's.
	pub fn attestation_in_force(provider: &T::AccountId, gpu: &H256, epoch: EpochIndex) -> Option<AttestationRecord> {
		let record = Attestations::<T>::get(provider, gpu)?;
		let in_force = record.since <= epoch &&
			epoch < record.expires &&
			Roots::<T>::contains_key(record.root) &&
			!RevokedDevices::<T>::contains_key(record.device) &&
			T::Providers::gpu_owner(gpu).as_ref() == Some(provider);
		in_force.then_some(record)
	}

	/// A claim stands while governance reserves it, or while its GPU entry is still its owner's
	/// and attested by this chip. A lapsed claim may be taken by whoever attests the chip next.
	pub(crate) fn claim_stands(device: &DeviceId, claim: &DeviceClaim<T::AccountId>, epoch: EpochIndex) -> bool {
		match claim.gpu {
			None => true,
			Some(gpu) => Self::attestation_in_force(&claim.owner, &gpu, epoch).is_some_and(|record| record.device == *device),
		}
	}

	/// The cheap checks, all the pool runs: the current epoch, room in the block, the provider's
	/// reporting key's signature, a registered provider listing the GPU, and no attempt for this
	/// GPU entry yet in this epoch. A submission that passes them costs one verification, once
	/// per GPU entry and epoch, whatever it holds.
	pub(crate) fn check_cheap(
		submission: &AttestationSubmission<T::AccountId>,
		signature: &sr25519::Signature,
	) -> Result<(), Error<T>> {
		let epoch = Self::current_epoch();
		ensure!(submission.epoch == epoch, Error::<T>::WrongEpoch);
		ensure!(Self::block_attestations() < T::MaxAttestationsPerBlock::get(), Error::<T>::BlockFull);

		let provider = &submission.provider;
		let key = T::Providers::reporting_key(provider).ok_or(Error::<T>::NoReportingKey)?;
		ensure!(
			sp_io::crypto::sr25519_verify(signature, &submission.signing_payload(), &key),
			Error::<T>::BadSignature
		);
		match T::Providers::status(provider) {
			None | Some(ProviderStatus::Deregistered) => return Err(Error::<T>::NotRegistered),
			Some(_) => {},
		}
		ensure!(T::Providers::gpu_owner(&submission.gpu).as_ref() == Some(provider), Error::<T>::NotProvidersGpu);
		ensure!(Attempts::<T>::get(provider, submission.gpu) != Some(epoch), Error::<T>::AlreadyAttestedThisEpoch);
		Ok(())
	}

	/// The costly part: the certificate chain and report against the chain's nonce, then the
	/// device identity (not revoked, not held by another account or entry, once per epoch).
	pub(crate) fn verify_submission(
		submission: &AttestationSubmission<T::AccountId>,
	) -> Result<VerifiedAttestation, Error<T>> {
		let epoch = submission.epoch;
		let provider = &submission.provider;
		let nonce = Self::nonce(provider, &submission.gpu, epoch).ok_or(Error::<T>::WrongEpoch)?;
		let chain: alloc::vec::Vec<&[u8]> = submission.chain.iter().map(|certificate| certificate.as_slice()).collect();
		// The root the chain ended in, as the verifier asked about it.
		let root = core::cell::Cell::new(None);
		let verified = verify::verify_report(
			&submission.report,
			&chain,
			|key| {
				let fingerprint = Self::fingerprint(key);
				let trusted = Roots::<T>::contains_key(fingerprint);
				if trusted {
					root.set(Some(fingerprint));
				}
				trusted
			},
			&nonce,
		)
		.map_err(Error::<T>::Verification)?;
		let root = root.get().ok_or(Error::<T>::Verification(verify::VerifyError::UntrustedRoot))?;

		let device = Self::fingerprint(&verified.device_public_key);
		ensure!(!RevokedDevices::<T>::contains_key(device), Error::<T>::DeviceRevoked);
		if let Some(claim) = DeviceClaims::<T>::get(device) {
			if claim.owner != *provider {
				if claim.gpu.is_none() {
					return Err(Error::<T>::DeviceReserved)
				}
				ensure!(!Self::claim_stands(&device, &claim, epoch), Error::<T>::DeviceHeldByAnotherAccount);
			} else if let Some(held) = claim.gpu.filter(|held| *held != submission.gpu) {
				ensure!(
					!Self::claim_stands(&device, &DeviceClaim { gpu: Some(held), ..claim.clone() }, epoch),
					Error::<T>::DeviceOnAnotherGpu
				);
			}
			// Once per chip and epoch, whatever entry or account: delisting and relisting it
			// cannot fill blocks with one chip.
			ensure!(claim.last_attested != Some(epoch), Error::<T>::AlreadyAttestedThisEpoch);
		}

		let field = |value: alloc::vec::Vec<u8>| AttestedField::try_from(value).map_err(|_| Error::<T>::FieldTooLong);
		Ok(VerifiedAttestation {
			device,
			root,
			project: field(verified.project)?,
			sku: field(verified.sku)?,
			driver_version: field(verified.driver_version)?,
			vbios_version: field(verified.vbios_version)?,
			measurements: verified.measurements_digest,
		})
	}

	/// blake2-256 of a SEC1 public key: how roots and device identities are named.
	pub fn fingerprint(public_key: &[u8]) -> H256 {
		H256(sp_io::hashing::blake2_256(public_key))
	}

	/// Attestations already accepted in this block.
	pub(crate) fn block_attestations() -> u32 {
		let (block, count) = BlockAttestations::<T>::get();
		if block == frame_system::Pallet::<T>::block_number() {
			count
		} else {
			0
		}
	}

	/// The pool's view: submissions passing the cheap checks, one per (provider, GPU, epoch),
	/// kept until the epoch ends; a full block makes them wait for the next. The pool verifies
	/// no certificate: a node cannot be made to verify junk for free (see `check_cheap`).
	pub(crate) fn validate_submission(
		submission: &AttestationSubmission<T::AccountId>,
		signature: &sr25519::Signature,
	) -> TransactionValidity {
		Self::check_cheap(submission, signature).map_err(Self::invalid)?;
		let clock = T::Clock::get();
		let longevity = clock.last_block(submission.epoch).saturating_sub(Self::now()).saturating_add(1);
		ValidTransaction::with_tag_prefix("DepinGpuAttestation")
			.priority(T::AttestationPriority::get())
			.and_provides((&submission.provider, submission.gpu, submission.epoch))
			.longevity(longevity.into())
			.propagate(true)
			.build()
	}

	fn invalid(error: Error<T>) -> TransactionValidityError {
		match error {
			Error::<T>::BlockFull => InvalidTransaction::ExhaustsResources.into(),
			Error::<T>::WrongEpoch => InvalidTransaction::Stale.into(),
			Error::<T>::BadSignature => InvalidTransaction::BadProof.into(),
			other => {
				// The pallet error's index, as wallets show a custom validity code.
				let code = match sp_runtime::DispatchError::from(other) {
					sp_runtime::DispatchError::Module(module) => module.error.first().copied().unwrap_or(u8::MAX),
					_ => u8::MAX,
				};
				InvalidTransaction::Custom(code).into()
			},
		}
	}

	/// The cheap checks again (a dispatch error here changes nothing); then the attempt is
	/// counted — for the GPU entry's epoch and the block's cap — whatever the verification
	/// says, so junk costs one verification per listed GPU and epoch. A refused report is an
	/// `AttestationRefused` event, not a failed extrinsic: the attempt must stay counted.
	pub(crate) fn do_submit_attestation(
		submission: AttestationSubmission<T::AccountId>,
		signature: sr25519::Signature,
	) -> DispatchResult {
		Self::check_cheap(&submission, &signature)?;
		Attempts::<T>::insert(&submission.provider, submission.gpu, submission.epoch);
		let block = frame_system::Pallet::<T>::block_number();
		BlockAttestations::<T>::put((block, Self::block_attestations().saturating_add(1)));
		match Self::verify_submission(&submission) {
			Ok(verified) => Self::record(submission, verified),
			Err(error) => Self::deposit_event(Event::<T>::AttestationRefused {
				provider: submission.provider,
				gpu: submission.gpu,
				epoch: submission.epoch,
				error: error.into(),
			}),
		}
		Ok(())
	}

	fn record(submission: AttestationSubmission<T::AccountId>, verified: VerifiedAttestation) {
		let AttestationSubmission { provider, gpu, epoch, .. } = submission;
		let device = verified.device;
		// One record per chip: the entry it attested before, under whichever account, goes.
		if let Some(DeviceClaim { owner, gpu: Some(old_gpu), .. }) = DeviceClaims::<T>::get(device) {
			if (&owner, old_gpu) != (&provider, gpu) &&
				Attestations::<T>::get(&owner, old_gpu).is_some_and(|record| record.device == device)
			{
				Attestations::<T>::remove(&owner, old_gpu);
			}
		}
		// A different chip now behind this entry: the old chip's claim goes with the entry.
		if let Some(previous) = Attestations::<T>::get(&provider, gpu).filter(|record| record.device != device) {
			if DeviceClaims::<T>::get(previous.device).is_some_and(|claim| claim.owner == provider && claim.gpu == Some(gpu)) {
				DeviceClaims::<T>::remove(previous.device);
			}
		}
		let expires = epoch.saturating_add(T::ValidityEpochs::get());
		// A renewal by the same chip continues its run: the epochs before it stay covered (a
		// usage report for the last epoch may land after the renewal).
		let since = Attestations::<T>::get(&provider, gpu)
			.filter(|previous| previous.device == device && previous.expires >= epoch)
			.map_or(epoch, |previous| previous.since);
		Attestations::<T>::insert(
			&provider,
			gpu,
			AttestationRecord {
				device,
				root: verified.root,
				project: verified.project.clone(),
				sku: verified.sku.clone(),
				driver_version: verified.driver_version.clone(),
				vbios_version: verified.vbios_version.clone(),
				measurements: verified.measurements,
				since,
				attested: epoch,
				expires,
			},
		);
		DeviceClaims::<T>::insert(device, DeviceClaim { owner: provider.clone(), gpu: Some(gpu), last_attested: Some(epoch) });
		Self::deposit_event(Event::<T>::GpuAttested {
			provider,
			gpu,
			device,
			root: verified.root,
			project: verified.project,
			sku: verified.sku,
			driver_version: verified.driver_version,
			vbios_version: verified.vbios_version,
			attested: epoch,
			expires,
		});
	}

	/// Removes what is kept about a provider whose registration ended. Its device claims lapse
	/// by themselves (their entries are no longer its own).
	pub(crate) fn forget_provider(provider: &T::AccountId) {
		let _ = Attestations::<T>::clear_prefix(provider, FORGET_LIMIT, None);
		let _ = Attempts::<T>::clear_prefix(provider, FORGET_LIMIT, None);
	}
}
