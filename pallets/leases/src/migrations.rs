//! Storage migrations of the leases pallet.

/// v1 → v2: a lease remembers its recent paid charges (`paid_charges`, for disputes raised after
/// the report while the provider's share is locked) instead of the last one only
/// (`last_paid_charge`), and no empty list or all-zero commitment is stored (v1 left them behind
/// when a provider's or consumer's last lease or order went).
pub mod v2 {
	use alloc::vec::Vec;
	use frame_support::{
		migrations::VersionedMigration, pallet_prelude::*, storage_alias, traits::UncheckedOnRuntimeUpgrade,
		BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
	};
	use sp_runtime::traits::Zero;

	use super::v4::{v3::Leases as LeasesV3, LeaseV3};
	use crate::{pallet::*, types::*, Config};

	/// A lease as v1 stored it.
	#[derive(Encode, Decode, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, TypeInfo)]
	#[scale_info(skip_type_params(T))]
	pub struct LeaseV1<T: Config> {
		pub consumer: AccountIdOf<T>,
		pub provider: AccountIdOf<T>,
		pub gpus: BoundedVec<sp_core::H256, T::MaxGpusPerLease>,
		pub storage_gib: u32,
		pub cpu_cores: u32,
		pub price_per_hour: BalanceOf<T>,
		pub opened_at: BlockNumberOf<T>,
		pub status: LeaseStatus<BlockNumberOf<T>>,
		pub settled_epoch: Option<EpochIndex>,
		pub deposited: BalanceOf<T>,
		pub escrow: BalanceOf<T>,
		pub paid: BalanceOf<T>,
		pub take: BalanceOf<T>,
		pub refunded: BalanceOf<T>,
		pub disputed: BalanceOf<T>,
		pub last_paid_charge: BalanceOf<T>,
	}

	impl<T: Config> LeaseV1<T> {
		pub fn upgraded(self) -> LeaseV3<T> {
			let paid_charges = match (self.settled_epoch, self.last_paid_charge.is_zero()) {
				(Some(epoch), false) => BoundedVec::truncate_from(alloc::vec![(epoch, self.last_paid_charge)]),
				_ => BoundedVec::default(),
			};
			LeaseV3 {
				consumer: self.consumer,
				provider: self.provider,
				gpus: self.gpus,
				storage_gib: self.storage_gib,
				cpu_cores: self.cpu_cores,
				price_per_hour: self.price_per_hour,
				opened_at: self.opened_at,
				status: self.status,
				settled_epoch: self.settled_epoch,
				deposited: self.deposited,
				escrow: self.escrow,
				paid: self.paid,
				take: self.take,
				refunded: self.refunded,
				disputed: self.disputed,
				paid_charges,
			}
		}
	}

	/// The v1 layout under the same storage name.
	pub mod v1 {
		use super::*;

		#[storage_alias]
		pub type Leases<T: Config> = StorageMap<Pallet<T>, Twox64Concat, LeaseId, LeaseV1<T>>;
	}

	/// Re-encodes every lease and removes the empty entries v1 left.
	pub struct RememberPaidCharges<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for RememberPaidCharges<T> {
		fn on_runtime_upgrade() -> Weight {
			let old: Vec<(LeaseId, LeaseV1<T>)> = v1::Leases::<T>::iter().collect();
			let leases = old.len() as u64;
			for (id, lease) in old {
				LeasesV3::<T>::insert(id, lease.upgraded());
			}
			let mut removed = 0u64;
			let empty_providers: Vec<T::AccountId> =
				ProviderLeases::<T>::iter().filter(|(_, ids)| ids.is_empty()).map(|(who, _)| who).collect();
			for who in empty_providers {
				ProviderLeases::<T>::remove(who);
				removed += 1;
			}
			let empty_consumers: Vec<T::AccountId> =
				ConsumerLeases::<T>::iter().filter(|(_, ids)| ids.is_empty()).map(|(who, _)| who).collect();
			for who in empty_consumers {
				ConsumerLeases::<T>::remove(who);
				removed += 1;
			}
			let empty_orders: Vec<T::AccountId> =
				ConsumerOrders::<T>::iter().filter(|(_, ids)| ids.is_empty()).map(|(who, _)| who).collect();
			for who in empty_orders {
				ConsumerOrders::<T>::remove(who);
				removed += 1;
			}
			let empty_commitments: Vec<T::AccountId> = Commitments::<T>::iter()
				.filter(|(_, c)| *c == depin_primitives::Commitment::default())
				.map(|(who, _)| who)
				.collect();
			for who in empty_commitments {
				Commitments::<T>::remove(who);
				removed += 1;
			}
			log::info!(target: "runtime::leases", "{leases} leases re-encoded (v2); {removed} empty entries removed");
			T::DbWeight::get().reads_writes(leases.saturating_add(4 * removed).saturating_add(4), leases.saturating_add(removed))
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
			Ok(Self::before().encode())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			let before = Vec::<(LeaseId, LeaseV1<T>)>::decode(&mut &state[..])
				.map_err(|_| sp_runtime::TryRuntimeError::Other("pre-upgrade state undecodable"))?;
			Self::after(before)
		}
	}

	impl<T: Config> RememberPaidCharges<T> {
		/// Every v1 lease.
		pub fn before() -> Vec<(LeaseId, LeaseV1<T>)> {
			v1::Leases::<T>::iter().collect()
		}

		/// Every lease decodes as v2 with the same figures and its last paid charge remembered;
		/// no empty entry is left. (Before v4's migration: it reads the v2/v3 layout.)
		pub fn after(before: Vec<(LeaseId, LeaseV1<T>)>) -> Result<(), sp_runtime::TryRuntimeError> {
			ensure!(LeasesV3::<T>::iter().count() == before.len(), "lease count changed");
			for (id, old) in before {
				let new = LeasesV3::<T>::get(id).ok_or("a lease was lost")?;
				ensure!(new == old.upgraded(), "a lease changed in the migration");
			}
			ensure!(ProviderLeases::<T>::iter_values().all(|ids| !ids.is_empty()), "an empty provider list");
			ensure!(ConsumerLeases::<T>::iter_values().all(|ids| !ids.is_empty()), "an empty consumer list");
			ensure!(ConsumerOrders::<T>::iter_values().all(|ids| !ids.is_empty()), "an empty order list");
			Ok(())
		}
	}

	/// Runs [`RememberPaidCharges`] once, on a chain whose leases storage is at version 1, and
	/// records version 2.
	pub type MigrateV1ToV2<T> =
		VersionedMigration<1, 2, RememberPaidCharges<T>, Pallet<T>, <T as frame_system::Config>::DbWeight>;
}

/// v2 → v3: a resource request says whether it takes attested GPUs only (`attested_gpus`);
/// every open order was made before that existed, so takes any.
pub mod v3 {
	use alloc::vec::Vec;
	use depin_primitives::{GpuModel, Region};
	use frame_support::{
		migrations::VersionedMigration, pallet_prelude::*, traits::UncheckedOnRuntimeUpgrade, BoundedVec,
		CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
	};

	use crate::{pallet::*, types::*, Config};

	/// A resource request as v2 stored it.
	#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo)]
	pub struct ResourceRequestV2 {
		pub gpus: u32,
		pub gpu_model: Option<GpuModel>,
		pub min_vram_mib: u32,
		pub storage_gib: u32,
		pub cpu_cores: u32,
	}

	/// An order as v2 stored it.
	#[derive(Encode, Decode, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, TypeInfo)]
	#[scale_info(skip_type_params(T))]
	pub struct OrderV2<T: Config> {
		pub consumer: AccountIdOf<T>,
		pub request: ResourceRequestV2,
		pub region: Option<Region>,
		pub required_auditor: Option<AccountIdOf<T>>,
		pub max_price_per_hour: BalanceOf<T>,
		pub deposit: BalanceOf<T>,
		pub expires_at: BlockNumberOf<T>,
		pub bids: u32,
		pub rejected: BoundedVec<AccountIdOf<T>, T::MaxBidsPerOrder>,
	}

	impl<T: Config> OrderV2<T> {
		pub fn upgraded(self) -> Order<T> {
			let ResourceRequestV2 { gpus, gpu_model, min_vram_mib, storage_gib, cpu_cores } = self.request;
			Order {
				consumer: self.consumer,
				request: ResourceRequest { gpus, gpu_model, min_vram_mib, storage_gib, cpu_cores, attested_gpus: false },
				region: self.region,
				required_auditor: self.required_auditor,
				max_price_per_hour: self.max_price_per_hour,
				deposit: self.deposit,
				expires_at: self.expires_at,
				bids: self.bids,
				rejected: self.rejected,
			}
		}
	}

	/// The v2 layout under the same storage name.
	pub mod v2 {
		use super::*;

		#[frame_support::storage_alias]
		pub type Orders<T: Config> = StorageMap<Pallet<T>, Twox64Concat, OrderId, OrderV2<T>>;
	}

	/// Re-encodes every order (open orders live at most `OrderTtl` blocks: few).
	pub struct RequestAttestedGpus<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for RequestAttestedGpus<T> {
		fn on_runtime_upgrade() -> Weight {
			let old: Vec<(OrderId, OrderV2<T>)> = v2::Orders::<T>::iter().collect();
			let orders = old.len() as u64;
			for (id, order) in old {
				Orders::<T>::insert(id, order.upgraded());
			}
			log::info!(target: "runtime::leases", "{orders} orders re-encoded (v3)");
			T::DbWeight::get().reads_writes(orders.saturating_add(1), orders.saturating_add(1))
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
			Ok(Self::before().encode())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			let before = Vec::<(OrderId, OrderV2<T>)>::decode(&mut &state[..])
				.map_err(|_| sp_runtime::TryRuntimeError::Other("pre-upgrade state undecodable"))?;
			Self::after(before)
		}
	}

	impl<T: Config> RequestAttestedGpus<T> {
		/// Every v2 order.
		pub fn before() -> Vec<(OrderId, OrderV2<T>)> {
			v2::Orders::<T>::iter().collect()
		}

		/// Every order decodes as v3 with the same terms, taking any GPU.
		pub fn after(before: Vec<(OrderId, OrderV2<T>)>) -> Result<(), sp_runtime::TryRuntimeError> {
			ensure!(Orders::<T>::iter().count() == before.len(), "order count changed");
			for (id, old) in before {
				let new = Orders::<T>::get(id).ok_or("an order was lost")?;
				ensure!(new == old.upgraded(), "an order changed in the migration");
			}
			Ok(())
		}
	}

	/// Runs [`RequestAttestedGpus`] once, on a chain whose leases storage is at version 2.
	pub type MigrateV2ToV3<T> =
		VersionedMigration<2, 3, RequestAttestedGpus<T>, Pallet<T>, <T as frame_system::Config>::DbWeight>;
}

/// v3 → v4: reports book charges on the lease and claims pay them, so a lease carries its
/// `unclaimed` charges and its `contestable` ones (both empty after the upgrade: every charge
/// before it was paid at once, its share locked on the provider, and drains by the old paths).
///
/// One block: every lease is read and written once. The leases a chain can hold are bounded by
/// its providers' `MaxLeasesPerProvider`; at today's scale (hundreds) that is a few
/// milliseconds. A chain with hundreds of thousands of leases must run this as a multi-block
/// migration (`pallet-migrations`) instead.
pub mod v4 {
	use alloc::vec::Vec;
	use frame_support::{
		migrations::VersionedMigration, pallet_prelude::*, traits::UncheckedOnRuntimeUpgrade, BoundedVec,
		CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
	};

	use crate::{pallet::*, types::*, Config};

	/// A lease as v2 and v3 stored it.
	#[derive(Encode, Decode, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, TypeInfo)]
	#[scale_info(skip_type_params(T))]
	pub struct LeaseV3<T: Config> {
		pub consumer: AccountIdOf<T>,
		pub provider: AccountIdOf<T>,
		pub gpus: BoundedVec<sp_core::H256, T::MaxGpusPerLease>,
		pub storage_gib: u32,
		pub cpu_cores: u32,
		pub price_per_hour: BalanceOf<T>,
		pub opened_at: BlockNumberOf<T>,
		pub status: LeaseStatus<BlockNumberOf<T>>,
		pub settled_epoch: Option<EpochIndex>,
		pub deposited: BalanceOf<T>,
		pub escrow: BalanceOf<T>,
		pub paid: BalanceOf<T>,
		pub take: BalanceOf<T>,
		pub refunded: BalanceOf<T>,
		pub disputed: BalanceOf<T>,
		pub paid_charges: BoundedVec<(EpochIndex, BalanceOf<T>), ConstU32<MAX_CONTESTABLE_CHARGES>>,
	}

	impl<T: Config> LeaseV3<T> {
		pub fn upgraded(self) -> Lease<T> {
			Lease {
				consumer: self.consumer,
				provider: self.provider,
				gpus: self.gpus,
				storage_gib: self.storage_gib,
				cpu_cores: self.cpu_cores,
				price_per_hour: self.price_per_hour,
				opened_at: self.opened_at,
				status: self.status,
				settled_epoch: self.settled_epoch,
				deposited: self.deposited,
				escrow: self.escrow,
				paid: self.paid,
				take: self.take,
				refunded: self.refunded,
				disputed: self.disputed,
				paid_charges: self.paid_charges,
				unclaimed: Default::default(),
				contestable: Default::default(),
			}
		}
	}

	/// The v3 layout under the same storage name.
	pub mod v3 {
		use super::*;

		#[frame_support::storage_alias]
		pub type Leases<T: Config> = StorageMap<Pallet<T>, Twox64Concat, LeaseId, LeaseV3<T>>;
	}

	/// Re-encodes every lease with nothing booked.
	pub struct BookCharges<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for BookCharges<T> {
		fn on_runtime_upgrade() -> Weight {
			let old: Vec<(LeaseId, LeaseV3<T>)> = v3::Leases::<T>::iter().collect();
			let leases = old.len() as u64;
			for (id, lease) in old {
				Leases::<T>::insert(id, lease.upgraded());
			}
			log::info!(target: "runtime::leases", "{leases} leases re-encoded (v4)");
			T::DbWeight::get().reads_writes(leases.saturating_add(1), leases.saturating_add(1))
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
			Ok(Self::before().encode())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			let before = Vec::<(LeaseId, LeaseV3<T>)>::decode(&mut &state[..])
				.map_err(|_| sp_runtime::TryRuntimeError::Other("pre-upgrade state undecodable"))?;
			Self::after(before)
		}
	}

	impl<T: Config> BookCharges<T> {
		/// Every v3 lease.
		pub fn before() -> Vec<(LeaseId, LeaseV3<T>)> {
			v3::Leases::<T>::iter().collect()
		}

		/// Every lease decodes as v4 with the same figures and nothing booked.
		pub fn after(before: Vec<(LeaseId, LeaseV3<T>)>) -> Result<(), sp_runtime::TryRuntimeError> {
			ensure!(Leases::<T>::iter().count() == before.len(), "lease count changed");
			for (id, old) in before {
				let new = Leases::<T>::get(id).ok_or("a lease was lost")?;
				ensure!(new == old.upgraded(), "a lease changed in the migration");
			}
			Ok(())
		}
	}

	/// Runs [`BookCharges`] once, on a chain whose leases storage is at version 3.
	pub type MigrateV3ToV4<T> =
		VersionedMigration<3, 4, BookCharges<T>, Pallet<T>, <T as frame_system::Config>::DbWeight>;
}
