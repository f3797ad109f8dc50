//! FRAME v2 benchmarks: every call at its worst case.

use frame_benchmarking::v2::*;
use frame_support::{
	traits::{EnsureOrigin, Get, Hooks},
	BoundedVec,
};
use frame_system::RawOrigin;
use sp_runtime::traits::Zero;
use depin_primitives::{AttestationObserver, AttestedUsage, LeaseObserver, Payment, TakeDestination};

use crate::{pallet::*, types::*, Config, EpochIndex};

fn work_in<T: Config>(provider: &T::AccountId, epoch: EpochIndex) {
	// Both weights of a claim: audited capacity and take paid.
	let usage = AttestedUsage { audited_gpu_blocks: 10, audited_storage_gib_blocks: 10, ..Default::default() };
	<Pallet<T> as AttestationObserver<_, _>>::report_accepted(provider, epoch, &usage);
	let payment = Payment {
		charged: 1_000u32.into(),
		provider_share: 950u32.into(),
		take: 50u32.into(),
		take_destination: TakeDestination::Beneficiary,
	};
	<Pallet<T> as LeaseObserver<_, _>>::settled(epoch, provider, &payment);
	// And a charge held for a dispute: its take reserved.
	<Pallet<T> as LeaseObserver<_, _>>::charge_held(epoch, provider, 10u32.into());
}

fn params_with_window<T: Config>(window: u32) -> EmissionParams<BalanceOf<T>> {
	EmissionParams {
		initial_per_epoch: 1_000_000u32.into(),
		halving_epochs: 100,
		bootstrap_per_epoch: 1_000u32.into(),
		bootstrap_epochs: 100,
		revenue_cap_percent: 200,
		usage_match_percent: 100,
		trailing_epochs: window,
	}
}

/// Closes epochs `0..=last` the way blocks would.
fn close_through<T: Config>(last: EpochIndex) {
	for epoch in 0..=last {
		Pallet::<T>::close_epoch(epoch);
	}
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// `on_initialize` closing an epoch, reading `w` epochs of trailing revenue.
	#[benchmark]
	fn close_epoch(w: Linear<1, { T::MaxTrailingEpochs::get() }>) {
		Params::<T>::put(params_with_window::<T>(w));
		let provider: T::AccountId = account("provider", 0, 0);
		let epoch = w;
		for e in 0..=epoch {
			work_in::<T>(&provider, e);
		}
		// The epochs before it closed in their blocks: this block closes `epoch` alone.
		close_through::<T>(epoch - 1);
		let block = T::Clock::get().report_window_closes(epoch);
		#[block]
		{
			Pallet::<T>::on_initialize(block.into());
		}
		assert!(Ledgers::<T>::get(epoch).closed);
	}

	#[benchmark]
	fn claim_rewards(n: Linear<1, { T::MaxClaimEpochs::get() }>) {
		let provider: T::AccountId = whitelisted_caller();
		for e in 0..n {
			work_in::<T>(&provider, e);
		}
		close_through::<T>(n - 1);
		let epochs: BoundedVec<EpochIndex, T::MaxClaimEpochs> = BoundedVec::truncate_from((0..n).collect());

		#[extrinsic_call]
		_(RawOrigin::Signed(provider.clone()), epochs);

		assert!(!ProviderEarnings::<T>::get(&provider).emission.is_zero());
	}

	/// Clearing the records (take paid and audited capacity) of `p` providers that never claimed.
	#[benchmark]
	fn sweep_expired(p: Linear<0, { T::MaxProvidersPerEpoch::get() }>) {
		for i in 0..p {
			work_in::<T>(&account("provider", i, 0), 0);
		}
		close_through::<T>(T::RewardExpiry::get());
		let caller: T::AccountId = whitelisted_caller();

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), 0);

		// Swept, and with every record cleared, archived.
		assert!(Ledgers::<T>::get(0).swept || ArchivedBefore::<T>::get() == 1);
	}

	/// A provider's record went: its earnings totals go too.
	#[benchmark]
	fn forget_provider() {
		let provider: T::AccountId = account("provider", 0, 0);
		work_in::<T>(&provider, 0);
		#[block]
		{
			<Pallet<T> as depin_primitives::ProviderObserver<_>>::provider_removed(&provider);
		}
		assert!(!ProviderEarnings::<T>::contains_key(&provider));
	}

	#[benchmark]
	fn set_params() -> Result<(), BenchmarkError> {
		let origin = T::GovernanceOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let params = params_with_window::<T>(T::MaxTrailingEpochs::get());

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, params.clone());

		assert_eq!(Params::<T>::get(), params);
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
