//! The short fuzz run of `cargo test`: every input of the checked-in corpus (found by the
//! coverage-guided long run, scripts/fuzz.sh) and the seed programs, then mutations of them — a
//! seeded generator, so a failure reproduces — until 10,000 executions
//! (`DEPIN_FUZZ_EXECUTIONS` changes the number). No invariant may break and nothing may panic.

use std::{
	fs,
	panic::{catch_unwind, AssertUnwindSafe},
	path::PathBuf,
	sync::atomic::{AtomicUsize, Ordering},
};

use depin_fuzz::{run, seeds, Break};

const DEFAULT_EXECUTIONS: usize = 10_000;
const WORKERS: usize = 2;

fn corpus() -> Vec<Vec<u8>> {
	let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus").join("runtime");
	let mut inputs: Vec<Vec<u8>> = fs::read_dir(&dir)
		.expect("the corpus is checked in")
		.map(|entry| fs::read(entry.expect("readable").path()).expect("readable"))
		.collect();
	inputs.extend(seeds::all().into_iter().map(|(_, program)| program));
	inputs
}

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
	fn next(&mut self) -> u64 {
		self.0 ^= self.0 >> 12;
		self.0 ^= self.0 << 25;
		self.0 ^= self.0 >> 27;
		self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
	}

	fn below(&mut self, n: usize) -> usize {
		(self.next() % n.max(1) as u64) as usize
	}
}

/// One to four of libFuzzer's basic mutations: flip, set, insert or erase bytes, splice in a
/// piece of another input, truncate.
fn mutate(rng: &mut Rng, corpus: &[Vec<u8>]) -> Vec<u8> {
	let mut input = corpus[rng.below(corpus.len())].clone();
	for _ in 0..=rng.below(4) {
		let at = rng.below(input.len() + 1);
		match rng.below(6) {
			0 if at < input.len() => input[at] ^= 1 << rng.below(8),
			1 if at < input.len() => input[at] = rng.next() as u8,
			2 => input.insert(at, rng.next() as u8),
			3 if at < input.len() => {
				let end = (at + rng.below(8) + 1).min(input.len());
				input.drain(at..end);
			},
			4 => {
				let other = &corpus[rng.below(corpus.len())];
				let from = rng.below(other.len());
				let len = rng.below(other.len() - from.min(other.len()) + 1);
				input.splice(at..at, other[from..from + len].iter().copied());
			},
			_ => input.truncate(at.max(1)),
		}
	}
	input
}

fn execute(input: &[u8]) -> Result<(), String> {
	match catch_unwind(AssertUnwindSafe(|| run(input))) {
		Ok(Ok(_)) => Ok(()),
		Ok(Err(Break(why))) => Err(format!("invariant broken: {why}")),
		Err(panic) => Err(format!(
			"panic: {}",
			panic
				.downcast_ref::<String>()
				.cloned()
				.or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
				.unwrap_or_default()
		)),
	}
}

#[test]
fn ten_thousand_executions_break_no_invariant() {
	let target: usize =
		std::env::var("DEPIN_FUZZ_EXECUTIONS").ok().and_then(|n| n.parse().ok()).unwrap_or(DEFAULT_EXECUTIONS);
	let corpus = corpus();
	assert!(corpus.len() >= seeds::all().len());
	for input in &corpus {
		if let Err(why) = execute(input) {
			panic!("corpus input {} fails: {why}", hex(input));
		}
	}
	let executed = AtomicUsize::new(corpus.len());
	let failures: Vec<String> = std::thread::scope(|scope| {
		let workers: Vec<_> = (0..WORKERS)
			.map(|worker| {
				let (corpus, executed) = (&corpus, &executed);
				scope.spawn(move || {
					let mut rng = Rng(0x0dee_9f00_d5ee_d000 + worker as u64);
					while executed.fetch_add(1, Ordering::Relaxed) < target {
						let input = mutate(&mut rng, corpus);
						if let Err(why) = execute(&input) {
							return Some(format!("input {} fails: {why}", hex(&input)));
						}
					}
					None
				})
			})
			.collect();
		workers.into_iter().filter_map(|w| w.join().expect("workers catch panics")).collect()
	});
	assert!(failures.is_empty(), "{}", failures.join("\n"));
	let executions = executed.load(Ordering::Relaxed).min(target).max(corpus.len());
	assert!(executions >= target.min(DEFAULT_EXECUTIONS));
	if let Ok(dir) = std::env::var("DEPIN_FIGURES_DIR") {
		let rows = format!(
			"[{{\"group\":\"Fuzzing\",\"what\":\"short run (cargo test): corpus of {} inputs, then seeded mutations\",\"count\":{executions},\"outcome\":\"0 invariants broken, 0 panics\"}}]\n",
			corpus.len()
		);
		fs::create_dir_all(&dir).expect("figures folder");
		fs::write(PathBuf::from(dir).join("fuzz-short.json"), rows).expect("writes figures");
	}
}

fn hex(bytes: &[u8]) -> String {
	bytes.iter().map(|b| format!("{b:02x}")).collect()
}
