//! Runs fuzz inputs (files) on the stable build and prints what each did or which invariant it
//! broke; with `DEPIN_FUZZ_TRACE=1` every extrinsic, its outcome and the block's events.
//! `cargo run -p depin-fuzz --bin depin-fuzz-replay -- <file>...`
use std::{env, fs, process::ExitCode};

fn main() -> ExitCode {
	let mut failed = false;
	for path in env::args().skip(1) {
		let input = fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
		match depin_fuzz::run(&input) {
			Ok(stats) => println!("{path}: {stats:?}"),
			Err(depin_fuzz::Break(why)) => {
				println!("{path}: BROKEN: {why}");
				failed = true;
			},
		}
	}
	if failed {
		ExitCode::FAILURE
	} else {
		ExitCode::SUCCESS
	}
}
