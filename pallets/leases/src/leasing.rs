//! Opening, funding and closing leases; allocating providers' resources.

use alloc::vec::Vec;
use depin_primitives::{
	BlockIndex, EpochClock, GpuSpec, HardwareAttestations, LeaseObserver, ProviderRegistry, ProviderStatus,
};
use frame_support::{ensure, traits::Get, BoundedVec};
use sp_core::H256;
use sp_runtime::{
	traits::{Saturating, UniqueSaturatedInto, Zero},
	DispatchError, DispatchResult,
};

use crate::{money, pallet::*, types::*, Config};

/// Resources picked for a lease.
pub(crate) struct Allocation {
	pub gpus: Vec<GpuSpec>,
	pub storage_gib: u32,
	pub cpu_cores: u32,
}

impl<T: Config> Pallet<T> {
	pub(crate) fn now() -> BlockNumberOf<T> {
		frame_system::Pallet::<T>::block_number()
	}

	/// The chain's epoch clock.
	pub(crate) fn clock() -> EpochClock {
		T::Clock::get()
	}

	/// `block` as the clock counts blocks.
	pub(crate) fn block_index(block: BlockNumberOf<T>) -> BlockIndex {
		block.unique_saturated_into()
	}

	/// What one full epoch of a lease at `price_per_hour` costs.
	pub(crate) fn epoch_cost(price_per_hour: BalanceOf<T>) -> Result<BalanceOf<T>, DispatchError> {
		money::charge_for_blocks(price_per_hour, Self::clock().length(), T::BlocksPerHour::get())
			.ok_or_else(|| Error::<T>::Overflow.into())
	}

	/// The deposit a lease at `price_per_hour` needs; errors if such a lease would cost nothing.
	pub(crate) fn required_deposit(price_per_hour: BalanceOf<T>) -> Result<BalanceOf<T>, DispatchError> {
		let epoch_cost = Self::epoch_cost(price_per_hour)?;
		ensure!(!epoch_cost.is_zero(), Error::<T>::ZeroPrice);
		ensure!(epoch_cost >= T::MinEpochCharge::get(), Error::<T>::PriceTooLow);
		money::min_deposit(epoch_cost, T::MinLeaseEpochs::get()).ok_or_else(|| Error::<T>::Overflow.into())
	}

	/// `request` asks for something, and for no more than one lease may have.
	pub(crate) fn ensure_request_in_bounds(request: &ResourceRequest) -> DispatchResult {
		ensure!(!request.is_empty(), Error::<T>::EmptyRequest);
		ensure!(request.gpus <= T::MaxGpusPerLease::get(), Error::<T>::TooManyGpus);
		ensure!(
			request.storage_gib <= T::MaxStorageGibPerLease::get() && request.cpu_cores <= T::MaxCpuCoresPerLease::get(),
			Error::<T>::RequestTooLarge
		);
		Ok(())
	}

	/// Picks free resources of `provider` that satisfy `request`, or says what is missing.
	pub(crate) fn allocate(
		provider: &T::AccountId,
		request: &ResourceRequest,
	) -> Result<Allocation, DispatchError> {
		Self::ensure_request_in_bounds(request)?;
		ensure!(T::Providers::is_active(provider), Error::<T>::ProviderNotActive);

		let epoch = T::Clock::get().epoch_of(frame_system::Pallet::<T>::block_number().unique_saturated_into());
		let gpus: Vec<GpuSpec> = T::Providers::gpus(provider)
			.into_iter()
			.filter(|gpu| {
				!LeasedGpu::<T>::contains_key(gpu.uuid_hash) &&
					gpu.vram_mib >= request.min_vram_mib &&
					request.gpu_model.as_ref().is_none_or(|model| *model == gpu.model) &&
					(!request.attested_gpus || T::Hardware::is_attested(provider, &gpu.uuid_hash, epoch))
			})
			.take(request.gpus as usize)
			.collect();
		ensure!(gpus.len() == request.gpus as usize, Error::<T>::NotEnoughGpus);

		let capacity = T::Providers::capacity(provider).unwrap_or_default();
		let committed = Commitments::<T>::get(provider);
		let free_gib = (capacity.storage_bytes / GIB).saturating_sub(committed.storage_gib);
		ensure!(u64::from(request.storage_gib) <= free_gib, Error::<T>::NotEnoughStorage);
		let free_cores = capacity.cpu_cores.saturating_sub(committed.cpu_cores);
		ensure!(request.cpu_cores <= free_cores, Error::<T>::NotEnoughCpu);

		Ok(Allocation {
			gpus,
			storage_gib: request.storage_gib,
			cpu_cores: request.cpu_cores,
		})
	}

	/// The provider's listed hourly price of an allocation.
	pub(crate) fn listed_price(
		provider: &T::AccountId,
		allocation: &Allocation,
	) -> Result<BalanceOf<T>, DispatchError> {
		// A zero price is an unlisted one: this market has no free resources to meter.
		let listed = |price: Option<BalanceOf<T>>| price.filter(|p| !p.is_zero()).ok_or(Error::<T>::PriceNotListed);
		let gpu_prices = allocation
			.gpus
			.iter()
			.map(|gpu| listed(T::Providers::gpu_price(provider, &gpu.model)))
			.collect::<Result<Vec<_>, _>>()?;
		let storage_price = match allocation.storage_gib {
			0 => Zero::zero(),
			_ => listed(T::Providers::storage_gib_price(provider))?,
		};
		let cpu_price = match allocation.cpu_cores {
			0 => Zero::zero(),
			_ => listed(T::Providers::cpu_core_price(provider))?,
		};
		money::bundle_price(gpu_prices, allocation.storage_gib, storage_price, allocation.cpu_cores, cpu_price)
			.ok_or_else(|| Error::<T>::Overflow.into())
	}

	/// Opens a lease over `allocation`, holding `deposit` as its escrow unless it is held already.
	pub(crate) fn open_lease(
		consumer: T::AccountId,
		provider: T::AccountId,
		allocation: Allocation,
		price_per_hour: BalanceOf<T>,
		deposit: BalanceOf<T>,
		source: DepositSource,
	) -> Result<LeaseId, DispatchError> {
		ensure!(consumer != provider, Error::<T>::SelfLease);
		ensure!(!price_per_hour.is_zero(), Error::<T>::ZeroPrice);
		Self::ensure_provider_minimum(&provider, price_per_hour)?;
		ensure!(deposit >= Self::required_deposit(price_per_hour)?, Error::<T>::DepositTooLow);

		let id = NextLeaseId::<T>::get();
		let next = id.checked_add(1).ok_or(Error::<T>::Overflow)?;
		let gpus: BoundedVec<H256, T::MaxGpusPerLease> =
			BoundedVec::try_from(allocation.gpus.iter().map(|gpu| gpu.uuid_hash).collect::<Vec<_>>())
				.map_err(|_| Error::<T>::TooManyGpus)?;

		let mut provider_leases = ProviderLeases::<T>::get(&provider);
		provider_leases.try_push(id).map_err(|_| Error::<T>::TooManyProviderLeases)?;
		let mut consumer_leases = ConsumerLeases::<T>::get(&consumer);
		consumer_leases.try_push(id).map_err(|_| Error::<T>::TooManyConsumerLeases)?;
		if source == DepositSource::FreeBalance {
			Self::hold_escrow(&consumer, deposit)?;
		}

		NextLeaseId::<T>::put(next);
		ProviderLeases::<T>::insert(&provider, provider_leases);
		ConsumerLeases::<T>::insert(&consumer, consumer_leases);
		for gpu in &gpus {
			LeasedGpu::<T>::insert(gpu, id);
		}
		Commitments::<T>::mutate(&provider, |c| {
			c.open_leases = c.open_leases.saturating_add(1);
			c.storage_gib = c.storage_gib.saturating_add(allocation.storage_gib.into());
			c.cpu_cores = c.cpu_cores.saturating_add(allocation.cpu_cores);
		});
		Leases::<T>::insert(
			id,
			Lease::<T> {
				consumer: consumer.clone(),
				provider: provider.clone(),
				gpus: gpus.clone(),
				storage_gib: allocation.storage_gib,
				cpu_cores: allocation.cpu_cores,
				price_per_hour,
				opened_at: Self::now(),
				status: LeaseStatus::Open,
				settled_epoch: None,
				deposited: deposit,
				escrow: deposit,
				paid: Zero::zero(),
				take: Zero::zero(),
				refunded: Zero::zero(),
				disputed: Zero::zero(),
				paid_charges: Default::default(),
				unclaimed: Default::default(),
				contestable: Default::default(),
			},
		);
		T::Observer::lease_opened(&provider);
		Self::deposit_event(Event::LeaseOpened {
			lease: id,
			consumer,
			provider,
			gpus,
			storage_gib: allocation.storage_gib,
			cpu_cores: allocation.cpu_cores,
			price_per_hour,
			deposit,
		});
		Ok(id)
	}

	pub(crate) fn do_rent(
		consumer: T::AccountId,
		provider: T::AccountId,
		request: ResourceRequest,
		deposit: BalanceOf<T>,
	) -> DispatchResult {
		let allocation = Self::allocate(&provider, &request)?;
		let price = Self::listed_price(&provider, &allocation)?;
		Self::open_lease(consumer, provider, allocation, price, deposit, DepositSource::FreeBalance).map(|_| ())
	}

	pub(crate) fn do_top_up(who: T::AccountId, id: LeaseId, amount: BalanceOf<T>) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		let mut lease = Leases::<T>::get(id).ok_or(Error::<T>::UnknownLease)?;
		ensure!(lease.is_open(), Error::<T>::LeaseNotOpen);
		ensure!(lease.consumer == who, Error::<T>::NotParty);
		Self::hold_escrow(&who, amount)?;
		lease.escrow = lease.escrow.saturating_add(amount);
		lease.deposited = lease.deposited.saturating_add(amount);
		let escrow = lease.escrow;
		Self::store(id, lease);
		Self::deposit_event(Event::ToppedUp { lease: id, amount, escrow });
		Ok(())
	}

	pub(crate) fn do_close_by_party(who: T::AccountId, id: LeaseId) -> DispatchResult {
		let lease = Leases::<T>::get(id).ok_or(Error::<T>::UnknownLease)?;
		ensure!(lease.is_open(), Error::<T>::LeaseNotOpen);
		let reason = if who == lease.consumer {
			CloseReason::ConsumerClosed
		} else if who == lease.provider {
			CloseReason::ProviderClosed
		} else {
			return Err(Error::<T>::NotParty.into());
		};
		Self::close(id, lease, reason)
	}

	pub(crate) fn do_close_stale(id: LeaseId) -> DispatchResult {
		let lease = Leases::<T>::get(id).ok_or(Error::<T>::UnknownLease)?;
		ensure!(lease.is_open(), Error::<T>::LeaseNotOpen);
		let reason = match T::Providers::status(&lease.provider) {
			None | Some(ProviderStatus::Deregistered) => CloseReason::ProviderGone,
			Some(ProviderStatus::Suspended) => CloseReason::ProviderSuspended,
			Some(ProviderStatus::Active) | Some(ProviderStatus::Unbonding) => {
				ensure!(Self::is_underfunded(&lease, Self::now())?, Error::<T>::LeaseHealthy);
				CloseReason::InsufficientFunds
			},
		};
		Self::close(id, lease, reason)
	}

	/// Blocks of `epoch` during which `lease` ran, counting up to block `until`.
	pub(crate) fn blocks_run_in(lease: &Lease<T>, epoch: EpochIndex, until: BlockIndex) -> u32 {
		Self::clock().blocks_within(epoch, Self::block_index(lease.opened_at), until)
	}

	/// The block service ended (or now, for an open lease).
	pub(crate) fn service_end(lease: &Lease<T>, now: BlockNumberOf<T>) -> BlockIndex {
		Self::block_index(match lease.status {
			LeaseStatus::Open => now,
			LeaseStatus::Closed { at, .. } => at,
		})
	}

	/// Most that can still be charged for service already delivered: every unsettled epoch
	/// that can still be settled (the one service ended in and, within the grace, the one
	/// before; and the one before that if its window closed congested and it is settled late),
	/// at full price for the blocks served.
	pub(crate) fn pending_cost(lease: &Lease<T>, now: BlockNumberOf<T>) -> Result<BalanceOf<T>, DispatchError> {
		let clock = Self::clock();
		let (end, now) = (Self::service_end(lease, now), Self::block_index(now));
		let last = clock.epoch_of(end);
		let mut pending = BalanceOf::<T>::zero();
		for epoch in [last.checked_sub(2), last.checked_sub(1), Some(last)].into_iter().flatten() {
			if lease.settled_epoch.is_some_and(|settled| epoch <= settled) || !clock.settleable(epoch, now) {
				continue;
			}
			let blocks = Self::blocks_run_in(lease, epoch, end);
			let cost = money::charge_for_blocks(lease.price_per_hour, blocks, T::BlocksPerHour::get())
				.ok_or(Error::<T>::Overflow)?;
			pending = pending.saturating_add(cost);
		}
		Ok(pending)
	}

	/// The escrow cannot cover what is accrued and still chargeable plus one more epoch.
	pub(crate) fn is_underfunded(lease: &Lease<T>, now: BlockNumberOf<T>) -> Result<bool, DispatchError> {
		let needed = Self::pending_cost(lease, now)?.saturating_add(Self::epoch_cost(lease.price_per_hour)?);
		Ok(lease.escrow < needed)
	}

	/// Closes an open lease: frees its resources at once and refunds the escrow, keeping what the
	/// still-reportable service may cost.
	pub(crate) fn close(id: LeaseId, mut lease: Lease<T>, reason: CloseReason) -> DispatchResult {
		let now = Self::now();
		for gpu in &lease.gpus {
			LeasedGpu::<T>::remove(gpu);
		}
		// A provider without open leases keeps no entry (no storage without a deposit).
		Commitments::<T>::mutate_exists(&lease.provider, |entry| {
			let mut c = entry.unwrap_or_default();
			c.open_leases = c.open_leases.saturating_sub(1);
			c.storage_gib = c.storage_gib.saturating_sub(lease.storage_gib.into());
			c.cpu_cores = c.cpu_cores.saturating_sub(lease.cpu_cores);
			*entry = (c != Commitment::default()).then_some(c);
		});

		let retained = lease.escrow.min(Self::pending_cost(&lease, now)?);
		let refunded = lease.escrow.saturating_sub(retained);
		Self::release_escrow(&lease.consumer, refunded)?;
		lease.refunded = lease.refunded.saturating_add(refunded);
		lease.escrow = retained;
		lease.status = LeaseStatus::Closed { reason, at: now };
		T::Observer::lease_closed(&lease.provider);
		Self::unlist_once_unheld(id, &lease);
		Self::store(id, lease);
		Self::deposit_event(Event::LeaseClosed { lease: id, reason, refunded, retained });
		Ok(())
	}

	/// An epoch at `price_per_hour` pays at least what `provider` takes a lease for: tiny leases
	/// cannot fill its lease slots for less than it decided a slot is worth.
	pub(crate) fn ensure_provider_minimum(provider: &T::AccountId, price_per_hour: BalanceOf<T>) -> DispatchResult {
		ensure!(
			Self::epoch_cost(price_per_hour)? >= T::Providers::min_lease_charge(provider),
			Error::<T>::BelowProviderMinimum
		);
		Ok(())
	}

	/// Writes a lease back, or removes its record once nothing can happen to it any more: closed,
	/// no escrow retained, no charge booked and unclaimed, no payment held for a dispute. Storage
	/// then holds only leases that are open or still hold money; a past lease lives on in its
	/// events, from `LeaseOpened` (parties, resources, price, deposit) to `LeaseFinished` (its
	/// final totals).
	pub(crate) fn store(id: LeaseId, lease: Lease<T>) {
		if !lease.is_settled_up() {
			Leases::<T>::insert(id, lease);
			return;
		}
		Self::unlist(id, &lease);
		Leases::<T>::remove(id);
		Self::deposit_event(Event::LeaseFinished {
			lease: id,
			deposited: lease.deposited,
			paid: lease.paid,
			take: lease.take,
			refunded: lease.refunded,
		});
	}

	/// Takes `lease` off its parties' lists once it is closed and has nothing left on the escrow
	/// hold (booked charges keep it listed, where claims find it).
	pub(crate) fn unlist_once_unheld(id: LeaseId, lease: &Lease<T>) {
		if !lease.stays_listed() {
			Self::unlist(id, lease);
		}
	}

	/// Takes a lease that holds no more escrow off its parties' lists (an emptied list goes).
	pub(crate) fn unlist(id: LeaseId, lease: &Lease<T>) {
		ProviderLeases::<T>::mutate_exists(&lease.provider, |ids| remove_from_list(ids, &id));
		ConsumerLeases::<T>::mutate_exists(&lease.consumer, |ids| remove_from_list(ids, &id));
	}

	pub(crate) fn do_release_retained(id: LeaseId) -> DispatchResult {
		let mut lease = Leases::<T>::get(id).ok_or(Error::<T>::UnknownLease)?;
		ensure!(!lease.is_open() && !lease.escrow.is_zero(), Error::<T>::NothingRetained);
		ensure!(Self::pending_cost(&lease, Self::now())?.is_zero(), Error::<T>::GraceNotOver);
		Self::refund_retained(id, &mut lease)?;
		Self::store(id, lease);
		Ok(())
	}

	/// After a settlement of a closed lease: refunds what no remaining report can claim, and
	/// forgets the lease once nothing can be charged any more.
	pub(crate) fn trim_retained(id: LeaseId, lease: &mut Lease<T>) -> DispatchResult {
		let needed = Self::pending_cost(lease, Self::now())?;
		if needed.is_zero() {
			return Self::refund_retained(id, lease);
		}
		let excess = lease.escrow.saturating_sub(needed);
		if !excess.is_zero() {
			Self::release_escrow(&lease.consumer, excess)?;
			lease.refunded = lease.refunded.saturating_add(excess);
			lease.escrow = lease.escrow.saturating_sub(excess);
			Self::deposit_event(Event::RetainedReleased { lease: id, refunded: excess });
		}
		Ok(())
	}

	/// Refunds what a closed lease still holds and forgets it.
	pub(crate) fn refund_retained(id: LeaseId, lease: &mut Lease<T>) -> DispatchResult {
		let refunded = lease.escrow;
		Self::release_escrow(&lease.consumer, refunded)?;
		lease.refunded = lease.refunded.saturating_add(refunded);
		lease.escrow = Zero::zero();
		Self::unlist_once_unheld(id, lease);
		Self::deposit_event(Event::RetainedReleased { lease: id, refunded });
		Ok(())
	}
}

/// Removes `item` from a stored list, and the list itself once it is empty: a `ValueQuery`
/// mutation would otherwise leave an empty entry behind for good.
pub(crate) fn remove_from_list<I: PartialEq, S>(list: &mut Option<BoundedVec<I, S>>, item: &I) {
	if let Some(items) = list {
		items.retain(|i| i != item);
		if items.is_empty() {
			*list = None;
		}
	}
}
