//! Command-line interface.

use sc_cli::RunCmd;

#[derive(Debug, clap::Parser)]
#[command(propagate_version = true, args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct Cli {
	#[command(subcommand)]
	pub subcommand: Option<Subcommand>,

	#[clap(flatten)]
	pub run: RunCmd,

	#[clap(flatten)]
	pub probe: crate::probe::ProbeParams,
}

#[derive(Debug, clap::Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum Subcommand {
	/// Key management: generate, inspect and insert keys (e.g. session keys into the keystore).
	#[command(subcommand)]
	Key(sc_cli::KeySubcommand),

	/// Build a chain specification.
	BuildSpec(sc_cli::BuildSpecCmd),

	/// Export the chain specification (without starting networking).
	ExportChainSpec(sc_cli::ExportChainSpecCmd),

	/// Validate blocks.
	CheckBlock(sc_cli::CheckBlockCmd),

	/// Export blocks.
	ExportBlocks(sc_cli::ExportBlocksCmd),

	/// Export the state of a given block into a chain spec.
	ExportState(sc_cli::ExportStateCmd),

	/// Import blocks.
	ImportBlocks(sc_cli::ImportBlocksCmd),

	/// Remove the whole chain.
	PurgeChain(sc_cli::PurgeChainCmd),

	/// Revert the chain to a previous state.
	Revert(sc_cli::RevertCmd),

	/// Database metadata.
	ChainInfo(sc_cli::ChainInfoCmd),

	/// Print what the hardware probe sees (GPUs via NVML, storage via statvfs) as JSON, with the
	/// arguments of `providers.addGpus` / `providers.setCapacity` ready for polkadot.js.
	Hardware(crate::hardware::HardwareCmd),

	/// Print a synthetic GPU attestation CA's root certificate and fingerprint (the root of
	/// `--gpu-attestation-source synthetic:<seed>`), for governance to register on a test chain.
	SyntheticCa(crate::gpu_attestation::SyntheticCaCmd),

	/// Runtime and node benchmarks (`pallet`, `overhead`, `extrinsic`, `storage`, `machine`).
	#[cfg(feature = "runtime-benchmarks")]
	#[command(subcommand)]
	Benchmark(frame_benchmarking_cli::BenchmarkCmd),
}
