//! `depin-node`: validator and RPC node of the DePIN settlement chain.

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod chain_spec;
mod cli;
mod command;
mod depin_rpc;
mod gpu_attestation;
mod hardware;
mod probe;
mod rpc;
mod service;

fn main() -> sc_cli::Result<()> {
	command::run()
}
