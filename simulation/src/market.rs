//! A market on the real runtime: providers register, list GPUs and prices, name reporting keys;
//! consumers rent; each provider's node reports every epoch; everyone claims emission. Every
//! step is a call of the runtime's pallets (reports through their pool check and dispatch), run
//! natively in test externalities with a keystore, block by block.

use std::collections::BTreeMap;

use depin_primitives::{ChargeableLease, EpochClock, LeaseSettlement};
use codec::Encode;
use depin_runtime::{
	configs::{treasury_account, Clock, MinProviderBond},
	currency::DPN,
	genesis_config_presets::emission_params,
	AccountId, Balance, Balances, Economics, Leases, Providers, Runtime, RuntimeCall, RuntimeGenesisConfig,
	RuntimeOrigin, System, TransactionPayment,
};
use frame_support::{
	dispatch::GetDispatchInfo,
	pallet_prelude::TransactionSource,
	traits::{
		fungible::{Inspect, Mutate},
		tokens::Preservation,
		Get, Hooks, UnfilteredDispatchable,
	},
	BoundedVec,
};
#[allow(deprecated)]
use sp_runtime::traits::{Dispatchable, ValidateUnsigned};
use pallet_attestation::{DeviceSummary, GpuUsage, LeaseUsageReport, UsageReport, KEY_TYPE};
use pallet_economics::EmissionParams;
use sp_core::{sr25519, H256};
use sp_keystore::{testing::MemoryKeystore, KeystoreExt};
use sp_runtime::BuildStorage;

/// Epochs of the simulated chain: the dev chain's ten blocks.
pub const EPOCH_LENGTH: u32 = 10;
/// The price honest providers ask per GPU-hour.
pub const MARKET_GPU_PRICE: Balance = 2 * DPN;
/// What every simulated account starts with.
pub const ENDOWMENT: Balance = 10_000_000 * DPN;
/// The auditor, appointed by governance, vouching for honest hardware.
pub const AUDITOR_SEED: u32 = 0;

pub fn account(seed: u32) -> AccountId {
	let mut bytes = [0u8; 32];
	bytes[..4].copy_from_slice(&seed.to_le_bytes());
	bytes[31] = 0xd1;
	AccountId::new(bytes)
}

/// What a provider's node tells the chain about its hardware, per epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Claims {
	/// Mean GPU utilization it reports, in percent.
	pub gpu_util_percent: u8,
	/// Storage it reports to have (GiB) and to be used by its leases.
	pub storage_total_gib: u64,
}

impl Default for Claims {
	fn default() -> Self {
		Self { gpu_util_percent: 60, storage_total_gib: 0 }
	}
}

/// A provider the market knows.
#[derive(Clone, Debug)]
pub struct Provider {
	pub account: AccountId,
	pub key: sr25519::Public,
	pub gpus: Vec<H256>,
	pub claims: Claims,
}

/// The simulated chain.
pub struct Market {
	pub ext: sp_io::TestExternalities,
	pub providers: Vec<Provider>,
	next_seed: u32,
	next_gpu: u32,
}

impl Market {
	/// A fresh chain with `params` for emission (the genesis presets' if `None`) and `accounts`
	/// endowed accounts (seeds 0..accounts); the auditor is appointed.
	pub fn new(params: Option<EmissionParams<Balance>>, accounts: u32) -> Self {
		let mut genesis = RuntimeGenesisConfig::default();
		genesis.attestation.epoch_length = EPOCH_LENGTH;
		genesis.economics.params = params.unwrap_or_else(emission_params);
		genesis.balances.balances = (0..accounts).map(|seed| (account(seed), ENDOWMENT)).collect();
		let mut ext: sp_io::TestExternalities = genesis.build_storage().expect("genesis builds").into();
		ext.register_extension(KeystoreExt::new(MemoryKeystore::new()));
		let mut market = Self { ext, providers: Vec::new(), next_seed: AUDITOR_SEED + 1, next_gpu: 0 };
		market.ext.execute_with(|| {
			System::set_block_number(1);
			Economics::on_initialize(1);
			Providers::add_auditor(RuntimeOrigin::root(), account(AUDITOR_SEED)).expect("appoints the auditor");
		});
		market
	}

	/// The next unused account.
	pub fn new_account(&mut self) -> AccountId {
		let who = account(self.next_seed);
		self.next_seed += 1;
		who
	}

	/// The chain's epoch clock.
	pub fn clock(&mut self) -> EpochClock {
		self.ext.execute_with(Clock::get)
	}

	/// Registers a provider with `gpus` GPUs at `gpu_price` per GPU-hour and `storage_gib` of
	/// declared storage at `gib_price` per GiB-hour; `audited`: the auditor vouches for its
	/// hardware.
	pub fn provider(
		&mut self,
		gpus: u32,
		gpu_price: Balance,
		storage_gib: u64,
		gib_price: Balance,
		audited: bool,
		claims: Claims,
	) -> AccountId {
		let who = self.new_account();
		let hashes: Vec<H256> = (0..gpus).map(|_| self.next_gpu_hash()).collect();
		let key = self.ext.execute_with(|| {
			let signed = || RuntimeOrigin::signed(who.clone());
			Providers::register(signed(), MinProviderBond::get(), Default::default(), Default::default())
				.expect("registers");
			let specs: Vec<_> = hashes
				.iter()
				.map(|hash| depin_primitives::GpuSpec {
					uuid_hash: *hash,
					model: BoundedVec::truncate_from(b"H100".to_vec()),
					vram_mib: 81_559,
				})
				.collect();
			if !specs.is_empty() {
				Providers::add_gpus(signed(), BoundedVec::truncate_from(specs)).expect("lists GPUs");
			}
			Providers::set_capacity(signed(), storage_gib << 30, 16).expect("declares capacity");
			let prices = pallet_providers::PriceList {
				gpu: BoundedVec::truncate_from(vec![(BoundedVec::truncate_from(b"H100".to_vec()), gpu_price)]),
				storage_gib: gib_price,
				cpu_core: 0,
			};
			Providers::set_prices(signed(), prices).expect("prices");
			let key = sp_io::crypto::sr25519_generate(KEY_TYPE, None);
			let payload = Providers::reporting_key_proof_payload(&who);
			let proof = sp_io::crypto::sr25519_sign(KEY_TYPE, &key, &payload).expect("the key is in the keystore");
			Providers::set_reporting_key(signed(), key, proof).expect("names its key");
			if audited {
				Providers::audit_hardware(
					RuntimeOrigin::signed(account(AUDITOR_SEED)),
					who.clone(),
					BoundedVec::truncate_from(hashes.clone()),
					storage_gib,
				)
				.expect("audited");
			}
			key
		});
		self.providers.push(Provider { account: who.clone(), key, gpus: hashes, claims });
		who
	}

	fn next_gpu_hash(&mut self) -> H256 {
		self.next_gpu += 1;
		H256::from_low_u64_be(u64::from(self.next_gpu))
	}

	/// `consumer` rents `gpus` GPUs and `storage_gib` from `provider`, with escrow for `epochs`
	/// epochs (at least the minimum). Returns whether the chain accepted it.
	pub fn rent(&mut self, consumer: &AccountId, provider: &AccountId, gpus: u32, storage_gib: u32, epochs: u32) -> bool {
		self.ext.execute_with(|| {
			let request = pallet_leases::ResourceRequest { gpus, storage_gib, ..Default::default() };
			let price = price_of(provider, gpus, storage_gib);
			let per_epoch = price.saturating_mul(Balance::from(EPOCH_LENGTH)) / Balance::from(depin_runtime::time::HOURS);
			let deposit = per_epoch.saturating_mul(Balance::from(epochs.max(3)) + 1);
			signed(consumer, pallet_leases::Call::rent { provider: provider.clone(), request, deposit }.into())
		})
	}

	/// Closes every open lease of `consumer`.
	pub fn leave(&mut self, consumer: &AccountId) {
		self.ext.execute_with(|| {
			for lease in pallet_leases::ConsumerLeases::<Runtime>::get(consumer) {
				signed(consumer, pallet_leases::Call::close_lease { lease }.into());
			}
		});
	}

	/// Runs one epoch: every block of it, then — once it has ended — every provider's report of
	/// it, landing in the first block of its report window.
	pub fn run_epoch(&mut self, epoch: u32) {
		let clock = self.clock();
		let providers = self.providers.clone();
		self.ext.execute_with(|| {
			for block in clock.first_block(epoch).max(2)..=clock.report_window_opens(epoch) {
				System::set_block_number(block);
				frame_system::BlockHash::<Runtime>::insert(block - 1, block_hash(block - 1));
				Economics::on_initialize(block);
			}
			for provider in &providers {
				report(provider, epoch);
			}
		});
	}

	/// Runs the chain's empty blocks up to and including `block`.
	pub fn run_to(&mut self, block: u32) {
		self.ext.execute_with(|| {
			for n in System::block_number() + 1..=block {
				System::set_block_number(n);
				frame_system::BlockHash::<Runtime>::insert(n - 1, block_hash(n - 1));
				Economics::on_initialize(n);
			}
		});
	}

	/// Runs the chain until `epoch`'s emission is fixed.
	pub fn close(&mut self, epoch: u32) {
		let clock = self.clock();
		self.ext.execute_with(|| {
			let from = System::block_number() + 1;
			for block in from..=clock.report_window_closes(epoch) {
				System::set_block_number(block);
				frame_system::BlockHash::<Runtime>::insert(block - 1, block_hash(block - 1));
				Economics::on_initialize(block);
			}
		});
	}

	/// `who` claims its emission of closed `epoch`, if it has any due, and the fees its reports
	/// booked that nobody can contest any more (paying the fees of both).
	pub fn claim(&mut self, who: &AccountId, epoch: u32) {
		self.ext.execute_with(|| {
			let due = pallet_economics::UsageTake::<Runtime>::contains_key(epoch, who) ||
				pallet_economics::CapacityWork::<Runtime>::contains_key(epoch, who);
			if due {
				let epochs = BoundedVec::truncate_from(vec![epoch]);
				assert!(signed(who, pallet_economics::Call::claim_rewards { epochs }.into()), "claims");
			}
		});
		self.claim_earnings(who);
	}

	/// `who` claims the fees its reports booked that nobody can contest any more, if any
	/// (paying the fee).
	pub fn claim_earnings(&mut self, who: &AccountId) {
		self.ext.execute_with(|| {
			let claimable = pallet_leases::Pallet::<Runtime>::claimable(who);
			if claimable.share + claimable.take > 0 {
				let call = pallet_leases::Call::claim_earnings { provider: who.clone() };
				assert!(signed(who, call.into()), "claims its earnings");
			}
		});
	}

	/// What `accounts` own together: free plus held balance, with charges reports booked and no
	/// claim has paid yet counted where they go (a booked charge can only ever be paid to its
	/// provider and the treasury: it is the consumer's no longer).
	pub fn holdings(&mut self, accounts: &[AccountId]) -> Balance {
		self.ext.execute_with(|| {
			let held: Balance = accounts.iter().map(Balances::total_balance).sum();
			let (mut owed, mut owed_to) = (0, 0);
			for lease in pallet_leases::Leases::<Runtime>::iter_values() {
				if accounts.contains(&lease.consumer) {
					owed += lease.booked();
				}
				if accounts.contains(&lease.provider) {
					owed_to += lease.contestable.iter().map(|charge| charge.share).sum::<Balance>() + lease.unclaimed.share;
				}
			}
			held - owed + owed_to
		})
	}

	/// The ledger of `epoch`.
	pub fn ledger(&mut self, epoch: u32) -> depin_primitives::EpochLedger<Balance> {
		self.ext.execute_with(|| pallet_economics::Ledgers::<Runtime>::get(epoch))
	}

	/// Every pallet's invariants, issuance = genesis + minted − burned among them.
	pub fn check_invariants(&mut self) {
		self.ext.execute_with(|| {
			pallet_providers::Pallet::<Runtime>::do_try_state().expect("providers invariants");
			Leases::do_try_state().expect("leases invariants");
			depin_runtime::Attestation::do_try_state().expect("attestation invariants");
			Economics::do_try_state().expect("economics invariants");
			assert_eq!(Balances::total_issuance(), {
				let genesis = pallet_economics::GenesisIssuance::<Runtime>::get();
				genesis + pallet_economics::TotalMinted::<Runtime>::get() - pallet_economics::TotalBurned::<Runtime>::get()
			});
		});
	}
}

/// Dispatches `call` from `who` as a signed transaction would: the fee first (to the treasury,
/// as the runtime's transaction payment sends it), then the call. Returns whether it succeeded.
fn signed(who: &AccountId, call: RuntimeCall) -> bool {
	// A signed extrinsic's address, signature and extensions add about 110 bytes to the call.
	let len = call.encoded_size() as u32 + 110;
	let fee = TransactionPayment::compute_fee(len, &call.get_dispatch_info(), 0);
	<Balances as Mutate<AccountId>>::transfer(who, &treasury_account(), fee, Preservation::Preserve)
		.expect("funded for fees");
	call.dispatch(RuntimeOrigin::signed(who.clone())).is_ok()
}

fn block_hash(block: u32) -> H256 {
	H256::from_low_u64_be(u64::from(block) + 1)
}

/// Hourly price of `gpus` GPUs and `storage_gib` GiB at `provider`'s list.
fn price_of(provider: &AccountId, gpus: u32, storage_gib: u32) -> Balance {
	let record = pallet_providers::Providers::<Runtime>::get(provider).expect("a provider");
	let gpu = record.prices.gpu.first().map_or(0, |(_, price)| *price);
	gpu.saturating_mul(gpus.into()).saturating_add(record.prices.storage_gib.saturating_mul(storage_gib.into()))
}

/// `provider`'s node reports `epoch`: every GPU seen throughout at its claimed utilization,
/// every chargeable lease up for all the blocks it ran, the storage it claims.
fn report(provider: &Provider, epoch: u32) {
	let Some(call) = report_call(provider, epoch) else { return };
	if pool_accepts(&call) {
		call.dispatch_bypass_filter(frame_system::RawOrigin::None.into()).expect("the pool's report settles");
	}
}

/// Whether a node's pool takes this report now: the bare extrinsic's `validate_unsigned`, with
/// the signature check, as on chain.
pub fn pool_accepts(call: &pallet_attestation::Call<Runtime>) -> bool {
	pool_validity(call).is_ok()
}

/// The pool's verdict on this report now: its validity (priority, tags) or why it is refused.
#[allow(deprecated)]
pub fn pool_validity(call: &pallet_attestation::Call<Runtime>) -> sp_runtime::transaction_validity::TransactionValidity {
	<depin_runtime::Attestation as ValidateUnsigned>::validate_unsigned(TransactionSource::External, call)
}

/// The signed `submit_report` `provider`'s node would send for `epoch` now, anchored at the
/// parent block; `None` if it has nothing to report.
pub fn report_call(provider: &Provider, epoch: u32) -> Option<pallet_attestation::Call<Runtime>> {
	let clock = Clock::get();
	let now = System::block_number();
	let leases = <Leases as LeaseSettlement<_, _>>::chargeable_leases(&provider.account, epoch);
	if leases.is_empty() && provider.gpus.is_empty() {
		return None;
	}
	let length = clock.length();
	let claims = provider.claims;
	let storage_leased: u64 = leases.iter().map(|l| u64::from(l.storage_gib)).sum();
	let storage_total = claims.storage_total_gib.max(storage_leased);
	let entries: Vec<LeaseUsageReport> = leases
		.iter()
		.map(|lease: &ChargeableLease<AccountId, u128>| LeaseUsageReport {
			lease: lease.id,
			uptime_blocks: clock.blocks_within(epoch, lease.served_from, lease.served_until.unwrap_or(u32::MAX)),
			gpu_util_percent: claims.gpu_util_percent,
			gpu_mem_used_mib: 1_000,
			storage_used_gib: lease.storage_gib,
		})
		.collect();
	let report = UsageReport::<Runtime> {
		provider: provider.account.clone(),
		epoch,
		anchor_number: now - 1,
		anchor_hash: block_hash(now - 1),
		leases: BoundedVec::truncate_from(entries),
		devices: DeviceSummary::<Runtime> {
			sampled_blocks: length,
			answered_blocks: length,
			gpus: BoundedVec::truncate_from(
				provider
					.gpus
					.iter()
					.map(|hash| GpuUsage {
						uuid_hash: *hash,
						seen_blocks: length,
						util_percent: claims.gpu_util_percent,
						mem_used_mib: 1_000,
						mem_total_mib: 81_559,
						energy_mj: 1,
					})
					.collect(),
			),
			storage_seen_blocks: if storage_total > 0 { length } else { 0 },
			storage_total_gib: storage_total,
			storage_used_gib: storage_leased,
		},
	};
	let signature = sp_io::crypto::sr25519_sign(KEY_TYPE, &provider.key, &report.signing_payload()).expect("key in keystore");
	Some(pallet_attestation::Call::<Runtime>::submit_report { report, signature })
}

/// Block hash the simulated chain gives `block` (reports anchor on it).
pub fn simulated_block_hash(block: u32) -> H256 {
	block_hash(block)
}

/// Read-only helpers for scenarios.
pub fn free_balance(market: &mut Market, who: &AccountId) -> Balance {
	market.ext.execute_with(|| Balances::balance(who))
}

/// The emission params the genesis presets use.
pub fn preset_params() -> EmissionParams<Balance> {
	emission_params()
}

pub type Ledgers = BTreeMap<u32, depin_primitives::EpochLedger<Balance>>;
