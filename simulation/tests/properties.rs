//! The property of docs/economics.md over randomized strategies on the real runtime: whatever an
//! actor controlling provider and consumer accounts does — renting from itself at any price,
//! splitting across Sybil providers, reporting any utilization, declaring and claiming any
//! storage, timing its leases — it never ends richer than if it had done nothing, and honest
//! providers lose no more emission than it burned. 1,000 cases, each run with and without the
//! attacker.

use std::{
	collections::BTreeMap,
	sync::{Mutex, OnceLock},
};

use depin_runtime::{currency::DPN, Balance};
use depin_simulation::{
	market::{Claims, MARKET_GPU_PRICE},
	scenario::{run, Attack, Outcome, Scenario},
};
use proptest::prelude::*;

/// The honest market without an attacker: deterministic, so run once per shape.
fn baseline(honest: &Scenario) -> Outcome {
	static RUNS: OnceLock<Mutex<BTreeMap<(u32, u32), Outcome>>> = OnceLock::new();
	let mut runs = RUNS.get_or_init(Default::default).lock().expect("not poisoned");
	runs.entry((honest.honest_providers, honest.epochs)).or_insert_with(|| run(honest)).clone()
}

fn attack() -> impl Strategy<Value = Attack> {
	(
		1u32..=3,
		0u32..=4,
		// Mostly priced (a free lease is refused, so no attack happens), sometimes free.
		prop_oneof![1 => Just(0u128), 4 => 1u128..=1_000],
		0u32..=(1 << 20),
		prop_oneof![1 => Just(0u128), 4 => 1u128..=1_000],
		0u8..=100,
		0u64..=(1 << 21),
		0u32..=2,
	)
		.prop_map(|(providers, gpus, gpu_factor, storage_gib, gib_factor, util, claimed_gib, start_epoch)| Attack {
			providers,
			gpus,
			// From nothing to a thousand times the market price.
			gpu_price: gpu_factor * MARKET_GPU_PRICE,
			storage_gib,
			gib_price: gib_factor * DPN / 100,
			claims: Claims { gpu_util_percent: util, storage_total_gib: claimed_gib },
			start_epoch,
		})
}

proptest! {
	#![proptest_config(ProptestConfig { cases: 1_000, failure_persistence: None, ..ProptestConfig::default() })]

	#[test]
	fn no_strategy_profits_or_dilutes_honest_providers_by_more_than_it_burned(
		attack in attack(),
		honest_providers in 1u32..=2,
		epochs in 3u32..=4,
	) {
		let honest = Scenario { name: "honest", epochs, honest_providers, attack: None, customers_leave_at: None };
		let baseline = baseline(&honest);
		let attacked = run(&Scenario { attack: Some(attack), ..honest });
		prop_assert!(attacked.final_attacker_net() <= 0, "the attacker gained {}", attacked.final_attacker_net());
		let dilution: Balance = baseline.honest_emission.saturating_sub(attacked.honest_emission);
		prop_assert!(dilution <= attacked.attacker_take, "dilution {dilution} > take {}", attacked.attacker_take);
	}
}
