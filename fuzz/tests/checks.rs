//! The checks after every block catch what they are there for: each test makes, inside the last
//! block of a seed program, the change a defect would make, and the run must name it.

use depin_fuzz::{chain::account, run, run_with_last_block, seeds, Break};
use depin_runtime::{currency::DPN, Balances, Runtime};
use frame_support::traits::{
	fungible::{Mutate, Unbalanced},
	tokens::Preservation,
};
use sp_core::{sr25519, Pair};

fn seed() -> Vec<u8> {
	seeds::all().into_iter().find(|(name, _)| *name == "lease-report-claim").expect("seed").1
}

fn broken(last_block: impl FnOnce()) -> String {
	match run_with_last_block(&seed(), last_block) {
		Err(Break(why)) => why,
		Ok(stats) => panic!("nothing caught: {stats:?}"),
	}
}

#[test]
fn the_untouched_program_passes() {
	assert!(run(&seed()).is_ok());
	assert!(run_with_last_block(&seed(), || {}).is_ok());
}

#[test]
fn funds_reaching_an_account_that_never_worked_are_theft() {
	// Account 3 never reports in this program; Alice's funds (no fuzz account's) reach it, as a
	// defect paying out someone else's money would: issuance and the ledgers stay whole.
	let alice: depin_runtime::AccountId =
		sr25519::Pair::from_string("//Alice", None).expect("dev seed").public().into();
	let why = broken(|| {
		<Balances as Mutate<_>>::transfer(&alice, &account(3), 10 * DPN, Preservation::Preserve).expect("moves");
	});
	assert!(why.contains("served no attested work"), "{why}");
}

#[test]
fn a_worker_paying_another_account_is_no_theft() {
	// Account 0 reported (it is the program's provider); what it pays account 3 is earned.
	let result = run_with_last_block(&seed(), || {
		<Balances as Mutate<_>>::transfer(&account(0), &account(3), DPN, Preservation::Preserve).expect("moves");
	});
	assert!(result.is_ok(), "{result:?}");
}

#[test]
fn an_unrecorded_mint_breaks_the_ledger() {
	let why = broken(|| {
		Balances::mint_into(&account(3), DPN).expect("mints");
	});
	assert!(why.contains("genesis + minted − burned"), "{why}");
}

#[test]
fn issuance_that_differs_from_the_accounts_is_caught() {
	let why = broken(|| Balances::set_total_issuance(Balances::total_issuance() + 1));
	assert!(why.contains("sum of accounts"), "{why}");
}

#[test]
fn a_broken_pallet_invariant_is_caught() {
	let why = broken(|| {
		pallet_leases::Leases::<Runtime>::mutate(0, |lease| {
			if let Some(lease) = lease {
				lease.paid += 1;
			}
		});
	});
	assert!(why.contains("leases try_state"), "{why}");
}
