//! `depin-simulate [--epochs N] [--out DIR]`: the long run of every scenario on the real
//! runtime. Writes a chart per scenario (fee revenue, emission and the attacker's net, per epoch)
//! and a table of attacker ROI and honest emission per DPN of fees to `DIR` (default
//! `docs/simulation`), and fails if any attacker ends ahead or dilutes honest providers by more
//! than it burned.

use std::{fs, path::PathBuf, process::ExitCode};

use depin_runtime::{currency::DPN, Balance};
use depin_simulation::{
	market::preset_params,
	scenario::{run, Attack, Outcome, Scenario},
	svg::{line_chart, stacked, Series},
};

fn main() -> ExitCode {
	let mut epochs = 2_000u32;
	let mut out = PathBuf::from("docs/simulation");
	let mut args = std::env::args().skip(1);
	while let Some(arg) = args.next() {
		match (arg.as_str(), args.next()) {
			("--epochs", Some(n)) => epochs = n.parse().expect("--epochs takes a number"),
			("--out", Some(dir)) => out = PathBuf::from(dir),
			_ => {
				eprintln!("usage: depin-simulate [--epochs N] [--out DIR]");
				return ExitCode::FAILURE;
			},
		}
	}
	fs::create_dir_all(&out).expect("the output folder");

	let base = Scenario { name: "honest", epochs, honest_providers: 3, attack: None, customers_leave_at: None };
	let scenarios = [
		base.clone(),
		Scenario { name: "wash-trader", attack: Some(Attack::wash_trader()), ..base.clone() },
		Scenario { name: "sybil-splitter", attack: Some(Attack::sybil_splitter()), ..base.clone() },
		Scenario { name: "fake-capacity", attack: Some(Attack::fake_capacity()), ..base.clone() },
		Scenario { name: "inflated-utilization", attack: Some(Attack::inflated_utilization()), ..base.clone() },
		Scenario { name: "revenue-collapse", customers_leave_at: Some(epochs / 2), ..base.clone() },
	];

	let mut table = String::from(
		"| scenario | epochs | attacker's take paid (DPN) | attacker's net (DPN) | attacker ROI | honest emission per DPN of fees | same, without the attacker |\n|---|---|---|---|---|---|---|\n",
	);
	let mut ok = true;
	let mut honest: Option<Outcome> = None;
	for scenario in &scenarios {
		eprintln!("simulating {} over {epochs} epochs", scenario.name);
		let outcome = run(scenario);
		let baseline = honest.get_or_insert_with(|| outcome.clone()).clone();
		let dilution = baseline.honest_emission.saturating_sub(outcome.honest_emission);
		if outcome.final_attacker_net() > 0 || (scenario.attack.is_some() && dilution > outcome.attacker_take) {
			eprintln!("{}: the attacker gained {} or diluted honest emission by {dilution}", scenario.name, outcome.final_attacker_net());
			ok = false;
		}
		let dpn = |planck: f64| planck / DPN as f64;
		table.push_str(&format!(
			"| {} | {epochs} | {:.4} | {:.4} | {} | {:.2} | {:.2} |\n",
			scenario.name,
			dpn(outcome.attacker_take as f64),
			dpn(outcome.final_attacker_net() as f64),
			if scenario.attack.is_some() { format!("{:.3}", outcome.attacker_roi()) } else { "—".into() },
			outcome.honest_emission_per_fee(),
			baseline.honest_emission_per_fee(),
		));
		let as_dpn = |values: &[Balance]| values.iter().map(|v| dpn(*v as f64)).collect::<Vec<_>>();
		let money = |from: usize, title: String| {
			line_chart(
				&title,
				"DPN",
				from,
				&[
					Series { label: "fee revenue", color: "#1f77b4", values: as_dpn(&outcome.fee_revenue[from..]) },
					Series { label: "emission", color: "#2ca02c", values: as_dpn(&outcome.emission[from..]) },
				],
			)
		};
		let mut panels = vec![money(0, format!("{}: fee revenue and emission per epoch", scenario.name))];
		// After the bootstrap allowance, emission is the matched take alone: zoom in.
		let bootstrap = preset_params().bootstrap_epochs as usize;
		if outcome.emission.len() > bootstrap + 1 {
			panels.push(money(bootstrap, format!("{}: the same after the bootstrap allowance", scenario.name)));
		}
		if scenario.attack.is_some() {
			panels.push(line_chart(
				&format!("{}: the attacker's net balance (holdings and claimed emission − start)", scenario.name),
				"DPN",
				0,
				&[Series { label: "attacker's net", color: "#d62728", values: outcome.attacker_net.iter().map(|v| dpn(*v as f64)).collect() }],
			));
		}
		let chart = stacked(&panels);
		fs::write(out.join(format!("{}.svg", scenario.name)), chart).expect("writes the chart");
	}
	fs::write(out.join("results.md"), &table).expect("writes the table");
	print!("{table}");
	if ok {
		ExitCode::SUCCESS
	} else {
		ExitCode::FAILURE
	}
}
