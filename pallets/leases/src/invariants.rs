//! State invariants, checked by `try_state` and at the end of every test.

use alloc::{collections::btree_map::BTreeMap, vec::Vec};
use depin_primitives::{Commitment, ProviderRegistry};
use frame_support::{
	ensure,
	traits::{fungible::InspectHold, Get},
};
use sp_runtime::{
	traits::{Saturating, Zero},
	TryRuntimeError,
};

use crate::{pallet::*, types::*, Config};

/// Adds `amount` to `who`'s entry of `sums`.
fn add_to<K: Ord, B: Saturating + Zero + Copy>(sums: &mut BTreeMap<K, B>, who: K, amount: B) {
	let sum = sums.entry(who).or_insert_with(Zero::zero);
	*sum = sum.saturating_add(amount);
}

impl<T: Config> Pallet<T> {
	/// Checks, over every lease, order and provider:
	///
	/// 1. Every lease's money adds up: `paid + take + refunded + escrow + disputed = deposited`
	///    (`paid` and `take` include what is booked and not claimed yet); no booked charge is
	///    zero.
	/// 2. A lease's `disputed` amount is the sum of its `HeldPayments` and `ContestedCharges`,
	///    and each consumer's `LeaseDispute` hold is the sum of its leases' disputed amounts; no
	///    held payment or contested charge belongs to an unknown lease.
	/// 3. Each consumer's `LeaseEscrow` hold is exactly the escrow and the booked, unclaimed
	///    charges of its leases plus the deposits of its orders.
	/// 4. A lease is listed on both its parties' lists exactly while it is open or has money on
	///    the escrow hold (escrow or booked charges).
	/// 5. `LeasedGpu` marks exactly the GPUs of open leases, each owned by the lease's provider.
	/// 6. Every order is listed for its consumer and counts its bids correctly; no bid is from a
	///    bidder the order rejected; each provider's `BidDeposit` hold is `BidDeposit` per
	///    standing bid. Closed leases holding no money are not stored.
	/// 7. Each provider's `Commitments` entry is the sum of its open leases and never exceeds
	///    its declared capacity.
	/// 8. No empty entry is stored: no empty lease or order list, no all-zero commitment (a
	///    `ValueQuery` mutation would otherwise leave them behind for good).
	/// 9. Each provider's `ProviderEarnings` hold is exactly its locked earnings plus the shares
	///    of its contested charges; no locked or contested amount is zero.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		Self::lease_money_adds_up()?;
		Self::held_payments_match_dispute_holds()?;
		Self::escrow_matches_holds()?;
		Self::listed_exactly_while_holding_escrow()?;
		Self::leased_gpus_match_open_leases()?;
		Self::orders_are_consistent()?;
		Self::commitments_match_open_leases()?;
		Self::no_empty_entries()?;
		Self::locked_earnings_match_holds()
	}

	/// 8.
	fn no_empty_entries() -> Result<(), TryRuntimeError> {
		ensure!(ProviderLeases::<T>::iter_values().all(|ids| !ids.is_empty()), "an empty provider lease list");
		ensure!(ConsumerLeases::<T>::iter_values().all(|ids| !ids.is_empty()), "an empty consumer lease list");
		ensure!(ConsumerOrders::<T>::iter_values().all(|ids| !ids.is_empty()), "an empty consumer order list");
		ensure!(
			Commitments::<T>::iter_values().all(|c| c != Commitment::default()),
			"an all-zero commitment"
		);
		Ok(())
	}

	/// 9.
	fn locked_earnings_match_holds() -> Result<(), TryRuntimeError> {
		let mut locked_of: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		for (provider, _, locked) in LockedEarnings::<T>::iter() {
			ensure!(!locked.amount.is_zero(), "zero earnings locked");
			add_to(&mut locked_of, provider, locked.amount);
		}
		for (_, _, contested) in ContestedEarnings::<T>::iter() {
			ensure!(!contested.share.is_zero(), "a zero contested share");
			add_to(&mut locked_of, contested.provider, contested.share);
		}
		let reason: T::RuntimeHoldReason = HoldReason::ProviderEarnings.into();
		for (provider, expected) in &locked_of {
			ensure!(
				T::Currency::balance_on_hold(&reason, provider) == *expected,
				"a provider's ProviderEarnings hold differs from its locked and contested earnings"
			);
		}
		Ok(())
	}

	/// 1.
	fn lease_money_adds_up() -> Result<(), TryRuntimeError> {
		for (_, lease) in Leases::<T>::iter() {
			let accounted = lease
				.paid
				.saturating_add(lease.take)
				.saturating_add(lease.refunded)
				.saturating_add(lease.escrow)
				.saturating_add(lease.disputed);
			ensure!(
				accounted == lease.deposited,
				"a lease's paid + take + refunded + escrow + disputed differs from its deposits"
			);
			ensure!(
				lease.contestable.iter().all(|charge| !charge.share.saturating_add(charge.take).is_zero()),
				"a zero booked charge"
			);
			ensure!(lease.booked() <= lease.paid.saturating_add(lease.take), "more booked than charged");
		}
		Ok(())
	}

	/// 2.
	fn held_payments_match_dispute_holds() -> Result<(), TryRuntimeError> {
		let mut disputed_of: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		for (id, lease) in Leases::<T>::iter() {
			let held = HeldPayments::<T>::iter_prefix_values(id)
				.chain(ContestedCharges::<T>::iter_prefix_values(id))
				.fold(BalanceOf::<T>::zero(), |sum, amount| sum.saturating_add(amount));
			ensure!(held == lease.disputed, "a lease's disputed amount differs from its held payments");
			add_to(&mut disputed_of, lease.consumer, held);
		}
		let reason: T::RuntimeHoldReason = HoldReason::LeaseDispute.into();
		for (consumer, expected) in disputed_of {
			ensure!(
				T::Currency::balance_on_hold(&reason, &consumer) == expected,
				"a consumer's LeaseDispute hold differs from its leases' held payments"
			);
		}
		ensure!(
			HeldPayments::<T>::iter_keys().all(|(id, _)| Leases::<T>::contains_key(id)),
			"a held payment of an unknown lease"
		);
		ensure!(
			ContestedCharges::<T>::iter().all(|(id, _, share)| !share.is_zero() && Leases::<T>::contains_key(id)),
			"a zero contested charge, or one of an unknown lease"
		);
		Ok(())
	}

	/// 3.
	fn escrow_matches_holds() -> Result<(), TryRuntimeError> {
		let mut escrow_of: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		for (_, lease) in Leases::<T>::iter() {
			if lease.stays_listed() {
				let held = lease.on_escrow_hold();
				add_to(&mut escrow_of, lease.consumer, held);
			}
		}
		for (_, order) in Orders::<T>::iter() {
			add_to(&mut escrow_of, order.consumer, order.deposit);
		}
		let reason: T::RuntimeHoldReason = HoldReason::LeaseEscrow.into();
		let consumers: Vec<T::AccountId> = ConsumerLeases::<T>::iter_keys()
			.chain(ConsumerOrders::<T>::iter_keys())
			.chain(escrow_of.keys().cloned())
			.collect();
		for consumer in consumers {
			let expected = escrow_of.get(&consumer).copied().unwrap_or_else(Zero::zero);
			ensure!(
				T::Currency::balance_on_hold(&reason, &consumer) == expected,
				"a consumer's LeaseEscrow hold differs from the escrow and booked charges of its orders and leases"
			);
		}
		Ok(())
	}

	/// 4.
	fn listed_exactly_while_holding_escrow() -> Result<(), TryRuntimeError> {
		for (id, lease) in Leases::<T>::iter() {
			let by_provider = ProviderLeases::<T>::get(&lease.provider).contains(&id);
			let by_consumer = ConsumerLeases::<T>::get(&lease.consumer).contains(&id);
			if lease.stays_listed() {
				ensure!(by_provider && by_consumer, "a lease holding escrow is missing from its parties' lists");
			} else {
				ensure!(!by_provider && !by_consumer, "a settled-up closed lease is still listed");
			}
		}
		Ok(())
	}

	/// 5.
	fn leased_gpus_match_open_leases() -> Result<(), TryRuntimeError> {
		for (id, lease) in Leases::<T>::iter().filter(|(_, lease)| lease.is_open()) {
			for gpu in &lease.gpus {
				ensure!(LeasedGpu::<T>::get(gpu) == Some(id), "a leased GPU is not marked leased");
				ensure!(
					T::Providers::gpu_owner(gpu).as_ref() == Some(&lease.provider),
					"a lease holds a GPU its provider does not own"
				);
			}
		}
		for (gpu, id) in LeasedGpu::<T>::iter() {
			ensure!(
				Leases::<T>::get(id).is_some_and(|l| l.is_open() && l.gpus.contains(&gpu)),
				"a GPU is marked leased without an open lease holding it"
			);
		}
		Ok(())
	}

	/// 6.
	fn orders_are_consistent() -> Result<(), TryRuntimeError> {
		for (id, order) in Orders::<T>::iter() {
			ensure!(ConsumerOrders::<T>::get(&order.consumer).contains(&id), "an order is not listed");
			ensure!(Bids::<T>::iter_prefix(id).count() as u32 == order.bids, "an order's bid counter is off");
			ensure!(
				Bids::<T>::iter_key_prefix(id).all(|bidder| !order.rejected.contains(&bidder)),
				"a rejected bidder has a bid"
			);
		}
		let mut bids_of: BTreeMap<T::AccountId, u32> = BTreeMap::new();
		for (_, bidder, _) in Bids::<T>::iter() {
			add_to(&mut bids_of, bidder, 1u32);
		}
		for (bidder, bids) in bids_of {
			let held = T::Currency::balance_on_hold(&HoldReason::BidDeposit.into(), &bidder);
			ensure!(held == T::BidDeposit::get().saturating_mul(bids.into()), "a bidder's deposit hold is off");
		}
		ensure!(
			Leases::<T>::iter_values().all(|lease| !lease.is_settled_up()),
			"a closed lease holding no money is stored"
		);
		Ok(())
	}

	/// 7.
	fn commitments_match_open_leases() -> Result<(), TryRuntimeError> {
		let mut expected: BTreeMap<T::AccountId, Commitment> = BTreeMap::new();
		for (_, lease) in Leases::<T>::iter().filter(|(_, lease)| lease.is_open()) {
			let c = expected.entry(lease.provider.clone()).or_default();
			c.open_leases = c.open_leases.saturating_add(1);
			c.storage_gib = c.storage_gib.saturating_add(lease.storage_gib.into());
			c.cpu_cores = c.cpu_cores.saturating_add(lease.cpu_cores);
		}
		for (provider, recorded) in Commitments::<T>::iter() {
			ensure!(
				recorded == expected.remove(&provider).unwrap_or_default(),
				"a provider's committed capacity is off"
			);
			let capacity = T::Providers::capacity(&provider).unwrap_or_default();
			ensure!(
				recorded.storage_bytes() <= capacity.storage_bytes && recorded.cpu_cores <= capacity.cpu_cores,
				"a provider leased more than it has"
			);
		}
		ensure!(
			expected.values().all(|c| *c == Commitment::default()),
			"open leases of a provider without a commitment record"
		);
		Ok(())
	}
}
