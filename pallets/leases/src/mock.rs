//! Test runtime: System, Balances, the real provider registry, and Leases.

use frame_support::{
	assert_ok, derive_impl, parameter_types,
	traits::{ConstU32, ConstU64},
	BoundedVec,
};
use pallet_providers::{GpuSpec, PriceList};
use sp_core::H256;
use sp_runtime::{BuildStorage, Perbill};

use crate as pallet_leases;

type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = u64;
pub type Balance = u128;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Registry: pallet_providers,
		Market: pallet_leases,
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

pub const MIN_BOND: Balance = 1_000;

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

pub const EPOCH: u64 = 10;
pub const BLOCKS_PER_HOUR: u32 = 600;
pub const GRACE: u64 = 5;
pub const MIN_EPOCHS: u32 = 3;
pub const ORDER_TTL: u64 = 20;
pub const TREASURY: AccountId = 99;

parameter_types! {
	pub static TakeTo: Option<AccountId> = Some(TREASURY);
	pub const TakeRate: Perbill = Perbill::from_percent(5);
}

impl pallet_leases::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Providers = Registry;
	type EpochLength = ConstU64<EPOCH>;
	type BlocksPerHour = ConstU32<BLOCKS_PER_HOUR>;
	type MinLeaseEpochs = ConstU32<MIN_EPOCHS>;
	type TakeRate = TakeRate;
	type TakeBeneficiary = TakeTo;
	type OrderTtl = ConstU64<ORDER_TTL>;
	type ReportGrace = ConstU64<GRACE>;
	type MaxGpusPerLease = ConstU32<4>;
	type MaxLeasesPerProvider = ConstU32<4>;
	type MaxLeasesPerConsumer = ConstU32<4>;
	type MaxBidsPerOrder = ConstU32<3>;
	type Observer = ();
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = crate::ProvidersBenchmarkHelper<Test>;
}

pub const PROVIDER: AccountId = 1;
pub const PROVIDER_2: AccountId = 2;
pub const PROVIDER_3: AccountId = 3;
pub const PROVIDER_4: AccountId = 4;
pub const CONSUMER: AccountId = 10;
pub const CONSUMER_2: AccountId = 11;
pub const AUDITOR: AccountId = 20;
pub const STRANGER: AccountId = 30;
pub const STARTING_BALANCE: Balance = 1_000_000;

/// Hourly prices in the mock: per H100, per A100, per GiB, per core (multiples of 60, so one
/// 10-block epoch of 600-block hours costs a whole number).
pub const H100_PRICE: Balance = 6_000;
pub const A100_PRICE: Balance = 3_000;
pub const GIB_PRICE: Balance = 60;
pub const CORE_PRICE: Balance = 120;

pub fn bounded<T: Clone + core::fmt::Debug, S: frame_support::traits::Get<u32>>(items: &[T]) -> BoundedVec<T, S> {
	BoundedVec::try_from(items.to_vec()).expect("within bounds")
}

pub fn gpu_id(provider: AccountId, n: u8) -> H256 {
	let mut bytes = [n; 32];
	bytes[0] = provider as u8;
	H256(bytes)
}

/// Registers `who` with two H100s and one A100, 1 TiB of storage, 32 cores, and prices.
pub fn provider(who: AccountId, region: &str) {
	assert_ok!(Registry::register(RuntimeOrigin::signed(who), MIN_BOND, bounded(region.as_bytes()), bounded(b"")));
	let gpus = [
		GpuSpec { uuid_hash: gpu_id(who, 1), model: bounded(b"H100"), vram_mib: 81_559 },
		GpuSpec { uuid_hash: gpu_id(who, 2), model: bounded(b"H100"), vram_mib: 81_559 },
		GpuSpec { uuid_hash: gpu_id(who, 3), model: bounded(b"A100"), vram_mib: 40_960 },
	];
	assert_ok!(Registry::add_gpus(RuntimeOrigin::signed(who), bounded(&gpus)));
	assert_ok!(Registry::set_capacity(RuntimeOrigin::signed(who), 1 << 40, 32));
	assert_ok!(Registry::set_prices(
		RuntimeOrigin::signed(who),
		PriceList {
			gpu: bounded(&[(bounded(b"H100"), H100_PRICE), (bounded(b"A100"), A100_PRICE)]),
			storage_gib: GIB_PRICE,
			cpu_core: CORE_PRICE,
		}
	));
}

pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: [PROVIDER, PROVIDER_2, PROVIDER_3, PROVIDER_4, CONSUMER, CONSUMER_2, AUDITOR, STRANGER, TREASURY]
			.into_iter()
			.map(|who| (who, STARTING_BALANCE))
			.collect(),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	TakeTo::set(Some(TREASURY));
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Runs `test`, then checks both pallets' invariants and that no funds were created or
/// destroyed beyond the recorded burns.
pub fn run_test(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		let issuance = Balances::total_issuance();
		test();
		Market::do_try_state().expect("leases invariants hold");
		Registry::do_try_state().expect("provider invariants hold");
		assert_eq!(
			Balances::total_issuance() + crate::TotalBurned::<Test>::get(),
			issuance,
			"funds were created or destroyed"
		);
	});
}
