//! The seed programs reach what they are written for: without that, the corpus would start the
//! fuzzer at the surface and the short run would test little.

use depin_fuzz::{run, seeds, Stats};

fn stats(name: &str) -> Stats {
	let (_, program) = seeds::all().into_iter().find(|(n, _)| *n == name).expect("a seed of that name");
	run(&program).unwrap_or_else(|e| panic!("{name}: {e:?}"))
}

#[test]
fn a_lease_is_reported_and_its_emission_claimed() {
	let stats = stats("lease-report-claim");
	assert_eq!(stats.workers, 1, "{stats:?}");
	assert_eq!(stats.claimed, 1, "{stats:?}");
}

/// The winning bidder reports its lease; the other bidder, with no lease and no audited
/// hardware, has nothing to settle: its report is refused and it is no worker.
#[test]
fn the_winning_bidder_reports_and_the_other_has_nothing_to_settle() {
	let stats = stats("order-bid-dispute");
	assert_eq!(stats.workers, 1, "{stats:?}");
	assert_eq!(stats.refused, 1, "{stats:?}");
}

#[test]
fn the_audited_provider_reports() {
	let stats = stats("audit-miss-sweep");
	assert_eq!(stats.workers, 1, "{stats:?}");
}

#[test]
fn forged_reports_and_replays_are_refused_and_the_honest_report_lands() {
	let stats = stats("forged-reports-and-replays");
	// Provider 0's six forged reports, provider 2's duplicate, two replays of a transfer.
	assert_eq!(stats.refused, 9, "{stats:?}");
	assert_eq!(stats.workers, 1, "{stats:?}");
}
