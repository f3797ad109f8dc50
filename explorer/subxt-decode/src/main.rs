//! `depin-subxt-decode --url ws://127.0.0.1:9944 [--from N] [--to N] [--follow N]`
//!
//! Decodes every block from `--from` (default 0) to `--to` (default: the finalized head), then
//! follows the finalized chain for `--follow` more blocks (default 0): every extrinsic's call
//! data and transaction extensions, and every event, with subxt's dynamic `Value`s — the chain's
//! metadata alone, no generated code, as a Rust explorer or indexer would. Stops at the first
//! block it cannot decode (exit code 1, the block and extrinsic or event named on stderr).
//! Prints a JSON summary on success: counts by call and event, and the events of the DePIN
//! pallets whose fields have no names (indexers join on names; there should be none).

use std::{collections::BTreeMap, error::Error, time::Duration};

use serde_json::json;
use subxt::{
	dynamic::Value,
	ext::scale_value::{Composite, ValueDef},
	OnlineClient, SubstrateConfig,
};

type AnyError = Box<dyn Error + Send + Sync>;

/// The pallets whose events indexers join on by field name.
const DEPIN_PALLETS: [&str; 4] = ["Providers", "Leases", "Attestation", "Economics"];

/// Longest wait for any one block (connection included).
const PER_BLOCK_TIMEOUT: Duration = Duration::from_secs(60);

struct Args {
	url: String,
	from: u64,
	to: Option<u64>,
	follow: u64,
}

fn parse_args() -> Result<Args, AnyError> {
	let mut args = Args { url: "ws://127.0.0.1:9944".into(), from: 0, to: None, follow: 0 };
	let mut it = std::env::args().skip(1);
	while let Some(flag) = it.next() {
		let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
		match flag.as_str() {
			"--url" => args.url = value()?,
			"--from" => args.from = value()?.parse()?,
			"--to" => args.to = Some(value()?.parse()?),
			"--follow" => args.follow = value()?.parse()?,
			other => return Err(format!("unknown argument {other}").into()),
		}
	}
	Ok(args)
}

#[derive(Default)]
struct Summary {
	blocks: u64,
	first: Option<u64>,
	last: Option<u64>,
	extrinsics: u64,
	signed: u64,
	bare: u64,
	events: u64,
	calls: BTreeMap<String, u64>,
	event_names: BTreeMap<String, u64>,
	unnamed: Vec<String>,
}

/// Whether decoded fields carry names (or there are none to name).
fn named(fields: &Value) -> bool {
	match &fields.value {
		ValueDef::Composite(Composite::Named(_)) => true,
		ValueDef::Composite(Composite::Unnamed(values)) => values.is_empty(),
		_ => false,
	}
}

async fn decode_block(
	block: &subxt::client::OnlineClientAtBlock<SubstrateConfig>,
	summary: &mut Summary,
) -> Result<(), AnyError> {
	let number = block.block_number();
	let extrinsics = block.extrinsics().fetch().await.map_err(|e| format!("block {number}: extrinsics: {e}"))?;
	for ext in extrinsics.iter() {
		let ext = ext.map_err(|e| format!("block {number}: an extrinsic does not decode: {e}"))?;
		let name = format!("{}.{}", ext.pallet_name(), ext.call_name());
		ext.decode_call_data_fields_unchecked_as::<Value>()
			.map_err(|e| format!("block {number}, extrinsic {} ({name}): call data: {e}", ext.index()))?;
		if let Some(extensions) = ext.transaction_extensions() {
			for extension in extensions.iter() {
				extension.decode_unchecked_as::<Value>().map_err(|e| {
					format!("block {number}, extrinsic {} ({name}): extension {}: {e}", ext.index(), extension.name())
				})?;
			}
		}
		if ext.is_signed() {
			summary.signed += 1;
		} else {
			summary.bare += 1;
		}
		summary.extrinsics += 1;
		*summary.calls.entry(name).or_default() += 1;
	}
	let events = block.events().fetch().await.map_err(|e| format!("block {number}: events: {e}"))?;
	for event in events.iter() {
		let event = event.map_err(|e| format!("block {number}: an event does not decode: {e}"))?;
		let name = format!("{}.{}", event.pallet_name(), event.event_name());
		let fields = event
			.decode_fields_unchecked_as::<Value>()
			.map_err(|e| format!("block {number}, event {} ({name}): {e}", event.index()))?;
		if DEPIN_PALLETS.contains(&event.pallet_name()) && !named(&fields) && !summary.unnamed.contains(&name) {
			summary.unnamed.push(name.clone());
		}
		summary.events += 1;
		*summary.event_names.entry(name).or_default() += 1;
	}
	summary.blocks += 1;
	summary.first.get_or_insert(number);
	summary.last = Some(number);
	Ok(())
}

async fn run(args: Args) -> Result<Summary, AnyError> {
	// Loopback in the tests: plain ws:// is what the node serves there.
	let api = tokio::time::timeout(PER_BLOCK_TIMEOUT, OnlineClient::<SubstrateConfig>::from_insecure_url(&args.url))
		.await
		.map_err(|_| "connecting timed out")??;
	let head = api.at_current_block().await?.block_number();
	let to = args.to.unwrap_or(head).min(head);
	let mut summary = Summary::default();
	for number in args.from..=to {
		let decoded = async {
			let block = api.at_block(number).await.map_err(|e| format!("block {number}: {e}"))?;
			decode_block(&block, &mut summary).await
		};
		tokio::time::timeout(PER_BLOCK_TIMEOUT, decoded).await.map_err(|_| format!("block {number} timed out"))??;
	}
	if args.follow > 0 {
		let mut blocks = api.stream_blocks().await?;
		let mut followed = 0;
		while followed < args.follow {
			let next = tokio::time::timeout(PER_BLOCK_TIMEOUT, blocks.next())
				.await
				.map_err(|_| "no finalized block within the timeout")?
				.ok_or("the finalized block stream ended")??;
			if next.number() <= to {
				continue;
			}
			let number = next.number();
			let block = next.at().await.map_err(|e| format!("block {number}: {e}"))?;
			decode_block(&block, &mut summary).await?;
			followed += 1;
		}
	}
	Ok(summary)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
	let outcome = match parse_args() {
		Ok(args) => run(args).await,
		Err(e) => Err(e),
	};
	match outcome {
		Ok(s) => println!(
			"{}",
			json!({
				"blocks": s.blocks,
				"first": s.first,
				"last": s.last,
				"extrinsics": s.extrinsics,
				"signed": s.signed,
				"bare": s.bare,
				"events": s.events,
				"calls": s.calls,
				"eventNames": s.event_names,
				"eventFieldsUnnamed": s.unnamed,
			})
		),
		Err(e) => {
			eprintln!("depin-subxt-decode: {e}");
			std::process::exit(1);
		},
	}
}
