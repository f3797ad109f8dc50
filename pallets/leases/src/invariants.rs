//! State invariants, checked by `try_state` and at the end of every test.

use alloc::collections::btree_map::BTreeMap;
use frame_support::traits::fungible::InspectHold;
use pallet_providers::ProviderRegistry;
use sp_runtime::{
	traits::{Saturating, Zero},
	TryRuntimeError,
};

use crate::{pallet::*, types::*, Config};

fn ensure_state(condition: bool, message: &'static str) -> Result<(), TryRuntimeError> {
	if condition {
		Ok(())
	} else {
		Err(message.into())
	}
}

impl<T: Config> Pallet<T> {
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let mut escrow_of: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let mut committed: BTreeMap<T::AccountId, Commitment> = BTreeMap::new();

		let mut disputed_of: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();

		for (id, lease) in Leases::<T>::iter() {
			ensure_state(
				lease
					.paid
					.saturating_add(lease.take)
					.saturating_add(lease.refunded)
					.saturating_add(lease.escrow)
					.saturating_add(lease.disputed) ==
					lease.deposited,
				"a lease's paid + take + refunded + escrow + disputed differs from its deposits",
			)?;
			let held: BalanceOf<T> = HeldPayments::<T>::iter_prefix_values(id)
				.fold(Zero::zero(), |sum: BalanceOf<T>, amount| sum.saturating_add(amount));
			ensure_state(held == lease.disputed, "a lease's disputed amount differs from its held payments")?;
			let of_consumer = disputed_of.entry(lease.consumer.clone()).or_insert_with(Zero::zero);
			*of_consumer = of_consumer.saturating_add(held);
			let claims = ProviderLeases::<T>::get(&lease.provider).contains(&id) &&
				ConsumerLeases::<T>::get(&lease.consumer).contains(&id);
			if lease.is_open() || !lease.escrow.is_zero() {
				ensure_state(claims, "a lease holding escrow is missing from its parties' lists")?;
				let held = escrow_of.entry(lease.consumer.clone()).or_insert_with(Zero::zero);
				*held = held.saturating_add(lease.escrow);
			} else {
				ensure_state(
					!ProviderLeases::<T>::get(&lease.provider).contains(&id) &&
						!ConsumerLeases::<T>::get(&lease.consumer).contains(&id),
					"a settled-up closed lease is still listed",
				)?;
			}
			if lease.is_open() {
				let c = committed.entry(lease.provider.clone()).or_default();
				c.open_leases = c.open_leases.saturating_add(1);
				c.storage_gib = c.storage_gib.saturating_add(lease.storage_gib.into());
				c.cpu_cores = c.cpu_cores.saturating_add(lease.cpu_cores);
				for gpu in &lease.gpus {
					ensure_state(LeasedGpu::<T>::get(gpu) == Some(id), "a leased GPU is not marked leased")?;
					ensure_state(
						T::Providers::gpu_owner(gpu).as_ref() == Some(&lease.provider),
						"a lease holds a GPU its provider does not own",
					)?;
				}
			}
		}

		for (gpu, id) in LeasedGpu::<T>::iter() {
			let lease = Leases::<T>::get(id);
			ensure_state(
				lease.is_some_and(|l| l.is_open() && l.gpus.contains(&gpu)),
				"a GPU is marked leased without an open lease holding it",
			)?;
		}

		for (id, order) in Orders::<T>::iter() {
			ensure_state(ConsumerOrders::<T>::get(&order.consumer).contains(&id), "an order is not listed")?;
			ensure_state(
				Bids::<T>::iter_prefix(id).count() as u32 == order.bids,
				"an order's bid counter is off",
			)?;
			let held = escrow_of.entry(order.consumer.clone()).or_insert_with(Zero::zero);
			*held = held.saturating_add(order.deposit);
		}

		let reason: T::RuntimeHoldReason = HoldReason::LeaseEscrow.into();
		let consumers = ConsumerLeases::<T>::iter_keys().chain(ConsumerOrders::<T>::iter_keys());
		for consumer in consumers.chain(escrow_of.keys().cloned().collect::<alloc::vec::Vec<_>>()) {
			let expected = escrow_of.get(&consumer).copied().unwrap_or_else(Zero::zero);
			ensure_state(
				T::Currency::balance_on_hold(&reason, &consumer) == expected,
				"a consumer's LeaseEscrow hold differs from the escrow of its orders and leases",
			)?;
		}

		let dispute_reason: T::RuntimeHoldReason = HoldReason::LeaseDispute.into();
		for (consumer, expected) in disputed_of {
			ensure_state(
				T::Currency::balance_on_hold(&dispute_reason, &consumer) == expected,
				"a consumer's LeaseDispute hold differs from its leases' held payments",
			)?;
		}
		ensure_state(
			HeldPayments::<T>::iter_keys().all(|(id, _)| Leases::<T>::contains_key(id)),
			"a held payment of an unknown lease",
		)?;

		for (provider, recorded) in Committed::<T>::iter() {
			let expected = committed.remove(&provider).unwrap_or_default();
			ensure_state(recorded == expected, "a provider's committed capacity is off")?;
			let capacity = T::Providers::capacity(&provider).unwrap_or_default();
			ensure_state(
				recorded.storage_gib.saturating_mul(GIB) <= capacity.storage_bytes &&
					recorded.cpu_cores <= capacity.cpu_cores,
				"a provider leased more than it has",
			)?;
		}
		ensure_state(
			committed.values().all(|c| *c == Commitment::default()),
			"open leases of a provider without a commitment record",
		)?;
		Ok(())
	}
}
