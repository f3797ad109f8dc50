//! Orders and bids: the auction path into a lease.

use frame_support::{
	dispatch::DispatchResultWithPostInfo,
	ensure,
	traits::{fungible::MutateHold, Get},
};
use depin_primitives::{ProviderRegistry, Region};
use sp_runtime::{
	traits::{Saturating, Zero},
	DispatchError, DispatchResult,
};

use crate::{leasing::Allocation, pallet::*, types::*, Config, WeightInfo};

impl<T: Config> Pallet<T> {
	pub(crate) fn do_create_order(
		consumer: T::AccountId,
		request: ResourceRequest,
		region: Option<Region>,
		required_auditor: Option<T::AccountId>,
		max_price_per_hour: BalanceOf<T>,
		deposit: BalanceOf<T>,
	) -> DispatchResult {
		Self::ensure_request_in_bounds(&request)?;
		ensure!(!max_price_per_hour.is_zero(), Error::<T>::ZeroPrice);
		// Enough for the dearest acceptable bid, hence for any bid.
		ensure!(deposit >= Self::required_deposit(max_price_per_hour)?, Error::<T>::DepositTooLow);

		let id = NextOrderId::<T>::get();
		let next = id.checked_add(1).ok_or(Error::<T>::Overflow)?;
		let mut orders = ConsumerOrders::<T>::get(&consumer);
		orders.try_push(id).map_err(|_| Error::<T>::TooManyConsumerLeases)?;
		Self::hold_escrow(&consumer, deposit)?;

		NextOrderId::<T>::put(next);
		ConsumerOrders::<T>::insert(&consumer, orders);
		Orders::<T>::insert(
			id,
			Order::<T> {
				consumer: consumer.clone(),
				request,
				region,
				required_auditor,
				max_price_per_hour,
				deposit,
				expires_at: Self::now().saturating_add(T::OrderTtl::get()),
				bids: 0,
				rejected: Default::default(),
			},
		);
		Self::deposit_event(Event::OrderCreated { order: id, consumer, max_price_per_hour, deposit });
		Ok(())
	}

	/// Ends an order and refunds its deposit: cancelled by its consumer, or expired (anyone
	/// may end it then).
	pub(crate) fn do_end_order(id: OrderId, ending: OrderEnding<T::AccountId>) -> DispatchResultWithPostInfo {
		let order = Orders::<T>::get(id).ok_or(Error::<T>::UnknownOrder)?;
		match ending {
			OrderEnding::CancelledBy(ref who) => ensure!(*who == order.consumer, Error::<T>::NotOrderOwner),
			OrderEnding::Expired => ensure!(Self::now() >= order.expires_at, Error::<T>::OrderNotExpired),
		}
		Self::release_escrow(&order.consumer, order.deposit)?;
		let bids = Self::remove_order(id, &order)?;
		Self::deposit_event(match ending {
			OrderEnding::CancelledBy(_) =>
				Event::OrderCancelled { order: id, consumer: order.consumer.clone(), refunded: order.deposit },
			OrderEnding::Expired => Event::OrderExpired { order: id, consumer: order.consumer.clone(), refunded: order.deposit },
		});
		Ok(Some(T::WeightInfo::cancel_order(bids)).into())
	}

	/// Removes an order and its bids, returning every bid deposit; returns how many bids there
	/// were (at most `MaxBidsPerOrder`).
	fn remove_order(id: OrderId, order: &Order<T>) -> Result<u32, DispatchError> {
		let mut bids = 0u32;
		for (bidder, _) in Bids::<T>::drain_prefix(id) {
			Self::release_hold(HoldReason::BidDeposit, &bidder, T::BidDeposit::get())?;
			bids = bids.saturating_add(1);
		}
		ConsumerOrders::<T>::mutate_exists(&order.consumer, |ids| crate::leasing::remove_from_list(ids, &id));
		Orders::<T>::remove(id);
		Ok(bids)
	}

	/// A provider may serve `order` at `price_per_hour`, right now; returns what it would allocate.
	fn ensure_can_serve(
		provider: &T::AccountId,
		order: &Order<T>,
		price_per_hour: BalanceOf<T>,
	) -> Result<Allocation, DispatchError> {
		ensure!(Self::now() < order.expires_at, Error::<T>::OrderExpired);
		ensure!(*provider != order.consumer, Error::<T>::SelfLease);
		ensure!(T::Providers::is_active(provider), Error::<T>::ProviderNotActive);
		ensure!(price_per_hour <= order.max_price_per_hour, Error::<T>::PriceAboveMaximum);
		ensure!(!price_per_hour.is_zero(), Error::<T>::ZeroPrice);
		Self::ensure_provider_minimum(provider, price_per_hour)?;
		if let Some(region) = &order.region {
			ensure!(T::Providers::region(provider).as_ref() == Some(region), Error::<T>::RegionMismatch);
		}
		if let Some(auditor) = &order.required_auditor {
			ensure!(T::Providers::is_audited_by(provider, auditor), Error::<T>::NotAudited);
		}
		Self::allocate(provider, &order.request)
	}

	pub(crate) fn do_bid(provider: T::AccountId, id: OrderId, price_per_hour: BalanceOf<T>) -> DispatchResult {
		let mut order = Orders::<T>::get(id).ok_or(Error::<T>::UnknownOrder)?;
		ensure!(!order.rejected.contains(&provider), Error::<T>::BidderRejected);
		Self::ensure_can_serve(&provider, &order, price_per_hour)?;
		Self::required_deposit(price_per_hour)?;
		if !Bids::<T>::contains_key(id, &provider) {
			ensure!(order.bids < T::MaxBidsPerOrder::get(), Error::<T>::TooManyBids);
			T::Currency::hold(&HoldReason::BidDeposit.into(), &provider, T::BidDeposit::get())
				.map_err(|e| depin_primitives::funds::map_hold_shortfall(e, Error::<T>::InsufficientBalance))?;
			order.bids = order.bids.saturating_add(1);
			Orders::<T>::insert(id, order);
		}
		Bids::<T>::insert(id, &provider, price_per_hour);
		Self::deposit_event(Event::BidPlaced { order: id, provider, price_per_hour });
		Ok(())
	}

	pub(crate) fn do_withdraw_bid(provider: T::AccountId, id: OrderId) -> DispatchResult {
		let mut order = Orders::<T>::get(id).ok_or(Error::<T>::UnknownOrder)?;
		ensure!(Bids::<T>::contains_key(id, &provider), Error::<T>::UnknownBid);
		Self::end_bid(id, &mut order, &provider)?;
		Orders::<T>::insert(id, order);
		Self::deposit_event(Event::BidWithdrawn { order: id, provider });
		Ok(())
	}

	pub(crate) fn do_reject_bid(consumer: T::AccountId, id: OrderId, provider: T::AccountId) -> DispatchResult {
		let mut order = Orders::<T>::get(id).ok_or(Error::<T>::UnknownOrder)?;
		ensure!(order.consumer == consumer, Error::<T>::NotOrderOwner);
		ensure!(Bids::<T>::contains_key(id, &provider), Error::<T>::UnknownBid);
		order.rejected.try_push(provider.clone()).map_err(|_| Error::<T>::TooManyRejections)?;
		Bids::<T>::remove(id, &provider);
		order.bids = order.bids.saturating_sub(1);
		let forfeited = Self::forfeit_bid_deposit(&provider)?;
		Orders::<T>::insert(id, order);
		Self::deposit_event(Event::BidRejected { order: id, provider, forfeited });
		Ok(())
	}

	/// Removes `provider`'s standing bid on `order` and returns its deposit.
	fn end_bid(id: OrderId, order: &mut Order<T>, provider: &T::AccountId) -> DispatchResult {
		Bids::<T>::remove(id, provider);
		order.bids = order.bids.saturating_sub(1);
		Self::release_hold(HoldReason::BidDeposit, provider, T::BidDeposit::get())
	}

	pub(crate) fn do_accept_bid(
		consumer: T::AccountId,
		id: OrderId,
		provider: T::AccountId,
	) -> DispatchResultWithPostInfo {
		let order = Orders::<T>::get(id).ok_or(Error::<T>::UnknownOrder)?;
		ensure!(order.consumer == consumer, Error::<T>::NotOrderOwner);
		let price = Bids::<T>::get(id, &provider).ok_or(Error::<T>::UnknownBid)?;
		// The provider's situation may have changed since it bid.
		let allocation = Self::ensure_can_serve(&provider, &order, price)?;
		let gpus = allocation.gpus.len() as u32;
		// The order's deposit, held since the order was made, becomes the lease's escrow.
		Self::open_lease(consumer, provider, allocation, price, order.deposit, DepositSource::HeldByOrder)?;
		let bids = Self::remove_order(id, &order)?;
		Ok(Some(T::WeightInfo::accept_bid(gpus, bids)).into())
	}
}
