//! Chain specifications built from the runtime's genesis presets.

use depin_runtime::{currency, WASM_BINARY};
use sc_chain_spec::Properties;
use sc_service::ChainType;

pub type ChainSpec = sc_service::GenericChainSpec;

/// libp2p protocol prefix: keeps our peers from gossiping with other Substrate chains.
const PROTOCOL_ID: &str = "dpn";

/// Token metadata that wallets and explorers (polkadot.js apps) read from `system_properties`.
pub fn properties() -> Properties {
	let mut properties = Properties::new();
	properties.insert("tokenSymbol".into(), currency::TOKEN_SYMBOL.into());
	properties.insert("tokenDecimals".into(), currency::TOKEN_DECIMALS.into());
	properties.insert("ss58Format".into(), currency::SS58_PREFIX.into());
	properties
}

fn wasm_binary() -> Result<&'static [u8], String> {
	WASM_BINARY.ok_or_else(|| "The runtime wasm is not available; build without SKIP_WASM_BUILD".into())
}

fn spec(name: &str, id: &str, chain_type: ChainType, preset: &str) -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm_binary()?, None)
		.with_name(name)
		.with_id(id)
		.with_chain_type(chain_type)
		.with_protocol_id(PROTOCOL_ID)
		.with_genesis_config_preset_name(preset)
		.with_properties(properties())
		.build())
}

/// Single-validator development chain (Alice).
pub fn development_chain_spec() -> Result<ChainSpec, String> {
	spec("DePIN Development", "depin_dev", ChainType::Development, sp_genesis_builder::DEV_RUNTIME_PRESET)
}

/// Four-validator local testnet (Alice, Bob, Charlie, Dave).
pub fn local_chain_spec() -> Result<ChainSpec, String> {
	spec(
		"DePIN Local Testnet",
		"depin_local",
		ChainType::Local,
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET,
	)
}

/// Resolves `--chain`: a built-in name or the path of a JSON spec.
pub fn load(id: &str) -> Result<Box<dyn sc_service::ChainSpec>, String> {
	Ok(match id {
		"dev" => Box::new(development_chain_spec()?),
		"" | "local" => Box::new(local_chain_spec()?),
		path => Box::new(ChainSpec::from_json_file(std::path::PathBuf::from(path))?),
	})
}

#[cfg(test)]
mod tests {
	use super::*;
	use serde_json::Value;

	/// The runtime code embeds the build's file paths (panic locations), so two checkouts at
	/// different paths produce different wasm. Everything else in a spec is compared exactly.
	const CODE_KEY: &str = "0x3a636f6465"; // hex of the storage key ":code"

	fn without_code(mut spec: Value) -> Value {
		if let Some(genesis) = spec.pointer_mut("/genesis/runtimeGenesis") {
			genesis.as_object_mut().expect("runtimeGenesis is an object").remove("code");
		}
		if let Some(top) = spec.pointer_mut("/genesis/raw/top") {
			top.as_object_mut().expect("raw top storage is an object").remove(CODE_KEY);
		}
		spec
	}

	fn checked_in(file: &str) -> Value {
		let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../chain-spec").join(file);
		let text = std::fs::read_to_string(&path)
			.unwrap_or_else(|e| panic!("{}: {e}; run scripts/build-chain-specs.sh", path.display()));
		serde_json::from_str(&text).expect("checked-in chain spec is JSON")
	}

	fn generated(spec: &ChainSpec, raw: bool) -> Value {
		let json = sc_service::ChainSpec::as_json(spec, raw).expect("chain spec serializes");
		serde_json::from_str(&json).expect("generated chain spec is JSON")
	}

	fn assert_in_sync(spec: &ChainSpec, raw: bool, file: &str) {
		let expected = without_code(generated(spec, raw));
		let actual = without_code(checked_in(file));
		assert!(
			expected == actual,
			"chain-spec/{file} drifted from what the runtime presets produce; \
			 run scripts/build-chain-specs.sh and commit the result"
		);
	}

	#[test]
	fn checked_in_dev_spec_matches_the_development_preset() {
		assert_in_sync(&development_chain_spec().unwrap(), false, "dev.json");
	}

	#[test]
	fn checked_in_local_specs_match_the_local_testnet_preset() {
		let spec = local_chain_spec().unwrap();
		assert_in_sync(&spec, false, "local.json");
		assert_in_sync(&spec, true, "local-raw.json");
	}

	#[test]
	fn checked_in_specs_carry_the_runtime_code() {
		// Excluded from the exact comparison, but a spec without code cannot start a chain.
		for file in ["dev.json", "local.json"] {
			let code = checked_in(file)["genesis"]["runtimeGenesis"]["code"].clone();
			assert!(code.as_str().is_some_and(|c| c.starts_with("0x") && c.len() > 1_000), "{file}");
		}
		let raw = checked_in("local-raw.json");
		assert!(raw["genesis"]["raw"]["top"][CODE_KEY].as_str().is_some_and(|c| c.len() > 1_000));
	}

	#[test]
	fn properties_name_the_token_and_address_format() {
		for spec in [development_chain_spec().unwrap(), local_chain_spec().unwrap()] {
			let props = sc_service::ChainSpec::properties(&spec);
			assert_eq!(props["tokenSymbol"], "DPN");
			assert_eq!(props["tokenDecimals"], 12);
			assert_eq!(props["ss58Format"], 42);
		}
	}

	#[test]
	fn unknown_chain_path_is_an_error_not_a_panic() {
		assert!(load("/nonexistent/spec.json").is_err());
	}

	#[test]
	fn local_raw_spec_has_four_aura_authorities() {
		// Aura authorities are stored under twox128("Aura") ++ twox128("Authorities").
		let key = format!(
			"0x{}{}",
			sp_core::hexdisplay::HexDisplay::from(&sp_io::hashing::twox_128(b"Aura")),
			sp_core::hexdisplay::HexDisplay::from(&sp_io::hashing::twox_128(b"Authorities"))
		);
		let raw = generated(&local_chain_spec().unwrap(), true);
		let value = raw["genesis"]["raw"]["top"][&key].as_str().expect("aura authorities set");
		// SCALE: compact length 4 (0x10) followed by four 32-byte keys.
		assert_eq!(value.len(), 2 + 2 + 4 * 64, "{value}");
		assert!(value.starts_with("0x10"));
	}
}
