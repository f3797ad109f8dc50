//! SPDM 1.1 `GET_MEASUREMENTS` request + `MEASUREMENTS` response, as NVIDIA Hopper GPUs emit them
//! for confidential-computing attestation.
//!
//! Layout (all multi-byte integers little-endian), checked against NVIDIA's verifier
//! (`attestation/spdm_msrt_req_msg.py`, `attestation/spdm_msrt_resp_msg.py`,
//! `attestation/__init__.py`, `cc_admin_utils.py`):
//!
//! ```text
//! request (37 bytes)
//!   0   SPDMVersion 0x11 | RequestResponseCode 0xE0 | Param1 0x01 (signature requested)
//!       | Param2 0xFF (all measurements)
//!   4   Nonce (32)
//!   36  SlotIDParam (1)                                   -- we require slot 0
//! response
//!   0   SPDMVersion 0x11 | RequestResponseCode 0x60 | Param1 0x00 (reserved when Param2 != 0)
//!       | Param2 0x00 (slot 0, reserved bits zero)
//!   4   NumberOfBlocks N (1)
//!   5   MeasurementRecordLength L (3)
//!   8   MeasurementRecord (L) = N blocks of
//!         Index (1) | MeasurementSpecification 0x01 = DMTF (1) | MeasurementSize 51 (2)
//!         | DMTFSpecMeasurementValueType (1, bit 7 clear = digest) | ValueSize 48 (2) | SHA-384 (48)
//!   8+L  Nonce (32)                                        -- responder's nonce, not checked
//!   40+L OpaqueLength (2)
//!   42+L OpaqueData: TLVs  Type (2) | Size (2) | Value (Size)
//!   ...  Signature (96) = ECDSA P-384 r || s over SHA-384(request || response-without-signature)
//! ```

use alloc::vec::Vec;

use p384::ecdsa::{signature::Verifier, Signature, VerifyingKey};
use sha2::{Digest, Sha384};

use super::{VerifyError, MAX_REPORT_LEN, MAX_VERSION_LEN};

/// Length of the SPDM `GET_MEASUREMENTS` request that prefixes the report.
pub const REQUEST_LEN: usize = 37;
/// Request header: SPDM 1.1, `GET_MEASUREMENTS`, signature requested, all measurement blocks.
pub const REQUEST_HEADER: [u8; 4] = [0x11, 0xE0, 0x01, 0xFF];
/// Response header: SPDM 1.1, `MEASUREMENTS`, Param1 = 0, Param2 = slot 0.
pub const RESPONSE_HEADER: [u8; 4] = [0x11, 0x60, 0x00, 0x00];
/// Length of the raw `r || s` P-384 signature closing the report.
pub const SIGNATURE_LEN: usize = 96;
/// Nonce length (requester and responder).
pub const NONCE_LEN: usize = 32;
/// SHA-384 digest length.
pub const DIGEST_LEN: usize = 48;
/// `MeasurementSpecification` value meaning "DMTF".
pub const DMTF_SPECIFICATION: u8 = 0x01;
/// Size of one measurement block's `Measurement` field: DMTF header (3) + SHA-384 digest (48).
pub const MEASUREMENT_SIZE: u16 = 51;
const _: () = assert!(MEASUREMENT_SIZE as usize == 3 + DIGEST_LEN);
/// Bytes per measurement block: Index, Specification, Size (2) + `MEASUREMENT_SIZE`.
pub const MEASUREMENT_BLOCK_LEN: usize = 4 + MEASUREMENT_SIZE as usize;

/// Opaque-data field type ids (NVIDIA `OpaqueData.OPAQUE_DATA_TYPES`).
pub mod field {
	pub const CERT_ISSUER_NAME: u16 = 1;
	pub const CERT_AUTHORITY_KEY_IDENTIFIER: u16 = 2;
	pub const DRIVER_VERSION: u16 = 3;
	pub const GPU_INFO: u16 = 4;
	pub const SKU: u16 = 5;
	pub const VBIOS_VERSION: u16 = 6;
	pub const MANUFACTURER_ID: u16 = 7;
	pub const TAMPER_DETECTION: u16 = 8;
	pub const SMC: u16 = 9;
	pub const VPR: u16 = 10;
	pub const NVDEC0_STATUS: u16 = 11;
	pub const MSRSCNT: u16 = 12;
	pub const CPRINFO: u16 = 13;
	pub const BOARD_ID: u16 = 14;
	pub const CHIP_SKU: u16 = 15;
	pub const CHIP_SKU_MOD: u16 = 16;
	pub const PROJECT: u16 = 17;
	pub const PROJECT_SKU: u16 = 18;
	pub const PROJECT_SKU_MOD: u16 = 19;
	pub const FWID: u16 = 20;
	pub const PROTECTED_PCIE_STATUS: u16 = 21;
	pub const SWITCH_PDI: u16 = 22;
	pub const FLOORSWEPT_PORTS: u16 = 23;
	pub const POSITION_ID: u16 = 24;
	pub const LOCK_SWITCH_STATUS: u16 = 25;
	pub const GPU_LINK_CONN: u16 = 32;
	pub const SYS_ENABLE_STATUS: u16 = 33;
	pub const OPAQUE_DATA_VERSION: u16 = 34;
	pub const CHIP_INFO: u16 = 35;
	pub const FEATURE_FLAG: u16 = 36;

	/// Whether NVIDIA's parser knows the type. NVIDIA raises on an unknown id (dictionary
	/// lookup); we do the same. Id 255 (`OPAQUE_FIELD_ID_INVALID`) is refused too.
	pub const fn is_known(id: u16) -> bool {
		matches!(id, 1..=25 | 32..=36)
	}
}

/// A report whose framing has been checked; nothing here is authenticated yet.
pub(super) struct ParsedReport<'a> {
	/// Requester nonce (from the `GET_MEASUREMENTS` request).
	pub request_nonce: &'a [u8],
	/// The signed bytes: request || response without the signature.
	pub signed: &'a [u8],
	/// Raw `r || s`.
	pub signature: &'a [u8],
	/// The whole measurement record (`L` bytes).
	pub measurement_record: &'a [u8],
	pub measurement_count: u8,
	pub driver_version: &'a [u8],
	/// Formatted `xx.xx.xx.xx.xx` (lower-case hex), as NVIDIA's `format_vbios_version`.
	pub vbios_version: Vec<u8>,
	pub project: &'a [u8],
	pub project_sku: &'a [u8],
	pub chip_sku: &'a [u8],
	/// The report's FWID (present in newer drivers' reports).
	pub fwid: Option<&'a [u8]>,
}

/// Bounds-checked forward reader; every short read is `ReportTruncated`.
struct Cursor<'a> {
	data: &'a [u8],
	pos: usize,
}

impl<'a> Cursor<'a> {
	fn new(data: &'a [u8]) -> Self {
		Self { data, pos: 0 }
	}

	fn take(&mut self, n: usize) -> Result<&'a [u8], VerifyError> {
		let end = self.pos.checked_add(n).ok_or(VerifyError::ReportTruncated)?;
		let out = self.data.get(self.pos..end).ok_or(VerifyError::ReportTruncated)?;
		self.pos = end;
		Ok(out)
	}

	fn u8(&mut self) -> Result<u8, VerifyError> {
		self.take(1)?.first().copied().ok_or(VerifyError::ReportTruncated)
	}

	fn u16_le(&mut self) -> Result<u16, VerifyError> {
		let b = self.take(2)?;
		match b {
			[lo, hi] => Ok(u16::from_le_bytes([*lo, *hi])),
			_ => Err(VerifyError::ReportTruncated),
		}
	}

	fn u24_le(&mut self) -> Result<usize, VerifyError> {
		let b = self.take(3)?;
		match b {
			[b0, b1, b2] => Ok(u32::from_le_bytes([*b0, *b1, *b2, 0]) as usize),
			_ => Err(VerifyError::ReportTruncated),
		}
	}

	fn remaining(&self) -> usize {
		self.data.len().saturating_sub(self.pos)
	}
}

/// Parse and frame-check a report. Does not check the nonce or the signature.
pub(super) fn parse(report: &[u8]) -> Result<ParsedReport<'_>, VerifyError> {
	if report.len() > MAX_REPORT_LEN {
		return Err(VerifyError::ReportTooLong);
	}
	let mut c = Cursor::new(report);

	// Request.
	if c.take(REQUEST_HEADER.len())? != REQUEST_HEADER.as_slice() {
		return Err(VerifyError::RequestHeader);
	}
	let request_nonce = c.take(NONCE_LEN)?;
	if c.u8()? != 0 {
		return Err(VerifyError::RequestHeader);
	}

	// Response header.
	if c.take(RESPONSE_HEADER.len())? != RESPONSE_HEADER.as_slice() {
		return Err(VerifyError::ResponseHeader);
	}
	let blocks = c.u8()?;
	let record_len = c.u24_le()?;
	let measurement_record = c.take(record_len)?;
	check_measurement_record(measurement_record, blocks)?;

	let _responder_nonce = c.take(NONCE_LEN)?;
	let opaque_len = usize::from(c.u16_le()?);
	let opaque = c.take(opaque_len)?;
	let fields = parse_opaque(opaque)?;

	let signed_len = c.pos;
	match c.remaining() {
		SIGNATURE_LEN => {}
		n if n < SIGNATURE_LEN => return Err(VerifyError::ReportTruncated),
		_ => return Err(VerifyError::TrailingBytes),
	}
	let signed = report.get(..signed_len).ok_or(VerifyError::ReportTruncated)?;
	let signature = c.take(SIGNATURE_LEN)?;

	Ok(ParsedReport {
		request_nonce,
		signed,
		signature,
		measurement_record,
		measurement_count: blocks,
		driver_version: fields.driver_version,
		vbios_version: fields.vbios_version,
		project: fields.project,
		project_sku: fields.project_sku,
		chip_sku: fields.chip_sku,
		fwid: fields.fwid,
	})
}

/// `N >= 1` blocks with indices exactly `1..=N`, each a DMTF SHA-384 digest, filling the record
/// exactly. (NVIDIA refuses N = 0, a non-DMTF specification, and a record not consumed exactly;
/// the fixed digest form and sequential indices are our own, matching every Hopper report.)
fn check_measurement_record(record: &[u8], blocks: u8) -> Result<(), VerifyError> {
	if blocks == 0 {
		return Err(VerifyError::MeasurementRecord);
	}
	let expected =
		usize::from(blocks).checked_mul(MEASUREMENT_BLOCK_LEN).ok_or(VerifyError::MeasurementRecord)?;
	if record.len() != expected {
		return Err(VerifyError::MeasurementRecord);
	}
	for (i, block) in record.chunks_exact(MEASUREMENT_BLOCK_LEN).enumerate() {
		let index = u8::try_from(i.saturating_add(1)).map_err(|_| VerifyError::MeasurementRecord)?;
		match block {
			[idx, spec, size_lo, size_hi, value_type, vsize_lo, vsize_hi, _digest @ ..]
				if *idx == index
					&& *spec == DMTF_SPECIFICATION
					&& u16::from_le_bytes([*size_lo, *size_hi]) == MEASUREMENT_SIZE
					&& *value_type & 0x80 == 0
					&& usize::from(u16::from_le_bytes([*vsize_lo, *vsize_hi])) == DIGEST_LEN => {}
			_ => return Err(VerifyError::MeasurementRecord),
		}
	}
	Ok(())
}

struct OpaqueFields<'a> {
	driver_version: &'a [u8],
	vbios_version: Vec<u8>,
	project: &'a [u8],
	project_sku: &'a [u8],
	chip_sku: &'a [u8],
	fwid: Option<&'a [u8]>,
}

fn parse_opaque(opaque: &[u8]) -> Result<OpaqueFields<'_>, VerifyError> {
	let mut c = Cursor::new(opaque);
	// Bit `id` set once type `id` has been seen; all known ids are < 64, so the duplicate check
	// is O(1) and, with unknown ids refused, a report holds at most 30 fields.
	let mut seen: u64 = 0;

	let mut driver_version = None;
	let mut vbios_version = None;
	let mut project = None;
	let mut project_sku = None;
	let mut chip_sku = None;
	let mut fwid = None;

	while c.remaining() > 0 {
		let id = c.u16_le().map_err(|_| VerifyError::OpaqueData)?;
		let len = usize::from(c.u16_le().map_err(|_| VerifyError::OpaqueData)?);
		let value = c.take(len).map_err(|_| VerifyError::OpaqueData)?;

		if !field::is_known(id) {
			return Err(VerifyError::UnknownOpaqueField);
		}
		let bit = 1u64.checked_shl(u32::from(id)).ok_or(VerifyError::UnknownOpaqueField)?;
		if seen & bit != 0 {
			return Err(VerifyError::DuplicateOpaqueField);
		}
		seen |= bit;

		match id {
			field::DRIVER_VERSION => driver_version = Some(text_field(value)?),
			field::VBIOS_VERSION => vbios_version = Some(format_vbios_version(value)?),
			field::PROJECT => project = Some(text_field(value)?),
			field::PROJECT_SKU => project_sku = Some(text_field(value)?),
			field::CHIP_SKU => chip_sku = Some(text_field(value)?),
			field::FWID => {
				if value.len() == DIGEST_LEN {
					fwid = Some(value)
				} else {
					return Err(VerifyError::FieldEncoding);
				}
			}
			// The remaining checks mirror what makes NVIDIA's parser raise.
			field::MSRSCNT if !value.len().is_multiple_of(4) => return Err(VerifyError::OpaqueData),
			field::SWITCH_PDI if !value.len().is_multiple_of(8) => return Err(VerifyError::OpaqueData),
			field::FEATURE_FLAG if !matches!(le_uint(value), Some(0..=2)) => {
				return Err(VerifyError::OpaqueData)
			}
			field::OPAQUE_DATA_VERSION if le_uint(value).is_none() => return Err(VerifyError::OpaqueData),
			field::CHIP_INFO if core::str::from_utf8(value).is_err() => return Err(VerifyError::OpaqueData),
			_ => {}
		}
	}

	Ok(OpaqueFields {
		driver_version: driver_version.ok_or(VerifyError::MissingOpaqueField)?,
		vbios_version: vbios_version.ok_or(VerifyError::MissingOpaqueField)?,
		project: project.ok_or(VerifyError::MissingOpaqueField)?,
		project_sku: project_sku.ok_or(VerifyError::MissingOpaqueField)?,
		chip_sku: chip_sku.ok_or(VerifyError::MissingOpaqueField)?,
		fwid,
	})
}

/// Little-endian unsigned integer of 1..=8 bytes (NVIDIA's `int(read_field_as_little_endian(x), 16)`
/// fails on an empty field).
fn le_uint(value: &[u8]) -> Option<u64> {
	if value.is_empty() || value.len() > 8 {
		return None;
	}
	Some(value.iter().rev().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
}

/// A NUL-padded ASCII string: at most `MAX_VERSION_LEN` bytes, a non-empty run of printable
/// ASCII (0x20..=0x7E) followed only by NULs. Returns the text without the padding (what NVIDIA
/// gets after `.decode()` and stripping NULs).
fn text_field(value: &[u8]) -> Result<&[u8], VerifyError> {
	if value.len() > MAX_VERSION_LEN {
		return Err(VerifyError::FieldTooLong);
	}
	let text_len = value.iter().position(|b| *b == 0).unwrap_or(value.len());
	let (text, padding) = value.split_at(text_len);
	if text.is_empty() || !text.iter().all(|b| (0x20..=0x7E).contains(b)) || !padding.iter().all(|b| *b == 0)
	{
		return Err(VerifyError::FieldEncoding);
	}
	Ok(text)
}

/// NVIDIA's `format_vbios_version`: 8 bytes `b0..b7` become `b3.b2.b1.b0.b4` in lower-case hex
/// (e.g. `00 9f 00 96 01 00 00 00` -> `96.00.9f.00.01`). NVIDIA ignores `b5..b7`; we require them
/// zero so that the string stands for the signed bytes one-to-one.
fn format_vbios_version(value: &[u8]) -> Result<Vec<u8>, VerifyError> {
	if value.len() > MAX_VERSION_LEN {
		return Err(VerifyError::FieldTooLong);
	}
	let [b0, b1, b2, b3, b4, 0, 0, 0] = value else {
		return Err(VerifyError::FieldEncoding);
	};
	let hex = |nibble: u8| b"0123456789abcdef".get(usize::from(nibble & 0x0F)).copied().unwrap_or(b'0');
	let mut out = Vec::with_capacity(14);
	for (i, b) in [*b3, *b2, *b1, *b0, *b4].into_iter().enumerate() {
		if i > 0 {
			out.push(b'.');
		}
		out.push(hex(b >> 4));
		out.push(hex(b));
	}
	Ok(out)
}

/// SHA-384 of the whole measurement record.
pub(super) fn measurements_digest(record: &[u8]) -> [u8; DIGEST_LEN] {
	Sha384::digest(record).into()
}

/// Verify the report signature with the attestation (leaf) key. High-S signatures are accepted:
/// `p384`'s verifier does not require normalized `s`, and neither does NVIDIA (python-ecdsa).
pub(super) fn verify_signature(parsed: &ParsedReport<'_>, leaf: &VerifyingKey) -> Result<(), VerifyError> {
	let signature =
		Signature::from_slice(parsed.signature).map_err(|_| VerifyError::ReportSignatureEncoding)?;
	leaf.verify(parsed.signed, &signature).map_err(|_| VerifyError::ReportSignature)
}
