//! The ledger and emission parameters.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

pub use depin_primitives::EpochLedger;

/// How much is emitted (see [`crate::emission::allowance`]): for usage, at most the take paid on
/// the epoch's service; for audited capacity, the fading bootstrap allowance; never above the
/// halving schedule.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Clone,
	PartialEq,
	Eq,
	Debug,
	Default,
	serde::Serialize,
	serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub struct EmissionParams<Balance> {
	/// Emission of epoch 0 under the schedule.
	pub initial_per_epoch: Balance,
	/// The schedule halves every this many epochs (0: never).
	pub halving_epochs: u32,
	/// Allowance of epoch 0 regardless of revenue, fading linearly to zero...
	pub bootstrap_per_epoch: Balance,
	/// ...over this many epochs.
	pub bootstrap_epochs: u32,
	/// Usage emission is at most this percentage of the mean fee revenue per epoch of the
	/// trailing window (100: as much as customers paid in an epoch).
	pub revenue_cap_percent: u32,
	/// Usage emission matches at most this percentage (≤ 100) of the take paid on the epoch's
	/// service: 100 is Helium's HIP-10 "spend 1, earn at most 1".
	pub usage_match_percent: u32,
	/// Epochs of fee revenue the cap looks back over, the current one included.
	pub trailing_epochs: u32,
}

/// What a provider has earned, split by source.
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug, Default,
)]
pub struct Earnings<Balance> {
	/// From consumers (after the take).
	pub fees: Balance,
	/// From emission (claimed).
	pub emission: Balance,
}
