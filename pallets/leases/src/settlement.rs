//! Settlement of attested usage: reports book charges on leases (`claims` pays them), and
//! charges held for a dispute end as the ruling says.

use alloc::vec::Vec;
use depin_primitives::{
	ChargeableLease, LeaseCharge, LeaseObserver, LeaseSettlement, Payee, Payment, Settlement, TakeDestination,
	Verdict,
};
use frame_support::{ensure, storage::with_storage_layer, traits::Get};
use sp_runtime::{
	traits::{Saturating, UniqueSaturatedInto, Zero},
	DispatchError,
};

use crate::{money, pallet::*, types::*, Config};

impl<T: Config> Pallet<T> {
	/// An epoch `lease` may be charged for now: finished, unsettled, inside its report window,
	/// and one in which the lease ran. Returns the blocks it ran.
	fn settleable_blocks(lease: &Lease<T>, epoch: EpochIndex, now: BlockNumberOf<T>) -> Result<u32, DispatchError> {
		let (clock, block) = (Self::clock(), Self::block_index(now));
		ensure!(clock.has_ended(epoch, block), Error::<T>::EpochNotSettleable);
		ensure!(lease.settled_epoch.is_none_or(|settled| epoch > settled), Error::<T>::EpochNotSettleable);
		// A congested epoch stays settleable past its window (the clock's late settlement).
		ensure!(clock.settleable(epoch, block), Error::<T>::SettlementWindowClosed);
		if !lease.is_open() {
			// A closed lease can be charged only from what it retained for this purpose.
			ensure!(!lease.escrow.is_zero(), Error::<T>::EpochNotSettleable);
		}
		let blocks = Self::blocks_run_in(lease, epoch, Self::service_end(lease, now));
		ensure!(blocks > 0, Error::<T>::EpochNotSettleable);
		Ok(blocks)
	}

	pub(crate) fn do_settle_epoch(
		provider: &T::AccountId,
		epoch: EpochIndex,
		charges: &[LeaseCharge],
	) -> Result<Vec<Settlement<BalanceOf<T>>>, DispatchError> {
		// All or nothing, even for callers that keep going after an error.
		with_storage_layer(|| {
			let now = Self::now();
			let (mut charged, mut provider_share, mut take) = (Zero::zero(), Zero::zero(), Zero::zero());
			let mut settlements = Vec::with_capacity(charges.len());
			for charge in charges {
				let settlement = Self::settle_lease(provider, epoch, charge, now)?;
				if charge.payee == Payee::Provider {
					charged = settlement.charged.saturating_add(charged);
					provider_share = settlement.provider_share.saturating_add(provider_share);
					take = settlement.take.saturating_add(take);
				}
				settlements.push(settlement);
			}
			// The epoch's revenue is on the ledger now; the money moves when the provider claims.
			if !charged.is_zero() {
				let take_destination = TakeDestination::Beneficiary;
				T::Observer::settled(epoch, provider, &Payment { charged, provider_share, take, take_destination });
			}
			Ok(settlements)
		})
	}

	/// Charges one lease: books its charge, or holds it for a dispute.
	fn settle_lease(
		provider: &T::AccountId,
		epoch: EpochIndex,
		charge: &LeaseCharge,
		now: BlockNumberOf<T>,
	) -> Result<Settlement<BalanceOf<T>>, DispatchError> {
		let id = charge.lease;
		let mut lease = Leases::<T>::get(id).ok_or(Error::<T>::UnknownLease)?;
		ensure!(lease.provider == *provider, Error::<T>::WrongProvider);
		let ran = Self::settleable_blocks(&lease, epoch, now)?;

		let blocks = charge.attested_blocks.min(ran);
		let due = money::charge_for_blocks(lease.price_per_hour, blocks, T::BlocksPerHour::get())
			.ok_or(Error::<T>::Overflow)?;
		let charged = due.min(lease.escrow);
		let (provider_share, take) = match charge.payee {
			Payee::Provider => {
				let (provider_share, take) = money::split_take(charged, T::TakeRate::get());
				Self::book_charge(&mut lease, epoch, provider_share, take, now);
				Self::deposit_event(Event::LeaseSettled { lease: id, epoch, charged, provider_share, take });
				(provider_share, take)
			},
			// Nothing charged, nothing to hold: a zero held payment would outlive its lease.
			Payee::HeldForDispute if charged.is_zero() => (Zero::zero(), Zero::zero()),
			Payee::HeldForDispute => {
				Self::move_to_dispute_hold(&lease.consumer, charged)?;
				lease.disputed = lease.disputed.saturating_add(charged);
				HeldPayments::<T>::insert(id, epoch, charged);
				let (_, take) = money::split_take(charged, T::TakeRate::get());
				T::Observer::charge_held(epoch, provider, take);
				Self::deposit_event(Event::PaymentHeld { lease: id, epoch, amount: charged });
				(Zero::zero(), Zero::zero())
			},
		};
		lease.escrow = lease.escrow.saturating_sub(charged);
		lease.settled_epoch = Some(epoch);

		let mut closed = false;
		if lease.is_open() {
			if Self::is_underfunded(&lease, now)? {
				Self::close(id, lease, CloseReason::InsufficientFunds)?;
				closed = true;
			} else {
				Self::store(id, lease);
			}
		} else {
			Self::trim_retained(id, &mut lease)?;
			Self::store(id, lease);
		}
		Ok(Settlement { charged, provider_share, take, closed })
	}

	/// Ends the hold on a disputed epoch's payment as `verdict` says: pays it to the provider
	/// (less the take) or refunds it to the consumer. Returns the amount that was held.
	pub(crate) fn do_resolve_held(
		id: LeaseId,
		epoch: EpochIndex,
		verdict: Verdict,
	) -> Result<BalanceOf<T>, DispatchError> {
		with_storage_layer(|| {
			let amount = HeldPayments::<T>::take(id, epoch).ok_or(Error::<T>::NothingHeld)?;
			// A zero held payment (recorded before spec 106) holds nothing, maybe of a lease
			// already gone: it just ends.
			if amount.is_zero() {
				return Ok(amount);
			}
			let mut lease = Leases::<T>::get(id).ok_or(Error::<T>::UnknownLease)?;
			lease.disputed = lease.disputed.saturating_sub(amount);
			let (_, held_take) = money::split_take(amount, T::TakeRate::get());
			T::Observer::held_charge_ended(epoch, &lease.provider, held_take, verdict == Verdict::Provider);
			match verdict {
				Verdict::Provider => {
					let (provider_share, take) = money::split_take(amount, T::TakeRate::get());
					let paid = Self::take_from_hold(HoldReason::LeaseDispute, &lease.consumer, amount)?;
					// Decided (or timed out): nothing left to contest, so it is paid at once. A
					// provider that left cannot keep the dispute from ending: a share its
					// account cannot receive goes to the protocol (recorded if burned).
					let (take_destination, unpayable) = Self::pay_out(&lease.provider, epoch, paid, take);
					if take_destination == TakeDestination::Burned && !unpayable.is_zero() {
						T::Observer::take_burned(epoch, unpayable);
					}
					lease.paid = lease.paid.saturating_add(provider_share);
					lease.take = lease.take.saturating_add(take);
					Self::deposit_event(Event::LeaseSettled { lease: id, epoch, charged: amount, provider_share, take });
					let payment = Payment { charged: amount, provider_share, take, take_destination };
					T::Observer::settled(epoch, &lease.provider, &payment);
				},
				Verdict::Consumer => {
					Self::release_hold(HoldReason::LeaseDispute, &lease.consumer, amount)?;
					lease.refunded = lease.refunded.saturating_add(amount);
					Self::deposit_event(Event::HeldPaymentRefunded { lease: id, epoch, amount });
				},
			}
			Self::store(id, lease);
			Ok(amount)
		})
	}

	/// `provider` had a lease running during `epoch` (it owed a usage report for it).
	pub(crate) fn served_in(provider: &T::AccountId, epoch: EpochIndex) -> bool {
		let now = Self::now();
		ProviderLeases::<T>::get(provider)
			.into_iter()
			.filter_map(Leases::<T>::get)
			.any(|lease| Self::blocks_run_in(&lease, epoch, Self::service_end(&lease, now)) > 0)
	}
}

impl<T: Config> LeaseSettlement<T::AccountId, BalanceOf<T>> for Pallet<T> {
	fn settle_epoch(
		provider: &T::AccountId,
		epoch: EpochIndex,
		charges: &[LeaseCharge],
	) -> Result<Vec<Settlement<BalanceOf<T>>>, DispatchError> {
		Self::do_settle_epoch(provider, epoch, charges)
	}

	fn resolve_held(lease: LeaseId, epoch: EpochIndex, verdict: Verdict) -> Result<BalanceOf<T>, DispatchError> {
		Self::do_resolve_held(lease, epoch, verdict)
	}

	fn take_paid_charge(id: LeaseId, epoch: EpochIndex) -> Option<BalanceOf<T>> {
		Self::contest_paid_charge(id, epoch)
	}

	fn resolve_paid(lease: LeaseId, epoch: EpochIndex, verdict: Verdict) -> Result<BalanceOf<T>, DispatchError> {
		Self::do_resolve_paid(lease, epoch, verdict)
	}

	fn quote(lease: &ChargeableLease<T::AccountId, BalanceOf<T>>, attested_blocks: u32) -> BalanceOf<T> {
		let blocks = attested_blocks.min(lease.ran_blocks);
		money::charge_for_blocks(lease.price_per_hour, blocks, T::BlocksPerHour::get())
			.unwrap_or(lease.escrow)
			.min(lease.escrow)
	}

	fn parties(lease: LeaseId) -> Option<(T::AccountId, T::AccountId)> {
		Leases::<T>::get(lease).map(|lease| (lease.consumer, lease.provider))
	}

	fn served_in(provider: &T::AccountId, epoch: EpochIndex) -> bool {
		Self::served_in(provider, epoch)
	}

	fn chargeable_leases(provider: &T::AccountId, epoch: EpochIndex) -> Vec<ChargeableLease<T::AccountId, BalanceOf<T>>> {
		ProviderLeases::<T>::get(provider)
			.into_iter()
			.filter_map(|id| Self::chargeable(provider, id, epoch))
			.collect()
	}

	fn chargeable(
		provider: &T::AccountId,
		id: LeaseId,
		epoch: EpochIndex,
	) -> Option<ChargeableLease<T::AccountId, BalanceOf<T>>> {
		let lease = Leases::<T>::get(id).filter(|lease| lease.provider == *provider)?;
		let ran_blocks = Self::settleable_blocks(&lease, epoch, Self::now()).ok()?;
		Some(ChargeableLease {
			ran_blocks,
			price_per_hour: lease.price_per_hour,
			escrow: lease.escrow,
			id,
			served_from: lease.opened_at.unique_saturated_into(),
			served_until: match lease.status {
				LeaseStatus::Open => None,
				LeaseStatus::Closed { at, .. } => Some(at.unique_saturated_into()),
			},
			consumer: lease.consumer,
			gpus: lease.gpus.into_inner(),
			storage_gib: lease.storage_gib,
			cpu_cores: lease.cpu_cores,
		})
	}

	fn lease_count(provider: &T::AccountId) -> u32 {
		ProviderLeases::<T>::decode_len(provider).unwrap_or(0) as u32
	}

	fn max_leases_per_provider() -> u32 {
		T::MaxLeasesPerProvider::get()
	}
}

