//! Test runtime: System, Balances and Providers, with a scripted stand-in for the leases
//! pallet's commitments.

use alloc::{collections::btree_map::BTreeMap, vec::Vec};
use core::cell::RefCell;
use depin_primitives::{Commitment, Commitments};
use frame_support::{derive_impl, traits::ConstU32};
use sp_core::H256;
use sp_runtime::BuildStorage;

use crate as pallet_providers;

depin_primitives::test_runtime!(Test, existential_deposit: 10, pallets: {
	Providers: pallet_providers,
});

/// The prelude's minimum bond and unbonding period.
pub const MIN_BOND: Balance = 1_000;
pub const UNBONDING_PERIOD: u64 = 100;

thread_local! {
	static COMMITTED: RefCell<BTreeMap<AccountId, Commitment>> = const { RefCell::new(BTreeMap::new()) };
	static LEASED_GPUS: RefCell<Vec<H256>> = const { RefCell::new(Vec::new()) };
}

/// Stands in for the leases pallet: tests set what is committed of which provider.
pub struct MockLeases;
impl MockLeases {
	pub fn set(provider: AccountId, commitment: Commitment) {
		COMMITTED.with(|c| c.borrow_mut().insert(provider, commitment));
	}
	pub fn lease_gpu(uuid_hash: H256) {
		LEASED_GPUS.with(|l| l.borrow_mut().push(uuid_hash));
	}
	pub fn end_gpu_leases() {
		LEASED_GPUS.with(|l| l.borrow_mut().clear());
	}
}
impl Commitments<AccountId> for MockLeases {
	fn commitment(provider: &AccountId) -> Commitment {
		COMMITTED.with(|c| c.borrow().get(provider).copied().unwrap_or_default())
	}
	fn is_gpu_leased(uuid_hash: &H256) -> bool {
		LEASED_GPUS.with(|l| l.borrow().contains(uuid_hash))
	}
	fn end_lease_of_gpu(uuid_hash: &H256) -> sp_runtime::DispatchResult {
		LEASED_GPUS.with(|l| l.borrow_mut().retain(|gpu| gpu != uuid_hash));
		Ok(())
	}
	fn end_lease_of_gpu_weight() -> frame_support::weights::Weight {
		frame_support::weights::Weight::zero()
	}
}

/// Receives slashed auditor bonds.
pub const SLASHED_TO: AccountId = 99;
/// The prelude's auditor bond.
pub const AUDITOR_BOND: Balance = 500;

frame_support::parameter_types! {
	pub const SlashedTo: AccountId = SLASHED_TO;
}

#[derive_impl(pallet_providers::config_preludes::TestDefaultConfig)]
impl pallet_providers::Config for Test {
	type Currency = Balances;
	type Commitments = MockLeases;
	type SlashBeneficiary = SlashedTo;
	type MaxMetadataLen = ConstU32<64>;
	type MaxAuditors = ConstU32<3>;
}

pub const ALICE: AccountId = 1;
pub const BOB: AccountId = 2;
pub const CHARLIE: AccountId = 3;
pub const POOR: AccountId = 4;
pub const AUDITOR: AccountId = 10;
pub const AUDITOR_2: AccountId = AUDITOR + 1;
pub const STARTING_BALANCE: Balance = 100_000;

pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: vec![
			(ALICE, STARTING_BALANCE),
			(BOB, STARTING_BALANCE),
			(CHARLIE, STARTING_BALANCE),
			(POOR, MIN_BOND / 2),
			(AUDITOR, STARTING_BALANCE),
			(AUDITOR + 1, STARTING_BALANCE),
			(AUDITOR + 2, STARTING_BALANCE),
			(AUDITOR + 3, STARTING_BALANCE),
		],
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	COMMITTED.with(|c| c.borrow_mut().clear());
	LEASED_GPUS.with(|l| l.borrow_mut().clear());
	let mut ext = sp_io::TestExternalities::new(storage);
	// Reporting keys are generated and prove themselves through the keystore.
	ext.register_extension(sp_keystore::KeystoreExt::new(sp_keystore::testing::MemoryKeystore::new()));
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Runs `test` and then checks the pallet's invariants.
pub fn run_test(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Providers::do_try_state().expect("invariants hold after the test");
	});
}
