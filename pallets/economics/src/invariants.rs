//! State invariants, checked by `try_state` and at the end of every test.

use frame_support::traits::fungible::Inspect;
use sp_runtime::{Saturating, TryRuntimeError};

use crate::{pallet::*, Config};

fn ensure_state(condition: bool, message: &'static str) -> Result<(), TryRuntimeError> {
	if condition {
		Ok(())
	} else {
		Err(message.into())
	}
}

impl<T: Config> Pallet<T> {
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		ensure_state(
			T::Currency::total_issuance() ==
				GenesisIssuance::<T>::get().saturating_add(TotalMinted::<T>::get()).saturating_sub(TotalBurned::<T>::get()),
			"total issuance is not genesis issuance + minted - burned",
		)?;
		let mut minted = BalanceOf::<T>::default();
		let mut burned = BalanceOf::<T>::default();
		for (epoch, ledger) in Ledgers::<T>::iter() {
			ensure_state(ledger.emission_claimed <= ledger.emission_minted, "more claimed than minted")?;
			ensure_state(ledger.emission_minted <= ledger.emission, "more minted than the allowance")?;
			ensure_state(
				ledger.provider_earnings.saturating_add(ledger.take_to_treasury).saturating_add(ledger.take_burned) ==
					ledger.fee_revenue,
				"fee revenue is not earnings + take",
			)?;
			ensure_state(!ledger.closed || LastClosedEpoch::<T>::get().is_some_and(|last| epoch <= last), "closed after the last closed")?;
			minted = minted.saturating_add(ledger.emission_minted);
			burned = burned.saturating_add(ledger.burned);
		}
		ensure_state(minted == TotalMinted::<T>::get(), "ledgers' minted differ from the total")?;
		ensure_state(burned == TotalBurned::<T>::get(), "ledgers' burned differ from the total")?;
		Ok(())
	}
}
