//! Writes a raw chain spec whose genesis state already holds a market of a chosen size, and a
//! manifest of its accounts and keys, for the live benchmarks in `benches/`.
//!
//! The market is built by dispatching the runtime's own calls (`register`, `add_gpus`,
//! `set_capacity`, `set_prices`, `set_reporting_key`, `rent`) natively on top of the development
//! preset, so its state is exactly what the chain would hold after those extrinsics, without
//! spending hours of blocks on them. Every lease opens at block 0.
//!
//! Usage: `depin-market-spec --leases N --providers P --out spec.json --manifest manifest.json`
//!        `[--large-providers B] [--medium-providers M] [--senders S]`
//!
//! Layout: `B` providers with `MaxLeasesPerProvider` leases each (for reports of the most leases
//! a report may cover), `M` with 16 each, the other leases spread evenly over the rest. Every
//! lease has its own consumer (the costliest case for settlement) and rents one CPU core;
//! each provider lists one GPU, so its reports carry a device entry.

use std::{collections::BTreeMap, fs, process::ExitCode};

use codec::Encode;
use depin_runtime::{
	configs::{MinProviderBond, RuntimeBlockWeights},
	currency::DPN,
	genesis_config_presets, AccountId, Balance, Leases, Providers, Runtime, RuntimeGenesisConfig, RuntimeOrigin,
	WASM_BINARY,
};
use frame_support::{traits::Get, BoundedVec};
use pallet_providers::{GpuSpec, PriceList};
use serde_json::{json, Value};
use sp_core::{sr25519, Pair};
use sp_runtime::BuildStorage;

const PRICE_PER_CORE_HOUR: Balance = DPN;
/// Escrow of each lease: ample for the epochs a benchmark runs.
const LEASE_DEPOSIT: Balance = 10 * DPN;
const CONSUMER_FUNDS: Balance = 20 * DPN;
const SENDER_FUNDS: Balance = 1_000 * DPN;

struct Options {
	leases: u32,
	providers: u32,
	large_providers: u32,
	medium_providers: u32,
	senders: u32,
	out: String,
	manifest: String,
}

fn parse(args: &[String]) -> Result<Options, String> {
	let mut flags = BTreeMap::new();
	let mut it = args.iter();
	while let Some(flag) = it.next() {
		let name = flag.strip_prefix("--").ok_or(format!("unexpected argument {flag}"))?;
		let value = it.next().ok_or(format!("{flag} needs a value"))?;
		flags.insert(name.to_string(), value.clone());
	}
	let number = |name: &str, default: Option<u32>| -> Result<u32, String> {
		match flags.get(name) {
			Some(v) => v.replace('_', "").parse().map_err(|_| format!("--{name}: not a number: {v}")),
			None => default.ok_or(format!("--{name} is required")),
		}
	};
	let text = |name: &str| flags.get(name).cloned().ok_or(format!("--{name} is required"));
	let options = Options {
		leases: number("leases", None)?,
		providers: number("providers", None)?,
		large_providers: number("large-providers", Some(0))?,
		medium_providers: number("medium-providers", Some(0))?,
		senders: number("senders", Some(100))?,
		out: text("out")?,
		manifest: text("manifest")?,
	};
	if options.providers == 0 || options.large_providers + options.medium_providers > options.providers {
		return Err("need at least one provider, and no more large and medium providers than providers".into());
	}
	Ok(options)
}

fn derived(kind: &str, index: u32) -> [u8; 32] {
	sp_io::hashing::blake2_256(&(b"depin-bench", kind, index).encode())
}

fn account(kind: &str, index: u32) -> AccountId {
	AccountId::from(derived(kind, index))
}

/// The NVML UUID provider `i`'s GPU is registered under (a stand-in exporter serves it).
fn gpu_uuid(i: u32) -> String {
	format!("GPU-00000000-0000-0000-0000-{i:012}")
}

fn hex(bytes: &[u8]) -> String {
	const DIGITS: &[u8; 16] = b"0123456789abcdef";
	let mut out = String::with_capacity(2 + 2 * bytes.len());
	out.push_str("0x");
	for b in bytes {
		out.push(DIGITS[usize::from(b >> 4)] as char);
		out.push(DIGITS[usize::from(b & 0xf)] as char);
	}
	out
}

/// How many leases each provider gets.
fn lease_counts(o: &Options) -> Result<Vec<u32>, String> {
	let max = <<Runtime as pallet_leases::Config>::MaxLeasesPerProvider as Get<u32>>::get();
	let fixed = o.large_providers * max + o.medium_providers * 16;
	let rest_providers = o.providers - o.large_providers - o.medium_providers;
	let rest = o.leases.checked_sub(fixed).ok_or("fewer leases than the large and medium providers hold")?;
	if rest_providers == 0 && rest > 0 {
		return Err("leases left over with no provider to hold them".into());
	}
	let mut counts = vec![max; o.large_providers as usize];
	counts.extend(std::iter::repeat_n(16, o.medium_providers as usize));
	for i in 0..rest_providers {
		let share = rest / rest_providers + u32::from(i < rest % rest_providers);
		if share > max {
			return Err(format!("{share} leases for one provider exceed the maximum of {max}"));
		}
		counts.push(share);
	}
	Ok(counts)
}

fn genesis_config(o: &Options, counts: &[u32]) -> Result<RuntimeGenesisConfig, String> {
	let dev = sp_genesis_builder::PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET);
	let preset = genesis_config_presets::get_preset(&dev).ok_or("no development preset")?;
	let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).map_err(|e| e.to_string())?;
	// The preset is a JSON merge patch over the default config, as the node applies it.
	sc_chain_spec::json_merge(&mut config, serde_json::from_slice(&preset).map_err(|e| e.to_string())?);
	let mut config: RuntimeGenesisConfig = serde_json::from_value(config).map_err(|e| e.to_string())?;
	let bond = MinProviderBond::get();
	let balances = &mut config.balances.balances;
	balances.extend((0..o.providers).map(|i| (account("provider", i), 3 * bond)));
	let leases: u32 = counts.iter().sum();
	balances.extend((0..leases).map(|i| (account("consumer", i), CONSUMER_FUNDS)));
	balances.extend((0..o.senders).map(|i| (sr25519::Pair::from_seed(&derived("sender", i)).public().into(), SENDER_FUNDS)));
	Ok(config)
}

/// Registers provider `i` with one GPU, cores for its leases and a reporting key.
fn register_provider(i: u32) -> Result<Value, String> {
	let who = account("provider", i);
	let origin = || RuntimeOrigin::signed(who.clone());
	let model: pallet_providers::GpuModel = BoundedVec::try_from(b"bench-gpu".to_vec()).map_err(|_| "model")?;
	let bond = 2 * MinProviderBond::get();
	let region = BoundedVec::try_from(b"eu-west".to_vec()).map_err(|_| "region")?;
	Providers::register(origin(), bond, region, Default::default()).map_err(|e| format!("register: {e:?}"))?;
	let uuid = gpu_uuid(i);
	let gpu = pallet_attestation::prometheus::uuid_hash(&uuid);
	let gpus = BoundedVec::try_from(vec![GpuSpec { uuid_hash: gpu, model: model.clone(), vram_mib: 81_559 }])
		.map_err(|_| "gpus")?;
	Providers::add_gpus(origin(), gpus).map_err(|e| format!("add_gpus: {e:?}"))?;
	Providers::set_capacity(origin(), 1 << 40, 1_024).map_err(|e| format!("set_capacity: {e:?}"))?;
	let prices = PriceList {
		gpu: BoundedVec::try_from(vec![(model, 10 * DPN)]).map_err(|_| "prices")?,
		storage_gib: DPN / 100,
		cpu_core: PRICE_PER_CORE_HOUR,
	};
	Providers::set_prices(origin(), prices).map_err(|e| format!("set_prices: {e:?}"))?;
	let seed = derived("reporting", i);
	let pair = sr25519::Pair::from_seed(&seed);
	let proof = pair.sign(&Providers::reporting_key_proof_payload(&who));
	Providers::set_reporting_key(origin(), pair.public(), proof).map_err(|e| format!("set_reporting_key: {e:?}"))?;
	Ok(json!({
		"account": hex(who.as_ref()),
		"reportingSeed": hex(&seed),
		"gpuUuid": uuid,
		"gpu": hex(gpu.as_bytes()),
	}))
}

fn build(o: &Options) -> Result<(Value, Value), String> {
	let counts = lease_counts(o)?;
	let config = genesis_config(o, &counts)?;
	let mut ext: sp_io::TestExternalities = config.build_storage().map_err(|e| e.to_string())?.into();
	let (providers, top) = ext.execute_with(|| -> Result<_, String> {
		let mut providers = Vec::with_capacity(counts.len());
		let mut next_consumer = 0u32;
		for (i, &count) in counts.iter().enumerate() {
			let mut provider = register_provider(i as u32)?;
			let mut ids = Vec::with_capacity(count as usize);
			for _ in 0..count {
				let id = pallet_leases::NextLeaseId::<Runtime>::get();
				let request = pallet_leases::ResourceRequest { cpu_cores: 1, ..Default::default() };
				Leases::rent(
					RuntimeOrigin::signed(account("consumer", next_consumer)),
					account("provider", i as u32),
					request,
					LEASE_DEPOSIT,
				)
				.map_err(|e| format!("rent: {e:?}"))?;
				next_consumer += 1;
				ids.push(id);
			}
			provider["leases"] = json!(ids);
			providers.push(provider);
		}
		// Events of the seeding calls are not part of any block.
		frame_system::Pallet::<Runtime>::reset_events();
		// The whole state, as the node's genesis storage.
		let mut top = serde_json::Map::new();
		let mut key = Vec::new();
		while let Some(next) = sp_io::storage::next_key(&key) {
			let value = sp_io::storage::get(&next).ok_or("a listed key has no value")?;
			top.insert(hex(&next), Value::String(hex(&value)));
			key = next;
		}
		Ok((providers, top))
	})?;
	let mut top = top;
	let code = WASM_BINARY.ok_or("the runtime was built without its wasm")?;
	top.insert(hex(sp_core::storage::well_known_keys::CODE), Value::String(hex(code)));

	let spec = json!({
		"name": format!("DePIN benchmark market ({} leases, {} providers)", counts.iter().sum::<u32>(), counts.len()),
		"id": "depin_bench",
		"chainType": "Development",
		"bootNodes": [],
		"telemetryEndpoints": null,
		"protocolId": "dpn-bench",
		"properties": { "ss58Format": 42, "tokenDecimals": 12, "tokenSymbol": "DPN" },
		"codeSubstitutes": {},
		"genesis": { "raw": { "top": top, "childrenDefault": {} } }
	});
	let senders: Vec<String> = (0..o.senders).map(|i| hex(&derived("sender", i))).collect();
	let normal = RuntimeBlockWeights::get()
		.get(frame_support::dispatch::DispatchClass::Normal)
		.max_total
		.unwrap_or_default();
	let manifest = json!({
		"leases": counts.iter().sum::<u32>(),
		"providers": providers,
		"senders": senders,
		"maxLeasesPerReport": <<Runtime as pallet_attestation::Config>::MaxLeasesPerReport as Get<u32>>::get(),
		"epochLength": depin_runtime::genesis_config_presets::DEV_EPOCH_LENGTH,
		"normalBlockRefTime": normal.ref_time(),
	});
	Ok((spec, manifest))
}

fn main() -> ExitCode {
	let args: Vec<String> = std::env::args().skip(1).collect();
	let result = parse(&args).and_then(|o| {
		let (spec, manifest) = build(&o)?;
		fs::write(&o.out, serde_json::to_vec(&spec).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
		fs::write(&o.manifest, serde_json::to_vec(&manifest).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
		Ok(())
	});
	match result {
		Ok(()) => ExitCode::SUCCESS,
		Err(error) => {
			eprintln!("depin-market-spec: {error}");
			ExitCode::FAILURE
		},
	}
}
