//! The per-epoch ledger of the economics pallet, as explorers read it through the runtime API.

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
	/// The emission allowance of the epoch, fixed when the epoch closes: `usage_emission +
	/// capacity_emission`.
	pub emission: Balance,
	/// Emission for usage: at most the take paid on the epoch's service by its close.
	pub usage_emission: Balance,
	/// Emission for audited capacity (the bootstrap allowance).
	pub capacity_emission: Balance,
	/// Take paid on the epoch's service by the time it closed: what usage emission is matched
	/// against and shared by (later payments, e.g. of resolved disputes, do not count).
	pub matched_take: Balance,
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
	/// GPU-blocks of audited GPUs that answered.
	pub audited_gpu_blocks: u64,
	/// GiB-blocks of audited storage offered.
	pub audited_storage_gib_blocks: u64,
	/// Audited device-blocks, weighted: what capacity emission is shared by.
	pub capacity_work: u128,
	/// The epoch's report window closed and its emission is fixed.
	pub closed: bool,
	/// Its unclaimed emission expired and was dealt with.
	pub swept: bool,
}
