//! State invariants, checked by `try_state` and at the end of every test.

use alloc::collections::btree_map::BTreeMap;
use frame_support::traits::fungible::InspectHold;
use sp_runtime::{traits::Zero, Saturating, TryRuntimeError};

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
		ensure_state(EpochLength::<T>::get() > 0, "epoch length is zero")?;

		let mut deposits: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		for (_, _, dispute) in Disputes::<T>::iter() {
			let held = deposits.entry(dispute.consumer.clone()).or_insert_with(Zero::zero);
			*held = held.saturating_add(dispute.deposit);
		}
		let reason: T::RuntimeHoldReason = HoldReason::DisputeDeposit.into();
		for (consumer, expected) in &deposits {
			ensure_state(
				T::Currency::balance_on_hold(&reason, consumer) == *expected,
				"a consumer's DisputeDeposit hold differs from its open disputes",
			)?;
		}

		for (_, liveness) in ProviderLiveness::<T>::iter() {
			ensure_state(liveness.missed_in_a_row <= liveness.misses, "more misses in a row than misses")?;
			ensure_state(
				liveness.last_reported.is_none() == (liveness.reports == 0),
				"a last report without reports, or reports without a last",
			)?;
		}
		for (provider, epoch, _) in Reports::<T>::iter() {
			ensure_state(!Misses::<T>::contains_key(&provider, epoch), "an epoch both reported and missed")?;
			ensure_state(
				ProviderLiveness::<T>::get(&provider).last_reported.is_some_and(|last| epoch <= last),
				"a report after the provider's last report",
			)?;
		}
		Ok(())
	}
}
