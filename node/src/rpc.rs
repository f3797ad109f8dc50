//! JSON-RPC methods beyond the ones `sc-service` installs (chain, state, author, system, ...):
//! `system_accountNextIndex`, `payment_*`, `grandpa_*` and the explorer's `depin_*`.

use std::sync::Arc;

use depin_runtime::{opaque::Block, AccountId, Balance, Nonce};
use jsonrpsee::RpcModule;
use sc_consensus_grandpa::{
	FinalityProofProvider, GrandpaJustificationStream, SharedAuthoritySet, SharedVoterState,
};
use sc_rpc::SubscriptionTaskExecutor;
use sc_transaction_pool_api::TransactionPool;
use sp_api::ProvideRuntimeApi;
use sp_block_builder::BlockBuilder;
use sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata};
use sp_runtime::traits::NumberFor;

/// What the GRANDPA RPC needs from the running voter.
pub struct GrandpaDeps<B> {
	pub shared_voter_state: SharedVoterState,
	pub shared_authority_set: SharedAuthoritySet<<Block as sp_runtime::traits::Block>::Hash, NumberFor<Block>>,
	pub justification_stream: GrandpaJustificationStream<Block>,
	pub subscription_executor: SubscriptionTaskExecutor,
	pub finality_provider: Arc<FinalityProofProvider<B, Block>>,
}

pub struct FullDeps<C, P, B> {
	pub client: Arc<C>,
	pub pool: Arc<P>,
	pub grandpa: GrandpaDeps<B>,
}

pub fn create_full<C, P, B>(
	deps: FullDeps<C, P, B>,
) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>>
where
	C: ProvideRuntimeApi<Block>
		+ HeaderBackend<Block>
		+ HeaderMetadata<Block, Error = BlockChainError>
		+ Send
		+ Sync
		+ 'static,
	C::Api: substrate_frame_rpc_system::AccountNonceApi<Block, AccountId, Nonce>
		+ pallet_transaction_payment_rpc::TransactionPaymentRuntimeApi<Block, Balance>
		+ depin_explorer_api::DepinApi<Block, AccountId, Balance>
		+ BlockBuilder<Block>,
	P: TransactionPool + 'static,
	B: sc_client_api::Backend<Block> + Send + Sync + 'static,
	B::State: sc_client_api::StateBackend<sp_runtime::traits::HashingFor<Block>>,
{
	use pallet_transaction_payment_rpc::{TransactionPayment, TransactionPaymentApiServer};
	use sc_consensus_grandpa_rpc::{Grandpa, GrandpaApiServer};
	let FullDeps { client, pool, grandpa } = deps;
	let mut module = RpcModule::new(());

	module.merge(guarded_system_rpc(client.clone(), pool)?)?;
	module.merge(TransactionPayment::new(client.clone()).into_rpc())?;
	{
		use crate::depin_rpc::{Depin, DepinApiServer};
		module.merge(Depin::new(client).into_rpc())?;
	}
	module.merge(
		Grandpa::new(
			grandpa.subscription_executor,
			grandpa.shared_authority_set,
			grandpa.shared_voter_state,
			grandpa.justification_stream,
			grandpa.finality_provider,
		)
		.into_rpc(),
	)?;

	Ok(module)
}

/// `system_*` of `substrate-frame-rpc-system`, with `system_accountNextIndex` (alias
/// `account_nextIndex`) behind the account length check of the `depin_*` methods: upstream
/// decodes the whole SS58 text before checking its length, at a cost quadratic in it (7 s for
/// 64 KiB), on the RPC server's async workers.
fn guarded_system_rpc<C, P>(
	client: Arc<C>,
	pool: Arc<P>,
) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: substrate_frame_rpc_system::AccountNonceApi<Block, AccountId, Nonce> + BlockBuilder<Block>,
	P: TransactionPool + 'static,
{
	use substrate_frame_rpc_system::{System, SystemApiServer};

	const NEXT_INDEX: &str = "system_accountNextIndex";
	const NEXT_INDEX_ALIAS: &str = "account_nextIndex";
	let mut module = System::<P, C, Block>::new(client.clone(), pool.clone()).into_rpc();
	module.remove_method(NEXT_INDEX);
	module.remove_method(NEXT_INDEX_ALIAS);

	let mut guarded = RpcModule::new(System::<P, C, Block>::new(client, pool));
	guarded.register_async_method(NEXT_INDEX, |params, system, _| async move {
		let (account,): (String,) = params.parse()?;
		let account = crate::depin_rpc::parse_account(&account)?;
		SystemApiServer::<<Block as sp_runtime::traits::Block>::Hash, AccountId, Nonce>::nonce(&*system, account)
			.await
	})?;
	guarded.register_alias(NEXT_INDEX_ALIAS, NEXT_INDEX)?;
	module.merge(guarded)?;
	Ok(module.remove_context())
}
