//! Flood: three hundred providers' reports and an attacker's paid filler compete for one report
//! window against an honest provider's report, on the real runtime. Blocks are built as an
//! author would — the attacker's transactions first (they paid to be there), then reports from
//! the pool in arrival order while they fit the block's normal weight — and end with the
//! runtime's hooks, which see how full each block was.

use std::collections::VecDeque;

use depin_runtime::{Attestation, Economics, Runtime, RuntimeOrigin, System};
use depin_simulation::market::{pool_accepts, report_call, simulated_block_hash, Claims, Market, MARKET_GPU_PRICE};
use frame_support::{
	dispatch::{DispatchClass, GetDispatchInfo},
	traits::{Hooks, UnfilteredDispatchable},
	weights::Weight,
};
use sp_runtime::AccountId32 as AccountId;

const SYBILS: u32 = 300;

type Report = (AccountId, pallet_attestation::Call<Runtime>);

/// Builds block `n`: `filler` weight of the attacker's paid transactions, then pooled reports in
/// order while they fit; a report no longer valid leaves the pool. Ends the block with the
/// attestation pallet's hook. Returns the providers whose reports landed.
fn build_block(n: u32, filler: Weight, pool: &mut VecDeque<Report>) -> Vec<AccountId> {
	System::set_block_number(n);
	frame_system::BlockHash::<Runtime>::insert(n - 1, simulated_block_hash(n - 1));
	Economics::on_initialize(n);
	Attestation::on_initialize(n);
	frame_system::BlockWeight::<Runtime>::kill();
	let weights = <Runtime as frame_system::Config>::BlockWeights::get();
	let normal = weights.get(DispatchClass::Normal);
	let limit = normal.max_total.unwrap_or(weights.max_block);
	System::register_extra_weight_unchecked(filler.min(limit), DispatchClass::Normal);
	let mut landed = Vec::new();
	while let Some((who, call)) = pool.front() {
		if !pool_accepts(call) {
			pool.pop_front();
			continue;
		}
		let weight = call.get_dispatch_info().total_weight().saturating_add(normal.base_extrinsic);
		let used = *System::block_weight().get(DispatchClass::Normal);
		if !limit.saturating_sub(used).all_gte(weight) {
			break;
		}
		let (who, call) = (who.clone(), call.clone());
		pool.pop_front();
		call.dispatch_bypass_filter(frame_system::RawOrigin::None.into()).expect("a valid report settles");
		System::register_extra_weight_unchecked(weight, DispatchClass::Normal);
		landed.push(who);
	}
	Attestation::on_finalize(n);
	landed
}

/// A market with the honest provider (one leased GPU) and `SYBILS` providers of one GPU each,
/// run to the opening of epoch 1's report window. Returns it, the honest provider and the pool
/// as the attacker filled it: every Sybil's report, sent a block before the honest worker's.
fn flooded_market() -> (Market, AccountId, VecDeque<Report>) {
	let mut market = Market::new(None, SYBILS + 10);
	let honest = market.provider(1, MARKET_GPU_PRICE, 0, 0, false, Claims::default());
	let consumer = market.new_account();
	assert!(market.rent(&consumer, &honest, 1, 0, 10), "the honest lease opens");
	for _ in 0..SYBILS {
		market.provider(1, MARKET_GPU_PRICE, 0, 0, false, Claims::default());
	}
	let opens = market.clock().report_window_opens(1);
	market.run_to(opens - 1);
	let sybils: Vec<_> = market.providers.iter().filter(|p| p.account != honest).cloned().collect();
	let pool = market.ext.execute_with(|| {
		System::set_block_number(opens);
		sybils.iter().filter_map(|p| report_call(p, 1).map(|call| (p.account.clone(), call))).collect()
	});
	(market, honest, pool)
}

/// The honest worker's report of epoch 1, built when block `at` is imported.
fn honest_report(market: &mut Market, honest: &AccountId, at: u32) -> Report {
	let provider = market.providers.iter().find(|p| &p.account == honest).expect("honest").clone();
	market.ext.execute_with(|| {
		System::set_block_number(at + 1);
		frame_system::BlockHash::<Runtime>::insert(at, simulated_block_hash(at));
		let call = report_call(&provider, 1).expect("the honest provider has a lease to report");
		System::set_block_number(at);
		(honest.clone(), call)
	})
}

/// Runs epoch 1's window, the attacker filling the first `full` blocks completely, until the
/// window closes. Returns whether the honest report landed.
fn run_window(full: u32) -> (Market, AccountId, bool) {
	let (mut market, honest, mut pool) = flooded_market();
	let opens = market.clock().report_window_opens(1);
	assert_eq!(pool.len() as u32, SYBILS);
	let mut honest_landed = false;
	let mut n = opens;
	loop {
		let filler = if n - opens < full { Weight::MAX } else { Weight::zero() };
		let landed = market.ext.execute_with(|| build_block(n, filler, &mut pool));
		honest_landed |= landed.contains(&honest);
		if n == opens {
			// The honest worker builds its report on importing the window's first block.
			let report = honest_report(&mut market, &honest, n);
			pool.push_back(report);
		}
		n += 1;
		let open = market.ext.execute_with(|| {
			System::set_block_number(n);
			Attestation::clock().window_not_closed(1, n)
		});
		if !open {
			market.ext.execute_with(|| System::set_block_number(n - 1));
			break;
		}
	}
	market.run_to(n);
	(market, honest, honest_landed)
}

fn bond(market: &mut Market, who: &AccountId) -> u128 {
	market.ext.execute_with(|| pallet_providers::Providers::<Runtime>::get(who).expect("registered").bond)
}

/// Three hundred competing reports and full blocks for longer than the grace: the window grows
/// by the full blocks and the honest report lands in the first blocks with room; nobody can
/// report it missed, and every invariant holds.
#[test]
fn the_honest_report_lands_however_many_reports_compete() {
	let grace = Market::new(None, 1).clock().grace();
	// The attacker's paid filler fills a block more than the unextended window, and then the 300
	// Sybil reports fill two more (about 140 fit a block): without the extension the honest
	// report would expire.
	let full = grace + 1;
	let (mut market, honest, landed) = run_window(full);
	assert!(landed, "the honest report landed");
	market.ext.execute_with(|| {
		assert!(pallet_attestation::Reports::<Runtime>::contains_key(&honest, 1));
		assert!(pallet_attestation::FullWindowBlocks::<Runtime>::get(1) >= full);
		let stranger = depin_simulation::market::account(SYBILS + 9);
		assert!(Attestation::report_missed(RuntimeOrigin::signed(stranger), honest.clone(), 1).is_err());
	});
	market.check_invariants();
}

/// The attacker keeps every block of the window full, extension and all: the honest report
/// cannot land, and nobody may slash or suspend its provider for it.
#[test]
fn nobody_is_slashed_when_the_chain_had_no_room() {
	let (mut market, honest, landed) = run_window(u32::MAX);
	assert!(!landed);
	let before = bond(&mut market, &honest);
	market.ext.execute_with(|| {
		let stranger = depin_simulation::market::account(SYBILS + 9);
		let refused = Attestation::report_missed(RuntimeOrigin::signed(stranger), honest.clone(), 1);
		assert_eq!(refused, Err(pallet_attestation::Error::<Runtime>::WindowCongested.into()));
		assert!(!pallet_attestation::Misses::<Runtime>::contains_key(&honest, 1));
	});
	assert_eq!(bond(&mut market, &honest), before);
	market.check_invariants();
}
