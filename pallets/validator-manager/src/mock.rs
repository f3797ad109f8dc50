//! Test runtime: System, Balances and the validator manager; tests play session and offences.

use core::cell::RefCell;
use std::collections::BTreeSet;

use frame_support::{derive_impl, parameter_types, traits::ValidatorRegistration};
use sp_runtime::BuildStorage;
use sp_staking::SessionIndex;

use crate as pallet_validator_manager;

pub type AccountId = u64;
pub type Balance = u128;
type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		ValidatorManager: pallet_validator_manager,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<Balance>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type AccountStore = System;
	type ExistentialDeposit = frame_support::traits::ConstU128<1>;
	type RuntimeHoldReason = RuntimeHoldReason;
}

pub const TREASURY: AccountId = 99;
pub const BOND: Balance = 1_000;
pub const ENDOWMENT: Balance = 10_000;
/// The genesis validators.
pub const GENESIS: [AccountId; 3] = [1, 2, 3];

thread_local! {
	static KEYS: RefCell<BTreeSet<AccountId>> = const { RefCell::new(BTreeSet::new()) };
	static PRUNED_UP_TO: RefCell<Option<SessionIndex>> = const { RefCell::new(None) };
}

/// Plays `session.setKeys`.
pub fn set_keys(who: AccountId) {
	KEYS.with(|k| k.borrow_mut().insert(who));
}

pub fn pruned_up_to() -> Option<SessionIndex> {
	PRUNED_UP_TO.with(|p| *p.borrow())
}

pub struct Keys;
impl ValidatorRegistration<AccountId> for Keys {
	fn is_registered(who: &AccountId) -> bool {
		KEYS.with(|k| k.borrow().contains(who))
	}
}

pub struct History;
impl crate::PruneSessionHistory for History {
	fn prune_up_to(index: SessionIndex) {
		PRUNED_UP_TO.with(|p| *p.borrow_mut() = Some(index));
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<AccountId> for Keys {
	fn register_keys(who: &AccountId) {
		set_keys(*who);
	}
}

parameter_types! {
	pub const Treasury: AccountId = TREASURY;
	pub const MinBond: Balance = BOND;
}

impl pallet_validator_manager::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type GovernanceOrigin = frame_system::EnsureRoot<AccountId>;
	type KeysRegistered = Keys;
	type SessionHistory = History;
	type SlashBeneficiary = Treasury;
	type MinValidatorBond = MinBond;
	type MinValidators = frame_support::traits::ConstU32<2>;
	type MaxValidators = frame_support::traits::ConstU32<5>;
	type BondingSessions = frame_support::traits::ConstU32<6>;
	type HistoryDepth = frame_support::traits::ConstU32<3>;
	type DefaultSessionLength = frame_support::traits::ConstU64<10>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = Keys;
}

/// Accounts 1..=10 and the treasury hold `ENDOWMENT`; 1, 2, 3 validate with `BOND` held and keys.
pub fn new_test_ext() -> sp_io::TestExternalities {
	KEYS.with(|k| k.borrow_mut().clear());
	PRUNED_UP_TO.with(|p| *p.borrow_mut() = None);
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: (1..=10).chain([TREASURY]).map(|who| (who, ENDOWMENT)).collect(),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_validator_manager::GenesisConfig::<Test> {
		validators: GENESIS.iter().map(|who| (*who, BOND)).collect(),
		session_length: 0,
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	for who in GENESIS {
		set_keys(who);
	}
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Runs `test`, then the invariants.
pub fn run_test(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		ValidatorManager::do_try_state().expect("validator manager invariants hold");
	});
}
