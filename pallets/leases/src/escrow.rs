//! Moving escrow: the only place this pallet holds, releases, pays or burns funds.

use depin_primitives::{funds::map_hold_shortfall, TakeDestination};
use frame_support::{
	ensure,
	traits::{
		fungible::{hold::Balanced as BalancedHold, Balanced, MutateHold},
		tokens::{imbalance::Imbalance, Fortitude, Precision, Restriction},
		Get,
	},
};
use sp_runtime::{traits::Zero, DispatchError, DispatchResult, Saturating};

use crate::{pallet::*, types::*, Config};

impl<T: Config> Pallet<T> {
	fn escrow_reason() -> T::RuntimeHoldReason {
		HoldReason::LeaseEscrow.into()
	}

	/// Holds `amount` of `who`'s free balance as escrow.
	pub(crate) fn hold_escrow(who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		T::Currency::hold(&Self::escrow_reason(), who, amount)
			.map_err(|e| map_hold_shortfall(e, Error::<T>::InsufficientBalance))
	}

	/// Returns `amount` of escrow to `who`'s free balance.
	pub(crate) fn release_escrow(who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		Self::release_hold(HoldReason::LeaseEscrow, who, amount)
	}

	pub(crate) fn release_hold(reason: HoldReason, who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		if !amount.is_zero() {
			T::Currency::release(&reason.into(), who, amount, Precision::Exact)?;
		}
		Ok(())
	}

	/// A rejected bid's deposit goes to the take's beneficiary (the treasury), so every bid a
	/// consumer has to reject costs its bidder `BidDeposit`; without a beneficiary it is
	/// returned (burning it would leave the ledger's accounting). Returns what was forfeited.
	pub(crate) fn forfeit_bid_deposit(bidder: &T::AccountId) -> Result<BalanceOf<T>, DispatchError> {
		let deposit = T::BidDeposit::get();
		match T::TakeBeneficiary::get() {
			Some(beneficiary) if beneficiary != *bidder => T::Currency::transfer_on_hold(
				&HoldReason::BidDeposit.into(),
				bidder,
				&beneficiary,
				deposit,
				Precision::Exact,
				Restriction::Free,
				Fortitude::Force,
			),
			_ => Self::release_hold(HoldReason::BidDeposit, bidder, deposit).map(|_| Zero::zero()),
		}
	}

	/// Moves `amount` of `consumer`'s escrow under the dispute hold, where neither the consumer
	/// nor the provider can reach it until the dispute is resolved.
	pub(crate) fn move_to_dispute_hold(consumer: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		if amount.is_zero() {
			return Ok(());
		}
		Self::release_escrow(consumer, amount)?;
		T::Currency::hold(&HoldReason::LeaseDispute.into(), consumer, amount)
	}

	/// Takes `amount` off what `consumer` has on hold for `reason`, as a credit to be paid out
	/// with other leases' charges by [`Self::pay_out`].
	///
	/// A hold slash ignores freezes: escrow was committed when it was held, so freezes the
	/// consumer adds later (vesting, votes) must not block paying for attested service.
	pub(crate) fn take_from_hold(
		reason: HoldReason,
		consumer: &T::AccountId,
		amount: BalanceOf<T>,
	) -> Result<CreditOf<T>, DispatchError> {
		if amount.is_zero() {
			return Ok(CreditOf::<T>::zero());
		}
		let (credit, short) = <T::Currency as BalancedHold<_>>::slash(&reason.into(), consumer, amount);
		// The caller's storage layer drops the partial credit with everything else.
		ensure!(short.is_zero(), Error::<T>::EscrowShort);
		Ok(credit)
	}

	/// Pays `paid` out for `provider`'s service in `epoch`: `take` of it to the protocol
	/// (`TakeBeneficiary`, or burned if there is none or it cannot receive it, e.g. a missing
	/// account and less than the existential deposit), the rest to `provider`. Never fails for
	/// the provider's account: a share it cannot receive (it was reaped, and the share is below
	/// the existential deposit) goes to the protocol with the take, so no consumer's hold, lease
	/// slot or dispute is stuck on a provider that left. Returns where the protocol's part went
	/// and how much of it was the unpayable share.
	pub(crate) fn pay_out(
		provider: &T::AccountId,
		epoch: EpochIndex,
		paid: CreditOf<T>,
		take: BalanceOf<T>,
	) -> (TakeDestination, BalanceOf<T>) {
		let (mut protocol, share) = paid.split(take);
		let mut unpayable = Zero::zero();
		if !share.peek().is_zero() {
			if let Err(share) = T::Currency::resolve(provider, share) {
				unpayable = share.peek();
				protocol.subsume(share);
				Self::deposit_event(Event::ShareUnpayable { provider: provider.clone(), amount: unpayable });
			}
		}
		(Self::pay_protocol(provider, epoch, protocol), unpayable)
	}

	/// Pays the protocol's part of `provider`'s payment for `epoch` to `TakeBeneficiary`, or
	/// burns it (recorded) if there is none or it cannot receive it.
	fn pay_protocol(provider: &T::AccountId, epoch: EpochIndex, take: CreditOf<T>) -> TakeDestination {
		if take.peek().is_zero() {
			return TakeDestination::Beneficiary;
		}
		let unsent = match T::TakeBeneficiary::get() {
			Some(beneficiary) => T::Currency::resolve(&beneficiary, take).err(),
			None => Some(take),
		};
		let Some(burn) = unsent else { return TakeDestination::Beneficiary };
		let amount = burn.peek();
		// Dropping a credit reduces the total issuance: the burn, on the record.
		drop(burn);
		TotalBurned::<T>::mutate(|burned| *burned = burned.saturating_add(amount));
		Self::deposit_event(Event::TakeBurned { provider: provider.clone(), epoch, amount });
		TakeDestination::Burned
	}
}
