//! Test runtime: System, Balances, the real provider registry and leases pallets, and
//! Attestation; a keystore and off-chain externalities for signing and the worker.

use depin_primitives::{Capacity, EpochClock, GpuSpec};
use frame_support::{derive_impl, parameter_types};
use pallet_providers::{
	testing::{bounded, fund, register_provider, Offer},
	PriceList,
};
use sp_core::{sr25519, H256};
use sp_keystore::{testing::MemoryKeystore, KeystoreExt};
use sp_runtime::BuildStorage;

use crate as pallet_attestation;

pub type Extrinsic = sp_runtime::testing::TestXt<RuntimeCall, ()>;

depin_primitives::test_runtime!(Test, existential_deposit: 10, pallets: {
	Providers: pallet_providers,
	Leases: pallet_leases,
	Attestation: pallet_attestation,
});

pub const MIN_BOND: Balance = 10_000;

#[derive_impl(pallet_providers::config_preludes::TestDefaultConfig)]
impl pallet_providers::Config for Test {
	type Currency = Balances;
	type Commitments = Leases;
	type Observer = Attestation;
	type Clock = crate::ClockOf<Test>;
	type MinProviderBond = frame_support::traits::ConstU128<MIN_BOND>;
}

/// The epoch length genesis sets; the grace is the attestation prelude's.
pub const EPOCH: u32 = 10;
pub const TREASURY: AccountId = 99;

parameter_types! {
	pub const TakeTo: Option<AccountId> = Some(TREASURY);
	pub const Treasury: AccountId = TREASURY;
}

#[derive_impl(pallet_leases::config_preludes::TestDefaultConfig)]
impl pallet_leases::Config for Test {
	type Currency = Balances;
	type Providers = Providers;
	type Clock = crate::ClockOf<Test>;
	type TakeBeneficiary = TakeTo;
}

/// The attestation prelude's dispute deposit, miss slash, misses that suspend, and lookback.
pub const DISPUTE_DEPOSIT: Balance = 500;
pub const MISS_SLASH: Balance = 1_000;
pub const MAX_MISSED: u32 = 3;
pub const LOOKBACK: u32 = 6;

/// Blocks of the mock chain are authored `BLOCK_MS` apart, from time zero.
pub const BLOCK_MS: u64 = 6_000;

pub struct BlockTime;

impl frame_support::traits::UnixTime for BlockTime {
	fn now() -> core::time::Duration {
		core::time::Duration::from_millis(System::block_number() * BLOCK_MS)
	}
}

/// GPU attestations the tests declare (the GPU attestation pallet's part in a runtime):
/// (provider, GPU) → the epochs covered, `attested..expires`.
pub struct MockHardware;

std::thread_local! {
	static ATTESTED: core::cell::RefCell<std::collections::BTreeMap<(AccountId, H256), (u32, u32)>> = Default::default();
}

impl MockHardware {
	pub fn attest(provider: AccountId, gpu: H256, attested: u32, expires: u32) {
		ATTESTED.with(|map| map.borrow_mut().insert((provider, gpu), (attested, expires)));
	}
}

impl depin_primitives::HardwareAttestations<AccountId> for MockHardware {
	fn attestation(provider: &AccountId, gpu: &H256, epoch: u32) -> Option<depin_primitives::AttestedGpu> {
		let (attested, expires) = ATTESTED.with(|map| map.borrow().get(&(*provider, *gpu)).copied())?;
		(attested <= epoch && epoch < expires).then(|| depin_primitives::AttestedGpu {
			device: *gpu,
			project: Default::default(),
			sku: Default::default(),
			driver_version: Default::default(),
			vbios_version: Default::default(),
			attested,
			expires,
		})
	}

	fn lookup_weight() -> frame_support::weights::Weight {
		frame_support::weights::Weight::zero()
	}

	fn selection_weight() -> frame_support::weights::Weight {
		frame_support::weights::Weight::zero()
	}
}

#[derive_impl(pallet_attestation::config_preludes::TestDefaultConfig)]
impl pallet_attestation::Config for Test {
	type Hardware = MockHardware;
	type BlockTime = BlockTime;
	type Currency = Balances;
	type Providers = Providers;
	type Leases = Leases;
	type SlashBeneficiary = Treasury;
}

impl<C> frame_system::offchain::CreateTransactionBase<C> for Test
where
	RuntimeCall: From<C>,
{
	type RuntimeCall = RuntimeCall;
	type Extrinsic = Extrinsic;
}

impl<C> frame_system::offchain::CreateTransaction<C> for Test
where
	RuntimeCall: From<C>,
{
	type Extension = ();
	fn create_transaction(call: RuntimeCall, extension: ()) -> Extrinsic {
		Extrinsic::new_transaction(call, extension)
	}
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
pub const CONSUMER: AccountId = 10;
pub const CONSUMER_2: AccountId = 11;
pub const AUDITOR: AccountId = 20;
pub const STRANGER: AccountId = 30;
pub const POOR: AccountId = 31;
pub const STARTING_BALANCE: Balance = 1_000_000;
/// Per hour; one 10-block epoch of a 600-block hour costs 100.
pub const H100_PRICE: Balance = 6_000;

/// The NVML UUID of GPU `n` of `provider` in the tests' fixtures.
pub fn gpu_uuid(provider: AccountId, n: u8) -> alloc::string::String {
	alloc::format!("GPU-{provider:08}-0000-4000-8000-{n:012}")
}

pub fn gpu_id(provider: AccountId, n: u8) -> H256 {
	crate::prometheus::uuid_hash(&gpu_uuid(provider, n))
}

pub const BOND: Balance = 2 * MIN_BOND;

/// Registers `who` with a bond of `BOND`, two H100s and 1 TiB, and gives it a reporting key
/// from the keystore.
pub fn provider(who: AccountId) -> sr25519::Public {
	let h100 = |n| GpuSpec { uuid_hash: gpu_id(who, n), model: bounded(b"H100"), vram_mib: 81_559 };
	register_provider::<Test>(
		&who,
		Offer {
			bond: BOND,
			region: b"eu",
			gpus: vec![h100(0), h100(1)],
			capacity: Capacity { storage_bytes: 1 << 40, cpu_cores: 32 },
			prices: PriceList { gpu: bounded(&[(bounded(b"H100"), H100_PRICE)]), storage_gib: 60, cpu_core: 120 },
		},
	);
	pallet_providers::testing::name_new_reporting_key::<Test>(&who, crate::KEY_TYPE)
}

/// The chain's clock in this runtime: the genesis length, the prelude's grace.
pub fn clock() -> EpochClock {
	Attestation::clock()
}

pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_attestation::GenesisConfig::<Test> { epoch_length: EPOCH, ..Default::default() }
		.assimilate_storage(&mut storage)
		.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.register_extension(KeystoreExt::new(MemoryKeystore::new()));
	ext.execute_with(|| {
		// At block 0, like genesis: no events.
		for who in [PROVIDER, PROVIDER_2, CONSUMER, CONSUMER_2, AUDITOR, STRANGER, TREASURY] {
			fund::<Test>(&who, STARTING_BALANCE);
		}
		fund::<Test>(&POOR, 100);
		System::set_block_number(1);
	});
	ext
}

/// Checks all three pallets' invariants and that no funds were created or destroyed.
pub fn check_invariants(issuance: Balance) {
	Attestation::do_try_state().expect("attestation invariants hold");
	Leases::do_try_state().expect("leases invariants hold");
	Providers::do_try_state().expect("provider invariants hold");
	assert_eq!(Balances::total_issuance(), issuance, "funds were created or destroyed");
}

/// Runs `test`, then checks the invariants.
pub fn run_test(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		let issuance = Balances::total_issuance();
		test();
		check_invariants(issuance);
	});
}
