//! Escrow as a state machine, on the real runtime: random sequences of open, top-up, report,
//! miss, dispute, resolve, release, close and expire over several leases of two consumers with
//! one provider. After every step, for every lease: `paid + take + refunded + held = deposited`
//! exactly, where held is its escrow plus its disputed payments (booked charges count in `paid`
//! and `take` and stay on the escrow hold until claimed), `deposited` is what the test
//! itself put in (deposit and accepted top-ups), and the consumers' holds are exactly their
//! leases' held money. Every lease is then driven to its end: each `LeaseFinished` accounts for
//! all it was given, and nothing stays held.

use std::collections::BTreeMap;

use depin_runtime::{
	currency::DPN, Balance, Balances, Runtime, RuntimeEvent, RuntimeHoldReason, RuntimeOrigin, System,
};
use depin_simulation::market::{pool_accepts, report_call, Claims, Market, MARKET_GPU_PRICE};
use frame_support::traits::{fungible::InspectHold, UnfilteredDispatchable};
use pallet_leases::{HoldReason, LeaseId};
use proptest::prelude::*;
use sp_runtime::AccountId32 as AccountId;

#[derive(Clone, Debug)]
enum Step {
	/// Consumer 0 or 1 rents `gpus` GPUs and `storage` GiB with `epochs` epochs of escrow.
	Open {
		consumer: usize,
		gpus: u32,
		storage: u32,
		epochs: u32,
	},
	TopUp {
		lease: usize,
		dpn: Balance,
	},
	/// The provider's node reports the last ended epoch, claiming `util` percent.
	Report {
		util: u8,
	},
	/// A watcher records the provider's miss of every epoch whose window closed unreported.
	Miss,
	Dispute {
		lease: usize,
		last_settled: bool,
	},
	Resolve {
		lease: usize,
		for_consumer: bool,
	},
	Release {
		lease: usize,
	},
	Close {
		lease: usize,
		by_provider: bool,
	},
	/// Time passes; then anyone closes what is stale and releases what is retained.
	Expire {
		blocks: u32,
	},
	Advance {
		blocks: u32,
	},
}

fn step() -> impl Strategy<Value = Step> {
	prop_oneof![
		3 => (0usize..2, 0u32..=1, 0u32..=20, 3u32..=8)
			.prop_map(|(consumer, gpus, storage, epochs)| Step::Open { consumer, gpus, storage, epochs }),
		2 => (0usize..6, 0u128..=3).prop_map(|(lease, dpn)| Step::TopUp { lease, dpn }),
		4 => (0u8..=100).prop_map(|util| Step::Report { util }),
		1 => Just(Step::Miss),
		2 => (0usize..6, any::<bool>()).prop_map(|(lease, last_settled)| Step::Dispute { lease, last_settled }),
		2 => (0usize..6, any::<bool>()).prop_map(|(lease, for_consumer)| Step::Resolve { lease, for_consumer }),
		1 => (0usize..6).prop_map(|lease| Step::Release { lease }),
		2 => (0usize..6, any::<bool>()).prop_map(|(lease, by_provider)| Step::Close { lease, by_provider }),
		1 => (10u32..=60).prop_map(|blocks| Step::Expire { blocks }),
		4 => (1u32..=15).prop_map(|blocks| Step::Advance { blocks }),
	]
}

/// The test's own ledger: what it put into each lease, and what the chain said when each ended.
#[derive(Default)]
struct Model {
	leases: Vec<LeaseId>,
	deposited: BTreeMap<LeaseId, Balance>,
	finished: BTreeMap<LeaseId, (Balance, Balance, Balance, Balance)>,
	disputes: BTreeMap<LeaseId, Vec<u32>>,
	/// Epochs settled (a report charged a lease) and disputes opened, for the figures.
	settlements: usize,
	disputes_opened: usize,
}

struct World {
	market: Market,
	provider: AccountId,
	consumers: [AccountId; 2],
	watcher: AccountId,
	model: Model,
}

impl World {
	fn new() -> Self {
		let mut market = Market::new(None, 12);
		let provider = market.provider(2, MARKET_GPU_PRICE, 200, DPN / 100, false, Claims::default());
		let consumers = [market.new_account(), market.new_account()];
		let watcher = market.new_account();
		market.run_to(2);
		Self { market, provider, consumers, watcher, model: Model::default() }
	}

	fn lease(&self, index: usize) -> Option<LeaseId> {
		(!self.model.leases.is_empty()).then(|| self.model.leases[index % self.model.leases.len()])
	}

	fn consumer_of(&mut self, lease: LeaseId) -> Option<AccountId> {
		self.market.ext.execute_with(|| pallet_leases::Leases::<Runtime>::get(lease).map(|l| l.consumer))
	}

	fn advance(&mut self, blocks: u32) {
		let to = self.market.ext.execute_with(System::block_number) + blocks;
		self.market.run_to(to);
	}

	fn apply(&mut self, step: &Step) {
		let now = self.market.ext.execute_with(System::block_number);
		let clock = self.market.clock();
		match *step {
			Step::Open { consumer, gpus, storage, epochs } => {
				let who = self.consumers[consumer].clone();
				let provider = self.provider.clone();
				let opened = self.market.ext.execute_with(|| {
					let price = MARKET_GPU_PRICE * Balance::from(gpus) + DPN / 100 * Balance::from(storage);
					let per_epoch = price * Balance::from(clock.length()) / Balance::from(depin_runtime::time::HOURS);
					let request = pallet_leases::ResourceRequest { gpus, storage_gib: storage, ..Default::default() };
					let deposit = per_epoch * Balance::from(epochs) + 1;
					let call = pallet_leases::Call::<Runtime>::rent { provider, request, deposit };
					call.dispatch_bypass_filter(RuntimeOrigin::signed(who)).ok()?;
					let id = pallet_leases::NextLeaseId::<Runtime>::get() - 1;
					Some((id, deposit))
				});
				if let Some((id, deposit)) = opened {
					self.model.leases.push(id);
					self.model.deposited.insert(id, deposit);
				}
			},
			Step::TopUp { lease, dpn } => {
				let Some(id) = self.lease(lease) else { return };
				let Some(who) = self.consumer_of(id) else {
					return;
				};
				let amount = dpn * DPN / 10;
				let call = pallet_leases::Call::<Runtime>::top_up { lease: id, amount };
				if self.market.ext.execute_with(|| call.dispatch_bypass_filter(RuntimeOrigin::signed(who)).is_ok()) {
					*self.model.deposited.entry(id).or_default() += amount;
				}
			},
			Step::Report { util } => {
				let epoch = clock.epoch_of(now).saturating_sub(1);
				let index = self.market.providers.iter().position(|p| p.account == self.provider).expect("ours");
				self.market.providers[index].claims.gpu_util_percent = util;
				let provider = self.market.providers[index].clone();
				self.market.ext.execute_with(|| {
					if let Some(call) = report_call(&provider, epoch).filter(pool_accepts) {
						call.dispatch_bypass_filter(frame_system::RawOrigin::None.into())
							.expect("an accepted report settles");
					}
				});
			},
			Step::Miss => {
				let (watcher, provider) = (self.watcher.clone(), self.provider.clone());
				self.market.ext.execute_with(|| {
					for epoch in clock.epoch_of(now).saturating_sub(4)..clock.epoch_of(now) {
						let call =
							pallet_attestation::Call::<Runtime>::report_missed { provider: provider.clone(), epoch };
						let _ = call.dispatch_bypass_filter(RuntimeOrigin::signed(watcher.clone()));
					}
				});
			},
			Step::Dispute { lease, last_settled } => {
				let Some(id) = self.lease(lease) else { return };
				let Some(record) = self.market.ext.execute_with(|| pallet_leases::Leases::<Runtime>::get(id)) else {
					return;
				};
				let epoch = match (last_settled, record.settled_epoch) {
					(true, Some(settled)) => settled,
					_ => clock.epoch_of(now).saturating_sub(1),
				};
				let call = pallet_attestation::Call::<Runtime>::dispute { lease: id, epoch };
				if self
					.market
					.ext
					.execute_with(|| call.dispatch_bypass_filter(RuntimeOrigin::signed(record.consumer)).is_ok())
				{
					self.model.disputes.entry(id).or_default().push(epoch);
					self.model.disputes_opened += 1;
				}
			},
			Step::Resolve { lease, for_consumer } => {
				let Some(id) = self.lease(lease) else { return };
				let Some(&epoch) = self.model.disputes.get(&id).and_then(|d| d.last()) else {
					return;
				};
				let verdict = if for_consumer {
					depin_primitives::Verdict::Consumer
				} else {
					depin_primitives::Verdict::Provider
				};
				// Before the report lands and while its window is open there is nothing to decide.
				if self.decide(id, epoch, verdict) {
					self.model.disputes.get_mut(&id).map(Vec::pop);
				}
			},
			Step::Release { lease } => {
				let Some(id) = self.lease(lease) else { return };
				let watcher = self.watcher.clone();
				self.market.ext.execute_with(|| {
					let _ = pallet_leases::Call::<Runtime>::release_retained { lease: id }
						.dispatch_bypass_filter(RuntimeOrigin::signed(watcher));
				});
			},
			Step::Close { lease, by_provider } => {
				let Some(id) = self.lease(lease) else { return };
				let Some(consumer) = self.consumer_of(id) else {
					return;
				};
				let who = if by_provider { self.provider.clone() } else { consumer };
				self.market.ext.execute_with(|| {
					let _ = pallet_leases::Call::<Runtime>::close_lease { lease: id }
						.dispatch_bypass_filter(RuntimeOrigin::signed(who));
				});
			},
			Step::Expire { blocks } => {
				self.advance(blocks);
				self.sweep();
			},
			Step::Advance { blocks } => self.advance(blocks),
		}
	}

	/// Governance decides `lease`'s dispute of `epoch`; whether it could.
	fn decide(&mut self, lease: LeaseId, epoch: u32, verdict: depin_primitives::Verdict) -> bool {
		let call = pallet_attestation::Call::<Runtime>::resolve_dispute { lease, epoch, verdict };
		self.market.ext.execute_with(|| call.dispatch_bypass_filter(RuntimeOrigin::root()).is_ok())
	}

	/// Anyone closes every stale lease, releases every retained escrow and claims the provider's
	/// booked charges.
	fn sweep(&mut self) {
		let (watcher, leases, provider) = (self.watcher.clone(), self.model.leases.clone(), self.provider.clone());
		self.market.ext.execute_with(|| {
			let signed = || RuntimeOrigin::signed(watcher.clone());
			for lease in leases {
				let _ = pallet_leases::Call::<Runtime>::close_stale { lease }.dispatch_bypass_filter(signed());
				let _ = pallet_leases::Call::<Runtime>::release_retained { lease }.dispatch_bypass_filter(signed());
			}
			let _ = pallet_leases::Call::<Runtime>::claim_earnings { provider }.dispatch_bypass_filter(signed());
		});
	}

	/// Reads the block's `LeaseFinished` events into the model (events are kept until the test
	/// clears them).
	fn note_finished(&mut self) {
		let finished = self.market.ext.execute_with(|| {
			let events = System::read_events_no_consensus()
				.filter_map(|record| match record.event {
					RuntimeEvent::Leases(pallet_leases::Event::LeaseFinished {
						lease,
						deposited,
						paid,
						take,
						refunded,
					}) => Some(Some((lease, (deposited, paid, take, refunded)))),
					RuntimeEvent::Leases(pallet_leases::Event::LeaseSettled { .. }) => Some(None),
					_ => None,
				})
				.collect::<Vec<_>>();
			System::reset_events();
			events
		});
		self.model.settlements += finished.iter().filter(|f| f.is_none()).count();
		for (lease, figures) in finished.into_iter().flatten() {
			assert!(self.model.finished.insert(lease, figures).is_none(), "lease {lease} finished twice");
		}
	}

	/// The escrow identity of every lease, against the chain's records and the test's ledger,
	/// and the consumers' holds against their leases.
	fn check(&mut self) -> Result<(), TestCaseError> {
		self.note_finished();
		let consumers = self.consumers.clone();
		let model = &self.model;
		self.market.ext.execute_with(|| {
			let mut held_of: BTreeMap<AccountId, (Balance, Balance)> = BTreeMap::new();
			for &id in &model.leases {
				let deposited = model.deposited[&id];
				match pallet_leases::Leases::<Runtime>::get(id) {
					Some(lease) => {
						prop_assert!(!model.finished.contains_key(&id), "lease {id} finished but still stored");
						prop_assert_eq!(lease.deposited, deposited, "lease {} deposited", id);
						// `paid` and `take` count booked charges, still held until claimed.
						let held = lease.escrow + lease.disputed;
						prop_assert_eq!(
							lease.paid + lease.take + lease.refunded + held,
							deposited,
							"lease {}: {:?}",
							id,
							lease
						);
						let on_escrow_hold = lease.escrow + lease.booked();
						let entry = held_of.entry(lease.consumer).or_default();
						entry.0 += on_escrow_hold;
						entry.1 += lease.disputed;
					},
					None => {
						let Some(&(finished_deposited, paid, take, refunded)) = model.finished.get(&id) else {
							return Err(TestCaseError::fail(format!("lease {id} vanished without LeaseFinished")));
						};
						prop_assert_eq!(finished_deposited, deposited, "lease {} finished with another deposit", id);
						prop_assert_eq!(paid + take + refunded, deposited, "lease {} finished unbalanced", id);
					},
				}
			}
			for consumer in &consumers {
				let (escrow, disputed) = held_of.get(consumer).copied().unwrap_or_default();
				let hold = |reason: HoldReason| Balances::balance_on_hold(&RuntimeHoldReason::Leases(reason), consumer);
				prop_assert_eq!(hold(HoldReason::LeaseEscrow), escrow);
				prop_assert_eq!(hold(HoldReason::LeaseDispute), disputed);
			}
			Ok(())
		})
	}

	/// Drives every lease to its end: disputes decided, leases closed, time past every report
	/// window, retained escrow released.
	fn wind_down(&mut self) -> Result<(), TestCaseError> {
		for index in 0..self.model.leases.len() {
			self.apply(&Step::Close { lease: index, by_provider: false });
		}
		let clock = self.market.clock();
		self.advance(3 * clock.length() + clock.grace() + 1);
		// Every report window has closed: every open dispute can be decided now.
		let disputes = std::mem::take(&mut self.model.disputes);
		for (lease, epochs) in disputes {
			for epoch in epochs {
				let decided = self.decide(lease, epoch, depin_primitives::Verdict::Provider);
				let released = decided || {
					let call = pallet_attestation::Call::<Runtime>::release_dispute { lease, epoch };
					let watcher = self.watcher.clone();
					self.market.ext.execute_with(|| call.dispatch_bypass_filter(RuntimeOrigin::signed(watcher)).is_ok())
				};
				let open = self
					.market
					.ext
					.execute_with(|| pallet_attestation::Disputes::<Runtime>::contains_key(lease, epoch));
				prop_assert!(released || !open, "the dispute of lease {} epoch {} cannot end", lease, epoch);
			}
		}
		self.sweep();
		self.check()?;
		self.market.ext.execute_with(|| {
			prop_assert_eq!(pallet_leases::Leases::<Runtime>::iter().count(), 0, "every lease ended");
			for consumer in &self.consumers {
				prop_assert_eq!(Balances::total_balance_on_hold(consumer), 0, "nothing stays held");
			}
			Ok(())
		})
	}
}

proptest! {
	#![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

	#[test]
	fn every_lease_accounts_for_every_planck_in_any_order(steps in prop::collection::vec(step(), 1..40)) {
		let mut world = World::new();
		for step in &steps {
			world.apply(step);
			world.check()?;
		}
		world.wind_down()?;
		prop_assert_eq!(world.model.finished.len(), world.model.leases.len());
		world.market.check_invariants();
		record_case([steps.len(), world.model.leases.len(), world.model.settlements, world.model.disputes_opened]);
	}
}

/// Counts passed cases, their steps, leases, settled epochs and disputes into the reliability
/// figures (scripts/reliability.sh sets the folder).
fn record_case(counts: [usize; 4]) {
	use std::sync::{
		atomic::{AtomicUsize, Ordering},
		Mutex,
	};
	static CASES: AtomicUsize = AtomicUsize::new(0);
	static TOTALS: Mutex<[usize; 4]> = Mutex::new([0; 4]);
	let cases = CASES.fetch_add(1, Ordering::Relaxed) + 1;
	let [steps, leases, settled, disputes] = {
		let mut totals = TOTALS.lock().expect("not poisoned");
		for (total, count) in totals.iter_mut().zip(counts) {
			*total += count;
		}
		*totals
	};
	let Ok(dir) = std::env::var("DEPIN_FIGURES_DIR") else {
		return;
	};
	let row = format!(
		"[{{\"group\":\"Property tests\",\"what\":\"escrow state machine, random orders of open/top-up/report/miss/dispute/resolve/close/expire: {steps} steps, {leases} leases, {settled} epochs settled, {disputes} disputes\",\"count\":{cases},\"outcome\":\"paid + take + refunded + held = deposited, exactly, after every step\"}}]\n"
	);
	std::fs::create_dir_all(&dir).expect("figures folder");
	std::fs::write(std::path::Path::new(&dir).join("escrow.json"), row).expect("writes figures");
}

#[test]
fn a_lease_is_opened_reported_disputed_and_finished_by_the_machine() {
	// The machine reaches every path it claims to cover: a known sequence with a settled epoch, a
	// dispute ruled for the consumer and an ending.
	let mut world = World::new();
	let steps = [
		Step::Open { consumer: 0, gpus: 1, storage: 10, epochs: 5 },
		Step::Advance { blocks: 12 },
		Step::Report { util: 80 },
		Step::Dispute { lease: 0, last_settled: true },
		Step::Resolve { lease: 0, for_consumer: true },
		Step::TopUp { lease: 0, dpn: 2 },
		Step::Close { lease: 0, by_provider: true },
	];
	for step in &steps {
		world.apply(step);
		world.check().expect("the escrow adds up");
	}
	let lease = world.model.leases[0];
	let settled =
		world.market.ext.execute_with(|| pallet_leases::Leases::<Runtime>::get(lease).and_then(|l| l.settled_epoch));
	assert!(settled.is_some() || world.model.finished.contains_key(&lease), "the report settled an epoch");
	world.wind_down().expect("winds down");
	let (deposited, paid, take, refunded) = world.model.finished[&lease];
	assert!(paid + take > 0, "the provider was paid for the attested epoch");
	assert!(refunded > 0, "the rest went back");
	assert_eq!(deposited, world.model.deposited[&lease]);
	world.market.check_invariants();
}
