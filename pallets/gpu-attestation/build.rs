//! With `runtime-benchmarks`, embeds NVIDIA's H100 test vectors for the `verify_nvidia_h100`
//! benchmark from `$DEPIN_NVTRUST_VECTORS` (the pinned verifier wheel scripts/setup.sh unpacks),
//! into `$OUT_DIR/nvidia_vectors.rs`; never into the repository. Without them the benchmark
//! stops and says so.

use std::{env, fmt::Write, fs, path::PathBuf};

fn main() {
	println!("cargo:rerun-if-env-changed=DEPIN_NVTRUST_VECTORS");
	println!("cargo:rerun-if-changed=build.rs");
	let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
	let vectors = if env::var_os("CARGO_FEATURE_RUNTIME_BENCHMARKS").is_some() { hopper() } else { None };
	let code = match vectors {
		Some((report, chain, root)) => {
			let nonce = &report[4..36];
			let mut code = String::from("pub const HOPPER: Option<Vectors> = Some(Vectors {\n");
			writeln!(code, "\treport: &{report:?},").unwrap();
			code.push_str("\tchain: [");
			for certificate in &chain {
				write!(code, "&{certificate:?}, ").unwrap();
			}
			code.push_str("],\n");
			writeln!(code, "\troot: &{root:?},\n\tnonce: {nonce:?},\n}});").unwrap();
			code
		},
		None => "pub const HOPPER: Option<Vectors> = None;\n".into(),
	};
	let header = "/// NVIDIA's H100 sample: report, chain (leaf first), root certificate, the nonce it answered.\n\
		pub struct Vectors { pub report: &'static [u8], pub chain: [&'static [u8]; 5], pub root: &'static [u8], pub nonce: [u8; 32] }\n";
	fs::write(out.join("nvidia_vectors.rs"), format!("{header}{code}")).expect("OUT_DIR is writable");
}

type Hopper = (Vec<u8>, Vec<Vec<u8>>, Vec<u8>);

fn hopper() -> Option<Hopper> {
	let dir = PathBuf::from(env::var_os("DEPIN_NVTRUST_VECTORS")?);
	for name in ["hopperAttestationReport.txt", "hopperCertChain.txt", "verifier_device_root.pem"] {
		println!("cargo:rerun-if-changed={}", dir.join(name).display());
	}
	let report_hex = fs::read_to_string(dir.join("hopperAttestationReport.txt")).ok()?;
	let report = unhex(report_hex.trim())?;
	let chain: Vec<Vec<u8>> = pem::parse_many(fs::read(dir.join("hopperCertChain.txt")).ok()?)
		.ok()?
		.into_iter()
		.map(|block| block.into_contents())
		.collect();
	let root = pem::parse(fs::read(dir.join("verifier_device_root.pem")).ok()?).ok()?.into_contents();
	(report.len() > 36 && chain.len() == 5).then_some((report, chain, root))
}

fn unhex(text: &str) -> Option<Vec<u8>> {
	(0..text.len()).step_by(2).map(|at| u8::from_str_radix(text.get(at..at + 2)?, 16).ok()).collect()
}
