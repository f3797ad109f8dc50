//! Test runtime: System, Balances, the real provider registry, and GPU attestation; a keystore
//! for reporting keys, and a synthetic CA standing in for NVIDIA's.

use depin_primitives::{Capacity, EpochClock, GpuSpec};
use frame_support::{derive_impl, traits::{ConstU32, Get, Hooks}};
use pallet_providers::{
	testing::{bounded, fund, register_provider, Offer},
	PriceList,
};
use sp_core::{sr25519, H256};
use sp_keystore::{testing::MemoryKeystore, KeystoreExt};
use sp_runtime::BuildStorage;

use crate::{self as pallet_gpu_attestation, synthetic::SyntheticCa, types::*};

pub type Extrinsic = sp_runtime::testing::TestXt<RuntimeCall, ()>;

depin_primitives::test_runtime!(Test, existential_deposit: 10, pallets: {
	Providers: pallet_providers,
	GpuAttestation: pallet_gpu_attestation,
});

pub const MIN_BOND: Balance = 10_000;
pub type Clock = depin_primitives::ConstClock<10, 5>;

#[derive_impl(pallet_providers::config_preludes::TestDefaultConfig)]
impl pallet_providers::Config for Test {
	type Currency = Balances;
	type Observer = GpuAttestation;
	type Clock = Clock;
	type MinProviderBond = frame_support::traits::ConstU128<MIN_BOND>;
}

pub const VALIDITY: u32 = 3;
pub const PER_BLOCK: u32 = 3;

impl pallet_gpu_attestation::Config for Test {
	type ProviderBalance = Balance;
	type Providers = Providers;
	type Clock = Clock;
	type AdminOrigin = frame_system::EnsureRoot<AccountId>;
	type MaxRoots = ConstU32<2>;
	type ValidityEpochs = ConstU32<VALIDITY>;
	type MaxAttestationsPerBlock = ConstU32<PER_BLOCK>;
	type MaxGpusPerProvider = ConstU32<8>;
	type AttestationPriority = frame_support::traits::ConstU64<100>;
	type WeightInfo = ();
}

impl<C> frame_system::offchain::CreateTransactionBase<C> for Test
where
	RuntimeCall: From<C>,
{
	type RuntimeCall = RuntimeCall;
	type Extrinsic = Extrinsic;
}

impl<C> frame_system::offchain::CreateBare<C> for Test
where
	RuntimeCall: From<C>,
{
	fn create_bare(call: RuntimeCall) -> Extrinsic {
		Extrinsic::new_bare_legacy(call)
	}
}

pub const PROVIDER: AccountId = 1;
pub const PROVIDER_2: AccountId = 2;
pub const STRANGER: AccountId = 30;

/// GPU entry `n` of `provider`.
pub fn gpu(provider: AccountId, n: u8) -> H256 {
	H256(sp_io::hashing::blake2_256(&alloc::format!("GPU-{provider:08}-{n:04}").into_bytes()))
}

/// The CA the tests trust (registered at genesis), and one they do not.
pub fn trusted_ca() -> SyntheticCa {
	SyntheticCa::from_seed([7; 32])
}

pub fn untrusted_ca() -> SyntheticCa {
	SyntheticCa::from_seed([8; 32])
}

/// Chip `n` under the trusted CA.
pub fn chip(n: u8) -> crate::synthetic::SyntheticDevice {
	trusted_ca().device([n; 32])
}

/// Registers `who` with four GPU entries and a reporting key from the keystore.
pub fn provider(who: AccountId) -> sr25519::Public {
	let h100 = |n| GpuSpec { uuid_hash: gpu(who, n), model: bounded(b"NVIDIA H100 80GB HBM3"), vram_mib: 81_559 };
	fund::<Test>(&who, 1_000_000);
	register_provider::<Test>(
		&who,
		Offer {
			bond: 2 * MIN_BOND,
			region: b"eu",
			gpus: vec![h100(0), h100(1), h100(2), h100(3)],
			capacity: Capacity { storage_bytes: 0, cpu_cores: 8 },
			prices: PriceList { gpu: bounded(&[(bounded(b"NVIDIA H100 80GB HBM3"), 6_000)]), storage_gib: 60, cpu_core: 120 },
		},
	);
	pallet_providers::testing::name_new_reporting_key::<Test>(&who, depin_primitives::REPORTING_KEY_TYPE)
}

pub fn clock() -> EpochClock {
	Clock::get()
}

/// Runs blocks (with the pallet's hooks) up to `block`.
pub fn run_to_block(block: u64) {
	while System::block_number() < block {
		GpuAttestation::on_finalize(System::block_number());
		let next = System::block_number() + 1;
		System::reset_events();
		System::initialize(&next, &H256(sp_io::hashing::blake2_256(&next.to_le_bytes())), &Default::default());
		GpuAttestation::on_initialize(next);
	}
}

/// Runs to the first block of `epoch`.
pub fn run_to_epoch(epoch: u32) {
	run_to_block(clock().first_block(epoch) as u64);
}

pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_gpu_attestation::GenesisConfig::<Test> {
		roots: vec![GpuAttestation::fingerprint(&trusted_ca().root_public_key())],
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.register_extension(KeystoreExt::new(MemoryKeystore::new()));
	ext.execute_with(|| {
		System::set_block_number(0);
		run_to_block(1);
	});
	ext
}

/// Runs `test`, then checks the pallet's and the registry's invariants.
pub fn run_test(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		GpuAttestation::do_try_state().expect("gpu attestation invariants hold");
		Providers::do_try_state().expect("provider invariants hold");
	});
}

/// `device`'s submission for `provider`'s GPU `gpu` in the current epoch, answering `nonce`
/// (the chain's own unless given), signed by `key`.
pub fn submission(
	device: &crate::synthetic::SyntheticDevice,
	provider: AccountId,
	gpu: H256,
	nonce: Option<[u8; 32]>,
) -> AttestationSubmission<AccountId> {
	let epoch = clock().epoch_of(System::block_number() as u32);
	let nonce = nonce.unwrap_or_else(|| GpuAttestation::nonce(&provider, &gpu, epoch).expect("the epoch is seeded"));
	let report = device.report(&nonce, b"550.54.15", b"96.00.74.00.1c");
	let chain: Vec<Certificate> = device.chain_der().into_iter().map(|der| der.try_into().expect("fits")).collect();
	AttestationSubmission {
		provider,
		gpu,
		epoch,
		report: report.try_into().expect("fits"),
		chain: chain.try_into().expect("five"),
	}
}

pub fn sign(key: &sr25519::Public, submission: &AttestationSubmission<AccountId>) -> sr25519::Signature {
	sp_io::crypto::sr25519_sign(depin_primitives::REPORTING_KEY_TYPE, key, &submission.signing_payload())
		.expect("key in keystore")
}
