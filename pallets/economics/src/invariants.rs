//! State invariants, checked by `try_state` and at the end of every test.

use frame_support::{ensure, traits::fungible::Inspect};
use sp_runtime::{Saturating, TryRuntimeError};

use crate::{pallet::*, Config};

impl<T: Config> Pallet<T> {
	/// Checks the token supply and every epoch ledger:
	///
	/// 1. Total issuance is exactly genesis issuance + minted − burned: nothing else creates or
	///    destroys tokens.
	/// 2. In every ledger, claimed ≤ minted ≤ the emission allowance; the allowance is its usage
	///    and capacity parts; usage emission never exceeds the take matched at the close; and fee
	///    revenue is exactly provider earnings + take (to the treasury or burned).
	/// 3. No epoch after `LastClosedEpoch` is closed.
	/// 4. The ledgers' minted and burned amounts, with the archived ledgers', add up to
	///    `TotalMinted` and `TotalBurned`; no ledger is left of an archived epoch.
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		Self::issuance_is_accounted_for()?;
		Self::ledgers_add_up()?;
		Self::closed_epochs_are_in_order()?;
		Self::totals_match_ledgers()
	}

	/// 1.
	fn issuance_is_accounted_for() -> Result<(), TryRuntimeError> {
		let expected =
			GenesisIssuance::<T>::get().saturating_add(TotalMinted::<T>::get()).saturating_sub(TotalBurned::<T>::get());
		ensure!(
			T::Currency::total_issuance() == expected,
			"total issuance is not genesis issuance + minted - burned"
		);
		Ok(())
	}

	/// 2.
	fn ledgers_add_up() -> Result<(), TryRuntimeError> {
		for (_, ledger) in Ledgers::<T>::iter() {
			ensure!(ledger.emission_claimed <= ledger.emission_minted, "more claimed than minted");
			ensure!(ledger.emission_minted <= ledger.emission, "more minted than the allowance");
			ensure!(
				ledger.usage_emission.saturating_add(ledger.capacity_emission) == ledger.emission,
				"emission is not usage + capacity emission"
			);
			ensure!(ledger.usage_emission <= ledger.matched_take, "usage emission above the take paid");
			let paid_out =
				ledger.provider_earnings.saturating_add(ledger.take_to_treasury).saturating_add(ledger.take_burned);
			ensure!(paid_out == ledger.fee_revenue, "fee revenue is not earnings + take");
		}
		Ok(())
	}

	/// 3.
	fn closed_epochs_are_in_order() -> Result<(), TryRuntimeError> {
		let last = LastClosedEpoch::<T>::get();
		for (epoch, ledger) in Ledgers::<T>::iter() {
			ensure!(!ledger.closed || last.is_some_and(|last| epoch <= last), "closed after the last closed");
		}
		Ok(())
	}

	/// 4.
	fn totals_match_ledgers() -> Result<(), TryRuntimeError> {
		let (mut minted, mut burned) = (BalanceOf::<T>::default(), BalanceOf::<T>::default());
		for (_, ledger) in Ledgers::<T>::iter() {
			minted = minted.saturating_add(ledger.emission_minted);
			burned = burned.saturating_add(ledger.burned);
		}
		let (archived_minted, archived_burned) = Archived::<T>::get();
		let (minted, burned) = (minted.saturating_add(archived_minted), burned.saturating_add(archived_burned));
		ensure!(minted == TotalMinted::<T>::get(), "ledgers' minted differ from the total");
		ensure!(burned == TotalBurned::<T>::get(), "ledgers' burned differ from the total");
		ensure!(
			Ledgers::<T>::iter_keys().all(|epoch| epoch >= ArchivedBefore::<T>::get()),
			"a ledger of an archived epoch"
		);
		Ok(())
	}
}
