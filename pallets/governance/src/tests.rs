//! Behaviour of the root bridge.

use frame_support::{assert_noop, assert_ok, dispatch::GetDispatchInfo};
use sp_runtime::{
	traits::{BlakeTwo256, Dispatchable, Hash},
	DispatchError,
};

use crate::{mock::*, weights::WeightInfo, Event};

fn set_storage(key: &[u8], value: &[u8]) -> RuntimeCall {
	RuntimeCall::System(frame_system::Call::set_storage { items: vec![(key.to_vec(), value.to_vec())] })
}

#[test]
fn only_the_root_origin_may_use_the_bridge() {
	new_test_ext().execute_with(|| {
		let call = Box::new(set_storage(b"key", b"value"));
		assert_noop!(Governance::dispatch_as_root(RuntimeOrigin::signed(2), call.clone()), DispatchError::BadOrigin);
		assert_noop!(Governance::dispatch_as_root(RuntimeOrigin::none(), call), DispatchError::BadOrigin);
		assert_eq!(sp_io::storage::get(b"key"), None);
	});
}

#[test]
fn governance_reaches_a_root_only_call() {
	new_test_ext().execute_with(|| {
		let call = set_storage(b"key", b"value");
		// The call refuses the council's signed origin on its own...
		assert_noop!(call.clone().dispatch(RuntimeOrigin::signed(1)).map_err(|e| e.error), DispatchError::BadOrigin);
		// ...and runs through the bridge.
		assert_ok!(Governance::dispatch_as_root(RuntimeOrigin::signed(1), Box::new(call.clone())));
		assert_eq!(sp_io::storage::get(b"key").as_deref(), Some(&b"value"[..]));
		System::assert_last_event(
			Event::DispatchedAsRoot { call_hash: BlakeTwo256::hash_of(&call), result: Ok(()) }.into(),
		);
	});
}

#[test]
fn a_failing_call_is_reported_and_the_motion_still_closes() {
	new_test_ext().execute_with(|| {
		// Nothing is authorized, so applying an upgrade fails as root too.
		let call = RuntimeCall::System(frame_system::Call::apply_authorized_upgrade { code: vec![1, 2, 3] });
		assert_ok!(Governance::dispatch_as_root(RuntimeOrigin::signed(1), Box::new(call.clone())));
		System::assert_last_event(
			Event::DispatchedAsRoot {
				call_hash: BlakeTwo256::hash_of(&call),
				result: Err(frame_system::Error::<Test>::NothingAuthorized.into()),
			}
			.into(),
		);
	});
}

#[test]
fn the_declared_weight_is_the_bridge_plus_the_call() {
	let call = set_storage(b"key", b"value");
	let outer = RuntimeCall::Governance(crate::Call::dispatch_as_root { call: Box::new(call.clone()) });
	let (inner, outer) = (call.get_dispatch_info(), outer.get_dispatch_info());
	assert_eq!(outer.call_weight, <() as WeightInfo>::dispatch_as_root() + inner.call_weight);
	assert_eq!(outer.class, inner.class);
}
