//! State invariants, checked by `try_state` and at the end of every test.

use alloc::collections::btree_map::BTreeMap;
use frame_support::{ensure, traits::fungible::InspectHold};
use sp_runtime::{traits::Zero, Saturating, TryRuntimeError};

use depin_primitives::ProviderRegistry;

use crate::{pallet::*, types::*, Config};

impl<T: Config> Pallet<T> {
	/// Checks, over every dispute, provider record and report:
	///
	/// 1. The stored epoch length is not zero (genesis never writes one).
	/// 2. Each consumer's `DisputeDeposit` hold is exactly the deposits of its open disputes.
	/// 3. A provider's liveness adds up: no more misses in a row than misses, and a last
	///    reported epoch exactly when it has reports.
	/// 4. A provider's records (`Liveness::recorded`) hold each epoch once (so none is both
	///    reported and missed), and no report of an epoch after the provider's last reported
	///    one.
	/// 5. `DisputedBeforeReport` lists exactly the open disputes of the provider's leases with
	///    nothing held or contested whose report has not landed: every one while its epoch may
	///    still be reported, and nothing else ever.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		Self::epoch_length_is_set()?;
		Self::dispute_deposits_match_holds()?;
		Self::liveness_adds_up()?;
		Self::reports_and_misses_are_disjoint()?;
		Self::disputes_before_report_are_indexed()
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
		for (_, liveness) in ProviderLiveness::<T>::iter() {
			let epochs: alloc::collections::BTreeSet<_> = liveness.recorded.iter().map(|(epoch, _)| *epoch).collect();
			ensure!(epochs.len() == liveness.recorded.len(), "an epoch recorded twice for a provider");
			for (epoch, outcome) in liveness.recorded.iter() {
				ensure!(
					!matches!(outcome, EpochOutcome::Reported(_)) ||
						liveness.last_reported.is_some_and(|last| *epoch <= last),
					"a report after the provider's last report"
				);
			}
		}
		Ok(())
	}

	/// 5.
	fn disputes_before_report_are_indexed() -> Result<(), TryRuntimeError> {
		for (provider, epoch, leases) in DisputedBeforeReport::<T>::iter() {
			ensure!(!leases.is_empty(), "an empty list of disputes before report is stored");
			ensure!(
				!ProviderLiveness::<T>::get(&provider).has_reported(epoch),
				"disputes listed as before a report that landed"
			);
			for lease in leases {
				let dispute = Disputes::<T>::get(lease, epoch).ok_or("a listed dispute is not open")?;
				ensure!(dispute.provider == provider, "a dispute listed under another provider");
				ensure!(dispute.held.is_none() && dispute.paid.is_none(), "a listed dispute holds or contests a charge");
			}
		}
		let (clock, now) = (Self::clock(), Self::now());
		for (lease, epoch, dispute) in Disputes::<T>::iter() {
			// A removed provider's report records went with it: its disputes cannot be told apart.
			let waiting = T::Providers::status(&dispute.provider).is_some() &&
				dispute.held.is_none() &&
				dispute.paid.is_none() &&
				clock.settleable(epoch, now) &&
				!ProviderLiveness::<T>::get(&dispute.provider).has_reported(epoch);
			if waiting {
				ensure!(
					DisputedBeforeReport::<T>::get(&dispute.provider, epoch).contains(&lease),
					"a dispute waiting for its report is not listed"
				);
			}
		}
		Ok(())
	}
}
