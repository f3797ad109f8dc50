//! `no_std` verification of NVIDIA Hopper (H100) confidential-computing attestation reports.
//!
//! A report is an SPDM 1.1 `GET_MEASUREMENTS` request (carrying the verifier's nonce) followed by
//! the GPU's signed `MEASUREMENTS` response (layout in `spdm.rs`); it is signed by the attestation key
//! certified by a 5-certificate chain ending in NVIDIA's "NVIDIA Device Identity CA" (rules in
//! `x509.rs`). [`verify_report`] checks all of it and returns the device identity (the per-chip
//! "GH100 A01 GSP BROM" CA key, `chain[1]`) with the measured state.
//!
//! Order of work: report framing and nonce, then certificate parsing and the trust anchor, then
//! the certificate signatures (root self-signature, four links) and finally the report signature,
//! after the report's FWID is matched with the leaf's. Cheap refusals come first;
//! a caller charging weight must still assume the full cost (6 ECDSA P-384 verifications: the
//! root's self-signature, the four links and the report).
//!
//! Not checked, by design: certificate validity dates (no wall clock here; NVIDIA's run to
//! 9999-12-31), revocation (OCSP/CRL), and the measurements themselves against NVIDIA's RIMs
//! (the caller compares [`VerifiedReport::measurements_digest`] with governance-set values).

mod spdm;
mod x509;

use alloc::vec::Vec;

pub use spdm::{field as opaque_field, DIGEST_LEN, NONCE_LEN, REQUEST_LEN, SIGNATURE_LEN};
pub use x509::{FWID_LEN, MAX_EXTENSIONS};

/// Number of certificates in a device chain: leaf, per-device CA, two intermediates, root.
pub const CHAIN_LENGTH: usize = 5;
/// SEC1 uncompressed P-384 public key length (`0x04 || X || Y`).
pub const P384_PUBLIC_KEY_LEN: usize = 97;
/// Bound on one DER certificate (NVIDIA's are 527 to 897 bytes).
pub const MAX_CERT_LEN: usize = 2048;
/// Bound on a report (NVIDIA's samples are 4049 and 4117 bytes).
pub const MAX_REPORT_LEN: usize = 8192;
/// Bound on each textual opaque field (driver version, project, SKUs) and the VBIOS field,
/// counted in raw bytes including NUL padding. Longer fields are refused, never truncated.
pub const MAX_VERSION_LEN: usize = 32;

/// SEC1 uncompressed P-384 public key.
pub type PublicKey = [u8; P384_PUBLIC_KEY_LEN];

/// What a successfully verified report attests.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct VerifiedReport {
	/// SEC1 uncompressed key of `chain[1]`, the per-device CA ("GH100 A01 GSP BROM"): the chip's
	/// identity (one chip, one key; the leaf attestation key changes with firmware).
	pub device_public_key: PublicKey,
	/// SHA-384 of the whole measurement record (all blocks with their headers).
	pub measurements_digest: [u8; 48],
	/// Driver version text, NUL padding removed (e.g. `550.90.07`).
	pub driver_version: Vec<u8>,
	/// VBIOS version formatted like NVIDIA's `format_vbios_version` (e.g. `96.00.9f.00.01`).
	pub vbios_version: Vec<u8>,
	/// Opaque field PROJECT (board project, e.g. `1010`), NUL padding removed.
	pub project: Vec<u8>,
	/// Opaque field PROJECT_SKU (e.g. `0200`), NUL padding removed.
	pub sku: Vec<u8>,
	/// Opaque field CHIP_SKU (e.g. `882`), NUL padding removed. With `project`, `sku` and the
	/// VBIOS version it names NVIDIA's VBIOS RIM (`NV_GPU_VBIOS_<project>_<sku>_<chip_sku>_<ver>`).
	pub chip_sku: Vec<u8>,
	/// Number of measurement blocks (64 on Hopper).
	pub measurement_count: u8,
}

/// Why a report, chain or root certificate was refused.
#[derive(
	codec::Encode,
	codec::Decode,
	codec::DecodeWithMemTracking,
	scale_info::TypeInfo,
	frame_support::PalletError,
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
)]
pub enum VerifyError {
	/// The chain does not hold exactly five certificates.
	ChainLength,
	/// A certificate exceeds the size bound.
	CertificateTooLong,
	/// A certificate is not strict DER X.509 (or has trailing bytes).
	CertificateEncoding,
	/// A certificate is not v3, carries unique identifiers or too many extensions.
	CertificateProfile,
	/// A signature algorithm is not ecdsa-with-SHA384 with absent parameters.
	SignatureAlgorithm,
	/// A certificate key is not an id-ecPublicKey on secp384r1.
	NotP384,
	/// A public key is not a valid uncompressed P-384 point.
	PublicKeyEncoding,
	/// A certificate signature is not a strict DER ECDSA signature.
	CertificateSignatureEncoding,
	/// A certificate extension is malformed or not canonical DER.
	ExtensionEncoding,
	/// A certificate repeats an extension.
	DuplicateExtension,
	/// A certificate has a critical extension we do not process.
	UnknownCriticalExtension,
	/// A certificate's issuer is not the next certificate's subject.
	IssuerMismatch,
	/// An authority key identifier does not match the issuer's subject key identifier.
	KeyIdentifierMismatch,
	/// An issuing certificate is not a CA (basicConstraints cA missing or false).
	NotCa,
	/// The leaf certificate claims to be a CA.
	LeafIsCa,
	/// A pathLenConstraint is exceeded.
	PathLength,
	/// A required keyUsage bit (digitalSignature / keyCertSign) is missing.
	KeyUsage,
	/// The last certificate is not self-issued.
	RootNotSelfIssued,
	/// The leaf lacks a well-formed FWID extension bound to the device key.
	LeafTcbInfo,
	/// The root key is not a trusted root.
	UntrustedRoot,
	/// A certificate is not signed by the next certificate's key.
	LinkSignature,
	/// A root certificate's self-signature does not verify.
	RootSelfSignature,
	/// The report exceeds the size bound.
	ReportTooLong,
	/// The report ends before a field it announces.
	ReportTruncated,
	/// The request is not SPDM 1.1 GET_MEASUREMENTS (signed, all blocks, slot 0).
	RequestHeader,
	/// The request nonce is not the expected nonce.
	NonceMismatch,
	/// The response is not an SPDM 1.1 MEASUREMENTS response for slot 0.
	ResponseHeader,
	/// The measurement record is not 1..=255 sequential SHA-384 DMTF blocks.
	MeasurementRecord,
	/// Opaque data is malformed (TLV framing or field content).
	OpaqueData,
	/// Opaque data has a field type NVIDIA does not define.
	UnknownOpaqueField,
	/// Opaque data repeats a field type.
	DuplicateOpaqueField,
	/// A required opaque field (driver, VBIOS, project, SKUs) is missing.
	MissingOpaqueField,
	/// A version/project/SKU field exceeds the length bound.
	FieldTooLong,
	/// A version/project/SKU/FWID field has invalid content.
	FieldEncoding,
	/// The report's FWID differs from the leaf certificate's.
	FwidMismatch,
	/// The report signature is not a valid P-384 (r, s) pair.
	ReportSignatureEncoding,
	/// The report signature does not verify under the leaf key.
	ReportSignature,
	/// Bytes follow the report signature.
	TrailingBytes,
}

/// Verify a report and its certificate chain.
///
/// * `report`: SPDM request || response, as returned by NVML (`nvmlDeviceGetConfComputeGpuAttestationReport`).
/// * `chain`: DER certificates, leaf first, exactly [`CHAIN_LENGTH`].
/// * `is_trusted_root`: whether the SEC1 key of `chain[4]` belongs to a registered root.
/// * `expected_nonce`: the nonce the verifier issued; must equal the request nonce.
pub fn verify_report(
	report: &[u8],
	chain: &[&[u8]],
	is_trusted_root: impl Fn(&PublicKey) -> bool,
	expected_nonce: &[u8; 32],
) -> Result<VerifiedReport, VerifyError> {
	if chain.len() != CHAIN_LENGTH {
		return Err(VerifyError::ChainLength);
	}
	let parsed = spdm::parse(report)?;
	if parsed.request_nonce != expected_nonce.as_slice() {
		return Err(VerifyError::NonceMismatch);
	}

	let verified_chain = x509::verify_chain(chain, &is_trusted_root)?;

	// NVIDIA (`verify_gpu_certificate_chain`): when the report carries an FWID it must equal the
	// FWID in the attestation certificate.
	if let Some(fwid) = parsed.fwid {
		if fwid != verified_chain.leaf_fwid.as_slice() {
			return Err(VerifyError::FwidMismatch);
		}
	}

	spdm::verify_signature(&parsed, &verified_chain.leaf_key)?;

	Ok(VerifiedReport {
		device_public_key: verified_chain.device_public_key,
		measurements_digest: spdm::measurements_digest(parsed.measurement_record),
		driver_version: parsed.driver_version.to_vec(),
		vbios_version: parsed.vbios_version,
		project: parsed.project.to_vec(),
		sku: parsed.project_sku.to_vec(),
		chip_sku: parsed.chip_sku.to_vec(),
		measurement_count: parsed.measurement_count,
	})
}

/// For governance adding a root: parse a DER self-signed root certificate, check it is a P-384 CA
/// (same per-certificate rules as the chain, self-issued, cA, keyCertSign) whose self-signature
/// verifies, and return its SEC1 key.
pub fn root_public_key(root_der: &[u8]) -> Result<PublicKey, VerifyError> {
	x509::root_public_key(root_der)
}

/// Parse PEM text holding one or more `CERTIFICATE` blocks (e.g. NVIDIA's `*CertChain.txt`) into
/// DER certificates, in file order.
#[cfg(feature = "std")]
pub fn parse_pem_chain(text: &str) -> Result<Vec<Vec<u8>>, alloc::string::String> {
	use alloc::{format, string::ToString};
	const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
	const END: &str = "-----END CERTIFICATE-----";
	let mut out = Vec::new();
	let mut rest = text;
	while let Some(start) = rest.find(BEGIN) {
		let after = rest.get(start..).ok_or("bad PEM offset")?;
		let end = after.find(END).ok_or("unterminated PEM block")?;
		let block_end = end.saturating_add(END.len());
		let block = after.get(..block_end).ok_or("bad PEM offset")?;
		let (label, der_bytes) = der::pem::decode_vec(block.as_bytes()).map_err(|e| format!("PEM: {e}"))?;
		if label != "CERTIFICATE" {
			return Err(format!("unexpected PEM label {label}"));
		}
		out.push(der_bytes);
		rest = after.get(block_end..).ok_or("bad PEM offset")?;
	}
	if rest.trim().is_empty() {
		Ok(out)
	} else {
		Err("text after the last certificate".to_string())
	}
}

/// Parse a hex text report (e.g. NVIDIA's `*AttestationReport.txt`; surrounding whitespace is
/// ignored) into bytes.
#[cfg(feature = "std")]
pub fn parse_hex_report(text: &str) -> Result<Vec<u8>, alloc::string::String> {
	let text = text.trim();
	if !text.len().is_multiple_of(2) {
		return Err("odd number of hex digits".into());
	}
	let digit = |c: u8| {
		(c as char)
			.to_digit(16)
			.and_then(|d| u8::try_from(d).ok())
			.ok_or_else(|| alloc::format!("not a hex digit: {:?}", c as char))
	};
	text.as_bytes()
		.chunks_exact(2)
		.map(|pair| match pair {
			[hi, lo] => Ok((digit(*hi)? << 4) | digit(*lo)?),
			_ => Err("odd number of hex digits".into()),
		})
		.collect()
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::synthetic::{SyntheticCa, SyntheticDevice};
	use alloc::{vec, vec::Vec};

	const NONCE: [u8; 32] = [7u8; 32];
	const DRIVER: &[u8] = b"550.90.07";
	const VBIOS: &[u8] = b"96.00.9f.00.01";

	struct Fixture {
		ca: SyntheticCa,
		device: SyntheticDevice,
		chain: Vec<Vec<u8>>,
		report: Vec<u8>,
	}

	fn fixture() -> Fixture {
		let ca = SyntheticCa::from_seed([1u8; 32]);
		let device = ca.device([2u8; 32]);
		let chain = device.chain_der();
		let report = device.report(&NONCE, DRIVER, VBIOS);
		Fixture { ca, device, chain, report }
	}

	fn refs(chain: &[Vec<u8>]) -> Vec<&[u8]> {
		chain.iter().map(|c| c.as_slice()).collect()
	}

	fn verify_with(f: &Fixture, report: &[u8], chain: &[Vec<u8>]) -> Result<VerifiedReport, VerifyError> {
		let root = f.ca.root_public_key();
		verify_report(report, &refs(chain), |k| *k == root, &NONCE)
	}

	#[test]
	fn accepts_synthetic_report() {
		let f = fixture();
		let v = verify_with(&f, &f.report, &f.chain).expect("synthetic report verifies");
		assert_eq!(v.device_public_key, f.device.public_key());
		assert_eq!(v.driver_version, DRIVER);
		assert_eq!(v.vbios_version, VBIOS);
		assert_eq!(v.project, b"1010");
		assert_eq!(v.sku, b"0200");
		assert_eq!(v.chip_sku, b"882");
		assert_eq!(v.measurement_count, 64);
		assert_eq!(v.measurements_digest, crate::synthetic::measurements_digest(DRIVER, VBIOS));
		assert_eq!(f.report.len(), 4117, "same size as NVIDIA's hopper sample");
	}

	#[test]
	fn root_certificate_registers() {
		let f = fixture();
		assert_eq!(root_public_key(&f.ca.root_certificate_der()), Ok(f.ca.root_public_key()));
		assert_eq!(f.chain[4], f.ca.root_certificate_der());
		// Non-root certificates are refused as roots.
		assert_eq!(root_public_key(&f.chain[3]), Err(VerifyError::RootNotSelfIssued));
		assert_eq!(root_public_key(&f.chain[0]), Err(VerifyError::RootNotSelfIssued));
	}

	#[test]
	fn root_with_bad_self_signature_is_refused() {
		let f = fixture();
		let mut root = f.ca.root_certificate_der();
		// Flip a bit inside notBefore (still a valid UTCTime digit: '1' <-> '0').
		let pos = find(&root, b"211105000000Z").expect("notBefore present") + 1;
		root[pos] ^= 0x01;
		assert_eq!(root_public_key(&root), Err(VerifyError::RootSelfSignature));
		root[pos] ^= 0x01;
		root.push(0);
		assert_eq!(root_public_key(&root), Err(VerifyError::CertificateEncoding));
	}

	#[test]
	fn wrong_nonce_is_refused() {
		let f = fixture();
		let root = f.ca.root_public_key();
		let r = verify_report(&f.report, &refs(&f.chain), |k| *k == root, &[8u8; 32]);
		assert_eq!(r, Err(VerifyError::NonceMismatch));
	}

	#[test]
	fn untrusted_root_is_refused() {
		let f = fixture();
		let other = SyntheticCa::from_seed([9u8; 32]).root_public_key();
		let r = verify_report(&f.report, &refs(&f.chain), |k| *k == other, &NONCE);
		assert_eq!(r, Err(VerifyError::UntrustedRoot));
		// A whole chain from another CA, trusted root unchanged.
		let other_dev = SyntheticCa::from_seed([9u8; 32]).device([2u8; 32]);
		let r = verify_with(&f, &other_dev.report(&NONCE, DRIVER, VBIOS), &other_dev.chain_der());
		assert_eq!(r, Err(VerifyError::UntrustedRoot));
	}

	#[test]
	fn chain_lengths_other_than_five_are_refused() {
		let f = fixture();
		let four: Vec<Vec<u8>> = f.chain[..4].to_vec();
		assert_eq!(verify_with(&f, &f.report, &four), Err(VerifyError::ChainLength));
		let mut six = f.chain.clone();
		six.push(f.chain[4].clone());
		assert_eq!(verify_with(&f, &f.report, &six), Err(VerifyError::ChainLength));
		assert_eq!(verify_with(&f, &f.report, &[]), Err(VerifyError::ChainLength));
	}

	#[test]
	fn wrong_order_is_refused() {
		let f = fixture();
		let mut reversed = f.chain.clone();
		reversed.reverse();
		assert_eq!(verify_with(&f, &f.report, &reversed), Err(VerifyError::IssuerMismatch));
		let mut swapped = f.chain.clone();
		swapped.swap(2, 3);
		assert_eq!(verify_with(&f, &f.report, &swapped), Err(VerifyError::IssuerMismatch));
		// Root duplicated in place of an intermediate.
		let mut dup = f.chain.clone();
		dup[3] = dup[4].clone();
		assert_eq!(verify_with(&f, &f.report, &dup), Err(VerifyError::IssuerMismatch));
	}

	#[test]
	fn mixed_devices_are_refused() {
		let f = fixture();
		let other = f.ca.device([3u8; 32]);
		// Another device's leaf under this device's CA.
		let mut mixed = f.chain.clone();
		mixed[0] = other.chain_der()[0].clone();
		assert_eq!(verify_with(&f, &f.report, &mixed), Err(VerifyError::IssuerMismatch));
		// Another device's report under this chain: signature fails (FWIDs differ first).
		let other_report = other.report(&NONCE, DRIVER, VBIOS);
		assert_eq!(verify_with(&f, &other_report, &f.chain), Err(VerifyError::FwidMismatch));
		// Same, with the FWID field removed from the other device's report: signature check.
		let stripped = other.report_without_fwid(&NONCE, DRIVER, VBIOS);
		assert_eq!(verify_with(&f, &stripped, &f.chain), Err(VerifyError::ReportSignature));
		assert!(verify_with(&f, &f.device.report_without_fwid(&NONCE, DRIVER, VBIOS), &f.chain).is_ok());
		// Both devices share the intermediates but not the device key.
		assert_eq!(other.chain_der()[2..], f.chain[2..]);
		assert_ne!(other.public_key(), f.device.public_key());
	}

	#[test]
	fn tampered_certificate_signed_content_is_refused() {
		let f = fixture();
		for index in 0..4 {
			let mut chain = f.chain.clone();
			// notBefore digit of certificate `index`.
			let pos = find(&chain[index], b"0000Z").expect("time present");
			chain[index][pos] ^= 0x01;
			assert_eq!(
				verify_with(&f, &f.report, &chain),
				Err(VerifyError::LinkSignature),
				"certificate {index}"
			);
		}
		// The root's content is authenticated by its self-signature.
		let mut chain = f.chain.clone();
		let pos = find(&chain[4], b"0000Z").expect("time present");
		chain[4][pos] ^= 0x01;
		assert_eq!(verify_with(&f, &f.report, &chain), Err(VerifyError::RootSelfSignature));
	}

	#[test]
	fn certificate_framing_is_strict() {
		let f = fixture();
		let mut chain = f.chain.clone();
		chain[2].push(0);
		assert_eq!(verify_with(&f, &f.report, &chain), Err(VerifyError::CertificateEncoding));
		let mut chain = f.chain.clone();
		chain[1] = vec![0x30; MAX_CERT_LEN + 1];
		assert_eq!(verify_with(&f, &f.report, &chain), Err(VerifyError::CertificateTooLong));
		let mut chain = f.chain.clone();
		chain[0].truncate(100);
		assert_eq!(verify_with(&f, &f.report, &chain), Err(VerifyError::CertificateEncoding));
	}

	#[test]
	fn report_tampering_is_refused() {
		let f = fixture();
		let len = f.report.len();
		// Sampled single-bit flips across the whole report: never accepted.
		for pos in (0..len).step_by(37).chain([0, 36, 37, len - 97, len - 96, len - 1]) {
			let mut r = f.report.clone();
			r[pos] ^= 0x01;
			assert!(verify_with(&f, &r, &f.chain).is_err(), "flip at {pos} accepted");
		}
		let flip = |pos: usize| {
			let mut r = f.report.clone();
			r[pos] ^= 0x01;
			verify_with(&f, &r, &f.chain)
		};
		assert_eq!(flip(0), Err(VerifyError::RequestHeader));
		assert_eq!(flip(4), Err(VerifyError::NonceMismatch));
		assert_eq!(flip(36), Err(VerifyError::RequestHeader));
		assert_eq!(flip(37), Err(VerifyError::ResponseHeader));
		assert_eq!(flip(REQUEST_LEN + 4), Err(VerifyError::MeasurementRecord)); // block count
		assert_eq!(flip(REQUEST_LEN + 8), Err(VerifyError::MeasurementRecord)); // block 1 index
		assert_eq!(flip(REQUEST_LEN + 8 + 7), Err(VerifyError::ReportSignature)); // a digest byte
		assert_eq!(flip(len - 1), Err(VerifyError::ReportSignature));
		assert_eq!(flip(len - 96), Err(VerifyError::ReportSignature));
	}

	#[test]
	fn trailing_and_truncated_reports_are_refused() {
		let f = fixture();
		let mut r = f.report.clone();
		r.push(0);
		assert_eq!(verify_with(&f, &r, &f.chain), Err(VerifyError::TrailingBytes));
		let r = &f.report[..f.report.len() - 1];
		assert_eq!(verify_with(&f, r, &f.chain), Err(VerifyError::ReportTruncated));
		assert_eq!(verify_with(&f, &f.report[..10], &f.chain), Err(VerifyError::ReportTruncated));
		assert_eq!(verify_with(&f, &[], &f.chain), Err(VerifyError::ReportTruncated));
		let long = vec![0u8; MAX_REPORT_LEN + 1];
		assert_eq!(verify_with(&f, &long, &f.chain), Err(VerifyError::ReportTooLong));
	}

	#[test]
	fn zero_signature_is_refused() {
		let f = fixture();
		let mut r = f.report.clone();
		let len = r.len();
		r[len - 96..].fill(0);
		assert_eq!(verify_with(&f, &r, &f.chain), Err(VerifyError::ReportSignatureEncoding));
	}

	/// Build a report whose opaque data is replaced, re-signed by the device so that only the
	/// opaque-data rules can refuse it.
	fn with_opaque(f: &Fixture, opaque: &[u8]) -> Vec<u8> {
		let body = f.device.unsigned_report_with_opaque(&NONCE, DRIVER, VBIOS, opaque);
		f.device.sign_report(&body)
	}

	fn tlv(id: u16, value: &[u8]) -> Vec<u8> {
		let mut v = Vec::new();
		v.extend_from_slice(&id.to_le_bytes());
		v.extend_from_slice(&(value.len() as u16).to_le_bytes());
		v.extend_from_slice(value);
		v
	}

	fn base_fields() -> Vec<u8> {
		let mut o = Vec::new();
		o.extend(tlv(opaque_field::VBIOS_VERSION, &[0x00, 0x9f, 0x00, 0x96, 0x01, 0, 0, 0]));
		o.extend(tlv(opaque_field::CHIP_SKU, b"882\0"));
		o.extend(tlv(opaque_field::PROJECT, b"1010\0"));
		o.extend(tlv(opaque_field::PROJECT_SKU, b"0200\0"));
		o
	}

	#[test]
	fn opaque_data_rules() {
		let f = fixture();
		let check = |opaque: Vec<u8>| verify_with(&f, &with_opaque(&f, &opaque), &f.chain);

		let mut ok = base_fields();
		ok.extend(tlv(opaque_field::DRIVER_VERSION, b"550.90.07\0"));
		assert!(check(ok.clone()).is_ok());

		let mut dup = ok.clone();
		dup.extend(tlv(opaque_field::DRIVER_VERSION, b"550.90.07\0"));
		assert_eq!(check(dup), Err(VerifyError::DuplicateOpaqueField));

		let mut unknown = ok.clone();
		unknown.extend(tlv(26, b""));
		assert_eq!(check(unknown), Err(VerifyError::UnknownOpaqueField));
		let mut invalid = ok.clone();
		invalid.extend(tlv(255, b""));
		assert_eq!(check(invalid), Err(VerifyError::UnknownOpaqueField));

		assert_eq!(check(base_fields()), Err(VerifyError::MissingOpaqueField));

		let mut long = base_fields();
		long.extend(tlv(opaque_field::DRIVER_VERSION, &[b'9'; MAX_VERSION_LEN + 1]));
		assert_eq!(check(long), Err(VerifyError::FieldTooLong));
		let mut at_bound = base_fields();
		at_bound.extend(tlv(opaque_field::DRIVER_VERSION, &[b'9'; MAX_VERSION_LEN]));
		assert_eq!(check(at_bound).map(|v| v.driver_version.len()), Ok(MAX_VERSION_LEN));

		for bad in [&b"\0"[..], b"", b"55\x0090", b"55\x01", b"\xff"] {
			let mut o = base_fields();
			o.extend(tlv(opaque_field::DRIVER_VERSION, bad));
			assert_eq!(check(o), Err(VerifyError::FieldEncoding), "{bad:?}");
		}

		// Every known field type once: accepted (30 fields is the most a report can carry).
		let mut all = ok.clone();
		for id in (1u16..=25).chain(32..=36) {
			if ![3, 6, 15, 17, 18, 20].contains(&id) {
				let value: &[u8] = match id {
					opaque_field::FEATURE_FLAG | opaque_field::OPAQUE_DATA_VERSION => &[1],
					_ => b"",
				};
				all.extend(tlv(id, value));
			}
		}
		assert!(check(all).is_ok());

		let mut cut = ok.clone();
		cut.extend([0x09, 0x00, 0x05]);
		assert_eq!(check(cut), Err(VerifyError::OpaqueData));

		let mut msrscnt = ok.clone();
		msrscnt.extend(tlv(opaque_field::MSRSCNT, &[0, 0, 0]));
		assert_eq!(check(msrscnt), Err(VerifyError::OpaqueData));

		let mut flag = ok.clone();
		flag.extend(tlv(opaque_field::FEATURE_FLAG, &[3]));
		assert_eq!(check(flag), Err(VerifyError::OpaqueData));

		let mut vbios = ok.clone();
		vbios[4 + 5] = 1; // VBIOS byte b5 must be zero.
		assert_eq!(check(vbios), Err(VerifyError::FieldEncoding));

		let mut fwid = ok.clone();
		fwid.extend(tlv(opaque_field::FWID, &[0u8; 47]));
		assert_eq!(check(fwid), Err(VerifyError::FieldEncoding));
		let mut fwid = ok;
		fwid.extend(tlv(opaque_field::FWID, &[0u8; 48]));
		assert_eq!(check(fwid), Err(VerifyError::FwidMismatch));
	}

	#[test]
	fn deterministic() {
		let a = fixture();
		let b = fixture();
		assert_eq!(a.chain, b.chain);
		assert_eq!(a.report, b.report);
	}

	fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
		haystack.windows(needle.len()).position(|w| w == needle)
	}
}
