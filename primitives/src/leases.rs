//! Leases as the other pallets see them: settling attested usage, commitments, and what the
//! economics ledger is told.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::H256;
use sp_runtime::DispatchError;

use crate::EpochIndex;

pub type LeaseId = u64;

/// One GiB, the unit storage is priced and leased in.
pub const GIB: u64 = 1 << 30;

/// Why a lease closed; carried in `LeaseClosed`.
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug,
)]
pub enum CloseReason {
	/// The consumer ended it.
	ConsumerClosed,
	/// The provider ended it.
	ProviderClosed,
	/// The escrow could not cover the next epoch.
	InsufficientFunds,
	/// The provider was suspended (e.g. for missed usage reports).
	ProviderSuspended,
	/// The provider is no longer registered or is leaving.
	ProviderGone,
	/// Governance evicted a GPU of the lease from the account that had listed it (a squatter).
	GpuEvicted,
}

/// What a provider has committed to open leases: they count against its capacity, and while
/// any is open its bond and hardware stay.
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug, Default,
)]
pub struct Commitment {
	pub open_leases: u32,
	pub storage_gib: u64,
	pub cpu_cores: u32,
}

impl Commitment {
	/// Committed storage in bytes, as capacity is declared.
	pub fn storage_bytes(&self) -> u64 {
		self.storage_gib.saturating_mul(GIB)
	}
}

/// Who a dispute over a lease's epoch was decided for.
#[derive(
	Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug,
)]
pub enum Verdict {
	/// The service was delivered: the provider is paid and the consumer's deposit slashed.
	Provider,
	/// It was not: the consumer is refunded and gets its deposit back, and the provider's bond
	/// is slashed by the same deposit, paid to the consumer.
	Consumer,
}

/// Where a settlement's charge goes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Payee {
	/// To the provider (less the protocol take): booked now, paid by a claim.
	Provider,
	/// Nowhere yet: the epoch is disputed, so the charge is held until the dispute is resolved.
	HeldForDispute,
}

/// One lease's attested service in an epoch, as a report presents it for settlement.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct LeaseCharge {
	pub lease: LeaseId,
	pub attested_blocks: u32,
	pub payee: Payee,
}

/// What settling one lease did.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Settlement<Balance> {
	/// Taken from the consumer's escrow.
	pub charged: Balance,
	/// Paid to the provider.
	pub provider_share: Balance,
	/// Protocol take.
	pub take: Balance,
	/// The lease closed because its escrow cannot cover another epoch.
	pub closed: bool,
}

/// Where the protocol take of a payment went.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum TakeDestination {
	/// To the configured take beneficiary (the treasury).
	Beneficiary,
	/// Burned: no beneficiary, or it could not receive it.
	Burned,
}

/// A payment for one epoch of service, as the economics ledger is told of it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Payment<Balance> {
	/// What consumers paid.
	pub charged: Balance,
	/// The provider's share of it.
	pub provider_share: Balance,
	/// The protocol's share of it.
	pub take: Balance,
	pub take_destination: TakeDestination,
}

/// A lease a usage report may cover, as the attestation pallet and its off-chain worker see it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ChargeableLease<AccountId, Balance> {
	pub id: LeaseId,
	pub consumer: AccountId,
	pub gpus: Vec<H256>,
	pub storage_gib: u32,
	pub cpu_cores: u32,
	/// Blocks `[from, until)` of service: only these can be attested.
	pub served_from: u32,
	pub served_until: Option<u32>,
	/// Blocks the lease ran in the epoch: the most it can be charged for.
	pub ran_blocks: u32,
	pub price_per_hour: Balance,
	/// What its escrow can still pay: no charge exceeds it.
	pub escrow: Balance,
}

/// Settles attested usage. Implemented by the leases pallet, called by the attestation pallet.
pub trait LeaseSettlement<AccountId, Balance> {
	/// Charges each lease of `provider` in `charges` for its attested blocks of service in the
	/// finished `epoch`, while the epoch is reportable: books each charge on its lease, to be
	/// paid by a claim once nobody can contest it. Atomic: on error nothing changed. Results are
	/// in `charges`' order.
	///
	/// With [`Payee::HeldForDispute`] a charge leaves the escrow but stays held on the consumer
	/// until [`Self::resolve_held`] pays or refunds it.
	fn settle_epoch(
		provider: &AccountId,
		epoch: EpochIndex,
		charges: &[LeaseCharge],
	) -> Result<Vec<Settlement<Balance>>, DispatchError>;

	/// [`Self::settle_epoch`] for one lease.
	fn settle(
		provider: &AccountId,
		lease: LeaseId,
		epoch: EpochIndex,
		attested_blocks: u32,
		payee: Payee,
	) -> Result<Settlement<Balance>, DispatchError> {
		let charge = LeaseCharge { lease, attested_blocks, payee };
		let mut settled = Self::settle_epoch(provider, epoch, &[charge])?;
		settled.pop().ok_or(DispatchError::Corruption)
	}

	/// Ends the hold on a disputed epoch's charge as `verdict` says: paid to the provider, or
	/// refunded to the consumer. Returns the amount that was held.
	fn resolve_held(lease: LeaseId, epoch: EpochIndex, verdict: Verdict) -> Result<Balance, DispatchError>;

	/// What `epoch`'s report charged `lease`, while the charge is still contestable (an epoch
	/// after the report landed; for charges from before claims, while the provider's share is
	/// still locked): its provider share is kept for the dispute raised over it, until
	/// [`Self::resolve_paid`]. `None` if nothing was charged, it is no longer contestable, or it
	/// is contested already: one dispute per charge.
	fn take_paid_charge(lease: LeaseId, epoch: EpochIndex) -> Option<Balance>;

	/// Ends a contested charge as `verdict` says: its provider share paid (or released) to the
	/// provider, or returned to the consumer. Returns the share that was kept.
	fn resolve_paid(lease: LeaseId, epoch: EpochIndex, verdict: Verdict) -> Result<Balance, DispatchError>;

	/// What charging `lease` for `attested_blocks` would take from its escrow now.
	fn quote(lease: &ChargeableLease<AccountId, Balance>, attested_blocks: u32) -> Balance;

	/// `(consumer, provider)` of a lease.
	fn parties(lease: LeaseId) -> Option<(AccountId, AccountId)>;

	/// `provider` had a lease running during `epoch`, so it owed a report for it.
	fn served_in(provider: &AccountId, epoch: EpochIndex) -> bool;

	/// Leases of `provider` that may be charged for `epoch`: what a usage report can cover.
	fn chargeable_leases(provider: &AccountId, epoch: EpochIndex) -> Vec<ChargeableLease<AccountId, Balance>>;

	/// `lease`, if it is `provider`'s and may be charged for `epoch`.
	fn chargeable(provider: &AccountId, lease: LeaseId, epoch: EpochIndex)
		-> Option<ChargeableLease<AccountId, Balance>>;

	/// How many leases `provider` has listed (open, or closed with escrow retained or charges
	/// booked and not claimed yet).
	fn lease_count(provider: &AccountId) -> u32;

	/// The most leases a provider can have listed.
	fn max_leases_per_provider() -> u32;
}

/// Told what happens to leases and their money, e.g. by the economics ledger. `()` ignores it.
pub trait LeaseObserver<AccountId, Balance> {
	fn lease_opened(provider: &AccountId);
	fn lease_closed(provider: &AccountId);
	/// Consumers paid for `epoch` of `provider`'s service.
	fn settled(epoch: EpochIndex, provider: &AccountId, payment: &Payment<Balance>);
	/// A charge for `epoch` of `provider`'s service is held for a dispute; paid, it would pay
	/// `take`. Until the dispute ends the take counts as paid for the epoch's emission, reserved
	/// for the provider.
	fn charge_held(epoch: EpochIndex, provider: &AccountId, take: Balance);
	/// A held charge's dispute ended: paid to the provider (its reserved emission is the
	/// provider's, even if the epoch has closed since) or refunded (the reservation lapses).
	fn held_charge_ended(epoch: EpochIndex, provider: &AccountId, take: Balance, paid: bool);
	/// A payment for `epoch` burned `amount` booked earlier (the take's beneficiary could not
	/// receive it, nor the provider its share): the burn is on the record from the block the
	/// funds went. `epoch` is the claim's, or a resolved dispute's (maybe archived by then).
	fn take_burned(epoch: EpochIndex, amount: Balance);
}

impl<AccountId, Balance> LeaseObserver<AccountId, Balance> for () {
	fn lease_opened(_: &AccountId) {}
	fn lease_closed(_: &AccountId) {}
	fn settled(_: EpochIndex, _: &AccountId, _: &Payment<Balance>) {}
	fn charge_held(_: EpochIndex, _: &AccountId, _: Balance) {}
	fn held_charge_ended(_: EpochIndex, _: &AccountId, _: Balance, _: bool) {}
	fn take_burned(_: EpochIndex, _: Balance) {}
}
