//! Every movement of funds this pallet makes: dispute deposits (held, returned, forfeited) and
//! the slashes of a provider's bond for a miss or a lost dispute.

use depin_primitives::{funds::map_hold_shortfall, AttestationObserver, ProviderRegistry};
use frame_support::traits::{
	fungible::MutateHold,
	tokens::{Fortitude, Precision, Restriction},
	Get,
};
use sp_runtime::{traits::Zero, DispatchError, DispatchResult, Saturating};

use crate::{pallet::*, types::*, Config};

/// What a miss cost its provider.
pub(crate) struct MissPenalty<Balance> {
	/// Paid to whoever reported the miss.
	pub bounty: Balance,
	/// Everything taken from the bond, the bounty included.
	pub total: Balance,
}

impl<T: Config> Pallet<T> {
	/// Holds `amount` of `consumer`'s free balance as a dispute deposit.
	pub(crate) fn hold_dispute_deposit(consumer: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		T::Currency::hold(&HoldReason::DisputeDeposit.into(), consumer, amount)
			.map_err(|e| map_hold_shortfall(e, Error::<T>::InsufficientBalance))
	}

	/// Returns a dispute deposit to its consumer.
	pub(crate) fn return_dispute_deposit(consumer: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		T::Currency::release(&HoldReason::DisputeDeposit.into(), consumer, amount, Precision::Exact).map(|_| ())
	}

	/// A lost dispute's deposit goes to `SlashBeneficiary`; returns what moved.
	pub(crate) fn forfeit_dispute_deposit(
		consumer: &T::AccountId,
		amount: BalanceOf<T>,
	) -> Result<BalanceOf<T>, DispatchError> {
		T::Currency::transfer_on_hold(
			&HoldReason::DisputeDeposit.into(),
			consumer,
			&T::SlashBeneficiary::get(),
			amount,
			Precision::Exact,
			Restriction::Free,
			Fortitude::Force,
		)
	}

	/// Slashes `MissSlash` of `provider`'s bond: `MissBounty` of it to `reporter`, the rest to
	/// `SlashBeneficiary`. The bounty must be paid; what the bond cannot cover of the rest is
	/// forgone.
	pub(crate) fn slash_miss(
		provider: &T::AccountId,
		reporter: &T::AccountId,
	) -> Result<MissPenalty<BalanceOf<T>>, DispatchError> {
		let slash = T::MissSlash::get();
		let bounty_share = T::MissBounty::get().mul_floor(slash);
		let bounty = if bounty_share.is_zero() {
			Zero::zero()
		} else {
			T::Providers::slash(provider, bounty_share, reporter)?
		};
		let rest = slash.saturating_sub(bounty_share);
		let to_treasury = if rest.is_zero() {
			Zero::zero()
		} else {
			T::Providers::slash(provider, rest, &T::SlashBeneficiary::get()).unwrap_or_else(|_| Zero::zero())
		};
		let total = bounty.saturating_add(to_treasury);
		T::Observer::slashed(total);
		Ok(MissPenalty { bounty, total })
	}

	/// A provider that lost a dispute pays `amount` of its bond to `consumer`; a provider that
	/// has left has no bond to slash, and the consumer's refund stands regardless.
	pub(crate) fn slash_for_dispute(
		provider: &T::AccountId,
		amount: BalanceOf<T>,
		consumer: &T::AccountId,
	) -> BalanceOf<T> {
		let slashed = T::Providers::slash(provider, amount, consumer).unwrap_or_else(|_| Zero::zero());
		T::Observer::slashed(slashed);
		slashed
	}
}
