//! What governance decides: trusted roots, revoked and reassigned device identities.

use frame_support::{ensure, traits::Get};
use sp_runtime::DispatchResult;

use crate::{pallet::*, types::*, verify, Config};

impl<T: Config> Pallet<T> {
	pub(crate) fn do_add_root(certificate: &[u8]) -> DispatchResult {
		let key = verify::root_public_key(certificate).map_err(Error::<T>::Verification)?;
		let root = Self::fingerprint(&key);
		ensure!(!Roots::<T>::contains_key(root), Error::<T>::RootExists);
		ensure!(Roots::<T>::count() < T::MaxRoots::get(), Error::<T>::TooManyRoots);
		Roots::<T>::insert(root, RootRecord { added: Self::current_epoch() });
		Self::deposit_event(Event::<T>::RootAdded { root });
		Ok(())
	}

	/// Attestations under the root end at once: `attestation_in_force` asks for the root.
	pub(crate) fn do_retire_root(root: RootId) -> DispatchResult {
		ensure!(Roots::<T>::contains_key(root), Error::<T>::UnknownRoot);
		Roots::<T>::remove(root);
		Self::deposit_event(Event::<T>::RootRetired { root });
		Ok(())
	}

	pub(crate) fn do_revoke_device(device: DeviceId) -> DispatchResult {
		ensure!(!RevokedDevices::<T>::contains_key(device), Error::<T>::AlreadyRevoked);
		RevokedDevices::<T>::insert(device, Self::current_epoch());
		let holder = Self::release_device(device);
		Self::deposit_event(Event::<T>::DeviceRevoked { device, holder });
		Ok(())
	}

	pub(crate) fn do_reassign_device(device: DeviceId, to: T::AccountId) -> DispatchResult {
		ensure!(!RevokedDevices::<T>::contains_key(device), Error::<T>::DeviceRevoked);
		let claim = DeviceClaims::<T>::get(device);
		ensure!(claim.as_ref().map(|claim| &claim.owner) != Some(&to), Error::<T>::AlreadyHeld);
		let last_attested = claim.and_then(|claim| claim.last_attested);
		let from = Self::release_device(device);
		// Still once per epoch: the rightful owner attests from the next epoch on if the chip
		// attested in this one.
		DeviceClaims::<T>::insert(device, DeviceClaim { owner: to.clone(), gpu: None, last_attested });
		Self::deposit_event(Event::<T>::DeviceReassigned { device, from, to });
		Ok(())
	}

	/// Ends the holder's attestation of the chip and removes its claim; returns the holder.
	fn release_device(device: DeviceId) -> Option<T::AccountId> {
		let claim = DeviceClaims::<T>::take(device)?;
		if let Some(gpu) = claim.gpu {
			if Attestations::<T>::get(&claim.owner, gpu).is_some_and(|record| record.device == device) {
				Attestations::<T>::remove(&claim.owner, gpu);
			}
		}
		Some(claim.owner)
	}
}
