//! Where the GPU attestation off-chain worker gets each GPU's report and certificate chain.
//!
//! The worker reads `--gpu-attestation-source` (a URL; default: the built-in probe's
//! `http://<--probe-listen-addr>/attestation`), as the usage worker reads `--metrics-source`.
//! The built-in probe answers from `--gpu-attestation-probe`:
//! - `nvml` (default): NVML's confidential-computing calls on the GPU whose NVML UUID hashes to
//!   the GPU entry asked for — `nvmlDeviceGetConfComputeGpuAttestationReport` with the chain's
//!   nonce, and `nvmlDeviceGetConfComputeGpuCertificate` (the attestation chain, PEM). Needs a
//!   Hopper-class GPU in CC mode; elsewhere it answers 503 and nothing is submitted.
//! - `synthetic:<64 hex digits>`: reports of a synthetic CA from that seed (one chip per GPU
//!   entry), for machines without such a GPU, as the stand-in exporter is for usage. The chain
//!   accepts them only under a root governance registered (`depin-node synthetic-ca` prints it).
//!
//! Requests are `GET ...?gpu=<hex>&nonce=<hex>`; the answer is the report in hex on the first
//! line and each certificate (DER, hex) on the next, leaf first: what
//! `pallet_gpu_attestation::worker` reads.

use std::fmt;

use pallet_gpu_attestation::{synthetic::SyntheticCa, worker::hex};
use sp_core::H256;

/// What the built-in probe answers attestation requests from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
	Nvml,
	Synthetic([u8; 32]),
}

impl std::str::FromStr for Source {
	type Err = String;

	fn from_str(text: &str) -> Result<Self, Self::Err> {
		if text == "nvml" {
			return Ok(Source::Nvml);
		}
		if let Some(seed) = text.strip_prefix("synthetic:") {
			let bytes = pallet_gpu_attestation::worker::unhex(seed).map_err(|e| format!("synthetic seed: {e}"))?;
			let seed: [u8; 32] = bytes.try_into().map_err(|_| "the synthetic seed is 32 bytes (64 hex digits)".to_string())?;
			return Ok(Source::Synthetic(seed));
		}
		Err("expected `nvml` or `synthetic:<64 hex digits>`".into())
	}
}

impl fmt::Display for Source {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Source::Nvml => write!(f, "nvml"),
			Source::Synthetic(_) => write!(f, "synthetic"),
		}
	}
}

/// The driver and VBIOS versions synthetic reports carry.
pub const SYNTHETIC_DRIVER: &[u8] = b"550.54.15";
pub const SYNTHETIC_VBIOS: &[u8] = b"96.00.74.00.1c";

/// The synthetic chip standing behind GPU entry `gpu`: one per entry, stable across restarts.
pub fn synthetic_chip(seed: &[u8; 32], gpu: &H256) -> pallet_gpu_attestation::synthetic::SyntheticDevice {
	let mut material = seed.to_vec();
	material.extend_from_slice(gpu.as_bytes());
	SyntheticCa::from_seed(*seed).device(sp_io::hashing::blake2_256(&material))
}

/// The answer to `GET /attestation?gpu=..&nonce=..` from a built-in source: the hex lines.
pub fn answer(source: &Source, gpu: &H256, nonce: &[u8; 32]) -> Result<String, String> {
	let (report, chain) = match source {
		Source::Synthetic(seed) => {
			let chip = synthetic_chip(seed, gpu);
			(chip.report(nonce, SYNTHETIC_DRIVER, SYNTHETIC_VBIOS), chip.chain_der())
		},
		Source::Nvml => nvml_report(gpu, nonce)?,
	};
	let mut lines = hex(&report);
	for certificate in chain {
		lines.push('\n');
		lines.push_str(&hex(&certificate));
	}
	lines.push('\n');
	Ok(lines)
}

/// The `gpu` and `nonce` of a query string.
pub fn parse_query(query: &str) -> Result<(H256, [u8; 32]), String> {
	let mut gpu = None;
	let mut nonce = None;
	for pair in query.split('&') {
		let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
		let value = pallet_gpu_attestation::worker::unhex(value.trim_start_matches("0x")).map_err(|e| format!("{key}: {e}"))?;
		let value: [u8; 32] = value.try_into().map_err(|_| format!("{key} is 32 bytes"))?;
		match key {
			"gpu" => gpu = Some(H256(value)),
			"nonce" => nonce = Some(value),
			_ => {},
		}
	}
	Ok((gpu.ok_or("no gpu")?, nonce.ok_or("no nonce")?))
}

/// NVML's report answering `nonce`, and its attestation chain (PEM, leaf first) as DER.
fn nvml_report(gpu: &H256, nonce: &[u8; 32]) -> Result<(Vec<u8>, Vec<Vec<u8>>), String> {
	let nvml = nvml_wrapper::Nvml::init().map_err(|e| format!("NVML unavailable: {e}"))?;
	let count = nvml.device_count().map_err(|e| format!("NVML device count: {e}"))?;
	for index in 0..count {
		let device = nvml.device_by_index(index).map_err(|e| format!("NVML device {index}: {e}"))?;
		let uuid = device.uuid().map_err(|e| format!("NVML device {index} UUID: {e}"))?;
		if H256(sp_io::hashing::blake2_256(uuid.as_bytes())) != *gpu {
			continue;
		}
		let report = device
			.confidential_compute_gpu_attestation_report(*nonce)
			.map_err(|e| format!("GPU {uuid}: no attestation report (is it in CC mode?): {e}"))?;
		let certificates = device
			.confidential_compute_gpu_certificate()
			.map_err(|e| format!("GPU {uuid}: no attestation certificate chain: {e}"))?;
		let chain = pem::parse_many(&certificates.attestation_cert_chain)
			.map_err(|e| format!("GPU {uuid}: certificate chain is not PEM: {e}"))?
			.into_iter()
			.map(|block| block.into_contents())
			.collect();
		return Ok((report.attestation_report, chain));
	}
	Err(format!("no NVML GPU has the UUID hash {gpu:?}"))
}

/// `depin-node synthetic-ca --seed <hex>`: the synthetic CA's root certificate (DER, hex) and its
/// fingerprint, for governance to register (`gpuAttestation.addRoot`) on a test chain.
#[derive(Debug, clap::Parser)]
pub struct SyntheticCaCmd {
	/// The seed of `--gpu-attestation-probe synthetic:<seed>`, 64 hex digits.
	#[arg(long)]
	pub seed: String,
}

impl SyntheticCaCmd {
	pub fn run(&self) -> sc_cli::Result<()> {
		let Source::Synthetic(seed) = format!("synthetic:{}", self.seed).parse::<Source>().map_err(sc_cli::Error::Input)?
		else {
			return Err(sc_cli::Error::Input("not a synthetic seed".into()));
		};
		let ca = SyntheticCa::from_seed(seed);
		let fingerprint = sp_io::hashing::blake2_256(&ca.root_public_key());
		println!(
			"{}",
			serde_json::json!({
				"rootCertificate": format!("0x{}", hex(&ca.root_certificate_der())),
				"fingerprint": format!("0x{}", hex(&fingerprint)),
			})
		);
		Ok(())
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn sources_parse_and_bad_ones_are_refused() {
		assert_eq!("nvml".parse::<Source>(), Ok(Source::Nvml));
		assert_eq!(format!("synthetic:{}", "07".repeat(32)).parse::<Source>(), Ok(Source::Synthetic([7; 32])));
		assert!("http://10.0.0.5:9700/attestation".parse::<Source>().is_err());
		assert!("synthetic:07".parse::<Source>().is_err());
		assert!("ftp://x".parse::<Source>().is_err());
	}

	#[test]
	fn a_synthetic_answer_verifies_against_its_root_and_the_nonce_asked_for() {
		let seed = [7; 32];
		let gpu = H256::repeat_byte(1);
		let nonce = [9; 32];
		let body = answer(&Source::Synthetic(seed), &gpu, &nonce).expect("answers");
		let (report, chain) = pallet_gpu_attestation::worker::parse_source_body(body.as_bytes()).expect("parses");
		let root = SyntheticCa::from_seed(seed).root_public_key();
		let chain: Vec<&[u8]> = chain.iter().map(|c| c.as_slice()).collect();
		let verified = pallet_gpu_attestation::verify::verify_report(&report, &chain, |key| *key == root, &nonce)
			.expect("verifies");
		assert_eq!(verified.device_public_key, synthetic_chip(&seed, &gpu).public_key());
		assert_eq!(verified.driver_version, SYNTHETIC_DRIVER);
		// Another GPU entry is another chip.
		assert_ne!(synthetic_chip(&seed, &H256::repeat_byte(2)).public_key(), verified.device_public_key);
	}

	#[test]
	fn queries_name_a_gpu_and_a_nonce() {
		let query = format!("gpu={}&nonce=0x{}", "01".repeat(32), "02".repeat(32));
		assert_eq!(parse_query(&query), Ok((H256::repeat_byte(1), [2; 32])));
		assert!(parse_query("gpu=01").is_err());
		assert!(parse_query(&format!("nonce={}", "02".repeat(32))).is_err());
	}
}
