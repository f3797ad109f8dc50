//! `try_state`: what must hold after every block and every test.
//!
//! 1. At most `MaxRoots` roots are trusted, and the counter matches the map.
//! 2. Every recorded attestation covers `ValidityEpochs` epochs from the one it last answered,
//!    and its run began no later.
//! 3. One record per chip: no device identity is recorded under two GPU entries.
//! 4. Every recorded attestation's chip is claimed by the record's provider for that entry.
//! 5. No revoked device identity is claimed.
//! 6. The nonce seed is the current epoch's (once a block has run).

use alloc::collections::btree_set::BTreeSet;
use frame_support::traits::Get;
use sp_runtime::TryRuntimeError;

use crate::{pallet::*, Config};

impl<T: Config> Pallet<T> {
	pub fn do_try_state() -> Result<(), TryRuntimeError> {
		let roots = Roots::<T>::iter_keys().count() as u32;
		ensure_that(roots == Roots::<T>::count(), "root counter matches the roots")?;
		ensure_that(roots <= T::MaxRoots::get(), "at most MaxRoots roots")?;

		let mut devices = BTreeSet::new();
		for (provider, gpu, record) in Attestations::<T>::iter() {
			ensure_that(
				record.expires == record.attested.saturating_add(T::ValidityEpochs::get()),
				"an attestation covers ValidityEpochs epochs",
			)?;
			ensure_that(record.since <= record.attested, "a run begins no later than its latest report")?;
			ensure_that(devices.insert(record.device), "one record per chip")?;
			let claim = DeviceClaims::<T>::get(record.device).ok_or("a recorded chip is claimed")?;
			ensure_that(claim.owner == provider && claim.gpu == Some(gpu), "a record's chip is claimed for its entry")?;
		}
		for device in DeviceClaims::<T>::iter_keys() {
			ensure_that(!RevokedDevices::<T>::contains_key(device), "no revoked chip is claimed")?;
		}
		if frame_system::Pallet::<T>::block_number() > 0u32.into() {
			let seeded = EpochSeed::<T>::get().map(|(epoch, _)| epoch);
			ensure_that(seeded == Some(Self::current_epoch()), "the nonce seed is the current epoch's")?;
		}
		Ok(())
	}
}

fn ensure_that(condition: bool, what: &'static str) -> Result<(), TryRuntimeError> {
	if condition {
		Ok(())
	} else {
		Err(what.into())
	}
}
