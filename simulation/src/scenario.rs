//! Agents and scenarios: honest providers and consumers at market prices, and attackers who
//! control provider and consumer accounts at once.

use depin_runtime::{currency::DPN, AccountId, Balance};

use crate::market::{Claims, Market, MARKET_GPU_PRICE};

/// What an attacker does. It controls `providers` provider accounts and as many consumer
/// accounts, and rents every one of its providers from one of its consumers.
#[derive(Clone, Debug, PartialEq)]
pub struct Attack {
	/// Sybil provider accounts (each with its own consumer account).
	pub providers: u32,
	/// GPUs each lists (none of them audited: invented or not, nobody vouches).
	pub gpus: u32,
	/// What it charges itself per GPU-hour.
	pub gpu_price: Balance,
	/// Storage each declares (GiB) and rents to itself, at `gib_price` per GiB-hour.
	pub storage_gib: u32,
	pub gib_price: Balance,
	/// Utilization and storage its nodes report.
	pub claims: Claims,
	/// Epoch the attack starts in (leases timed around epoch boundaries).
	pub start_epoch: u32,
}

impl Attack {
	/// The wash trader: four GPUs rented to itself at 50× the market price, 100% utilization.
	pub fn wash_trader() -> Self {
		Self {
			providers: 1,
			gpus: 4,
			gpu_price: 50 * MARKET_GPU_PRICE,
			storage_gib: 0,
			gib_price: 0,
			claims: Claims { gpu_util_percent: 100, storage_total_gib: 0 },
			start_epoch: 0,
		}
	}

	/// The same wash trade split over eight Sybil providers and consumers.
	pub fn sybil_splitter() -> Self {
		Self { providers: 8, gpus: 1, ..Self::wash_trader() }
	}

	/// Declares a pebibyte, rents a tebibyte of it to itself at the least price and reports the
	/// whole pebibyte full.
	pub fn fake_capacity() -> Self {
		Self {
			providers: 1,
			gpus: 0,
			gpu_price: 0,
			storage_gib: 1 << 10,
			gib_price: DPN,
			claims: Claims { gpu_util_percent: 100, storage_total_gib: 1 << 20 },
			start_epoch: 0,
		}
	}

	/// Reports 100% utilization of GPUs it rents to itself at the market price.
	pub fn inflated_utilization() -> Self {
		Self { gpu_price: MARKET_GPU_PRICE, ..Self::wash_trader() }
	}
}

/// A scenario: honest market, an attack, customers leaving.
#[derive(Clone, Debug)]
pub struct Scenario {
	pub name: &'static str,
	pub epochs: u32,
	/// Honest providers (two audited GPUs each) and as many consumers renting one GPU each.
	pub honest_providers: u32,
	pub attack: Option<Attack>,
	/// Honest consumers leave at this epoch (a revenue collapse).
	pub customers_leave_at: Option<u32>,
}

/// What happened, epoch by epoch and in sum.
#[derive(Clone, Debug, Default)]
pub struct Outcome {
	/// Per closed epoch: fee revenue, emission, the attacker's net (holdings + claimed emission
	/// − what it started with), the honest providers' emission.
	pub fee_revenue: Vec<Balance>,
	pub emission: Vec<Balance>,
	pub attacker_net: Vec<i128>,
	/// Take the attacker's own leases paid (what it burned trying).
	pub attacker_take: Balance,
	/// Emission and fee earnings of the honest providers.
	pub honest_emission: Balance,
	pub honest_fees: Balance,
}

impl Outcome {
	pub fn final_attacker_net(&self) -> i128 {
		self.attacker_net.last().copied().unwrap_or(0)
	}

	/// The attacker's return on what it burned: net ÷ take paid (0 without an attack).
	pub fn attacker_roi(&self) -> f64 {
		if self.attacker_take == 0 {
			0.0
		} else {
			self.final_attacker_net() as f64 / self.attacker_take as f64
		}
	}

	/// Honest providers' emission per DPN of fees they earned.
	pub fn honest_emission_per_fee(&self) -> f64 {
		if self.honest_fees == 0 {
			0.0
		} else {
			self.honest_emission as f64 / self.honest_fees as f64
		}
	}
}

/// Runs `scenario` on a fresh chain.
pub fn run(scenario: &Scenario) -> Outcome {
	let mut market = Market::new(None, 64);
	let mut honest = Vec::new();
	let mut honest_consumers = Vec::new();
	for _ in 0..scenario.honest_providers {
		let provider = market.provider(2, MARKET_GPU_PRICE, 0, 0, true, Claims::default());
		let consumer = market.new_account();
		assert!(market.rent(&consumer, &provider, 1, 0, scenario.epochs), "an honest lease opens");
		honest.push(provider);
		honest_consumers.push(consumer);
	}
	let mut attacker: Vec<AccountId> = Vec::new();
	let mut attacker_pairs = Vec::new();
	if let Some(attack) = &scenario.attack {
		for _ in 0..attack.providers {
			let provider = market.provider(
				attack.gpus,
				attack.gpu_price,
				u64::from(attack.storage_gib),
				attack.gib_price,
				false,
				attack.claims,
			);
			let consumer = market.new_account();
			attacker.extend([provider.clone(), consumer.clone()]);
			attacker_pairs.push((consumer, provider));
		}
	}
	let start = market.holdings(&attacker);
	let mut outcome = Outcome::default();
	for epoch in 0..scenario.epochs {
		if let Some(attack) = &scenario.attack {
			if epoch == attack.start_epoch {
				for (consumer, provider) in &attacker_pairs {
					market.rent(consumer, provider, attack.gpus, attack.storage_gib, scenario.epochs);
				}
			}
		}
		if scenario.customers_leave_at == Some(epoch) {
			for consumer in &honest_consumers {
				market.leave(consumer);
			}
		}
		market.run_epoch(epoch);
		if let Some(closed) = epoch.checked_sub(1) {
			record(&mut market, &mut outcome, closed, &attacker, start);
		}
	}
	let last = scenario.epochs - 1;
	market.close(last);
	record(&mut market, &mut outcome, last, &attacker, start);
	market.ext.execute_with(|| {
		for provider in &honest {
			let earnings = pallet_economics::ProviderEarnings::<depin_runtime::Runtime>::get(provider);
			outcome.honest_emission += earnings.emission;
			outcome.honest_fees += earnings.fees;
		}
		for (_, provider) in &attacker_pairs {
			for lease in pallet_leases::Leases::<depin_runtime::Runtime>::iter_values().filter(|l| &l.provider == provider) {
				outcome.attacker_take += lease.take;
			}
		}
	});
	market.check_invariants();
	outcome
}

/// Records closed `epoch`: its ledger, and the attacker's net once everyone claimed its
/// emission of it.
fn record(market: &mut Market, outcome: &mut Outcome, epoch: u32, attacker: &[AccountId], start: Balance) {
	let ledger = market.ledger(epoch);
	outcome.fee_revenue.push(ledger.fee_revenue);
	outcome.emission.push(ledger.emission);
	let providers: Vec<AccountId> = market.providers.iter().map(|p| p.account.clone()).collect();
	for who in providers.iter().chain(attacker) {
		market.claim(who, epoch);
	}
	let now = market.holdings(attacker);
	outcome.attacker_net.push(now as i128 - start as i128);
}
