//! Calls the fuzzer composes: every dispatchable of our pallets, the balance transfers and a
//! batch, with arguments drawn from what the fuzz accounts can hold (their ids, small lease and
//! order ids, epochs around the current one, GPUs from a small set, the amounts rules are
//! written around). Any other call of any pallet comes from raw SCALE bytes (`Step::RawCall`).

use depin_primitives::{GpuSpec, Verdict};
use depin_runtime::{configs::Clock, AccountId, RuntimeCall, System};
use frame_support::{traits::Get, BoundedVec};
use pallet_leases::ResourceRequest;
use sp_core::{Pair, H256};

use crate::{
	chain::{account, reporting_pair, ACCOUNTS},
	input::Input,
};

/// GPUs live in a set of eight, so providers collide over the same hardware.
pub const GPU_SET: u8 = 8;

pub fn gpu(r: &mut Input) -> H256 {
	H256::from_low_u64_be(u64::from(r.u8() % GPU_SET) + 1)
}

fn who(r: &mut Input) -> AccountId {
	account(r.u8() % ACCOUNTS)
}

fn bytes<S: Get<u32>>(r: &mut Input) -> BoundedVec<u8, S> {
	BoundedVec::truncate_from(r.bytes(S::get() as usize + 1).to_vec())
}

fn model(r: &mut Input) -> depin_primitives::GpuModel {
	let name: &[u8] = match r.u8() % 4 {
		0 => b"H100",
		1 => b"A100",
		2 => b"",
		_ => b"NVIDIA GeForce RTX 4090 with a name longer than allowed",
	};
	BoundedVec::truncate_from(name.to_vec())
}

fn small_id(r: &mut Input) -> u64 {
	match r.u8() {
		255 => u64::MAX,
		byte => u64::from(byte % 8),
	}
}

/// An epoch around the current one, sometimes far off.
pub fn epoch(r: &mut Input) -> u32 {
	let current = Clock::get().epoch_of(System::block_number());
	match r.u8() % 8 {
		0 => current,
		1 => current + 1,
		7 => r.u32(),
		back => current.saturating_sub(u32::from(back) - 1),
	}
}

fn request(r: &mut Input) -> ResourceRequest {
	ResourceRequest {
		gpus: match r.u8() % 8 {
			7 => u32::MAX,
			n => u32::from(n % 4),
		},
		gpu_model: r.bool().then(|| model(r)),
		min_vram_mib: if r.bool() { r.u32() } else { 0 },
		storage_gib: match r.u8() % 4 {
			0 => 0,
			3 => r.u32(),
			_ => u32::from(r.u8()),
		},
		cpu_cores: u32::from(r.u8() % 4),
		// Read from no input byte: the corpus's programs were written before it, and a new byte
		// here would shift every one of them. The attested path has its unit and e2e tests.
		attested_gpus: false,
	}
}

fn gpus(r: &mut Input) -> Vec<H256> {
	(0..r.u8() % 4).map(|_| gpu(r)).collect()
}

/// A call `signer` might send, chosen and filled by the input. `depth` bounds batches.
pub fn compose(r: &mut Input, signer: u8, depth: u8) -> RuntimeCall {
	use pallet_attestation::Call as A;
	use pallet_balances::Call as B;
	use pallet_economics::Call as E;
	use pallet_leases::Call as L;
	use pallet_providers::Call as P;
	use pallet_validator_manager::Call as V;
	match r.u8() % 49 {
		0 => P::register { bond: r.amount(), region: bytes(r), metadata: bytes(r) }.into(),
		1 => P::set_metadata { region: bytes(r), metadata: bytes(r) }.into(),
		2 => P::bond_extra { amount: r.amount() }.into(),
		3 => P::unbond { amount: r.amount() }.into(),
		4 => P::withdraw_unbonded {}.into(),
		5 => P::deregister {}.into(),
		6 => {
			let specs = (0..r.u8() % 4)
				.map(|_| GpuSpec {
					uuid_hash: gpu(r),
					model: model(r),
					vram_mib: if r.bool() { 81_559 } else { r.u32() },
				})
				.collect::<Vec<_>>();
			P::add_gpus { gpus: BoundedVec::truncate_from(specs) }.into()
		},
		7 => P::remove_gpus { uuid_hashes: BoundedVec::truncate_from(gpus(r)) }.into(),
		8 => {
			let storage_bytes = if r.bool() { u64::MAX } else { u64::from(r.u16()) << 30 };
			P::set_capacity { storage_bytes, cpu_cores: u32::from(r.u8()) }.into()
		},
		9 => {
			let gpu = (0..r.u8() % 3).map(|_| (model(r), r.amount())).collect::<Vec<_>>();
			let prices = pallet_providers::PriceList {
				gpu: BoundedVec::truncate_from(gpu),
				storage_gib: r.amount(),
				cpu_core: r.amount(),
			};
			P::set_prices { prices }.into()
		},
		10 => {
			// Its own reporting key with a valid proof, or another account's key or proof.
			let key_of = if r.u8() % 4 == 0 { r.u8() } else { signer };
			let proof_for = if r.u8() % 4 == 0 { r.u8() } else { signer };
			let key = reporting_pair(key_of);
			let payload = depin_runtime::Providers::reporting_key_proof_payload(&account(proof_for));
			P::set_reporting_key { key: key.public(), proof: key.sign(&payload) }.into()
		},
		11 => P::add_auditor { auditor: who(r) }.into(),
		12 => P::remove_auditor { auditor: who(r) }.into(),
		13 => {
			let attributes = (0..r.u8() % 3).map(|_| (bytes(r), bytes(r))).collect::<Vec<_>>();
			P::set_attributes { provider: who(r), attributes: BoundedVec::truncate_from(attributes) }.into()
		},
		14 => P::clear_attributes { provider: who(r) }.into(),
		15 => P::slash_auditor { auditor: who(r), amount: r.amount() }.into(),
		16 => P::audit_hardware {
			provider: who(r),
			gpus: BoundedVec::truncate_from(gpus(r)),
			storage_gib: u64::from(r.u16()),
		}
		.into(),
		17 => P::evict_gpu { uuid_hash: gpu(r), owner: who(r), slash: r.amount() }.into(),
		18 => P::set_min_lease_charge { per_epoch: r.amount() }.into(),
		19 => L::create_order {
			request: request(r),
			region: r.bool().then(|| bytes(r)),
			required_auditor: r.bool().then(|| who(r)),
			max_price_per_hour: r.amount(),
			deposit: r.amount(),
		}
		.into(),
		20 => L::cancel_order { order: small_id(r) }.into(),
		21 => L::expire_order { order: small_id(r) }.into(),
		22 => L::bid { order: small_id(r), price_per_hour: r.amount() }.into(),
		23 => L::withdraw_bid { order: small_id(r) }.into(),
		24 => L::accept_bid { order: small_id(r), provider: who(r) }.into(),
		25 | 26 => L::rent { provider: who(r), request: request(r), deposit: r.amount() }.into(),
		27 => L::top_up { lease: small_id(r), amount: r.amount() }.into(),
		28 => L::close_lease { lease: small_id(r) }.into(),
		29 => L::close_stale { lease: small_id(r) }.into(),
		30 => L::release_retained { lease: small_id(r) }.into(),
		31 => L::reject_bid { order: small_id(r), provider: who(r) }.into(),
		32 => A::report_missed { provider: who(r), epoch: epoch(r) }.into(),
		33 => A::dispute { lease: small_id(r), epoch: epoch(r) }.into(),
		34 => A::resolve_dispute {
			lease: small_id(r),
			epoch: epoch(r),
			verdict: if r.bool() { Verdict::Provider } else { Verdict::Consumer },
		}
		.into(),
		35 => A::release_dispute { lease: small_id(r), epoch: epoch(r) }.into(),
		36 | 37 => {
			let epochs = (0..r.u8() % 4).map(|_| epoch(r)).collect::<Vec<_>>();
			E::claim_rewards { epochs: BoundedVec::truncate_from(epochs) }.into()
		},
		38 => E::sweep_expired { epoch: epoch(r) }.into(),
		39 => E::set_params {
			params: pallet_economics::EmissionParams {
				initial_per_epoch: r.amount(),
				halving_epochs: r.u32(),
				bootstrap_per_epoch: r.amount(),
				bootstrap_epochs: r.u32(),
				revenue_cap_percent: r.u32(),
				usage_match_percent: r.u32(),
				trailing_epochs: r.u32(),
			},
		}
		.into(),
		40 => V::bond { amount: r.amount() }.into(),
		41 => V::unbond {}.into(),
		42 => V::withdraw_bond {}.into(),
		43 => V::add_validator { who: who(r) }.into(),
		44 => B::transfer_allow_death { dest: who(r).into(), value: r.amount() }.into(),
		45 => B::transfer_keep_alive { dest: who(r).into(), value: r.amount() }.into(),
		46 => B::transfer_all { dest: who(r).into(), keep_alive: r.bool() }.into(),
		47 => L::claim_earnings { provider: who(r) }.into(),
		_ if depth > 0 => pallet_utility::Call::batch_all {
			calls: (0..r.u8() % 3 + 1).map(|_| compose(r, signer, depth - 1)).collect(),
		}
		.into(),
		_ => V::remove_validator { who: who(r) }.into(),
	}
}
