//! Test runtime: System, Balances and Economics; the tests play the leases and attestation
//! pallets through the observer traits.

use depin_primitives::EpochClock;
use frame_support::{
	derive_impl, parameter_types,
	traits::Get,
};
use sp_runtime::BuildStorage;

use crate as pallet_economics;
use crate::EmissionParams;

depin_primitives::test_runtime!(Test, existential_deposit: 1, pallets: {
	Economics: pallet_economics,
});

/// The prelude's reward expiry, in closed epochs.
pub const EXPIRY: u32 = 5;
pub const TREASURY: AccountId = 99;
pub const PROVIDER: AccountId = 1;
pub const PROVIDER_2: AccountId = 2;
pub const CONSUMER: AccountId = 10;

parameter_types! {
	pub static ExpiredTo: Option<AccountId> = Some(TREASURY);
}

#[derive_impl(pallet_economics::config_preludes::TestDefaultConfig)]
impl pallet_economics::Config for Test {
	type Currency = Balances;
	type ExpiredRewardsTo = ExpiredTo;
}

/// The chain's clock in this runtime (the prelude's: 10-block epochs, 5 blocks of grace).
pub fn clock() -> EpochClock {
	<Test as pallet_economics::Config>::Clock::get()
}

pub fn params() -> EmissionParams<Balance> {
	EmissionParams {
		initial_per_epoch: 10_000,
		halving_epochs: 4,
		bootstrap_per_epoch: 3_000,
		bootstrap_epochs: 3,
		revenue_cap_percent: 200,
		usage_match_percent: 100,
		trailing_epochs: 2,
	}
}

pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: [PROVIDER, PROVIDER_2, CONSUMER, TREASURY].into_iter().map(|who| (who, 1_000_000)).collect(),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_economics::GenesisConfig::<Test> { params: params() }.assimilate_storage(&mut storage).unwrap();
	ExpiredTo::set(Some(TREASURY));
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Runs `test`, then the invariants (issuance = genesis + minted − burned among them).
pub fn run_test(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Economics::do_try_state().expect("economics invariants hold");
	});
}
