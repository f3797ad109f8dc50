//! The off-chain worker: for each provider whose reporting key this node holds, each listed GPU
//! whose attestation is missing or lapses after this epoch gets the current epoch's nonce, its
//! report and certificate chain fetched from the attestation source, and a signed submission.
//!
//! The source answers `GET <url>?gpu=<hex>&nonce=<hex>` with plain text: the report in hex on
//! the first line, then each certificate (DER, hex), leaf first, one per line. The node serves it
//! itself (`depin-node --gpu-attestation-source`): from NVML's confidential-computing calls on a
//! CC-capable GPU, or from a synthetic CA where there is none.

use alloc::{format, string::String, vec::Vec};
use codec::Encode;
use depin_primitives::{EpochIndex, ProviderRegistry, REPORTING_KEY_TYPE};
use frame_system::{
	offchain::{CreateBare, SubmitTransaction},
	pallet_prelude::BlockNumberFor,
};
use sp_core::{offchain::StorageKind, sr25519, H256};
use sp_runtime::offchain::{http, storage::StorageValueRef, Duration};

use crate::{pallet::*, types::*, Config};

/// Persistent off-chain storage key of the attestation source's URL; the node writes it at
/// start-up. No URL: the worker attests nothing.
pub const SOURCE_URL_KEY: &[u8] = b"depin/gpu-attestation/source-url";
/// A source that takes longer counts as not answering.
pub const FETCH_DEADLINE_MS: u64 = 5_000;
/// Largest body accepted: a report and five certificates in hex.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// GPUs attested per worker run, so one run's HTTP calls stay short.
pub const MAX_GPUS_PER_RUN: usize = 8;
/// Blocks to wait before submitting for a GPU again when its attestation has not landed.
pub const RESUBMIT_AFTER_BLOCKS: u32 = 3;
/// Blocks to wait before asking a source again that had no report for a GPU.
pub const SOURCE_BACKOFF_BLOCKS: u32 = 50;

const SUBMITTED_PREFIX: &[u8] = b"depin/gpu-attestation/submitted/";

/// Why a GPU was not attested by this run (logged).
#[derive(Debug)]
pub enum Failure {
	/// The source had no report: unreachable, or no CC-capable GPU behind it.
	Source(&'static str),
	/// The report could not be read, signed or submitted.
	Submission(&'static str),
	/// The chain would refuse it (checked here, as the pool would: the pool takes a bare
	/// extrinsic from the worker without saying whether it is valid).
	Refused(String),
}

impl core::fmt::Display for Failure {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		match self {
			Failure::Source(why) | Failure::Submission(why) => f.write_str(why),
			Failure::Refused(why) => write!(f, "the chain would refuse it: {why}"),
		}
	}
}

pub fn run<T: Config + CreateBare<Call<T>>>(block: BlockNumberFor<T>) {
	let _ = block;
	let Some(url) = source_url() else { return };
	let epoch = Pallet::<T>::current_epoch();
	let now: u32 = Pallet::<T>::now();
	let mut budget = MAX_GPUS_PER_RUN;
	for key in sp_io::crypto::sr25519_public_keys(REPORTING_KEY_TYPE) {
		let Some(provider) = T::Providers::provider_of_reporting_key(&key) else { continue };
		for gpu in T::Providers::gpus(&provider) {
			if budget == 0 {
				return
			}
			let gpu = gpu.uuid_hash;
			if !needs_attestation::<T>(&provider, &gpu, epoch) || !claim_submission(&provider, &gpu, epoch, now) {
				continue
			}
			budget = budget.saturating_sub(1);
			match attest::<T>(&url, key, &provider, gpu, epoch) {
				Ok(()) => log::info!(target: "gpu-attestation", "attestation of GPU {gpu:?} for epoch {epoch} submitted"),
				// No report to be had (no CC-capable GPU here, most machines): not worth a warning
				// every few blocks.
				Err(why @ Failure::Source(_)) => {
					back_off(&provider, &gpu, epoch, now);
					log::debug!(target: "gpu-attestation", "GPU {gpu:?} not attested in epoch {epoch}: {why}")
				},
				Err(why) => log::warn!(target: "gpu-attestation", "GPU {gpu:?} not attested in epoch {epoch}: {why}"),
			}
		}
	}
}

/// Missing, or lapsing before the next epoch; and not already attested in this one.
pub fn needs_attestation<T: Config>(provider: &T::AccountId, gpu: &H256, epoch: EpochIndex) -> bool {
	let attested_now = Attestations::<T>::get(provider, gpu).is_some_and(|record| record.attested == epoch);
	!attested_now && Pallet::<T>::attestation_in_force(provider, gpu, epoch.saturating_add(1)).is_none()
}

/// One off-chain storage entry per (provider, GPU): the epoch and the block before which the
/// worker does not try again.
fn retry_key<AccountId: Encode>(provider: &AccountId, gpu: &H256) -> alloc::vec::Vec<u8> {
	(SUBMITTED_PREFIX, provider, gpu).encode()
}

/// Takes the GPU's turn at block `now` unless an attempt of this epoch asked to wait longer;
/// the next try is `RESUBMIT_AFTER_BLOCKS` later (pushed back by `back_off` if the source had
/// nothing).
fn claim_submission<AccountId: Encode>(provider: &AccountId, gpu: &H256, epoch: EpochIndex, now: u32) -> bool {
	let key = retry_key(provider, gpu);
	StorageValueRef::persistent(&key)
		.mutate(|last: Result<Option<(EpochIndex, u32)>, _>| match last {
			Ok(Some((tried, retry_at))) if tried == epoch && now < retry_at => Err(()),
			_ => Ok((epoch, now.saturating_add(RESUBMIT_AFTER_BLOCKS))),
		})
		.is_ok()
}

/// A source with no report (no CC-capable GPU behind it, most machines) is asked again only
/// after `SOURCE_BACKOFF_BLOCKS`.
fn back_off<AccountId: Encode>(provider: &AccountId, gpu: &H256, epoch: EpochIndex, now: u32) {
	let key = retry_key(provider, gpu);
	StorageValueRef::persistent(&key).set(&(epoch, now.saturating_add(SOURCE_BACKOFF_BLOCKS)));
}

fn attest<T: Config + CreateBare<Call<T>>>(
	url: &str,
	key: sr25519::Public,
	provider: &T::AccountId,
	gpu: H256,
	epoch: EpochIndex,
) -> Result<(), Failure> {
	let nonce = Pallet::<T>::nonce(provider, &gpu, epoch).ok_or(Failure::Submission("no nonce for this epoch yet"))?;
	let body = fetch(&format!("{url}?gpu={}&nonce={}", hex(gpu.as_bytes()), hex(&nonce))).map_err(Failure::Source)?;
	let (report, chain) = parse_source_body(&body).map_err(Failure::Submission)?;
	let submission = AttestationSubmission { provider: provider.clone(), gpu, epoch, report, chain };
	let signature = sp_io::crypto::sr25519_sign(REPORTING_KEY_TYPE, &key, &submission.signing_payload())
		.ok_or(Failure::Submission("the keystore cannot sign"))?;
	let checked = Pallet::<T>::check_cheap(&submission, &signature).and_then(|()| Pallet::<T>::verify_submission(&submission));
	if let Err(error) = checked {
		return Err(Failure::Refused(match error {
			Error::<T>::Verification(why) => format!("Verification({why:?})"),
			other => String::from(<&'static str>::from(other)),
		}))
	}
	let xt = <T as CreateBare<Call<T>>>::create_bare(Call::<T>::submit_attestation { submission, signature }.into());
	SubmitTransaction::<T, Call<T>>::submit_transaction(xt).map_err(|_| Failure::Submission("the pool refused the attestation"))
}

/// The report and chain of a source's answer: hex lines, report first.
pub fn parse_source_body(body: &[u8]) -> Result<(Report, CertificateChain), &'static str> {
	let text = core::str::from_utf8(body).map_err(|_| "the source's answer is not UTF-8")?;
	let mut lines = text.lines().map(str::trim).filter(|line| !line.is_empty());
	let report = unhex(lines.next().ok_or("the source sent no report")?)?;
	let report = Report::try_from(report).map_err(|_| "the report is too long")?;
	let mut chain = Vec::new();
	for line in lines {
		chain.push(Certificate::try_from(unhex(line)?).map_err(|_| "a certificate is too long")?);
	}
	let chain = CertificateChain::try_from(chain).map_err(|_| "the chain has too many certificates")?;
	Ok((report, chain))
}

/// The URL the node wrote (raw UTF-8, as the node writes the metrics URL).
fn source_url() -> Option<String> {
	let stored = sp_io::offchain::local_storage_get(StorageKind::PERSISTENT, SOURCE_URL_KEY)?;
	String::from_utf8(stored).ok().filter(|url| !url.is_empty())
}

fn fetch(url: &str) -> Result<Vec<u8>, &'static str> {
	let deadline = sp_io::offchain::timestamp().add(Duration::from_millis(FETCH_DEADLINE_MS));
	let pending = http::Request::get(url).deadline(deadline).send().map_err(|_| "request failed")?;
	let response = pending.try_wait(deadline).map_err(|_| "deadline passed")?.map_err(|_| "HTTP error")?;
	if response.code != 200 {
		return Err("the source's status is not 200")
	}
	let mut reader = response.body();
	reader.deadline(deadline);
	let body: Vec<u8> = reader.by_ref().take(MAX_BODY_BYTES.saturating_add(1)).collect();
	if reader.error().is_some() {
		return Err("the answer did not arrive in time")
	}
	if body.len() > MAX_BODY_BYTES {
		return Err("the answer is too large")
	}
	Ok(body)
}

pub fn hex(bytes: &[u8]) -> String {
	bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

pub fn unhex(text: &str) -> Result<Vec<u8>, &'static str> {
	let digits = text.as_bytes();
	if digits.len() % 2 != 0 {
		return Err("odd number of hex digits")
	}
	digits
		.chunks(2)
		.map(|pair| {
			let high = (pair[0] as char).to_digit(16).ok_or("not hex")?;
			let low = (pair[1] as char).to_digit(16).ok_or("not hex")?;
			Ok((high * 16 + low) as u8)
		})
		.collect()
}
