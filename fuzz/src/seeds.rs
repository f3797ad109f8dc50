//! Hand-written programs that walk the market's main paths, so the fuzzer starts from inputs
//! that reach deep state (a provider with GPUs and a reporting key, a paid lease, accepted
//! reports, claims, orders and bids, disputes, audits, misses) instead of discovering each
//! precondition byte by byte. They are part of the checked-in corpus (`depin-fuzz-seeds`
//! writes them) and run in every short run.

use crate::{input::Program, op};

/// Call kinds of `calls::compose`.
mod kind {
	pub const REGISTER: u8 = 0;
	pub const ADD_GPUS: u8 = 6;
	pub const SET_CAPACITY: u8 = 8;
	pub const SET_PRICES: u8 = 9;
	pub const SET_REPORTING_KEY: u8 = 10;
	pub const ADD_AUDITOR: u8 = 11;
	pub const AUDIT_HARDWARE: u8 = 16;
	pub const CREATE_ORDER: u8 = 19;
	pub const BID: u8 = 22;
	pub const ACCEPT_BID: u8 = 24;
	pub const RENT: u8 = 25;
	pub const TOP_UP: u8 = 27;
	pub const CLOSE_LEASE: u8 = 28;
	pub const REPORT_MISSED: u8 = 32;
	pub const DISPUTE: u8 = 33;
	pub const RESOLVE_DISPUTE: u8 = 34;
	pub const CLAIM_REWARDS: u8 = 36;
	pub const SWEEP_EXPIRED: u8 = 38;
	pub const VALIDATOR_BOND: u8 = 40;
	pub const TRANSFER: u8 = 44;
}

impl Program {
	/// A signed call from `who`, current nonce, no tip.
	fn signed(self, who: u8, kind: u8) -> Self {
		self.u8(op::SIGNED).u8(who).u8(2).u8(1).u8(kind)
	}

	fn root(self, kind: u8) -> Self {
		self.u8(op::ROOT).u8(kind)
	}

	fn skip(self, blocks: u8) -> Self {
		self.u8(op::SKIP_BLOCKS).u8(blocks - 1)
	}

	/// `who` registers with 100 DPN, lists GPU `gpu` (an H100), 100 GiB, 2 DPN per GPU-hour,
	/// and names its reporting key.
	fn provider(self, who: u8, gpu: u8) -> Self {
		self.signed(who, kind::REGISTER)
			.u8(4)
			.u16(0)
			.u16(0)
			.signed(who, kind::ADD_GPUS)
			.u8(1)
			.u8(gpu)
			.u8(0)
			.u8(1)
			.signed(who, kind::SET_CAPACITY)
			.u8(0)
			.u16(100)
			.u8(8)
			.signed(who, kind::SET_PRICES)
			.u8(1)
			.u8(0)
			.dpn(2)
			.u8(10)
			.u16(1)
			.u8(0)
			.signed(who, kind::SET_REPORTING_KEY)
			.u8(1)
			.u8(1)
	}

	/// `consumer` rents one GPU and `storage` GiB from `provider` with a 1,000 DPN deposit.
	fn rent(self, consumer: u8, provider: u8, storage: u8) -> Self {
		self.signed(consumer, kind::RENT).u8(provider).u8(1).u8(0).u8(0).u8(1).u8(storage).u8(0).dpn(1_000)
	}

	/// `provider`'s node reports the last ended epoch, honestly, GPUs of `gpu_mask` at 60%.
	fn report(self, provider: u8, flags: u8, gpu_mask: u8) -> Self {
		use crate::reports::flags::{EXTRA_LEASE, SHORT_SAMPLES};
		let program = self.u8(op::REPORT).u8(provider).u8(2).u8(flags).u8(60).u8(gpu_mask).u16(0).u8(0);
		// The bytes those flags read: the extra lease's id, the blocks seen.
		let program = if flags & EXTRA_LEASE != 0 { program.u8(0) } else { program };
		if flags & SHORT_SAMPLES != 0 {
			program.u8(3)
		} else {
			program
		}
	}

	/// `who` claims `epochs` (each given exactly: selector 7 and the number).
	fn claim(self, who: u8, epochs: &[u32]) -> Self {
		epochs.iter().fold(self.signed(who, kind::CLAIM_REWARDS).u8(epochs.len() as u8), |p, e| p.u8(7).u32(*e))
	}
}

/// The seed programs, named.
pub fn all() -> Vec<(&'static str, Vec<u8>)> {
	vec![
		("lease-report-claim", lease_report_claim()),
		("order-bid-dispute", order_bid_dispute()),
		("audit-miss-sweep", audit_miss_sweep()),
		("forged-reports-and-replays", forged_reports_and_replays()),
	]
}

/// A provider, a consumer renting from it for several epochs, honest reports every epoch, a
/// top-up, claims, the lease closed.
fn lease_report_claim() -> Vec<u8> {
	let mut program = Program::default().provider(0, 0).rent(1, 0, 10).skip(10);
	for _ in 0..3 {
		program = program.report(0, 0, 0b1).u8(op::NEXT_BLOCK).skip(10);
	}
	program
		.signed(1, kind::TOP_UP)
		.u8(0)
		.dpn(50)
		.signed(1, kind::TOP_UP)
		.u8(1)
		.dpn(50)
		.skip(25)
		.claim(0, &[1, 2])
		.signed(1, kind::CLOSE_LEASE)
		.u8(0)
		.signed(1, kind::CLOSE_LEASE)
		.u8(1)
		.skip(25)
		.claim(0, &[0])
		.bytes
}

/// A consumer's order, two providers' bids, one accepted; reports; the consumer disputes an
/// epoch and governance rules for the consumer.
fn order_bid_dispute() -> Vec<u8> {
	Program::default()
		.provider(2, 1)
		.provider(3, 2)
		.signed(4, kind::CREATE_ORDER)
		// One GPU, no model, no memory floor, no storage, no cores; no region, no auditor.
		.u8(1)
		.u8(0)
		.u8(0)
		.u8(0)
		.u8(0)
		.u8(0)
		.u8(0)
		.dpn(5)
		.dpn(1_000)
		.signed(2, kind::BID)
		.u8(0)
		.dpn(3)
		.signed(3, kind::BID)
		.u8(0)
		.dpn(2)
		.signed(2, kind::BID)
		.u8(1)
		.dpn(2)
		.u8(op::NEXT_BLOCK)
		.signed(4, kind::ACCEPT_BID)
		.u8(0)
		.u8(3)
		.signed(4, kind::ACCEPT_BID)
		.u8(1)
		.u8(3)
		.skip(10)
		.report(3, 0, 0b100)
		.report(2, 0, 0b10)
		.signed(4, kind::DISPUTE)
		.u8(0)
		.u8(2)
		.signed(4, kind::DISPUTE)
		.u8(1)
		.u8(2)
		.root(kind::RESOLVE_DISPUTE)
		.u8(0)
		.u8(2)
		.u8(0)
		.root(kind::RESOLVE_DISPUTE)
		.u8(1)
		.u8(2)
		.u8(1)
		.skip(25)
		.claim(3, &[0])
		.bytes
}

/// Governance appoints an auditor who bonds and audits a provider; a second provider never
/// reports and a watcher records its misses; a validator bonds; expired rewards are swept.
fn audit_miss_sweep() -> Vec<u8> {
	Program::default()
		.signed(5, kind::TRANSFER)
		.u8(6)
		.dpn(5_000)
		.root(kind::ADD_AUDITOR)
		.u8(5)
		.provider(0, 3)
		.provider(1, 4)
		.signed(5, kind::AUDIT_HARDWARE)
		.u8(0)
		.u8(1)
		.u8(3)
		.u16(100)
		.rent(6, 0, 0)
		.rent(7, 1, 0)
		.signed(7, kind::VALIDATOR_BOND)
		.dpn(10_000)
		.skip(10)
		.report(0, 0, 0b1000)
		.skip(7)
		.signed(6, kind::REPORT_MISSED)
		.u8(1)
		.u8(2)
		.signed(6, kind::REPORT_MISSED)
		.u8(1)
		.u8(3)
		.skip(25)
		.skip(25)
		.skip(25)
		.signed(6, kind::SWEEP_EXPIRED)
		.u8(7)
		.u32(1)
		.claim(0, &[0])
		.bytes
}

/// Reports an attacker would try — another key's signature, a corrupted one, a forged anchor,
/// inflated uptime, someone else's lease, GPUs it does not own — a replayed transfer and garbage
/// extrinsics.
fn forged_reports_and_replays() -> Vec<u8> {
	use crate::reports::flags::*;
	let mut program = Program::default().provider(0, 0).provider(2, 5).rent(1, 0, 0).rent(3, 2, 5).skip(10);
	for flags in [OTHER_KEY, CORRUPT_SIGNATURE, FORGED_ANCHOR, INFLATED_UPTIME, EXTRA_LEASE, SHORT_SAMPLES] {
		program = program.report(0, flags, 0xff);
	}
	program = program.report(2, 0, 0b100000).report(2, 0, 0b100000);
	program = program.signed(1, kind::TRANSFER).u8(2).dpn(1).u8(op::REPLAY).u8(op::NEXT_BLOCK).u8(op::REPLAY);
	program = program.u8(op::RAW_EXTRINSIC).u16(8).u32(0xdead_beef).u32(0x0bad_f00d);
	program.u8(op::RAW_CALL).u8(3).u16(3).u8(4).u8(3).u8(0).skip(25).claim(2, &[0]).bytes
}
