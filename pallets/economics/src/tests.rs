//! Ledgers over many epochs of mixed usage, the two parts of emission, claims and expiry, and
//! the attacks on emission: wash trading at any price, Sybil splitting, self-reported
//! utilization and device counts, the 48× cap, a revenue collapse.

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

/// An accepted report of `provider` for `epoch`: `busy_gpu_blocks` of claimed utilization and
/// `audited_gpu_blocks` of GPU-blocks of audited GPUs.
fn report(provider: AccountId, epoch: u32, busy_gpu_blocks: u64, audited_gpu_blocks: u64) {
	let usage = AttestedUsage {
		gpu_capacity_blocks: 80,
		gpu_leased_blocks: busy_gpu_blocks.saturating_mul(2),
		gpu_busy_blocks: busy_gpu_blocks,
		storage_capacity_gib_blocks: 10_000,
		storage_leased_gib_blocks: 0,
		storage_used_gib_blocks: 0,
		audited_gpu_blocks,
		audited_storage_gib_blocks: 0,
	};
	<Economics as AttestationObserver<_, _>>::report_accepted(&provider, epoch, &usage);
}

/// Claims `who`'s emission of `epoch`; returns what was minted (0 if nothing was due).
fn claim(who: AccountId, epoch: u32) -> Balance {
	let before = Balances::total_issuance();
	let _ = Economics::claim_rewards(RuntimeOrigin::signed(who), epochs(&[epoch]));
	Balances::total_issuance() - before
}

fn epochs(list: &[u32]) -> BoundedVec<u32, frame_support::traits::ConstU32<4>> {
	BoundedVec::try_from(list.to_vec()).unwrap()
}

#[test]
fn epochs_close_when_their_report_window_does() {
	run_test(|| {
		// Epoch 0's window closes at block 15: nothing closes before it.
		run_to(14);
		assert_eq!(LastClosedEpoch::<Test>::get(), None);
		run_to(15);
		assert!(Ledgers::<Test>::get(0).closed);
		assert_eq!(LastClosedEpoch::<Test>::get(), Some(0));
		assert!(!Ledgers::<Test>::get(1).closed);
		run_to(24);
		assert_eq!(LastClosedEpoch::<Test>::get(), Some(0));
		run_to(25);
		assert_eq!(LastClosedEpoch::<Test>::get(), Some(1));
	});
}

#[test]
fn many_epochs_of_mixed_usage_add_up_and_emission_follows_the_formula() {
	run_test(|| {
		// Epoch 0: two providers work and are paid, one with audited GPUs; epoch 1: little
		// revenue; epoch 2: nothing; epochs 3..8: revenue again.
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
			assert_eq!((ledger.take_to_treasury, ledger.matched_take), (take, take));
			assert_eq!(ledger.provider_earnings, charged - take);
			// 100 audited GPU-blocks of PROVIDER, at 1,000 each.
			let work = if charged > 0 { 100 * 1_000 } else { 0 };
			assert_eq!((ledger.audited_gpu_blocks, ledger.capacity_work), (work as u64 / 1_000, work));
			assert_eq!(ledger.providers_reported, if charged > 0 { 2 } else { 0 });
			assert_eq!(ledger.gpu_busy_blocks, if charged > 0 { 40 } else { 0 });
			let trailing: Balance = revenue[(epoch as usize).saturating_sub(1)..=epoch as usize].iter().sum();
			let allowance = emission::allowance(&p, epoch, take, trailing / 2, work);
			assert_eq!((ledger.usage_emission, ledger.capacity_emission), (allowance.usage, allowance.capacity));
			assert_eq!(ledger.emission, allowance.total(), "epoch {epoch}");
			assert!(ledger.usage_emission <= ledger.matched_take, "usage emission never exceeds the take");
			assert!(ledger.closed);
			assert_eq!(ledger.open_leases, 8, "snapshot when closed");
		}
		// Spot values: epoch 0: usage = take 50, capacity = bootstrap 3,000; epoch 1: take 4
		// (two payments of 50 pay 2 each), bootstrap 2,000; epoch 2 has nothing; epoch 3: the
		// bootstrap is over, usage = take 100.
		assert_eq!(Ledgers::<Test>::get(0).emission, 50 + 3_000);
		assert_eq!(Ledgers::<Test>::get(1).emission, 4 + 2_000);
		assert_eq!(Ledgers::<Test>::get(2).emission, 0);
		assert_eq!(Ledgers::<Test>::get(3).emission, 100);
		assert_eq!(Ledgers::<Test>::get(6).emission, 250);
		assert_eq!(Economics::trailing_revenue(6, 2), 5_500);
		assert_eq!(ProviderEarnings::<Test>::get(PROVIDER).fees, revenue.iter().map(|c| c / 2 - c / 2 / 20).sum());
	});
}

#[test]
fn usage_emission_is_claimed_by_take_paid_and_capacity_emission_by_audited_capacity() {
	run_test(|| {
		pay(0, PROVIDER, 1_000); // 50 take
		pay(0, PROVIDER_2, 3_000); // 150 take
		report(PROVIDER, 0, 30, 30); // 30 audited GPU-blocks
		report(PROVIDER_2, 0, 10, 10); // 10
		assert_noop!(Economics::claim_rewards(RuntimeOrigin::signed(PROVIDER), epochs(&[0])), Error::<Test>::EpochNotClosed);
		close(0);
		let ledger = Ledgers::<Test>::get(0);
		assert_eq!((ledger.usage_emission, ledger.capacity_emission), (200, 3_000));
		let before = Balances::balance(&PROVIDER);
		let issuance = Balances::total_issuance();
		assert_ok!(Economics::claim_rewards(RuntimeOrigin::signed(PROVIDER), epochs(&[0])));
		// 50 of usage (its take), 3,000 × 30/40 of capacity.
		assert_eq!(Balances::balance(&PROVIDER), before + 50 + 2_250);
		assert_eq!(Balances::total_issuance(), issuance + 2_300);
		assert_ok!(Economics::claim_rewards(RuntimeOrigin::signed(PROVIDER_2), epochs(&[0])));
		assert_eq!(ProviderEarnings::<Test>::get(PROVIDER_2).emission, 150 + 750);
		let ledger = Ledgers::<Test>::get(0);
		assert_eq!((ledger.emission_claimed, ledger.emission_minted), (3_200, 3_200));
		assert_eq!(TotalMinted::<Test>::get(), 3_200);

		// Once only; nothing for those who paid no take and attested no audited capacity.
		assert_noop!(Economics::claim_rewards(RuntimeOrigin::signed(PROVIDER), epochs(&[0])), Error::<Test>::NothingToClaim);
		assert_noop!(Economics::claim_rewards(RuntimeOrigin::signed(CONSUMER), epochs(&[0])), Error::<Test>::NothingToClaim);
	});
}

#[test]
fn take_paid_after_an_epoch_closed_is_revenue_but_not_matched() {
	run_test(|| {
		pay(0, PROVIDER, 1_000);
		close(0);
		// A dispute resolved for the provider pays late.
		pay(0, PROVIDER_2, 1_000);
		let ledger = Ledgers::<Test>::get(0);
		assert_eq!((ledger.fee_revenue, ledger.take_to_treasury), (2_000, 100));
		assert_eq!((ledger.matched_take, ledger.usage_emission), (50, 50));
		assert_eq!(claim(PROVIDER_2, 0), 0);
		assert_eq!(claim(PROVIDER, 0), 50);
	});
}

/// An undecided dispute held a charge through its epoch's close, so the epoch's usage emission
/// was fixed without its take: a provider whose report stood lost that emission for good, at no
/// cost to the disputer. The held take counts as paid at the close, reserved for the provider:
/// when the dispute ends with the report standing it is the provider's to claim; refunded, the
/// reservation lapses and is never claimed.
#[test]
fn take_held_for_a_dispute_keeps_its_emission_for_the_provider() {
	run_test(|| {
		pay(0, PROVIDER, 1_000);
		<Economics as LeaseObserver<_, _>>::charge_held(0, &PROVIDER_2, 50);
		<Economics as LeaseObserver<_, _>>::charge_held(1, &PROVIDER_2, 50);
		assert_eq!(HeldTakeTotal::<Test>::get(0), 50);
		close(1);
		let ledger = Ledgers::<Test>::get(0);
		assert_eq!((ledger.matched_take, ledger.usage_emission), (100, 100));
		assert!(!HeldTakeTotal::<Test>::contains_key(0), "read once, at the close");
		// Epoch 0's dispute times out: the report stands, the charge is paid late.
		<Economics as LeaseObserver<_, _>>::held_charge_ended(0, &PROVIDER_2, 50, true);
		settled(0, PROVIDER_2, 1_000, 50, TakeDestination::Beneficiary);
		assert_eq!(claim(PROVIDER_2, 0), 50);
		assert_eq!(claim(PROVIDER, 0), 50);
		// Epoch 1's dispute goes the consumer's way: nothing for the provider to claim.
		<Economics as LeaseObserver<_, _>>::held_charge_ended(1, &PROVIDER_2, 50, false);
		assert!(!HeldTake::<Test>::contains_key(1, PROVIDER_2));
		assert_noop!(
			Economics::claim_rewards(RuntimeOrigin::signed(PROVIDER_2), epochs(&[1])),
			Error::<Test>::NothingToClaim
		);
		// Held and ended before the close: the payment counts as any other.
		<Economics as LeaseObserver<_, _>>::charge_held(2, &PROVIDER, 50);
		<Economics as LeaseObserver<_, _>>::held_charge_ended(2, &PROVIDER, 50, true);
		settled(2, PROVIDER, 1_000, 50, TakeDestination::Beneficiary);
		assert_eq!(HeldTakeTotal::<Test>::get(2), 0);
		close(2);
		assert_eq!(Ledgers::<Test>::get(2).matched_take, 50);
	});
}

/// A report settled late (its window closed congested) lands after its epoch closed: its
/// capacity work must not change the shares of an emission already fixed, some of it claimed
/// already (adding to the denominator after a claim would let claims exceed the emission).
#[test]
fn a_report_after_the_close_earns_no_capacity_share() {
	run_test(|| {
		report(PROVIDER, 0, 10, 10);
		close(0);
		let emission = Ledgers::<Test>::get(0).capacity_emission;
		assert_eq!(claim(PROVIDER, 0), emission);
		report(PROVIDER_2, 0, 10, 10);
		assert_eq!(CapacityWork::<Test>::get(0, PROVIDER_2), 0);
		assert_noop!(
			Economics::claim_rewards(RuntimeOrigin::signed(PROVIDER_2), epochs(&[0])),
			Error::<Test>::NothingToClaim
		);
		assert!(Ledgers::<Test>::get(0).emission_claimed <= Ledgers::<Test>::get(0).emission);
	});
}

/// Storage without a deposit that never shrank: a ledger per epoch, for ever. Expired epochs
/// are swept and archived with the blocks' spare weight: the ledger's final state goes out as
/// an event and its storage is freed; issuance stays accounted for (`Archived`).
#[test]
fn expired_epochs_are_archived_with_spare_block_weight() {
	run_test(|| {
		for epoch in 0..3 {
			pay(epoch, PROVIDER, 1_000);
			report(PROVIDER, epoch, 10, 10);
		}
		close(EXPIRY + 1);
		let ledger = Ledgers::<Test>::get(0);
		let idle = |n| Economics::on_idle(n, frame_support::weights::Weight::MAX);
		// Too little weight: nothing happens.
		assert_eq!(Economics::on_idle(1, frame_support::weights::Weight::zero()), frame_support::weights::Weight::zero());
		assert!(Ledgers::<Test>::contains_key(0));
		idle(System::block_number());
		assert!(!Ledgers::<Test>::contains_key(0));
		assert_eq!(ArchivedBefore::<Test>::get(), 1);
		assert!(!Ledgers::<Test>::get(1).swept, "one sweep a block");
		assert!(System::events().iter().any(|r| match &r.event {
			RuntimeEvent::Economics(Event::LedgerArchived { epoch: 0, ledger: archived }) =>
				archived.fee_revenue == ledger.fee_revenue && archived.swept,
			_ => false,
		}));
		idle(System::block_number());
		assert_eq!(ArchivedBefore::<Test>::get(), 2);
		// Epoch 2 has not expired yet.
		idle(System::block_number());
		assert_eq!(ArchivedBefore::<Test>::get(), 2);
		assert!(Ledgers::<Test>::contains_key(2));
		assert_noop!(Economics::sweep_expired(RuntimeOrigin::signed(CONSUMER), 0), Error::<Test>::AlreadySwept);
	});
}

/// A provider's running earnings totals go with its registration.
#[test]
fn a_departed_providers_earnings_go_with_its_record() {
	run_test(|| {
		pay(0, PROVIDER, 1_000);
		assert!(ProviderEarnings::<Test>::contains_key(PROVIDER));
		<Economics as depin_primitives::ProviderObserver<_>>::provider_removed(&PROVIDER);
		assert!(!ProviderEarnings::<Test>::contains_key(PROVIDER));
	});
}

#[test]
fn claims_cover_several_epochs_atomically() {
	run_test(|| {
		for epoch in 0..3 {
			pay(epoch, PROVIDER, 1_000);
			report(PROVIDER, epoch, 10, 10);
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
			report(PROVIDER, epoch, 10, 10);
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
		assert!(UsageTake::<Test>::iter_prefix(0).next().is_none());
		assert!(CapacityWork::<Test>::iter_prefix(0).next().is_none());
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

/// Attack on state: `sweep_expired` cleared at most `MaxProvidersPerEpoch` records of an epoch
/// and marked it swept, orphaning the rest for ever. Now each sweep clears up to the bound and
/// the epoch is done only when no record is left.
#[test]
fn an_epoch_with_more_records_than_one_sweep_clears_is_swept_completely() {
	run_test(|| {
		let per_sweep = <<Test as Config>::MaxProvidersPerEpoch as frame_support::traits::Get<u32>>::get();
		let providers = 2 * per_sweep + 3;
		for who in 0..providers {
			let provider = 1_000 + u64::from(who);
			pay(0, provider, 1_000);
			report(provider, 0, 10, 10);
		}
		close(0);
		close(EXPIRY);
		assert_eq!(UsageTake::<Test>::iter_prefix(0).count() as u32, providers);
		let treasury = Balances::balance(&TREASURY);
		let unclaimed = Ledgers::<Test>::get(0).emission;

		let sweep = || Economics::sweep_expired(RuntimeOrigin::signed(CONSUMER), 0);
		assert_ok!(sweep());
		assert_eq!(Balances::balance(&TREASURY), treasury + unclaimed, "the rest is settled once");
		assert!(Ledgers::<Test>::get(0).swept);
		assert_eq!(UsageTake::<Test>::iter_prefix(0).count() as u32, providers - per_sweep);
		assert_ok!(sweep());
		assert_ok!(sweep());
		assert_eq!(UsageTake::<Test>::iter_prefix(0).count(), 0);
		assert_eq!(CapacityWork::<Test>::iter_prefix(0).count(), 0);
		assert!(System::events()
			.iter()
			.any(|r| r.event == Event::RecordsSwept { epoch: 0, cleared: 2 * 3, remaining: false }.into()));
		assert_eq!(Balances::balance(&TREASURY), treasury + unclaimed, "and only once");
		assert_noop!(sweep(), Error::<Test>::AlreadySwept);
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

/// A take booked at the report and burned at the provider's claim (the treasury could not
/// receive it) is recorded when the funds go, in the claim's epoch; a burn for an epoch whose
/// ledger is archived (a dispute resolved long after) goes to the archived totals.
#[test]
fn a_take_burned_at_the_claim_is_recorded_then() {
	run_test(|| {
		settled(0, PROVIDER, 1_000, 50, TakeDestination::Beneficiary);
		Economics::do_try_state().expect("nothing burned yet");
		assert_ok!(Balances::burn_from(&CONSUMER, 50, Preservation::Preserve, Precision::Exact, Fortitude::Polite));
		<Economics as LeaseObserver<_, _>>::take_burned(2, 50);
		assert_eq!((Ledgers::<Test>::get(2).burned, TotalBurned::<Test>::get()), (50, 50));
		Economics::do_try_state().expect("issuance = genesis + minted - burned");
		ArchivedBefore::<Test>::put(1);
		Ledgers::<Test>::remove(0);
		assert_ok!(Balances::burn_from(&CONSUMER, 7, Preservation::Preserve, Precision::Exact, Fortitude::Polite));
		<Economics as LeaseObserver<_, _>>::take_burned(0, 7);
		assert!(!Ledgers::<Test>::contains_key(0), "no ledger of an archived epoch comes back");
		assert_eq!((Archived::<Test>::get().1, TotalBurned::<Test>::get()), (7, 57));
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
		assert_noop!(
			Economics::set_params(RuntimeOrigin::root(), EmissionParams { usage_match_percent: 101, ..new.clone() }),
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

/// The attacks of the economics issue, each played against the ledger as the leases and
/// attestation pallets would report it. An actor controls provider and consumer accounts; its
/// net is what it paid (the take: the provider share returns to it) against what it can claim.
mod attacks {
	use super::*;

	/// Rents from itself at any price and reports 100% utilization: its usage emission is at
	/// most the take it paid, so it nets nothing, at every price.
	#[test]
	fn wash_trading_at_any_price_returns_at_most_the_take_paid() {
		for charged in [20u128, 1_000, 40_000, 200_000] {
			run_test(|| {
				let take = charged / 20;
				pay(0, PROVIDER, charged);
				report(PROVIDER, 0, u64::MAX, 0);
				close(0);
				let reward = claim(PROVIDER, 0);
				assert!(reward <= take, "paid {charged}: {reward} > {take}");
				assert_eq!(Ledgers::<Test>::get(0).capacity_emission, 0, "self-reported use earns no capacity emission");
			});
		}
	}

	/// Honest providers lose to a wash trader no more than it gets back, itself at most the take
	/// it burned: only when the schedule binds usage, and never their capacity emission.
	#[test]
	fn a_wash_trader_dilutes_honest_providers_by_at_most_what_it_gets_back() {
		// (honest provider's emission, the actor's emission)
		let run = |wash: Balance| {
			let mut got = (0, 0);
			run_test(|| {
				pay(0, PROVIDER_2, 2_000); // honest: 100 take
				report(PROVIDER_2, 0, 10, 50); // and 50 audited GPU-blocks
				if wash > 0 {
					pay(0, PROVIDER, wash);
				}
				close(0);
				got = (claim(PROVIDER_2, 0), claim(PROVIDER, 0));
			});
			got
		};
		let (alone, _) = run(0);
		for wash in [1_000u128, 100_000, 180_000, 900_000] {
			let (diluted, actor) = run(wash);
			assert!(actor <= wash / 20, "wash {wash}: the actor got back {actor}");
			assert!(alone - diluted <= actor, "wash {wash}: honest {alone} → {diluted}, actor {actor}");
		}
		// At 180,000 the schedule (10,000) binds usage at 7,000 beside the 3,000 of capacity:
		// the honest 100 of take earns 76, its capacity emission is untouched.
		assert_eq!(run(180_000).0, 3_000 + 7_000 * 100 / 9_100);
	}

	/// Splitting the same wash across Sybil providers earns no more than one account.
	#[test]
	fn sybil_providers_earn_no_more_than_one() {
		let mut whole = 0;
		run_test(|| {
			pay(0, PROVIDER, 4_000);
			close(0);
			whole = claim(PROVIDER, 0);
		});
		run_test(|| {
			pay(0, PROVIDER, 2_000);
			pay(0, PROVIDER_2, 2_000);
			close(0);
			assert_eq!(claim(PROVIDER, 0) + claim(PROVIDER_2, 0), whole);
		});
		assert_eq!(whole, 200);
	}

	/// Fake hardware and inflated reports: device counts and utilization a provider reports of
	/// itself earn nothing; only audited capacity shares the bootstrap allowance.
	#[test]
	fn self_reported_devices_and_utilization_earn_no_emission() {
		run_test(|| {
			report(PROVIDER, 0, u64::MAX, 0);
			close(0);
			assert_eq!(Ledgers::<Test>::get(0).emission, 0, "nothing is minted for unaudited claims");
			assert_noop!(Economics::claim_rewards(RuntimeOrigin::signed(PROVIDER), epochs(&[0])), Error::<Test>::NothingToClaim);
		});
	}

	/// Wash revenue cannot move capacity emission: it comes first and does not depend on
	/// revenue, so an actor gains nothing there by paying itself, nor squeezes honest audited
	/// hardware out of it at the cost of fees alone.
	#[test]
	fn wash_revenue_does_not_raise_capacity_emission() {
		let capacity = |wash: Balance| {
			let mut got = 0;
			run_test(|| {
				report(PROVIDER, 0, 10, 50);
				if wash > 0 {
					pay(0, PROVIDER, wash);
				}
				close(0);
				got = Ledgers::<Test>::get(0).capacity_emission;
			});
			got
		};
		// However much the actor pays itself, capacity emission is the bootstrap allowance.
		for wash in [0, 1_000, 150_000, 500_000] {
			assert_eq!(capacity(wash), 3_000, "wash {wash}");
		}
	}

	/// The 48× case: at steady revenue a 24-epoch window once let emission reach 48 × an epoch's
	/// revenue. Emission is now the take at most; the revenue cap is on the window's mean.
	#[test]
	fn steady_revenue_never_emits_more_than_the_take() {
		run_test(|| {
			let p = EmissionParams { bootstrap_per_epoch: 0, halving_epochs: 0, trailing_epochs: 8, ..params() };
			assert_ok!(Economics::set_params(RuntimeOrigin::root(), p));
			for epoch in 0..8 {
				pay(epoch, PROVIDER, 1_000);
			}
			close(7);
			for epoch in 0..8 {
				assert_eq!(Ledgers::<Test>::get(epoch).emission, 50, "epoch {epoch}");
			}
		});
	}

	/// Customers leave: after the bootstrap, emission follows revenue down to nothing.
	#[test]
	fn emission_follows_revenue_down() {
		run_test(|| {
			for epoch in 0..6 {
				if epoch < 4 {
					pay(epoch, PROVIDER, 1_000);
				}
				report(PROVIDER, epoch, 10, 50);
			}
			close(5);
			let emitted: Vec<Balance> = (0..6).map(|e| Ledgers::<Test>::get(e).emission).collect();
			// Bootstrap 3,000 → 2,000 → 1,000 plus the take; then the take alone; then nothing.
			assert_eq!(emitted, vec![3_050, 2_050, 1_050, 50, 0, 0]);
		});
	}
}
