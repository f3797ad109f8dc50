//! Synthetic NVIDIA-Hopper-shaped attestation material, signed by a test CA, for tests and
//! runtime benchmarks (`no_std` + `alloc`, deterministic: keys from seeds, RFC 6979 signatures).
//!
//! The shapes follow NVIDIA's real GH100 chains and reports field for field (names in the same
//! RDN order and string types, the same extensions in the same order and criticality, the same
//! opaque fields in the same order and sizes), so [`crate::verify::verify_report`] runs the very
//! same code path as for a real GPU. Organisation names say "Synthetic" so that nothing here can
//! be mistaken for NVIDIA material; the root is a test CA that only a test or benchmark trusts.
//!
//! The intermediates ("Identity" and "Provisioner ICA 1") belong to the CA and are shared by all
//! its devices, as with NVIDIA; each device gets its own per-device CA ("BROM") and leaf.

use alloc::{format, string::String, vec, vec::Vec};

use der::{
	asn1::{Any, BitString, GeneralizedTime, Ia5String, ObjectIdentifier, OctetString, SetOfVec, UtcTime},
	DateTime, Encode, Header, Length, Tag,
};
use p384::ecdsa::{signature::Signer, Signature, SigningKey, VerifyingKey};
use sha2::{Digest, Sha384};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::{
	attr::AttributeTypeAndValue,
	certificate::{Certificate, TbsCertificate, Version},
	ext::{
		pkix::{
			crl::dp::DistributionPoint,
			name::{DistributionPointName, GeneralName, OtherName},
			AccessDescription, AuthorityInfoAccessSyntax, AuthorityKeyIdentifier, BasicConstraints,
			CrlDistributionPoints, KeyUsage, KeyUsages, SubjectAltName, SubjectKeyIdentifier,
		},
		Extension,
	},
	name::{Name, RdnSequence, RelativeDistinguishedName},
	serial_number::SerialNumber,
	time::{Time, Validity},
};

use crate::verify::{opaque_field as field, PublicKey, FWID_LEN, NONCE_LEN};

const DOMAIN: &[u8] = b"pallet-gpu-attestation/synthetic/v1";

const ID_AT_COMMON_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
const ID_AT_COUNTRY_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.6");
const ID_AT_ORGANIZATION_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.10");
const ID_AT_SERIAL_NUMBER: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.5");
const ID_CE_BASIC_CONSTRAINTS: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.19");
const ID_CE_KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.15");
const ID_CE_SUBJECT_KEY_IDENTIFIER: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.14");
const ID_CE_AUTHORITY_KEY_IDENTIFIER: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.35");
const ID_CE_SUBJECT_ALT_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.17");
const ID_CE_CRL_DISTRIBUTION_POINTS: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.31");
const ID_PE_AUTHORITY_INFO_ACCESS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.1.1");
const ID_AD_OCSP: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1");
const ECDSA_WITH_SHA_384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3");
const ID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const SECP_384_R_1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const ID_SHA_384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
const TCG_DICE_TCB_INFO: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.23.133.5.4.1");
/// NVIDIA's otherName type in the leaf's subjectAltName (1.3.6.1.4.1.412.274.1).
const NVIDIA_DEVICE_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.412.274.1");

const ORGANIZATION: &str = "Synthetic Corporation";

/// Number of measurement blocks in a synthetic report (as on Hopper).
pub const MEASUREMENT_BLOCKS: u8 = 64;

/// Encoding of DER values built here from fixed, in-bounds inputs cannot fail.
fn der_ok<T>(result: der::Result<T>) -> T {
	result.expect("synthetic DER built from fixed, in-bounds inputs always encodes")
}

fn sha384(parts: &[&[u8]]) -> [u8; 48] {
	let mut h = Sha384::new();
	h.update(DOMAIN);
	for part in parts {
		h.update((part.len() as u64).to_le_bytes());
		h.update(part);
	}
	h.finalize().into()
}

/// Deterministic P-384 key: SHA-384 of (domain, label, seed, counter) read as a scalar, retried
/// with the next counter in the (≈2^-190 likely) case it is zero or not below the group order.
fn derive_key(seed: &[u8; 32], label: &[u8]) -> SigningKey {
	let mut counter: u32 = 0;
	loop {
		let candidate = sha384(&[label, seed, &counter.to_le_bytes()]);
		if let Ok(key) = SigningKey::from_bytes(&candidate.into()) {
			return key;
		}
		counter = counter.wrapping_add(1);
	}
}

fn sec1(key: &VerifyingKey) -> PublicKey {
	let point = key.to_encoded_point(false);
	let mut out = [0u8; 97];
	out.copy_from_slice(point.as_bytes());
	out
}

/// Key identifier: the first 20 bytes of SHA-384 of the SEC1 key.
fn key_id(key: &VerifyingKey) -> Vec<u8> {
	let digest: [u8; 48] = Sha384::digest(sec1(key)).into();
	digest.get(..20).map(<[u8]>::to_vec).unwrap_or_default()
}

/// Positive serial number of `len` bytes derived from `material`, top bit clear, first byte
/// non-zero (so the DER INTEGER has exactly `len` bytes, like NVIDIA's).
fn serial(material: &[u8], len: usize) -> Vec<u8> {
	let digest = sha384(&[b"serial", material]);
	let mut s: Vec<u8> = digest.iter().copied().take(len).collect();
	if let Some(first) = s.first_mut() {
		*first = (*first & 0x7F) | 0x40;
	}
	s
}

fn hex_upper(bytes: &[u8]) -> String {
	bytes.iter().map(|b| format!("{b:02X}")).collect()
}

#[derive(Clone, Copy)]
enum Str {
	Utf8,
	Printable,
}

fn name(parts: &[(ObjectIdentifier, Str, &str)]) -> Name {
	RdnSequence(
		parts
			.iter()
			.map(|(oid, kind, value)| {
				let tag = match kind {
					Str::Utf8 => Tag::Utf8String,
					Str::Printable => Tag::PrintableString,
				};
				let atv = AttributeTypeAndValue { oid: *oid, value: der_ok(Any::new(tag, value.as_bytes())) };
				RelativeDistinguishedName(der_ok(SetOfVec::try_from(vec![atv])))
			})
			.collect(),
	)
}

fn extension(id: ObjectIdentifier, critical: bool, value: Vec<u8>) -> Extension {
	Extension { extn_id: id, critical, extn_value: der_ok(OctetString::new(value)) }
}

fn ca_extensions(subject: &VerifyingKey, issuer: &VerifyingKey, key_usage: KeyUsage) -> Vec<Extension> {
	vec![
		extension(
			ID_CE_BASIC_CONSTRAINTS,
			true,
			der_ok(BasicConstraints { ca: true, path_len_constraint: None }.to_der()),
		),
		extension(ID_CE_KEY_USAGE, true, der_ok(key_usage.to_der())),
		ski(subject),
		aki(issuer),
	]
}

fn ski(key: &VerifyingKey) -> Extension {
	let value = SubjectKeyIdentifier(der_ok(OctetString::new(key_id(key))));
	extension(ID_CE_SUBJECT_KEY_IDENTIFIER, false, der_ok(value.to_der()))
}

fn aki(issuer: &VerifyingKey) -> Extension {
	let value = AuthorityKeyIdentifier {
		key_identifier: Some(der_ok(OctetString::new(key_id(issuer)))),
		authority_cert_issuer: None,
		authority_cert_serial_number: None,
	};
	extension(ID_CE_AUTHORITY_KEY_IDENTIFIER, false, der_ok(value.to_der()))
}

fn uri(text: &str) -> GeneralName {
	GeneralName::UniformResourceIdentifier(der_ok(Ia5String::new(text)))
}

/// CRL distribution point and OCSP access, as on NVIDIA's intermediates (non-critical, unused by
/// the verifier).
fn revocation_pointers(crl: &str) -> [Extension; 2] {
	let dp = CrlDistributionPoints(vec![DistributionPoint {
		distribution_point: Some(DistributionPointName::FullName(vec![uri(crl)])),
		reasons: None,
		crl_issuer: None,
	}]);
	let aia = AuthorityInfoAccessSyntax(vec![AccessDescription {
		access_method: ID_AD_OCSP,
		access_location: uri("http://ocsp.synthetic.invalid"),
	}]);
	[
		extension(ID_CE_CRL_DISTRIBUTION_POINTS, false, der_ok(dp.to_der())),
		extension(ID_PE_AUTHORITY_INFO_ACCESS, false, der_ok(aia.to_der())),
	]
}

fn key_usage(usages: &[KeyUsages]) -> KeyUsage {
	KeyUsage(usages.iter().fold(Default::default(), |set, u| set | *u))
}

fn spki(key: &VerifyingKey) -> SubjectPublicKeyInfoOwned {
	SubjectPublicKeyInfoOwned {
		algorithm: AlgorithmIdentifierOwned {
			oid: ID_EC_PUBLIC_KEY,
			parameters: Some(Any::from(SECP_384_R_1)),
		},
		subject_public_key: der_ok(BitString::from_bytes(&sec1(key))),
	}
}

fn sequence(parts: &[&[u8]]) -> Vec<u8> {
	let len: usize = parts.iter().map(|p| p.len()).sum();
	let mut out = der_ok(der_ok(Header::new(Tag::Sequence, der_ok(Length::try_from(len)))).to_der());
	for part in parts {
		out.extend_from_slice(part);
	}
	out
}

/// NVIDIA's leaf extension 2.23.133.5.4.1:
/// `SEQUENCE { INTEGER 1, SubjectPublicKeyInfo (device CA key), SEQUENCE { id-sha384, OCTET STRING fwid } }`.
fn tcb_info(device_key: &VerifyingKey, fwid: &[u8; FWID_LEN]) -> Vec<u8> {
	let version = der_ok(1u8.to_der());
	let key = der_ok(spki(device_key).to_der());
	let digest =
		sequence(&[&der_ok(ID_SHA_384.to_der()), &der_ok(der_ok(OctetString::new(&fwid[..])).to_der())]);
	sequence(&[&version, &key, &digest])
}

struct CertSpec<'a> {
	serial: &'a [u8],
	issuer: Name,
	subject: Name,
	not_before: (u16, u8, u8),
	subject_key: &'a VerifyingKey,
	extensions: Vec<Extension>,
}

fn issue(spec: CertSpec<'_>, issuer_key: &SigningKey) -> Vec<u8> {
	let (y, m, d) = spec.not_before;
	let not_before = Time::UtcTime(der_ok(UtcTime::from_date_time(der_ok(DateTime::new(y, m, d, 0, 0, 0)))));
	let not_after =
		Time::GeneralTime(GeneralizedTime::from_date_time(der_ok(DateTime::new(9999, 12, 31, 23, 59, 59))));
	let algorithm = AlgorithmIdentifierOwned { oid: ECDSA_WITH_SHA_384, parameters: None };
	let tbs = TbsCertificate {
		version: Version::V3,
		serial_number: der_ok(SerialNumber::new(spec.serial)),
		signature: algorithm.clone(),
		issuer: spec.issuer,
		validity: Validity { not_before, not_after },
		subject: spec.subject,
		subject_public_key_info: spki(spec.subject_key),
		issuer_unique_id: None,
		subject_unique_id: None,
		extensions: Some(spec.extensions),
	};
	let signature: Signature = issuer_key.sign(&der_ok(tbs.to_der()));
	let cert = Certificate {
		tbs_certificate: tbs,
		signature_algorithm: algorithm,
		signature: der_ok(BitString::from_bytes(signature.to_der().as_bytes())),
	};
	der_ok(cert.to_der())
}

/// A test certificate authority: root ("Synthetic Device Identity CA") and the two shared
/// intermediates.
pub struct SyntheticCa {
	root_key: SigningKey,
	provisioner_key: SigningKey,
	root_der: Vec<u8>,
	identity_der: Vec<u8>,
	provisioner_der: Vec<u8>,
	root_name: Name,
	provisioner_name: Name,
}

impl SyntheticCa {
	/// Deterministic CA from a seed.
	pub fn from_seed(seed: [u8; 32]) -> Self {
		let root_key = derive_key(&seed, b"root");
		let identity_key = derive_key(&seed, b"identity");
		let provisioner_key = derive_key(&seed, b"provisioner");
		let (root_vk, identity_vk, provisioner_vk) =
			(*root_key.verifying_key(), *identity_key.verifying_key(), *provisioner_key.verifying_key());

		let root_name = name(&[
			(ID_AT_COMMON_NAME, Str::Utf8, "Synthetic Device Identity CA"),
			(ID_AT_ORGANIZATION_NAME, Str::Utf8, "Synthetic"),
		]);
		let identity_name = name(&[
			(ID_AT_COMMON_NAME, Str::Utf8, "Synthetic GH100 Identity"),
			(ID_AT_ORGANIZATION_NAME, Str::Utf8, ORGANIZATION),
		]);
		let provisioner_name = name(&[
			(ID_AT_COMMON_NAME, Str::Utf8, "Synthetic GH100 Provisioner ICA 1"),
			(ID_AT_ORGANIZATION_NAME, Str::Utf8, ORGANIZATION),
			(ID_AT_COUNTRY_NAME, Str::Printable, "US"),
		]);
		let ca_usage = key_usage(&[KeyUsages::KeyCertSign, KeyUsages::CRLSign]);

		let root_der = issue(
			CertSpec {
				serial: &serial(&sec1(&root_vk), 16),
				issuer: root_name.clone(),
				subject: root_name.clone(),
				not_before: (2021, 11, 5),
				subject_key: &root_vk,
				extensions: ca_extensions(&root_vk, &root_vk, ca_usage),
			},
			&root_key,
		);
		let mut identity_ext = ca_extensions(&identity_vk, &root_vk, ca_usage);
		splice_revocation(&mut identity_ext, "http://crl.synthetic.invalid/crl/l1-root.crl");
		let identity_der = issue(
			CertSpec {
				serial: &serial(&sec1(&identity_vk), 16),
				issuer: root_name.clone(),
				subject: identity_name.clone(),
				not_before: (2022, 1, 12),
				subject_key: &identity_vk,
				extensions: identity_ext,
			},
			&root_key,
		);
		let mut provisioner_ext = ca_extensions(&provisioner_vk, &identity_vk, ca_usage);
		splice_revocation(&mut provisioner_ext, "http://crl.synthetic.invalid/crl/l2-gh100.crl");
		let provisioner_der = issue(
			CertSpec {
				serial: &serial(&sec1(&provisioner_vk), 16),
				issuer: identity_name,
				subject: provisioner_name.clone(),
				not_before: (2022, 3, 1),
				subject_key: &provisioner_vk,
				extensions: provisioner_ext,
			},
			&identity_key,
		);
		Self {
			root_key,
			provisioner_key,
			root_der,
			identity_der,
			provisioner_der,
			root_name,
			provisioner_name,
		}
	}

	/// The self-signed root certificate (DER); accepted by [`crate::verify::root_public_key`].
	pub fn root_certificate_der(&self) -> Vec<u8> {
		self.root_der.clone()
	}

	/// SEC1 uncompressed root key.
	pub fn root_public_key(&self) -> PublicKey {
		sec1(self.root_key.verifying_key())
	}

	/// Subject name of the root (for tests building their own certificates).
	pub fn root_name(&self) -> &Name {
		&self.root_name
	}

	/// A device: its own per-device CA ("GH100 A01 GSP BROM", issued by the shared provisioner
	/// intermediate) and attestation leaf ("GH100 A01 GSP FMC LF").
	pub fn device(&self, device_seed: [u8; 32]) -> SyntheticDevice {
		let brom_key = derive_key(&device_seed, b"brom");
		let leaf_key = derive_key(&device_seed, b"leaf");
		let (brom_vk, leaf_vk) = (*brom_key.verifying_key(), *leaf_key.verifying_key());
		let provisioner_vk = *self.provisioner_key.verifying_key();
		let fwid = sha384(&[b"fwid", &device_seed]);

		let brom_serial = serial(&sec1(&brom_vk), 9);
		let brom_name = name(&[
			(ID_AT_SERIAL_NUMBER, Str::Printable, &hex_upper(&brom_serial)),
			(ID_AT_COUNTRY_NAME, Str::Printable, "US"),
			(ID_AT_ORGANIZATION_NAME, Str::Utf8, ORGANIZATION),
			(ID_AT_COMMON_NAME, Str::Utf8, "GH100 A01 GSP BROM"),
		]);
		let brom_der = issue(
			CertSpec {
				serial: &brom_serial,
				issuer: self.provisioner_name.clone(),
				subject: brom_name.clone(),
				not_before: (2020, 10, 17),
				subject_key: &brom_vk,
				extensions: ca_extensions(&brom_vk, &provisioner_vk, key_usage(&[KeyUsages::KeyCertSign])),
			},
			&self.provisioner_key,
		);

		let leaf_serial = serial(&sec1(&leaf_vk), 20);
		let leaf_name = name(&[
			(ID_AT_SERIAL_NUMBER, Str::Printable, &hex_upper(&leaf_serial)),
			(ID_AT_COUNTRY_NAME, Str::Printable, "US"),
			(ID_AT_ORGANIZATION_NAME, Str::Utf8, ORGANIZATION),
			(ID_AT_COMMON_NAME, Str::Utf8, "GH100 A01 GSP FMC LF"),
		]);
		let device_name = format!("SYNTHETIC:GH100:{}", hex_upper(brom_serial.get(..8).unwrap_or_default()));
		let san = SubjectAltName(vec![GeneralName::OtherName(OtherName {
			type_id: NVIDIA_DEVICE_NAME,
			value: der_ok(Any::new(Tag::Utf8String, device_name.as_bytes())),
		})]);
		let leaf_der = issue(
			CertSpec {
				serial: &leaf_serial,
				issuer: brom_name,
				subject: leaf_name,
				not_before: (2020, 10, 17),
				subject_key: &leaf_vk,
				extensions: vec![
					extension(
						ID_CE_KEY_USAGE,
						true,
						der_ok(key_usage(&[KeyUsages::DigitalSignature]).to_der()),
					),
					ski(&leaf_vk),
					aki(&brom_vk),
					extension(ID_CE_SUBJECT_ALT_NAME, false, der_ok(san.to_der())),
					extension(TCG_DICE_TCB_INFO, false, tcb_info(&brom_vk, &fwid)),
				],
			},
			&brom_key,
		);

		SyntheticDevice {
			seed: device_seed,
			leaf_key,
			device_public_key: sec1(&brom_vk),
			fwid,
			chain: vec![
				leaf_der,
				brom_der,
				self.provisioner_der.clone(),
				self.identity_der.clone(),
				self.root_der.clone(),
			],
		}
	}
}

/// Insert CRL distribution point + authority information access after keyUsage (NVIDIA's order:
/// basicConstraints, keyUsage, CRL DP, AIA, SKI, AKI).
fn splice_revocation(extensions: &mut Vec<Extension>, crl: &str) {
	let [dp, aia] = revocation_pointers(crl);
	let at = extensions.len().min(2);
	extensions.insert(at, aia);
	extensions.insert(at, dp);
}

/// One synthetic GPU.
pub struct SyntheticDevice {
	seed: [u8; 32],
	leaf_key: SigningKey,
	device_public_key: PublicKey,
	fwid: [u8; FWID_LEN],
	chain: Vec<Vec<u8>>,
}

impl SyntheticDevice {
	/// Five DER certificates, leaf first.
	pub fn chain_der(&self) -> Vec<Vec<u8>> {
		self.chain.clone()
	}

	/// The per-device CA key (`chain[1]`), i.e. what `VerifiedReport::device_public_key` returns.
	pub fn public_key(&self) -> PublicKey {
		self.device_public_key
	}

	/// The FWID in the leaf certificate (and in reports made by [`Self::report`]).
	pub fn fwid(&self) -> [u8; FWID_LEN] {
		self.fwid
	}

	/// A complete signed report (4117 bytes for a 9-byte driver version, like NVIDIA's sample).
	///
	/// `vbios_version` is NVIDIA's formatted form `xx.xx.xx.xx.xx` (hex, either case), i.e. what
	/// `VerifiedReport::vbios_version` returns. Panics if it is not in that form (test tooling).
	pub fn report(&self, nonce: &[u8; NONCE_LEN], driver_version: &[u8], vbios_version: &[u8]) -> Vec<u8> {
		let opaque = self.opaque_data(driver_version, vbios_version, true);
		self.sign_report(&self.unsigned_report_with_opaque(nonce, driver_version, vbios_version, &opaque))
	}

	/// Like [`Self::report`] but without the FWID opaque field (as reports of older drivers, e.g.
	/// NVIDIA's 545.00 sample).
	pub fn report_without_fwid(
		&self,
		nonce: &[u8; NONCE_LEN],
		driver_version: &[u8],
		vbios_version: &[u8],
	) -> Vec<u8> {
		let opaque = self.opaque_data(driver_version, vbios_version, false);
		self.sign_report(&self.unsigned_report_with_opaque(nonce, driver_version, vbios_version, &opaque))
	}

	/// The opaque data NVIDIA's Hopper firmware emits, in its order: VBIOS version, board id, chip
	/// SKU, chip SKU mod, project, project SKU, project SKU mod, driver version, GPU info,
	/// measurement counts, CPR info, NVDEC0 status, FWID (optional), protected-PCIe status.
	pub fn opaque_data(&self, driver_version: &[u8], vbios_version: &[u8], with_fwid: bool) -> Vec<u8> {
		let mut o = Vec::new();
		let mut tlv = |id: u16, value: &[u8]| {
			let len = u16::try_from(value.len()).expect("opaque field shorter than 64 KiB");
			o.extend_from_slice(&id.to_le_bytes());
			o.extend_from_slice(&len.to_le_bytes());
			o.extend_from_slice(value);
		};
		tlv(field::VBIOS_VERSION, &vbios_bytes(vbios_version));
		tlv(field::BOARD_ID, &[0xb1, 0x03, 0x00, 0x00]);
		tlv(field::CHIP_SKU, b"882\0\0\0\0\0\0");
		tlv(field::CHIP_SKU_MOD, b"0\0\0\0\0");
		tlv(field::PROJECT, b"1010\0");
		tlv(field::PROJECT_SKU, b"0200\0");
		tlv(field::PROJECT_SKU_MOD, b"\0\0");
		let mut driver = driver_version.to_vec();
		driver.push(0);
		tlv(field::DRIVER_VERSION, &driver);
		tlv(field::GPU_INFO, &[0x80, 0x01, 0, 0, 0, 0, 0, 0]);
		let counts: Vec<u8> =
			(0..u32::from(MEASUREMENT_BLOCKS)).flat_map(|i| (i % 5).to_le_bytes()).collect();
		tlv(field::MSRSCNT, &counts);
		tlv(field::CPRINFO, &[0x00, 0xc0, 0x01, 0x00]);
		tlv(field::NVDEC0_STATUS, &[0x55]);
		if with_fwid {
			tlv(field::FWID, &self.fwid);
		}
		tlv(field::PROTECTED_PCIE_STATUS, &[0x55]);
		o
	}

	/// Request || response up to (without) the signature, with the given opaque data. The
	/// measurement record is [`measurement_record`] of the versions; the responder nonce is
	/// derived from the device seed and the request nonce.
	pub fn unsigned_report_with_opaque(
		&self,
		nonce: &[u8; NONCE_LEN],
		driver_version: &[u8],
		vbios_version: &[u8],
		opaque: &[u8],
	) -> Vec<u8> {
		let record = measurement_record(driver_version, vbios_version);
		let mut r = Vec::with_capacity(4117);
		// GET_MEASUREMENTS request: SPDM 1.1, signature requested, all blocks, slot 0.
		r.extend_from_slice(&[0x11, 0xE0, 0x01, 0xFF]);
		r.extend_from_slice(nonce);
		r.push(0);
		// MEASUREMENTS response.
		r.extend_from_slice(&[0x11, 0x60, 0x00, 0x00]);
		r.push(MEASUREMENT_BLOCKS);
		let record_len = u32::try_from(record.len()).unwrap_or(0).to_le_bytes();
		r.extend_from_slice(record_len.get(..3).unwrap_or_default());
		r.extend_from_slice(&record);
		let responder_nonce = sha384(&[b"responder-nonce", &self.seed, nonce]);
		r.extend_from_slice(responder_nonce.get(..NONCE_LEN).unwrap_or_default());
		let opaque_len = u16::try_from(opaque.len()).expect("opaque data shorter than 64 KiB");
		r.extend_from_slice(&opaque_len.to_le_bytes());
		r.extend_from_slice(opaque);
		r
	}

	/// Append the leaf key's signature (raw r || s over SHA-384) to an unsigned report.
	pub fn sign_report(&self, unsigned: &[u8]) -> Vec<u8> {
		let signature: Signature = self.leaf_key.sign(unsigned);
		let mut r = unsigned.to_vec();
		r.extend_from_slice(&signature.to_bytes());
		r
	}
}

/// The 64 measurement blocks of a synthetic report: DMTF blocks of type 0x01 whose SHA-384
/// values depend only on the driver and VBIOS versions (as firmware measurements do).
pub fn measurement_record(driver_version: &[u8], vbios_version: &[u8]) -> Vec<u8> {
	let mut record = Vec::with_capacity(usize::from(MEASUREMENT_BLOCKS) * 55);
	for index in 1..=MEASUREMENT_BLOCKS {
		let digest = sha384(&[b"measurement", &[index], driver_version, vbios_version]);
		record.extend_from_slice(&[index, 0x01, 51, 0x00, 0x01, 48, 0x00]);
		record.extend_from_slice(&digest);
	}
	record
}

/// `VerifiedReport::measurements_digest` of a synthetic report with these versions (the golden
/// value a test or benchmark registers).
pub fn measurements_digest(driver_version: &[u8], vbios_version: &[u8]) -> [u8; 48] {
	Sha384::digest(measurement_record(driver_version, vbios_version)).into()
}

/// Inverse of NVIDIA's `format_vbios_version`: `b3.b2.b1.b0.b4` -> `b0 b1 b2 b3 b4 0 0 0`.
///
/// Only the canonical form is accepted (five groups of two lower-case hex digits), so that the
/// string given to [`SyntheticDevice::report`] is exactly what `VerifiedReport::vbios_version`
/// returns. Panics otherwise (test tooling).
fn vbios_bytes(formatted: &[u8]) -> [u8; 8] {
	let hex = |c: u8| match c {
		b'0'..=b'9' => c - b'0',
		b'a'..=b'f' => c - b'a' + 10,
		_ => panic!(
			"vbios_version {:?} is not lower-case xx.xx.xx.xx.xx (NVIDIA's format_vbios_version form)",
			String::from_utf8_lossy(formatted)
		),
	};
	let [h3, l3, b'.', h2, l2, b'.', h1, l1, b'.', h0, l0, b'.', h4, l4] = formatted else {
		panic!(
			"vbios_version {:?} is not lower-case xx.xx.xx.xx.xx (NVIDIA's format_vbios_version form)",
			String::from_utf8_lossy(formatted)
		)
	};
	let byte = |h: &u8, l: &u8| (hex(*h) << 4) | hex(*l);
	[byte(h0, l0), byte(h1, l1), byte(h2, l2), byte(h3, l3), byte(h4, l4), 0, 0, 0]
}
