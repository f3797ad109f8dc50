//! The epoch clock: the one rule for which epoch a block is in, when an epoch's report window
//! opens and closes, and when the epoch is closed for emission.
//!
//! Settlement (leases), attestation and economics must agree on it to the block: a report that
//! attestation accepts is settled by the leases pallet in the same extrinsic and recorded by
//! economics before that epoch's emission is fixed. They all ask an [`EpochClock`].
//!
//! ```text
//!  epoch e                                   epoch e + 1
//!  first_block(e) ... last_block(e) │ report_window_opens(e) ... │ report_window_closes(e)
//!                                   │<── grace (+ extension) ──>│ (emission of e fixed here)
//! ```
//!
//! A window can be **extended**: the attestation pallet adds one block for every block of the
//! window that had no room left for a report, up to a cap, so reports crowded out of full blocks
//! still land. A clock carries the extension of at most one epoch — the one whose window is
//! open — since windows never overlap (grace + extension < length).
//!
//! An epoch whose window closed **congested** (nearly every block of it full) may still be
//! *settled* late, until the next epoch's window closes: a provider crowded out of the window
//! is paid for its service once there is room. Economics closes an epoch (fixes its emission)
//! only once it can no longer be settled, so a late epoch closes when its late window does and the
//! next epoch's close waits for it (`settleable`, `settlement_closes`). A clock
//! carries at most one such epoch: the late window of epoch `e` ends when `e + 1`'s window
//! closes, the block from which `e + 1` itself may be late.

use core::num::NonZeroU32;

/// Epochs count from genesis: epoch `e` spans blocks `[e × length, (e + 1) × length)`.
pub type EpochIndex = u32;

/// Block numbers as the clock counts them. The runtime's block number is a `u32`; a block past
/// `u32::MAX` (800 years of 6-second blocks) saturates.
pub type BlockIndex = u32;

/// Epoch length and report grace. Built only through [`EpochClock::new`], so the length is never
/// zero and the grace always ends before the next epoch does.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct EpochClock {
	length: NonZeroU32,
	grace: u32,
	/// An epoch whose window is extended, and by how many blocks.
	extension: Option<(EpochIndex, u32)>,
	/// An epoch whose window closed congested: it may be settled until `late + 1`'s window
	/// closes.
	late: Option<EpochIndex>,
}

impl EpochClock {
	/// A clock of epochs of `length` blocks, each reportable until `grace` blocks after its end.
	///
	/// The grace is capped at `length − 1`: the window of an epoch closes before the next epoch
	/// ends, so at most one finished epoch awaits settlement at any block.
	pub const fn new(length: NonZeroU32, grace: u32) -> Self {
		let most = length.get() - 1;
		Self { length, grace: if grace < most { grace } else { most }, extension: None, late: None }
	}

	/// This clock with `epoch`'s report window `blocks` longer, capped so that the window
	/// still closes before the next epoch ends.
	pub const fn with_extension(self, epoch: EpochIndex, blocks: u32) -> Self {
		let room = self.length.get() - 1 - self.grace;
		let blocks = if blocks < room { blocks } else { room };
		Self { extension: Some((epoch, blocks)), ..self }
	}

	/// This clock with `epoch` settleable late: until the next epoch's report window closes.
	pub const fn with_late_settlement(self, epoch: EpochIndex) -> Self {
		Self { late: Some(epoch), ..self }
	}

	/// The epoch this clock lets be settled after its window closed, if any.
	pub const fn late_epoch(&self) -> Option<EpochIndex> {
		self.late
	}

	/// Blocks `epoch`'s window was extended by (see [`Self::with_extension`]).
	pub const fn extension(&self, epoch: EpochIndex) -> u32 {
		match self.extension {
			Some((extended, blocks)) if extended == epoch => blocks,
			_ => 0,
		}
	}

	/// Blocks per epoch (never zero).
	pub const fn length(&self) -> u32 {
		self.length.get()
	}

	/// Blocks after an epoch's end during which it may still be reported and settled.
	pub const fn grace(&self) -> u32 {
		self.grace
	}

	/// The epoch `block` is in.
	pub const fn epoch_of(&self, block: BlockIndex) -> EpochIndex {
		block / self.length.get()
	}

	/// The first block of `epoch`.
	pub const fn first_block(&self, epoch: EpochIndex) -> BlockIndex {
		epoch.saturating_mul(self.length.get())
	}

	/// The last block of `epoch`.
	pub const fn last_block(&self, epoch: EpochIndex) -> BlockIndex {
		self.report_window_opens(epoch).saturating_sub(1)
	}

	/// The first block at which `epoch` can be reported: the block after its last.
	pub const fn report_window_opens(&self, epoch: EpochIndex) -> BlockIndex {
		self.first_block(epoch.saturating_add(1))
	}

	/// The first block at which `epoch` can no longer be reported or settled. Economics fixes
	/// the epoch's emission in this block, before any transaction of it runs.
	pub const fn report_window_closes(&self, epoch: EpochIndex) -> BlockIndex {
		self.report_window_opens(epoch).saturating_add(self.grace).saturating_add(self.extension(epoch))
	}

	/// `epoch` has ended by block `now`.
	pub const fn has_ended(&self, epoch: EpochIndex, now: BlockIndex) -> bool {
		epoch < self.epoch_of(now)
	}

	/// At `now`, `epoch`'s report window has not closed yet: the epoch may be running, or ended
	/// and within its grace. What it served may still be charged.
	pub const fn window_not_closed(&self, epoch: EpochIndex, now: BlockIndex) -> bool {
		now < self.report_window_closes(epoch)
	}

	/// `epoch` may be reported and settled at `now`: it has ended and its window is open.
	pub const fn is_reportable(&self, epoch: EpochIndex, now: BlockIndex) -> bool {
		self.has_ended(epoch, now) && self.window_not_closed(epoch, now)
	}

	/// The first block at which `epoch`'s service can no longer be settled: its window's close,
	/// or for a late epoch (see [`Self::with_late_settlement`]) the next epoch's.
	pub const fn settlement_closes(&self, epoch: EpochIndex) -> BlockIndex {
		match self.late {
			Some(late) if late == epoch => self.report_window_closes(epoch.saturating_add(1)),
			_ => self.report_window_closes(epoch),
		}
	}

	/// At `now`, what `epoch` served may still be charged: its window has not closed, or it is
	/// the late epoch and the next window has not closed.
	pub const fn settleable(&self, epoch: EpochIndex, now: BlockIndex) -> bool {
		now < self.settlement_closes(epoch)
	}

	/// `epoch` may be reported at `now`, late or not: it has ended and is settleable.
	pub const fn is_settleable_report(&self, epoch: EpochIndex, now: BlockIndex) -> bool {
		self.has_ended(epoch, now) && self.settleable(epoch, now)
	}

	/// `epoch` is being settled late at `now`: its window has closed, its late window not.
	pub const fn is_late(&self, epoch: EpochIndex, now: BlockIndex) -> bool {
		!self.window_not_closed(epoch, now) && self.settleable(epoch, now)
	}

	/// The epoch whose report window closes at `block`, if one does: the epoch economics closes
	/// for emission in that block.
	pub const fn epoch_closing_at(&self, block: BlockIndex) -> Option<EpochIndex> {
		// A window closes within the epoch after its own (grace + extension < length).
		let Some(epoch) = self.epoch_of(block).checked_sub(1) else { return None };
		if self.report_window_closes(epoch) == block {
			Some(epoch)
		} else {
			None
		}
	}

	/// Blocks of `epoch` within `[from, until)`: how long a lease that ran over that span ran in
	/// the epoch.
	pub const fn blocks_within(&self, epoch: EpochIndex, from: BlockIndex, until: BlockIndex) -> u32 {
		let start = self.first_block(epoch);
		let end = self.report_window_opens(epoch);
		let from = if from > start { from } else { start };
		let until = if until < end { until } else { end };
		until.saturating_sub(from)
	}
}

/// An [`EpochClock`] fixed at compile time, for test runtimes and constants: a zero `LENGTH`
/// does not compile.
pub struct ConstClock<const LENGTH: u32, const GRACE: u32>;

impl<const LENGTH: u32, const GRACE: u32> ConstClock<LENGTH, GRACE> {
	const CLOCK: EpochClock = match NonZeroU32::new(LENGTH) {
		Some(length) => EpochClock::new(length, GRACE),
		None => panic!("an epoch has at least one block"),
	};
}

impl<const LENGTH: u32, const GRACE: u32> sp_core::Get<EpochClock> for ConstClock<LENGTH, GRACE> {
	fn get() -> EpochClock {
		Self::CLOCK
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn clock(length: u32, grace: u32) -> EpochClock {
		EpochClock::new(NonZeroU32::new(length).unwrap(), grace)
	}

	#[test]
	fn blocks_fall_into_epochs_of_the_length() {
		let c = clock(10, 5);
		assert_eq!((c.epoch_of(0), c.epoch_of(9), c.epoch_of(10), c.epoch_of(25)), (0, 0, 1, 2));
		assert_eq!((c.first_block(2), c.last_block(2)), (20, 29));
		assert_eq!((c.report_window_opens(2), c.report_window_closes(2)), (30, 35));
		assert_eq!(c.last_block(0), 9);
	}

	#[test]
	fn the_report_window_runs_from_the_epoch_end_for_the_grace() {
		let c = clock(10, 5);
		assert!(!c.is_reportable(1, 19), "epoch 1 is still running");
		assert!(c.window_not_closed(1, 19));
		assert!(c.is_reportable(1, 20) && c.is_reportable(1, 24));
		assert!(!c.is_reportable(1, 25) && !c.window_not_closed(1, 25));
	}

	#[test]
	fn the_grace_never_reaches_past_the_next_epoch() {
		assert_eq!(clock(10, 10).grace(), 9);
		assert_eq!(clock(10, u32::MAX).grace(), 9);
		assert_eq!(clock(1, 5).grace(), 0);
		assert_eq!(clock(600, 100).grace(), 100);
	}

	#[test]
	fn a_length_of_one_block_leaves_no_grace() {
		let c = clock(1, 5);
		assert_eq!((c.epoch_of(7), c.first_block(7), c.last_block(7)), (7, 7, 7));
		assert_eq!((c.report_window_opens(6), c.report_window_closes(6)), (7, 7));
		assert!(!c.is_reportable(6, 7) && !c.window_not_closed(6, 7) && c.window_not_closed(7, 7));
		assert_eq!(c.epoch_closing_at(7), Some(6));
	}

	#[test]
	fn emission_closes_each_epoch_in_the_block_its_window_closes() {
		let c = clock(10, 5);
		assert_eq!(c.epoch_closing_at(14), None);
		assert_eq!(c.epoch_closing_at(15), Some(0));
		assert_eq!(c.epoch_closing_at(25), Some(1));
		assert_eq!(c.epoch_closing_at(5), None, "no epoch ended before block 0");
		assert_eq!(c.epoch_closing_at(0), None);
	}

	#[test]
	fn overlap_counts_only_blocks_inside_the_epoch() {
		let c = clock(10, 5);
		assert_eq!(c.blocks_within(1, 0, 100), 10);
		assert_eq!(c.blocks_within(1, 13, 100), 7);
		assert_eq!(c.blocks_within(1, 13, 17), 4);
		assert_eq!(c.blocks_within(1, 25, 100), 0);
		assert_eq!(c.blocks_within(1, 0, 10), 0);
	}

	#[test]
	fn far_epochs_saturate_instead_of_wrapping() {
		let c = clock(600, 100);
		assert_eq!(c.first_block(u32::MAX), u32::MAX);
		assert_eq!(c.report_window_closes(u32::MAX), u32::MAX);
		assert!(!c.is_reportable(u32::MAX, u32::MAX));
	}

	#[test]
	fn const_clocks_are_checked_clocks() {
		assert_eq!(<ConstClock<10, 5> as sp_core::Get<_>>::get(), clock(10, 5));
		assert_eq!(<ConstClock<4, 9> as sp_core::Get<_>>::get().grace(), 3);
	}

	/// Walks every block of many epochs, for many lengths and graces, and checks that the
	/// clock's answers agree with each other and with the definition of an epoch.
	#[test]
	fn every_block_of_many_epochs_agrees_with_the_definition() {
		for length in 1..=24u32 {
			for grace in 0..length + 2 {
				let c = clock(length, grace);
				let grace = c.grace();
				let epochs = 6;
				let mut closing = alloc::vec::Vec::new();
				for block in 0..epochs * length + length + grace + 1 {
					let epoch = c.epoch_of(block);
					assert!(c.first_block(epoch) <= block && block <= c.last_block(epoch));
					assert_eq!(c.last_block(epoch) + 1 - c.first_block(epoch), length);
					for e in 0..=epoch + 1 {
						let reportable = block >= (e + 1) * length && block < (e + 1) * length + grace;
						assert_eq!(c.is_reportable(e, block), reportable, "length {length} grace {grace} e {e} at {block}");
						assert_eq!(c.window_not_closed(e, block), block < (e + 1) * length + grace);
						// Only one finished epoch awaits settlement at a time.
						if reportable {
							assert_eq!(e + 1, epoch);
						}
					}
					if let Some(e) = c.epoch_closing_at(block) {
						assert!(c.window_not_closed(e, block - 1) && !c.window_not_closed(e, block));
						closing.push(e);
					}
				}
				// Each epoch closes exactly once, in order.
				assert_eq!(closing, (0..closing.len() as u32).collect::<alloc::vec::Vec<_>>());
				assert!(closing.len() as u32 >= epochs);
			}
		}
	}

	#[test]
	fn an_extended_window_closes_later_for_its_epoch_only_and_never_past_the_next_epoch() {
		let base = clock(10, 3);
		let extended = base.with_extension(4, 2);
		assert_eq!(extended.extension(4), 2);
		assert_eq!(extended.extension(5), 0);
		assert_eq!(extended.report_window_closes(4), 53 + 2);
		assert_eq!(extended.report_window_closes(5), base.report_window_closes(5));
		assert!(extended.window_not_closed(4, 54) && !extended.window_not_closed(4, 55));
		assert!(extended.is_reportable(4, 54));
		assert_eq!(extended.epoch_closing_at(53), None);
		assert_eq!(extended.epoch_closing_at(55), Some(4));
		assert_eq!(extended.epoch_closing_at(63), Some(5));
		// Capped: grace + extension stays below the length.
		let capped = base.with_extension(4, 1_000);
		assert_eq!(capped.extension(4), 6);
		assert_eq!(capped.report_window_closes(4), 59);
		assert_eq!(capped.epoch_closing_at(59), Some(4));
		// Every block closes at most one epoch, whatever the extension.
		for ext in 0..10 {
			let c = base.with_extension(4, ext);
			let closing: Vec<_> = (0..200).filter_map(|b| c.epoch_closing_at(b)).collect();
			assert_eq!(closing, (0..19).collect::<Vec<_>>(), "extension {ext}");
		}
	}

	#[test]
	fn a_late_epoch_settles_until_the_next_window_closes_and_nothing_else_moves() {
		let base = clock(10, 3);
		let late = base.with_late_settlement(4);
		assert_eq!(late.late_epoch(), Some(4));
		// Its window closes as before (emission is fixed then) ...
		assert_eq!(late.report_window_closes(4), 53);
		assert_eq!(late.epoch_closing_at(53), Some(4));
		assert!(!late.window_not_closed(4, 53));
		// ... but its service may be settled until epoch 5's window closes.
		assert_eq!(late.settlement_closes(4), 63);
		assert!(late.settleable(4, 62) && !late.settleable(4, 63));
		assert!(!late.is_late(4, 52) && late.is_late(4, 53) && late.is_late(4, 62) && !late.is_late(4, 63));
		assert!(late.is_settleable_report(4, 60) && !late.is_settleable_report(4, 49));
		// Other epochs are untouched.
		for e in [3, 5, 6] {
			assert_eq!(late.settlement_closes(e), base.report_window_closes(e));
		}
		// The next epoch's extension moves the late deadline with it.
		let both = late.with_extension(5, 2);
		assert_eq!(both.settlement_closes(4), 65);
		assert_eq!(base.settlement_closes(4), 53);
	}
}
