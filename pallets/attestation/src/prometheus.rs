//! A small parser of the Prometheus text exposition format, for the metrics the worker reads:
//! dcgm-exporter's GPU gauges and node_exporter's filesystem gauges. No floats: values become
//! integers (truncated), so the same text gives the same numbers on every machine.

use alloc::{string::String, vec::Vec};
use sp_core::H256;

pub const GPU_UTIL: &str = "DCGM_FI_DEV_GPU_UTIL";
pub const FB_USED: &str = "DCGM_FI_DEV_FB_USED";
pub const FB_FREE: &str = "DCGM_FI_DEV_FB_FREE";
pub const POWER_USAGE: &str = "DCGM_FI_DEV_POWER_USAGE";
pub const TOTAL_ENERGY: &str = "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION";
pub const FS_SIZE: &str = "node_filesystem_size_bytes";
pub const FS_AVAIL: &str = "node_filesystem_avail_bytes";

/// One sample line: metric name, labels, value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sample<'a> {
	pub name: &'a str,
	pub labels: Vec<(&'a str, String)>,
	pub value: u64,
}

impl Sample<'_> {
	pub fn label(&self, key: &str) -> Option<&str> {
		self.labels.iter().find(|(k, _)| *k == key).map(|(_, v)| v.as_str())
	}
}

/// One GPU as the exporter showed it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GpuMetrics {
	pub uuid_hash: H256,
	pub util_percent: u8,
	pub mem_used_mib: u32,
	pub mem_free_mib: u32,
	pub power_w: u32,
	pub energy_mj: Option<u64>,
}

/// One filesystem as the exporter showed it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FilesystemMetrics {
	pub mountpoint: String,
	pub size_bytes: u64,
	pub avail_bytes: u64,
}

/// What one scrape showed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scrape {
	pub gpus: Vec<GpuMetrics>,
	pub filesystems: Vec<FilesystemMetrics>,
}

impl Scrape {
	pub fn storage_total_bytes(&self) -> u64 {
		self.filesystems.iter().fold(0u64, |sum, fs| sum.saturating_add(fs.size_bytes))
	}

	pub fn storage_used_bytes(&self) -> u64 {
		self.filesystems
			.iter()
			.fold(0u64, |sum, fs| sum.saturating_add(fs.size_bytes.saturating_sub(fs.avail_bytes)))
	}
}

/// The chain's identifier of a GPU: blake2-256 of its NVML UUID string.
pub fn uuid_hash(uuid: &str) -> H256 {
	H256(sp_io::hashing::blake2_256(uuid.as_bytes()))
}

/// Reads the GPUs (keyed by the `UUID` label) and filesystems (by `mountpoint`) from exporter
/// text. Lines it does not know or cannot parse are skipped: exporters add metrics freely.
pub fn parse_scrape(text: &str) -> Scrape {
	let mut scrape = Scrape::default();
	for sample in text.lines().filter_map(parse_line) {
		match sample.name {
			GPU_UTIL | FB_USED | FB_FREE | POWER_USAGE | TOTAL_ENERGY => {
				let Some(uuid) = sample.label("UUID") else { continue };
				let hash = uuid_hash(uuid);
				let index = match scrape.gpus.iter().position(|g| g.uuid_hash == hash) {
					Some(index) => index,
					None => {
						scrape.gpus.push(GpuMetrics { uuid_hash: hash, ..Default::default() });
						scrape.gpus.len() - 1
					},
				};
				let gpu = &mut scrape.gpus[index];
				let small = u32::try_from(sample.value).unwrap_or(u32::MAX);
				match sample.name {
					GPU_UTIL => gpu.util_percent = sample.value.min(100) as u8,
					FB_USED => gpu.mem_used_mib = small,
					FB_FREE => gpu.mem_free_mib = small,
					POWER_USAGE => gpu.power_w = small,
					_ => gpu.energy_mj = Some(sample.value),
				}
			},
			FS_SIZE | FS_AVAIL => {
				let Some(mountpoint) = sample.label("mountpoint") else { continue };
				let index = match scrape.filesystems.iter().position(|f| f.mountpoint == mountpoint) {
					Some(index) => index,
					None => {
						scrape
							.filesystems
							.push(FilesystemMetrics { mountpoint: mountpoint.into(), ..Default::default() });
						scrape.filesystems.len() - 1
					},
				};
				let fs = &mut scrape.filesystems[index];
				if sample.name == FS_SIZE {
					fs.size_bytes = sample.value;
				} else {
					fs.avail_bytes = sample.value;
				}
			},
			_ => {},
		}
	}
	scrape
}

/// Parses `name{label="value",...} value [timestamp]`; `None` for comments, blank lines and
/// anything malformed or negative.
pub fn parse_line(line: &str) -> Option<Sample<'_>> {
	let line = line.trim();
	if line.is_empty() || line.starts_with('#') {
		return None;
	}
	let name_end = line.find(|c: char| c == '{' || c.is_whitespace())?;
	let name = &line[..name_end];
	let mut rest = &line[name_end..];
	let mut labels = Vec::new();
	if let Some(after_brace) = rest.strip_prefix('{') {
		let (parsed, after) = parse_labels(after_brace)?;
		labels = parsed;
		rest = after;
	}
	let value = rest.split_whitespace().next()?;
	Some(Sample { name, labels, value: parse_value(value)? })
}

/// Parses labels up to the closing brace; returns them and the text after the brace.
fn parse_labels(mut text: &str) -> Option<(Vec<(&str, String)>, &str)> {
	let mut labels = Vec::new();
	loop {
		text = text.trim_start_matches([' ', ',']);
		if let Some(after) = text.strip_prefix('}') {
			return Some((labels, after));
		}
		let eq = text.find('=')?;
		let key = text[..eq].trim();
		text = text[eq + 1..].trim_start().strip_prefix('"')?;
		let mut value = String::new();
		let mut chars = text.char_indices();
		let end = loop {
			let (i, c) = chars.next()?;
			match c {
				'"' => break i,
				'\\' => match chars.next()?.1 {
					'n' => value.push('\n'),
					other => value.push(other),
				},
				other => value.push(other),
			}
		};
		labels.push((key, value));
		text = &text[end + 1..];
	}
}

/// An unsigned number as exporters print it (`97`, `612.134`, `1.0213466112e+11`), truncated
/// to an integer. `None` for negatives, NaN, infinities and numbers past `u64`.
pub fn parse_value(text: &str) -> Option<u64> {
	let (mantissa, exponent) = match text.find(['e', 'E']) {
		Some(i) => (&text[..i], text[i + 1..].parse::<i32>().ok()?),
		None => (text, 0),
	};
	let mantissa = mantissa.strip_prefix('+').unwrap_or(mantissa);
	let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
	if int_part.is_empty() && frac_part.is_empty() {
		return None;
	}
	if !int_part.bytes().chain(frac_part.bytes()).all(|b| b.is_ascii_digit()) {
		return None;
	}
	// All digits as one integer, then shift the decimal point by the exponent.
	let mut digits: u128 = 0;
	let mut significant = 0u32;
	let mut dropped = 0i32;
	for b in int_part.bytes().chain(frac_part.bytes()) {
		if significant < 30 {
			digits = digits * 10 + u128::from(b - b'0');
			if digits > 0 {
				significant += 1;
			}
		} else {
			dropped += 1;
		}
	}
	let shift = exponent.checked_sub(frac_part.len() as i32)?.checked_add(dropped)?;
	let value = if shift >= 0 {
		digits.checked_mul(10u128.checked_pow(shift as u32)?)?
	} else {
		10u128.checked_pow(shift.unsigned_abs()).map_or(0, |div| digits / div)
	};
	u64::try_from(value).ok()
}

#[cfg(test)]
mod tests {
	use super::*;

	/// dcgm-exporter 3.x output for one H100, verbatim apart from the host name.
	const DCGM: &str = r#"# HELP DCGM_FI_DEV_GPU_UTIL GPU utilization (in %).
# TYPE DCGM_FI_DEV_GPU_UTIL gauge
DCGM_FI_DEV_GPU_UTIL{gpu="0",UUID="GPU-5fe6b1f2-7bd8-1a4e-9b3c-3f1d2c4e5a60",pci_bus_id="00000000:18:00.0",device="nvidia0",modelName="NVIDIA H100 80GB HBM3",Hostname="gpu-node-1",DCGM_FI_DRIVER_VERSION="535.129.03"} 97
# HELP DCGM_FI_DEV_FB_FREE Framebuffer memory free (in MiB).
# TYPE DCGM_FI_DEV_FB_FREE gauge
DCGM_FI_DEV_FB_FREE{gpu="0",UUID="GPU-5fe6b1f2-7bd8-1a4e-9b3c-3f1d2c4e5a60",pci_bus_id="00000000:18:00.0",device="nvidia0",modelName="NVIDIA H100 80GB HBM3",Hostname="gpu-node-1",DCGM_FI_DRIVER_VERSION="535.129.03"} 15267
# HELP DCGM_FI_DEV_FB_USED Framebuffer memory used (in MiB).
# TYPE DCGM_FI_DEV_FB_USED gauge
DCGM_FI_DEV_FB_USED{gpu="0",UUID="GPU-5fe6b1f2-7bd8-1a4e-9b3c-3f1d2c4e5a60",pci_bus_id="00000000:18:00.0",device="nvidia0",modelName="NVIDIA H100 80GB HBM3",Hostname="gpu-node-1",DCGM_FI_DRIVER_VERSION="535.129.03"} 65812
# HELP DCGM_FI_DEV_POWER_USAGE Power draw (in W).
# TYPE DCGM_FI_DEV_POWER_USAGE gauge
DCGM_FI_DEV_POWER_USAGE{gpu="0",UUID="GPU-5fe6b1f2-7bd8-1a4e-9b3c-3f1d2c4e5a60",pci_bus_id="00000000:18:00.0",device="nvidia0",modelName="NVIDIA H100 80GB HBM3",Hostname="gpu-node-1",DCGM_FI_DRIVER_VERSION="535.129.03"} 612.134000
# HELP DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION Total energy consumption since boot (in mJ).
# TYPE DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION counter
DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{gpu="0",UUID="GPU-5fe6b1f2-7bd8-1a4e-9b3c-3f1d2c4e5a60",pci_bus_id="00000000:18:00.0",device="nvidia0",modelName="NVIDIA H100 80GB HBM3",Hostname="gpu-node-1",DCGM_FI_DRIVER_VERSION="535.129.03"} 186723940566
"#;

	/// node_exporter 1.x filesystem lines (it prints floats in exponent form).
	const NODE_EXPORTER: &str = r#"# HELP node_filesystem_avail_bytes Filesystem space available to non-root users in bytes.
# TYPE node_filesystem_avail_bytes gauge
node_filesystem_avail_bytes{device="/dev/nvme0n1p1",device_error="",fstype="ext4",mountpoint="/data0"} 3.2006733824e+12
node_filesystem_avail_bytes{device="/dev/nvme1n1p1",device_error="",fstype="xfs",mountpoint="/data1"} 7.68e+11
# HELP node_filesystem_size_bytes Filesystem size in bytes.
# TYPE node_filesystem_size_bytes gauge
node_filesystem_size_bytes{device="/dev/nvme0n1p1",device_error="",fstype="ext4",mountpoint="/data0"} 3.840753664e+12
node_filesystem_size_bytes{device="/dev/nvme1n1p1",device_error="",fstype="xfs",mountpoint="/data1"} 1.92e+12
# HELP node_load1 1m load average.
# TYPE node_load1 gauge
node_load1 0.21
"#;

	#[test]
	fn reads_dcgm_exporter_output() {
		let scrape = parse_scrape(DCGM);
		assert_eq!(
			scrape.gpus,
			alloc::vec![GpuMetrics {
				uuid_hash: uuid_hash("GPU-5fe6b1f2-7bd8-1a4e-9b3c-3f1d2c4e5a60"),
				util_percent: 97,
				mem_used_mib: 65_812,
				mem_free_mib: 15_267,
				power_w: 612,
				energy_mj: Some(186_723_940_566),
			}]
		);
		assert!(scrape.filesystems.is_empty());
	}

	#[test]
	fn reads_node_exporter_filesystems_in_exponent_form() {
		let scrape = parse_scrape(NODE_EXPORTER);
		assert_eq!(scrape.filesystems.len(), 2);
		assert_eq!(scrape.filesystems[0].mountpoint, "/data0");
		assert_eq!(scrape.filesystems[0].size_bytes, 3_840_753_664_000);
		assert_eq!(scrape.filesystems[0].avail_bytes, 3_200_673_382_400);
		assert_eq!(scrape.storage_total_bytes(), 3_840_753_664_000 + 1_920_000_000_000);
		assert_eq!(scrape.storage_used_bytes(), 640_080_281_600 + 1_152_000_000_000);
		assert!(scrape.gpus.is_empty());
	}

	#[test]
	fn values_become_truncated_integers() {
		assert_eq!(parse_value("97"), Some(97));
		assert_eq!(parse_value("612.134000"), Some(612));
		assert_eq!(parse_value("1.0213466112e+11"), Some(102_134_661_120));
		assert_eq!(parse_value("5E3"), Some(5_000));
		assert_eq!(parse_value("2.5e-1"), Some(0));
		assert_eq!(parse_value(".5"), Some(0));
		assert_eq!(parse_value("18446744073709551615"), Some(u64::MAX));
		for bad in ["-1", "NaN", "+Inf", "", "1e999", "18446744073709551616", "1.2.3", "0x10"] {
			assert_eq!(parse_value(bad), None, "{bad}");
		}
	}

	#[test]
	fn labels_with_escapes_commas_and_braces_parse() {
		let sample = parse_line(r#"m{a="x,y}",b="say \"hi\"\\",c="line\nnext",} 3 1700000000000"#).unwrap();
		assert_eq!(sample.name, "m");
		assert_eq!(sample.label("a"), Some("x,y}"));
		assert_eq!(sample.label("b"), Some("say \"hi\"\\"));
		assert_eq!(sample.label("c"), Some("line\nnext"));
		assert_eq!(sample.value, 3);
		assert_eq!(parse_line("plain 4").unwrap().labels, alloc::vec![]);
	}

	#[test]
	fn garbage_is_skipped_not_fatal() {
		for bad in ["", "# comment", "no_value", r#"m{a="unterminated} 1"#, "m{a=1} 2", "m -3"] {
			assert_eq!(parse_line(bad), None, "{bad}");
		}
		let text = alloc::format!("garbage\x00\n{DCGM}\nDCGM_FI_DEV_GPU_UTIL{{gpu=\"1\"}} 50\n");
		// The line without a UUID cannot be attributed and is ignored.
		assert_eq!(parse_scrape(&text).gpus.len(), 1);
	}
}
