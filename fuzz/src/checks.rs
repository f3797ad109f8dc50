//! What must hold after every block, whatever the calls before it:
//!
//! 1. Total issuance equals the sum of every account's free and reserved (held) balance.
//! 2. Total issuance equals genesis issuance + minted − burned, as the economics ledger records.
//! 3. Every pallet's `try_state`: ours always; with the `try-runtime` feature (the long run) also
//!    every FRAME pallet's.
//! 4. No token thief: the fuzz accounts that never served attested work (no report of theirs
//!    accepted) and never received funds from one that did, hold together no more than they
//!    started with. Checked over the group, not per account: a transfer between two of them
//!    makes one richer and is not theft.
//!
//! Block weight within limits and each call's actual weight within its declared weight are
//! checked where blocks end and calls apply (chain.rs). Panics are failures by themselves.

use std::collections::BTreeSet;

use depin_runtime::{AccountId, Balance, Balances, Runtime, RuntimeEvent, System};
use frame_support::traits::fungible::Inspect;

use crate::{chain::accounts, input::ENDOWMENT, Break};

/// Who has served attested work, and who received funds from such an account.
#[derive(Default)]
pub struct Earners {
    pub workers: BTreeSet<AccountId>,
    pub paid_by_workers: BTreeSet<AccountId>,
    /// Accounts that claimed emission (for the seeds' test: the programs reach claims).
    pub claimed: BTreeSet<AccountId>,
}

impl Earners {
    /// Reads the block's events: accepted reports make workers; a transfer out of a worker's
    /// (or an already paid account's) balance marks its recipient.
    pub fn note_block_events(&mut self) {
        for record in System::read_events_no_consensus() {
            if crate::chain::trace()
                && !matches!(
                    record.event,
                    RuntimeEvent::System(_) | RuntimeEvent::TransactionPayment(_)
                )
            {
                eprintln!("  event {:?}", record.event);
            }
            match record.event {
                RuntimeEvent::Attestation(pallet_attestation::Event::ReportAccepted {
                    provider,
                    ..
                }) => {
                    self.workers.insert(provider);
                }
                RuntimeEvent::Economics(pallet_economics::Event::RewardsClaimed {
                    provider,
                    ..
                }) => {
                    self.claimed.insert(provider);
                }
                RuntimeEvent::Balances(
                    pallet_balances::Event::Transfer {
                        from: source,
                        to: dest,
                        ..
                    }
                    | pallet_balances::Event::TransferOnHold { source, dest, .. }
                    | pallet_balances::Event::TransferAndHold { source, dest, .. },
                ) if self.earned(&source) => {
                    self.paid_by_workers.insert(dest);
                }
                _ => {}
            }
        }
    }

    fn earned(&self, who: &AccountId) -> bool {
        self.workers.contains(who) || self.paid_by_workers.contains(who)
    }
}

pub fn after_block(number: u32, earners: &Earners) -> Result<(), Break> {
    let issuance = Balances::total_issuance();
    let held_and_free: Balance = frame_system::Account::<Runtime>::iter_values()
        .map(|info| info.data.free.saturating_add(info.data.reserved))
        .fold(0, Balance::saturating_add);
    if issuance != held_and_free {
        return Err(Break(format!(
            "block {number}: total issuance {issuance} ≠ sum of accounts {held_and_free}"
        )));
    }
    let ledger = pallet_economics::GenesisIssuance::<Runtime>::get()
        .saturating_add(pallet_economics::TotalMinted::<Runtime>::get())
        .saturating_sub(pallet_economics::TotalBurned::<Runtime>::get());
    if issuance != ledger {
        return Err(Break(format!(
            "block {number}: total issuance {issuance} ≠ genesis + minted − burned {ledger}"
        )));
    }
    try_state(number)?;
    let mut start = 0u128;
    let mut now = 0u128;
    for who in accounts().filter(|who| !earners.earned(who)) {
        start += ENDOWMENT;
        now += Balances::total_balance(&who);
    }
    if now > start {
        return Err(Break(format!(
			"block {number}: accounts that served no attested work hold {now}, more than the {start} they started with"
		)));
    }
    Ok(())
}

fn try_state(number: u32) -> Result<(), Break> {
    let checks: [(&str, fn() -> Result<(), sp_runtime::TryRuntimeError>); 5] = [
        (
            "providers",
            pallet_providers::Pallet::<Runtime>::do_try_state,
        ),
        ("leases", pallet_leases::Pallet::<Runtime>::do_try_state),
        (
            "attestation",
            pallet_attestation::Pallet::<Runtime>::do_try_state,
        ),
        (
            "economics",
            pallet_economics::Pallet::<Runtime>::do_try_state,
        ),
        (
            "validator-manager",
            pallet_validator_manager::Pallet::<Runtime>::do_try_state,
        ),
    ];
    for (pallet, check) in checks {
        check().map_err(|e| Break(format!("block {number}: {pallet} try_state: {e:?}")))?;
    }
    #[cfg(feature = "try-runtime")]
    {
        use frame_support::traits::{TryState, TryStateSelect};
        <depin_runtime::AllPalletsWithSystem as TryState<u32>>::try_state(
            number,
            TryStateSelect::All,
        )
        .map_err(|e| Break(format!("block {number}: FRAME try_state: {e:?}")))?;
    }
    Ok(())
}
