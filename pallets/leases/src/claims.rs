//! Booked charges and claims: a report books each lease's charge on the lease; the money moves
//! when the provider (or anyone for it) claims.
//!
//! A report's charge stays on the consumer's escrow hold, contestable for an epoch after the
//! report landed (`BookedCharge::claimable_at`), however soon the provider's next report
//! follows. A dispute raised in that time moves the charge's provider share to the consumer's
//! dispute hold until the ruling (`ContestedCharges`); the take stays booked, as it stayed paid
//! before. Past its window a charge is `unclaimed`: `claim_earnings` takes every lease's
//! unclaimed charges off the consumers' holds at once, pays the provider its shares and the
//! protocol its take, one payout however many epochs waited. So reports move no money (no hold,
//! account or lock is written per report or per lease) and the provider cannot spend a charge
//! that can still be contested.

use depin_primitives::{LeaseObserver, TakeDestination, Verdict};
use frame_support::{
	ensure,
	storage::with_storage_layer,
	traits::tokens::imbalance::Imbalance,
};
use sp_runtime::{
	traits::{Saturating, Zero},
	DispatchError,
};

use crate::{pallet::*, types::*, Config};

impl<T: Config> Pallet<T> {
	/// Books `epoch`'s charge on `lease`: contestable for an epoch from `now`.
	pub(crate) fn book_charge(
		lease: &mut Lease<T>,
		epoch: EpochIndex,
		share: BalanceOf<T>,
		take: BalanceOf<T>,
		now: BlockNumberOf<T>,
	) {
		lease.paid = lease.paid.saturating_add(share);
		lease.take = lease.take.saturating_add(take);
		lease.mature_charges(now);
		if share.is_zero() && take.is_zero() {
			return;
		}
		// At most three of a lease's charges are contestable at once (a late epoch's, the next
		// one's and the one after); should a fourth come, the oldest stops being contestable.
		if lease.contestable.is_full() {
			let oldest = lease.contestable.remove(0);
			lease.unclaimed.add(oldest.share, oldest.take);
		}
		let claimable_at = now.saturating_add(Self::clock().length().into());
		// Cannot fail: room was just made.
		let _ = lease.contestable.try_push(BookedCharge { epoch, share, take, claimable_at });
	}

	/// Pays `provider` every charge of its leases nobody can contest any more, and releases its
	/// earnings locked before claims existed that nobody can contest any more either. Returns
	/// the leases it looked at (for the weight).
	pub(crate) fn do_claim_earnings(provider: &T::AccountId) -> Result<u32, DispatchError> {
		with_storage_layer(|| {
			let released = Self::release_unlocked_earnings(provider)?;
			let now = Self::now();
			let ids = ProviderLeases::<T>::get(provider);
			let mut paid = CreditOf::<T>::zero();
			let (mut share, mut take, mut leases) = (BalanceOf::<T>::zero(), BalanceOf::<T>::zero(), 0u32);
			for id in ids.iter().copied() {
				let Some(mut lease) = Leases::<T>::get(id) else { continue };
				lease.mature_charges(now);
				let unclaimed = core::mem::take(&mut lease.unclaimed);
				let due = unclaimed.share.saturating_add(unclaimed.take);
				if due.is_zero() {
					continue;
				}
				paid.subsume(Self::take_from_hold(HoldReason::LeaseEscrow, &lease.consumer, due)?);
				share = share.saturating_add(unclaimed.share);
				take = take.saturating_add(unclaimed.take);
				leases = leases.saturating_add(1);
				Self::unlist_once_unheld(id, &lease);
				Self::store(id, lease);
			}
			ensure!(!paid.peek().is_zero() || released > 0, Error::<T>::NothingToClaim);
			if !paid.peek().is_zero() {
				let epoch = Self::clock().epoch_of(Self::block_index(now));
				let unpayable = Self::pay_out_recorded(provider, epoch, paid, take);
				let share = share.saturating_sub(unpayable);
				Self::deposit_event(Event::EarningsClaimed { provider: provider.clone(), leases, share, take });
			}
			Ok(ids.len() as u32)
		})
	}

	/// [`Self::pay_out`], with a burn of the protocol's part told to the ledger. Returns
	/// the share the provider could not receive.
	pub(crate) fn pay_out_recorded(
		provider: &T::AccountId,
		epoch: EpochIndex,
		paid: CreditOf<T>,
		take: BalanceOf<T>,
	) -> BalanceOf<T> {
		let (destination, unpayable) = Self::pay_out(provider, epoch, paid, take);
		if destination == TakeDestination::Burned {
			T::Observer::take_burned(epoch, take.saturating_add(unpayable));
		}
		unpayable
	}

	/// What a claim for `provider` would move now: its share and the protocol's take of the
	/// charges nobody can contest any more.
	pub fn claimable(provider: &T::AccountId) -> Unclaimed<BalanceOf<T>> {
		let now = Self::now();
		let mut sum = Unclaimed::default();
		for mut lease in ProviderLeases::<T>::get(provider).into_iter().filter_map(Leases::<T>::get) {
			lease.mature_charges(now);
			sum.add(lease.unclaimed.share, lease.unclaimed.take);
		}
		sum
	}

	/// A consumer contests the charge `epoch`'s report booked on lease `id`, while it is still
	/// contestable: its provider share moves to the consumer's dispute hold until the ruling;
	/// the take stays booked. Returns what was charged. `None` if nothing of `epoch` can be
	/// contested.
	pub(crate) fn contest_booked_charge(id: LeaseId, epoch: EpochIndex) -> Option<BalanceOf<T>> {
		let mut lease = Leases::<T>::get(id)?;
		let now = Self::now();
		let position = lease.contestable.iter().position(|charge| charge.epoch == epoch && now < charge.claimable_at)?;
		let charge = lease.contestable[position];
		// Moves held funds between two holds of one account: cannot fail while the ledger adds
		// up (try_state), and changes nothing if it does.
		with_storage_layer(|| Self::move_to_dispute_hold(&lease.consumer, charge.share)).ok()?;
		lease.contestable.remove(position);
		lease.unclaimed.take = lease.unclaimed.take.saturating_add(charge.take);
		if !charge.share.is_zero() {
			lease.paid = lease.paid.saturating_sub(charge.share);
			lease.disputed = lease.disputed.saturating_add(charge.share);
			ContestedCharges::<T>::insert(id, epoch, charge.share);
		}
		Self::unlist_once_unheld(id, &lease);
		Self::store(id, lease);
		Some(charge.share.saturating_add(charge.take))
	}

	/// Ends a contested booked charge as `verdict` says: its share paid to the provider, or
	/// refunded to the consumer. `None` if `epoch`'s charge of `id` is not contested that way.
	pub(crate) fn resolve_contested_charge(
		id: LeaseId,
		epoch: EpochIndex,
		verdict: Verdict,
	) -> Option<Result<BalanceOf<T>, DispatchError>> {
		let share = ContestedCharges::<T>::get(id, epoch)?;
		Some(with_storage_layer(|| {
			ContestedCharges::<T>::remove(id, epoch);
			let mut lease = Leases::<T>::get(id).ok_or(Error::<T>::UnknownLease)?;
			lease.disputed = lease.disputed.saturating_sub(share);
			match verdict {
				Verdict::Provider => {
					let paid = Self::take_from_hold(HoldReason::LeaseDispute, &lease.consumer, share)?;
					// A provider that left cannot keep the dispute from ending.
					Self::pay_out_recorded(&lease.provider, epoch, paid, Zero::zero());
					lease.paid = lease.paid.saturating_add(share);
				},
				Verdict::Consumer => {
					Self::release_hold(HoldReason::LeaseDispute, &lease.consumer, share)?;
					lease.refunded = lease.refunded.saturating_add(share);
					Self::deposit_event(Event::PaidChargeRefunded { lease: id, epoch, amount: share });
				},
			}
			Self::store(id, lease);
			Ok(share)
		}))
	}
}
