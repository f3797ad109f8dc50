//! The runtime's call filter: no call changes total issuance outside the economics ledger.
//!
//! The economics pallet checks `total issuance = genesis issuance + minted − burned` (its
//! `try_state`). Three calls of `pallet_balances` would break that without a record:
//! `burn` (signed), `force_set_balance` and `force_adjust_total_issuance` (root). A root origin
//! bypasses `BaseCallFilter`, so filtering the root calls themselves achieves nothing: the filter
//! instead looks inside every call that can carry another call to a root dispatch (`Sudo`'s calls,
//! `Utility`'s batches and wrappers, `Governance.dispatch_as_root`, the council's proposals)
//! while the outer call still comes from a signed or collective origin, which is where the
//! filter applies: a motion carrying such a call is refused when proposed and again when closed. Governance keeps `System::set_storage` and runtime upgrades: a
//! storage write or new code can change anything, and is visible as such (docs/economics.md).

//!
//! The same filter keeps a chain without a sudo key without one: `Sudo::set_key` accepts root,
//! so a single council motion could otherwise install a permanent key that answers to nobody.
//! Where no key is set (every chain but the development one), no call may set it — neither
//! `set_key` nor a `System` storage write to its key — wherever it is carried.

use pallet_utility::Call as UtilityCall;

use crate::RuntimeCall;

/// Every call that neither is nor carries an issuance change the ledger would not record, nor a
/// sudo key for a chain that has none.
pub struct NoUnrecordedIssuanceChanges;

impl frame_support::traits::Contains<RuntimeCall> for NoUnrecordedIssuanceChanges {
	fn contains(call: &RuntimeCall) -> bool {
		let sudo_set = pallet_sudo::Key::<crate::Runtime>::exists();
		!refused(call, sudo_set)
	}
}

/// Whether `call`, or any call it carries, mints or burns outside the ledger, or (with no sudo
/// key set) would set one. Nesting is bounded by the decoder's call depth limit, so the
/// recursion is too.
fn refused(call: &RuntimeCall, sudo_set: bool) -> bool {
	use frame_system::Call as System;
	use pallet_balances::Call as Balances;
	use pallet_sudo::Call as Sudo;
	let changes_issuance_unrecorded = |call: &RuntimeCall| refused(call, sudo_set);
	match call {
		RuntimeCall::Balances(
			Balances::burn { .. } | Balances::force_set_balance { .. } | Balances::force_adjust_total_issuance { .. },
		) => true,
		RuntimeCall::Sudo(Sudo::set_key { .. }) => !sudo_set,
		RuntimeCall::System(System::set_storage { items }) =>
			!sudo_set && items.iter().any(|(key, _)| key.starts_with(&sudo_key_storage())),
		RuntimeCall::Sudo(
			Sudo::sudo { call } | Sudo::sudo_unchecked_weight { call, .. } | Sudo::sudo_as { call, .. },
		) => changes_issuance_unrecorded(call),
		RuntimeCall::Utility(
			UtilityCall::batch { calls } | UtilityCall::batch_all { calls } | UtilityCall::force_batch { calls },
		) => calls.iter().any(changes_issuance_unrecorded),
		RuntimeCall::Utility(
			UtilityCall::as_derivative { call, .. } |
			UtilityCall::dispatch_as { call, .. } |
			UtilityCall::dispatch_as_fallible { call, .. } |
			UtilityCall::with_weight { call, .. },
		) => changes_issuance_unrecorded(call),
		RuntimeCall::Utility(UtilityCall::if_else { main, fallback }) =>
			changes_issuance_unrecorded(main) || changes_issuance_unrecorded(fallback),
		RuntimeCall::Governance(pallet_governance::Call::dispatch_as_root { call }) => changes_issuance_unrecorded(call),
		RuntimeCall::Council(
			pallet_collective::Call::propose { proposal, .. } | pallet_collective::Call::execute { proposal, .. },
		) => changes_issuance_unrecorded(proposal),
		_ => false,
	}
}

/// The storage key of `Sudo::Key`.
fn sudo_key_storage() -> [u8; 32] {
	pallet_sudo::Key::<crate::Runtime>::hashed_key()
}

#[cfg(test)]
mod tests {
	use frame_support::{assert_noop, assert_ok};
	use sp_runtime::{traits::Dispatchable, BuildStorage, MultiAddress};

	use crate::{
		currency::DPN, AccountId, Balances, BalancesCall, Economics, Runtime, RuntimeCall, RuntimeGenesisConfig,
		RuntimeOrigin, System,
	};
	use pallet_utility::Call as UtilityCall;

	fn account(seed: u8) -> AccountId {
		AccountId::new([seed; 32])
	}

	/// A chain where account 1 holds the sudo key and 1,000 DPN, and account 2 holds 1,000 DPN.
	fn chain() -> sp_io::TestExternalities {
		let mut genesis = RuntimeGenesisConfig::default();
		genesis.balances.balances = vec![(account(1), 1_000 * DPN), (account(2), 1_000 * DPN)];
		genesis.sudo.key = Some(account(1));
		let mut ext: sp_io::TestExternalities = genesis.build_storage().expect("genesis builds").into();
		ext.execute_with(|| System::set_block_number(1));
		ext
	}

	fn sudo(call: RuntimeCall) -> RuntimeCall {
		RuntimeCall::Sudo(pallet_sudo::Call::sudo { call: Box::new(call) })
	}

	fn issuance_changes() -> Vec<RuntimeCall> {
		let victim = MultiAddress::Id(account(2));
		vec![
			RuntimeCall::Balances(BalancesCall::force_set_balance { who: victim, new_free: 1_000_000 * DPN }),
			RuntimeCall::Balances(BalancesCall::force_adjust_total_issuance {
				direction: pallet_balances::AdjustmentDirection::Increase,
				delta: 5 * DPN,
			}),
			RuntimeCall::Balances(BalancesCall::burn { value: 5 * DPN, keep_alive: true }),
		]
	}

	/// Every way the sudo key could reach the three calls: directly, in batches, in wrappers.
	fn wrapped(call: RuntimeCall) -> Vec<RuntimeCall> {
		let harmless = RuntimeCall::System(frame_system::Call::remark { remark: vec![] });
		vec![
			call.clone(),
			sudo(call.clone()),
			RuntimeCall::Sudo(pallet_sudo::Call::sudo_unchecked_weight {
				call: Box::new(call.clone()),
				weight: Default::default(),
			}),
			RuntimeCall::Sudo(pallet_sudo::Call::sudo_as {
				who: MultiAddress::Id(account(2)),
				call: Box::new(call.clone()),
			}),
			sudo(RuntimeCall::Utility(UtilityCall::force_batch { calls: vec![harmless.clone(), call.clone()] })),
			RuntimeCall::Utility(UtilityCall::batch_all { calls: vec![sudo(call.clone())] }),
			sudo(RuntimeCall::Utility(UtilityCall::dispatch_as {
				as_origin: Box::new(frame_system::RawOrigin::Root.into()),
				call: Box::new(RuntimeCall::Utility(UtilityCall::with_weight {
					call: Box::new(call.clone()),
					weight: Default::default(),
				})),
			})),
			sudo(RuntimeCall::Utility(UtilityCall::if_else { main: Box::new(harmless), fallback: Box::new(call) })),
		]
	}

	#[test]
	fn no_route_to_an_unrecorded_issuance_change_is_dispatched() {
		chain().execute_with(|| {
			let issuance = Balances::total_issuance();
			let mut routes = 0;
			for call in issuance_changes() {
				for route in wrapped(call) {
					// The outer call is signed in every route, so the filter refuses it whole.
					let result = route.clone().dispatch(RuntimeOrigin::signed(account(1)));
					assert_eq!(
						result.map_err(|e| e.error),
						Err(frame_system::Error::<Runtime>::CallFiltered.into()),
						"{route:?}"
					);
					assert_eq!(Balances::total_issuance(), issuance, "{route:?}");
					assert_eq!(Balances::free_balance(account(2)), 1_000 * DPN, "{route:?}");
					routes += 1;
				}
			}
			assert_eq!(routes, 24);
			Economics::do_try_state().expect("issuance = genesis + minted - burned");
		});
	}

	/// The council reaches root only through `dispatch_as_root`; a motion carrying an issuance
	/// change is refused when proposed, whatever the wrapping.
	#[test]
	fn no_council_motion_carries_an_unrecorded_issuance_change() {
		chain().execute_with(|| {
			let council = vec![account(1), account(2), account(3)];
			pallet_collective::Members::<Runtime, crate::configs::CouncilCollective>::put(council);
			let issuance = Balances::total_issuance();
			for call in issuance_changes() {
				let as_root =
					RuntimeCall::Governance(pallet_governance::Call::dispatch_as_root { call: Box::new(call.clone()) });
				for proposal in [as_root.clone(), RuntimeCall::Utility(UtilityCall::batch { calls: vec![as_root] })] {
					let propose = RuntimeCall::Council(pallet_collective::Call::propose {
						threshold: 2,
						proposal: Box::new(proposal.clone()),
						length_bound: 10_000,
					});
					assert_eq!(
						propose.dispatch(RuntimeOrigin::signed(account(1))).map_err(|e| e.error),
						Err(frame_system::Error::<Runtime>::CallFiltered.into()),
						"{proposal:?}"
					);
					// A single member's direct execution is refused too (and is not two thirds).
					let execute = RuntimeCall::Council(pallet_collective::Call::execute {
						proposal: Box::new(proposal.clone()),
						length_bound: 10_000,
					});
					assert!(execute.dispatch(RuntimeOrigin::signed(account(1))).is_err(), "{proposal:?}");
				}
				// Even a collective origin of the whole council is filtered at the bridge.
				let as_root =
					RuntimeCall::Governance(pallet_governance::Call::dispatch_as_root { call: Box::new(call) });
				let origin: RuntimeOrigin =
					pallet_collective::RawOrigin::<AccountId, crate::configs::CouncilCollective>::Members(3, 3).into();
				assert_eq!(
					as_root.dispatch(origin).map_err(|e| e.error),
					Err(frame_system::Error::<Runtime>::CallFiltered.into())
				);
			}
			assert_eq!(Balances::total_issuance(), issuance);
			assert!(pallet_collective::Proposals::<Runtime, crate::configs::CouncilCollective>::get().is_empty());
		});
	}

	#[test]
	fn governance_keeps_the_balance_calls_that_move_funds_without_changing_issuance() {
		chain().execute_with(|| {
			let issuance = Balances::total_issuance();
			let transfer = RuntimeCall::Balances(BalancesCall::force_transfer {
				source: MultiAddress::Id(account(2)),
				dest: MultiAddress::Id(account(3)),
				value: 10 * DPN,
			});
			assert_ok!(sudo(transfer).dispatch(RuntimeOrigin::signed(account(1))));
			assert_eq!(Balances::free_balance(account(3)), 10 * DPN);
			let transfer = RuntimeCall::Balances(BalancesCall::transfer_keep_alive {
				dest: MultiAddress::Id(account(3)),
				value: 10 * DPN,
			});
			assert_ok!(transfer.dispatch(RuntimeOrigin::signed(account(2))));
			assert_eq!(Balances::free_balance(account(3)), 20 * DPN);
			assert_eq!(Balances::total_issuance(), issuance);
			Economics::do_try_state().expect("issuance = genesis + minted - burned");
		});
	}

	/// Attack: `Sudo::set_key` accepts root, so one council motion could install a permanent
	/// sudo key on a chain that has none — a single key above the council for good. Where no
	/// key is set, no route sets one: not `set_key`, not a storage write to its key, however
	/// wrapped; where one is set (the development chain), its holder may still hand it on.
	#[test]
	fn no_motion_brings_a_sudo_key_back_to_a_chain_without_one() {
		let mut genesis = RuntimeGenesisConfig::default();
		genesis.balances.balances = vec![(account(1), 1_000 * DPN), (account(2), 1_000 * DPN)];
		let mut ext: sp_io::TestExternalities = genesis.build_storage().expect("genesis builds").into();
		ext.execute_with(|| {
			System::set_block_number(1);
			assert!(pallet_sudo::Key::<Runtime>::get().is_none());
			let council: RuntimeOrigin =
				pallet_collective::RawOrigin::<AccountId, crate::configs::CouncilCollective>::Members(3, 3).into();
			let set_key = RuntimeCall::Sudo(pallet_sudo::Call::set_key { new: MultiAddress::Id(account(1)) });
			let key = pallet_sudo::Key::<Runtime>::hashed_key().to_vec();
			let write_key = RuntimeCall::System(frame_system::Call::set_storage {
				items: vec![(key, codec::Encode::encode(&account(1)))],
			});
			for call in [set_key, write_key] {
				let as_root = |call: RuntimeCall| {
					RuntimeCall::Governance(pallet_governance::Call::dispatch_as_root { call: Box::new(call) })
				};
				let routes = [
					as_root(call.clone()),
					as_root(RuntimeCall::Utility(UtilityCall::batch_all { calls: vec![call.clone()] })),
					RuntimeCall::Utility(UtilityCall::batch { calls: vec![as_root(call.clone())] }),
				];
				for route in routes {
					assert_eq!(
						route.clone().dispatch(council.clone()).map_err(|e| e.error),
						Err(frame_system::Error::<Runtime>::CallFiltered.into()),
						"{route:?}"
					);
				}
				assert!(pallet_sudo::Key::<Runtime>::get().is_none());
			}
			// Other storage writes stay governance's.
			let other = RuntimeCall::System(frame_system::Call::set_storage { items: vec![(b"depin:test".to_vec(), vec![1])] });
			let as_root = RuntimeCall::Governance(pallet_governance::Call::dispatch_as_root { call: Box::new(other) });
			assert_ok!(as_root.dispatch(council));
		});
		// On the development chain the key's holder hands it on.
		chain().execute_with(|| {
			let set_key = RuntimeCall::Sudo(pallet_sudo::Call::set_key { new: MultiAddress::Id(account(2)) });
			assert_ok!(set_key.dispatch(RuntimeOrigin::signed(account(1))));
			assert_eq!(pallet_sudo::Key::<Runtime>::get(), Some(account(2)));
		});
	}

	#[test]
	fn a_plain_burn_is_refused() {
		chain().execute_with(|| {
			let burn = RuntimeCall::Balances(BalancesCall::burn { value: DPN, keep_alive: true });
			assert_noop!(
				burn.dispatch(RuntimeOrigin::signed(account(2))).map_err(|e| e.error),
				frame_system::Error::<Runtime>::CallFiltered
			);
		});
	}
}
