//! A reference model of lease settlement, and the differential test that holds the pallets to it.
//!
//! The model is the specification of where every planck of a lease goes — to the provider, the
//! protocol take, back to the consumer, held for a dispute, or still in escrow — written as plain
//! arithmetic over a lease's life, with no storage, holds or events. The test drives the real
//! pallets (providers, leases, attestation) through random histories of rentals, top-ups,
//! closes, reports that cover some leases and skip others, missed epochs, disputes raised before
//! and after a report and their rulings, and retained escrow released, and compares every
//! lease's books and every consumer's holds with the model after each step. However settlement
//! is carried out (eagerly per report today; see docs/performance.md), it must end where this
//! model says.

use alloc::{collections::BTreeMap, vec::Vec};
use depin_primitives::{BlockIndex, EpochClock, EpochIndex, LeaseId};
use sp_runtime::Perbill;

/// A lease as the model sees it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModelLease {
	pub consumer: u64,
	pub provider: u64,
	pub price_per_hour: u128,
	pub opened_at: BlockIndex,
	/// The block it closed at, if it did.
	pub closed_at: Option<BlockIndex>,
	pub settled_epoch: Option<EpochIndex>,
	pub deposited: u128,
	pub escrow: u128,
	pub paid: u128,
	pub take: u128,
	pub refunded: u128,
	pub disputed: u128,
	/// Charges booked and still contestable, oldest first: (epoch, share, take, claimable from).
	pub contestable: Vec<(EpochIndex, u128, u128, BlockIndex)>,
	/// Charges booked, past their contest window and not claimed yet: (share, take).
	pub unclaimed: (u128, u128),
}

/// Charges a lease keeps contestable at once.
const CONTESTABLE_CHARGES: usize = 3;

/// What a dispute holds back or contests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Contest {
	/// Raised before the report: the report's charge will be (or was) held.
	Held(Option<u128>),
	/// Raised after the report: the provider's share of what it booked.
	Paid { share: u128 },
}

/// The rules of the market the model settles.
#[derive(Clone, Copy, Debug)]
pub struct Terms {
	pub blocks_per_hour: u32,
	pub take_rate: Perbill,
}

#[derive(Clone, Debug, Default)]
pub struct Model {
	pub leases: BTreeMap<LeaseId, ModelLease>,
	pub disputes: BTreeMap<(LeaseId, EpochIndex), Contest>,
	/// When each open dispute was raised.
	pub opened: BTreeMap<(LeaseId, EpochIndex), BlockIndex>,
	/// Each provider's reported epochs.
	pub reported: alloc::collections::BTreeSet<(u64, EpochIndex)>,
	/// What each provider was paid: claims, and rulings on disputed charges.
	pub earned: BTreeMap<u64, u128>,
}

fn charge(price_per_hour: u128, blocks: u32, terms: &Terms) -> u128 {
	price_per_hour * u128::from(blocks) / u128::from(terms.blocks_per_hour)
}

fn split(amount: u128, terms: &Terms) -> (u128, u128) {
	let take = terms.take_rate.mul_floor(amount);
	(amount - take, take)
}

impl ModelLease {
	fn service_end(&self, now: BlockIndex) -> BlockIndex {
		self.closed_at.unwrap_or(now)
	}

	pub fn is_open(&self) -> bool {
		self.closed_at.is_none()
	}

	/// Booked and not claimed yet: still on the consumer's escrow hold.
	pub fn booked(&self) -> u128 {
		self.unclaimed.0 + self.unclaimed.1 + self.contestable.iter().map(|(_, share, take, _)| share + take).sum::<u128>()
	}

	/// On its parties' lists: open, or money on the escrow hold.
	pub fn is_listed(&self) -> bool {
		self.is_open() || self.escrow + self.booked() > 0
	}

	/// Nothing can happen to it any more: the pallet forgets it.
	pub fn is_finished(&self) -> bool {
		!self.is_listed() && self.disputed == 0
	}

	/// Charges whose contest window passed become claimable.
	fn mature(&mut self, now: BlockIndex) {
		let (matured, contestable): (Vec<_>, Vec<_>) =
			self.contestable.drain(..).partition(|(_, _, _, claimable_at)| *claimable_at <= now);
		self.contestable = contestable;
		for (_, share, take, _) in matured {
			self.unclaimed.0 += share;
			self.unclaimed.1 += take;
		}
	}

	/// Blocks of `epoch` the lease ran, up to its service end.
	pub fn ran_in(&self, clock: &EpochClock, epoch: EpochIndex, now: BlockIndex) -> u32 {
		clock.blocks_within(epoch, self.opened_at, self.service_end(now))
	}

	/// The most still-settleable, unsettled epochs may yet charge: the epoch service ended in and
	/// the two before it (a late epoch's), at full price for the blocks run.
	pub fn pending_cost(&self, clock: &EpochClock, now: BlockIndex, terms: &Terms) -> u128 {
		let last = clock.epoch_of(self.service_end(now));
		[last.checked_sub(2), last.checked_sub(1), Some(last)]
			.into_iter()
			.flatten()
			.filter(|epoch| self.settled_epoch.is_none_or(|settled| *epoch > settled) && clock.settleable(*epoch, now))
			.map(|epoch| charge(self.price_per_hour, self.ran_in(clock, epoch, now), terms))
			.sum()
	}

	fn epoch_cost(&self, clock: &EpochClock, terms: &Terms) -> u128 {
		charge(self.price_per_hour, clock.length(), terms)
	}

	/// The escrow cannot cover what is still chargeable plus one more epoch.
	pub fn is_underfunded(&self, clock: &EpochClock, now: BlockIndex, terms: &Terms) -> bool {
		self.escrow < self.pending_cost(clock, now, terms) + self.epoch_cost(clock, terms)
	}

	/// Closing keeps what the still-reportable service may cost and refunds the rest.
	fn close(&mut self, clock: &EpochClock, now: BlockIndex, terms: &Terms) {
		self.closed_at = Some(now);
		let retained = self.escrow.min(self.pending_cost(clock, now, terms));
		self.refunded += self.escrow - retained;
		self.escrow = retained;
	}

	/// `epoch` may be charged: ended, unsettled, settleable, and the lease ran in it (a closed
	/// lease only from what it retained).
	pub fn chargeable(&self, clock: &EpochClock, epoch: EpochIndex, now: BlockIndex) -> bool {
		clock.has_ended(epoch, now) &&
			self.settled_epoch.is_none_or(|settled| epoch > settled) &&
			clock.settleable(epoch, now) &&
			(self.is_open() || self.escrow > 0) &&
			self.ran_in(clock, epoch, now) > 0
	}
}

impl Model {
	pub fn open(&mut self, id: LeaseId, consumer: u64, provider: u64, price_per_hour: u128, deposit: u128, now: BlockIndex) {
		let lease = ModelLease {
			consumer,
			provider,
			price_per_hour,
			opened_at: now,
			deposited: deposit,
			escrow: deposit,
			..Default::default()
		};
		self.leases.insert(id, lease);
	}

	pub fn top_up(&mut self, id: LeaseId, amount: u128) {
		let lease = self.leases.get_mut(&id).expect("topped up an open lease");
		lease.escrow += amount;
		lease.deposited += amount;
	}

	pub fn close(&mut self, id: LeaseId, clock: &EpochClock, now: BlockIndex, terms: &Terms) {
		self.leases.get_mut(&id).expect("closed a known lease").close(clock, now, terms);
	}

	/// What a report would charge in all for `uptimes` (each lease's attested blocks).
	pub fn quote(&self, clock: &EpochClock, epoch: EpochIndex, uptimes: &[(LeaseId, u32)], now: BlockIndex, terms: &Terms) -> u128 {
		uptimes
			.iter()
			.map(|(id, uptime)| {
				let lease = &self.leases[id];
				charge(lease.price_per_hour, (*uptime).min(lease.ran_in(clock, epoch, now)), terms).min(lease.escrow)
			})
			.sum()
	}

	/// `provider`'s report of `epoch` settles each lease it covers.
	pub fn report(
		&mut self,
		provider: u64,
		clock: &EpochClock,
		epoch: EpochIndex,
		uptimes: &[(LeaseId, u32)],
		now: BlockIndex,
		terms: &Terms,
	) {
		for (id, uptime) in uptimes {
			let held = self.disputes.get(&(*id, epoch)).is_some_and(|d| matches!(d, Contest::Held(_)));
			let lease = self.leases.get_mut(id).expect("reported a known lease");
			let due = charge(lease.price_per_hour, (*uptime).min(lease.ran_in(clock, epoch, now)), terms);
			let charged = due.min(lease.escrow);
			lease.escrow -= charged;
			lease.settled_epoch = Some(epoch);
			if held && charged > 0 {
				lease.disputed += charged;
				self.disputes.insert((*id, epoch), Contest::Held(Some(charged)));
			} else if !held {
				let (share, take) = split(charged, terms);
				lease.paid += share;
				lease.take += take;
				lease.mature(now);
				if charged > 0 {
					if lease.contestable.len() == CONTESTABLE_CHARGES {
						let (_, share, take, _) = lease.contestable.remove(0);
						lease.unclaimed.0 += share;
						lease.unclaimed.1 += take;
					}
					lease.contestable.push((epoch, share, take, now + clock.length()));
				}
			}
			if lease.is_open() {
				if lease.is_underfunded(clock, now, terms) {
					lease.close(clock, now, terms);
				}
			} else {
				// A closed lease keeps only what the epochs still reportable may cost.
				let excess = lease.escrow.saturating_sub(lease.pending_cost(clock, now, terms));
				lease.refunded += excess;
				lease.escrow -= excess;
			}
		}
		self.reported.insert((provider, epoch));
	}

	/// Whether the consumer may dispute `epoch` of lease `id` now: before the report while the
	/// epoch may still be reported; after it while its booked charge is contestable.
	pub fn dispute_accepted(&self, id: LeaseId, epoch: EpochIndex, clock: &EpochClock, now: BlockIndex) -> bool {
		let Some(lease) = self.leases.get(&id).filter(|l| !l.is_finished()) else { return false };
		if epoch > clock.epoch_of(now) || self.disputes.contains_key(&(id, epoch)) {
			return false;
		}
		if self.reported.contains(&(lease.provider, epoch)) {
			lease.contestable.iter().any(|(e, _, _, claimable_at)| *e == epoch && now < *claimable_at)
		} else {
			clock.settleable(epoch, now)
		}
	}

	/// Whether governance may rule on the dispute now: once its charge is held or contested, or
	/// its window closed without one.
	pub fn ruling_accepted(&self, id: LeaseId, epoch: EpochIndex, clock: &EpochClock, now: BlockIndex) -> bool {
		match self.disputes.get(&(id, epoch)) {
			Some(Contest::Held(None)) => !clock.settleable(epoch, now),
			Some(_) => true,
			None => false,
		}
	}

	/// Whether anyone may end the dispute now: one with nothing held or contested once its
	/// window closed, any other once `timeout` blocks passed since it was raised.
	pub fn release_accepted(&self, id: LeaseId, epoch: EpochIndex, clock: &EpochClock, now: BlockIndex, timeout: BlockIndex) -> bool {
		match self.disputes.get(&(id, epoch)) {
			Some(Contest::Held(None)) => !clock.settleable(epoch, now),
			Some(_) => now >= self.opened[&(id, epoch)] + timeout,
			None => false,
		}
	}

	/// The consumer disputes `epoch`: before its report, the charge will be held; after it, the
	/// booked charge's share waits on the consumer's dispute hold for the ruling and its take
	/// stays booked. Returns what a dispute after the report contests.
	pub fn dispute(&mut self, id: LeaseId, epoch: EpochIndex, now: BlockIndex) -> Option<u128> {
		self.opened.insert((id, epoch), now);
		let provider = self.leases[&id].provider;
		if !self.reported.contains(&(provider, epoch)) {
			self.disputes.insert((id, epoch), Contest::Held(None));
			return None;
		}
		let lease = self.leases.get_mut(&id).expect("disputed a known lease");
		let position = lease.contestable.iter().position(|(e, _, _, claimable_at)| *e == epoch && now < *claimable_at)?;
		let (_, share, take, _) = lease.contestable.remove(position);
		lease.unclaimed.1 += take;
		lease.paid -= share;
		lease.disputed += share;
		self.disputes.insert((id, epoch), Contest::Paid { share });
		Some(share + take)
	}

	/// What a claim for `provider` would move now: (shares, take).
	pub fn claimable(&self, provider: u64, now: BlockIndex) -> (u128, u128) {
		self.leases
			.values()
			.filter(|lease| lease.provider == provider && lease.is_listed())
			.map(|lease| {
				let mut lease = lease.clone();
				lease.mature(now);
				lease.unclaimed
			})
			.fold((0, 0), |(shares, takes), (share, take)| (shares + share, takes + take))
	}

	/// `provider` claims: every charge past its contest window is paid. Returns the shares and
	/// the take it pays.
	pub fn claim(&mut self, provider: u64, now: BlockIndex) -> (u128, u128) {
		let (mut shares, mut takes) = (0, 0);
		for lease in self.leases.values_mut().filter(|lease| lease.provider == provider && lease.is_listed()) {
			lease.mature(now);
			let (share, take) = core::mem::take(&mut lease.unclaimed);
			shares += share;
			takes += take;
		}
		*self.earned.entry(provider).or_default() += shares;
		(shares, takes)
	}

	/// A ruling (or the timeout's default, for the provider) ends a dispute.
	pub fn resolve(&mut self, id: LeaseId, epoch: EpochIndex, for_provider: bool, terms: &Terms) {
		let contest = self.disputes.remove(&(id, epoch)).expect("resolved a known dispute");
		self.opened.remove(&(id, epoch));
		let lease = self.leases.get_mut(&id).expect("disputed a known lease");
		match (contest, for_provider) {
			(Contest::Held(Some(amount)), true) => {
				let (share, take) = split(amount, terms);
				lease.disputed -= amount;
				lease.paid += share;
				lease.take += take;
				*self.earned.entry(lease.provider).or_default() += share;
			},
			(Contest::Held(Some(amount)), false) => {
				lease.disputed -= amount;
				lease.refunded += amount;
			},
			(Contest::Paid { share }, true) => {
				lease.disputed -= share;
				lease.paid += share;
				*self.earned.entry(lease.provider).or_default() += share;
			},
			(Contest::Paid { share }, false) => {
				lease.disputed -= share;
				lease.refunded += share;
			},
			(Contest::Held(None), _) => {},
		}
	}

	/// A closed lease's retained escrow goes back once no report can claim it.
	pub fn can_release_retained(&self, id: LeaseId, clock: &EpochClock, now: BlockIndex, terms: &Terms) -> bool {
		let lease = &self.leases[&id];
		!lease.is_open() && lease.escrow > 0 && lease.pending_cost(clock, now, terms) == 0
	}

	pub fn release_retained(&mut self, id: LeaseId) {
		let lease = self.leases.get_mut(&id).expect("released a known lease");
		lease.refunded += lease.escrow;
		lease.escrow = 0;
	}

	/// What `consumer` must have on hold as escrow (with booked charges) and for disputes.
	pub fn holds_of(&self, consumer: u64) -> (u128, u128) {
		self.leases
			.values()
			.filter(|lease| lease.consumer == consumer)
			.fold((0, 0), |(escrow, disputed), lease| (escrow + lease.escrow + lease.booked(), disputed + lease.disputed))
	}

	/// Every lease's deposits are accounted for.
	pub fn balanced(&self) -> bool {
		self.leases
			.values()
			.all(|l| l.deposited == l.escrow + l.paid + l.take + l.refunded + l.disputed)
	}
}

/// The differential test: random histories through the real pallets against the model, with two
/// providers.
#[cfg(test)]
mod differential {
	use super::*;
	use crate::{mock::*, pallet::*, types::*};
	use depin_primitives::{ProviderRegistry, ProviderStatus};
	use frame_support::traits::{fungible::{Inspect, InspectHold}, Get};
	use pallet_leases::ResourceRequest;
	use proptest::{prelude::*, strategy::ValueTree};

	/// One step of a history. Picks (`u8`) choose among what exists when the step runs.
	#[derive(Clone, Debug)]
	enum Step {
		Rent { consumer: u8, provider: bool, gpu: bool, cores: u32, storage_gib: u32, epochs: u32, extra: u8 },
		TopUp { lease: u8, epochs: u32 },
		Close { lease: u8 },
		ProviderClose { lease: u8 },
		/// Anyone closes a lease whose provider is suspended, or whose escrow ran low.
		CloseStale { lease: u8 },
		/// Anyone records a provider's miss of the oldest epoch it may (three in a row suspend
		/// it; its next report reinstates it).
		ReportMissed { provider: bool },
		/// A provider leaves (only with no open lease): deregisters, and once its bond has
		/// unbonded, withdraws it and its record goes.
		Deregister { provider: bool },
		Withdraw { provider: bool },
		/// Blocks go by; `full` ones had no room left for a report (a congested window stretches,
		/// and an epoch whose window closes congested is settled late).
		Advance { blocks: u32, full: bool },
		/// A provider reports the oldest epoch it may still report, covering each chargeable
		/// lease of its whose `skip` bit is clear with the uptime picked for it.
		Report { provider: bool, skip: u8, uptimes: [u8; 4] },
		Dispute { lease: u8, epochs_back: u32 },
		Resolve { dispute: u8, for_provider: bool },
		ReleaseDispute { dispute: u8 },
		ReleaseRetained { lease: u8 },
		/// Anyone claims a provider's booked charges that nobody can contest any more.
		Claim { provider: bool },
	}

	fn step() -> impl Strategy<Value = Step> {
		prop_oneof![
			3 => (0u8..4, any::<bool>(), any::<bool>(), 1u32..=4, 0u32..=3, 3u32..=9, any::<u8>()).prop_map(
				|(consumer, provider, gpu, cores, storage, epochs, extra)| Step::Rent {
					consumer,
					provider,
					gpu,
					cores,
					storage_gib: storage * 16,
					epochs,
					extra
				}
			),
			1 => (any::<u8>(), 1u32..=4).prop_map(|(lease, epochs)| Step::TopUp { lease, epochs }),
			1 => any::<u8>().prop_map(|lease| Step::Close { lease }),
			1 => any::<u8>().prop_map(|lease| Step::ProviderClose { lease }),
			2 => any::<u8>().prop_map(|lease| Step::CloseStale { lease }),
			2 => any::<bool>().prop_map(|provider| Step::ReportMissed { provider }),
			1 => any::<bool>().prop_map(|provider| Step::Deregister { provider }),
			2 => any::<bool>().prop_map(|provider| Step::Withdraw { provider }),
			5 => (1u32..=9).prop_map(|blocks| Step::Advance { blocks, full: false }),
			1 => (1u32..=6).prop_map(|blocks| Step::Advance { blocks, full: true }),
			4 => (any::<bool>(), any::<u8>(), any::<[u8; 4]>())
				.prop_map(|(provider, skip, uptimes)| Step::Report { provider, skip, uptimes }),
			2 => (any::<u8>(), 0u32..=2).prop_map(|(lease, epochs_back)| Step::Dispute { lease, epochs_back }),
			2 => (any::<u8>(), any::<bool>()).prop_map(|(dispute, for_provider)| Step::Resolve { dispute, for_provider }),
			1 => any::<u8>().prop_map(|dispute| Step::ReleaseDispute { dispute }),
			1 => any::<u8>().prop_map(|lease| Step::ReleaseRetained { lease }),
			2 => any::<bool>().prop_map(|provider| Step::Claim { provider }),
		]
	}

	const CONSUMERS: [AccountId; 4] = [CONSUMER, CONSUMER_2, STRANGER, AUDITOR];

	std::thread_local! {
		/// The settlement paths the histories took, so a test can show they reach all of them.
		static PATHS: core::cell::RefCell<std::collections::BTreeSet<&'static str>> = Default::default();
	}

	fn took(path: &'static str) {
		PATHS.with(|paths| paths.borrow_mut().insert(path));
	}

	fn terms() -> Terms {
		Terms {
			blocks_per_hour: <Test as pallet_leases::Config>::BlocksPerHour::get(),
			take_rate: <Test as pallet_leases::Config>::TakeRate::get(),
		}
	}

	fn now() -> BlockIndex {
		System::block_number() as BlockIndex
	}

	/// Ends the current block (full, or not) as the chain would, and opens the next, `blocks`
	/// times.
	fn advance(blocks: u32, full: bool) {
		use frame_support::{dispatch::DispatchClass, traits::Hooks, weights::Weight};
		for _ in 0..blocks {
			let current = System::block_number();
			frame_system::BlockWeight::<Test>::kill();
			if full {
				System::register_extra_weight_unchecked(Weight::MAX, DispatchClass::Normal);
			}
			Attestation::on_finalize(current);
			frame_system::BlockWeight::<Test>::kill();
			System::set_block_number(current + 1);
			frame_system::BlockHash::<Test>::insert(current, sp_core::H256::repeat_byte(current as u8 ^ 0x5a));
		}
	}

	/// Most reports attest a whole epoch (and so run escrows down); the rest any part of one.
	fn uptime(choice: u8, epoch_length: u32) -> u32 {
		if choice >= 100 { epoch_length } else { u32::from(choice) % (epoch_length + 1) }
	}

	/// The opened lease `choice` picks, if it is still open.
	fn pick_open(model: &Model, opened: &[LeaseId], choice: u8) -> Option<LeaseId> {
		pick(opened, choice).filter(|id| model.leases[id].is_open())
	}

	fn pick<T: Copy>(items: &[T], choice: u8) -> Option<T> {
		(!items.is_empty()).then(|| items[usize::from(choice) % items.len()])
	}

	const PROVIDERS: [AccountId; 2] = [PROVIDER, PROVIDER_2];

	/// The oldest epoch `provider` may report now and has not.
	fn reportable_epoch(provider: AccountId) -> Option<EpochIndex> {
		let (clock, now) = (clock(), now());
		let current = clock.epoch_of(now);
		(current.saturating_sub(3)..current)
			.find(|epoch| clock.is_settleable_report(*epoch, now) && !ProviderLiveness::<Test>::get(provider).has_reported(*epoch))
	}

	fn report_for(provider: AccountId, epoch: EpochIndex, covered: &[(LeaseId, u32)]) -> UsageReport<Test> {
		let now = System::block_number();
		let length = clock().length();
		let gpu = |n| GpuUsage {
			uuid_hash: gpu_id(provider, n),
			seen_blocks: length,
			util_percent: 50,
			mem_used_mib: 1,
			mem_total_mib: 2,
			energy_mj: 0,
		};
		UsageReport {
			provider,
			epoch,
			anchor_number: now - 1,
			anchor_hash: frame_system::BlockHash::<Test>::get(now - 1),
			leases: pallet_providers::testing::bounded(
				&covered
					.iter()
					.map(|(lease, uptime)| LeaseUsageReport { lease: *lease, uptime_blocks: *uptime, ..Default::default() })
					.collect::<Vec<_>>(),
			),
			devices: DeviceSummary {
				sampled_blocks: length,
				answered_blocks: length,
				// The provider's GPUs, or after it left, those its covered leases still rent.
				gpus: pallet_providers::testing::bounded(
					&[gpu(0), gpu(1)]
						.into_iter()
						.filter(|g| {
							Providers::gpu_owner(&g.uuid_hash) == Some(provider) ||
								covered.iter().any(|(id, _)| {
									pallet_leases::Leases::<Test>::get(id).is_some_and(|l| l.gpus.contains(&g.uuid_hash))
								})
						})
						.collect::<Vec<_>>(),
				),
				storage_seen_blocks: length,
				storage_total_gib: 1_024,
				storage_used_gib: 0,
			},
		}
	}

	fn submit(key: &sp_core::sr25519::Public, report: UsageReport<Test>) -> Result<(), sp_runtime::DispatchError> {
		use frame_support::traits::UnfilteredDispatchable;
		let signature = sp_io::crypto::sr25519_sign(crate::KEY_TYPE, key, &report.signing_payload()).expect("key in keystore");
		Call::<Test>::submit_report { report, signature }
			.dispatch_bypass_filter(frame_system::RawOrigin::None.into())
			.map(|_| ())
			.map_err(|e| e.error)
	}

	/// The pallets' books agree with the model's, lease by lease and consumer by consumer.
	fn assert_agrees(model: &Model) {
		assert!(model.balanced(), "the model lost a planck");
		for (id, expected) in &model.leases {
			match pallet_leases::Leases::<Test>::get(id) {
				Some(lease) => {
					let books =
						(lease.escrow, lease.paid, lease.take, lease.refunded, lease.disputed, lease.deposited, lease.booked());
					let model_books = (
						expected.escrow,
						expected.paid,
						expected.take,
						expected.refunded,
						expected.disputed,
						expected.deposited,
						expected.booked(),
					);
					assert_eq!(books, model_books, "lease {id}: (escrow, paid, take, refunded, disputed, deposited, booked)");
					assert_eq!((lease.unclaimed.share, lease.unclaimed.take), expected.unclaimed, "lease {id}: unclaimed");
					assert!(!expected.is_finished(), "lease {id} is stored though settled up");
					assert_eq!(lease.is_open(), expected.is_open(), "lease {id}: open");
					assert_eq!(lease.settled_epoch, expected.settled_epoch, "lease {id}: settled epoch");
				},
				None => assert!(expected.is_finished(), "lease {id} was forgotten with money on it: {expected:?}"),
			}
		}
		for consumer in CONSUMERS {
			let hold = |reason| Balances::balance_on_hold(&RuntimeHoldReason::Leases(reason), &consumer);
			assert_eq!(
				(hold(pallet_leases::HoldReason::LeaseEscrow), hold(pallet_leases::HoldReason::LeaseDispute)),
				model.holds_of(consumer),
				"consumer {consumer}: (escrow, dispute) holds"
			);
		}
		for provider in PROVIDERS {
			let claimable = Leases::claimable(&provider);
			assert_eq!((claimable.share, claimable.take), model.claimable(provider, now()), "provider {provider}: claimable");
			let listed = pallet_leases::ProviderLeases::<Test>::get(provider);
			for (id, lease) in model.leases.iter().filter(|(_, l)| l.provider == provider) {
				assert_eq!(listed.contains(id), lease.is_listed(), "lease {id}: listed");
			}
		}
	}

	fn run(steps: Vec<Step>) {
		run_test(|| {
			let issuance = Balances::total_issuance();
			let keys = [provider(PROVIDER), provider(PROVIDER_2)];
			let terms = terms();
			let mut model = Model::default();
			let mut opened: Vec<LeaseId> = Vec::new();
			for step in steps {
				let (clock, now) = (clock(), now());
				match step {
					Step::Rent { consumer, provider, gpu, cores, storage_gib, epochs, extra } => {
						let consumer = CONSUMERS[usize::from(consumer) % CONSUMERS.len()];
						let provider = PROVIDERS[usize::from(provider)];
						let request = ResourceRequest {
							gpus: u32::from(gpu),
							gpu_model: gpu.then(|| pallet_providers::testing::bounded(b"H100")),
							cpu_cores: cores,
							storage_gib,
							..Default::default()
						};
						let price = H100_PRICE * u128::from(gpu) + 120 * u128::from(cores) + 60 * u128::from(storage_gib);
						// Whole epochs plus a remainder that no whole epoch's charge uses up.
						let epoch_cost = charge(price, clock.length(), &terms);
						let deposit = epoch_cost * u128::from(epochs) + u128::from(extra) % epoch_cost;
						let id = pallet_leases::NextLeaseId::<Test>::get();
						if Leases::rent(RuntimeOrigin::signed(consumer), provider, request, deposit).is_ok() {
							model.open(id, consumer, provider, price, deposit, now);
							opened.push(id);
						}
					},
					Step::TopUp { lease, epochs } => {
						let Some(id) = pick(&opened, lease) else { continue };
						let Some(expected) = model.leases.get(&id).filter(|l| l.is_open()) else { continue };
						let amount = charge(expected.price_per_hour, clock.length(), &terms) * u128::from(epochs);
						let consumer = expected.consumer;
						assert!(Leases::top_up(RuntimeOrigin::signed(consumer), id, amount).is_ok());
						took("top-up");
						model.top_up(id, amount);
					},
					Step::Close { lease } => {
						let Some(id) = pick_open(&model, &opened, lease) else { continue };
						assert!(Leases::close_lease(RuntimeOrigin::signed(model.leases[&id].consumer), id).is_ok());
						took("closed by the consumer");
						model.close(id, &clock, now, &terms);
					},
					Step::ProviderClose { lease } => {
						let Some(id) = pick_open(&model, &opened, lease) else { continue };
						assert!(Leases::close_lease(RuntimeOrigin::signed(model.leases[&id].provider), id).is_ok());
						took("closed by the provider");
						model.close(id, &clock, now, &terms);
					},
					Step::CloseStale { lease } => {
						let Some(id) = pick_open(&model, &opened, lease) else { continue };
						let suspended = !matches!(
							Providers::status(&model.leases[&id].provider),
							Some(ProviderStatus::Active) | Some(ProviderStatus::Unbonding)
						);
						let underfunded = model.leases[&id].is_underfunded(&clock, now, &terms);
						let accepted = Leases::close_stale(RuntimeOrigin::signed(STRANGER), id).is_ok();
						assert_eq!(accepted, suspended || underfunded, "stale close of lease {id}");
						if accepted {
							took(if suspended { "closed: provider suspended or gone" } else { "closed: escrow ran low" });
							model.close(id, &clock, now, &terms);
						}
					},
					Step::Deregister { provider } => {
						let provider = PROVIDERS[usize::from(provider)];
						let open = model.leases.values().filter(|l| l.provider == provider && l.is_open()).count();
						let registered = Providers::status(&provider).is_some_and(|s| s != ProviderStatus::Deregistered);
						let accepted = Providers::deregister(RuntimeOrigin::signed(provider)).is_ok();
						assert_eq!(accepted, registered && open == 0, "deregistration of {provider}");
						if accepted {
							took("provider deregistered");
						}
					},
					Step::Withdraw { provider } => {
						let provider = PROVIDERS[usize::from(provider)];
						let leaving = Providers::status(&provider) == Some(ProviderStatus::Deregistered);
						if Providers::withdraw_unbonded(RuntimeOrigin::signed(provider)).is_ok() && leaving {
							assert!(Providers::status(&provider).is_none(), "a withdrawn deregistered provider goes");
							took("provider removed");
						}
					},
					Step::ReportMissed { provider } => {
						let provider = PROVIDERS[usize::from(provider)];
						let current = clock.epoch_of(now);
						let Some(epoch) = (current.saturating_sub(3)..current)
							.find(|e| !clock.settleable(*e, now) && !ProviderLiveness::<Test>::get(provider).has_reported(*e))
						else {
							continue;
						};
						// Refused unless a lease ran in the epoch and no miss is recorded yet; the
						// books of leases never change with a miss.
						if Attestation::report_missed(RuntimeOrigin::signed(STRANGER), provider, epoch).is_ok() {
							took("miss recorded");
						}
					},
					Step::Advance { blocks, full } => advance(blocks, full),
					Step::Report { provider: which, skip, uptimes } => {
						let provider = PROVIDERS[usize::from(which)];
						// A removed provider's reporting key went with its record.
						if Providers::status(&provider).is_none() {
							continue;
						}
						let Some(epoch) = reportable_epoch(provider) else { continue };
						let theirs: Vec<LeaseId> =
							opened.iter().copied().filter(|id| model.leases[id].provider == provider).collect();
						// The pallet finds chargeable exactly the leases the model does.
						for id in &theirs {
							let pallet = <Leases as depin_primitives::LeaseSettlement<_, _>>::chargeable(&provider, *id, epoch);
							assert_eq!(pallet.is_some(), model.leases[id].chargeable(&clock, epoch, now), "lease {id} chargeable for {epoch}");
						}
						let covered: Vec<(LeaseId, u32)> = theirs
							.iter()
							.filter(|id| model.leases[id].chargeable(&clock, epoch, now))
							.enumerate()
							.filter(|(n, _)| skip & (1 << n) == 0)
							.map(|(n, id)| (*id, uptime(uptimes[n % 4], clock.length())))
							.take(4)
							.collect();
						let value = model.quote(&clock, epoch, &covered, now, &terms);
						let closed_before: Vec<bool> = covered.iter().map(|(id, _)| model.leases[id].is_open()).collect();
						match submit(&keys[usize::from(which)], report_for(provider, epoch, &covered)) {
							Ok(()) => {
								took(if provider == PROVIDER { "report" } else { "report of a second provider" });
								if clock.is_late(epoch, now) {
									took("late report of an epoch whose window closed congested");
								}
								if covered.len() < theirs.iter().filter(|id| model.leases[id].chargeable(&clock, epoch, now)).count() {
									took("report skips a chargeable lease");
								}
								let held_before = model.disputes.values().filter(|d| matches!(d, Contest::Held(Some(_)))).count();
								model.report(provider, &clock, epoch, &covered, now, &terms);
								if model.disputes.values().filter(|d| matches!(d, Contest::Held(Some(_)))).count() > held_before {
									took("charge held for a dispute");
								}
								for ((id, _), was_open) in covered.iter().zip(closed_before) {
									match (was_open, model.leases[id].is_open()) {
										(true, false) => took("closed for insufficient funds"),
										(false, _) => took("closed lease charged from what it retained"),
										_ => {},
									}
								}
							},
							Err(error) => {
								// The only refusal a report of chargeable leases within bounds
								// may meet: it would settle nothing.
								assert_eq!(error, Error::<Test>::NothingToSettle.into(), "report of {epoch} {covered:?}");
								assert_eq!(value, 0);
							},
						}
					},
					Step::Dispute { lease, epochs_back } => {
						let Some(id) = pick(&opened, lease) else { continue };
						let Some(epoch) = clock.epoch_of(now).checked_sub(epochs_back) else { continue };
						let consumer = model.leases[&id].consumer;
						let expected = model.dispute_accepted(id, epoch, &clock, now);
						let accepted = Attestation::dispute(RuntimeOrigin::signed(consumer), id, epoch).is_ok();
						assert_eq!(accepted, expected, "dispute of lease {id}'s epoch {epoch}");
						if accepted {
							let dispute = Disputes::<Test>::get(id, epoch).expect("dispute recorded");
							took(if dispute.paid.is_some() { "dispute after the report" } else { "dispute before the report" });
							assert_eq!(model.dispute(id, epoch, now), dispute.paid, "contested charge");
						}
					},
					Step::Resolve { dispute, for_provider } => {
						let open: Vec<_> = model.disputes.keys().copied().collect();
						let Some((id, epoch)) = pick(&open, dispute) else { continue };
						let verdict = if for_provider { Verdict::Provider } else { Verdict::Consumer };
						let expected = model.ruling_accepted(id, epoch, &clock, now);
						let accepted = Attestation::resolve_dispute(RuntimeOrigin::root(), id, epoch, verdict).is_ok();
						assert_eq!(accepted, expected, "ruling on lease {id}'s epoch {epoch}");
						if accepted {
							took(match (model.disputes[&(id, epoch)], for_provider) {
								(Contest::Held(Some(_)), true) => "held charge paid by a ruling",
								(Contest::Held(Some(_)), false) => "held charge refunded by a ruling",
								(Contest::Paid { .. }, true) => "paid charge upheld",
								(Contest::Paid { .. }, false) => "paid charge refunded",
								(Contest::Held(None), _) => "dispute of an uncharged epoch ruled",
							});
							model.resolve(id, epoch, for_provider, &terms);
						}
					},
					Step::ReleaseDispute { dispute } => {
						let open: Vec<_> = model.disputes.keys().copied().collect();
						let Some((id, epoch)) = pick(&open, dispute) else { continue };
						let timeout: u64 = <<Test as crate::Config>::DisputeTimeout as Get<u64>>::get();
						let timeout = timeout as BlockIndex;
						let expected = model.release_accepted(id, epoch, &clock, now, timeout);
						let accepted = Attestation::release_dispute(RuntimeOrigin::signed(STRANGER), id, epoch).is_ok();
						assert_eq!(accepted, expected, "release of lease {id}'s epoch {epoch}");
						if accepted {
							took("dispute released");
							model.resolve(id, epoch, true, &terms);
						}
					},
					Step::Claim { provider } => {
						let provider = PROVIDERS[usize::from(provider)];
						let mut after = model.clone();
						let (shares, takes) = after.claim(provider, now);
						let before = Balances::total_balance(&provider);
						let accepted = Leases::claim_earnings(RuntimeOrigin::signed(STRANGER), provider).is_ok();
						assert_eq!(accepted, shares + takes > 0, "claim of {provider}");
						if accepted {
							took("claim");
							assert_eq!(Balances::total_balance(&provider), before + shares, "provider {provider} paid its shares");
							model = after;
						}
					},
					Step::ReleaseRetained { lease } => {
						let Some(id) = pick(&opened, lease) else { continue };
						let accepted = Leases::release_retained(RuntimeOrigin::signed(STRANGER), id).is_ok();
						assert_eq!(accepted, model.can_release_retained(id, &clock, now, &terms), "release of lease {id}");
						if accepted {
							took("retained escrow released");
							model.release_retained(id);
						}
					},
				}
				assert_agrees(&model);
				// Every pallet's invariants, after every step, not only at the end.
				check_invariants(issuance);
			}
		});
	}

	/// The histories are not vacuous: a fixed sample of them takes every path of settlement.
	#[test]
	fn the_histories_reach_every_settlement_path() {
		let mut runner = proptest::test_runner::TestRunner::deterministic();
		let histories = proptest::collection::vec(step(), 60..120);
		for _ in 0..300 {
			run(histories.new_tree(&mut runner).expect("a history").current());
		}
		let reached = PATHS.with(|paths| paths.borrow().clone());
		let all = [
			"report",
			"report of a second provider",
			"late report of an epoch whose window closed congested",
			"report skips a chargeable lease",
			"charge held for a dispute",
			"closed for insufficient funds",
			"closed lease charged from what it retained",
			"held charge paid by a ruling",
			"held charge refunded by a ruling",
			"paid charge upheld",
			"paid charge refunded",
			"dispute before the report",
			"dispute after the report",
			"dispute released",
			"retained escrow released",
			"top-up",
			"provider deregistered",
			"provider removed",
			"closed by the consumer",
			"closed by the provider",
			"closed: escrow ran low",
			"closed: provider suspended or gone",
			"miss recorded",
			"claim",
		];
		let missed: Vec<_> = all.iter().filter(|path| !reached.contains(*path)).collect();
		assert!(missed.is_empty(), "no history took {missed:?}");
	}

	proptest! {
		// No regression files written into the source tree: a failure prints its minimal history.
		#![proptest_config(ProptestConfig { cases: 192, failure_persistence: None, ..ProptestConfig::default() })]

		/// Every planck of every lease ends where the model puts it, step after step.
		#[test]
		fn settlement_matches_the_reference_model(steps in proptest::collection::vec(step(), 1..120)) {
			run(steps);
		}
	}
}
