//! Test runtime: System, Balances, the real provider registry, and Leases.

use depin_primitives::{Capacity, EpochClock, EpochIndex, GpuSpec};
use frame_support::{derive_impl, parameter_types, traits::Get};
use pallet_providers::{
	testing::{bounded, fund, register_provider, Offer},
	PriceList,
};
use sp_core::H256;
use sp_runtime::BuildStorage;

use crate as pallet_leases;

depin_primitives::test_runtime!(Test, existential_deposit: 10, pallets: {
	Providers: pallet_providers,
	Leases: pallet_leases,
});

/// The providers prelude's minimum bond.
pub const MIN_BOND: Balance = 1_000;

#[derive_impl(pallet_providers::config_preludes::TestDefaultConfig)]
impl pallet_providers::Config for Test {
	type Currency = Balances;
	type Commitments = Leases;
}

/// The leases prelude's price unit, deposit and order lifetime.
pub const BLOCKS_PER_HOUR: u32 = 600;
pub const MIN_EPOCHS: u32 = 3;
pub const ORDER_TTL: u64 = 20;
pub const TREASURY: AccountId = 99;

parameter_types! {
	pub static TakeTo: Option<AccountId> = Some(TREASURY);
	/// The prelude's minimum (one planck: any non-zero epoch cost); tests of the minimum raise it.
	pub static MinCharge: Balance = 1;
	/// An epoch whose window closed congested, settled late (as the attestation pallet's clock
	/// would say); none unless a test sets one.
	pub static LateEpoch: Option<EpochIndex> = None;
}

/// The prelude's clock (10-block epochs, 5 blocks of grace), with `LateEpoch` settled late.
pub struct TestClock;

impl frame_support::traits::Get<EpochClock> for TestClock {
	fn get() -> EpochClock {
		let clock = <depin_primitives::ConstClock<10, 5> as frame_support::traits::Get<EpochClock>>::get();
		match LateEpoch::get() {
			Some(epoch) => clock.with_late_settlement(epoch),
			None => clock,
		}
	}
}

/// GPUs the tests declare attested (the GPU attestation pallet's part in a runtime).
pub struct MockHardware;

std::thread_local! {
	static ATTESTED: core::cell::RefCell<std::collections::BTreeSet<(AccountId, H256)>> = Default::default();
}

impl MockHardware {
	pub fn attest(provider: AccountId, gpu: H256) {
		ATTESTED.with(|attested| attested.borrow_mut().insert((provider, gpu)));
	}
}

impl depin_primitives::HardwareAttestations<AccountId> for MockHardware {
	fn attestation(provider: &AccountId, gpu: &H256, epoch: depin_primitives::EpochIndex) -> Option<depin_primitives::AttestedGpu> {
		ATTESTED.with(|attested| attested.borrow().contains(&(*provider, *gpu))).then(|| depin_primitives::AttestedGpu {
			device: *gpu,
			project: Default::default(),
			sku: Default::default(),
			driver_version: Default::default(),
			vbios_version: Default::default(),
			attested: epoch,
			expires: epoch + 1,
		})
	}

	fn lookup_weight() -> frame_support::weights::Weight {
		frame_support::weights::Weight::zero()
	}

	fn selection_weight() -> frame_support::weights::Weight {
		frame_support::weights::Weight::zero()
	}
}

#[derive_impl(pallet_leases::config_preludes::TestDefaultConfig)]
impl pallet_leases::Config for Test {
	type Currency = Balances;
	type Providers = Providers;
	type Clock = TestClock;
	type Hardware = MockHardware;
	type TakeBeneficiary = TakeTo;
	type MinEpochCharge = MinCharge;
}

/// The chain's clock in this runtime (the prelude's: 10-block epochs, 5 blocks of grace).
pub fn clock() -> EpochClock {
	<Test as pallet_leases::Config>::Clock::get()
}

pub fn epoch_start(epoch: EpochIndex) -> u64 {
	clock().first_block(epoch).into()
}

pub fn grace() -> u64 {
	clock().grace().into()
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

pub fn gpu_id(provider: AccountId, n: u8) -> H256 {
	let mut bytes = [n; 32];
	bytes[0] = provider as u8;
	H256(bytes)
}

/// Registers `who` with two H100s and one A100, 1 TiB of storage, 32 cores, and prices.
pub fn provider(who: AccountId, region: &'static str) {
	let gpu = |n, model: &[u8], vram_mib| GpuSpec { uuid_hash: gpu_id(who, n), model: bounded(model), vram_mib };
	register_provider::<Test>(
		&who,
		Offer {
			bond: MIN_BOND,
			region: region.as_bytes(),
			gpus: vec![gpu(1, b"H100", 81_559), gpu(2, b"H100", 81_559), gpu(3, b"A100", 40_960)],
			capacity: Capacity { storage_bytes: 1 << 40, cpu_cores: 32 },
			prices: PriceList {
				gpu: bounded(&[(bounded(b"H100"), H100_PRICE), (bounded(b"A100"), A100_PRICE)]),
				storage_gib: GIB_PRICE,
				cpu_core: CORE_PRICE,
			},
		},
	);
}

pub fn new_test_ext() -> sp_io::TestExternalities {
	let storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	TakeTo::set(Some(TREASURY));
	LateEpoch::set(None);
	MinCharge::set(1);
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		// At block 0, like genesis: no events.
		for who in [PROVIDER, PROVIDER_2, PROVIDER_3, PROVIDER_4, CONSUMER, CONSUMER_2, AUDITOR, STRANGER, TREASURY] {
			fund::<Test>(&who, STARTING_BALANCE);
		}
		System::set_block_number(1);
	});
	ext
}

/// Runs `test`, then checks both pallets' invariants and that no funds were created or
/// destroyed beyond the recorded burns.
pub fn run_test(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		let issuance = Balances::total_issuance();
		test();
		Leases::do_try_state().expect("leases invariants hold");
		Providers::do_try_state().expect("provider invariants hold");
		assert_eq!(
			Balances::total_issuance() + crate::TotalBurned::<Test>::get(),
			issuance,
			"funds were created or destroyed"
		);
	});
}
