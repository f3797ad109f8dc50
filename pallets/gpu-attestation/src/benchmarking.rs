//! FRAME v2 benchmarks: every call at its worst case, and the verification of NVIDIA's own H100
//! report and chain (read from the pinned verifier wheel at build time, `build.rs`).

use alloc::vec::Vec;
use depin_primitives::{benchmarking::ProviderFixtures, EpochIndex, REPORTING_KEY_TYPE};
use frame_benchmarking::v2::*;
use frame_support::traits::{Get, Hooks};
use frame_system::RawOrigin;
use sp_core::{sr25519, H256};

use crate::{pallet::*, synthetic::SyntheticCa, types::*, verify, Config};

/// A CA of the benchmarks' own, trusted by no genesis.
const BENCH_CA_SEED: [u8; 32] = [0xbe; 32];

mod nvidia {
	include!(concat!(env!("OUT_DIR"), "/nvidia_vectors.rs"));
}

fn price<T: Config>() -> T::ProviderBalance
where
	T::ProviderBalance: From<u32>,
{
	1_000_000u32.into()
}

/// The first block of `epoch`, seeded as `on_initialize` would.
fn go_to_epoch<T: Config>(epoch: EpochIndex) {
	let block = T::Clock::get().first_block(epoch);
	frame_system::Pallet::<T>::set_block_number(block.into());
	Pallet::<T>::on_initialize(block.into());
}

fn certificate(der: Vec<u8>) -> Certificate {
	Certificate::try_from(der).unwrap_or_default()
}

/// A recorded attestation of `device` under `root` from `attested` on.
fn record<T: Config>(device: DeviceId, root: RootId, attested: EpochIndex) -> AttestationRecord {
	AttestationRecord {
		device,
		root,
		project: Default::default(),
		sku: Default::default(),
		driver_version: Default::default(),
		vbios_version: Default::default(),
		measurements: [0; 48],
		since: attested,
		attested,
		expires: attested.saturating_add(T::ValidityEpochs::get()),
	}
}

#[benchmarks(where T::Providers: ProviderFixtures<T::AccountId, T::ProviderBalance>, T::ProviderBalance: From<u32>)]
mod benchmarks {
	use super::*;

	/// The costliest acceptance: a full chain and report verified (as large as NVIDIA's), the
	/// chip taken over from another account whose claim lapsed (its record removed), and a
	/// different chip's record replaced on this entry (its claim removed).
	#[benchmark]
	fn submit_attestation() -> Result<(), BenchmarkError> {
		let provider: T::AccountId = account("provider", 0, 0);
		let previous_owner: T::AccountId = account("provider", 1, 0);
		let gpus = T::Providers::active_provider(&provider, 1, price::<T>());
		let key = sp_io::crypto::sr25519_generate(REPORTING_KEY_TYPE, None);
		T::Providers::reporting_provider(&provider, key);
		let gpu = *gpus.first().ok_or("a GPU")?;

		let ca = SyntheticCa::from_seed(BENCH_CA_SEED);
		Pallet::<T>::do_add_root(&ca.root_certificate_der()).map_err(|_| "root")?;
		let root = Pallet::<T>::fingerprint(&ca.root_public_key());
		let chip = ca.device([1; 32]);
		let device = Pallet::<T>::fingerprint(&chip.public_key());
		let replaced = H256::repeat_byte(2);

		// The chip's earlier holder attested it in epoch 0; it lapsed long since.
		let old_gpu = H256::repeat_byte(3);
		Attestations::<T>::insert(&previous_owner, old_gpu, record::<T>(device, root, 0));
		DeviceClaims::<T>::insert(device, DeviceClaim { owner: previous_owner, gpu: Some(old_gpu), last_attested: Some(0) });
		// Another chip was behind this entry.
		Attestations::<T>::insert(&provider, gpu, record::<T>(replaced, root, 0));
		DeviceClaims::<T>::insert(replaced, DeviceClaim { owner: provider.clone(), gpu: Some(gpu), last_attested: Some(0) });

		let epoch = T::ValidityEpochs::get().saturating_add(1);
		go_to_epoch::<T>(epoch);
		let nonce = Pallet::<T>::nonce(&provider, &gpu, epoch).ok_or("seeded")?;
		let chain: Vec<Certificate> = chip.chain_der().into_iter().map(certificate).collect();
		let submission = AttestationSubmission {
			provider: provider.clone(),
			gpu,
			epoch,
			report: Report::try_from(chip.report(&nonce, b"550.54.15", b"96.00.74.00.1c")).map_err(|_| "report")?,
			chain: CertificateChain::try_from(chain).map_err(|_| "chain")?,
		};
		let signature: sr25519::Signature =
			sp_io::crypto::sr25519_sign(REPORTING_KEY_TYPE, &key, &submission.signing_payload()).ok_or("signs")?;

		#[extrinsic_call]
		_(RawOrigin::None, submission, signature);

		assert_eq!(Attestations::<T>::get(&provider, gpu).map(|record| record.device), Some(device));
		assert!(DeviceClaims::<T>::get(replaced).is_none());
		Ok(())
	}

	/// NVIDIA's own H100 report and five-certificate chain, verified as the runtime does
	/// (against the nonce the report answered: the test path).
	#[benchmark]
	fn verify_nvidia_h100() -> Result<(), BenchmarkError> {
		let vectors = nvidia::HOPPER.ok_or(BenchmarkError::Stop("NVIDIA's vectors were not found at build time: run scripts/setup.sh"))?;
		let root = verify::root_public_key(vectors.root).map_err(|_| "NVIDIA's root parses")?;
		let verified;
		#[block]
		{
			verified = verify::verify_report(vectors.report, &vectors.chain, |key| *key == root, &vectors.nonce);
		}
		assert!(verified.is_ok());
		Ok(())
	}

	#[benchmark]
	fn add_root() -> Result<(), BenchmarkError> {
		// One below the bound, so the count check is read and passed.
		let _ = Roots::<T>::clear(u32::MAX, None);
		for n in 1..T::MaxRoots::get() {
			Roots::<T>::insert(H256(sp_io::hashing::blake2_256(&n.to_le_bytes())), RootRecord { added: 0 });
		}
		let certificate = certificate(SyntheticCa::from_seed(BENCH_CA_SEED).root_certificate_der());

		#[extrinsic_call]
		_(RawOrigin::Root, certificate);

		assert_eq!(Roots::<T>::count(), T::MaxRoots::get());
		Ok(())
	}

	#[benchmark]
	fn retire_root() {
		let root = H256::repeat_byte(1);
		Roots::<T>::insert(root, RootRecord { added: 0 });

		#[extrinsic_call]
		_(RawOrigin::Root, root);

		assert!(!Roots::<T>::contains_key(root));
	}

	/// The identity is held, and its record goes.
	#[benchmark]
	fn revoke_device() {
		let holder: T::AccountId = account("provider", 0, 0);
		let (device, gpu) = (H256::repeat_byte(1), H256::repeat_byte(2));
		Attestations::<T>::insert(&holder, gpu, record::<T>(device, H256::zero(), 0));
		DeviceClaims::<T>::insert(device, DeviceClaim { owner: holder, gpu: Some(gpu), last_attested: Some(0) });

		#[extrinsic_call]
		_(RawOrigin::Root, device);

		assert!(RevokedDevices::<T>::contains_key(device));
	}

	#[benchmark]
	fn reassign_device() {
		let (holder, to): (T::AccountId, T::AccountId) = (account("provider", 0, 0), account("provider", 1, 0));
		let (device, gpu) = (H256::repeat_byte(1), H256::repeat_byte(2));
		Attestations::<T>::insert(&holder, gpu, record::<T>(device, H256::zero(), 0));
		DeviceClaims::<T>::insert(device, DeviceClaim { owner: holder, gpu: Some(gpu), last_attested: Some(0) });

		#[extrinsic_call]
		_(RawOrigin::Root, device, to.clone());

		assert_eq!(DeviceClaims::<T>::get(device).map(|claim| claim.owner), Some(to));
	}

	/// The first block of an epoch draws its seed.
	#[benchmark]
	fn note_epoch_seed() {
		let block = T::Clock::get().first_block(1);
		frame_system::Pallet::<T>::set_block_number(block.into());
		#[block]
		{
			Pallet::<T>::note_epoch_seed();
		}
		assert_eq!(EpochSeed::<T>::get().map(|(epoch, _)| epoch), Some(1));
	}

	/// As many records as `forget_provider` removes.
	#[benchmark]
	fn forget_provider() {
		let provider: T::AccountId = account("provider", 0, 0);
		for n in 0..crate::attest::FORGET_LIMIT {
			let key = H256(sp_io::hashing::blake2_256(&n.to_le_bytes()));
			Attestations::<T>::insert(&provider, key, record::<T>(key, H256::zero(), 0));
		}
		#[block]
		{
			Pallet::<T>::forget_provider(&provider);
		}
		assert!(Attestations::<T>::iter_prefix(&provider).next().is_none());
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
