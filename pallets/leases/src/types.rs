//! Types stored by the leases pallet.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
	traits::{fungible::Inspect, ConstU32},
	BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
};
use sp_runtime::traits::{Saturating, Zero};
use scale_info::TypeInfo;
use sp_core::H256;

use crate::Config;

pub use depin_primitives::{CloseReason, Commitment, EpochIndex, GpuModel, LeaseId, Region, GIB};

pub type AccountIdOf<T> = <T as frame_system::Config>::AccountId;
pub type BalanceOf<T> = <<T as Config>::Currency as Inspect<AccountIdOf<T>>>::Balance;
/// Funds taken off a hold and not yet paid to anyone.
pub type CreditOf<T> = frame_support::traits::fungible::Credit<AccountIdOf<T>, <T as Config>::Currency>;
pub type BlockNumberOf<T> = frame_system::pallet_prelude::BlockNumberFor<T>;
pub type OrderId = u64;

/// What a consumer asks for.
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, PartialEq, Eq, Debug, Default,
)]
pub struct ResourceRequest {
	/// Number of GPUs.
	pub gpus: u32,
	/// Only GPUs of this model (NVML name), if set.
	pub gpu_model: Option<GpuModel>,
	/// Only GPUs with at least this much memory.
	pub min_vram_mib: u32,
	pub storage_gib: u32,
	pub cpu_cores: u32,
	/// Only GPUs whose hardware attestation is in force now: the chip proved itself under a
	/// trusted root this epoch or recently (docs/hardware-trust.md).
	pub attested_gpus: bool,
}

impl ResourceRequest {
	pub fn is_empty(&self) -> bool {
		self.gpus == 0 && self.storage_gib == 0 && self.cpu_cores == 0
	}
}

/// Whether a lease still runs.
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug,
)]
pub enum LeaseStatus<BlockNumber> {
	Open,
	Closed { reason: CloseReason, at: BlockNumber },
}

/// A lease: resources of one provider rented by one consumer against escrow.
///
/// Money always adds up: `deposited = paid + take + refunded + escrow + disputed`, where `escrow`
/// is still held on the consumer for this lease, `disputed` is held for disputed epochs, and
/// `paid` and `take` include what reports booked and the provider has not claimed yet (still on
/// the consumer's escrow hold: [`Lease::booked`]).
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound)]
#[scale_info(skip_type_params(T))]
pub struct Lease<T: Config> {
	pub consumer: AccountIdOf<T>,
	pub provider: AccountIdOf<T>,
	/// The GPUs (NVML UUID hashes) allocated to this lease.
	pub gpus: BoundedVec<H256, T::MaxGpusPerLease>,
	pub storage_gib: u32,
	pub cpu_cores: u32,
	/// Fixed when the lease opens.
	pub price_per_hour: BalanceOf<T>,
	pub opened_at: BlockNumberOf<T>,
	pub status: LeaseStatus<BlockNumberOf<T>>,
	/// Last epoch for which attested usage was settled.
	pub settled_epoch: Option<EpochIndex>,
	pub deposited: BalanceOf<T>,
	pub escrow: BalanceOf<T>,
	/// Paid to the provider.
	pub paid: BalanceOf<T>,
	/// Protocol take split off payments.
	pub take: BalanceOf<T>,
	/// Returned to the consumer.
	pub refunded: BalanceOf<T>,
	/// Charged for disputed epochs and held until the disputes are resolved.
	pub disputed: BalanceOf<T>,
	/// What the lease's latest reports charged and paid out, by epoch (newest last; a charge
	/// held for a dispute is not here): what a dispute raised after a report contests, while the
	/// provider's share of it is still locked.
	pub paid_charges: BoundedVec<(EpochIndex, BalanceOf<T>), frame_support::traits::ConstU32<MAX_CONTESTABLE_CHARGES>>,
	/// Booked charges past their contest window, not claimed yet: the provider's share and the
	/// protocol take, still on the consumer's escrow hold until the provider's claim.
	pub unclaimed: Unclaimed<BalanceOf<T>>,
	/// Charges booked by the latest reports that a dispute may still contest (newest last).
	pub contestable: BoundedVec<BookedCharge<BalanceOf<T>, BlockNumberOf<T>>, ConstU32<MAX_CONTESTABLE_CHARGES>>,
}

/// Booked charges of a lease that nobody can contest any more, waiting for the provider's claim.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Unclaimed<Balance> {
	pub share: Balance,
	pub take: Balance,
}

impl<Balance: Saturating + Copy> Unclaimed<Balance> {
	pub fn add(&mut self, share: Balance, take: Balance) {
		self.share = self.share.saturating_add(share);
		self.take = self.take.saturating_add(take);
	}
}

/// One epoch's charge of a lease as its report booked it: the consumer may contest it until
/// `claimable_at`, an epoch after the report landed; then the provider may claim it.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug)]
pub struct BookedCharge<Balance, BlockNumber> {
	pub epoch: EpochIndex,
	/// The provider's part.
	pub share: Balance,
	/// The protocol's part.
	pub take: Balance,
	pub claimable_at: BlockNumber,
}

/// Paid charges a lease remembers for disputes raised after the report: a charge stays
/// contestable for an epoch after its report lands, so at most three of a lease's epochs are at
/// once (a late epoch's, the next one's, and the one after).
pub const MAX_CONTESTABLE_CHARGES: u32 = 3;

/// A provider's share of an epoch's charges, locked while consumers may contest them.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug)]
pub struct LockedShare<Balance, BlockNumber> {
	pub amount: Balance,
	/// From this block nobody can contest it any more: a report's charges stay contestable for
	/// an epoch after it lands, however soon the provider's next report follows.
	pub unlock_at: BlockNumber,
}

impl<T: Config> Lease<T> {
	pub fn is_open(&self) -> bool {
		matches!(self.status, LeaseStatus::Open)
	}

	/// Booked and not claimed yet, contestable or not: still on the consumer's escrow hold.
	pub fn booked(&self) -> BalanceOf<T> {
		self.contestable
			.iter()
			.fold(self.unclaimed.share.saturating_add(self.unclaimed.take), |sum, charge| {
				sum.saturating_add(charge.share).saturating_add(charge.take)
			})
	}

	/// What the consumer has on its escrow hold for this lease.
	pub fn on_escrow_hold(&self) -> BalanceOf<T> {
		self.escrow.saturating_add(self.booked())
	}

	/// On its parties' lists (where claims and the consumer's limits find it): open, or money
	/// of it still on the escrow hold.
	pub fn stays_listed(&self) -> bool {
		self.is_open() || !self.on_escrow_hold().is_zero()
	}

	/// Nothing can happen to it any more: closed, and no money of it held anywhere.
	pub fn is_settled_up(&self) -> bool {
		!self.is_open() && self.on_escrow_hold().is_zero() && self.disputed.is_zero()
	}

	/// Moves booked charges whose contest window passed by `now` to `unclaimed`.
	pub fn mature_charges(&mut self, now: BlockNumberOf<T>) {
		let unclaimed = &mut self.unclaimed;
		self.contestable.retain(|charge| {
			let matured = charge.claimable_at <= now;
			if matured {
				unclaimed.add(charge.share, charge.take);
			}
			!matured
		});
	}
}

/// A provider's share of a charge its consumer contested after the report: locked on the
/// provider until the dispute ends.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound)]
#[scale_info(skip_type_params(T))]
pub struct Contested<T: Config> {
	pub provider: AccountIdOf<T>,
	pub consumer: AccountIdOf<T>,
	pub share: BalanceOf<T>,
}

/// An open request for bids.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound)]
#[scale_info(skip_type_params(T))]
pub struct Order<T: Config> {
	pub consumer: AccountIdOf<T>,
	pub request: ResourceRequest,
	pub region: Option<Region>,
	/// Only providers this auditor attested may bid.
	pub required_auditor: Option<AccountIdOf<T>>,
	pub max_price_per_hour: BalanceOf<T>,
	/// Held as `LeaseEscrow`; becomes the lease's escrow when a bid is accepted.
	pub deposit: BalanceOf<T>,
	pub expires_at: BlockNumberOf<T>,
	pub bids: u32,
	/// Providers whose bids the consumer rejected: they may not bid again.
	pub rejected: BoundedVec<AccountIdOf<T>, T::MaxBidsPerOrder>,
}

/// Where the deposit of a lease being opened comes from.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum DepositSource {
	/// The consumer's free balance: it is held now.
	FreeBalance,
	/// An accepted order's deposit, held since the order was made.
	HeldByOrder,
}

/// How an order ends before a bid is accepted.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum OrderEnding<AccountId> {
	/// Its consumer cancelled it.
	CancelledBy(AccountId),
	/// It passed `OrderTtl` unaccepted.
	Expired,
}
