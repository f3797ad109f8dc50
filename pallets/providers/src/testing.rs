//! Fixtures the test runtimes of every pallet share (feature `test-utils`): bounded lists, a
//! funded account, a registered provider with hardware and prices.

use alloc::vec::Vec;
use frame_support::{
	assert_ok,
	traits::{fungible::Mutate, Get},
	BoundedVec,
};
use frame_system::RawOrigin;
use sp_core::{crypto::KeyTypeId, sr25519};

use crate::{types::*, Config, Pallet};

/// `items` as a bounded list; panics (in tests) if there are too many.
pub fn bounded<T: Clone + core::fmt::Debug, S: Get<u32>>(items: &[T]) -> BoundedVec<T, S> {
	BoundedVec::try_from(items.to_vec()).expect("within bounds")
}

/// Gives `who` exactly `amount` of free balance.
pub fn fund<T: Config>(who: &T::AccountId, amount: BalanceOf<T>) {
	T::Currency::set_balance(who, amount);
}

/// What a test provider offers.
pub struct Offer<T: Config> {
	pub bond: BalanceOf<T>,
	pub region: &'static [u8],
	pub gpus: Vec<GpuSpec>,
	pub capacity: Capacity,
	pub prices: PriceList<BalanceOf<T>, T::MaxGpusPerProvider>,
}

/// Registers `who` (which must hold the bond) and lists its offer, each through its call.
pub fn register_provider<T: Config>(who: &T::AccountId, offer: Offer<T>) {
	let origin = || RawOrigin::Signed(who.clone()).into();
	assert_ok!(Pallet::<T>::register(origin(), offer.bond, bounded(offer.region), BoundedVec::default()));
	if !offer.gpus.is_empty() {
		assert_ok!(Pallet::<T>::add_gpus(origin(), bounded(&offer.gpus)));
	}
	assert_ok!(Pallet::<T>::set_capacity(origin(), offer.capacity.storage_bytes, offer.capacity.cpu_cores));
	assert_ok!(Pallet::<T>::set_prices(origin(), offer.prices));
}

/// `key`'s proof of possession for `who`: its signature, from the keystore, over
/// [`Pallet::reporting_key_proof_payload`].
pub fn reporting_key_proof<T: Config>(who: &T::AccountId, key_type: KeyTypeId, key: &sr25519::Public) -> sr25519::Signature {
	sp_io::crypto::sr25519_sign(key_type, key, &Pallet::<T>::reporting_key_proof_payload(who)).expect("the key is in the keystore")
}

/// Generates a reporting key of `key_type` in the keystore and names it for `who`, with its proof.
pub fn name_new_reporting_key<T: Config>(who: &T::AccountId, key_type: KeyTypeId) -> sr25519::Public {
	let key = sp_io::crypto::sr25519_generate(key_type, None);
	let proof = reporting_key_proof::<T>(who, key_type, &key);
	assert_ok!(Pallet::<T>::set_reporting_key(RawOrigin::Signed(who.clone()).into(), key, proof));
	key
}
