//! The chain under fuzzing: the development genesis plus funded fuzz accounts, and blocks built
//! the way an Aura author's block builder builds them (pre-runtime slot digest, timestamp
//! inherent, extrinsics checked and applied through `frame_executive` and every transaction
//! extension, a rejected extrinsic rolled back, `finalize_block`).

use std::sync::OnceLock;

use codec::Encode;
use depin_runtime::time::SLOT_DURATION;
use depin_runtime::{
	genesis_config_presets::development_config_genesis, AccountId, Address, Executive, Header, Runtime, RuntimeCall,
	RuntimeGenesisConfig, Signature, SignedPayload, System, TxExtension, UncheckedExtrinsic,
};
use frame_support::{
	dispatch::{DispatchClass, GetDispatchInfo},
	storage::{with_transaction, TransactionOutcome},
	traits::GetCallMetadata,
};
use sp_consensus_aura::{Slot, AURA_ENGINE_ID};
use sp_core::{sr25519, Pair, H256};
use sp_runtime::{
	generic::Era,
	traits::{Applyable, Checkable, Header as _},
	BuildStorage, Digest, DigestItem, DispatchError, Storage,
};

use crate::{input::ENDOWMENT, Break};

/// Fuzz accounts: each can register as provider, rent as consumer, be appointed auditor or
/// bond as validator. None of them is sudo or on the council.
pub const ACCOUNTS: u8 = 8;

pub fn pair(index: u8) -> sr25519::Pair {
	static PAIRS: OnceLock<Vec<sr25519::Pair>> = OnceLock::new();
	cached_pair(&PAIRS, 1, index)
}

/// The key account `index`'s node signs its usage reports with.
pub fn reporting_pair(index: u8) -> sr25519::Pair {
	static PAIRS: OnceLock<Vec<sr25519::Pair>> = OnceLock::new();
	cached_pair(&PAIRS, 101, index)
}

/// Key pairs derived once: deriving one from its seed is a scalar multiplication, which every
/// signed extrinsic paid again (6% of the long run's time in its profile).
fn cached_pair(pairs: &'static OnceLock<Vec<sr25519::Pair>>, first_seed: u8, index: u8) -> sr25519::Pair {
	let pairs =
		pairs.get_or_init(|| (0..ACCOUNTS).map(|i| sr25519::Pair::from_seed(&[first_seed + i; 32])).collect());
	pairs[usize::from(index % ACCOUNTS)].clone()
}

pub fn account(index: u8) -> AccountId {
	pair(index).public().into()
}

pub fn accounts() -> impl Iterator<Item = AccountId> {
	(0..ACCOUNTS).map(account)
}

/// The development genesis (Alice validator and sudo, council Alice/Bob/Charlie, 10-block
/// epochs) with the fuzz accounts endowed. Built once; every execution starts from a copy.
pub fn genesis() -> &'static Storage {
	static GENESIS: OnceLock<Storage> = OnceLock::new();
	GENESIS.get_or_init(|| {
		let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).expect("serializes");
		merge(&mut config, development_config_genesis());
		let mut config: RuntimeGenesisConfig = serde_json::from_value(config).expect("the dev preset deserializes");
		config.balances.balances.extend(accounts().map(|who| (who, ENDOWMENT)));
		config.build_storage().expect("genesis builds")
	})
}

fn merge(base: &mut serde_json::Value, patch: serde_json::Value) {
	match (base, patch) {
		(serde_json::Value::Object(base), serde_json::Value::Object(patch)) => {
			for (key, value) in patch {
				merge(base.entry(key).or_insert(serde_json::Value::Null), value);
			}
		},
		(base, patch) => *base = patch,
	}
}

/// What happened to one extrinsic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
	/// Included and its call succeeded.
	Ok,
	/// Included, its fee paid, its call failed.
	Failed,
	/// Refused (bad signature, nonce, fee, validity): a block builder drops it, nothing changes.
	Invalid,
	/// The block is full: the caller starts a new one.
	Exhausted,
}

/// Block production state between steps.
pub struct Chain {
	pub number: u32,
	parent: H256,
	slot: u64,
	pub in_block: bool,
	/// The last signed extrinsic that was included, for replays.
	pub last_included: Option<UncheckedExtrinsic>,
}

impl Chain {
	pub fn new() -> Self {
		// Genesis stores this parent hash for block 0 (what `CheckGenesis` signs over).
		let parent = frame_system::BlockHash::<Runtime>::get(0);
		Self { number: 0, parent, slot: 1_000, in_block: false, last_included: None }
	}

	/// Starts the next block: slot digest, `initialize_block`, the timestamp inherent.
	pub fn start_block(&mut self) -> Result<(), Break> {
		self.number += 1;
		self.slot += 1;
		let digest = Digest { logs: vec![DigestItem::PreRuntime(AURA_ENGINE_ID, Slot::from(self.slot).encode())] };
		let header = Header::new(self.number, Default::default(), Default::default(), self.parent, digest);
		Executive::initialize_block(&header);
		let now = self.slot * SLOT_DURATION;
		let inherent = UncheckedExtrinsic::new_bare(RuntimeCall::Timestamp(pallet_timestamp::Call::set { now }));
		match Executive::apply_extrinsic(inherent) {
			Ok(Ok(())) => {},
			other => return Err(Break(format!("the timestamp inherent failed: {other:?}"))),
		}
		self.in_block = true;
		Ok(())
	}

	/// Ends the block: `finalize_block` (idle and finalize hooks), after checking its weight.
	pub fn end_block(&mut self) -> Result<(), Break> {
		check_block_weight()?;
		let header = Executive::finalize_block();
		self.parent = header.hash();
		self.in_block = false;
		Ok(())
	}

	pub fn ensure_block(&mut self) -> Result<(), Break> {
		if self.in_block {
			Ok(())
		} else {
			self.start_block()
		}
	}

	/// Checks and applies `uxt` as a block builder would, in a storage transaction rolled back
	/// if the extrinsic is refused. Fails the run if the call's actual weight exceeds what it
	/// declared.
	pub fn apply(&mut self, uxt: UncheckedExtrinsic) -> Result<Applied, Break> {
		self.ensure_block()?;
		let signed = uxt.is_signed();
		let outcome = with_transaction(|| {
			let result = apply_keeping_post_info(uxt.clone());
			match result {
				Ok(applied) => TransactionOutcome::Commit(Ok::<_, DispatchError>(applied)),
				Err(applied) => TransactionOutcome::Rollback(Ok(Ok(applied))),
			}
		})
		.map_err(|e| Break(format!("storage transaction: {e:?}")))?;
		let applied = outcome?;
		if trace() {
			eprintln!("#{} {applied:?} {:?}", self.number, uxt.function);
		}
		if signed && matches!(applied, Applied::Ok | Applied::Failed) {
			self.last_included = Some(uxt);
		}
		Ok(applied)
	}

	/// A signed extrinsic of `call` from fuzz account `who` with its current nonce (shifted by
	/// `nonce_offset`, to try stale and future nonces) and `tip`.
	pub fn signed(&self, who: u8, call: RuntimeCall, nonce_offset: i8, tip: u128) -> UncheckedExtrinsic {
		let signer = pair(who);
		let account: AccountId = signer.public().into();
		let nonce = System::account_nonce(&account).wrapping_add_signed(i32::from(nonce_offset));
		let extension = tx_extension(nonce, tip);
		let payload =
			SignedPayload::new(call.clone(), extension.clone()).expect("the extensions' implicit data is available");
		let signature: Signature = payload.using_encoded(|bytes| signer.sign(bytes)).into();
		UncheckedExtrinsic::new_signed(call, Address::Id(account), signature, extension)
	}
}

/// `DEPIN_FUZZ_TRACE=1` prints every extrinsic and what became of it.
pub fn trace() -> bool {
	static TRACE: OnceLock<bool> = OnceLock::new();
	*TRACE.get_or_init(|| std::env::var_os("DEPIN_FUZZ_TRACE").is_some())
}

/// The extensions a wallet attaches, in the runtime's order.
pub fn tx_extension(nonce: u32, tip: u128) -> TxExtension {
	(
		frame_system::CheckNonZeroSender::<Runtime>::new(),
		frame_system::CheckSpecVersion::<Runtime>::new(),
		frame_system::CheckTxVersion::<Runtime>::new(),
		frame_system::CheckGenesis::<Runtime>::new(),
		frame_system::CheckEra::<Runtime>::from(Era::Immortal),
		frame_system::CheckNonce::<Runtime>::from(nonce),
		frame_system::CheckWeight::<Runtime>::new(),
		pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(tip),
		frame_metadata_hash_extension::CheckMetadataHash::<Runtime>::new(false),
		frame_system::WeightReclaim::<Runtime>::new(),
	)
}

/// `frame_executive`'s `apply_extrinsic`, step by step, so the call's post-dispatch info can be
/// compared with its declared weight. `Err` means: roll back.
fn apply_keeping_post_info(uxt: UncheckedExtrinsic) -> Result<Result<Applied, Break>, Applied> {
	let encoded = uxt.encode();
	let len = encoded.len();
	let xt = match uxt.check(&frame_system::ChainContext::<Runtime>::default()) {
		Ok(xt) => xt,
		Err(e) => {
			if trace() {
				eprintln!("refused at check: {e:?}");
			}
			return Err(Applied::Invalid);
		},
	};
	let info = xt.get_dispatch_info();
	if !System::inherents_applied() {
		Executive::inherents_applied();
	}
	System::note_extrinsic(encoded);
	// The call's name only (not its Debug form, which is costly for every call and rarely read).
	let call_name = call_name(&xt.function);
	let result = match Applyable::apply::<Runtime>(xt, &info, len) {
		Ok(result) => result,
		Err(sp_runtime::transaction_validity::TransactionValidityError::Invalid(
			sp_runtime::transaction_validity::InvalidTransaction::ExhaustsResources,
		)) => return Err(Applied::Exhausted),
		Err(e) => {
			if trace() {
				eprintln!("refused: {e:?}");
			}
			return Err(Applied::Invalid);
		},
	};
	let post = match &result {
		Ok(post) => *post,
		Err(e) => e.post_info,
	};
	// The actual weight includes the extensions' (set by `dispatch_transaction`): compare it
	// with the call's and the extensions' declared weight together.
	if let Some(actual) = post.actual_weight {
		if !actual.all_lte(info.total_weight()) {
			return Ok(Err(Break(format!(
				"{call_name}: actual weight {actual:?} exceeds the declared {:?}",
				info.total_weight()
			))));
		}
	}
	if let (true, Err(e)) = (trace(), &result) {
		eprintln!("failed: {:?}", e.error);
	}
	System::note_applied_extrinsic(&result, info);
	Ok(Ok(if result.is_ok() { Applied::Ok } else { Applied::Failed }))
}

/// Each class's weight within its limit and the block within the maximum.
/// `Pallet::call`, for the messages of broken checks.
pub fn call_name(call: &RuntimeCall) -> String {
	let meta = call.get_call_metadata();
	format!("{}::{}", meta.pallet_name, meta.function_name)
}

fn check_block_weight() -> Result<(), Break> {
	let limits = <Runtime as frame_system::Config>::BlockWeights::get();
	let used = System::block_weight();
	for class in [DispatchClass::Normal, DispatchClass::Operational, DispatchClass::Mandatory] {
		if let Some(max) = limits.get(class).max_total {
			if !used.get(class).all_lte(max) {
				return Err(Break(format!("{class:?} weight {:?} above its limit {max:?}", used.get(class))));
			}
		}
	}
	// Mandatory work (inherents, hooks) may exceed the block; everything else must fit.
	let optional = used.get(DispatchClass::Normal).saturating_add(*used.get(DispatchClass::Operational));
	if !optional.all_lte(limits.max_block) {
		return Err(Break(format!("block weight {optional:?} above the maximum {:?}", limits.max_block)));
	}
	Ok(())
}
