//! Ledgers over many epochs of mixed usage, the emission cap and decay, claims and expiry.

use frame_support::{
	assert_noop, assert_ok,
	traits::{
		fungible::{Inspect, Mutate},
		tokens::{Fortitude, Precision, Preservation},
		Hooks,
	},
	BoundedVec,
};
use depin_primitives::{AttestationObserver, AttestedUsage, LeaseObserver, Payment, TakeDestination};
use sp_runtime::DispatchError;

use crate::{emission, mock::*, pallet::*, types::*};

/// Runs `on_initialize` for every block up to `block`, as the chain would.
fn run_to(block: u64) {
	while System::block_number() < block {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Economics::on_initialize(next);
	}
}

/// The block `epoch`'s report window closes: its emission is fixed in it.
fn close(epoch: u32) {
	run_to(u64::from(clock().report_window_closes(epoch)));
}

/// The ledger is told that consumers paid `charged` for `epoch` to `provider`, `take` of it
/// to the protocol (sent or burned as `take_destination`).
fn settled(epoch: u32, provider: AccountId, charged: Balance, take: Balance, take_destination: TakeDestination) {
	let payment = Payment { charged, provider_share: charged - take, take, take_destination };
	<Economics as LeaseObserver<_, _>>::settled(epoch, &provider, &payment);
}

/// A consumer pays `charged` for `epoch` to `provider`, 5% take to the treasury: the money moves
/// as the leases pallet would move it, and the ledger is told.
fn pay(epoch: u32, provider: AccountId, charged: Balance) {
	let take = charged / 20;
	assert_ok!(Balances::transfer(&CONSUMER, &provider, charged - take, Preservation::Preserve));
	assert_ok!(Balances::transfer(&CONSUMER, &TREASURY, take, Preservation::Preserve));
	settled(epoch, provider, charged, take, TakeDestination::Beneficiary);
}

fn report(provider: AccountId, epoch: u32, busy_gpu_blocks: u64, used_gib_blocks: u64) {
	let usage = AttestedUsage {
		gpu_capacity_blocks: 80,
		gpu_leased_blocks: busy_gpu_blocks * 2,
		gpu_busy_blocks: busy_gpu_blocks,
		storage_capacity_gib_blocks: 10_000,
		storage_leased_gib_blocks: used_gib_blocks * 2,
		storage_used_gib_blocks: used_gib_blocks,
	};
	<Economics as AttestationObserver<_, _>>::report_accepted(&provider, epoch, &usage);
}

fn epochs(list: &[u32]) -> BoundedVec<u32, frame_support::traits::ConstU32<4>> {
	BoundedVec::try_from(list.to_vec()).unwrap()
}

#[test]
fn epochs_close_when_their_report_window_does() {
	run_test(|| {
		assert_eq!(Economics::epoch_to_close(14), None);
		assert_eq!(Economics::epoch_to_close(15), Some(0));
		assert_eq!(Economics::epoch_to_close(25), Some(1));
		assert_eq!(Economics::epoch_to_close(26), None);
		assert_eq!(Economics::epoch_to_close(5), None);
		close(0);
		assert!(Ledgers::<Test>::get(0).closed);
		assert_eq!(LastClosedEpoch::<Test>::get(), Some(0));
		assert!(!Ledgers::<Test>::get(1).closed);
	});
}

#[test]
fn many_epochs_of_mixed_usage_add_up_and_emission_follows_the_formula() {
	run_test(|| {
		// Epoch 0: two providers work and are paid; epoch 1: one provider, little revenue;
		// epoch 2: nothing; epochs 3..8: revenue again.
		let revenue = [1_000u128, 100, 0, 2_000, 2_000, 500, 5_000, 0];
		for (epoch, &charged) in revenue.iter().enumerate() {
			let epoch = epoch as u32;
			if charged > 0 {
				pay(epoch, PROVIDER, charged / 2);
				pay(epoch, PROVIDER_2, charged / 2);
				report(PROVIDER, epoch, 30, 100);
				report(PROVIDER_2, epoch, 10, 0);
			}
			<Economics as LeaseObserver<_, _>>::lease_opened(&PROVIDER);
		}
		close(revenue.len() as u32 - 1);

		let p = params();
		for (epoch, &charged) in revenue.iter().enumerate() {
			let epoch = epoch as u32;
			let ledger = Ledgers::<Test>::get(epoch);
			assert_eq!(ledger.fee_revenue, charged, "epoch {epoch}");
			let take = 2 * (charged / 2 / 20);
			assert_eq!(ledger.take_to_treasury, take);
			assert_eq!(ledger.provider_earnings, charged - take);
			let work = if charged > 0 { 30 * 1_000 + 100 + 10 * 1_000 } else { 0 };
			assert_eq!(ledger.useful_work, work);
			assert_eq!(ledger.providers_reported, if charged > 0 { 2 } else { 0 });
			assert_eq!(ledger.gpu_busy_blocks, if charged > 0 { 40 } else { 0 });
			let trailing: Balance = revenue[(epoch as usize).saturating_sub(1)..=epoch as usize].iter().sum();
			assert_eq!(ledger.emission, emission::emission(&p, epoch, trailing, work), "epoch {epoch}");
			assert!(ledger.closed);
			assert_eq!(ledger.open_leases, 8, "snapshot when closed");
		}
		// Spot values: epoch 0 = min(10,000, 3,000 + 2 × 1,000) = 5,000; epoch 2 has no work: 0;
		// epoch 4 (after the bootstrap, schedule halved to 5,000) = min(5,000, 2 × 4,000) = 5,000;
		// epoch 5 = min(5,000, 2 × 2,500); epoch 6 = min(5,000, 2 × 5,500) = 5,000.
		assert_eq!(Ledgers::<Test>::get(0).emission, 5_000);
		assert_eq!(Ledgers::<Test>::get(1).emission, emission::emission(&p, 1, 1_100, 40_100));
		assert_eq!(Ledgers::<Test>::get(1).emission, 2_000 + 2_200);
		assert_eq!(Ledgers::<Test>::get(2).emission, 0);
		assert_eq!(Ledgers::<Test>::get(3).emission, 4_000);
		assert_eq!(Ledgers::<Test>::get(4).emission, 5_000);
		assert_eq!(Economics::trailing_revenue(6, 2), 5_500);
		assert_eq!(ProviderEarnings::<Test>::get(PROVIDER).fees, revenue.iter().map(|c| c / 2 - c / 2 / 20).sum());
	});
}

#[test]
fn emission_is_claimed_in_proportion_to_useful_work() {
	run_test(|| {
		pay(0, PROVIDER, 1_000);
		report(PROVIDER, 0, 30, 0); // 30,000 work
		report(PROVIDER_2, 0, 10, 0); // 10,000 work
		assert_noop!(Economics::claim_rewards(RuntimeOrigin::signed(PROVIDER), epochs(&[0])), Error::<Test>::EpochNotClosed);
		close(0);
		let emission = Ledgers::<Test>::get(0).emission;
		assert_eq!(emission, 5_000);
		let before = Balances::balance(&PROVIDER);
		let issuance = Balances::total_issuance();
		assert_ok!(Economics::claim_rewards(RuntimeOrigin::signed(PROVIDER), epochs(&[0])));
		assert_eq!(Balances::balance(&PROVIDER), before + 3_750);
		assert_eq!(Balances::total_issuance(), issuance + 3_750);
		assert_ok!(Economics::claim_rewards(RuntimeOrigin::signed(PROVIDER_2), epochs(&[0])));
		assert_eq!(ProviderEarnings::<Test>::get(PROVIDER_2).emission, 1_250);
		let ledger = Ledgers::<Test>::get(0);
		assert_eq!((ledger.emission_claimed, ledger.emission_minted), (5_000, 5_000));
		assert_eq!(TotalMinted::<Test>::get(), 5_000);

		// Once only; nothing for those without work.
		assert_noop!(Economics::claim_rewards(RuntimeOrigin::signed(PROVIDER), epochs(&[0])), Error::<Test>::NothingToClaim);
		assert_noop!(Economics::claim_rewards(RuntimeOrigin::signed(CONSUMER), epochs(&[0])), Error::<Test>::NothingToClaim);
	});
}

#[test]
fn claims_cover_several_epochs_atomically() {
	run_test(|| {
		for epoch in 0..3 {
			pay(epoch, PROVIDER, 1_000);
			report(PROVIDER, epoch, 10, 0);
		}
		close(2);
		assert_noop!(
			Economics::claim_rewards(RuntimeOrigin::signed(PROVIDER), epochs(&[0, 1, 0])),
			Error::<Test>::DuplicateEpoch
		);
		// Epoch 3 is not closed: the whole claim fails and changes nothing.
		assert_noop!(
			Economics::claim_rewards(RuntimeOrigin::signed(PROVIDER), epochs(&[0, 3])),
			Error::<Test>::EpochNotClosed
		);
		let expected: Balance = (0..3).map(|e| Ledgers::<Test>::get(e).emission).sum();
		let before = Balances::balance(&PROVIDER);
		assert_ok!(Economics::claim_rewards(RuntimeOrigin::signed(PROVIDER), epochs(&[2, 0, 1])));
		assert_eq!(Balances::balance(&PROVIDER), before + expected);
		assert_eq!(
			System::events().last().unwrap().event,
			Event::RewardsClaimed { provider: PROVIDER, amount: expected, epochs: 3 }.into()
		);
	});
}

#[test]
fn unclaimed_emission_expires_to_the_treasury_or_is_never_minted() {
	run_test(|| {
		for epoch in 0..2 {
			pay(epoch, PROVIDER, 1_000);
			report(PROVIDER, epoch, 10, 0);
		}
		close(0);
		assert_noop!(Economics::sweep_expired(RuntimeOrigin::signed(CONSUMER), 0), Error::<Test>::NotExpired);
		close(EXPIRY);
		assert_noop!(
			Economics::claim_rewards(RuntimeOrigin::signed(PROVIDER), epochs(&[0])),
			Error::<Test>::RewardsExpired
		);
		let treasury = Balances::balance(&TREASURY);
		let unclaimed = Ledgers::<Test>::get(0).emission;
		assert_ok!(Economics::sweep_expired(RuntimeOrigin::signed(CONSUMER), 0));
		assert_eq!(Balances::balance(&TREASURY), treasury + unclaimed);
		assert!(ProviderWork::<Test>::iter_prefix(0).next().is_none());
		assert_noop!(Economics::sweep_expired(RuntimeOrigin::signed(CONSUMER), 0), Error::<Test>::AlreadySwept);

		// Without a beneficiary the expired allowance is simply never minted.
		ExpiredTo::set(None);
		close(EXPIRY + 1);
		let issuance = Balances::total_issuance();
		assert_ok!(Economics::sweep_expired(RuntimeOrigin::signed(CONSUMER), 1));
		assert_eq!(Balances::total_issuance(), issuance);
		assert_eq!(Ledgers::<Test>::get(1).emission_minted, 0);
	});
}

#[test]
fn burns_and_slashes_are_recorded_and_issuance_is_accounted_for() {
	run_test(|| {
		// A take that could not be paid to the treasury is burned by the leases pallet.
		assert_ok!(Balances::burn_from(&CONSUMER, 50, Preservation::Preserve, Precision::Exact, Fortitude::Polite));
		assert_ok!(Balances::transfer(&CONSUMER, &PROVIDER, 950, Preservation::Preserve));
		settled(0, PROVIDER, 1_000, 50, TakeDestination::Burned);
		<Economics as AttestationObserver<_, _>>::slashed(7);
		let ledger = Ledgers::<Test>::get(0);
		assert_eq!((ledger.take_burned, ledger.burned, ledger.slashed), (50, 50, 7));
		assert_eq!(TotalBurned::<Test>::get(), 50);
		Economics::do_try_state().expect("issuance = genesis + minted - burned");
		// An unrecorded burn breaks the invariant.
		assert_ok!(Balances::burn_from(&CONSUMER, 1, Preservation::Preserve, Precision::Exact, Fortitude::Polite));
		assert!(Economics::do_try_state().is_err());
		Economics::record_burn(0, 1);
	});
}

#[test]
fn governance_sets_the_parameters_within_bounds() {
	run_test(|| {
		let new = EmissionParams { revenue_cap_percent: 100, trailing_epochs: 8, ..params() };
		assert_noop!(Economics::set_params(RuntimeOrigin::signed(PROVIDER), new.clone()), DispatchError::BadOrigin);
		assert_noop!(
			Economics::set_params(RuntimeOrigin::root(), EmissionParams { trailing_epochs: 9, ..new.clone() }),
			Error::<Test>::InvalidParams
		);
		assert_noop!(
			Economics::set_params(RuntimeOrigin::root(), EmissionParams { trailing_epochs: 0, ..new.clone() }),
			Error::<Test>::InvalidParams
		);
		assert_ok!(Economics::set_params(RuntimeOrigin::root(), new.clone()));
		assert_eq!(Params::<Test>::get(), new);
	});
}

#[test]
fn open_leases_and_slashes_follow_the_leases_and_attestation() {
	run_test(|| {
		<Economics as LeaseObserver<_, _>>::lease_opened(&PROVIDER);
		<Economics as LeaseObserver<_, _>>::lease_opened(&PROVIDER);
		<Economics as LeaseObserver<_, _>>::lease_closed(&PROVIDER);
		assert_eq!(OpenLeases::<Test>::get(), 1);
		run_to(u64::from(clock().first_block(1)) + 2);
		<Economics as AttestationObserver<_, _>>::slashed(9);
		assert_eq!(Ledgers::<Test>::get(1).slashed, 9);
	});
}
