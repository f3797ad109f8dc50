//! What every test runtime of the DePIN pallets shares. Test code only: nothing here is part of
//! a runtime.

/// A test runtime `$runtime` of `System`, `Balances` and the given pallets, with accounts
/// (`u64`), balances (`u128`, existential deposit `$ed`) and the `frame_system` and
/// `pallet_balances` configs. The other pallets' configs `#[derive_impl]` their test preludes.
#[macro_export]
macro_rules! test_runtime {
	($runtime:ident, existential_deposit: $ed:expr, pallets: { $($name:ident: $pallet:ident),* $(,)? }) => {
		pub type AccountId = u64;
		pub type Balance = u128;
		pub const ED: Balance = $ed;
		type Block = frame_system::mocking::MockBlock<$runtime>;

		frame_support::construct_runtime!(
			pub enum $runtime {
				System: frame_system,
				Balances: pallet_balances,
				$($name: $pallet,)*
			}
		);

		#[frame_support::derive_impl(frame_system::config_preludes::TestDefaultConfig)]
		impl frame_system::Config for $runtime {
			type Block = Block;
			type AccountData = pallet_balances::AccountData<Balance>;
		}

		#[frame_support::derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
		impl pallet_balances::Config for $runtime {
			type Balance = Balance;
			type AccountStore = System;
			type ExistentialDeposit = frame_support::traits::ConstU128<ED>;
		}
	};
}
