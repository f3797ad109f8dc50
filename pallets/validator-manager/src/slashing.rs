//! Offences: slashing a validator's bond to the treasury and removing it from the set.
//! The money math of the pallet lives here.

use frame_support::{
	traits::{
		fungible::{InspectHold, MutateHold},
		tokens::{Fortitude, Precision, Restriction},
		Get,
	},
	weights::Weight,
};
use sp_runtime::{traits::Saturating, Perbill};
use sp_staking::{
	offence::{OffenceDetails, OnOffenceHandler},
	SessionIndex,
};

use crate::{pallet::*, weights::WeightInfo, Config, RemovalReason, SlashRecord};

/// How much more to take from a bond of which `held` is left, given what offences of the same
/// session took already (`record`) and the fraction now reported. Slashes of one session do
/// not add up: the largest fraction counts, of the bond as it was before the first of them.
pub(crate) fn slash_increase<B: sp_runtime::traits::AtLeast32BitUnsigned + Copy>(
	held: B,
	record: SlashRecord<B>,
	fraction: Perbill,
) -> B {
	if fraction <= record.fraction {
		return B::zero();
	}
	let bond_before = held.saturating_add(record.amount);
	fraction.mul_floor(bond_before).saturating_sub(record.amount).min(held)
}

impl<T: Config> Pallet<T> {
	/// Slashes `who` for an offence in `session` by `fraction` and removes it from the set.
	pub(crate) fn punish(who: &T::AccountId, fraction: Perbill, session: SessionIndex) {
		let reason = HoldReason::ValidatorBond.into();
		let record = Slashes::<T>::get(session, who).unwrap_or_default();
		let extra = slash_increase(T::Currency::balance_on_hold(&reason, who), record, fraction);
		if fraction > record.fraction {
			let beneficiary = T::SlashBeneficiary::get();
			// Moved, not burned: total issuance stays what the economics ledger records.
			let amount = T::Currency::transfer_on_hold(
				&reason,
				who,
				&beneficiary,
				extra,
				Precision::BestEffort,
				Restriction::Free,
				Fortitude::Force,
			)
			.unwrap_or_default();
			Slashes::<T>::insert(
				session,
				who,
				SlashRecord { fraction, amount: record.amount.saturating_add(amount) },
			);
			Self::deposit_event(Event::Slashed { who: who.clone(), session, fraction, amount, beneficiary });
		}
		if Validators::<T>::get().contains(who) {
			if let Err(e) = Self::do_remove_validator(who, RemovalReason::Offence) {
				// At the minimum set size the offender stays until governance replaces it.
				log::warn!(target: "runtime::validator-manager", "offender {who:?} stays: {e:?}");
			}
		}
	}
}

/// `pallet-offences` calls this for every report, with every offender of the same kind and time
/// slot so far (so a validator may appear again): [`slash_increase`] takes only what is new.
impl<T: Config, FullIdentification> OnOffenceHandler<T::AccountId, (T::AccountId, FullIdentification), Weight>
	for Pallet<T>
{
	fn on_offence(
		offenders: &[OffenceDetails<T::AccountId, (T::AccountId, FullIdentification)>],
		slash_fraction: &[Perbill],
		session: SessionIndex,
	) -> Weight {
		for (details, fraction) in offenders.iter().zip(slash_fraction) {
			Self::punish(&details.offender.0, *fraction, session);
		}
		T::WeightInfo::punish().saturating_mul(offenders.len() as u64)
	}
}
