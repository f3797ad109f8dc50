//! Behaviour of leases. `run_test` ends every test with both pallets' invariants and the
//! check that no funds appeared or vanished (burns aside); error paths use `assert_noop`.

use frame_support::{
	assert_noop, assert_ok,
	traits::fungible::{Inspect, InspectHold},
};
use depin_primitives::{Commitments, LeaseCharge, LeaseSettlement, Payee, ProviderRegistry, Verdict};
use pallet_providers::testing::bounded;
use sp_runtime::DispatchError;

use crate::{mock::*, pallet, pallet::*, types::*};
use crate::mock::Leases;

fn escrow_held(who: AccountId) -> Balance {
	Balances::balance_on_hold(&RuntimeHoldReason::Leases(HoldReason::LeaseEscrow), &who)
}

fn one_h100() -> ResourceRequest {
	ResourceRequest { gpus: 1, gpu_model: Some(bounded(b"H100")), ..Default::default() }
}

/// One epoch (10 blocks of a 600-block hour) of a lease priced `per_hour`.
fn epoch_cost(per_hour: Balance) -> Balance {
	per_hour * Balance::from(clock().length()) / BLOCKS_PER_HOUR as Balance
}

fn rent_h100(deposit: Balance) -> LeaseId {
	let id = NextLeaseId::<Test>::get();
	assert_ok!(Leases::rent(RuntimeOrigin::signed(CONSUMER), PROVIDER, one_h100(), deposit));
	id
}

fn last_event() -> RuntimeEvent {
	System::events().pop().expect("an event").event
}

fn has_event(event: Event<Test>) -> bool {
	let event: RuntimeEvent = event.into();
	System::events().iter().any(|r| r.event == event)
}

/// The totals of a finished (removed) lease, from its `LeaseFinished` event:
/// `(deposited, paid, take, refunded)`.
fn finished(id: LeaseId) -> (Balance, Balance, Balance, Balance) {
	assert!(pallet::Leases::<Test>::get(id).is_none(), "a finished lease is not stored");
	System::events()
		.into_iter()
		.find_map(|record| match record.event {
			RuntimeEvent::Leases(Event::LeaseFinished { lease, deposited, paid, take, refunded }) if lease == id =>
				Some((deposited, paid, take, refunded)),
			_ => None,
		})
		.expect("a LeaseFinished event")
}

/// Why the lease was closed, from its `LeaseClosed` event.
fn close_reason(id: LeaseId) -> CloseReason {
	System::events()
		.into_iter()
		.find_map(|record| match record.event {
			RuntimeEvent::Leases(Event::LeaseClosed { lease, reason, .. }) if lease == id => Some(reason),
			_ => None,
		})
		.expect("a LeaseClosed event")
}

fn go_to(block: u64) {
	System::set_block_number(block);
}

mod rent {
	use super::*;

	#[test]
	fn rent_opens_a_lease_at_listed_prices_and_holds_the_deposit() {
		run_test(|| {
			provider(PROVIDER, "eu");
			let request = ResourceRequest {
				gpus: 2,
				gpu_model: Some(bounded(b"H100")),
				min_vram_mib: 80_000,
				storage_gib: 100,
				cpu_cores: 8,
				attested_gpus: false,
			};
			let price = 2 * H100_PRICE + 100 * GIB_PRICE + 8 * CORE_PRICE;
			let deposit = MIN_EPOCHS as Balance * epoch_cost(price);
			assert_ok!(Leases::rent(RuntimeOrigin::signed(CONSUMER), PROVIDER, request, deposit));

			let lease = pallet::Leases::<Test>::get(0).unwrap();
			assert_eq!(lease.price_per_hour, price);
			assert_eq!(lease.gpus.to_vec(), vec![gpu_id(PROVIDER, 1), gpu_id(PROVIDER, 2)]);
			assert_eq!((lease.storage_gib, lease.cpu_cores), (100, 8));
			assert_eq!((lease.deposited, lease.escrow), (deposit, deposit));
			assert_eq!(escrow_held(CONSUMER), deposit);
			assert_eq!(Balances::balance(&CONSUMER), STARTING_BALANCE - deposit);
			assert_eq!(
				last_event(),
				Event::LeaseOpened {
					lease: 0,
					consumer: CONSUMER,
					provider: PROVIDER,
					gpus: bounded(&[gpu_id(PROVIDER, 1), gpu_id(PROVIDER, 2)]),
					storage_gib: 100,
					cpu_cores: 8,
					price_per_hour: price,
					deposit
				}
				.into()
			);
			// The registry sees the commitment.
			let committed = <Leases as Commitments<_>>::commitment(&PROVIDER);
			assert_eq!((committed.open_leases, committed.storage_bytes(), committed.cpu_cores), (1, 100 * GIB, 8));
			assert!(<Leases as Commitments<_>>::is_gpu_leased(&gpu_id(PROVIDER, 1)));
		});
	}

	/// A self-reported GPU cannot fill a request for attested GPUs, by `rent` or by a bid:
	/// listing fake H100s wins no order that asks for proof.
	#[test]
	fn a_request_for_attested_gpus_takes_only_attested_ones() {
		run_test(|| {
			provider(PROVIDER, "eu");
			provider(PROVIDER_2, "us");
			let deposit = 1_000_000 / 8;
			let attested_h100 = ResourceRequest { gpus: 1, gpu_model: Some(bounded(b"H100")), attested_gpus: true, ..Default::default() };
			assert_noop!(
				Leases::rent(RuntimeOrigin::signed(CONSUMER), PROVIDER, attested_h100.clone(), deposit),
				Error::<Test>::NotEnoughGpus
			);
			// Provider 1's second H100 proves itself; the first stays self-reported.
			crate::mock::MockHardware::attest(PROVIDER, gpu_id(PROVIDER, 2));
			assert_ok!(Leases::rent(RuntimeOrigin::signed(CONSUMER), PROVIDER, attested_h100.clone(), deposit));
			assert_eq!(pallet::Leases::<Test>::get(0).unwrap().gpus.to_vec(), vec![gpu_id(PROVIDER, 2)]);
			// Its only attested GPU is taken: the next attested request fails, a plain one is served.
			assert_noop!(
				Leases::rent(RuntimeOrigin::signed(CONSUMER_2), PROVIDER, attested_h100.clone(), deposit),
				Error::<Test>::NotEnoughGpus
			);
			assert_ok!(Leases::rent(RuntimeOrigin::signed(CONSUMER_2), PROVIDER, one_h100(), deposit));
			// An order asking for attested GPUs: provider 2 has none, so cannot bid.
			assert_ok!(Leases::create_order(RuntimeOrigin::signed(CONSUMER), attested_h100, None, None, H100_PRICE, deposit));
			let order = pallet::NextOrderId::<Test>::get() - 1;
			assert_noop!(Leases::bid(RuntimeOrigin::signed(PROVIDER_2), order, H100_PRICE), Error::<Test>::NotEnoughGpus);
			crate::mock::MockHardware::attest(PROVIDER_2, gpu_id(PROVIDER_2, 1));
			assert_ok!(Leases::bid(RuntimeOrigin::signed(PROVIDER_2), order, H100_PRICE));
		});
	}

	#[test]
	fn a_provider_never_leases_more_than_it_has() {
		run_test(|| {
			provider(PROVIDER, "eu");
			let deposit = 1_000_000 / 2;
			let two_h100 = ResourceRequest { gpus: 2, gpu_model: Some(bounded(b"H100")), ..Default::default() };
			assert_ok!(Leases::rent(RuntimeOrigin::signed(CONSUMER), PROVIDER, two_h100.clone(), deposit / 4));
			// Both H100s are taken; the A100 is not an H100.
			assert_noop!(
				Leases::rent(RuntimeOrigin::signed(CONSUMER_2), PROVIDER, one_h100(), deposit / 4),
				Error::<Test>::NotEnoughGpus
			);
			// Any GPU with enough memory: the A100 (40 GiB) does not have 80.
			let big = ResourceRequest { gpus: 1, min_vram_mib: 80_000, ..Default::default() };
			assert_noop!(
				Leases::rent(RuntimeOrigin::signed(CONSUMER_2), PROVIDER, big, deposit / 4),
				Error::<Test>::NotEnoughGpus
			);
			let storage = ResourceRequest { storage_gib: 1_025, ..Default::default() };
			assert_noop!(
				Leases::rent(RuntimeOrigin::signed(CONSUMER_2), PROVIDER, storage, deposit / 4),
				Error::<Test>::NotEnoughStorage
			);
			let cpu = ResourceRequest { cpu_cores: 33, ..Default::default() };
			assert_noop!(
				Leases::rent(RuntimeOrigin::signed(CONSUMER_2), PROVIDER, cpu, deposit / 4),
				Error::<Test>::NotEnoughCpu
			);
			// Closing frees the GPUs for the next consumer.
			assert_ok!(Leases::close_lease(RuntimeOrigin::signed(CONSUMER), 0));
			assert_ok!(Leases::rent(RuntimeOrigin::signed(CONSUMER_2), PROVIDER, two_h100, deposit / 4));
		});
	}

	#[test]
	fn bad_rent_requests_fail_without_change() {
		run_test(|| {
			provider(PROVIDER, "eu");
			let origin = || RuntimeOrigin::signed(CONSUMER);
			let enough = 10 * epoch_cost(H100_PRICE);
			assert_noop!(
				Leases::rent(origin(), PROVIDER, ResourceRequest::default(), enough),
				Error::<Test>::EmptyRequest
			);
			assert_noop!(
				Leases::rent(origin(), PROVIDER, ResourceRequest { gpus: 5, ..Default::default() }, enough),
				Error::<Test>::TooManyGpus
			);
			assert_noop!(Leases::rent(origin(), STRANGER, one_h100(), enough), Error::<Test>::ProviderNotActive);
			assert_noop!(
				Leases::rent(origin(), PROVIDER, one_h100(), MIN_EPOCHS as Balance * epoch_cost(H100_PRICE) - 1),
				Error::<Test>::DepositTooLow
			);
			assert_noop!(
				Leases::rent(origin(), PROVIDER, one_h100(), STARTING_BALANCE),
				Error::<Test>::InsufficientBalance
			);
			// A GPU model without a listed price cannot be rented at listed prices.
			assert_ok!(Providers::set_prices(
				RuntimeOrigin::signed(PROVIDER),
				pallet_providers::PriceList { gpu: bounded(&[]), storage_gib: 0, cpu_core: 0 }
			));
			assert_noop!(Leases::rent(origin(), PROVIDER, one_h100(), enough), Error::<Test>::PriceNotListed);
			// Unpriced storage is not free storage.
			let one_gib = ResourceRequest { storage_gib: 1, ..Default::default() };
			assert_noop!(Leases::rent(origin(), PROVIDER, one_gib.clone(), enough), Error::<Test>::PriceNotListed);
			// A price so low that an epoch rounds to nothing cannot be metered by escrow.
			assert_ok!(Providers::set_prices(
				RuntimeOrigin::signed(PROVIDER),
				pallet_providers::PriceList { gpu: bounded(&[]), storage_gib: 1, cpu_core: 0 }
			));
			assert_noop!(Leases::rent(origin(), PROVIDER, one_gib, enough), Error::<Test>::ZeroPrice);
		});
	}

	#[test]
	fn absurd_prices_overflow_into_an_error_not_a_panic() {
		run_test(|| {
			provider(PROVIDER, "eu");
			assert_ok!(Providers::set_prices(
				RuntimeOrigin::signed(PROVIDER),
				pallet_providers::PriceList { gpu: bounded(&[(bounded(b"H100"), Balance::MAX)]), storage_gib: 1, cpu_core: 1 }
			));
			assert_noop!(Leases::rent(RuntimeOrigin::signed(CONSUMER), PROVIDER, one_h100(), 1), Error::<Test>::Overflow);
			let two = ResourceRequest { gpus: 2, gpu_model: Some(bounded(b"H100")), ..Default::default() };
			assert_noop!(Leases::rent(RuntimeOrigin::signed(CONSUMER), PROVIDER, two, 1), Error::<Test>::Overflow);
			assert_noop!(
				Leases::create_order(RuntimeOrigin::signed(CONSUMER), one_h100(), None, None, Balance::MAX, 1),
				Error::<Test>::Overflow
			);
			assert_noop!(
				Leases::create_order(
					RuntimeOrigin::signed(CONSUMER),
					ResourceRequest { gpus: 5, ..Default::default() },
					None,
					None,
					H100_PRICE,
					STARTING_BALANCE / 2
				),
				Error::<Test>::TooManyGpus
			);
		});
	}

	#[test]
	fn leased_hardware_and_bond_cannot_leave() {
		run_test(|| {
			provider(PROVIDER, "eu");
			rent_h100(10 * epoch_cost(H100_PRICE));
			assert_noop!(
				Providers::remove_gpus(RuntimeOrigin::signed(PROVIDER), bounded(&[gpu_id(PROVIDER, 1)])),
				pallet_providers::Error::<Test>::GpuLeased
			);
			assert_noop!(
				Providers::deregister(RuntimeOrigin::signed(PROVIDER)),
				pallet_providers::Error::<Test>::HasOpenLeases
			);
			assert_noop!(
				Providers::unbond(RuntimeOrigin::signed(PROVIDER), 1),
				pallet_providers::Error::<Test>::HasOpenLeases
			);
		});
	}

	#[test]
	fn a_provider_has_a_bounded_number_of_leases() {
		run_test(|| {
			provider(PROVIDER, "eu");
			let deposit = 10 * epoch_cost(CORE_PRICE);
			let core = ResourceRequest { cpu_cores: 1, ..Default::default() };
			for _ in 0..4 {
				assert_ok!(Leases::rent(RuntimeOrigin::signed(CONSUMER_2), PROVIDER, core.clone(), deposit));
			}
			assert_noop!(
				Leases::rent(RuntimeOrigin::signed(CONSUMER), PROVIDER, core.clone(), deposit),
				Error::<Test>::TooManyProviderLeases
			);
			// And a consumer a bounded number of leases and orders.
			provider(PROVIDER_2, "us");
			assert_noop!(
				Leases::rent(RuntimeOrigin::signed(CONSUMER_2), PROVIDER_2, core, deposit),
				Error::<Test>::TooManyConsumerLeases
			);
		});
	}

	#[test]
	fn top_up_adds_escrow_for_the_consumer_only() {
		run_test(|| {
			provider(PROVIDER, "eu");
			let deposit = MIN_EPOCHS as Balance * epoch_cost(H100_PRICE);
			let id = rent_h100(deposit);
			assert_ok!(Leases::top_up(RuntimeOrigin::signed(CONSUMER), id, 500));
			let lease = pallet::Leases::<Test>::get(id).unwrap();
			assert_eq!((lease.deposited, lease.escrow), (deposit + 500, deposit + 500));
			assert_eq!(escrow_held(CONSUMER), deposit + 500);
			assert_eq!(last_event(), Event::ToppedUp { lease: id, amount: 500, escrow: deposit + 500 }.into());

			assert_noop!(Leases::top_up(RuntimeOrigin::signed(STRANGER), id, 1), Error::<Test>::NotParty);
			assert_noop!(Leases::top_up(RuntimeOrigin::signed(CONSUMER), id, 0), Error::<Test>::ZeroAmount);
			assert_noop!(Leases::top_up(RuntimeOrigin::signed(CONSUMER), 7, 1), Error::<Test>::UnknownLease);
			assert_noop!(
				Leases::top_up(RuntimeOrigin::signed(CONSUMER), id, STARTING_BALANCE),
				Error::<Test>::InsufficientBalance
			);
			// Closed in the block it opened: nothing to retain, so the lease is finished and gone.
			assert_ok!(Leases::close_lease(RuntimeOrigin::signed(CONSUMER), id));
			assert_noop!(Leases::top_up(RuntimeOrigin::signed(CONSUMER), id, 1), Error::<Test>::UnknownLease);
			// Closed with service still reportable: kept, but no longer open to top-ups.
			let id = rent_h100(10 * epoch_cost(H100_PRICE));
			go_to(3);
			assert_ok!(Leases::close_lease(RuntimeOrigin::signed(CONSUMER), id));
			assert_noop!(Leases::top_up(RuntimeOrigin::signed(CONSUMER), id, 1), Error::<Test>::LeaseNotOpen);
		});
	}
}

/// Numbers a renter or provider picks are bounded, and nobody rents from itself.
mod bounds {
	use super::*;

	fn origin() -> RuntimeOrigin {
		RuntimeOrigin::signed(CONSUMER)
	}

	#[test]
	fn requests_above_a_leases_bounds_are_refused() {
		run_test(|| {
			provider(PROVIDER, "eu");
			let enough = STARTING_BALANCE / 2;
			let huge = [
				ResourceRequest { storage_gib: u32::MAX, ..Default::default() },
				ResourceRequest { storage_gib: (1 << 20) + 1, ..Default::default() },
				ResourceRequest { cpu_cores: 1_025, ..Default::default() },
			];
			for request in huge {
				assert_noop!(Leases::rent(origin(), PROVIDER, request.clone(), enough), Error::<Test>::RequestTooLarge);
				assert_noop!(
					Leases::create_order(origin(), request, None, None, H100_PRICE, enough),
					Error::<Test>::RequestTooLarge
				);
			}
		});
	}

	/// The wash trade of the economics issue: rent one's own hardware to manufacture usage.
	/// The same account cannot be both parties (Sybil accounts are the economics' matter).
	#[test]
	fn a_provider_cannot_rent_from_itself_or_bid_on_its_own_order() {
		run_test(|| {
			provider(PROVIDER, "eu");
			let deposit = MIN_EPOCHS as Balance * epoch_cost(H100_PRICE);
			assert_noop!(
				Leases::rent(RuntimeOrigin::signed(PROVIDER), PROVIDER, one_h100(), deposit),
				Error::<Test>::SelfLease
			);
			let order = NextOrderId::<Test>::get();
			assert_ok!(Leases::create_order(RuntimeOrigin::signed(PROVIDER), one_h100(), None, None, H100_PRICE, deposit));
			assert_noop!(Leases::bid(RuntimeOrigin::signed(PROVIDER), order, H100_PRICE), Error::<Test>::SelfLease);
		});
	}

	/// The attack priced every unit at 1 planck an hour so that self-renting costs nothing.
	/// An epoch must cost at least `MinEpochCharge`, for rents, orders and bids alike.
	#[test]
	fn an_epoch_of_a_lease_costs_at_least_the_minimum_charge() {
		run_test(|| {
			provider(PROVIDER, "eu");
			// One H100 epoch costs 100 here.
			MinCharge::set(epoch_cost(H100_PRICE));
			let deposit = 10 * epoch_cost(H100_PRICE);
			assert_ok!(Leases::rent(origin(), PROVIDER, one_h100(), deposit));
			MinCharge::set(epoch_cost(H100_PRICE) + 1);
			assert_noop!(Leases::rent(RuntimeOrigin::signed(CONSUMER_2), PROVIDER, one_h100(), deposit), Error::<Test>::PriceTooLow);
			assert_noop!(
				Leases::create_order(origin(), one_h100(), None, None, H100_PRICE, deposit),
				Error::<Test>::PriceTooLow
			);
			MinCharge::set(epoch_cost(A100_PRICE));
			let order = NextOrderId::<Test>::get();
			let any_gpu = ResourceRequest { gpus: 1, ..Default::default() };
			assert_ok!(Leases::create_order(origin(), any_gpu, None, None, H100_PRICE, deposit));
			assert_noop!(
				Leases::bid(RuntimeOrigin::signed(PROVIDER), order, A100_PRICE - 60),
				Error::<Test>::PriceTooLow
			);
			assert_ok!(Leases::bid(RuntimeOrigin::signed(PROVIDER), order, A100_PRICE));
		});
	}
}

/// Reports book charges; the provider claims them once nobody can contest them.
mod earnings {
	use super::*;

	fn locked(who: AccountId) -> Balance {
		Balances::balance_on_hold(&RuntimeHoldReason::Leases(HoldReason::ProviderEarnings), &who)
	}

	fn disputed(who: AccountId) -> Balance {
		Balances::balance_on_hold(&RuntimeHoldReason::Leases(HoldReason::LeaseDispute), &who)
	}

	fn settle(id: LeaseId, epoch: u32) {
		assert_ok!(<Leases as LeaseSettlement<_, _>>::settle(&PROVIDER, id, epoch, 10, Payee::Provider).map(|_| ()));
	}

	fn claim() -> frame_support::dispatch::DispatchResultWithPostInfo {
		Leases::claim_earnings(RuntimeOrigin::signed(STRANGER), PROVIDER)
	}

	/// Attack: a provider charged 256 leases for three days while disputes waited for a ruling,
	/// against a bond of 100 DPN. A report moves no money: each charge stays on its consumer's
	/// escrow hold, contestable for an epoch after the report, and only then can the provider
	/// claim it. What it can spend before a ruling is only what nobody contested.
	#[test]
	fn a_charge_is_claimable_an_epoch_after_its_report() {
		run_test(|| {
			provider(PROVIDER, "eu");
			let deposit = 10 * epoch_cost(H100_PRICE);
			let id = rent_h100(deposit);
			let (provider_before, treasury_before) = (Balances::balance(&PROVIDER), Balances::balance(&TREASURY));
			let reported_at = epoch_start(1);
			go_to(reported_at);
			settle(id, 0);
			// Booked, not paid: the charge is still on the consumer's hold.
			assert_eq!(Balances::balance(&PROVIDER), provider_before);
			assert_eq!(escrow_held(CONSUMER), deposit);
			let lease = pallet::Leases::<Test>::get(id).unwrap();
			assert_eq!((lease.escrow, lease.paid, lease.take, lease.booked()), (deposit - 90, 86, 4, 90));
			assert_eq!(Leases::claimable(&PROVIDER).share, 0);
			assert_noop!(claim(), Error::<Test>::NothingToClaim);
			// An epoch after the report, anyone may claim it for the provider.
			go_to(reported_at + u64::from(clock().length()) - 1);
			assert_noop!(claim(), Error::<Test>::NothingToClaim);
			go_to(reported_at + u64::from(clock().length()));
			assert_eq!(Leases::claimable(&PROVIDER).share, 86);
			assert_ok!(claim());
			assert_eq!(Balances::balance(&PROVIDER), provider_before + 86);
			assert_eq!(Balances::balance(&TREASURY), treasury_before + 4);
			assert_eq!(escrow_held(CONSUMER), deposit - 90);
			assert!(has_event(Event::EarningsClaimed { provider: PROVIDER, leases: 1, share: 86, take: 4 }));
			assert_eq!(pallet::Leases::<Test>::get(id).unwrap().booked(), 0);
			assert_noop!(claim(), Error::<Test>::NothingToClaim);
		});
	}

	/// Claiming late loses nothing: epochs booked while the provider did not claim are paid by
	/// one claim, each epoch's take split as it was booked.
	#[test]
	fn one_claim_pays_every_epoch_that_waited() {
		run_test(|| {
			provider(PROVIDER, "eu");
			let id = rent_h100(10 * epoch_cost(H100_PRICE));
			let provider_before = Balances::balance(&PROVIDER);
			for epoch in 0..5 {
				go_to(epoch_start(epoch + 1));
				settle(id, epoch);
			}
			go_to(epoch_start(7));
			assert_eq!(Leases::claimable(&PROVIDER).share, 86 + 4 * 95);
			assert_ok!(claim());
			assert_eq!(Balances::balance(&PROVIDER), provider_before + 86 + 4 * 95);
			assert!(has_event(Event::EarningsClaimed { provider: PROVIDER, leases: 1, share: 86 + 4 * 95, take: 4 + 4 * 5 }));
		});
	}

	/// A late report and the next epoch's may land in one block: the next report must not cut
	/// the late charges' time to be contested to nothing. Each report's charges stay
	/// contestable for an epoch after that report landed, whatever follows.
	#[test]
	fn a_report_right_after_another_leaves_it_an_epoch_to_be_contested() {
		run_test(|| {
			provider(PROVIDER, "eu");
			let (a, b) = (rent_h100(10 * epoch_cost(H100_PRICE)), rent_h100(10 * epoch_cost(H100_PRICE)));
			// Epoch 0's window closed congested: it is settled late, in epoch 1's window.
			LateEpoch::set(Some(0));
			let reported_at = epoch_start(2) + 1;
			go_to(reported_at);
			// Epochs 0 and 1 settled in the same block (0 late, then 1).
			for epoch in [0, 1] {
				let charges = [a, b].map(|lease| LeaseCharge { lease, attested_blocks: 10, payee: Payee::Provider });
				assert_ok!(<Leases as LeaseSettlement<_, _>>::settle_epoch(&PROVIDER, epoch, &charges).map(|_| ()));
			}
			// Epoch 0's charge is still contestable after epoch 1's report.
			assert_eq!(<Leases as LeaseSettlement<_, _>>::take_paid_charge(a, 0), Some(90));
			assert_eq!(<Leases as LeaseSettlement<_, _>>::take_paid_charge(a, 1), Some(100));
			// Lease b's charges wait until an epoch has passed since the reports.
			go_to(reported_at + u64::from(clock().length()) - 1);
			assert_eq!(Leases::claimable(&PROVIDER).share, 0);
			go_to(reported_at + u64::from(clock().length()));
			assert_eq!(<Leases as LeaseSettlement<_, _>>::take_paid_charge(b, 0), None, "too late now");
			assert_eq!(Leases::claimable(&PROVIDER).share, 86 + 95, "lease b's shares; lease a's are contested");
			assert_eq!(disputed(CONSUMER), 86 + 95);
		});
	}

	/// A contested share waits on the consumer's dispute hold, through the provider's later
	/// reports and claims, and a ruling pays it to the consumer or the provider; the take stays
	/// booked either way.
	#[test]
	fn a_contested_share_is_held_until_the_ruling() {
		run_test(|| {
			provider(PROVIDER, "eu");
			let deposit = 10 * epoch_cost(H100_PRICE);
			let (a, b) = (rent_h100(deposit), rent_h100(deposit));
			go_to(epoch_start(1));
			settle(a, 0);
			settle(b, 0);
			assert_eq!(<Leases as LeaseSettlement<_, _>>::take_paid_charge(a, 0), Some(90));
			assert_eq!(<Leases as LeaseSettlement<_, _>>::take_paid_charge(a, 0), None, "once");
			assert_eq!((disputed(CONSUMER), escrow_held(CONSUMER)), (86, 2 * deposit - 86));
			let lease = pallet::Leases::<Test>::get(a).unwrap();
			assert_eq!((lease.paid, lease.take, lease.disputed, lease.unclaimed.take), (0, 4, 86, 4));
			go_to(epoch_start(2));
			settle(b, 1);
			go_to(epoch_start(3));
			// The claim pays lease b's two epochs and lease a's take; lease a's share waits.
			let provider_before = Balances::balance(&PROVIDER);
			assert_ok!(claim());
			assert_eq!(Balances::balance(&PROVIDER), provider_before + 86 + 95);
			assert!(has_event(Event::EarningsClaimed { provider: PROVIDER, leases: 2, share: 86 + 95, take: 4 + 4 + 5 }));
			assert_eq!(disputed(CONSUMER), 86);
			let consumer_before = Balances::balance(&CONSUMER);
			assert_eq!(<Leases as LeaseSettlement<_, _>>::resolve_paid(a, 0, Verdict::Consumer), Ok(86));
			assert_eq!((Balances::balance(&CONSUMER), disputed(CONSUMER)), (consumer_before + 86, 0));
			assert!(has_event(Event::PaidChargeRefunded { lease: a, epoch: 0, amount: 86 }));
			let lease = pallet::Leases::<Test>::get(a).unwrap();
			assert_eq!((lease.paid, lease.take, lease.refunded, lease.disputed), (0, 4, 86, 0));
			// Nothing is contested any more: a second ruling moves nothing.
			assert_eq!(<Leases as LeaseSettlement<_, _>>::resolve_paid(a, 0, Verdict::Consumer), Ok(0));
			assert_eq!(Balances::balance(&CONSUMER), consumer_before + 86);
		});
	}

	#[test]
	fn a_ruling_for_the_provider_pays_the_contested_share() {
		run_test(|| {
			provider(PROVIDER, "eu");
			let a = rent_h100(10 * epoch_cost(H100_PRICE));
			go_to(epoch_start(1));
			settle(a, 0);
			assert_eq!(<Leases as LeaseSettlement<_, _>>::take_paid_charge(a, 0), Some(90));
			let provider_before = Balances::balance(&PROVIDER);
			assert_eq!(<Leases as LeaseSettlement<_, _>>::resolve_paid(a, 0, Verdict::Provider), Ok(86));
			assert_eq!((Balances::balance(&PROVIDER), disputed(CONSUMER)), (provider_before + 86, 0));
			let lease = pallet::Leases::<Test>::get(a).unwrap();
			assert_eq!((lease.paid, lease.take, lease.disputed, lease.booked()), (86, 4, 0, 4));
		});
	}

	/// A closed lease whose charges are booked stays listed until they are claimed, and the
	/// consumer, not only the provider, can end that: anyone may claim for the provider.
	#[test]
	fn a_closed_lease_stays_listed_until_its_charges_are_claimed() {
		run_test(|| {
			provider(PROVIDER, "eu");
			let deposit = 10 * epoch_cost(H100_PRICE);
			let id = rent_h100(deposit);
			go_to(epoch_start(1));
			settle(id, 0);
			assert_ok!(Leases::close_lease(RuntimeOrigin::signed(CONSUMER), id));
			assert!(ConsumerLeases::<Test>::get(CONSUMER).contains(&id));
			assert!(ProviderLeases::<Test>::get(PROVIDER).contains(&id));
			assert_eq!(escrow_held(CONSUMER), 90, "the booked charge; the rest refunded");
			go_to(epoch_start(2));
			assert_ok!(Leases::claim_earnings(RuntimeOrigin::signed(CONSUMER), PROVIDER));
			assert!(!pallet::Leases::<Test>::contains_key(id), "settled up: forgotten");
			assert!(!ConsumerLeases::<Test>::contains_key(CONSUMER) && !ProviderLeases::<Test>::contains_key(PROVIDER));
			assert_eq!(escrow_held(CONSUMER), 0);
			assert!(has_event(Event::LeaseFinished { lease: id, deposited: deposit, paid: 86, take: 4, refunded: deposit - 90 }));
		});
	}

	/// An A100 lease charged one attested block of epoch 0 (5 planck: below the existential
	/// deposit of 10, no take), then closed by its consumer.
	fn closed_with_a_dust_charge() -> LeaseId {
		provider(PROVIDER, "eu");
		let id = NextLeaseId::<Test>::get();
		let a100 = ResourceRequest { gpus: 1, gpu_model: Some(bounded(b"A100")), ..Default::default() };
		assert_ok!(Leases::rent(RuntimeOrigin::signed(CONSUMER), PROVIDER, a100, 10 * epoch_cost(A100_PRICE)));
		go_to(epoch_start(1));
		assert_ok!(<Leases as LeaseSettlement<_, _>>::settle(&PROVIDER, id, 0, 1, Payee::Provider).map(|_| ()));
		assert_ok!(Leases::close_lease(RuntimeOrigin::signed(CONSUMER), id));
		id
	}

	/// Attack: a provider empties and reaps its account so that claims for it fail, leaving its
	/// consumers' closed leases listed (their slots taken) and dust on their holds for good.
	/// A share the account cannot receive goes to the protocol with the take instead.
	#[test]
	fn a_share_a_reaped_account_cannot_receive_does_not_block_the_claim() {
		run_test(|| {
			let id = closed_with_a_dust_charge();
			// The provider leaves: deregisters, withdraws its bond and sends every planck away.
			assert_ok!(Providers::deregister(RuntimeOrigin::signed(PROVIDER)));
			go_to(epoch_start(1) + 1 + 100);
			assert_ok!(Providers::withdraw_unbonded(RuntimeOrigin::signed(PROVIDER)));
			assert_ok!(Balances::transfer_all(RuntimeOrigin::signed(PROVIDER), STRANGER, false));
			assert!(!frame_system::Account::<Test>::contains_key(PROVIDER), "reaped");
			let treasury_before = Balances::balance(&TREASURY);
			assert_ok!(Leases::claim_earnings(RuntimeOrigin::signed(CONSUMER), PROVIDER));
			assert!(has_event(Event::ShareUnpayable { provider: PROVIDER, amount: 5 }));
			assert!(has_event(Event::EarningsClaimed { provider: PROVIDER, leases: 1, share: 0, take: 0 }));
			assert_eq!(Balances::balance(&TREASURY), treasury_before + 5);
			assert!(!pallet::Leases::<Test>::contains_key(id) && !ConsumerLeases::<Test>::contains_key(CONSUMER));
			assert_eq!(escrow_held(CONSUMER), 0);
		});
	}

	/// A contested charge with no take (under 20 planck at 5%) leaves a closed lease nothing on
	/// the escrow hold: it leaves its parties' lists at once and ends with the ruling.
	#[test]
	fn a_contest_that_leaves_nothing_booked_unlists_the_closed_lease() {
		run_test(|| {
			let id = closed_with_a_dust_charge();
			assert_eq!(<Leases as LeaseSettlement<_, _>>::take_paid_charge(id, 0), Some(5));
			assert!(!ConsumerLeases::<Test>::contains_key(CONSUMER) && !ProviderLeases::<Test>::contains_key(PROVIDER));
			assert_eq!((escrow_held(CONSUMER), disputed(CONSUMER)), (0, 5));
			assert_eq!(<Leases as LeaseSettlement<_, _>>::resolve_paid(id, 0, Verdict::Consumer), Ok(5));
			assert!(!pallet::Leases::<Test>::contains_key(id));
			assert_eq!(disputed(CONSUMER), 0);
		});
	}

	/// Earnings a report paid and locked before claims existed (storage v3) go free by the old
	/// rule: `release_earnings` once nobody can contest them, or the provider's claim.
	#[test]
	fn earnings_locked_before_claims_drain_by_the_old_paths() {
		run_test(|| {
			provider(PROVIDER, "eu");
			let free_before = Balances::balance(&PROVIDER);
			go_to(epoch_start(1));
			assert_ok!(Leases::lock_earnings(&PROVIDER, 0, 86));
			assert_eq!(locked(PROVIDER), 86);
			assert_noop!(
				Leases::release_earnings(RuntimeOrigin::signed(CONSUMER), PROVIDER, 0),
				Error::<Test>::StillContestable
			);
			go_to(epoch_start(2));
			assert_ok!(Leases::release_earnings(RuntimeOrigin::signed(CONSUMER), PROVIDER, 0));
			assert_eq!((Balances::balance(&PROVIDER), locked(PROVIDER)), (free_before, 0));
			assert!(has_event(Event::EarningsReleased { provider: PROVIDER, epoch: 0, amount: 86 }));
			assert_noop!(
				Leases::release_earnings(RuntimeOrigin::signed(CONSUMER), PROVIDER, 0),
				Error::<Test>::NothingLocked
			);
		});
	}

	/// Storage without a deposit that never shrank: emptied lists and zeroed commitments stayed
	/// as entries. Once a consumer's last order and lease and a provider's last lease are gone,
	/// nothing of them is left in these maps.
	#[test]
	fn emptied_lists_and_commitments_leave_no_entries() {
		run_test(|| {
			provider(PROVIDER, "eu");
			let id = rent_h100(10 * epoch_cost(H100_PRICE));
			let order = NextOrderId::<Test>::get();
			assert_ok!(Leases::create_order(
				RuntimeOrigin::signed(CONSUMER),
				one_h100(),
				None,
				None,
				H100_PRICE,
				10 * epoch_cost(H100_PRICE)
			));
			assert_ok!(Leases::cancel_order(RuntimeOrigin::signed(CONSUMER), order));
			assert!(!ConsumerOrders::<Test>::contains_key(CONSUMER));
			// Served four blocks, closed: it retains their cost until epoch 0's window closes.
			go_to(5);
			assert_ok!(Leases::close_lease(RuntimeOrigin::signed(CONSUMER), id));
			assert!(!pallet::Commitments::<Test>::contains_key(PROVIDER));
			assert!(ProviderLeases::<Test>::contains_key(PROVIDER));
			go_to(u64::from(clock().report_window_closes(0)));
			assert_ok!(Leases::release_retained(RuntimeOrigin::signed(CONSUMER), id));
			assert!(!ProviderLeases::<Test>::contains_key(PROVIDER));
			assert!(!ConsumerLeases::<Test>::contains_key(CONSUMER));
		});
	}
}

mod settlement {
	use super::*;

	#[test]
	fn attested_usage_is_paid_to_the_provider_minus_the_take() {
		run_test(|| {
			provider(PROVIDER, "eu");
			let id = rent_h100(10 * epoch_cost(H100_PRICE));
			let provider_before = Balances::total_balance(&PROVIDER);
			let treasury_before = Balances::balance(&TREASURY);

			// Epoch 0 is running: it cannot be settled yet.
			assert_noop!(<Leases as LeaseSettlement<_, _>>::settle(&PROVIDER, id, 0, 9, Payee::Provider), Error::<Test>::EpochNotSettleable);
			go_to(epoch_start(1));
			// Opened at block 1, so at most 9 blocks of epoch 0 are chargeable: 6000/h × 9/600.
			let settled = <Leases as LeaseSettlement<_, _>>::settle(&PROVIDER, id, 0, 10, Payee::Provider).unwrap();
			assert_eq!(settled.charged, 90);
			assert_eq!((settled.provider_share, settled.take), (86, 4));
			assert!(!settled.closed);
			assert!(has_event(Event::LeaseSettled { lease: id, epoch: 0, charged: 90, provider_share: 86, take: 4 }));
			let lease = pallet::Leases::<Test>::get(id).unwrap();
			assert_eq!((lease.paid, lease.take, lease.escrow), (86, 4, lease.deposited - 90));
			// Each epoch once.
			assert_noop!(<Leases as LeaseSettlement<_, _>>::settle(&PROVIDER, id, 0, 10, Payee::Provider), Error::<Test>::EpochNotSettleable);
			// Paid by the claim, once nobody can contest the charge.
			go_to(epoch_start(2));
			assert_ok!(Leases::claim_earnings(RuntimeOrigin::signed(PROVIDER), PROVIDER));
			assert_eq!(Balances::total_balance(&PROVIDER), provider_before + 86);
			assert_eq!(Balances::balance(&TREASURY), treasury_before + 4);
			assert_eq!(escrow_held(CONSUMER), lease.deposited - 90);
		});
	}

	#[test]
	fn a_claim_pays_the_provider_and_the_take_once_for_all_its_leases() {
		run_test(|| {
			provider(PROVIDER, "eu");
			let (a, b) = (rent_h100(10 * epoch_cost(H100_PRICE)), rent_h100(10 * epoch_cost(H100_PRICE)));
			let provider_before = Balances::total_balance(&PROVIDER);
			let treasury_before = Balances::balance(&TREASURY);
			go_to(epoch_start(1));
			System::reset_events();
			let charges = [
				LeaseCharge { lease: a, attested_blocks: 10, payee: Payee::Provider },
				LeaseCharge { lease: b, attested_blocks: 5, payee: Payee::Provider },
			];
			let settled = <Leases as LeaseSettlement<_, _>>::settle_epoch(&PROVIDER, 0, &charges).unwrap();
			// 9 blocks ran (opened at block 1) and 5 were attested: 6000/h × blocks/600, 5% take.
			assert_eq!(settled.iter().map(|s| (s.charged, s.provider_share, s.take)).collect::<Vec<_>>(), [(90, 86, 4), (50, 48, 2)]);
			// A report moves no money.
			assert_eq!(Balances::total_balance(&PROVIDER), provider_before);
			assert_eq!(escrow_held(CONSUMER), 2 * 10 * epoch_cost(H100_PRICE));
			go_to(epoch_start(2));
			System::reset_events();
			assert_ok!(Leases::claim_earnings(RuntimeOrigin::signed(PROVIDER), PROVIDER));
			assert_eq!(Balances::total_balance(&PROVIDER), provider_before + 134);
			assert_eq!(Balances::balance(&TREASURY), treasury_before + 6);
			// One credit each to the provider and the treasury, whatever the number of leases.
			let deposits: Vec<_> = System::events()
				.into_iter()
				.filter_map(|r| match r.event {
					RuntimeEvent::Balances(pallet_balances::Event::Deposit { who, amount }) => Some((who, amount)),
					_ => None,
				})
				.collect();
			assert_eq!(deposits, [(PROVIDER, 134), (TREASURY, 6)]);
			assert_eq!(escrow_held(CONSUMER), 2 * 10 * epoch_cost(H100_PRICE) - 140);
		});
	}

	#[test]
	fn a_report_with_one_bad_lease_settles_none() {
		run_test(|| {
			provider(PROVIDER, "eu");
			let id = rent_h100(10 * epoch_cost(H100_PRICE));
			go_to(epoch_start(1));
			let charges = [
				LeaseCharge { lease: id, attested_blocks: 10, payee: Payee::Provider },
				LeaseCharge { lease: 42, attested_blocks: 10, payee: Payee::Provider },
			];
			assert_noop!(<Leases as LeaseSettlement<_, _>>::settle_epoch(&PROVIDER, 0, &charges), Error::<Test>::UnknownLease);
			assert_eq!(escrow_held(CONSUMER), 10 * epoch_cost(H100_PRICE));
		});
	}

	fn dispute_held(who: AccountId) -> Balance {
		Balances::balance_on_hold(&RuntimeHoldReason::Leases(HoldReason::LeaseDispute), &who)
	}

	#[test]
	fn a_disputed_epochs_charge_is_held_then_paid_to_the_provider() {
		run_test(|| {
			provider(PROVIDER, "eu");
			let id = rent_h100(10 * epoch_cost(H100_PRICE));
			let provider_before = Balances::balance(&PROVIDER);
			go_to(epoch_start(1));
			let settled =
				<Leases as LeaseSettlement<_, _>>::settle(&PROVIDER, id, 0, 10, Payee::HeldForDispute).unwrap();
			assert_eq!((settled.charged, settled.provider_share, settled.take), (90, 0, 0));
			assert_eq!(Balances::balance(&PROVIDER), provider_before);
			assert_eq!(dispute_held(CONSUMER), 90);
			assert_eq!(HeldPayments::<Test>::get(id, 0), Some(90));
			assert!(has_event(Event::PaymentHeld { lease: id, epoch: 0, amount: 90 }));
			// The epoch counts as settled: no second charge.
			assert_noop!(
				<Leases as LeaseSettlement<_, _>>::settle(&PROVIDER, id, 0, 10, Payee::Provider),
				Error::<Test>::EpochNotSettleable
			);

			assert_eq!(<Leases as LeaseSettlement<_, _>>::resolve_held(id, 0, Verdict::Provider), Ok(90));
			assert_eq!(Balances::balance(&PROVIDER), provider_before + 86);
			assert_eq!(dispute_held(CONSUMER), 0);
			let lease = pallet::Leases::<Test>::get(id).unwrap();
			assert_eq!((lease.paid, lease.take, lease.disputed), (86, 4, 0));
			assert_noop!(<Leases as LeaseSettlement<_, _>>::resolve_held(id, 0, Verdict::Provider), Error::<Test>::NothingHeld);
		});
	}

	#[test]
	fn a_disputed_epochs_charge_can_be_refunded_to_the_consumer() {
		run_test(|| {
			provider(PROVIDER, "eu");
			let id = rent_h100(10 * epoch_cost(H100_PRICE));
			let consumer_before = Balances::balance(&CONSUMER);
			go_to(epoch_start(1));
			assert_ok!(<Leases as LeaseSettlement<_, _>>::settle(&PROVIDER, id, 0, 10, Payee::HeldForDispute).map(|_| ()));
			assert_eq!(<Leases as LeaseSettlement<_, _>>::resolve_held(id, 0, Verdict::Consumer), Ok(90));
			// The charge came out of held escrow and returns as free balance.
			assert_eq!(Balances::balance(&CONSUMER), consumer_before + 90);
			assert!(has_event(Event::HeldPaymentRefunded { lease: id, epoch: 0, amount: 90 }));
			let lease = pallet::Leases::<Test>::get(id).unwrap();
			assert_eq!((lease.paid, lease.refunded, lease.disputed), (0, 90, 0));
		});
	}

	#[test]
	fn served_in_tells_which_epochs_a_provider_owed_a_report_for() {
		run_test(|| {
			provider(PROVIDER, "eu");
			assert!(!<Leases as LeaseSettlement<_, _>>::served_in(&PROVIDER, 0));
			go_to(epoch_start(2) + 5);
			let id = rent_h100(10 * epoch_cost(H100_PRICE));
			assert_eq!(<Leases as LeaseSettlement<_, _>>::parties(id), Some((CONSUMER, PROVIDER)));
			assert_eq!(<Leases as LeaseSettlement<_, _>>::parties(id + 1), None);
			go_to(epoch_start(3) + 1);
			assert!(!<Leases as LeaseSettlement<_, _>>::served_in(&PROVIDER, 1));
			assert!(<Leases as LeaseSettlement<_, _>>::served_in(&PROVIDER, 2));
			assert!(<Leases as LeaseSettlement<_, _>>::served_in(&PROVIDER, 3));
			assert!(!<Leases as LeaseSettlement<_, _>>::served_in(&PROVIDER_2, 2));
		});
	}

	#[test]
	fn unattested_epochs_cost_nothing() {
		run_test(|| {
			provider(PROVIDER, "eu");
			let id = rent_h100(10 * epoch_cost(H100_PRICE));
			go_to(epoch_start(3));
			// Epoch 1 had no report; epoch 2 had 4 attested blocks.
			let settled = <Leases as LeaseSettlement<_, _>>::settle(&PROVIDER, id, 2, 4, Payee::Provider).unwrap();
			assert_eq!(settled.charged, H100_PRICE * 4 / 600);
			// Epoch 1 can no longer be charged once a later one is settled.
			assert_noop!(<Leases as LeaseSettlement<_, _>>::settle(&PROVIDER, id, 1, 10, Payee::Provider), Error::<Test>::EpochNotSettleable);
			let lease = pallet::Leases::<Test>::get(id).unwrap();
			assert_eq!(lease.deposited - lease.escrow, H100_PRICE * 4 / 600);
		});
	}

	#[test]
	fn the_take_is_burned_and_recorded_without_a_beneficiary() {
		run_test(|| {
			TakeTo::set(None);
			provider(PROVIDER, "eu");
			let id = rent_h100(10 * epoch_cost(H100_PRICE));
			go_to(epoch_start(2));
			let issuance = Balances::total_issuance();
			let settled = <Leases as LeaseSettlement<_, _>>::settle(&PROVIDER, id, 1, 10, Payee::Provider).unwrap();
			assert_eq!((settled.charged, settled.take), (100, 5));
			// Booked: burned when it is claimed, and on the record then.
			assert_eq!((TotalBurned::<Test>::get(), Balances::total_issuance()), (0, issuance));
			go_to(epoch_start(3));
			assert_ok!(Leases::claim_earnings(RuntimeOrigin::signed(PROVIDER), PROVIDER));
			assert_eq!(TotalBurned::<Test>::get(), 5);
			assert_eq!(Balances::total_issuance(), issuance - 5);
			assert!(has_event(Event::TakeBurned { provider: PROVIDER, epoch: 3, amount: 5 }));
		});
	}

	#[test]
	fn a_lease_closes_when_escrow_cannot_cover_the_next_epoch() {
		run_test(|| {
			provider(PROVIDER, "eu");
			let cost = epoch_cost(H100_PRICE);
			// Settled at each epoch's first block, so nothing of the running epoch is accrued yet.
			let id = rent_h100(MIN_EPOCHS as Balance * cost + 30);
			let free_before = Balances::balance(&CONSUMER);
			for epoch in 1..MIN_EPOCHS {
				go_to(epoch_start(epoch + 1));
				assert!(!<Leases as LeaseSettlement<_, _>>::settle(&PROVIDER, id, epoch, 10, Payee::Provider).unwrap().closed);
			}
			// One epoch + 30 left: still fine. After the next, 30 < one epoch: closed, 30 refunded.
			go_to(epoch_start(MIN_EPOCHS + 1));
			let settled = <Leases as LeaseSettlement<_, _>>::settle(&PROVIDER, id, MIN_EPOCHS, 10, Payee::Provider).unwrap();
			assert!(settled.closed);
			assert_eq!(close_reason(id), CloseReason::InsufficientFunds);
			// Finished once the provider claims what was booked.
			go_to(epoch_start(MIN_EPOCHS + 2));
			assert_ok!(Leases::claim_earnings(RuntimeOrigin::signed(PROVIDER), PROVIDER));
			let (deposited, paid, take, refunded) = finished(id);
			assert_eq!(refunded, 30);
			assert_eq!(paid + take + refunded, deposited);
			assert_eq!(Balances::balance(&CONSUMER), free_before + 30);
			assert_eq!(escrow_held(CONSUMER), 0);
			assert!(!<Leases as Commitments<_>>::is_gpu_leased(&gpu_id(PROVIDER, 1)));
		});
	}

	#[test]
	fn usage_reported_after_the_window_is_not_charged() {
		run_test(|| {
			provider(PROVIDER, "eu");
			let id = rent_h100(10 * epoch_cost(H100_PRICE));
			go_to(epoch_start(1) + grace());
			assert_noop!(
				<Leases as LeaseSettlement<_, _>>::settle(&PROVIDER, id, 0, 9, Payee::Provider),
				Error::<Test>::SettlementWindowClosed
			);
			assert!(<Leases as LeaseSettlement<_, _>>::chargeable_leases(&PROVIDER, 0).is_empty());
			assert_noop!(
				<Leases as LeaseSettlement<_, _>>::settle(&PROVIDER, 42, 0, 9, Payee::Provider),
				Error::<Test>::UnknownLease
			);
		});
	}

	#[test]
	fn a_beneficiary_that_cannot_receive_the_take_gets_it_burned_on_the_record() {
		run_test(|| {
			TakeTo::set(Some(777)); // no such account, and a 5-planck take is below the ED
			provider(PROVIDER, "eu");
			let id = rent_h100(10 * epoch_cost(H100_PRICE));
			go_to(epoch_start(2));
			let settled = <Leases as LeaseSettlement<_, _>>::settle(&PROVIDER, id, 1, 10, Payee::Provider).unwrap();
			assert_eq!(settled.take, 5);
			go_to(epoch_start(3));
			assert_ok!(Leases::claim_earnings(RuntimeOrigin::signed(PROVIDER), PROVIDER));
			assert_eq!(TotalBurned::<Test>::get(), 5);
			assert_eq!(Balances::total_balance(&777), 0);
		});
	}

	#[test]
	fn chargeable_leases_are_what_a_report_may_cover() {
		run_test(|| {
			provider(PROVIDER, "eu");
			let id = rent_h100(10 * epoch_cost(H100_PRICE));
			go_to(epoch_start(1));
			let leases = <Leases as LeaseSettlement<_, _>>::chargeable_leases(&PROVIDER, 0);
			assert_eq!(leases.len(), 1);
			assert_eq!((leases[0].id, leases[0].consumer), (id, CONSUMER));
			assert_eq!(leases[0].gpus, vec![gpu_id(PROVIDER, 1)]);
			assert!(<Leases as LeaseSettlement<_, _>>::chargeable_leases(&PROVIDER_2, 0).is_empty());
			assert_ok!(<Leases as LeaseSettlement<_, _>>::settle(&PROVIDER, id, 0, 9, Payee::Provider).map(|_| ()));
			assert!(<Leases as LeaseSettlement<_, _>>::chargeable_leases(&PROVIDER, 0).is_empty());
		});
	}
}

mod closing {
	use super::*;

	#[test]
	fn closing_refunds_unspent_escrow_to_the_planck() {
		run_test(|| {
			provider(PROVIDER, "eu");
			let deposit = 10 * epoch_cost(H100_PRICE) + 7;
			let id = rent_h100(deposit);
			go_to(epoch_start(1) + grace() - 1);
			assert_ok!(<Leases as LeaseSettlement<_, _>>::settle(&PROVIDER, id, 0, 9, Payee::Provider).map(|_| ()));
			// Blocks 10..14 of epoch 1 were served and may still be reported: 4 blocks retained.
			let before = Balances::balance(&CONSUMER);
			assert_ok!(Leases::close_lease(RuntimeOrigin::signed(CONSUMER), id));
			let retained = H100_PRICE * 4 / 600;
			assert_eq!(Balances::balance(&CONSUMER), before + deposit - 90 - retained);
			assert_eq!(
				last_event(),
				Event::LeaseClosed {
					lease: id,
					reason: CloseReason::ConsumerClosed,
					refunded: deposit - 90 - retained,
					retained
				}
				.into()
			);
			assert_noop!(Leases::close_lease(RuntimeOrigin::signed(CONSUMER), id), Error::<Test>::LeaseNotOpen);

			// The provider attests 3 of those 4 blocks: charged 30, the other 10 come back.
			go_to(epoch_start(2));
			let settled = <Leases as LeaseSettlement<_, _>>::settle(&PROVIDER, id, 1, 3, Payee::Provider).unwrap();
			assert_eq!(settled.charged, 30);
			// Finished once the provider claims what was booked.
			go_to(epoch_start(3));
			assert_ok!(Leases::claim_earnings(RuntimeOrigin::signed(PROVIDER), PROVIDER));
			let (deposited, paid, take, refunded) = finished(id);
			assert_eq!(refunded, deposit - 90 - 30);
			assert_eq!(paid + take + refunded, deposited);
			assert!(ConsumerLeases::<Test>::get(CONSUMER).is_empty());
			assert!(ProviderLeases::<Test>::get(PROVIDER).is_empty());
		});
	}

	#[test]
	fn closing_mid_epoch_does_not_dodge_paying_for_that_epoch() {
		run_test(|| {
			provider(PROVIDER, "eu");
			let deposit = 10 * epoch_cost(H100_PRICE);
			let id = rent_h100(deposit);
			// Closing on the last block of the epoch the lease opened in.
			go_to(epoch_start(1) - 1);
			assert_ok!(Leases::close_lease(RuntimeOrigin::signed(CONSUMER), id));
			// Blocks 1..9 were served: 80 retained, and settled when the report lands.
			assert_eq!(escrow_held(CONSUMER), 80);
			go_to(epoch_start(1));
			let leases = <Leases as LeaseSettlement<_, _>>::chargeable_leases(&PROVIDER, 0);
			assert_eq!(leases.iter().map(|l| l.id).collect::<Vec<_>>(), vec![id]);
			assert_eq!(<Leases as LeaseSettlement<_, _>>::settle(&PROVIDER, id, 0, 10, Payee::Provider).unwrap().charged, 80);
			// Booked: on the hold until the provider claims it.
			assert_eq!(escrow_held(CONSUMER), 80);
			go_to(epoch_start(2));
			assert_ok!(Leases::claim_earnings(RuntimeOrigin::signed(PROVIDER), PROVIDER));
			assert_eq!(escrow_held(CONSUMER), 0);
		});
	}

	#[test]
	fn the_provider_may_close_but_strangers_may_not() {
		run_test(|| {
			provider(PROVIDER, "eu");
			let id = rent_h100(10 * epoch_cost(H100_PRICE));
			assert_noop!(Leases::close_lease(RuntimeOrigin::signed(STRANGER), id), Error::<Test>::NotParty);
			assert_noop!(Leases::close_lease(RuntimeOrigin::signed(STRANGER), 9), Error::<Test>::UnknownLease);
			assert_ok!(Leases::close_lease(RuntimeOrigin::signed(PROVIDER), id));
			assert_eq!(close_reason(id), CloseReason::ProviderClosed);
		});
	}

	#[test]
	fn closing_right_after_an_epoch_keeps_its_cost_for_the_pending_report() {
		run_test(|| {
			provider(PROVIDER, "eu");
			let deposit = 10 * epoch_cost(H100_PRICE);
			let id = rent_h100(deposit);
			// Epoch 0 ended at block 10; its report may land until block 15. Two blocks of epoch 1
			// were served too.
			go_to(epoch_start(1) + 2);
			assert_ok!(Leases::close_lease(RuntimeOrigin::signed(CONSUMER), id));
			assert!(has_event(Event::LeaseClosed {
				lease: id,
				reason: CloseReason::ConsumerClosed,
				refunded: deposit - 90 - 20,
				retained: 110
			}));
			assert_eq!(escrow_held(CONSUMER), 110);
			// The GPU is free at once.
			assert!(!<Leases as Commitments<_>>::is_gpu_leased(&gpu_id(PROVIDER, 1)));
			// Epoch 1 is not over yet.
			assert_noop!(
				<Leases as LeaseSettlement<_, _>>::settle(&PROVIDER, id, 1, 1, Payee::Provider),
				Error::<Test>::EpochNotSettleable
			);
			// Only the lease's own provider can settle it.
			assert_noop!(
				<Leases as LeaseSettlement<_, _>>::settle(&PROVIDER_2, id, 0, 9, Payee::Provider),
				Error::<Test>::WrongProvider
			);

			assert_eq!(<Leases as LeaseSettlement<_, _>>::settle(&PROVIDER, id, 0, 9, Payee::Provider).unwrap().charged, 90);
			assert_eq!(escrow_held(CONSUMER), 20 + 90, "retained, and booked");
			go_to(epoch_start(2));
			assert_eq!(<Leases as LeaseSettlement<_, _>>::settle(&PROVIDER, id, 1, 10, Payee::Provider).unwrap().charged, 20);
			go_to(epoch_start(3));
			assert_ok!(Leases::claim_earnings(RuntimeOrigin::signed(PROVIDER), PROVIDER));
			let (deposited, paid, take, refunded) = finished(id);
			assert_eq!(deposited, deposit);
			assert_eq!(paid + take + refunded, deposit);
			assert_eq!(escrow_held(CONSUMER), 0);
		});
	}

	#[test]
	fn retained_escrow_returns_when_no_report_comes_in_time() {
		run_test(|| {
			provider(PROVIDER, "eu");
			let cost = epoch_cost(H100_PRICE);
			let id = rent_h100(10 * cost);
			go_to(epoch_start(1) + 1);
			assert_ok!(Leases::close_lease(RuntimeOrigin::signed(CONSUMER), id));
			// Epoch 0 (9 blocks) and one block of epoch 1.
			assert_eq!(escrow_held(CONSUMER), 100);
			go_to(epoch_start(1) + grace());
			// Epoch 0's window closed, epoch 1's is open until block 25.
			assert_noop!(Leases::release_retained(RuntimeOrigin::signed(STRANGER), id), Error::<Test>::GraceNotOver);
			assert_noop!(
				<Leases as LeaseSettlement<_, _>>::settle(&PROVIDER, id, 0, 9, Payee::Provider),
				Error::<Test>::SettlementWindowClosed
			);
			go_to(epoch_start(2) + grace());
			let before = Balances::balance(&CONSUMER);
			assert_ok!(Leases::release_retained(RuntimeOrigin::signed(STRANGER), id));
			assert_eq!(Balances::balance(&CONSUMER), before + 100);
			assert!(has_event(Event::RetainedReleased { lease: id, refunded: 100 }));
			assert_eq!(finished(id), (10 * cost, 0, 0, 10 * cost));
			assert_noop!(Leases::release_retained(RuntimeOrigin::signed(STRANGER), id), Error::<Test>::UnknownLease);
			let open = rent_h100(10 * cost);
			assert_noop!(Leases::release_retained(RuntimeOrigin::signed(STRANGER), open), Error::<Test>::NothingRetained);
		});
	}

	#[test]
	fn anyone_may_close_a_lease_of_a_suspended_provider_but_not_a_healthy_one() {
		run_test(|| {
			provider(PROVIDER, "eu");
			let id = rent_h100(10 * epoch_cost(H100_PRICE));
			assert_noop!(Leases::close_stale(RuntimeOrigin::signed(STRANGER), id), Error::<Test>::LeaseHealthy);
			assert_ok!(<Providers as ProviderRegistry<_, _>>::suspend(&PROVIDER));
			assert_ok!(Leases::close_stale(RuntimeOrigin::signed(STRANGER), id));
			assert_eq!(close_reason(id), CloseReason::ProviderSuspended);
			// Nothing was served, so nothing is retained: the lease is finished.
			assert_noop!(Leases::close_stale(RuntimeOrigin::signed(STRANGER), id), Error::<Test>::UnknownLease);
		});
	}
}

mod orders {
	use super::*;

	fn order(max_price: Balance, deposit: Balance) -> OrderId {
		let id = NextOrderId::<Test>::get();
		assert_ok!(Leases::create_order(RuntimeOrigin::signed(CONSUMER), one_h100(), None, None, max_price, deposit));
		id
	}

	#[test]
	fn order_bid_accept_opens_a_lease_at_the_bid_price() {
		run_test(|| {
			provider(PROVIDER, "eu");
			provider(PROVIDER_2, "us");
			let deposit = MIN_EPOCHS as Balance * epoch_cost(H100_PRICE);
			let id = order(H100_PRICE, deposit);
			assert_eq!(escrow_held(CONSUMER), deposit);
			assert_ok!(Leases::bid(RuntimeOrigin::signed(PROVIDER), id, 5_400));
			assert_ok!(Leases::bid(RuntimeOrigin::signed(PROVIDER_2), id, 4_800));
			assert_eq!(Orders::<Test>::get(id).unwrap().bids, 2);

			assert_ok!(Leases::accept_bid(RuntimeOrigin::signed(CONSUMER), id, PROVIDER_2));
			let lease = pallet::Leases::<Test>::get(0).unwrap();
			assert_eq!((lease.provider, lease.price_per_hour, lease.escrow), (PROVIDER_2, 4_800, deposit));
			assert!(Orders::<Test>::get(id).is_none());
			assert!(Bids::<Test>::get(id, PROVIDER).is_none());
			assert!(ConsumerOrders::<Test>::get(CONSUMER).is_empty());
			// The order's deposit became the lease's escrow: nothing extra was held.
			assert_eq!(escrow_held(CONSUMER), deposit);
		});
	}

	#[test]
	fn bids_must_fit_the_order() {
		run_test(|| {
			provider(PROVIDER, "eu");
			provider(PROVIDER_2, "us");
			let deposit = 10 * epoch_cost(H100_PRICE);
			assert_ok!(Leases::create_order(
				RuntimeOrigin::signed(CONSUMER),
				one_h100(),
				Some(bounded(b"eu")),
				Some(AUDITOR),
				H100_PRICE,
				deposit
			));
			assert_noop!(Leases::bid(RuntimeOrigin::signed(PROVIDER), 0, H100_PRICE + 1), Error::<Test>::PriceAboveMaximum);
			assert_noop!(Leases::bid(RuntimeOrigin::signed(PROVIDER_2), 0, H100_PRICE), Error::<Test>::RegionMismatch);
			assert_noop!(Leases::bid(RuntimeOrigin::signed(PROVIDER), 0, H100_PRICE), Error::<Test>::NotAudited);
			assert_ok!(Providers::add_auditor(RuntimeOrigin::root(), AUDITOR));
			assert_ok!(Providers::set_attributes(
				RuntimeOrigin::signed(AUDITOR),
				PROVIDER,
				bounded(&[(bounded(b"tier"), bounded(b"3"))])
			));
			assert_noop!(Leases::bid(RuntimeOrigin::signed(STRANGER), 0, H100_PRICE), Error::<Test>::ProviderNotActive);
			assert_noop!(Leases::bid(RuntimeOrigin::signed(PROVIDER), 0, 0), Error::<Test>::ZeroPrice);
			assert_noop!(Leases::bid(RuntimeOrigin::signed(PROVIDER), 5, H100_PRICE), Error::<Test>::UnknownOrder);
			assert_ok!(Leases::bid(RuntimeOrigin::signed(PROVIDER), 0, H100_PRICE));
			assert_eq!(last_event(), Event::BidPlaced { order: 0, provider: PROVIDER, price_per_hour: H100_PRICE }.into());
			go_to(1 + ORDER_TTL);
			assert_noop!(Leases::bid(RuntimeOrigin::signed(PROVIDER), 0, H100_PRICE), Error::<Test>::OrderExpired);
			assert_noop!(
				Leases::accept_bid(RuntimeOrigin::signed(CONSUMER), 0, PROVIDER),
				Error::<Test>::OrderExpired
			);
		});
	}

	#[test]
	fn a_provider_without_capacity_cannot_bid_and_bids_are_bounded() {
		run_test(|| {
			provider(PROVIDER, "eu");
			let three_h100 = ResourceRequest { gpus: 3, gpu_model: Some(bounded(b"H100")), ..Default::default() };
			assert_ok!(Leases::create_order(RuntimeOrigin::signed(CONSUMER), three_h100, None, None, 3 * H100_PRICE, 10 * epoch_cost(3 * H100_PRICE)));
			assert_noop!(Leases::bid(RuntimeOrigin::signed(PROVIDER), 0, H100_PRICE), Error::<Test>::NotEnoughGpus);

			let id = order(H100_PRICE, 10 * epoch_cost(H100_PRICE));
			for who in [PROVIDER_2, PROVIDER_3, PROVIDER_4] {
				provider(who, "eu");
			}
			for who in [PROVIDER, PROVIDER_2, PROVIDER_3] {
				assert_ok!(Leases::bid(RuntimeOrigin::signed(who), id, H100_PRICE));
			}
			assert_noop!(Leases::bid(RuntimeOrigin::signed(PROVIDER_4), id, H100_PRICE), Error::<Test>::TooManyBids);
			// Re-bidding replaces the price without taking a slot; withdrawing frees one.
			assert_ok!(Leases::bid(RuntimeOrigin::signed(PROVIDER), id, H100_PRICE - 60));
			assert_ok!(Leases::withdraw_bid(RuntimeOrigin::signed(PROVIDER), id));
			assert_noop!(Leases::withdraw_bid(RuntimeOrigin::signed(PROVIDER), id), Error::<Test>::UnknownBid);
			assert_ok!(Leases::bid(RuntimeOrigin::signed(PROVIDER_4), id, H100_PRICE));
			assert_eq!(Orders::<Test>::get(id).unwrap().bids, 3);
		});
	}

	#[test]
	fn orders_can_be_cancelled_by_their_consumer_and_expired_by_anyone() {
		run_test(|| {
			provider(PROVIDER, "eu");
			let deposit = 10 * epoch_cost(H100_PRICE);
			let first = order(H100_PRICE, deposit);
			let second = order(H100_PRICE, deposit);
			assert_ok!(Leases::bid(RuntimeOrigin::signed(PROVIDER), first, H100_PRICE));
			assert_noop!(Leases::cancel_order(RuntimeOrigin::signed(STRANGER), first), Error::<Test>::NotOrderOwner);
			assert_noop!(
				Leases::accept_bid(RuntimeOrigin::signed(STRANGER), first, PROVIDER),
				Error::<Test>::NotOrderOwner
			);
			assert_noop!(
				Leases::accept_bid(RuntimeOrigin::signed(CONSUMER), first, PROVIDER_2),
				Error::<Test>::UnknownBid
			);
			let before = Balances::balance(&CONSUMER);
			assert_ok!(Leases::cancel_order(RuntimeOrigin::signed(CONSUMER), first));
			assert_eq!(Balances::balance(&CONSUMER), before + deposit);
			assert!(Bids::<Test>::get(first, PROVIDER).is_none());
			assert_eq!(last_event(), Event::OrderCancelled { order: first, consumer: CONSUMER, refunded: deposit }.into());

			assert_noop!(Leases::expire_order(RuntimeOrigin::signed(STRANGER), second), Error::<Test>::OrderNotExpired);
			go_to(1 + ORDER_TTL);
			assert_ok!(Leases::expire_order(RuntimeOrigin::signed(STRANGER), second));
			assert_eq!(last_event(), Event::OrderExpired { order: second, consumer: CONSUMER, refunded: deposit }.into());
			assert_eq!(escrow_held(CONSUMER), 0);
			assert_noop!(Leases::cancel_order(RuntimeOrigin::signed(CONSUMER), second), Error::<Test>::UnknownOrder);
			assert_noop!(Leases::expire_order(RuntimeOrigin::signed(STRANGER), second), Error::<Test>::UnknownOrder);
			assert_noop!(Leases::withdraw_bid(RuntimeOrigin::signed(PROVIDER), second), Error::<Test>::UnknownOrder);
			assert_noop!(
				Leases::accept_bid(RuntimeOrigin::signed(CONSUMER), second, PROVIDER),
				Error::<Test>::UnknownOrder
			);
			assert_noop!(Leases::close_stale(RuntimeOrigin::signed(STRANGER), 9), Error::<Test>::UnknownLease);
			assert_noop!(Leases::release_retained(RuntimeOrigin::signed(STRANGER), 9), Error::<Test>::UnknownLease);
		});
	}

	#[test]
	fn bad_orders_fail_without_change() {
		run_test(|| {
			let origin = || RuntimeOrigin::signed(CONSUMER);
			let enough = 10 * epoch_cost(H100_PRICE);
			assert_noop!(
				Leases::create_order(origin(), ResourceRequest::default(), None, None, H100_PRICE, enough),
				Error::<Test>::EmptyRequest
			);
			assert_noop!(Leases::create_order(origin(), one_h100(), None, None, 0, enough), Error::<Test>::ZeroPrice);
			assert_noop!(
				Leases::create_order(origin(), one_h100(), None, None, H100_PRICE, MIN_EPOCHS as Balance * epoch_cost(H100_PRICE) - 1),
				Error::<Test>::DepositTooLow
			);
			assert_noop!(
				Leases::create_order(origin(), one_h100(), None, None, H100_PRICE, STARTING_BALANCE),
				Error::<Test>::InsufficientBalance
			);
			assert_noop!(
				Leases::create_order(RuntimeOrigin::none(), one_h100(), None, None, H100_PRICE, enough),
				DispatchError::BadOrigin
			);
		});
	}

	fn bid_deposit_held(who: AccountId) -> Balance {
		Balances::balance_on_hold(&RuntimeHoldReason::Leases(HoldReason::BidDeposit), &who)
	}

	/// Attack: bidders fill an order's `MaxBidsPerOrder` slots with bids its consumer does not
	/// want, and the consumer could not get rid of them. Each bid holds `BidDeposit`; the
	/// consumer rejects a bid, which frees its slot and costs the bidder its deposit, and the
	/// rejected provider cannot bid again, so keeping the order full takes a fresh bonded
	/// provider and a forfeited deposit per rejection.
	#[test]
	fn a_consumer_rejects_unwanted_bids_and_the_rejected_cannot_bid_again() {
		run_test(|| {
			let deposit = <<Test as Config>::BidDeposit as frame_support::traits::Get<Balance>>::get();
			for who in [PROVIDER, PROVIDER_2, PROVIDER_3, PROVIDER_4] {
				provider(who, "eu");
			}
			let id = order(H100_PRICE, 10 * epoch_cost(H100_PRICE));
			for who in [PROVIDER, PROVIDER_2, PROVIDER_3] {
				assert_ok!(Leases::bid(RuntimeOrigin::signed(who), id, H100_PRICE));
				assert_eq!(bid_deposit_held(who), deposit);
			}
			assert_noop!(Leases::bid(RuntimeOrigin::signed(PROVIDER_4), id, H100_PRICE), Error::<Test>::TooManyBids);
			// Re-bidding changes the price, not the deposit.
			assert_ok!(Leases::bid(RuntimeOrigin::signed(PROVIDER), id, H100_PRICE - 1));
			assert_eq!(bid_deposit_held(PROVIDER), deposit);

			// Only the consumer rejects, and only standing bids.
			assert_noop!(Leases::reject_bid(RuntimeOrigin::signed(STRANGER), id, PROVIDER), Error::<Test>::NotOrderOwner);
			assert_noop!(Leases::reject_bid(RuntimeOrigin::signed(CONSUMER), id, PROVIDER_4), Error::<Test>::UnknownBid);
			let (provider_before, treasury_before) = (Balances::total_balance(&PROVIDER), Balances::balance(&TREASURY));
			assert_ok!(Leases::reject_bid(RuntimeOrigin::signed(CONSUMER), id, PROVIDER));
			assert_eq!(last_event(), Event::BidRejected { order: id, provider: PROVIDER, forfeited: deposit }.into());
			// A rejected bid costs its bidder the deposit, to the treasury.
			assert_eq!(bid_deposit_held(PROVIDER), 0);
			assert_eq!(Balances::total_balance(&PROVIDER), provider_before - deposit);
			assert_eq!(Balances::balance(&TREASURY), treasury_before + deposit);
			assert_noop!(Leases::bid(RuntimeOrigin::signed(PROVIDER), id, H100_PRICE), Error::<Test>::BidderRejected);
			// The freed slot takes another bidder.
			assert_ok!(Leases::bid(RuntimeOrigin::signed(PROVIDER_4), id, H100_PRICE));

			// Rejections are bounded too; past them the consumer cancels and orders anew.
			assert_ok!(Leases::reject_bid(RuntimeOrigin::signed(CONSUMER), id, PROVIDER_2));
			assert_ok!(Leases::reject_bid(RuntimeOrigin::signed(CONSUMER), id, PROVIDER_3));
			assert_noop!(
				Leases::reject_bid(RuntimeOrigin::signed(CONSUMER), id, PROVIDER_4),
				Error::<Test>::TooManyRejections
			);
			// Ending the order returns every standing bid's deposit.
			assert_ok!(Leases::cancel_order(RuntimeOrigin::signed(CONSUMER), id));
			for who in [PROVIDER, PROVIDER_2, PROVIDER_3, PROVIDER_4] {
				assert_eq!(bid_deposit_held(who), 0);
			}
		});
	}

	/// Attack: tiny leases fill a provider's `MaxLeasesPerProvider` slots, so honest customers
	/// find it full. A provider sets the least it takes a lease for per epoch; each of the
	/// attacker's leases (and bids for the provider) must pay at least that, to the provider.
	#[test]
	fn tiny_leases_cannot_take_a_providers_slots_for_less_than_its_minimum() {
		run_test(|| {
			provider(PROVIDER, "eu");
			let one_core = ResourceRequest { cpu_cores: 1, ..Default::default() };
			let floor = epoch_cost(CORE_PRICE) + 1;
			assert_ok!(Providers::set_min_lease_charge(RuntimeOrigin::signed(PROVIDER), floor));
			assert_noop!(
				Leases::rent(RuntimeOrigin::signed(CONSUMER), PROVIDER, one_core, 100 * epoch_cost(CORE_PRICE)),
				Error::<Test>::BelowProviderMinimum
			);
			let two_cores = ResourceRequest { cpu_cores: 2, ..Default::default() };
			assert_ok!(Leases::rent(RuntimeOrigin::signed(CONSUMER), PROVIDER, two_cores.clone(), 100 * epoch_cost(CORE_PRICE)));
			// Bids below the provider's own minimum are refused as well.
			let id = NextOrderId::<Test>::get();
			assert_ok!(Leases::create_order(
				RuntimeOrigin::signed(CONSUMER_2),
				two_cores,
				None,
				None,
				2 * CORE_PRICE,
				100 * epoch_cost(CORE_PRICE)
			));
			assert_noop!(Leases::bid(RuntimeOrigin::signed(PROVIDER), id, CORE_PRICE), Error::<Test>::BelowProviderMinimum);
			assert_ok!(Leases::bid(RuntimeOrigin::signed(PROVIDER), id, 2 * CORE_PRICE));
		});
	}
}

mod lifetime {
	use super::*;

	/// Attack on state: closed leases stayed in storage for ever, so every lease anyone ever
	/// opened cost the chain its record. A closed lease that holds no more money is removed;
	/// `LeaseOpened` and `LeaseFinished` keep its story for explorers.
	#[test]
	fn a_lease_holding_no_money_is_removed_and_its_events_tell_its_story() {
		run_test(|| {
			provider(PROVIDER, "eu");
			let deposit = MIN_EPOCHS as Balance * epoch_cost(H100_PRICE);
			let id = rent_h100(deposit);
			assert!(has_event(Event::LeaseOpened {
				lease: id,
				consumer: CONSUMER,
				provider: PROVIDER,
				gpus: bounded(&[gpu_id(PROVIDER, 1)]),
				storage_gib: 0,
				cpu_cores: 0,
				price_per_hour: H100_PRICE,
				deposit,
			}));
			// Closed at once: nothing was served, nothing is retained, so the record goes.
			assert_ok!(Leases::close_lease(RuntimeOrigin::signed(CONSUMER), id));
			assert!(pallet::Leases::<Test>::get(id).is_none());
			assert!(has_event(Event::LeaseFinished { lease: id, deposited: deposit, paid: 0, take: 0, refunded: deposit }));
			assert_eq!(escrow_held(CONSUMER), 0);
			assert!(ConsumerLeases::<Test>::get(CONSUMER).is_empty() && ProviderLeases::<Test>::get(PROVIDER).is_empty());
			assert_noop!(Leases::top_up(RuntimeOrigin::signed(CONSUMER), id, 1), Error::<Test>::UnknownLease);

			// Served, then closed: the record stays while service can still be charged, and goes
			// when the retained escrow is released.
			let id = rent_h100(deposit);
			go_to(5);
			assert_ok!(Leases::close_lease(RuntimeOrigin::signed(CONSUMER), id));
			assert!(pallet::Leases::<Test>::get(id).is_some(), "retained for the report");
			go_to(u64::from(clock().report_window_closes(0)) + 1);
			assert_ok!(Leases::release_retained(RuntimeOrigin::signed(STRANGER), id));
			assert!(pallet::Leases::<Test>::get(id).is_none());
			assert!(has_event(Event::LeaseFinished { lease: id, deposited: deposit, paid: 0, take: 0, refunded: deposit }));
		});
	}

	/// Governance evicting a squatted GPU ends the lease holding it, like any close: the GPU is
	/// free at once, served blocks stay chargeable, the rest of the escrow goes back.
	#[test]
	fn evicting_a_leased_gpu_closes_its_lease() {
		run_test(|| {
			provider(PROVIDER, "eu");
			let deposit = 10 * epoch_cost(H100_PRICE);
			let id = rent_h100(deposit);
			go_to(5);
			let gpu = gpu_id(PROVIDER, 1);
			assert_ok!(<Leases as Commitments<_>>::end_lease_of_gpu(&gpu));
			assert_eq!(close_reason(id), CloseReason::GpuEvicted);
			assert!(!<Leases as Commitments<_>>::is_gpu_leased(&gpu));
			// Blocks 1..5 were served: 40 retained for the report, the rest refunded.
			assert_eq!(escrow_held(CONSUMER), 40);
			// A GPU no lease holds: nothing to end.
			assert_ok!(<Leases as Commitments<_>>::end_lease_of_gpu(&gpu));
		});
	}
}
