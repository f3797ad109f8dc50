//! Reports crowded out of full blocks. Reports are free and any number of registered providers
//! may compete for a window's block space, so the chain watches its own blocks:
//!
//! - a block of an open report window with no room left for the largest report counts as
//!   **full** (`FullWindowBlocks`), and each full block makes that window a block longer, up to
//!   `MaxWindowExtension`. A window therefore closes only after `ReportGrace` blocks that had
//!   room: a report in the pool when such a block was built fit into it, so an honest report
//!   submitted when the window opens lands, however many others compete, unless the extension
//!   runs out first;
//! - if it does — every block of the window but the first was full — the chain had no room,
//!   and nobody is slashed or suspended for missing that epoch (`WindowCongested`).
//!
//! Filling blocks costs the filler: fees for paid transactions (rising with the fee
//! multiplier), or, for reports, leases paying at least `MinEpochCharge` an epoch each and a
//! bonded provider per report. See docs/attestation.md for the figures.

use codec::MaxEncodedLen;
use frame_support::{
	dispatch::DispatchClass,
	traits::Get,
	weights::Weight,
};
use sp_runtime::traits::Zero;

use crate::{pallet::*, types::*, Config, WeightInfo};

impl<T: Config> Pallet<T> {
	/// `on_finalize`: counts this block against the open window if it is full.
	pub(crate) fn note_congestion() {
		let base = Self::base_clock();
		let now = Self::now();
		let Some(epoch) = base.epoch_of(now).checked_sub(1) else { return };
		if !Self::clock_for(base, epoch).is_reportable(epoch, now) || !Self::block_is_full() {
			return;
		}
		let full = FullWindowBlocks::<T>::mutate(epoch, |full| {
			*full = full.saturating_add(1);
			*full
		});
		Self::deposit_event(Event::WindowBlockFull { epoch, full_blocks: full });
	}

	/// `on_initialize`: at an epoch's first block, drops the record of the epoch that just left
	/// `MissLookback`. One entry per epoch, so storage holds at most `MissLookback` + 2.
	pub(crate) fn forget_old_congestion() -> Weight {
		let clock = Self::base_clock();
		let now = Self::now();
		if now != clock.first_block(clock.epoch_of(now)) {
			return Weight::zero();
		}
		let Some(old) = clock.epoch_of(now).checked_sub(T::MissLookback::get().saturating_add(2)) else {
			return Weight::zero();
		};
		FullWindowBlocks::<T>::remove(old);
		T::WeightInfo::forget_congestion()
	}

	/// This block has no room left, by weight or by length, for the largest report.
	pub(crate) fn block_is_full() -> bool {
		let weights = <T as frame_system::Config>::BlockWeights::get();
		let normal = weights.get(DispatchClass::Normal);
		let limit = normal.max_total.unwrap_or(weights.max_block);
		let used = *frame_system::Pallet::<T>::block_weight().get(DispatchClass::Normal);
		let report = Self::largest_report_weight().saturating_add(normal.base_extrinsic);
		let room_by_weight = limit.saturating_sub(used).all_gte(report);

		let length_limit = *<T as frame_system::Config>::BlockLength::get().max.get(DispatchClass::Normal);
		let length_used = frame_system::Pallet::<T>::block_size();
		let room_by_length =
			length_limit.saturating_sub(length_used) as usize >= Self::largest_report_length();
		!(room_by_weight && room_by_length)
	}

	/// What the largest report is charged up front.
	pub(crate) fn largest_report_weight() -> Weight {
		Self::declared_submit_report_weight(T::MaxLeasesPerReport::get(), T::MaxGpusPerReport::get())
	}

	/// The largest report extrinsic's length: the report, its signature and the extrinsic's
	/// framing (version, call index, extensions; generously 128 bytes).
	pub(crate) fn largest_report_length() -> usize {
		UsageReport::<T>::max_encoded_len().saturating_add(64).saturating_add(128)
	}

	/// Nearly the whole window of `epoch` was full: every block but (at most) the first, in
	/// which the honest off-chain worker may only just have submitted. Its misses are nobody's
	/// fault.
	pub(crate) fn window_was_congested(epoch: EpochIndex) -> bool {
		let full = FullWindowBlocks::<T>::get(epoch);
		if full.is_zero() {
			return false;
		}
		let clock = Self::clock_for(Self::base_clock(), epoch);
		let window = clock.report_window_closes(epoch).saturating_sub(clock.report_window_opens(epoch));
		full.saturating_add(1) >= window
	}
}
