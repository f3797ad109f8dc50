//! The whole-runtime fuzz target: a broken invariant is a crash libFuzzer records.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
	if let Err(depin_fuzz::Break(why)) = depin_fuzz::run(data) {
		panic!("invariant broken: {why}");
	}
});
