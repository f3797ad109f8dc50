//! Genesis presets: `development` (one validator, sudo) and `local_testnet` (four validators,
//! governed by the council alone: no sudo key).
//!
//! The node's chain specs are built from these, so what a chain starts with is defined once,
//! in the runtime, and can be inspected with `depin-node build-spec`.

use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

use crate::{
	configs::{treasury_account, MinValidatorBond},
	currency::{DPN, EXISTENTIAL_DEPOSIT},
	time::HOURS,
	AccountId, AttestationConfig, Balance, BalancesConfig, CouncilMembershipConfig, EconomicsConfig,
	GpuAttestationConfig, RuntimeGenesisConfig, SessionConfig, SessionKeys, SudoConfig, ValidatorManagerConfig,
};

/// What each well-known development account starts with.
pub const DEV_ENDOWMENT: Balance = 1_000_000 * DPN;

/// Epochs of the dev chain: a minute, so reports and payments show up while you watch.
pub const DEV_EPOCH_LENGTH: u32 = 10;

/// Sessions of the local testnet: a minute, so a validator governance admits or removes is in or
/// out within three minutes. A production chain spec keeps the default, an hour.
pub const LOCAL_SESSION_LENGTH: u32 = 10;

/// Sessions of the one-validator development chain: ten minutes. Its set never changes, and a
/// session rotation costs a whole block (pallet-session weighs it as a full block), so rotating
/// every minute would take a tenth of the dev chain's block space.
pub const DEV_SESSION_LENGTH: u32 = 100;

/// Fingerprint (blake2-256 of the SEC1 public key) of NVIDIA's device identity root, "NVIDIA
/// Device Identity CA" (`verifier/certs/verifier_device_root.pem` of NVIDIA's verifier): every
/// H100's per-device certificate chains to it. Only the fingerprint is here; a test checks it
/// against the root certificate the pinned verifier wheel ships (scripts/nvtrust-vectors.sh).
pub const NVIDIA_DEVICE_ROOT: [u8; 32] = [
	0xe2, 0x2a, 0x35, 0xe1, 0x78, 0x82, 0xc3, 0xba, 0x74, 0x97, 0x37, 0x76, 0x83, 0x28, 0xf4, 0xdf,
	0xfa, 0x19, 0xc4, 0x8a, 0xa5, 0x9d, 0xd8, 0x28, 0x12, 0x57, 0x75, 0x17, 0xff, 0x72, 0xab, 0x0c,
];
// = e22a35e17882c3ba749737768328f4dffa19c48aa59dd82812577517ff72ab0c

/// A validator: its account (which bonds) and its session keys.
struct Validator {
	account: AccountId,
	keys: SessionKeys,
}

fn genesis(
	validators: Vec<Validator>,
	council: Vec<AccountId>,
	endowed_accounts: Vec<AccountId>,
	sudo: Option<AccountId>,
	epoch_length: u32,
	session_length: u32,
) -> Value {
	// The fee-collecting treasury account exists from genesis, so the first fee paid can be
	// credited to it even if that fee is below the existential deposit.
	let balances = endowed_accounts
		.into_iter()
		.map(|account| (account, DEV_ENDOWMENT))
		.chain(core::iter::once((treasury_account(), EXISTENTIAL_DEPOSIT)))
		.collect::<Vec<_>>();
	// Aura and GRANDPA take their authorities from session's genesis: theirs stay empty.
	let bonds = validators.iter().map(|v| (v.account.clone(), MinValidatorBond::get())).collect::<Vec<_>>();
	let keys = validators
		.into_iter()
		.map(|v| (v.account.clone(), v.account, v.keys))
		.collect::<Vec<_>>();

	let mut patch = build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig { balances },
		validator_manager: ValidatorManagerConfig { validators: bonds, session_length },
		session: SessionConfig { keys },
		council_membership: CouncilMembershipConfig { members: council.try_into().expect("council within bounds") },
		attestation: AttestationConfig { epoch_length },
		gpu_attestation: GpuAttestationConfig { roots: vec![sp_core::H256(NVIDIA_DEVICE_ROOT)] },
		economics: EconomicsConfig { params: emission_params() },
	});
	if let Some(key) = sudo {
		let sudo = build_struct_json_patch!(RuntimeGenesisConfig { sudo: SudoConfig { key: Some(key) } });
		if let (Value::Object(patch), Value::Object(sudo)) = (&mut patch, sudo) {
			patch.extend(sudo);
		}
	}
	patch
}

/// Emission: 100 DPN an epoch, halving every 8,760 epochs (a year of hours); a bootstrap
/// allowance of 50 DPN an epoch fading over 720 epochs (30 days of hours); beyond it, at most
/// twice the fee revenue of the trailing 24 epochs.
pub fn emission_params() -> pallet_economics::EmissionParams<Balance> {
	pallet_economics::EmissionParams {
		initial_per_epoch: 100 * DPN,
		halving_epochs: 8_760,
		bootstrap_per_epoch: 50 * DPN,
		bootstrap_epochs: 720,
		revenue_cap_percent: 200,
		// Usage earns emission 1:1 with the take it paid, never more (HIP-10).
		usage_match_percent: 100,
		trailing_epochs: 24,
	}
}

/// A well-known account as validator, with its dev seed's keys (what `--alice` etc. insert).
fn validator(sr: Sr25519Keyring, ed: Ed25519Keyring) -> Validator {
	let (aura, grandpa): (AuraId, GrandpaId) = (sr.public().into(), ed.public().into());
	Validator { account: sr.to_account_id(), keys: SessionKeys { aura, grandpa } }
}

/// The council of both presets: Alice, Bob and Charlie; two of them carry a motion.
fn council() -> Vec<AccountId> {
	[Sr25519Keyring::Alice, Sr25519Keyring::Bob, Sr25519Keyring::Charlie]
		.into_iter()
		.map(|k| k.to_account_id())
		.collect()
}

fn well_known_accounts() -> Vec<AccountId> {
	Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect()
}

/// Alice alone authors and finalizes; Alice is sudo.
pub fn development_config_genesis() -> Value {
	genesis(
		vec![validator(Sr25519Keyring::Alice, Ed25519Keyring::Alice)],
		council(),
		well_known_accounts(),
		Some(Sr25519Keyring::Alice.to_account_id()),
		DEV_EPOCH_LENGTH,
		DEV_SESSION_LENGTH,
	)
}

/// Four validators, so GRANDPA (which needs more than 2/3 of the votes) keeps finalizing with
/// any one of them down. No sudo: the council governs.
pub fn local_config_genesis() -> Value {
	genesis(
		vec![
			validator(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
			validator(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
			validator(Sr25519Keyring::Charlie, Ed25519Keyring::Charlie),
			validator(Sr25519Keyring::Dave, Ed25519Keyring::Dave),
		],
		council(),
		well_known_accounts(),
		None,
		HOURS,
		LOCAL_SESSION_LENGTH,
	)
}

pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => development_config_genesis(),
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_config_genesis(),
		_ => return None,
	};
	Some(
		serde_json::to_string(&patch)
			.expect("serialization to json is expected to work. qed.")
			.into_bytes(),
	)
}

pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
		PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
	]
}

#[cfg(test)]
pub(crate) mod tests {
	use super::*;
	use crate::{Runtime, System};
	use frame_support::traits::fungible::Inspect;
	use sp_runtime::BuildStorage;

	/// Applies a JSON merge patch the way the node does when it builds genesis from a preset.
	fn merge(base: &mut Value, patch: Value) {
		match (base, patch) {
			(Value::Object(base), Value::Object(patch)) =>
				for (key, value) in patch {
					merge(base.entry(key).or_insert(Value::Null), value);
				},
			(base, patch) => *base = patch,
		}
	}

	pub(crate) fn build_preset(preset: &str) -> sp_io::TestExternalities {
		build(preset)
	}

	/// Every pallet of ours stores the version its code declares.
	pub(crate) fn assert_storage_versions_match() {
		use frame_support::traits::GetStorageVersion;
		macro_rules! check {
			($($pallet:ty),*) => {$(
				assert_eq!(
					<$pallet>::on_chain_storage_version(),
					<$pallet>::in_code_storage_version(),
					stringify!($pallet)
				);
			)*};
		}
		check!(
			crate::Providers,
			crate::Leases,
			crate::Attestation,
			crate::Economics,
			crate::ValidatorManager,
			crate::Governance,
			crate::GpuAttestation
		);
	}

	fn build(preset: &str) -> sp_io::TestExternalities {
		let patch = get_preset(&PresetId::from(preset)).expect("preset exists");
		let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).unwrap();
		merge(&mut config, serde_json::from_slice(&patch).unwrap());
		let config: RuntimeGenesisConfig = serde_json::from_value(config).unwrap();
		config.build_storage().unwrap().into()
	}

	#[test]
	fn presets_are_listed_and_unknown_ones_are_not_served() {
		assert_eq!(preset_names().len(), 2);
		assert!(get_preset(&PresetId::from("no-such-preset")).is_none());
	}

	#[test]
	fn development_has_one_validator_and_funded_accounts() {
		build(sp_genesis_builder::DEV_RUNTIME_PRESET).execute_with(|| {
			assert_eq!(pallet_aura::Authorities::<Runtime>::get().len(), 1);
			assert_eq!(pallet_grandpa::Pallet::<Runtime>::grandpa_authorities().len(), 1);
			assert_eq!(
				pallet_sudo::Key::<Runtime>::get(),
				Some(Sr25519Keyring::Alice.to_account_id())
			);
			for account in well_known_accounts() {
				// Free plus held: validators hold their bond out of the endowment.
				assert_eq!(pallet_balances::Pallet::<Runtime>::total_balance(&account), DEV_ENDOWMENT);
			}
			assert_eq!(
				pallet_balances::Pallet::<Runtime>::total_issuance(),
				DEV_ENDOWMENT * 12 + EXISTENTIAL_DEPOSIT
			);
			assert_eq!(crate::ValidatorManager::bond_of(&Sr25519Keyring::Alice.to_account_id()), MinValidatorBond::get());
			assert_eq!(pallet_validator_manager::SessionLength::<Runtime>::get(), DEV_SESSION_LENGTH);
			assert_storage_versions_match();
			assert_eq!(System::block_number(), 0);
			assert_eq!(pallet_attestation::EpochLength::<Runtime>::get(), DEV_EPOCH_LENGTH);
			assert_eq!(pallet_economics::Params::<Runtime>::get(), emission_params());
			assert_eq!(
				pallet_economics::GenesisIssuance::<Runtime>::get(),
				pallet_balances::Pallet::<Runtime>::total_issuance()
			);
			assert_eq!(<crate::configs::ReportGrace as frame_support::traits::Get<u32>>::get(), 5);
			assert!(pallet_gpu_attestation::Roots::<Runtime>::contains_key(sp_core::H256(NVIDIA_DEVICE_ROOT)));
		});
	}

	/// The genesis root is NVIDIA's: the fingerprint of the root certificate NVIDIA's pinned
	/// verifier ships.
	#[test]
	fn the_genesis_root_is_nvidias_device_root() {
		let dir = std::env::var("DEPIN_NVTRUST_VECTORS")
			.expect("DEPIN_NVTRUST_VECTORS names NVIDIA's vectors: run scripts/setup.sh (scripts/nvtrust-vectors.sh)");
		let pem = std::fs::read_to_string(format!("{dir}/verifier_device_root.pem")).expect("NVIDIA's root is there");
		let der = pallet_gpu_attestation::verify::parse_pem_chain(&pem).expect("PEM").remove(0);
		let key = pallet_gpu_attestation::verify::root_public_key(&der).expect("a P-384 root");
		assert_eq!(sp_io::hashing::blake2_256(&key), NVIDIA_DEVICE_ROOT);
	}

	#[test]
	fn local_testnet_has_four_distinct_validators() {
		build(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
			let aura = pallet_aura::Authorities::<Runtime>::get();
			assert_eq!(aura.len(), 4);
			let mut unique = aura.to_vec();
			unique.sort();
			unique.dedup();
			assert_eq!(unique.len(), 4);
			assert_eq!(pallet_grandpa::Pallet::<Runtime>::grandpa_authorities().len(), 4);
			assert_eq!(pallet_session::Validators::<Runtime>::get().len(), 4);
			assert_eq!(pallet_validator_manager::Validators::<Runtime>::get().len(), 4);
			// Historical holds a root for the genesis sessions: their validators can be proven.
			assert!(pallet_session::historical::HistoricalSessions::<Runtime>::get(0).is_some());
			assert_eq!(pallet_sudo::Key::<Runtime>::get(), None, "the council governs the local testnet");
			let mut members = council();
			members.sort();
			assert_eq!(pallet_collective::Members::<Runtime, crate::configs::CouncilCollective>::get(), members);
			assert_eq!(pallet_validator_manager::SessionLength::<Runtime>::get(), LOCAL_SESSION_LENGTH);
			assert_storage_versions_match();
			assert_eq!(pallet_attestation::EpochLength::<Runtime>::get(), HOURS);
			assert_eq!(<crate::configs::ReportGrace as frame_support::traits::Get<u32>>::get(), 100);
		});
	}
}
