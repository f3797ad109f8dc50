//! Types of the validator manager.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_runtime::Perbill;
use sp_staking::SessionIndex;

/// Why a validator left the set.
#[derive(Encode, Decode, DecodeWithMemTracking, Clone, Copy, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
pub enum RemovalReason {
	/// Governance removed it (e.g. it stopped authoring).
	Governance,
	/// It committed a reported offence (equivocation).
	Offence,
}

/// The slash taken for offences of one validator in one session.
#[derive(Encode, Decode, Clone, Copy, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen, Default)]
pub struct SlashRecord<Balance> {
	/// The largest fraction reported for the session so far.
	pub fraction: Perbill,
	/// What was taken in all.
	pub amount: Balance,
}

/// Forgets key-ownership records of sessions before `index` (session's `historical` pallet), so
/// they do not accumulate forever. `()` keeps everything (test runtimes without session).
pub trait PruneSessionHistory {
	fn prune_up_to(index: SessionIndex);
}

impl PruneSessionHistory for () {
	fn prune_up_to(_index: SessionIndex) {}
}

/// What the benchmarks need from the runtime.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// Gives `who` session keys, as `session.setKeys` would.
	fn register_keys(who: &AccountId);
}
