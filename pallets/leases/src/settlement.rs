//! Settlement of attested usage: the only way money reaches a provider.

use alloc::vec::Vec;
use frame_support::{ensure, traits::Get};
use sp_runtime::{
	traits::{Saturating, UniqueSaturatedInto, Zero},
	DispatchError,
};


use crate::{money, pallet::*, types::*, Config, LeaseSettlement};

impl<T: Config> Pallet<T> {
	/// Blocks of `epoch` during which `lease` was open.
	fn blocks_open_in(lease: &Lease<T>, epoch: EpochIndex) -> u32 {
		let start: u32 = Self::epoch_start(epoch).unique_saturated_into();
		let end = start.saturating_add(Self::epoch_length());
		let opened: u32 = lease.opened_at.unique_saturated_into();
		let until = match lease.status {
			LeaseStatus::Open => end,
			LeaseStatus::Closed { at, .. } => end.min(at.unique_saturated_into()),
		};
		until.saturating_sub(start.max(opened))
	}

	pub(crate) fn do_settle(
		id: LeaseId,
		epoch: EpochIndex,
		attested_blocks: u32,
	) -> Result<Settlement<BalanceOf<T>>, DispatchError> {
		let mut lease = Leases::<T>::get(id).ok_or(Error::<T>::UnknownLease)?;
		ensure!(epoch < Self::epoch_of(Self::now()), Error::<T>::EpochNotSettleable);
		ensure!(lease.settled_epoch.is_none_or(|s| epoch > s), Error::<T>::EpochNotSettleable);
		if let LeaseStatus::Closed { at, .. } = lease.status {
			// Only the epoch just before the close, and only while escrow is retained for it.
			ensure!(
				epoch.saturating_add(1) == Self::epoch_of(at) && !lease.escrow.is_zero(),
				Error::<T>::EpochNotSettleable
			);
		}
		let open_blocks = Self::blocks_open_in(&lease, epoch);
		ensure!(open_blocks > 0, Error::<T>::EpochNotSettleable);

		let blocks = attested_blocks.min(open_blocks);
		let due = money::charge_for_blocks(lease.price_per_hour, blocks, T::BlocksPerHour::get())
			.ok_or(Error::<T>::Overflow)?;
		let charged = due.min(lease.escrow);
		let (provider_share, take) = money::split_take(charged, T::TakeRate::get());
		Self::pay_from_escrow(&lease.consumer, &lease.provider, provider_share, take)?;

		lease.escrow = lease.escrow.saturating_sub(charged);
		lease.paid = lease.paid.saturating_add(provider_share);
		lease.take = lease.take.saturating_add(take);
		lease.settled_epoch = Some(epoch);
		Self::deposit_event(Event::LeaseSettled { lease: id, epoch, charged, provider_share, take });

		let mut closed = false;
		if lease.is_open() {
			if lease.escrow < Self::epoch_cost(lease.price_per_hour)? {
				Self::close(id, lease, CloseReason::InsufficientFunds)?;
				closed = true;
			} else {
				Leases::<T>::insert(id, lease);
			}
		} else {
			// The retained epoch is settled: nothing more can be charged, the rest goes back.
			Self::refund_retained(id, &mut lease)?;
			Leases::<T>::insert(id, lease);
		}
		Ok(Settlement { charged, provider_share, take, closed })
	}
}

impl<T: Config> LeaseSettlement<T::AccountId, BalanceOf<T>> for Pallet<T> {
	fn settle(
		lease: LeaseId,
		epoch: EpochIndex,
		attested_blocks: u32,
	) -> Result<Settlement<BalanceOf<T>>, DispatchError> {
		Self::do_settle(lease, epoch, attested_blocks)
	}

	fn chargeable_leases(provider: &T::AccountId, epoch: EpochIndex) -> Vec<LeaseUsage<T::AccountId>> {
		ProviderLeases::<T>::get(provider)
			.into_iter()
			.filter_map(|id| Leases::<T>::get(id).map(|lease| (id, lease)))
			.filter(|(_, lease)| {
				lease.settled_epoch.is_none_or(|s| epoch > s) && Self::blocks_open_in(lease, epoch) > 0
			})
			.map(|(id, lease)| LeaseUsage {
				id,
				consumer: lease.consumer,
				gpus: lease.gpus.into_inner(),
				storage_gib: lease.storage_gib,
				cpu_cores: lease.cpu_cores,
			})
			.collect()
	}
}

