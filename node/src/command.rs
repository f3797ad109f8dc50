//! Dispatch of the command line to the node service and the chain-maintenance subcommands.

use crate::{
	chain_spec,
	cli::{Cli, Subcommand},
	service,
};
use sc_cli::SubstrateCli;
use sc_service::PartialComponents;

impl SubstrateCli for Cli {
	fn impl_name() -> String {
		"DePIN Node".into()
	}

	fn impl_version() -> String {
		env!("SUBSTRATE_CLI_IMPL_VERSION").into()
	}

	fn description() -> String {
		env!("CARGO_PKG_DESCRIPTION").into()
	}

	fn author() -> String {
		env!("CARGO_PKG_AUTHORS").into()
	}

	fn support_url() -> String {
		"https://example.invalid/depin-chain/issues".into()
	}

	fn copyright_start_year() -> i32 {
		2026
	}

	fn load_spec(&self, id: &str) -> Result<Box<dyn sc_service::ChainSpec>, String> {
		chain_spec::load(id)
	}
}

pub fn run() -> sc_cli::Result<()> {
	let cli = Cli::from_args();

	match &cli.subcommand {
		Some(Subcommand::Key(cmd)) => cmd.run(&cli),
		Some(Subcommand::BuildSpec(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			#[allow(deprecated)]
			runner.sync_run(|config| cmd.run(config.chain_spec, config.network))
		},
		Some(Subcommand::ExportChainSpec(cmd)) => {
			let chain_spec = cli.load_spec(&cmd.chain)?;
			cmd.run(chain_spec)
		},
		Some(Subcommand::CheckBlock(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, import_queue, .. } =
					service::new_partial(&config)?;
				Ok((cmd.run(client, import_queue), task_manager))
			})
		},
		Some(Subcommand::ExportBlocks(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, .. } = service::new_partial(&config)?;
				Ok((cmd.run(client, config.database), task_manager))
			})
		},
		Some(Subcommand::ExportState(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, .. } = service::new_partial(&config)?;
				Ok((cmd.run(client, config.chain_spec), task_manager))
			})
		},
		Some(Subcommand::ImportBlocks(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, import_queue, .. } =
					service::new_partial(&config)?;
				Ok((cmd.run(client, import_queue), task_manager))
			})
		},
		Some(Subcommand::PurgeChain(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run(config.database))
		},
		Some(Subcommand::Revert(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents { client, task_manager, backend, .. } =
					service::new_partial(&config)?;
				let aux_revert = Box::new(|client, _, blocks| {
					sc_consensus_grandpa::revert(client, blocks)?;
					Ok(())
				});
				Ok((cmd.run(client, backend, Some(aux_revert)), task_manager))
			})
		},
		Some(Subcommand::ChainInfo(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run::<depin_runtime::opaque::Block>(&config))
		},
		Some(Subcommand::Hardware(cmd)) => cmd.run(),
		Some(Subcommand::SyntheticCa(cmd)) => cmd.run(),
		#[cfg(feature = "runtime-benchmarks")]
		Some(Subcommand::Benchmark(cmd)) => benchmark(&cli, cmd),
		None => {
			let runner = cli.create_runner(&cli.run)?;
			let probe = cli.probe.clone();
			runner.run_node_until_exit(|config| async move {
				service::new_full::<sc_network::NetworkWorker<_, _>>(config, probe)
					.map_err(sc_cli::Error::Service)
			})
		},
	}
}

#[cfg(feature = "runtime-benchmarks")]
fn benchmark(cli: &Cli, cmd: &frame_benchmarking_cli::BenchmarkCmd) -> sc_cli::Result<()> {
	use depin_runtime::opaque::Block;
	use frame_benchmarking_cli::BenchmarkCmd;
	use sp_runtime::traits::HashingFor;

	let runner = cli.create_runner(cmd)?;
	runner.sync_run(|config| match cmd {
		BenchmarkCmd::Pallet(cmd) => cmd
			.run_with_spec::<HashingFor<Block>, ()>(Some(config.chain_spec)),
		BenchmarkCmd::Overhead(cmd) =>
			cmd.run_with_default_builder_and_spec::<Block, ()>(Some(config.chain_spec)),
		BenchmarkCmd::Block(cmd) => {
			let PartialComponents { client, .. } = service::new_partial(&config)?;
			cmd.run(client)
		},
		BenchmarkCmd::Storage(cmd) => {
			let PartialComponents { client, backend, .. } = service::new_partial(&config)?;
			let db = backend.expose_db();
			let storage = backend.expose_storage();
			let shared_trie_cache = backend.expose_shared_trie_cache();
			cmd.run(config, client, db, storage, shared_trie_cache)
		},
		BenchmarkCmd::Extrinsic(cmd) => {
			use crate::benchmarking::{
				inherent_benchmark_data, RemarkBuilder, TransferKeepAliveBuilder,
			};
			let PartialComponents { client, .. } = service::new_partial(&config)?;
			let factory = frame_benchmarking_cli::ExtrinsicFactory(vec![
				Box::new(RemarkBuilder::new(client.clone())),
				Box::new(TransferKeepAliveBuilder::new(
					client.clone(),
					sp_keyring::Sr25519Keyring::Alice.to_account_id(),
					depin_runtime::currency::EXISTENTIAL_DEPOSIT,
				)),
			]);
			cmd.run(client, inherent_benchmark_data()?, Vec::new(), &factory)
		},
		BenchmarkCmd::Machine(cmd) =>
			cmd.run(&config, frame_benchmarking_cli::SUBSTRATE_REFERENCE_HARDWARE.clone()),
	})
}
