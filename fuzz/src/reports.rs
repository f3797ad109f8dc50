//! Usage reports as a provider's node builds them — every chargeable lease, GPUs, storage,
//! anchored at a recent block and signed by its reporting key — with what an interested party
//! might change: inflated uptime, utilization and storage, GPUs it does not own, another epoch,
//! a forged anchor, another key's or a corrupted signature.

use depin_primitives::{ChargeableLease, LeaseSettlement};
use depin_runtime::{configs::Clock, Leases, Runtime, RuntimeCall, System, UncheckedExtrinsic};
use frame_support::{traits::Get, BoundedVec};
use pallet_attestation::{DeviceSummary, GpuUsage, LeaseUsageReport, UsageReport};
use sp_core::{Pair, H256};

use crate::{
	calls::{epoch, GPU_SET},
	chain::{account, reporting_pair, ACCOUNTS},
	input::Input,
};

/// Flags of a report step (one byte).
pub mod flags {
	pub const OTHER_KEY: u8 = 1;
	pub const CORRUPT_SIGNATURE: u8 = 1 << 1;
	pub const FORGED_ANCHOR: u8 = 1 << 2;
	pub const INFLATED_UPTIME: u8 = 1 << 3;
	pub const EXTRA_LEASE: u8 = 1 << 4;
	pub const SHORT_SAMPLES: u8 = 1 << 5;
	/// Claims the storage total as given, even below what its leases use.
	pub const RAW_STORAGE_TOTAL: u8 = 1 << 6;
}

/// The bare `submit_report` extrinsic the input describes.
pub fn report(r: &mut Input) -> UncheckedExtrinsic {
	let provider_index = r.u8() % ACCOUNTS;
	let provider = account(provider_index);
	let epoch = epoch(r);
	let flags = r.u8();
	let util = r.u8() % 128;
	let gpu_mask = r.u8();
	let storage_total = u64::from(r.u16());
	let clock = Clock::get();
	let length = clock.length();
	let now = System::block_number();
	let anchor_number = now.saturating_sub(1 + u32::from(r.u8() % 4));
	let anchor_hash = if flags & flags::FORGED_ANCHOR != 0 {
		H256::repeat_byte(0xab)
	} else {
		frame_system::BlockHash::<Runtime>::get(anchor_number)
	};
	let leases = <Leases as LeaseSettlement<_, _>>::chargeable_leases(&provider, epoch);
	let mut entries: Vec<LeaseUsageReport> = leases
		.iter()
		.map(|lease: &ChargeableLease<_, _>| {
			let served = clock.blocks_within(epoch, lease.served_from, lease.served_until.unwrap_or(u32::MAX));
			LeaseUsageReport {
				lease: lease.id,
				uptime_blocks: if flags & flags::INFLATED_UPTIME != 0 {
					served.saturating_mul(3).max(u32::MAX / 2)
				} else {
					served
				},
				gpu_util_percent: util,
				gpu_mem_used_mib: 1_000,
				storage_used_gib: lease.storage_gib,
			}
		})
		.collect();
	if flags & flags::EXTRA_LEASE != 0 {
		// Someone else's lease, or one that does not exist.
		entries.push(LeaseUsageReport {
			lease: u64::from(r.u8() % 8),
			uptime_blocks: length,
			gpu_util_percent: 100,
			gpu_mem_used_mib: 80_000,
			storage_used_gib: 1 << 20,
		});
	}
	let seen = if flags & flags::SHORT_SAMPLES != 0 { u32::from(r.u8()) } else { length };
	let gpus = (0..GPU_SET)
		.filter(|bit| gpu_mask & (1 << bit) != 0)
		.map(|bit| GpuUsage {
			uuid_hash: H256::from_low_u64_be(u64::from(bit) + 1),
			seen_blocks: seen,
			util_percent: util,
			mem_used_mib: 1_000,
			mem_total_mib: 81_559,
			energy_mj: 1,
		})
		.collect::<Vec<_>>();
	let storage_used: u64 = entries.iter().map(|e| u64::from(e.storage_used_gib)).sum();
	let storage_total =
		if flags & flags::RAW_STORAGE_TOTAL != 0 { storage_total } else { storage_total.max(storage_used) };
	let report = UsageReport::<Runtime> {
		provider,
		epoch,
		anchor_number,
		anchor_hash,
		leases: BoundedVec::truncate_from(entries),
		devices: DeviceSummary::<Runtime> {
			sampled_blocks: length,
			answered_blocks: seen.min(length),
			gpus: BoundedVec::truncate_from(gpus),
			storage_seen_blocks: if storage_total > 0 { seen } else { 0 },
			storage_total_gib: storage_total,
			storage_used_gib: storage_used,
		},
	};
	let signer =
		if flags & flags::OTHER_KEY != 0 { reporting_pair(provider_index + 1) } else { reporting_pair(provider_index) };
	let mut signature = signer.sign(&report.signing_payload());
	if flags & flags::CORRUPT_SIGNATURE != 0 {
		signature.0[7] ^= 0x20;
	}
	UncheckedExtrinsic::new_bare(RuntimeCall::Attestation(pallet_attestation::Call::submit_report {
		report,
		signature,
	}))
}
