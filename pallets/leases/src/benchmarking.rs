//! FRAME v2 benchmarks: every call at its worst case.

use alloc::vec::Vec;
use depin_primitives::{
	benchmarking::{LeaseFixtures, ProviderFixtures},
	LeaseCharge, Payee,
};
use frame_benchmarking::v2::*;
use frame_support::traits::{
	fungible::{Inspect, Mutate},
	Get,
};
use frame_system::RawOrigin;
use sp_runtime::traits::{Bounded, Saturating, Zero};

use crate::{pallet::*, types::*, Config};

/// A provider registry that sets up providers for these benchmarks.
pub trait Fixtures<T: Config>: ProviderFixtures<T::AccountId, BalanceOf<T>> {}
impl<T: Config, P: ProviderFixtures<T::AccountId, BalanceOf<T>>> Fixtures<T> for P {}

/// An hourly price whose epochs cost at least `MinEpochCharge` whatever the epoch length.
fn price<T: Config>() -> BalanceOf<T> {
	let per_block = T::MinEpochCharge::get().max(1_000_000u32.into());
	BalanceOf::<T>::from(T::BlocksPerHour::get()).saturating_mul(per_block)
}

fn consumer<T: Config>(index: u32) -> T::AccountId {
	let who: T::AccountId = account("consumer", index, 0);
	T::Currency::set_balance(&who, BalanceOf::<T>::max_value() / 4u32.into());
	who
}

fn provider<T: Config>(index: u32, gpus: u32) -> T::AccountId
where
	T::Providers: Fixtures<T>,
{
	let who: T::AccountId = account("provider", index, 0);
	T::Providers::active_provider(&who, gpus, price::<T>());
	who
}

fn gpus_request(gpus: u32) -> ResourceRequest {
	// Storage and cores too, so every capacity check runs.
	ResourceRequest { gpus, gpu_model: None, min_vram_mib: 1, storage_gib: 1, cpu_cores: 1, attested_gpus: false }
}

/// A deposit far above any minimum.
fn deposit<T: Config>() -> BalanceOf<T> {
	Pallet::<T>::required_deposit(price::<T>().saturating_mul(1_000u32.into())).expect("prices are sane")
}

fn max_gpus<T: Config>() -> u32 {
	T::MaxGpusPerLease::get()
}

/// `count` cheap open leases of `consumer` at `provider`, to fill both parties' lists.
fn fill_leases<T: Config>(consumer: &T::AccountId, provider: &T::AccountId, count: u32) {
	for _ in 0..count {
		Pallet::<T>::do_rent(
			consumer.clone(),
			provider.clone(),
			ResourceRequest { cpu_cores: 1, ..Default::default() },
			deposit::<T>(),
		)
		.expect("rents");
	}
}

fn order_with_bids<T: Config>(consumer: &T::AccountId, bids: u32) -> OrderId
where
	T::Providers: Fixtures<T>,
{
	let id = NextOrderId::<T>::get();
	Pallet::<T>::do_create_order(
		consumer.clone(),
		gpus_request(max_gpus::<T>()),
		None,
		None,
		price::<T>().saturating_mul(100u32.into()),
		deposit::<T>(),
	)
	.expect("orders");
	for i in 0..bids {
		let bidder = provider::<T>(100 + i, max_gpus::<T>());
		Pallet::<T>::do_bid(bidder, id, price::<T>()).expect("bids");
	}
	id
}

fn go_to<T: Config>(block: u32) {
	frame_system::Pallet::<T>::set_block_number(block.into());
}

#[benchmarks(where T::Providers: Fixtures<T>)]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn create_order() {
		let who = consumer::<T>(0);
		for _ in 1..T::MaxLeasesPerConsumer::get() {
			order_with_bids::<T>(&who, 0);
		}
		#[extrinsic_call]
		_(
			RawOrigin::Signed(who.clone()),
			gpus_request(max_gpus::<T>()),
			Some(Default::default()),
			Some(who.clone()),
			price::<T>(),
			deposit::<T>(),
		);
		assert_eq!(ConsumerOrders::<T>::get(&who).len() as u32, T::MaxLeasesPerConsumer::get());
	}

	#[benchmark]
	fn cancel_order(b: Linear<0, { T::MaxBidsPerOrder::get() }>) {
		let who = consumer::<T>(0);
		let id = order_with_bids::<T>(&who, b);
		#[extrinsic_call]
		_(RawOrigin::Signed(who), id);
		assert!(Orders::<T>::get(id).is_none());
	}

	#[benchmark]
	fn bid() {
		let who = consumer::<T>(0);
		let id = order_with_bids::<T>(&who, T::MaxBidsPerOrder::get().saturating_sub(1));
		// Most GPUs a provider may list, all scanned for free ones.
		let bidder = provider::<T>(0, u32::MAX);
		#[extrinsic_call]
		_(RawOrigin::Signed(bidder.clone()), id, price::<T>());
		assert!(Bids::<T>::contains_key(id, &bidder));
	}

	#[benchmark]
	fn withdraw_bid() {
		let who = consumer::<T>(0);
		let id = order_with_bids::<T>(&who, 1);
		let bidder: T::AccountId = account("provider", 100, 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(bidder.clone()), id);
		assert!(!Bids::<T>::contains_key(id, &bidder));
	}

	/// Worst case: the rejection fills the order's rejected list.
	#[benchmark]
	fn reject_bid() {
		let who = consumer::<T>(0);
		let bids = T::MaxBidsPerOrder::get();
		let id = order_with_bids::<T>(&who, bids);
		for i in 0..bids.saturating_sub(1) {
			Pallet::<T>::do_reject_bid(who.clone(), id, account("provider", 100 + i, 0)).expect("rejects");
		}
		let last: T::AccountId = account("provider", 100 + bids - 1, 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(who), id, last.clone());
		assert!(!Bids::<T>::contains_key(id, &last));
		assert_eq!(Orders::<T>::get(id).expect("the order stands").rejected.len() as u32, bids);
	}

	#[benchmark]
	fn accept_bid(g: Linear<0, { T::MaxGpusPerLease::get() }>, b: Linear<1, { T::MaxBidsPerOrder::get() }>) {
		let who = consumer::<T>(0);
		let id = NextOrderId::<T>::get();
		Pallet::<T>::do_create_order(who.clone(), gpus_request(g), None, None, price::<T>().saturating_mul(100u32.into()), deposit::<T>())
			.expect("orders");
		let mut winner = None;
		for i in 0..b {
			let bidder = provider::<T>(100 + i, u32::MAX);
			Pallet::<T>::do_bid(bidder.clone(), id, price::<T>()).expect("bids");
			winner = Some(bidder);
		}
		let winner = winner.expect("b >= 1");
		#[extrinsic_call]
		_(RawOrigin::Signed(who), id, winner);
		assert!(Orders::<T>::get(id).is_none());
	}

	#[benchmark]
	fn rent(g: Linear<0, { T::MaxGpusPerLease::get() }>) {
		let who = consumer::<T>(0);
		let seller = provider::<T>(0, u32::MAX);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), seller, gpus_request(g), deposit::<T>());
		assert_eq!(ConsumerLeases::<T>::get(&who).len(), 1);
	}

	#[benchmark]
	fn top_up() {
		let who = consumer::<T>(0);
		let seller = provider::<T>(0, 0);
		fill_leases::<T>(&who, &seller, 1);
		#[extrinsic_call]
		_(RawOrigin::Signed(who), 0, deposit::<T>());
	}

	#[benchmark]
	fn close_lease(g: Linear<0, { T::MaxGpusPerLease::get() }>) {
		// Worst case: both parties' lists are full and service is retained for two epochs.
		let who = consumer::<T>(0);
		let seller = provider::<T>(0, u32::MAX);
		let others = T::MaxLeasesPerConsumer::get().min(T::MaxLeasesPerProvider::get()).saturating_sub(1);
		fill_leases::<T>(&who, &seller, others);
		let id = NextLeaseId::<T>::get();
		Pallet::<T>::do_rent(who.clone(), seller, gpus_request(g), deposit::<T>()).expect("rents");
		go_to::<T>(Pallet::<T>::clock().first_block(1).saturating_add(1));
		#[extrinsic_call]
		_(RawOrigin::Signed(who), id);
		assert!(!Leases::<T>::get(id).expect("exists").is_open());
	}

	#[benchmark]
	fn release_retained() {
		let who = consumer::<T>(0);
		let seller = provider::<T>(0, 0);
		fill_leases::<T>(&who, &seller, 1);
		let clock = Pallet::<T>::clock();
		go_to::<T>(clock.first_block(1).saturating_add(1));
		Pallet::<T>::do_close_by_party(who.clone(), 0).expect("closes");
		go_to::<T>(clock.first_block(3));
		#[extrinsic_call]
		_(RawOrigin::Signed(who), 0);
		// Nothing held any more: the lease is finished and its record removed.
		assert!(!Leases::<T>::contains_key(0));
	}

	/// Unlocking a provider's earnings of an epoch nobody can contest any more.
	#[benchmark]
	fn release_earnings() {
		let who = consumer::<T>(0);
		let seller = provider::<T>(0, 0);
		// Earnings a report paid and locked before claims existed (storage v3).
		let amount = deposit::<T>();
		T::Currency::set_balance(&seller, T::Currency::balance(&seller).saturating_add(amount.saturating_mul(2u32.into())));
		Pallet::<T>::lock_earnings(&seller, 0, amount).expect("locks");
		let clock = Pallet::<T>::clock();
		go_to::<T>(clock.report_window_closes(1));
		#[extrinsic_call]
		_(RawOrigin::Signed(who), seller.clone(), 0);
		assert!(!LockedEarnings::<T>::contains_key(&seller, 0));
	}

	/// Settling one lease's epoch, in the worst case closing it for lack of funds (freeing `g`
	/// GPUs). (A report's settlement is benchmarked as a whole by the attestation pallet.)
	#[benchmark]
	fn settle(g: Linear<0, { T::MaxGpusPerLease::get() }>) {
		let who = consumer::<T>(0);
		let seller = provider::<T>(0, u32::MAX);
		let id = NextLeaseId::<T>::get();
		Pallet::<T>::do_rent(who, seller.clone(), gpus_request(g), deposit::<T>()).expect("rents");
		let clock = Pallet::<T>::clock();
		// Epoch 0 settled: its charge booked, to mature in this settlement.
		go_to::<T>(clock.report_window_opens(0));
		let first = LeaseCharge { lease: id, attested_blocks: clock.length(), payee: Payee::Provider };
		Pallet::<T>::do_settle_epoch(&seller, 0, &[first]).expect("settles epoch 0");
		// Leave just over one epoch in escrow so this settlement closes the lease.
		let epoch_cost =
			Pallet::<T>::epoch_cost(Leases::<T>::get(id).expect("exists").price_per_hour).expect("sane");
		Leases::<T>::mutate(id, |lease| {
			let lease = lease.as_mut().expect("exists");
			let excess = lease.escrow.saturating_sub(epoch_cost.saturating_add(1u32.into()));
			Pallet::<T>::release_escrow(&lease.consumer, excess).expect("releases");
			lease.escrow = lease.escrow.saturating_sub(excess);
			lease.refunded = lease.refunded.saturating_add(excess);
		});
		go_to::<T>(clock.report_window_opens(1).max(clock.report_window_opens(0) + clock.length()));
		#[block]
		{
			let charge = LeaseCharge { lease: id, attested_blocks: clock.length(), payee: Payee::Provider };
			Pallet::<T>::do_settle_epoch(&seller, 1, &[charge]).expect("settles");
		}
		let lease = Leases::<T>::get(id).expect("booked charges keep it");
		assert!(!lease.is_open());
		assert!(!lease.unclaimed.share.is_zero(), "epoch 0's charge matured");
	}

	/// A provider claims the booked charges of `l` leases, each of another consumer.
	#[benchmark]
	fn claim_earnings(l: Linear<1, { T::MaxLeasesPerProvider::get() }>) {
		let seller = provider::<T>(0, 0);
		let clock = Pallet::<T>::clock();
		let charges: Vec<LeaseCharge> = (0..l)
			.map(|index| {
				let id = NextLeaseId::<T>::get();
				let request = ResourceRequest { cpu_cores: 1, ..Default::default() };
				// Funded for its deposit only: `consumer`'s balance for each would overflow the
				// issuance.
				let who: T::AccountId = account("consumer", index, 0);
				let funds = deposit::<T>().saturating_mul(2u32.into()).saturating_add(T::Currency::minimum_balance());
				T::Currency::set_balance(&who, funds);
				Pallet::<T>::do_rent(who, seller.clone(), request, deposit::<T>()).expect("rents");
				LeaseCharge { lease: id, attested_blocks: clock.length(), payee: Payee::Provider }
			})
			.collect();
		go_to::<T>(clock.report_window_opens(0));
		Pallet::<T>::do_settle_epoch(&seller, 0, &charges).expect("settles");
		go_to::<T>(clock.report_window_opens(0) + clock.length());
		assert!(!Pallet::<T>::claimable(&seller).share.is_zero());
		let before = T::Currency::balance(&seller);
		#[extrinsic_call]
		_(RawOrigin::Signed(seller.clone()), seller.clone());
		assert!(Pallet::<T>::claimable(&seller) == Default::default());
		assert!(T::Currency::balance(&seller) > before);
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}


/// Leases for other pallets' benchmarks.
impl<T: Config> LeaseFixtures<T::AccountId> for Pallet<T> {
	fn open_leases(provider: &T::AccountId, count: u32) -> Vec<LeaseId> {
		let request = ResourceRequest { cpu_cores: 1, ..Default::default() };
		let price = Pallet::<T>::allocate(provider, &request)
			.and_then(|allocation| Pallet::<T>::listed_price(provider, &allocation))
			.expect("the provider lists cores");
		let deposit = Pallet::<T>::required_deposit(price).expect("a sane price").saturating_mul(1_000u32.into());
		(0..count)
			.map(|_| {
				let id = NextLeaseId::<T>::get();
				let consumer = lease_consumer::<T>(id);
				// Plenty for its leases' deposits and dispute deposits, funded once (a small
				// fraction of the maximum, so the issuance of all consumers cannot overflow).
				if T::Currency::balance(&consumer).is_zero() {
					T::Currency::set_balance(&consumer, BalanceOf::<T>::max_value() / (1u32 << 20).into());
				}
				Pallet::<T>::do_rent(consumer, provider.clone(), request.clone(), deposit).expect("rents");
				id
			})
			.collect()
	}

	fn close_lease(lease: LeaseId) {
		Pallet::<T>::do_close_by_party(lease_consumer::<T>(lease), lease).expect("closes");
	}
}

/// Each fixture lease has its own consumer.
fn lease_consumer<T: Config>(lease: LeaseId) -> T::AccountId {
	account("lease-consumer", lease as u32, 0)
}
