//! State invariants, checked by `try_state` and at the end of every test.

use alloc::collections::btree_map::BTreeMap;
use frame_support::{ensure, traits::fungible::InspectHold};
use sp_runtime::{traits::Zero, Saturating, TryRuntimeError};

use crate::{pallet::*, types::*, Config};

impl<T: Config> Pallet<T> {
	/// Checks, over every dispute, provider record and report:
	///
	/// 1. The stored epoch length is not zero (genesis never writes one).
	/// 2. Each consumer's `DisputeDeposit` hold is exactly the deposits of its open disputes.
	/// 3. A provider's liveness adds up: no more misses in a row than misses, and a last
	///    reported epoch exactly when it has reports.
	/// 4. No epoch of a provider is both reported and missed, and no kept report is of an epoch
	///    after the provider's last reported one.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		Self::epoch_length_is_set()?;
		Self::dispute_deposits_match_holds()?;
		Self::liveness_adds_up()?;
		Self::reports_and_misses_are_disjoint()
	}

	/// 1.
	fn epoch_length_is_set() -> Result<(), TryRuntimeError> {
		ensure!(EpochLength::<T>::get() > 0, "epoch length is zero");
		Ok(())
	}

	/// 2.
	fn dispute_deposits_match_holds() -> Result<(), TryRuntimeError> {
		let mut deposits: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		for (_, _, dispute) in Disputes::<T>::iter() {
			let held = deposits.entry(dispute.consumer.clone()).or_insert_with(Zero::zero);
			*held = held.saturating_add(dispute.deposit);
		}
		let reason: T::RuntimeHoldReason = HoldReason::DisputeDeposit.into();
		for (consumer, expected) in &deposits {
			ensure!(
				T::Currency::balance_on_hold(&reason, consumer) == *expected,
				"a consumer's DisputeDeposit hold differs from its open disputes"
			);
		}
		Ok(())
	}

	/// 3.
	fn liveness_adds_up() -> Result<(), TryRuntimeError> {
		for (_, liveness) in ProviderLiveness::<T>::iter() {
			ensure!(liveness.missed_in_a_row <= liveness.misses, "more misses in a row than misses");
			ensure!(
				liveness.last_reported.is_none() == (liveness.reports == 0),
				"a last report without reports, or reports without a last"
			);
		}
		Ok(())
	}

	/// 4.
	fn reports_and_misses_are_disjoint() -> Result<(), TryRuntimeError> {
		for (provider, epoch, _) in Reports::<T>::iter() {
			ensure!(!Misses::<T>::contains_key(&provider, epoch), "an epoch both reported and missed");
			ensure!(
				ProviderLiveness::<T>::get(&provider).last_reported.is_some_and(|last| epoch <= last),
				"a report after the provider's last report"
			);
		}
		Ok(())
	}
}
