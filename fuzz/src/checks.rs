//! What must hold after every block, whatever the calls before it (an empty block inside a run of
//! skipped blocks gets 1, 2 and 4; 3 waits for the run's last block: see [`Depth`]):
//!
//! 1. Total issuance equals the sum of every account's free and reserved (held) balance.
//! 2. Total issuance equals genesis issuance + minted − burned, as the economics ledger records.
//! 3. Every pallet's `try_state`: ours always; with the `try-runtime` feature (the long run) also
//!    every FRAME pallet's.
//! 4. No token thief: the fuzz accounts that never served attested work (no report of theirs
//!    accepted) and never received funds from one that did, hold together no more than they
//!    started with, less what the accounts that left the group held when they left. Checked
//!    over the group, not per account: a transfer between two of them makes one richer and is
//!    no theft.
//!
//! Block weight within limits and each call's actual weight within its declared weight are
//! checked where blocks end and calls apply (chain.rs). Panics are failures by themselves.

use std::collections::{BTreeMap, BTreeSet};

use depin_runtime::{AccountId, Balance, Balances, Runtime, RuntimeEvent, System};
use frame_support::traits::fungible::Inspect;

use crate::{
	chain::{accounts, ACCOUNTS},
	input::ENDOWMENT,
	Break,
};

/// Who has served attested work, who received funds from such an account, and what the rest —
/// the group that earned nothing — may hold together.
pub struct Earners {
	pub workers: BTreeSet<AccountId>,
	pub paid_by_workers: BTreeSet<AccountId>,
	/// Accounts that claimed emission (for the seeds' test: the programs reach claims).
	pub claimed: BTreeSet<AccountId>,
	/// The most the group may hold: their endowments, less what each account that left the
	/// group held when it left. (Subtracting its endowment instead would count as theft what it
	/// gave the group before it worked: the fuzzer's first find was that false alarm.)
	bound: Balance,
	/// The group: each of its accounts' balance where events were last read.
	held_before: BTreeMap<AccountId, Balance>,
	/// Events of the current block already read.
	events_read: usize,
	block: u32,
}

impl Default for Earners {
	fn default() -> Self {
		Self {
			workers: BTreeSet::new(),
			paid_by_workers: BTreeSet::new(),
			claimed: BTreeSet::new(),
			bound: ENDOWMENT * Balance::from(ACCOUNTS),
			held_before: accounts().map(|who| (who, ENDOWMENT)).collect(),
			events_read: 0,
			block: 0,
		}
	}
}

impl Earners {
	/// Reads the events since the last call (after every extrinsic and at the end of every
	/// block): an accepted report makes its provider a worker; a transfer out of a worker's (or
	/// an already paid account's) balance marks its recipient. An account leaving the group takes
	/// out of the bound what it held before those events.
	pub fn observe(&mut self) {
		let block = System::block_number();
		if block != self.block {
			// `initialize_block` cleared the events.
			self.block = block;
			self.events_read = 0;
		}
		let mut read = 0;
		for record in System::read_events_no_consensus().skip(self.events_read) {
			read += 1;
			if crate::chain::trace()
				&& !matches!(record.event, RuntimeEvent::System(_) | RuntimeEvent::TransactionPayment(_))
			{
				eprintln!("  event {:?}", record.event);
			}
			let leaving = match record.event {
				RuntimeEvent::Attestation(pallet_attestation::Event::ReportAccepted { provider, .. }) => {
					self.workers.insert(provider.clone());
					Some(provider)
				},
				RuntimeEvent::Economics(pallet_economics::Event::RewardsClaimed { provider, .. }) => {
					self.claimed.insert(provider);
					None
				},
				RuntimeEvent::Balances(
					pallet_balances::Event::Transfer { from: source, to: dest, .. }
					| pallet_balances::Event::TransferOnHold { source, dest, .. }
					| pallet_balances::Event::TransferAndHold { source, dest, .. },
				) if self.earned(&source) => {
					self.paid_by_workers.insert(dest.clone());
					Some(dest)
				},
				_ => None,
			};
			if let Some(held) = leaving.and_then(|who| self.held_before.remove(&who)) {
				self.bound = self.bound.saturating_sub(held);
			}
		}
		self.events_read += read;
		for (who, held) in self.held_before.iter_mut() {
			*held = Balances::total_balance(who);
		}
	}

	fn earned(&self, who: &AccountId) -> bool {
		self.workers.contains(who) || self.paid_by_workers.contains(who)
	}
}

/// How much of the checks a block gets.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Depth {
	/// An empty block inside a run of skipped blocks (only the timestamp and the hooks ran): the
	/// money checks (issuance, the ledger, no thief), not the pallets' `try_state`, which the
	/// run's last block gets, at most 24 blocks later. What a hook breaks and leaves broken is
	/// caught there; the pallets' invariants were 40% of the long run's time when every empty
	/// block paid for them (docs/reliability.md).
	Money,
	/// Every check of ours, and FRAME's own `try_state` (long run only) if `frame`: at least
	/// `FRAME_TRY_STATE_EVERY` blocks after it last ran.
	Block { frame: bool },
	/// Everything: a program's last block.
	Full,
}

/// FRAME's pallets' own `try_state` (balances, session, collective, …: the long run's
/// `try-runtime` feature) runs at the first fully checked block at least this many blocks after
/// its last run, and at each program's end; ours run at every fully checked block. A FRAME
/// invariant broken and mended again within those blocks goes unseen; one left broken is caught
/// a few blocks later (docs/reliability.md has the profile that chose the trade).
/// `DEPIN_FUZZ_FRAME_TRY_STATE_EVERY` overrides it (1: every fully checked block).
pub const FRAME_TRY_STATE_EVERY: u32 = 10;

pub fn frame_try_state_every() -> u32 {
	static EVERY: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
	*EVERY.get_or_init(|| {
		std::env::var("DEPIN_FUZZ_FRAME_TRY_STATE_EVERY")
			.ok()
			.and_then(|every| every.parse().ok())
			.filter(|every| *every > 0)
			.unwrap_or(FRAME_TRY_STATE_EVERY)
	})
}

pub fn after_block(number: u32, earners: &Earners, depth: Depth) -> Result<(), Break> {
	let issuance = Balances::total_issuance();
	let held_and_free: Balance = frame_system::Account::<Runtime>::iter_values()
		.map(|info| info.data.free.saturating_add(info.data.reserved))
		.fold(0, Balance::saturating_add);
	if issuance != held_and_free {
		return Err(Break(format!("block {number}: total issuance {issuance} ≠ sum of accounts {held_and_free}")));
	}
	let ledger = pallet_economics::GenesisIssuance::<Runtime>::get()
		.saturating_add(pallet_economics::TotalMinted::<Runtime>::get())
		.saturating_sub(pallet_economics::TotalBurned::<Runtime>::get());
	if issuance != ledger {
		return Err(Break(format!("block {number}: total issuance {issuance} ≠ genesis + minted − burned {ledger}")));
	}
	match depth {
		Depth::Money => {},
		Depth::Block { frame } => try_state(number, frame)?,
		Depth::Full => try_state(number, true)?,
	}
	// The accounts still in the group are those `held_before` tracks.
	let now: Balance = earners.held_before.keys().map(Balances::total_balance).fold(0, Balance::saturating_add);
	if now > earners.bound {
		return Err(Break(format!(
			"block {number}: accounts that served no attested work hold {now}, more than the {} they may",
			earners.bound
		)));
	}
	Ok(())
}

#[cfg_attr(not(feature = "try-runtime"), allow(unused_variables))]
fn try_state(number: u32, frame: bool) -> Result<(), Break> {
	let checks: [(&str, fn() -> Result<(), sp_runtime::TryRuntimeError>); 5] = [
		("providers", pallet_providers::Pallet::<Runtime>::do_try_state),
		("leases", pallet_leases::Pallet::<Runtime>::do_try_state),
		("attestation", pallet_attestation::Pallet::<Runtime>::do_try_state),
		("economics", pallet_economics::Pallet::<Runtime>::do_try_state),
		("validator-manager", pallet_validator_manager::Pallet::<Runtime>::do_try_state),
	];
	for (pallet, check) in checks {
		check().map_err(|e| Break(format!("block {number}: {pallet} try_state: {e:?}")))?;
	}
	#[cfg(feature = "try-runtime")]
	if frame {
		use frame_support::traits::{TryState, TryStateSelect};
		<depin_runtime::AllPalletsWithSystem as TryState<u32>>::try_state(number, TryStateSelect::All)
			.map_err(|e| Break(format!("block {number}: FRAME try_state: {e:?}")))?;
	}
	Ok(())
}
