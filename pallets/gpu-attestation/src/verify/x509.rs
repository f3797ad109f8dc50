//! Strict checks of the 5-certificate NVIDIA device-identity chain (leaf first).
//!
//! What NVIDIA's Hopper certificates carry (both published sample chains), and what we require:
//!
//! | index | subject CN (NVIDIA)            | basicConstraints (critical) | keyUsage (critical)   |
//! |-------|--------------------------------|-----------------------------|-----------------------|
//! | 0     | GH100 A01 GSP FMC LF           | absent                      | digitalSignature      |
//! | 1     | GH100 A01 GSP BROM (per chip)  | cA, no pathLen              | keyCertSign           |
//! | 2     | NVIDIA GH100 Provisioner ICA 1 | cA, no pathLen              | keyCertSign, cRLSign  |
//! | 3     | NVIDIA GH100 Identity          | cA, no pathLen              | keyCertSign, cRLSign  |
//! | 4     | NVIDIA Device Identity CA      | cA, no pathLen              | keyCertSign, cRLSign  |
//!
//! * Every certificate: strict DER (decoded and re-encoded byte for byte, no trailing bytes), v3,
//!   no unique identifiers, ecdsa-with-SHA384 (parameters absent) in both signature fields,
//!   id-ecPublicKey/secp384r1 key given as a valid uncompressed point, at most `MAX_EXTENSIONS`
//!   extensions, no duplicate extension, no critical extension other than basicConstraints and
//!   keyUsage. Interpreted extensions (basicConstraints, keyUsage, key identifiers, the leaf's
//!   FWID extension) must themselves be canonical DER.
//! * `chain[i].issuer` == `chain[i+1].subject` (DER-equal, stricter than RFC 5280 name
//!   matching) and `chain[i].authorityKeyIdentifier` == `chain[i+1].subjectKeyIdentifier`
//!   (NVIDIA's certs all carry both; we require both).
//! * `chain[0]`: not a CA (no basicConstraints cA=TRUE); keyUsage with digitalSignature; carries the
//!   NVIDIA/TCG extension 2.23.133.5.4.1 = SEQUENCE { INTEGER 1, SubjectPublicKeyInfo,
//!   SEQUENCE { id-sha384, OCTET STRING (48) } } whose key is `chain[1]`'s key (true of every real
//!   leaf) and whose digest is the FWID a report may repeat.
//! * `chain[1..=4]`: basicConstraints cA=TRUE, pathLenConstraint (if any) respected, keyUsage with
//!   keyCertSign. `chain[4]` is self-issued, its key must be trusted by the caller, and its
//!   self-signature is verified again (one more ECDSA verification, so that every byte of every
//!   certificate the caller submits is authenticated; `root_public_key` checked it at
//!   registration too).
//! * Validity dates are NOT checked: the runtime has no trustworthy wall clock at this level and
//!   NVIDIA's certificates are valid until 9999-12-31 anyway. Revocation (OCSP/CRL) is also out of
//!   scope; governance removes roots, and the pallet can ban device keys.

use alloc::vec::Vec;

use der::{
	asn1::{ObjectIdentifier, OctetStringRef},
	Decode, Encode, Header, Reader, SliceReader,
};
use p384::ecdsa::{signature::Verifier, DerSignature, VerifyingKey};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoRef};
use x509_cert::{
	certificate::Version,
	ext::pkix::{AuthorityKeyIdentifier, BasicConstraints, KeyUsage, SubjectKeyIdentifier},
	Certificate,
};

use super::{VerifyError, CHAIN_LENGTH, MAX_CERT_LEN, P384_PUBLIC_KEY_LEN};

/// ecdsa-with-SHA384 (RFC 5758).
pub const ECDSA_WITH_SHA_384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3");
/// id-ecPublicKey (RFC 5480).
pub const ID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
/// secp384r1 (RFC 5480).
pub const SECP_384_R_1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
/// id-sha384 (RFC 5754).
pub const ID_SHA_384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
/// basicConstraints.
pub const ID_CE_BASIC_CONSTRAINTS: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.19");
/// keyUsage.
pub const ID_CE_KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.15");
/// subjectKeyIdentifier.
pub const ID_CE_SUBJECT_KEY_IDENTIFIER: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.14");
/// authorityKeyIdentifier.
pub const ID_CE_AUTHORITY_KEY_IDENTIFIER: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.35");
/// TCG DICE TcbInfo arc (tcg-dice-TcbInfo); NVIDIA's Hopper leaf carries its FWID here.
pub const TCG_DICE_TCB_INFO: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.23.133.5.4.1");

/// Upper bound on extensions per certificate (NVIDIA's carry 4 to 6).
pub const MAX_EXTENSIONS: usize = 16;
/// Length of the FWID digest in the leaf's TCB extension.
pub const FWID_LEN: usize = 48;

/// The parts of one certificate the chain checks need.
pub(super) struct ParsedCert<'a> {
	cert: Certificate,
	/// The exact signed bytes (the TBSCertificate TLV inside the input).
	tbs: &'a [u8],
	/// SEC1 uncompressed public key.
	public_key: [u8; P384_PUBLIC_KEY_LEN],
	verifying_key: VerifyingKey,
	basic_constraints: Option<BasicConstraints>,
	key_usage: Option<KeyUsage>,
	subject_key_id: Option<Vec<u8>>,
	authority_key_id: Option<Vec<u8>>,
	/// Raw value of the 2.23.133.5.4.1 extension, if present.
	tcb_info: Option<Vec<u8>>,
}

/// Outcome of a verified chain.
pub(super) struct VerifiedChain {
	pub leaf_key: VerifyingKey,
	pub device_public_key: [u8; P384_PUBLIC_KEY_LEN],
	pub leaf_fwid: [u8; FWID_LEN],
}

/// Parse one certificate and apply every per-certificate rule.
pub(super) fn parse_cert(der_bytes: &[u8]) -> Result<ParsedCert<'_>, VerifyError> {
	if der_bytes.len() > MAX_CERT_LEN {
		return Err(VerifyError::CertificateTooLong);
	}
	// `from_der` refuses trailing bytes and non-minimal lengths; the re-encoding comparison
	// refuses whatever else DER forbids but a lenient decoder might accept (e.g. explicitly
	// encoded DEFAULT values).
	let cert = Certificate::from_der(der_bytes).map_err(|_| VerifyError::CertificateEncoding)?;
	let reencoded = cert.to_der().map_err(|_| VerifyError::CertificateEncoding)?;
	if reencoded.as_slice() != der_bytes {
		return Err(VerifyError::CertificateEncoding);
	}
	let tbs = tbs_bytes(der_bytes).map_err(|_| VerifyError::CertificateEncoding)?;

	let tbs_cert = &cert.tbs_certificate;
	if tbs_cert.version != Version::V3
		|| tbs_cert.issuer_unique_id.is_some()
		|| tbs_cert.subject_unique_id.is_some()
	{
		return Err(VerifyError::CertificateProfile);
	}

	check_signature_algorithm(&tbs_cert.signature)?;
	check_signature_algorithm(&cert.signature_algorithm)?;

	// Key: id-ecPublicKey with namedCurve secp384r1, 97-byte uncompressed valid point.
	let spki = &tbs_cert.subject_public_key_info;
	if spki.algorithm.oid != ID_EC_PUBLIC_KEY {
		return Err(VerifyError::NotP384);
	}
	let curve = spki
		.algorithm
		.parameters
		.as_ref()
		.ok_or(VerifyError::NotP384)?
		.decode_as::<ObjectIdentifier>()
		.map_err(|_| VerifyError::NotP384)?;
	if curve != SECP_384_R_1 {
		return Err(VerifyError::NotP384);
	}
	let key_bytes = spki.subject_public_key.as_bytes().ok_or(VerifyError::PublicKeyEncoding)?;
	let (public_key, verifying_key) = sec1_key(key_bytes)?;

	// Extensions.
	let extensions = tbs_cert.extensions.as_deref().unwrap_or(&[]);
	if extensions.len() > MAX_EXTENSIONS {
		return Err(VerifyError::CertificateProfile);
	}
	let mut basic_constraints = None;
	let mut key_usage = None;
	let mut subject_key_id = None;
	let mut authority_key_id = None;
	let mut tcb_info = None;
	for (i, ext) in extensions.iter().enumerate() {
		if extensions.iter().take(i).any(|earlier| earlier.extn_id == ext.extn_id) {
			return Err(VerifyError::DuplicateExtension);
		}
		let value = ext.extn_value.as_bytes();
		let id = ext.extn_id;
		if ext.critical && id != ID_CE_BASIC_CONSTRAINTS && id != ID_CE_KEY_USAGE {
			return Err(VerifyError::UnknownCriticalExtension);
		}
		if id == ID_CE_BASIC_CONSTRAINTS {
			basic_constraints = Some(decode_canonical::<BasicConstraints>(value)?);
		} else if id == ID_CE_KEY_USAGE {
			key_usage = Some(decode_canonical::<KeyUsage>(value)?);
		} else if id == ID_CE_SUBJECT_KEY_IDENTIFIER {
			let ski = decode_canonical::<SubjectKeyIdentifier>(value)?;
			subject_key_id = Some(ski.0.as_bytes().to_vec());
		} else if id == ID_CE_AUTHORITY_KEY_IDENTIFIER {
			let aki = decode_canonical::<AuthorityKeyIdentifier>(value)?;
			let key_id = aki.key_identifier.ok_or(VerifyError::KeyIdentifierMismatch)?;
			authority_key_id = Some(key_id.as_bytes().to_vec());
		} else if id == TCG_DICE_TCB_INFO {
			tcb_info = Some(value.to_vec());
		}
		// Other non-critical extensions (subjectAltName, CRL distribution points, authority
		// information access, ...) are covered by the signature and otherwise ignored.
	}

	Ok(ParsedCert {
		cert,
		tbs,
		public_key,
		verifying_key,
		basic_constraints,
		key_usage,
		subject_key_id,
		authority_key_id,
		tcb_info,
	})
}

/// Verify the chain. Cheap structural checks and the trust-anchor lookup run before any
/// signature verification.
pub(super) fn verify_chain(
	chain: &[&[u8]],
	is_trusted_root: &dyn Fn(&[u8; P384_PUBLIC_KEY_LEN]) -> bool,
) -> Result<VerifiedChain, VerifyError> {
	if chain.len() != CHAIN_LENGTH {
		return Err(VerifyError::ChainLength);
	}
	// Length bound first for every certificate, so a huge input costs no decoding.
	if chain.iter().any(|c| c.len() > MAX_CERT_LEN) {
		return Err(VerifyError::CertificateTooLong);
	}
	let mut parsed = Vec::with_capacity(CHAIN_LENGTH);
	for der_bytes in chain {
		parsed.push(parse_cert(der_bytes)?);
	}

	// Links: names, then key identifiers.
	for pair in parsed.windows(2) {
		let [child, parent] = pair else { return Err(VerifyError::ChainLength) };
		if child.cert.tbs_certificate.issuer != parent.cert.tbs_certificate.subject {
			return Err(VerifyError::IssuerMismatch);
		}
	}
	for pair in parsed.windows(2) {
		let [child, parent] = pair else { return Err(VerifyError::ChainLength) };
		match (&child.authority_key_id, &parent.subject_key_id) {
			(Some(aki), Some(ski)) if aki == ski => {}
			_ => return Err(VerifyError::KeyIdentifierMismatch),
		}
	}

	// Roles.
	let leaf = parsed.first().ok_or(VerifyError::ChainLength)?;
	if leaf.basic_constraints.as_ref().is_some_and(|bc| bc.ca) {
		return Err(VerifyError::LeafIsCa);
	}
	if !leaf.key_usage.as_ref().is_some_and(|ku| ku.digital_signature()) {
		return Err(VerifyError::KeyUsage);
	}
	for (index, ca) in parsed.iter().enumerate().skip(1) {
		check_ca(ca, index.saturating_sub(1))?;
	}
	let root = parsed.last().ok_or(VerifyError::ChainLength)?;
	if root.cert.tbs_certificate.issuer != root.cert.tbs_certificate.subject {
		return Err(VerifyError::RootNotSelfIssued);
	}

	// The leaf's FWID extension, bound to the per-device CA key.
	let device = parsed.get(1).ok_or(VerifyError::ChainLength)?;
	let leaf_fwid = leaf_fwid(leaf, &device.public_key)?;

	// Trust anchor.
	if !is_trusted_root(&root.public_key) {
		return Err(VerifyError::UntrustedRoot);
	}

	// Signatures: the root's own, then chain[i] under chain[i+1]'s key, from the root downwards.
	verify_cert_signature(root, &root.verifying_key).map_err(|e| e.or(VerifyError::RootSelfSignature))?;
	for pair in parsed.windows(2).rev() {
		let [child, parent] = pair else { return Err(VerifyError::ChainLength) };
		verify_cert_signature(child, &parent.verifying_key).map_err(|e| e.or(VerifyError::LinkSignature))?;
	}

	Ok(VerifiedChain { leaf_key: leaf.verifying_key, device_public_key: device.public_key, leaf_fwid })
}

/// Parse and check a self-signed root certificate; return its SEC1 key.
pub(super) fn root_public_key(root_der: &[u8]) -> Result<[u8; P384_PUBLIC_KEY_LEN], VerifyError> {
	let root = parse_cert(root_der)?;
	if root.cert.tbs_certificate.issuer != root.cert.tbs_certificate.subject {
		return Err(VerifyError::RootNotSelfIssued);
	}
	// A root sits above the three CAs of a device chain.
	check_ca(&root, CHAIN_LENGTH.saturating_sub(2))?;
	if let (Some(aki), Some(ski)) = (&root.authority_key_id, &root.subject_key_id) {
		if aki != ski {
			return Err(VerifyError::KeyIdentifierMismatch);
		}
	}
	verify_cert_signature(&root, &root.verifying_key).map_err(|e| e.or(VerifyError::RootSelfSignature))?;
	Ok(root.public_key)
}

/// `cas_below`: number of (non-self-issued) CA certificates between this CA and the leaf.
fn check_ca(ca: &ParsedCert<'_>, cas_below: usize) -> Result<(), VerifyError> {
	let bc = ca.basic_constraints.as_ref().ok_or(VerifyError::NotCa)?;
	if !bc.ca {
		return Err(VerifyError::NotCa);
	}
	if let Some(path_len) = bc.path_len_constraint {
		if usize::from(path_len) < cas_below {
			return Err(VerifyError::PathLength);
		}
	}
	if !ca.key_usage.as_ref().is_some_and(|ku| ku.key_cert_sign()) {
		return Err(VerifyError::KeyUsage);
	}
	Ok(())
}

/// ecdsa-with-SHA384 with parameters absent (RFC 5758 §3.2).
fn check_signature_algorithm(alg: &AlgorithmIdentifierOwned) -> Result<(), VerifyError> {
	if alg.oid != ECDSA_WITH_SHA_384 || alg.parameters.is_some() {
		return Err(VerifyError::SignatureAlgorithm);
	}
	Ok(())
}

/// A 97-byte SEC1 uncompressed point on P-384.
pub(super) fn sec1_key(bytes: &[u8]) -> Result<([u8; P384_PUBLIC_KEY_LEN], VerifyingKey), VerifyError> {
	let key: [u8; P384_PUBLIC_KEY_LEN] = bytes.try_into().map_err(|_| VerifyError::PublicKeyEncoding)?;
	if key.first() != Some(&0x04) {
		return Err(VerifyError::PublicKeyEncoding);
	}
	let verifying_key = VerifyingKey::from_sec1_bytes(&key).map_err(|_| VerifyError::PublicKeyEncoding)?;
	Ok((key, verifying_key))
}

/// Why a certificate signature failed; the caller names the invalid case.
enum SignatureFailure {
	Encoding,
	Invalid,
}

impl SignatureFailure {
	fn or(self, invalid: VerifyError) -> VerifyError {
		match self {
			Self::Encoding => VerifyError::CertificateSignatureEncoding,
			Self::Invalid => invalid,
		}
	}
}

/// Signature of `cert` under `issuer`.
fn verify_cert_signature(cert: &ParsedCert<'_>, issuer: &VerifyingKey) -> Result<(), SignatureFailure> {
	let sig_bytes = cert.cert.signature.as_bytes().ok_or(SignatureFailure::Encoding)?;
	// Strict DER `ECDSA-Sig-Value`, r and s in [1, n); high S accepted (NVIDIA's certificates
	// carry high-S signatures).
	let signature = DerSignature::from_bytes(sig_bytes).map_err(|_| SignatureFailure::Encoding)?;
	issuer.verify(cert.tbs, &signature).map_err(|_| SignatureFailure::Invalid)
}

/// Decode an extension value and insist it is canonical DER (re-encodes to the same bytes).
fn decode_canonical<'a, T: Decode<'a> + Encode>(value: &'a [u8]) -> Result<T, VerifyError> {
	let decoded = T::from_der(value).map_err(|_| VerifyError::ExtensionEncoding)?;
	let reencoded = decoded.to_der().map_err(|_| VerifyError::ExtensionEncoding)?;
	if reencoded.as_slice() != value {
		return Err(VerifyError::ExtensionEncoding);
	}
	Ok(decoded)
}

/// The TBSCertificate TLV of a certificate that already decoded strictly.
fn tbs_bytes(cert_der: &[u8]) -> der::Result<&[u8]> {
	let mut reader = SliceReader::new(cert_der)?;
	let _outer = Header::decode(&mut reader)?;
	reader.tlv_bytes()
}

/// The leaf's 2.23.133.5.4.1 extension:
/// `SEQUENCE { INTEGER 1, SubjectPublicKeyInfo, SEQUENCE { id-sha384, OCTET STRING (48) } }`.
/// Its key must be the per-device CA key; its digest is the FWID.
fn leaf_fwid(
	leaf: &ParsedCert<'_>,
	device_key: &[u8; P384_PUBLIC_KEY_LEN],
) -> Result<[u8; FWID_LEN], VerifyError> {
	let value = leaf.tcb_info.as_deref().ok_or(VerifyError::LeafTcbInfo)?;
	let (embedded_key, fwid) = parse_tcb_info(value).map_err(|_| VerifyError::LeafTcbInfo)?;
	let fwid: [u8; FWID_LEN] = fwid.try_into().map_err(|_| VerifyError::LeafTcbInfo)?;
	if embedded_key.as_slice() != device_key.as_slice() {
		return Err(VerifyError::LeafTcbInfo);
	}
	Ok(fwid)
}

fn parse_tcb_info(value: &[u8]) -> der::Result<(Vec<u8>, &[u8])> {
	let mut reader = SliceReader::new(value)?;
	let (key, fwid) = reader.sequence(|seq| {
		let version = u8::decode(seq)?;
		if version != 1 {
			return Err(der::Tag::Integer.value_error());
		}
		let spki = SubjectPublicKeyInfoRef::decode(seq)?;
		if spki.algorithm.oid != ID_EC_PUBLIC_KEY
			|| spki.algorithm.parameters_oid().ok() != Some(SECP_384_R_1)
		{
			return Err(der::Tag::Sequence.value_error());
		}
		let key = spki.subject_public_key.as_bytes().ok_or(der::Tag::BitString.value_error())?;
		let fwid = seq.sequence(|digest| {
			let alg = ObjectIdentifier::decode(digest)?;
			if alg != ID_SHA_384 {
				return Err(der::Tag::ObjectIdentifier.value_error());
			}
			Ok(OctetStringRef::decode(digest)?.as_bytes())
		})?;
		Ok((key.to_vec(), fwid))
	})?;
	// Every TLV above was read with DER rules (minimal lengths, minimal INTEGER, nested lengths
	// consumed exactly); `finish` refuses bytes after the outer SEQUENCE.
	reader.finish((key, fwid))
}
