//! Extrinsic builders for `depin-node benchmark overhead|extrinsic`: signed extrinsics exactly as
//! a wallet would submit them, so the measured cost includes signature checks and every
//! transaction extension.

use std::{sync::Arc, time::Duration};

use codec::Encode;
use depin_runtime::{self as runtime, AccountId, Balance, BalancesCall, SystemCall};
use frame_benchmarking_cli::ExtrinsicBuilder;
use sc_cli::Result;
use sp_api::{Core, ProvideRuntimeApi};
use sp_blockchain::HeaderBackend;
use sp_core::{sr25519, Pair};
use sp_inherents::{InherentData, InherentDataProvider};
use sp_runtime::{generic, OpaqueExtrinsic, SaturatedConversion};

use crate::service::FullClient;

/// `System::remark`: the cheapest signed extrinsic, the per-transaction baseline.
pub struct RemarkBuilder {
	client: Arc<FullClient>,
}

impl RemarkBuilder {
	pub fn new(client: Arc<FullClient>) -> Self {
		Self { client }
	}
}

impl ExtrinsicBuilder for RemarkBuilder {
	fn pallet(&self) -> &str {
		"system"
	}

	fn extrinsic(&self) -> &str {
		"remark"
	}

	fn build(&self, nonce: u32) -> std::result::Result<OpaqueExtrinsic, &'static str> {
		let call = SystemCall::remark { remark: vec![] }.into();
		Ok(signed_extrinsic(&self.client, sp_keyring::Sr25519Keyring::Bob.pair(), call, nonce))
	}
}

/// `Balances::transfer_keep_alive`: the baseline the settlement benchmarks compare against.
pub struct TransferKeepAliveBuilder {
	client: Arc<FullClient>,
	dest: AccountId,
	value: Balance,
}

impl TransferKeepAliveBuilder {
	pub fn new(client: Arc<FullClient>, dest: AccountId, value: Balance) -> Self {
		Self { client, dest, value }
	}
}

impl ExtrinsicBuilder for TransferKeepAliveBuilder {
	fn pallet(&self) -> &str {
		"balances"
	}

	fn extrinsic(&self) -> &str {
		"transfer_keep_alive"
	}

	fn build(&self, nonce: u32) -> std::result::Result<OpaqueExtrinsic, &'static str> {
		let call =
			BalancesCall::transfer_keep_alive { dest: self.dest.clone().into(), value: self.value }
				.into();
		Ok(signed_extrinsic(&self.client, sp_keyring::Sr25519Keyring::Bob.pair(), call, nonce))
	}
}

/// Signs `call` for `sender` with every transaction extension of the runtime.
pub fn signed_extrinsic(
	client: &FullClient,
	sender: sr25519::Pair,
	call: runtime::RuntimeCall,
	nonce: u32,
) -> OpaqueExtrinsic {
	let genesis_hash = client.info().genesis_hash;
	let best_hash = client.info().best_hash;
	let best_block = client.info().best_number;
	let version = client
		.runtime_api()
		.version(best_hash)
		.map(|v| (v.spec_version, v.transaction_version))
		.unwrap_or((runtime::VERSION.spec_version, runtime::VERSION.transaction_version));

	let period = runtime::configs::BLOCK_HASH_COUNT
		.checked_next_power_of_two()
		.map(|c| c / 2)
		.unwrap_or(2) as u64;
	let tx_ext: runtime::TxExtension = (
		frame_system::CheckNonZeroSender::<runtime::Runtime>::new(),
		frame_system::CheckSpecVersion::<runtime::Runtime>::new(),
		frame_system::CheckTxVersion::<runtime::Runtime>::new(),
		frame_system::CheckGenesis::<runtime::Runtime>::new(),
		frame_system::CheckEra::<runtime::Runtime>::from(generic::Era::mortal(
			period,
			best_block.saturated_into(),
		)),
		frame_system::CheckNonce::<runtime::Runtime>::from(nonce),
		frame_system::CheckWeight::<runtime::Runtime>::new(),
		pallet_transaction_payment::ChargeTransactionPayment::<runtime::Runtime>::from(0),
		frame_metadata_hash_extension::CheckMetadataHash::<runtime::Runtime>::new(false),
		frame_system::WeightReclaim::<runtime::Runtime>::new(),
	);

	let raw_payload = runtime::SignedPayload::from_raw(
		call.clone(),
		tx_ext.clone(),
		(
			(),
			version.0,
			version.1,
			genesis_hash,
			best_hash,
			(),
			(),
			(),
			None,
			(),
		),
	);
	let signature = raw_payload.using_encoded(|payload| sender.sign(payload));

	let extrinsic = runtime::UncheckedExtrinsic::new_signed(
		call,
		AccountId::from(sender.public()).into(),
		runtime::Signature::Sr25519(signature),
		tx_ext,
	);
	OpaqueExtrinsic::try_from_encoded_extrinsic(&extrinsic.encode())
		.expect("a freshly encoded extrinsic decodes as opaque bytes")
}

/// Inherent data for benchmark blocks: a timestamp.
pub fn inherent_benchmark_data() -> Result<InherentData> {
	let mut inherent_data = InherentData::new();
	let timestamp = sp_timestamp::InherentDataProvider::new(
		(Duration::from_millis(runtime::time::MILLI_SECS_PER_BLOCK)).as_millis().saturated_into::<u64>().into(),
	);
	futures::executor::block_on(timestamp.provide_inherent_data(&mut inherent_data))
		.map_err(|e| format!("creating inherent data: {e:?}"))?;
	Ok(inherent_data)
}
