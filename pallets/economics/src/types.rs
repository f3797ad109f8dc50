//! The ledger and emission parameters.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// Everything that happened to money and capacity in one epoch.
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug, Default,
)]
pub struct EpochLedger<Balance> {
	/// What consumers paid for the epoch's service (gross fee revenue).
	pub fee_revenue: Balance,
	/// The providers' share of it.
	pub provider_earnings: Balance,
	/// The protocol take sent to the treasury.
	pub take_to_treasury: Balance,
	/// The protocol take burned (no treasury to receive it).
	pub take_burned: Balance,
	/// The emission allowance of the epoch, fixed when the epoch closes.
	pub emission: Balance,
	/// Emission actually minted for the epoch: claimed by providers, plus expired allowance sent
	/// to the treasury.
	pub emission_minted: Balance,
	/// Emission claimed by providers.
	pub emission_claimed: Balance,
	/// Taken from providers' bonds during the epoch (missed reports, lost disputes).
	pub slashed: Balance,
	/// Burned during the epoch.
	pub burned: Balance,
	/// Open leases when the epoch closed.
	pub open_leases: u32,
	/// Providers whose report of the epoch was accepted.
	pub providers_reported: u32,
	/// GPU-blocks the reporting providers' GPUs answered (capacity).
	pub gpu_capacity_blocks: u64,
	/// GPU-blocks under lease that answered (used).
	pub gpu_leased_blocks: u64,
	/// Leased GPU-blocks weighted by measured utilization.
	pub gpu_busy_blocks: u64,
	/// GiB-blocks of storage offered (capacity).
	pub storage_capacity_gib_blocks: u64,
	/// GiB-blocks of storage under lease that answered.
	pub storage_leased_gib_blocks: u64,
	/// GiB-blocks of storage in use under leases.
	pub storage_used_gib_blocks: u64,
	/// Useful work (busy GPU-blocks and used storage, weighted): what emission is shared by.
	pub useful_work: u128,
	/// The epoch's report window closed and its emission is fixed.
	pub closed: bool,
	/// Its unclaimed emission expired and was dealt with.
	pub swept: bool,
}

/// How much is emitted. `emission(e) = min(schedule(e), bootstrap(e) + revenue_cap × trailing
/// fee revenue)`, and nothing for an epoch without useful work.
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
	/// Emission may exceed the bootstrap allowance by at most this percentage of the trailing
	/// fee revenue (100: as much as customers paid).
	pub revenue_cap_percent: u32,
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
