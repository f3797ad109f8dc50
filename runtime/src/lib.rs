//! Runtime of the DePIN settlement chain.
//!
//! The foundation: consensus (Aura + GRANDPA over sessions of a governed, bonded validator set,
//! with GRANDPA equivocations slashed), the native `DPN` token, fees, a council with a treasury,
//! batching, and sudo on the development chain only. Market pallets (providers, leases,
//! attestation, economics) are added on top of this.

#![cfg_attr(not(feature = "std"), no_std)]
// `construct_runtime` and `impl_runtime_apis` expand to very deep types.
#![recursion_limit = "256"]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

extern crate alloc;

pub mod apis;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarks;
pub mod call_filter;
#[cfg(test)]
mod clock_agreement;
pub mod configs;
pub mod explorer;
pub mod genesis_config_presets;
pub mod migrations;
pub mod treasury;
#[cfg(test)]
mod report_extrinsics;
#[cfg(test)]
mod validator_governance;

use alloc::{borrow::Cow, vec::Vec};
use sp_runtime::{
	generic, impl_opaque_keys,
	traits::{BlakeTwo256, IdentifyAccount, Verify},
	MultiAddress, MultiSignature,
};
use sp_version::RuntimeVersion;

pub use frame_system::Call as SystemCall;
pub use pallet_balances::Call as BalancesCall;
pub use pallet_timestamp::Call as TimestampCall;
#[cfg(any(feature = "std", test))]
pub use sp_runtime::BuildStorage;

/// Signature scheme of transactions (sr25519, ed25519 or ecdsa).
pub type Signature = MultiSignature;
/// An account is identified by the public key of its signing scheme.
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;
/// Amounts of `DPN` in planck (10^-12 DPN).
pub type Balance = u128;
/// Transaction counter of an account.
pub type Nonce = u32;
pub type Hash = sp_core::H256;
pub type BlockNumber = u32;
/// Addresses as polkadot.js sends them (`MultiAddress::Id` for plain accounts).
pub type Address = MultiAddress<AccountId, ()>;
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
pub type Block = generic::Block<Header, UncheckedExtrinsic>;
pub type SignedBlock = generic::SignedBlock<Block>;
pub type BlockId = generic::BlockId<Block>;

/// Token metadata, also written into the chain specs' properties.
pub mod currency {
	use super::Balance;

	pub const TOKEN_SYMBOL: &str = "DPN";
	pub const TOKEN_DECIMALS: u8 = 12;
	/// SS58 address format: the generic Substrate prefix.
	pub const SS58_PREFIX: u16 = 42;

	/// One DPN in planck.
	pub const DPN: Balance = 1_000_000_000_000;
	pub const MILLI_DPN: Balance = DPN / 1_000;
	pub const MICRO_DPN: Balance = DPN / 1_000_000;

	/// Below this an account is reaped; small enough for dust, large enough to deter
	/// state bloat through many empty accounts.
	pub const EXISTENTIAL_DEPOSIT: Balance = MILLI_DPN;
}

/// Block timing.
pub mod time {
	use super::BlockNumber;

	/// 6-second blocks. Aura's slot duration equals this and cannot change after genesis.
	pub const MILLI_SECS_PER_BLOCK: u64 = 6_000;
	pub const SLOT_DURATION: u64 = MILLI_SECS_PER_BLOCK;

	pub const MINUTES: BlockNumber = 60_000 / (MILLI_SECS_PER_BLOCK as BlockNumber);
	pub const HOURS: BlockNumber = MINUTES * 60;
	pub const DAYS: BlockNumber = HOURS * 24;
}

/// Opaque types: the node handles blocks and extrinsics without knowing the runtime's call types,
/// so it keeps syncing across runtime upgrades that change them.
pub mod opaque {
	use super::*;
	pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
	pub type BlockId = generic::BlockId<Block>;
	pub type Hash = <BlakeTwo256 as sp_runtime::traits::Hash>::Output;
}

impl_opaque_keys! {
	/// Keys a validator registers: Aura for authoring, GRANDPA for finality.
	pub struct SessionKeys {
		pub aura: Aura,
		pub grandpa: Grandpa,
	}
}

/// The runtime's version. `upgrade-rehearsal` builds the same code as the next `spec_version`,
/// which the upgrade test enacts by council motion (the macro reads literals only, hence two).
#[cfg(not(feature = "upgrade-rehearsal"))]
#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: Cow::Borrowed("depin"),
	impl_name: Cow::Borrowed("depin-node"),
	authoring_version: 1,
	// Bump on every change to runtime logic; a node refuses to author with a mismatching version.
	spec_version: 109,
	impl_version: 1,
	apis: apis::RUNTIME_API_VERSIONS,
	// Bump when call indices or extrinsic encoding change, so old signed transactions fail.
	transaction_version: 3,
	system_version: 1,
};

#[cfg(feature = "upgrade-rehearsal")]
#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: Cow::Borrowed("depin"),
	impl_name: Cow::Borrowed("depin-node"),
	authoring_version: 1,
	spec_version: 110,
	impl_version: 1,
	apis: apis::RUNTIME_API_VERSIONS,
	transaction_version: 3,
	system_version: 1,
};

/// Checks every signed transaction goes through, in order.
///
/// `WeightReclaim` comes last so it sees the weight of every extension before it. Usage reports
/// are bare extrinsics, validated by their pallet, not transactions: no `AuthorizeCall` here, as
/// no call uses `#[pallet::authorize]` (v5 general transactions break the explorers' decoders).
pub type TxExtension = (
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	frame_system::CheckNonce<Runtime>,
	frame_system::CheckWeight<Runtime>,
	pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
	frame_metadata_hash_extension::CheckMetadataHash<Runtime>,
	frame_system::WeightReclaim<Runtime>,
);

pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// Migrations run through `frame_system::Config::SingleBlockMigrations` (see migrations.rs).
pub type Executive =
	frame_executive::Executive<Runtime, Block, frame_system::ChainContext<Runtime>, Runtime, AllPalletsWithSystem>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Runtime;

	// Declaration order is the order of genesis builds and block hooks: balances before the
	// validator bonds, the validator set before the session that reads it, session before
	// Aura and GRANDPA take their authorities from it.
	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp;

	#[runtime::pallet_index(8)]
	pub type Authorship = pallet_authorship;

	#[runtime::pallet_index(4)]
	pub type Balances = pallet_balances;

	#[runtime::pallet_index(9)]
	pub type ValidatorManager = pallet_validator_manager;

	#[runtime::pallet_index(10)]
	pub type Session = pallet_session;

	#[runtime::pallet_index(11)]
	pub type Historical = pallet_session::historical;

	#[runtime::pallet_index(2)]
	pub type Aura = pallet_aura;

	#[runtime::pallet_index(3)]
	pub type Grandpa = pallet_grandpa;

	#[runtime::pallet_index(12)]
	pub type Offences = pallet_offences;

	#[runtime::pallet_index(5)]
	pub type TransactionPayment = pallet_transaction_payment;

	#[runtime::pallet_index(6)]
	pub type Sudo = pallet_sudo;

	#[runtime::pallet_index(7)]
	pub type Utility = pallet_utility;

	// Governance: the council (members kept by membership), its root bridge and the treasury.
	#[runtime::pallet_index(13)]
	pub type Council = pallet_collective<Instance1>;

	#[runtime::pallet_index(14)]
	pub type CouncilMembership = pallet_membership<Instance1>;

	#[runtime::pallet_index(15)]
	pub type Governance = pallet_governance;

	#[runtime::pallet_index(16)]
	pub type Treasury = pallet_treasury;

	// The market: providers, leases, attestation, economics from index 20 on.
	#[runtime::pallet_index(20)]
	pub type Providers = pallet_providers;

	#[runtime::pallet_index(21)]
	pub type Leases = pallet_leases;

	#[runtime::pallet_index(22)]
	pub type Attestation = pallet_attestation;

	#[runtime::pallet_index(23)]
	pub type Economics = pallet_economics;

	#[runtime::pallet_index(24)]
	pub type GpuAttestation = pallet_gpu_attestation;
}
