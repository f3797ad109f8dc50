//! The treasury account stays alive, and nothing sent to it vanishes unrecorded.
//!
//! Fees, dust, the take and slashes go to the treasury account. Were it ever emptied (reaped),
//! a later deposit below the existential deposit could not be credited to it and would be
//! dropped — burned, without the economics ledger knowing, so total issuance would no longer be
//! genesis + minted − burned. So: treasury spends are paid keeping the existential deposit
//! (`PayFromTreasury`), and should a deposit still fail (governance can move anything), the burn
//! is recorded (`ToTreasuryOrRecordedBurn`).

use frame_support::traits::{
	fungible::{Balanced, Credit, Mutate},
	tokens::{Pay, PaymentStatus, Preservation},
	Imbalance, OnUnbalanced,
};
use sp_runtime::DispatchError;

use crate::{configs::treasury_account, AccountId, Balance, Balances, Economics};

/// Treasury spends, paid from the treasury account without letting it fall below the
/// existential deposit (`PayFromAccount` pays `Expendable`).
pub struct PayFromTreasury;

impl Pay for PayFromTreasury {
	type Balance = Balance;
	type Beneficiary = AccountId;
	type AssetKind = ();
	type Id = ();
	type Error = DispatchError;

	fn pay(who: &AccountId, _: (), amount: Balance) -> Result<(), DispatchError> {
		<Balances as Mutate<AccountId>>::transfer(&treasury_account(), who, amount, Preservation::Preserve)?;
		Ok(())
	}

	fn check_payment(_: ()) -> PaymentStatus {
		PaymentStatus::Success
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn ensure_successful(_: &AccountId, _: (), amount: Balance) {
		let ed = <Balances as frame_support::traits::fungible::Inspect<AccountId>>::minimum_balance();
		<Balances as Mutate<AccountId>>::mint_into(&treasury_account(), amount.saturating_add(ed))
			.expect("the benchmark mints into the treasury");
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn ensure_concluded(_: ()) {}
}

/// Fees and dust go to the treasury; what it cannot take is burned, on the record.
pub struct ToTreasuryOrRecordedBurn;

impl OnUnbalanced<Credit<AccountId, Balances>> for ToTreasuryOrRecordedBurn {
	fn on_nonzero_unbalanced(amount: Credit<AccountId, Balances>) {
		if let Err(unsent) = <Balances as Balanced<AccountId>>::resolve(&treasury_account(), amount) {
			let burned = unsent.peek();
			// Dropping the credit reduces total issuance: the ledger records it.
			drop(unsent);
			Economics::note_burned(burned);
		}
	}
}

#[cfg(test)]
mod tests {
	use frame_support::{
		assert_ok,
		traits::{
			fungible::{Balanced, Inspect, Mutate},
			tokens::{Fortitude, Precision, Preservation},
			OnUnbalanced,
		},
	};
	use sp_runtime::BuildStorage;

	use super::ToTreasuryOrRecordedBurn;
	use crate::{
		configs::treasury_account,
		currency::{DPN, EXISTENTIAL_DEPOSIT},
		AccountId, Balances, Economics, Runtime, RuntimeGenesisConfig, RuntimeOrigin, System, Treasury,
	};

	fn account(seed: u8) -> AccountId {
		AccountId::new([seed; 32])
	}

	/// A chain whose treasury holds 1,000 DPN.
	fn chain() -> sp_io::TestExternalities {
		let mut genesis = RuntimeGenesisConfig::default();
		genesis.balances.balances = vec![(account(1), 1_000 * DPN), (treasury_account(), 1_000 * DPN)];
		let mut ext: sp_io::TestExternalities = genesis.build_storage().expect("genesis builds").into();
		ext.execute_with(|| System::set_block_number(1));
		ext
	}

	/// Governance spends the treasury to the floor: everything but the existential deposit is
	/// paid, the account stays alive, and a fee smaller than the existential deposit arriving
	/// after is credited, not dropped. (`PayFromAccount` paid `Expendable`: the spend reaped the
	/// account, and every small fee or dust after it was burned off the record.)
	#[test]
	fn a_spend_to_the_floor_leaves_the_treasury_alive() {
		chain().execute_with(|| {
			let treasury = treasury_account();
			let everything = Balances::balance(&treasury);
			let spend = |amount| {
				Treasury::spend(RuntimeOrigin::root(), Box::new(()), amount, Box::new(account(2)), None)
			};
			// Asking for everything: the payout fails and leaves the treasury as it was.
			assert_ok!(spend(everything));
			assert!(Treasury::payout(RuntimeOrigin::signed(account(1)), 0).is_err());
			assert_eq!(Balances::balance(&treasury), everything);
			// Everything it can spend: paid, and the existential deposit stays.
			assert_ok!(spend(everything - EXISTENTIAL_DEPOSIT));
			assert_ok!(Treasury::payout(RuntimeOrigin::signed(account(1)), 1));
			assert_eq!(Balances::balance(&treasury), EXISTENTIAL_DEPOSIT);
			assert_eq!(Balances::balance(&account(2)), everything - EXISTENTIAL_DEPOSIT);
			// A fee below the existential deposit still reaches it.
			let fee = <Balances as Balanced<AccountId>>::withdraw(
				&account(1),
				EXISTENTIAL_DEPOSIT / 2,
				Precision::Exact,
				Preservation::Preserve,
				Fortitude::Polite,
			)
			.expect("account 1 pays");
			ToTreasuryOrRecordedBurn::on_unbalanced(fee);
			assert_eq!(Balances::balance(&treasury), EXISTENTIAL_DEPOSIT + EXISTENTIAL_DEPOSIT / 2);
			Economics::do_try_state().expect("issuance = genesis + minted - burned");
		});
	}

	/// Should the treasury be emptied anyway (root can move anything), a deposit it cannot take
	/// is burned on the record: issuance stays genesis + minted − burned.
	#[test]
	fn what_a_dead_treasury_cannot_take_is_burned_on_the_record() {
		chain().execute_with(|| {
			let treasury = treasury_account();
			let everything = Balances::balance(&treasury);
			assert_ok!(<Balances as Mutate<AccountId>>::transfer(&treasury, &account(2), everything, Preservation::Expendable));
			assert_eq!(Balances::total_balance(&treasury), 0);
			let burned_before = pallet_economics::TotalBurned::<Runtime>::get();
			let dust = <Balances as Balanced<AccountId>>::withdraw(
				&account(1),
				EXISTENTIAL_DEPOSIT / 2,
				Precision::Exact,
				Preservation::Preserve,
				Fortitude::Polite,
			)
			.expect("account 1 pays");
			ToTreasuryOrRecordedBurn::on_unbalanced(dust);
			assert_eq!(pallet_economics::TotalBurned::<Runtime>::get(), burned_before + EXISTENTIAL_DEPOSIT / 2);
			Economics::do_try_state().expect("issuance = genesis + minted - burned");
		});
	}
}
