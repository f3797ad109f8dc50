//! Writes the seed programs (seeds.rs) into the corpus folder given, `fuzz/corpus/runtime` by
//! default, as `seed-<name>`.
use std::{env, fs, path::PathBuf};

fn main() -> std::io::Result<()> {
	let dir = env::args()
		.nth(1)
		.map(PathBuf::from)
		.unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus").join("runtime"));
	fs::create_dir_all(&dir)?;
	for (name, program) in depin_fuzz::seeds::all() {
		let path = dir.join(format!("seed-{name}"));
		fs::write(&path, program)?;
		println!("{}", path.display());
	}
	Ok(())
}
