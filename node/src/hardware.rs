//! Hardware probe: what a provider's node reads from its attached GPUs (NVML) and disks
//! (statvfs), rendered as DCGM-exporter / node_exporter Prometheus text or as the JSON a
//! provider passes to the registration calls.
//!
//! NVML is loaded at run time: on a machine without a GPU or driver the probe reports no GPUs.

use std::{
	ffi::CString,
	fmt::Write as _,
	path::{Path, PathBuf},
};

// The names the attestation worker parses: one definition for producer and consumer.
use pallet_attestation::prometheus as metric;
use serde_json::{json, Value};

/// One GPU as NVML reports it.
#[derive(Clone, Debug, PartialEq)]
pub struct GpuReading {
	pub index: u32,
	/// NVML UUID, e.g. `GPU-5f4b1c2e-...`.
	pub uuid: String,
	pub model: String,
	/// Percent of the last sample period a kernel was running.
	pub utilization_percent: u32,
	pub memory_used_bytes: u64,
	pub memory_total_bytes: u64,
	pub power_milliwatts: Option<u32>,
	/// Since the driver loaded (Volta and later).
	pub energy_millijoules: Option<u64>,
}

impl GpuReading {
	/// What the chain identifies the GPU by: blake2-256 of the UUID string.
	pub fn uuid_hash(&self) -> String {
		format!("{:?}", pallet_attestation::prometheus::uuid_hash(&self.uuid))
	}

	pub fn vram_mib(&self) -> u64 {
		self.memory_total_bytes / (1 << 20)
	}
}

/// One filesystem, as `statvfs` reports it.
#[derive(Clone, Debug, PartialEq)]
pub struct StorageReading {
	pub path: PathBuf,
	/// Tells paths on the same filesystem apart from distinct ones, so capacity is not counted twice.
	pub filesystem_id: u64,
	pub total_bytes: u64,
	/// Free for unprivileged users (`f_bavail`), what node_exporter calls available.
	pub available_bytes: u64,
	pub used_bytes: u64,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Snapshot {
	pub gpus: Vec<GpuReading>,
	pub storage: Vec<StorageReading>,
}

/// Reads every GPU NVML sees. `Err` says why NVML is unusable (no driver, no library).
pub fn read_gpus() -> Result<Vec<GpuReading>, String> {
	let nvml = nvml_wrapper::Nvml::init().map_err(|e| format!("NVML unavailable: {e}"))?;
	let count = nvml.device_count().map_err(|e| format!("NVML device count: {e}"))?;
	let mut gpus = Vec::new();
	for index in 0..count {
		let device = nvml.device_by_index(index).map_err(|e| format!("NVML device {index}: {e}"))?;
		let memory = device.memory_info().map_err(|e| format!("NVML memory of GPU {index}: {e}"))?;
		gpus.push(GpuReading {
			index,
			uuid: device.uuid().map_err(|e| format!("NVML UUID of GPU {index}: {e}"))?,
			model: device.name().map_err(|e| format!("NVML name of GPU {index}: {e}"))?,
			utilization_percent: device.utilization_rates().map(|u| u.gpu).unwrap_or(0),
			memory_used_bytes: memory.used,
			memory_total_bytes: memory.total,
			power_milliwatts: device.power_usage().ok(),
			energy_millijoules: device.total_energy_consumption().ok(),
		});
	}
	Ok(gpus)
}

/// Size and use of the filesystem holding `path`.
pub fn read_storage(path: &Path) -> Result<StorageReading, String> {
	let c_path = CString::new(path.as_os_str().as_encoded_bytes())
		.map_err(|_| format!("{}: path contains a NUL byte", path.display()))?;
	let mut stat = std::mem::MaybeUninit::<libc::statvfs>::uninit();
	// SAFETY: `c_path` is a valid NUL-terminated string and `stat` points to writable memory of
	// the right type; statvfs only writes into it.
	let rc = unsafe { libc::statvfs(c_path.as_ptr(), stat.as_mut_ptr()) };
	if rc != 0 {
		return Err(format!("{}: {}", path.display(), std::io::Error::last_os_error()));
	}
	// SAFETY: statvfs returned 0, so it filled in `stat`.
	let stat = unsafe { stat.assume_init() };
	let frsize = stat.f_frsize as u64;
	let total = (stat.f_blocks as u64).saturating_mul(frsize);
	let free = (stat.f_bfree as u64).saturating_mul(frsize);
	let available = (stat.f_bavail as u64).saturating_mul(frsize);
	Ok(StorageReading {
		path: path.to_path_buf(),
		filesystem_id: stat.f_fsid as u64,
		total_bytes: total,
		available_bytes: available,
		used_bytes: total.saturating_sub(free),
	})
}

/// GPUs (none if NVML is unusable: logged, not fatal) and the given storage paths.
pub fn snapshot(storage_paths: &[PathBuf]) -> Result<Snapshot, String> {
	let gpus = read_gpus().unwrap_or_else(|reason| {
		log::debug!(target: "hardware", "no GPUs: {reason}");
		Vec::new()
	});
	let storage = storage_paths.iter().map(|p| read_storage(p)).collect::<Result<_, _>>()?;
	Ok(Snapshot { gpus, storage })
}

/// Escapes a Prometheus label value.
fn label(value: &str) -> String {
	value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// The snapshot in Prometheus text format, with the metric names of NVIDIA's dcgm-exporter and
/// node_exporter, so the chain can read either those exporters or this probe.
pub fn render_prometheus(snapshot: &Snapshot) -> String {
	let mut out = String::new();
	let gpu_metrics: [(&str, &str, &str, fn(&GpuReading) -> Option<String>); 5] = [
		(metric::GPU_UTIL, "gauge", "GPU utilization (in %).", |g| {
			Some(g.utilization_percent.to_string())
		}),
		(metric::FB_USED, "gauge", "Framebuffer memory used (in MiB).", |g| {
			Some((g.memory_used_bytes >> 20).to_string())
		}),
		(metric::FB_FREE, "gauge", "Framebuffer memory free (in MiB).", |g| {
			Some((g.memory_total_bytes.saturating_sub(g.memory_used_bytes) >> 20).to_string())
		}),
		(metric::POWER_USAGE, "gauge", "Power draw (in W).", |g| {
			g.power_milliwatts.map(|mw| format!("{:.3}", f64::from(mw) / 1000.0))
		}),
		(
			metric::TOTAL_ENERGY,
			"counter",
			"Total energy consumption since boot (in mJ).",
			|g| g.energy_millijoules.map(|mj| mj.to_string()),
		),
	];
	if !snapshot.gpus.is_empty() {
		for (name, kind, help, value) in gpu_metrics {
			let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
			for gpu in &snapshot.gpus {
				if let Some(v) = value(gpu) {
					let _ = writeln!(
						out,
						"{name}{{gpu=\"{}\",UUID=\"{}\",modelName=\"{}\"}} {v}",
						gpu.index,
						label(&gpu.uuid),
						label(&gpu.model)
					);
				}
			}
		}
	}
	let fs_metrics: [(&str, &str, fn(&StorageReading) -> u64); 2] = [
		(metric::FS_SIZE, "Filesystem size in bytes.", |s| s.total_bytes),
		(metric::FS_AVAIL, "Filesystem space available to non-root users in bytes.", |s| {
			s.available_bytes
		}),
	];
	if !snapshot.storage.is_empty() {
		for (name, help, value) in fs_metrics {
			let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge");
			for fs in &snapshot.storage {
				let _ = writeln!(
					out,
					"{name}{{mountpoint=\"{}\"}} {}",
					label(&fs.path.display().to_string()),
					value(fs)
				);
			}
		}
	}
	out
}

/// What `depin-node hardware` prints: the readings, and the arguments of the registration
/// calls (`providers.addGpus`, `providers.setCapacity`) ready for polkadot.js.
pub fn report_json(snapshot: &Snapshot, cpu_cores: u32) -> Value {
	// Each filesystem once, however many of the paths lie on it.
	let mut seen = std::collections::BTreeSet::new();
	let storage_bytes: u64 = snapshot
		.storage
		.iter()
		.filter(|s| seen.insert(s.filesystem_id))
		.map(|s| s.available_bytes)
		.sum();
	json!({
		"gpus": snapshot.gpus.iter().map(|g| json!({
			"index": g.index,
			"uuid": g.uuid,
			"uuidHash": g.uuid_hash(),
			"model": g.model,
			"utilizationPercent": g.utilization_percent,
			"memoryUsedBytes": g.memory_used_bytes,
			"memoryTotalBytes": g.memory_total_bytes,
			"powerMilliwatts": g.power_milliwatts,
			"energyMillijoules": g.energy_millijoules,
		})).collect::<Vec<_>>(),
		"storage": snapshot.storage.iter().map(|s| json!({
			"path": s.path.display().to_string(),
			"totalBytes": s.total_bytes,
			"usedBytes": s.used_bytes,
			"availableBytes": s.available_bytes,
		})).collect::<Vec<_>>(),
		"registration": {
			"addGpus": snapshot.gpus.iter().map(|g| json!({
				"uuidHash": g.uuid_hash(),
				"model": g.model,
				"vramMib": g.vram_mib(),
			})).collect::<Vec<_>>(),
			"setCapacity": { "storageBytes": storage_bytes, "cpuCores": cpu_cores },
		},
	})
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum OutputFormat {
	/// Readings plus the registration call arguments.
	Json,
	/// The Prometheus text the chain's attestation worker reads.
	Prometheus,
}

/// `depin-node hardware`: prints what the probe sees.
#[derive(Debug, clap::Parser)]
pub struct HardwareCmd {
	/// Storage paths to measure (the filesystem holding each).
	#[arg(long = "storage-path", value_name = "PATH", default_value = "/")]
	pub storage_paths: Vec<PathBuf>,

	#[arg(long, value_enum, default_value = "json")]
	pub format: OutputFormat,
}

impl HardwareCmd {
	pub fn run(&self) -> sc_cli::Result<()> {
		let snapshot = snapshot(&self.storage_paths).map_err(sc_cli::Error::Input)?;
		match self.format {
			OutputFormat::Json => {
				let cores = std::thread::available_parallelism().map(|n| n.get() as u32).unwrap_or(0);
				let text = serde_json::to_string_pretty(&report_json(&snapshot, cores))
					.map_err(|e| sc_cli::Error::Application(Box::new(e)))?;
				println!("{text}");
			},
			OutputFormat::Prometheus => print!("{}", render_prometheus(&snapshot)),
		}
		Ok(())
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn h100(index: u32) -> GpuReading {
		GpuReading {
			index,
			uuid: format!("GPU-00000000-0000-4000-8000-00000000000{index}"),
			model: "NVIDIA H100 80GB HBM3".into(),
			utilization_percent: 87,
			memory_used_bytes: 40 << 30,
			memory_total_bytes: 80 << 30,
			power_milliwatts: Some(612_345),
			energy_millijoules: Some(123_456_789),
		}
	}

	#[test]
	fn renders_dcgm_and_node_exporter_names() {
		let snapshot = Snapshot {
			gpus: vec![h100(0)],
			storage: vec![StorageReading {
				path: "/data".into(),
				filesystem_id: 7,
				total_bytes: 1_000,
				available_bytes: 400,
				used_bytes: 500,
			}],
		};
		let text = render_prometheus(&snapshot);
		let labels = r#"{gpu="0",UUID="GPU-00000000-0000-4000-8000-000000000000",modelName="NVIDIA H100 80GB HBM3"}"#;
		for line in [
			format!("DCGM_FI_DEV_GPU_UTIL{labels} 87"),
			format!("DCGM_FI_DEV_FB_USED{labels} 40960"),
			format!("DCGM_FI_DEV_FB_FREE{labels} 40960"),
			format!("DCGM_FI_DEV_POWER_USAGE{labels} 612.345"),
			format!("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{labels} 123456789"),
			r#"node_filesystem_size_bytes{mountpoint="/data"} 1000"#.to_string(),
			r#"node_filesystem_avail_bytes{mountpoint="/data"} 400"#.to_string(),
			"# TYPE DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION counter".to_string(),
		] {
			assert!(text.lines().any(|l| l == line), "missing `{line}` in\n{text}");
		}
	}

	#[test]
	fn without_gpus_there_are_no_gpu_lines() {
		let text = render_prometheus(&Snapshot {
			gpus: vec![],
			storage: vec![read_storage(Path::new("/")).unwrap()],
		});
		assert!(!text.contains("DCGM"), "{text}");
		assert!(text.contains("node_filesystem_size_bytes{mountpoint=\"/\"}"));
	}

	#[test]
	fn labels_are_escaped() {
		let mut gpu = h100(1);
		gpu.model = "odd \"model\"\\name".into();
		let text = render_prometheus(&Snapshot { gpus: vec![gpu], storage: vec![] });
		assert!(text.contains(r#"modelName="odd \"model\"\\name""#), "{text}");
	}

	#[test]
	fn statvfs_of_this_machine_is_sane() {
		let root = read_storage(Path::new("/")).unwrap();
		assert!(root.total_bytes > 0);
		assert!(root.available_bytes <= root.total_bytes);
		assert!(root.used_bytes <= root.total_bytes);
		assert!(read_storage(Path::new("/no/such/path")).is_err());
	}

	#[test]
	fn the_probe_works_without_a_gpu_or_driver() {
		// This machine has no NVIDIA driver: NVML fails cleanly and the snapshot has no GPUs.
		// (On a GPU machine the same call lists them.)
		let snapshot = snapshot(&[PathBuf::from("/")]).unwrap();
		if read_gpus().is_err() {
			assert!(snapshot.gpus.is_empty());
		}
		assert_eq!(snapshot.storage.len(), 1);
	}

	#[test]
	fn registration_json_hashes_uuids_like_polkadot_js() {
		let gpu = h100(0);
		let report = report_json(&Snapshot { gpus: vec![gpu.clone()], storage: vec![] }, 16);
		let entry = &report["registration"]["addGpus"][0];
		// blake2AsHex("GPU-00000000-0000-4000-8000-000000000000", 256) from @polkadot/util-crypto.
		assert_eq!(entry["uuidHash"], "0x7b7d7194f97e6add560921ee1b0a10acb3d68086b90eaa9c32342dff548c1a67");
		assert_eq!(entry["vramMib"], 81_920);
		assert_eq!(entry["model"], "NVIDIA H100 80GB HBM3");
		assert_eq!(report["registration"]["setCapacity"]["cpuCores"], 16);
	}

	#[test]
	fn capacity_counts_each_filesystem_once() {
		let fs = |path: &str, id, available| StorageReading {
			path: path.into(),
			filesystem_id: id,
			total_bytes: 10_000,
			available_bytes: available,
			used_bytes: 0,
		};
		let snapshot = Snapshot { gpus: vec![], storage: vec![fs("/", 1, 500), fs("/var", 1, 500), fs("/data", 2, 700)] };
		assert_eq!(report_json(&snapshot, 1)["registration"]["setCapacity"]["storageBytes"], 1_200);
	}
}
