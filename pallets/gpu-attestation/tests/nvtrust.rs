//! The verifier against NVIDIA's published Hopper test vectors (NVIDIA/nvtrust, local GPU
//! verifier samples). The vectors are not part of this repository: `scripts/setup.sh` fetches
//! them and the tests read them from
//!
//! * `DEPIN_NVTRUST_VECTORS`: `hopperAttestationReport.txt`, `hopperCertChain.txt`,
//!   `verifier_device_root.pem` (required: the tests fail when it is unset);
//! * `DEPIN_NVTRUST_SECOND_PAIR`: `attestationReport.txt`, `gpuAkCertChain.txt`,
//!   `test_nonce.txt` (a second chip; its tests are skipped with a message when unset).

use std::{collections::BTreeMap, path::PathBuf};

use pallet_gpu_attestation::verify::{
	parse_hex_report, parse_pem_chain, root_public_key, verify_report, PublicKey, VerifiedReport,
	VerifyError, CHAIN_LENGTH, MAX_CERT_LEN, REQUEST_LEN, SIGNATURE_LEN,
};

/// Request nonce of NVIDIA's hopper sample (`hopper_test_nonce.txt`; also in the report itself).
const HOPPER_NONCE: &str = "931d8dd0add203ac3d8b4fbde75e115278eefcdceac5b87671a748f32364dfcb";

struct Pair {
	report: Vec<u8>,
	chain: Vec<Vec<u8>>,
	nonce: [u8; 32],
}

fn vectors_dir() -> PathBuf {
	match std::env::var_os("DEPIN_NVTRUST_VECTORS") {
		Some(dir) => PathBuf::from(dir),
		None => panic!(
			"DEPIN_NVTRUST_VECTORS is not set: run scripts/setup.sh (it unpacks NVIDIA's nvtrust test vectors \
			 into /var/tmp/depin-vectors/nvtrust) and run the tests through scripts/test.sh, or export \
			 DEPIN_NVTRUST_VECTORS=/var/tmp/depin-vectors/nvtrust"
		),
	}
}

fn second_dir() -> Option<PathBuf> {
	let dir = std::env::var_os("DEPIN_NVTRUST_SECOND_PAIR").map(PathBuf::from);
	if dir.is_none() {
		eprintln!(
			"DEPIN_NVTRUST_SECOND_PAIR is not set: skipping the second-chip vectors (run scripts/setup.sh)"
		);
	}
	dir
}

fn read(dir: &std::path::Path, name: &str) -> String {
	let path = dir.join(name);
	std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

fn nonce(hex: &str) -> [u8; 32] {
	parse_hex_report(hex).expect("nonce is hex").try_into().expect("nonce is 32 bytes")
}

fn hopper() -> Pair {
	let dir = vectors_dir();
	Pair {
		report: parse_hex_report(&read(&dir, "hopperAttestationReport.txt")).expect("report hex"),
		chain: parse_pem_chain(&read(&dir, "hopperCertChain.txt")).expect("chain PEM"),
		nonce: nonce(HOPPER_NONCE),
	}
}

fn second() -> Option<Pair> {
	let dir = second_dir()?;
	Some(Pair {
		report: parse_hex_report(&read(&dir, "attestationReport.txt")).expect("report hex"),
		chain: parse_pem_chain(&read(&dir, "gpuAkCertChain.txt")).expect("chain PEM"),
		nonce: nonce(read(&dir, "test_nonce.txt").trim()),
	})
}

fn root_der() -> Vec<u8> {
	let mut certs = parse_pem_chain(&read(&vectors_dir(), "verifier_device_root.pem")).expect("root PEM");
	assert_eq!(certs.len(), 1);
	certs.remove(0)
}

fn root_key() -> PublicKey {
	root_public_key(&root_der()).expect("NVIDIA's root is accepted")
}

fn refs(chain: &[Vec<u8>]) -> Vec<&[u8]> {
	chain.iter().map(Vec::as_slice).collect()
}

fn verify(
	report: &[u8],
	chain: &[Vec<u8>],
	nonce: &[u8; 32],
	root: &PublicKey,
) -> Result<VerifiedReport, VerifyError> {
	verify_report(report, &refs(chain), |k| k == root, nonce)
}

fn device_key_of(chain: &[Vec<u8>]) -> Vec<u8> {
	// The per-device CA's SPKI BIT STRING content ends the SubjectPublicKeyInfo; find the
	// 0x04-prefixed 97-byte point after the secp384r1 OID.
	let der = &chain[1];
	let oid = [0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22, 0x03, 0x62, 0x00];
	let at = der.windows(oid.len()).position(|w| w == oid).expect("P-384 SPKI") + oid.len();
	der[at..at + 97].to_vec()
}

#[test]
fn hopper_sample_verifies() {
	let p = hopper();
	assert_eq!(p.chain.len(), CHAIN_LENGTH);
	assert!(p.chain.iter().all(|c| c.len() <= MAX_CERT_LEN));
	assert_eq!(p.chain[4], root_der(), "the chain's root is verifier_device_root.pem");
	let v = verify(&p.report, &p.chain, &p.nonce, &root_key()).expect("NVIDIA's hopper sample verifies");
	assert_eq!(v.driver_version, b"550.90.07");
	assert_eq!(v.vbios_version, b"96.00.9f.00.01");
	assert_eq!(v.project, b"1010");
	assert_eq!(v.sku, b"0200");
	assert_eq!(v.chip_sku, b"882");
	assert_eq!(v.measurement_count, 64);
	assert_eq!(v.device_public_key.as_slice(), device_key_of(&p.chain).as_slice());
	assert_eq!(p.report.len(), 4117);
}

#[test]
fn second_sample_verifies() {
	let Some(p) = second() else { return };
	let v = verify(&p.report, &p.chain, &p.nonce, &root_key()).expect("NVIDIA's second sample verifies");
	assert_eq!(v.driver_version, b"545.00");
	assert_eq!(v.vbios_version, b"96.00.5e.00.01");
	assert_eq!(v.project, b"1010");
	assert_eq!(v.sku, b"0200");
	assert_eq!(v.chip_sku, b"882");
	assert_eq!(v.measurement_count, 64);
	assert_eq!(v.device_public_key.as_slice(), device_key_of(&p.chain).as_slice());
	assert_eq!(p.report.len(), 4049);
	// Two chips, two identities; the intermediates and root are shared.
	let h = hopper();
	let hv = verify(&h.report, &h.chain, &h.nonce, &root_key()).expect("hopper verifies");
	assert_ne!(hv.device_public_key, v.device_public_key);
	assert_ne!(hv.measurements_digest, v.measurements_digest);
	assert_eq!(h.chain[2..], p.chain[2..]);
}

#[test]
fn wrong_nonce_and_untrusted_root_are_refused() {
	let p = hopper();
	let root = root_key();
	let mut other = p.nonce;
	other[31] ^= 1;
	assert_eq!(verify(&p.report, &p.chain, &other, &root).err(), Some(VerifyError::NonceMismatch));
	assert_eq!(verify(&p.report, &p.chain, &p.nonce, &[4u8; 97]).err(), Some(VerifyError::UntrustedRoot));
}

#[test]
fn reports_under_the_other_chips_chain_are_refused() {
	let Some(s) = second() else { return };
	let h = hopper();
	let root = root_key();
	// The hopper report carries an FWID, which the other chip's leaf does not certify.
	assert_eq!(verify(&h.report, &s.chain, &h.nonce, &root).err(), Some(VerifyError::FwidMismatch));
	// The second report has no FWID field: its signature does not verify under the hopper leaf.
	assert_eq!(verify(&s.report, &h.chain, &s.nonce, &root).err(), Some(VerifyError::ReportSignature));
	// Leaves swapped between the chips.
	let mut mixed = h.chain.clone();
	mixed[0] = s.chain[0].clone();
	assert_eq!(verify(&s.report, &mixed, &s.nonce, &root).err(), Some(VerifyError::IssuerMismatch));
	let mut mixed = s.chain.clone();
	mixed[1] = h.chain[1].clone();
	assert_eq!(verify(&s.report, &mixed, &s.nonce, &root).err(), Some(VerifyError::IssuerMismatch));
}

fn flip_report(p: &Pair, root: &PublicKey, pos: usize) -> Result<VerifiedReport, VerifyError> {
	let mut r = p.report.clone();
	r[pos] ^= 0x01;
	verify(&r, &p.chain, &p.nonce, root)
}

/// Every single-bit flip (bit 0 of every byte) of a report is refused.
fn every_report_flip_is_refused(p: &Pair) -> BTreeMap<String, usize> {
	let root = root_key();
	let mut kinds = BTreeMap::new();
	for pos in 0..p.report.len() {
		match flip_report(p, &root, pos) {
			Ok(_) => panic!("report with bit flipped at byte {pos} was accepted"),
			Err(e) => *kinds.entry(format!("{e:?}")).or_insert(0usize) += 1,
		}
	}
	kinds
}

#[test]
fn every_hopper_report_byte_flip_is_refused() {
	let p = hopper();
	let kinds = every_report_flip_is_refused(&p);
	eprintln!("hopper report flips: {kinds:?}");
	assert_eq!(kinds.values().sum::<usize>(), p.report.len());

	let root = root_key();
	let len = p.report.len();
	assert_eq!(flip_report(&p, &root, 0).err(), Some(VerifyError::RequestHeader));
	for pos in 4..36 {
		assert_eq!(flip_report(&p, &root, pos).err(), Some(VerifyError::NonceMismatch), "nonce byte {pos}");
	}
	assert_eq!(flip_report(&p, &root, REQUEST_LEN).err(), Some(VerifyError::ResponseHeader));
	assert_eq!(flip_report(&p, &root, REQUEST_LEN + 4).err(), Some(VerifyError::MeasurementRecord));
	// A byte of the first measurement digest, and of the responder nonce.
	assert_eq!(flip_report(&p, &root, REQUEST_LEN + 8 + 7).err(), Some(VerifyError::ReportSignature));
	assert_eq!(flip_report(&p, &root, REQUEST_LEN + 8 + 3520).err(), Some(VerifyError::ReportSignature));
	for pos in len - SIGNATURE_LEN..len {
		let e = flip_report(&p, &root, pos).err();
		assert!(
			matches!(e, Some(VerifyError::ReportSignature | VerifyError::ReportSignatureEncoding)),
			"signature byte {pos}: {e:?}"
		);
	}
	assert_eq!(flip_report(&p, &root, len - 1).err(), Some(VerifyError::ReportSignature));
	// The FWID field's last byte (just before the 1-byte protected-PCIe TLV).
	assert_eq!(flip_report(&p, &root, len - SIGNATURE_LEN - 6).err(), Some(VerifyError::FwidMismatch));

	let mut trailing = p.report.clone();
	trailing.push(0);
	assert_eq!(verify(&trailing, &p.chain, &p.nonce, &root).err(), Some(VerifyError::TrailingBytes));
	assert_eq!(
		verify(&p.report[..len - 1], &p.chain, &p.nonce, &root).err(),
		Some(VerifyError::ReportTruncated)
	);
}

#[test]
fn every_second_report_byte_flip_is_refused() {
	let Some(p) = second() else { return };
	let kinds = every_report_flip_is_refused(&p);
	eprintln!("second report flips: {kinds:?}");
	assert_eq!(kinds.values().sum::<usize>(), p.report.len());
}

/// Deterministic sample of (certificate, byte, bit) positions, covering every byte of every
/// certificate once and then random-looking extra flips, ≥ 1000 in total.
fn cert_flip_positions(chain: &[Vec<u8>]) -> Vec<(usize, usize, u8)> {
	let mut positions = Vec::new();
	for (i, cert) in chain.iter().enumerate() {
		for byte in 0..cert.len() {
			positions.push((i, byte, 1u8 << (byte % 8)));
		}
	}
	let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
	while positions.len() < 4000 {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		let i = (x % chain.len() as u64) as usize;
		let byte = ((x >> 8) % chain[i].len() as u64) as usize;
		positions.push((i, byte, 1u8 << ((x >> 40) % 8)));
	}
	positions
}

#[test]
fn sampled_certificate_byte_flips_are_refused() {
	let p = hopper();
	let root = root_key();
	let positions = cert_flip_positions(&p.chain);
	assert!(positions.len() >= 1000);
	let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
	for &(i, byte, mask) in &positions {
		let mut chain = p.chain.clone();
		chain[i][byte] ^= mask;
		match verify(&p.report, &chain, &p.nonce, &root) {
			Ok(_) => panic!("certificate {i} with byte {byte} ^ {mask:#04x} was accepted"),
			Err(e) => *kinds.entry(format!("{e:?}")).or_insert(0usize) += 1,
		}
	}
	eprintln!("certificate flips ({}): {kinds:?}", positions.len());

	// Specific positions: the outer SEQUENCE tag, a signed byte inside each TBS (the last byte of
	// notAfter's "Z" is too structural; use the first digit of notBefore's year), the signature.
	let flip = |i: usize, byte: usize, mask: u8| {
		let mut chain = p.chain.clone();
		chain[i][byte] ^= mask;
		verify(&p.report, &chain, &p.nonce, &root).err()
	};
	for i in 0..CHAIN_LENGTH {
		assert_eq!(flip(i, 0, 0x01), Some(VerifyError::CertificateEncoding), "cert {i} tag");
		let year = p.chain[i].windows(4).position(|w| w == b"9999").expect("notAfter 9999");
		let expected = if i == 4 { VerifyError::RootSelfSignature } else { VerifyError::LinkSignature };
		assert_eq!(flip(i, year, 0x01), Some(expected), "cert {i} notAfter");
		let last = p.chain[i].len() - 1;
		assert_eq!(flip(i, last, 0x01), Some(expected), "cert {i} last signature byte");
	}
}

#[test]
fn root_certificate_rules() {
	let root = root_der();
	let key = root_key();
	let p = hopper();
	// The root key is the key the chain's last certificate carries.
	let mut as_chain = p.chain.clone();
	as_chain.swap(1, 4);
	assert_eq!(key.as_slice(), device_key_of(&as_chain).as_slice());
	// Other certificates of the chain are not roots.
	for i in 0..4 {
		assert_eq!(root_public_key(&p.chain[i]), Err(VerifyError::RootNotSelfIssued), "cert {i}");
	}
	// Tampering: a signed byte, the signature, the framing.
	let flip = |byte: usize, mask: u8| {
		let mut r = root.clone();
		r[byte] ^= mask;
		root_public_key(&r)
	};
	let year = root.windows(4).position(|w| w == b"9999").expect("notAfter 9999");
	assert_eq!(flip(year, 0x01), Err(VerifyError::RootSelfSignature));
	assert_eq!(flip(root.len() - 1, 0x01), Err(VerifyError::RootSelfSignature));
	assert_eq!(flip(0, 0x01), Err(VerifyError::CertificateEncoding));
	let mut trailing = root.clone();
	trailing.push(0);
	assert_eq!(root_public_key(&trailing), Err(VerifyError::CertificateEncoding));
	// Every byte of the root, one bit each: never accepted.
	let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
	for byte in 0..root.len() {
		match flip(byte, 1 << (byte % 8)) {
			Ok(k) => panic!("root with byte {byte} flipped accepted (key {:02x?})", &k[..4]),
			Err(e) => *kinds.entry(format!("{e:?}")).or_insert(0) += 1,
		}
	}
	eprintln!("root flips: {kinds:?}");
}
