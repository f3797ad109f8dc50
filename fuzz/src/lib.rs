//! Coverage-guided fuzzing of the whole runtime, after SR Labs' substrate-runtime-fuzzer: the
//! input is a program of steps — signed calls of every pallet from funded fuzz accounts (as
//! providers, consumers, auditors, validators), calls decoded from raw bytes, signed usage
//! reports built from the input, root calls as governance would enact them, garbage and
//! replayed extrinsics, blocks and epochs passing — run on the real runtime through
//! `frame_executive` and every transaction extension. After every block the invariants of
//! checks.rs must hold; a panic anywhere is a failure too.
//!
//! `run` is the whole harness. The short run (tests/short_run.rs, in `cargo test`) executes the
//! checked-in corpus and mutations of it; the long run is libFuzzer (fuzz/libfuzzer,
//! `scripts/fuzz.sh`).

pub mod calls;
pub mod chain;
pub mod checks;
pub mod input;
pub mod reports;
pub mod seeds;

use std::sync::OnceLock;

use codec::DecodeLimit;
use depin_runtime::{RuntimeCall, RuntimeOrigin, UncheckedExtrinsic};
use frame_support::{
	dispatch::GetDispatchInfo,
	storage::{with_transaction, TransactionOutcome},
};
use sp_runtime::{traits::Dispatchable, DispatchError};

use chain::{Applied, Chain, ACCOUNTS};
use checks::Earners;
use input::Input;

/// An invariant the run broke, described.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break(pub String);

/// Steps of a program. The first byte of a step picks one (modulo their number).
pub mod op {
	/// `who`, nonce shift, then a composed call (calls.rs), signed and applied.
	pub const SIGNED: u8 = 0;
	/// `who`, then SCALE bytes decoded as any call of any pallet, signed and applied.
	pub const RAW_CALL: u8 = 1;
	/// A usage report (reports.rs), as the bare extrinsic a node submits.
	pub const REPORT: u8 = 2;
	/// A composed call dispatched as root, as a council motion or sudo would.
	pub const ROOT: u8 = 3;
	/// End the block.
	pub const NEXT_BLOCK: u8 = 4;
	/// End the block and run 1..=25 empty ones (an epoch is 10).
	pub const SKIP_BLOCKS: u8 = 5;
	/// Raw bytes decoded as an extrinsic, applied (garbage must be refused, never crash).
	pub const RAW_EXTRINSIC: u8 = 6;
	/// The last included signed extrinsic again.
	pub const REPLAY: u8 = 7;
	pub const COUNT: u8 = 8;
}

/// Bounds one execution: at most this many steps and blocks.
const MAX_STEPS: usize = 256;
const MAX_BLOCKS: u32 = 400;

/// What one execution did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
	pub blocks: u32,
	pub included_ok: u32,
	pub included_failed: u32,
	pub refused: u32,
	/// Accounts whose usage reports were accepted.
	pub workers: u32,
	/// Accounts that claimed emission.
	pub claimed: u32,
}

/// Runs the program `data` from genesis. `Err` names the invariant broken.
pub fn run(data: &[u8]) -> Result<Stats, Break> {
	run_with_last_block(data, || {})
}

/// `run`, with `last_block` called inside the last block before it ends: the checks' own tests
/// use it to make the changes a defect would, and see them caught.
pub fn run_with_last_block(data: &[u8], last_block: impl FnOnce()) -> Result<Stats, Break> {
	let mut ext = from_genesis();
	let mut r = Input::new(data);
	let mut run = ext.execute_with(Run::start)?;
	let mut steps = 0;
	while !r.is_empty() && steps < MAX_STEPS && run.chain.number < MAX_BLOCKS {
		steps += 1;
		match ext.execute_with(|| run.step(&mut r))? {
			Flow::Continue => {},
			Flow::BlockEnded => commit(&mut ext)?,
			Flow::Skip(blocks) => {
				for skipped in 0..blocks {
					ext.execute_with(|| {
						// The block under way may hold extrinsics; the skipped ones after it are
						// empty, checked fully once the last of them ends.
						if skipped == 0 {
							run.finish_block()?;
						} else {
							run.finish_block_checking(checks::Depth::Money)?;
						}
						run.chain.start_block()
					})?;
					commit(&mut ext)?;
				}
			},
		}
	}
	ext.execute_with(|| {
		run.chain.ensure_block()?;
		last_block();
		run.finish_last_block()
	})?;
	Ok(run.stats())
}

/// Fresh externalities of the genesis state, from a snapshot of its trie (built once).
fn from_genesis() -> sp_io::TestExternalities {
	type Snapshot = (Vec<(Vec<u8>, (Vec<u8>, i32))>, sp_core::H256);
	static SNAPSHOT: OnceLock<Snapshot> = OnceLock::new();
	let (raw, root) =
		SNAPSHOT.get_or_init(|| sp_io::TestExternalities::new(chain::genesis().clone()).into_raw_snapshot());
	sp_io::TestExternalities::from_raw_snapshot(raw.clone(), *root, sp_runtime::StateVersion::V1)
}

/// Moves a finished block's changes into the backend: each block's storage root then covers
/// only its own changes, as on a real node, instead of everything since genesis.
fn commit(ext: &mut sp_io::TestExternalities) -> Result<(), Break> {
	ext.commit_all().map_err(|e| Break(format!("committing a block's changes: {e}")))
}

enum Flow {
	Continue,
	BlockEnded,
	Skip(u8),
}

struct Run {
	chain: Chain,
	earners: Earners,
	stats: Stats,
	/// The block FRAME's `try_state` last ran after.
	frame_checked_at: u32,
}

impl Run {
	fn start() -> Result<Self, Break> {
		let mut chain = Chain::new();
		chain.start_block()?;
		Ok(Self { chain, earners: Earners::default(), stats: Stats::default(), frame_checked_at: 0 })
	}

	fn stats(&self) -> Stats {
		Stats { workers: self.earners.workers.len() as u32, claimed: self.earners.claimed.len() as u32, ..self.stats }
	}

	fn step(&mut self, r: &mut Input) -> Result<Flow, Break> {
		let chain = &mut self.chain;
		let applied = match r.u8() % op::COUNT {
			op::SIGNED => {
				let who = r.u8() % ACCOUNTS;
				let nonce_shift = match r.u8() % 16 {
					0 => -1,
					1 => 1,
					_ => 0,
				};
				let tip = if r.u8() % 8 == 0 { r.amount() } else { 0 };
				chain.ensure_block()?;
				let call = calls::compose(r, who, 1);
				let xt = chain.signed(who, call, nonce_shift, tip);
				chain.apply(xt)?
			},
			op::RAW_CALL => {
				let who = r.u8() % ACCOUNTS;
				let bytes = r.bytes(1024);
				let Ok(call) = RuntimeCall::decode_all_with_depth_limit(8, &mut &bytes[..]) else {
					return Ok(Flow::Continue);
				};
				chain.ensure_block()?;
				let xt = chain.signed(who, call, 0, 0);
				chain.apply(xt)?
			},
			op::REPORT => {
				chain.ensure_block()?;
				let xt = reports::report(r);
				chain.apply(xt)?
			},
			op::ROOT => {
				chain.ensure_block()?;
				let call = calls::compose(r, 0, 1);
				dispatch_as_root(call)?
			},
			op::NEXT_BLOCK => {
				self.finish_block()?;
				return Ok(Flow::BlockEnded);
			},
			op::SKIP_BLOCKS => return Ok(Flow::Skip(r.u8() % 25 + 1)),
			op::RAW_EXTRINSIC => {
				let bytes = r.bytes(4096);
				let Ok(xt) = UncheckedExtrinsic::decode_all_with_depth_limit(8, &mut &bytes[..]) else {
					return Ok(Flow::Continue);
				};
				chain.apply(xt)?
			},
			_ => {
				let Some(xt) = chain.last_included.clone() else {
					return Ok(Flow::Continue);
				};
				let applied = chain.apply(xt)?;
				if applied != Applied::Invalid {
					return Err(Break("a replayed signed extrinsic was included again".into()));
				}
				applied
			},
		};
		self.earners.observe();
		match applied {
			Applied::Ok => self.stats.included_ok += 1,
			Applied::Failed => self.stats.included_failed += 1,
			Applied::Invalid => self.stats.refused += 1,
			// A full block: the builder seals it and goes on in the next one.
			Applied::Exhausted => {
				self.finish_block()?;
				return Ok(Flow::BlockEnded);
			},
		}
		Ok(Flow::Continue)
	}

	fn finish_block(&mut self) -> Result<(), Break> {
		let frame = self.chain.number >= self.frame_checked_at.saturating_add(checks::frame_try_state_every());
		self.finish_block_checking(checks::Depth::Block { frame })
	}

	/// The program's last block: every check, FRAME's own `try_state` included.
	fn finish_last_block(&mut self) -> Result<(), Break> {
		self.finish_block_checking(checks::Depth::Full)
	}

	fn finish_block_checking(&mut self, depth: checks::Depth) -> Result<(), Break> {
		if !self.chain.in_block {
			return Ok(());
		}
		self.chain.end_block()?;
		self.stats.blocks += 1;
		self.earners.observe();
		if matches!(depth, checks::Depth::Block { frame: true } | checks::Depth::Full) {
			self.frame_checked_at = self.chain.number;
		}
		checks::after_block(self.chain.number, &self.earners, depth)
	}
}

/// Governance's path: a root dispatch (no fee, no extensions), transactional like every call.
fn dispatch_as_root(call: RuntimeCall) -> Result<Applied, Break> {
	let info = call.get_dispatch_info();
	let name = chain::call_name(&call);
	let traced = chain::trace().then(|| format!("{call:?}"));
	let result = with_transaction(|| {
		let result = call.dispatch(RuntimeOrigin::root());
		let outcome = if result.is_ok() { TransactionOutcome::Commit } else { TransactionOutcome::Rollback };
		outcome(Ok::<_, DispatchError>(result))
	})
	.map_err(|e| Break(format!("storage transaction: {e:?}")))?;
	if chain::trace() {
		eprintln!("root {:?}: {}", result.map(|_| ()), traced.unwrap_or_default());
	}
	let post = match &result {
		Ok(post) => *post,
		Err(e) => e.post_info,
	};
	if let Some(actual) = post.actual_weight {
		if !actual.all_lte(info.call_weight) {
			return Err(Break(format!("{name}: actual weight {actual:?} exceeds the declared {:?}", info.call_weight)));
		}
	}
	Ok(if result.is_ok() { Applied::Ok } else { Applied::Failed })
}
