//! Flood: hundreds of Sybil providers' reports and an attacker's paid filler compete for one
//! report window against an honest provider's report, on the real runtime. Blocks are built as
//! an author builds them from its pool: every pooled transaction revalidated, then taken by pool
//! priority (first come among equals) while it fits the block's normal weight — the attacker's
//! paid filler first (it paid to be there). The runtime's hooks then see how full each block
//! was.
//!
//! What an attacker may not get (issue 24): the honest provider unpaid. Reports that settle
//! nothing are refused outright; reports that settle something rank by what they settle, so
//! outranking the honest report costs the take on more than it settles, every epoch; and a
//! window the attacker keeps full with paid filler is settled late.

use depin_runtime::{Attestation, Economics, Runtime, System};
use depin_simulation::market::{
	pool_validity, report_call, simulated_block_hash, Claims, Market, MARKET_GPU_PRICE,
};
use frame_support::{
	dispatch::{DispatchClass, GetDispatchInfo},
	traits::{Hooks, UnfilteredDispatchable},
	weights::Weight,
};
use sp_runtime::{
	transaction_validity::{InvalidTransaction, TransactionValidityError},
	AccountId32 as AccountId,
};

const SYBILS: u32 = 300;
/// GPUs of the honest provider, all leased to its customer.
const HONEST_GPUS: u32 = 8;

/// A pooled report: arrival order, who sent it, the call.
type Pooled = (u32, AccountId, pallet_attestation::Call<Runtime>);

/// Builds block `n`: `filler` weight of the attacker's paid transactions, then pooled reports
/// by priority while they fit; a report no longer valid leaves the pool. Ends the block with the
/// attestation pallet's hook. Returns the providers whose reports landed.
fn build_block(n: u32, filler: Weight, pool: &mut Vec<Pooled>) -> Vec<AccountId> {
	System::set_block_number(n);
	frame_system::BlockHash::<Runtime>::insert(n - 1, simulated_block_hash(n - 1));
	Economics::on_initialize(n);
	Attestation::on_initialize(n);
	frame_system::BlockWeight::<Runtime>::kill();
	let weights = <Runtime as frame_system::Config>::BlockWeights::get();
	let normal = weights.get(DispatchClass::Normal);
	let limit = normal.max_total.unwrap_or(weights.max_block);
	System::register_extra_weight_unchecked(filler.min(limit), DispatchClass::Normal);
	// The pool, revalidated at this block, by priority, first come among equals.
	let mut ranked: Vec<(u64, Pooled)> = pool
		.drain(..)
		.filter_map(|pooled| pool_validity(&pooled.2).ok().map(|valid| (valid.priority, pooled)))
		.collect();
	ranked.sort_by(|(a, x), (b, y)| b.cmp(a).then(x.0.cmp(&y.0)));
	let mut landed = Vec::new();
	for (_, (arrival, who, call)) in ranked {
		// What an earlier report of this block made stale (a copy of it: one report per
		// provider and epoch) leaves the pool, as the author's checks in the block find.
		if pool_validity(&call).is_err() {
			continue;
		}
		let weight = call.get_dispatch_info().total_weight().saturating_add(normal.base_extrinsic);
		let used = *System::block_weight().get(DispatchClass::Normal);
		if !limit.saturating_sub(used).all_gte(weight) {
			pool.push((arrival, who, call));
			continue;
		}
		call.clone().dispatch_bypass_filter(frame_system::RawOrigin::None.into()).expect("a valid report settles");
		System::register_extra_weight_unchecked(weight, DispatchClass::Normal);
		landed.push(who);
	}
	Attestation::on_finalize(n);
	landed
}

/// The honest provider, its consumer (who rents all its GPUs) and the epoch-1 report of its
/// node, built as the worker builds it when the window opens.
struct Honest {
	provider: AccountId,
	consumer: AccountId,
}

fn honest_market(accounts: u32) -> (Market, Honest) {
	let mut market = Market::new(None, accounts);
	let provider = market.provider(HONEST_GPUS, MARKET_GPU_PRICE, 0, 0, false, Claims::default());
	let consumer = market.new_account();
	assert!(market.rent(&consumer, &provider, HONEST_GPUS, 0, 10), "the honest lease opens");
	(market, Honest { provider, consumer })
}

fn report_of(market: &mut Market, who: &AccountId, epoch: u32, at: u32) -> Option<pallet_attestation::Call<Runtime>> {
	let provider = market.providers.iter().find(|p| &p.account == who).expect("a provider").clone();
	market.ext.execute_with(|| {
		System::set_block_number(at + 1);
		frame_system::BlockHash::<Runtime>::insert(at, simulated_block_hash(at));
		let call = report_call(&provider, epoch);
		System::set_block_number(at);
		call
	})
}

/// What epoch 1 paid the honest provider's lease, and what it should have: every block it ran.
fn honest_charge(market: &mut Market, honest: &Honest) -> (u128, u128) {
	market.ext.execute_with(|| {
		let lease = pallet_leases::ConsumerLeases::<Runtime>::get(&honest.consumer)[0];
		let lease = pallet_leases::Leases::<Runtime>::get(lease).expect("the lease");
		let full = lease.price_per_hour * 10 / u128::from(depin_runtime::time::HOURS);
		(lease.paid + lease.take, full)
	})
}

/// Runs blocks from `from` while `keep_going` says so, the attacker filling the blocks
/// `full_at` says with paid transactions; the honest worker sends its report into the pool at
/// the window's first block, and again every 3 blocks until it is on chain. Returns the block
/// after.
fn run_blocks(
	market: &mut Market,
	honest: &Honest,
	pool: &mut Vec<Pooled>,
	from: u32,
	full_at: impl Fn(&mut Market, u32) -> bool,
	keep_going: impl Fn(&mut Market, u32) -> bool,
) -> u32 {
	let mut n = from;
	let mut arrival = pool.len() as u32;
	while keep_going(market, n) {
		let filler = if full_at(market, n) { Weight::MAX } else { Weight::zero() };
		let landed = market.ext.execute_with(|| build_block(n, filler, pool));
		if landed.contains(&honest.provider) {
			LANDED_AFTER.with(|after| after.set(Some(n - from)));
		}
		if !honest_reported(market, honest) && (n - from) % 3 == 0 {
			if let Some(call) = report_of(market, &honest.provider, 1, n) {
				arrival += 1;
				pool.push((arrival, honest.provider.clone(), call));
			}
		}
		n += 1;
	}
	n
}

std::thread_local! {
	/// How many blocks after `run_blocks` began the honest report landed.
	static LANDED_AFTER: std::cell::Cell<Option<u32>> = const { std::cell::Cell::new(None) };
}

fn landed_after() -> Option<u32> {
	LANDED_AFTER.with(|after| after.get())
}

/// `who`'s report of `epoch` is on record (call inside the market's externalities).
fn has_reported(who: &AccountId, epoch: u32) -> bool {
	pallet_attestation::ProviderLiveness::<Runtime>::get(who).has_reported(epoch)
}

fn honest_reported(market: &mut Market, honest: &Honest) -> bool {
	market.ext.execute_with(|| has_reported(&honest.provider, 1))
}

/// Epoch 1's report window is open at block `n` (the clock as of the block before).
fn window_open(market: &mut Market, n: u32) -> bool {
	market.ext.execute_with(|| {
		let now = System::block_number();
		System::set_block_number(n);
		let open = Attestation::clock().window_not_closed(1, n);
		System::set_block_number(now);
		open
	})
}

/// Epoch 1 can still be settled at block `n`, in its window or, congested, late.
fn settleable(market: &mut Market, n: u32) -> bool {
	market.ext.execute_with(|| {
		let now = System::block_number();
		System::set_block_number(n);
		let open = Attestation::clock().settleable(1, n);
		System::set_block_number(now);
		open
	})
}

/// Attack: Sybil providers with no lease, and Sybils with leases whose reports claim zero
/// uptime, send their free reports a block before the honest worker does, to fill the window.
/// None of them is taken by the pool (they settle nothing); the honest report lands in the
/// window's first block and is paid in full; the Sybils' leases paid nothing and earned
/// nothing.
#[test]
fn empty_and_zero_uptime_sybil_reports_cannot_delay_an_honest_report() {
	let (mut market, honest) = honest_market(2 * SYBILS + 10);
	let mut sybils = Vec::new();
	for i in 0..SYBILS {
		let sybil = market.provider(1, MARKET_GPU_PRICE, 0, 0, false, Claims::default());
		if i % 2 == 1 {
			// Leased by a second account of the attacker; its node will claim zero uptime.
			let tenant = market.new_account();
			assert!(market.rent(&tenant, &sybil, 1, 0, 3));
		}
		sybils.push(sybil);
	}
	let opens = market.clock().report_window_opens(1);
	market.run_to(opens - 1);
	let mut refused = 0;
	let mut pool = Vec::new();
	for (arrival, sybil) in sybils.iter().enumerate() {
		let Some(pallet_attestation::Call::submit_report { mut report, .. }) = report_of(&mut market, sybil, 1, opens - 1)
		else {
			continue;
		};
		for lease in report.leases.iter_mut() {
			lease.uptime_blocks = 0;
		}
		let key = market.providers.iter().find(|p| &p.account == sybil).expect("a sybil").key;
		let call = market.ext.execute_with(|| {
			let signature = sp_io::crypto::sr25519_sign(pallet_attestation::KEY_TYPE, &key, &report.signing_payload())
				.expect("key in keystore");
			pallet_attestation::Call::<Runtime>::submit_report { report, signature }
		});
		// The pool refuses it: it would settle nothing.
		let verdict = market.ext.execute_with(|| {
			System::set_block_number(opens);
			pool_validity(&call)
		});
		match verdict {
			Err(TransactionValidityError::Invalid(InvalidTransaction::Custom(_))) => refused += 1,
			other => panic!("a report that settles nothing was taken: {other:?}"),
		}
		pool.push((arrival as u32, sybil.clone(), call));
	}
	assert_eq!(refused, SYBILS, "every Sybil report, empty or idle, refused");
	let after = run_blocks(&mut market, &honest, &mut pool, opens, |_, _| false, |_, n| n < opens + 3);
	market.run_to(after);
	let landed_at = market.ext.execute_with(|| {
		has_reported(&honest.provider, 1) && sybils.iter().all(|s| !has_reported(s, 1))
	});
	assert!(landed_at, "the honest report landed, no Sybil's did");
	// Sent when the window's first block was imported, it landed in the next one.
	assert_eq!(landed_after(), Some(1));
	let (paid, full) = honest_charge(&mut market, &honest);
	assert_eq!(paid, full, "the honest provider is paid for every block it served");
	market.check_invariants();
}

/// Attack: Sybil providers rent from themselves at more than the honest provider's price and
/// report full uptime, so their reports outrank the honest one in every block. They delay it
/// for a few blocks — and pay the take on every charge, every epoch: the flood costs the
/// flooder, not the honest provider, who is paid in full.
#[test]
fn outranking_the_honest_report_costs_the_flooder_every_epoch() {
	let (mut market, honest) = honest_market(2 * SYBILS + 10);
	let mut attacker = Vec::new();
	// Each Sybil's one-GPU lease is priced at twice the honest provider's eight GPUs, so each
	// of its reports settles more than the honest one does.
	let sybil_price = 2 * u128::from(HONEST_GPUS) * MARKET_GPU_PRICE;
	for _ in 0..SYBILS {
		let sybil = market.provider(1, sybil_price, 0, 0, false, Claims::default());
		let tenant = market.new_account();
		assert!(market.rent(&tenant, &sybil, 1, 0, 3));
		attacker.push(sybil);
		attacker.push(tenant);
	}
	let opens = market.clock().report_window_opens(1);
	market.run_to(opens - 1);
	let before = market.holdings(&attacker);
	let mut pool = Vec::new();
	for (arrival, sybil) in attacker.iter().step_by(2).enumerate() {
		let call = report_of(&mut market, sybil, 1, opens - 1).expect("a Sybil report");
		pool.push((arrival as u32, sybil.clone(), call));
	}
	let after = run_blocks(&mut market, &honest, &mut pool, opens, |_, _| false, |_, n| n < opens + 8);
	market.run_to(after);
	let (paid, full) = honest_charge(&mut market, &honest);
	assert_eq!(paid, full, "the honest provider is paid in full");
	// 300 Sybil reports fill the first blocks ahead of it (about two, as many as their weight
	// leaves room for): it lands in the next one with room.
	assert!(landed_after().is_some_and(|after| (1..=3).contains(&after)), "{:?}", landed_after());
	let sybils_reported = market.ext.execute_with(|| {
		attacker.iter().step_by(2).filter(|s| has_reported(s, 1)).count()
	});
	assert_eq!(sybils_reported as u32, SYBILS);
	// What the flood cost its accounts together in this epoch, once the Sybils claimed what
	// their reports booked (an epoch later): at least the take (5%) on every Sybil charge.
	let matured = after + market.clock().length();
	market.run_to(matured);
	for sybil in attacker.iter().step_by(2) {
		market.claim_earnings(sybil);
	}
	let cost = before - market.holdings(&attacker);
	let charge = sybil_price * 10 / u128::from(depin_runtime::time::HOURS);
	let take = u128::from(SYBILS) * (charge / 20);
	assert!(cost >= take, "the flood cost {cost}, less than the take {take} on its charges");
	market.check_invariants();
}

/// Attack: paid filler keeps every block of the window full, extension and all, so the honest
/// report cannot land in it; its consumer (maybe the attacker) would get the service free, and
/// nobody is paid or slashed. The window closed congested, so the epoch is settled late: the
/// honest report lands in the late window and is paid in full, and nobody can call it missed.
#[test]
fn a_window_kept_full_is_settled_late_and_the_honest_provider_paid_in_full() {
	let (mut market, honest) = honest_market(10);
	let opens = market.clock().report_window_opens(1);
	market.run_to(opens - 1);
	let mut pool = Vec::new();
	let closed = run_blocks(&mut market, &honest, &mut pool, opens, |_, _| true, window_open);
	assert!(!honest_reported(&mut market, &honest), "crowded out of its window");
	assert_eq!(honest_charge(&mut market, &honest).0, 0);
	let extension = market.ext.execute_with(|| pallet_attestation::FullWindowBlocks::<Runtime>::get(1));
	assert!(extension > 0, "the window grew by its full blocks first");
	// The late window: blocks with room again; the honest worker's resent report lands.
	let after = run_blocks(&mut market, &honest, &mut pool, closed, |_, _| false, |market, n| {
		settleable(market, n) && !honest_reported(market, &honest)
	});
	assert!(honest_reported(&mut market, &honest), "settled late");
	market.run_to(after);
	let (paid, full) = honest_charge(&mut market, &honest);
	assert_eq!(paid, full, "the honest provider is paid in full");
	market.check_invariants();
}
