//! Test runtime: System, Balances, the real provider registry and leases pallets, and
//! Attestation; a keystore and off-chain externalities for signing and the worker.

use frame_support::{
	assert_ok, derive_impl, parameter_types,
	traits::{ConstU32, ConstU64},
	BoundedVec,
};
use pallet_providers::{GpuSpec, PriceList};
use sp_core::{sr25519, H256};
use sp_keystore::{testing::MemoryKeystore, KeystoreExt};
use sp_runtime::{BuildStorage, Perbill};

use crate as pallet_attestation;

type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = u64;
pub type Balance = u128;
pub type Extrinsic = sp_runtime::testing::TestXt<RuntimeCall, ()>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Registry: pallet_providers,
		Market: pallet_leases,
		Attestation: pallet_attestation,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<Balance>;
}

pub const ED: Balance = 10;

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
	type ExistentialDeposit = frame_support::traits::ConstU128<ED>;
}

pub const MIN_BOND: Balance = 10_000;

parameter_types! {
	pub const MinProviderBond: Balance = MIN_BOND;
}

impl pallet_providers::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type AuditorOrigin = frame_system::EnsureRoot<AccountId>;
	type Leases = Market;
	type MinProviderBond = MinProviderBond;
	type UnbondingPeriod = ConstU64<100>;
	type MaxMetadataLen = ConstU32<32>;
	type MaxGpusPerProvider = ConstU32<8>;
	type MaxAuditors = ConstU32<4>;
	type MaxAttributes = ConstU32<4>;
	type WeightInfo = ();
}

pub const EPOCH: u32 = 10;
pub const GRACE: u64 = 5;
pub const TREASURY: AccountId = 99;

parameter_types! {
	pub const TakeTo: Option<AccountId> = Some(TREASURY);
	pub const Treasury: AccountId = TREASURY;
	pub const TakeRate: Perbill = Perbill::from_percent(5);
	pub const MissBounty: Perbill = Perbill::from_percent(20);
}

impl pallet_leases::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Providers = Registry;
	type EpochLength = crate::EpochLengthOf<Test>;
	type BlocksPerHour = ConstU32<600>;
	type MinLeaseEpochs = ConstU32<3>;
	type TakeRate = TakeRate;
	type TakeBeneficiary = TakeTo;
	type OrderTtl = ConstU64<20>;
	type ReportGrace = ConstU64<GRACE>;
	type MaxGpusPerLease = ConstU32<4>;
	type MaxLeasesPerProvider = ConstU32<4>;
	type MaxLeasesPerConsumer = ConstU32<4>;
	type MaxBidsPerOrder = ConstU32<3>;
	type Observer = ();
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = pallet_leases::ProvidersBenchmarkHelper<Test>;
}

pub const DISPUTE_DEPOSIT: Balance = 500;
pub const MISS_SLASH: Balance = 1_000;
pub const MAX_MISSED: u32 = 3;
pub const LOOKBACK: u32 = 6;

impl pallet_attestation::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Providers = Registry;
	type Leases = Market;
	type DefaultEpochLength = ConstU32<600>;
	type ReportGrace = ConstU64<GRACE>;
	type DisputeDeposit = frame_support::traits::ConstU128<DISPUTE_DEPOSIT>;
	type DisputeOrigin = frame_system::EnsureRoot<AccountId>;
	type MissSlash = frame_support::traits::ConstU128<MISS_SLASH>;
	type MissBounty = MissBounty;
	type MaxMissedEpochs = ConstU32<MAX_MISSED>;
	type MissLookback = ConstU32<LOOKBACK>;
	type SlashBeneficiary = Treasury;
	type MaxLeasesPerReport = ConstU32<4>;
	type MaxGpusPerReport = ConstU32<8>;
	type ReportPriority = ConstU64<{ u64::MAX / 2 }>;
	type Observer = ();
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = crate::benchmarking::RegistryAndLeases<Test>;
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

impl<C> frame_system::offchain::CreateAuthorizedTransaction<C> for Test
where
	RuntimeCall: From<C>,
{
	fn create_extension() {}
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

pub fn bounded<T: Clone + core::fmt::Debug, S: frame_support::traits::Get<u32>>(items: &[T]) -> BoundedVec<T, S> {
	BoundedVec::try_from(items.to_vec()).expect("within bounds")
}

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
	assert_ok!(Registry::register(RuntimeOrigin::signed(who), BOND, bounded(b"eu"), bounded(b"")));
	let gpus = [
		GpuSpec { uuid_hash: gpu_id(who, 0), model: bounded(b"H100"), vram_mib: 81_559 },
		GpuSpec { uuid_hash: gpu_id(who, 1), model: bounded(b"H100"), vram_mib: 81_559 },
	];
	assert_ok!(Registry::add_gpus(RuntimeOrigin::signed(who), bounded(&gpus)));
	assert_ok!(Registry::set_capacity(RuntimeOrigin::signed(who), 1 << 40, 32));
	assert_ok!(Registry::set_prices(
		RuntimeOrigin::signed(who),
		PriceList { gpu: bounded(&[(bounded(b"H100"), H100_PRICE)]), storage_gib: 60, cpu_core: 120 }
	));
	let key = sp_io::crypto::sr25519_generate(crate::KEY_TYPE, None);
	assert_ok!(Registry::set_reporting_key(RuntimeOrigin::signed(who), key));
	key
}

pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: [PROVIDER, PROVIDER_2, CONSUMER, CONSUMER_2, AUDITOR, STRANGER, TREASURY]
			.into_iter()
			.map(|who| (who, STARTING_BALANCE))
			.chain([(POOR, 100)])
			.collect(),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_attestation::GenesisConfig::<Test> { epoch_length: EPOCH, ..Default::default() }
		.assimilate_storage(&mut storage)
		.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.register_extension(KeystoreExt::new(MemoryKeystore::new()));
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Checks all three pallets' invariants and that no funds were created or destroyed.
pub fn check_invariants(issuance: Balance) {
	Attestation::do_try_state().expect("attestation invariants hold");
	Market::do_try_state().expect("leases invariants hold");
	Registry::do_try_state().expect("provider invariants hold");
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
