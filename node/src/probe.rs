//! The built-in hardware probe as a node service: reads the hardware every `--probe-interval`
//! seconds and serves the latest reading as Prometheus text (dcgm-exporter and node_exporter
//! names) at `http://<--probe-listen-addr>/metrics`. The attestation off-chain worker reads it,
//! or whatever `--metrics-source` names instead (an existing dcgm-exporter/node_exporter).

use std::{net::SocketAddr, path::PathBuf, sync::Arc, time::Duration};

use tokio::{
	io::{AsyncReadExt, AsyncWriteExt},
	net::{TcpListener, TcpStream},
	sync::RwLock,
};

use crate::hardware;

/// Where the off-chain worker reads hardware metrics, and the built-in probe.
#[derive(Debug, Clone, clap::Args)]
pub struct ProbeParams {
	/// URL of the Prometheus text the attestation off-chain worker reads (dcgm-exporter and
	/// node_exporter metric names). Default: the built-in probe.
	#[arg(long, value_name = "URL")]
	pub metrics_source: Option<String>,

	/// Address the built-in hardware probe serves `/metrics` on.
	#[arg(long, value_name = "ADDR", default_value = "127.0.0.1:9616")]
	pub probe_listen_addr: SocketAddr,

	/// Seconds between the built-in probe's hardware readings.
	#[arg(long, value_name = "SECONDS", default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..))]
	pub probe_interval: u64,

	/// Storage paths the built-in probe measures (repeat for several). Default: the node's base
	/// path.
	#[arg(long = "storage-path", value_name = "PATH")]
	pub storage_paths: Vec<PathBuf>,

	/// Do not run the built-in probe (e.g. when `--metrics-source` points at other exporters).
	#[arg(long)]
	pub no_probe: bool,

	/// URL the GPU attestation worker asks for each GPU's signed report
	/// (`?gpu=<hex>&nonce=<hex>`). Default: the built-in probe's `/attestation`.
	#[arg(long, value_name = "URL")]
	pub gpu_attestation_source: Option<String>,

	/// What the built-in probe's `/attestation` answers from: `nvml` (a GPU in
	/// confidential-computing mode) or `synthetic:<64 hex digits>` (a synthetic CA's reports, for
	/// test chains; `depin-node synthetic-ca` prints its root).
	#[arg(long, value_name = "SOURCE", default_value = "nvml")]
	pub gpu_attestation_probe: crate::gpu_attestation::Source,
}

impl ProbeParams {
	/// The URL the off-chain worker is told to read.
	pub fn metrics_url(&self) -> String {
		self.metrics_source.clone().unwrap_or_else(|| format!("http://{}/metrics", self.probe_listen_addr))
	}

	/// The URL the GPU attestation worker is told to read: the built-in probe's `/attestation`
	/// unless told otherwise; none if nothing serves it.
	pub fn attestation_url(&self) -> Option<String> {
		match &self.gpu_attestation_source {
			Some(url) => Some(url.clone()),
			None if self.no_probe => None,
			None => Some(format!("http://{}/attestation", self.probe_listen_addr)),
		}
	}
}

/// Polls the hardware and serves the latest reading until the node stops. A busy port is
/// logged, not fatal: a validator must not stop producing blocks over its metrics endpoint.
pub async fn run(
	listen: SocketAddr,
	interval: Duration,
	storage_paths: Vec<PathBuf>,
	attestation: crate::gpu_attestation::Source,
) {
	let attestation = Arc::new(attestation);
	let latest = Arc::new(RwLock::new(String::new()));
	let poll = {
		let latest = latest.clone();
		async move {
			let mut ticker = tokio::time::interval(interval);
			loop {
				ticker.tick().await;
				let paths = storage_paths.clone();
				let reading = tokio::task::spawn_blocking(move || {
					hardware::snapshot(&paths).map(|snapshot| hardware::render_prometheus(&snapshot))
				})
				.await;
				match reading {
					Ok(Ok(text)) => *latest.write().await = text,
					Ok(Err(error)) => log::warn!(target: "hardware", "hardware probe: {error}"),
					Err(error) => log::warn!(target: "hardware", "hardware probe task failed: {error}"),
				}
			}
		}
	};
	let listener = match TcpListener::bind(listen).await {
		Ok(listener) => listener,
		Err(error) => {
			log::warn!(target: "hardware", "hardware probe cannot listen on {listen}: {error}");
			return poll.await;
		},
	};
	log::info!(target: "hardware", "🔌 Hardware probe serving http://{listen}/metrics");
	let serve = async move {
		loop {
			match listener.accept().await {
				Ok((socket, _)) => {
					tokio::spawn(respond(socket, latest.clone(), attestation.clone()));
				},
				Err(error) => log::debug!(target: "hardware", "probe accept: {error}"),
			}
		}
	};
	futures::join!(poll, serve);
}

/// The longest request head the probe reads; a scraper's is a few hundred bytes.
const MAX_REQUEST_HEAD: usize = 8 * 1024;
/// How long a client has to send its request head, however many pieces it comes in.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(2);

/// Reads a request head (up to the blank line), in as many TCP pieces as it arrives in. `None`
/// when the client is too slow, closes early or sends more than `MAX_REQUEST_HEAD`.
async fn read_request_head(socket: &mut TcpStream) -> Option<Vec<u8>> {
	let mut head = Vec::with_capacity(1024);
	let read_all = async {
		let mut piece = [0u8; 1024];
		loop {
			let read = socket.read(&mut piece).await.ok()?;
			if read == 0 {
				return None;
			}
			head.extend_from_slice(&piece[..read]);
			if head.windows(4).any(|window| window == b"\r\n\r\n") {
				return Some(());
			}
			if head.len() > MAX_REQUEST_HEAD {
				return None;
			}
		}
	};
	tokio::time::timeout(REQUEST_TIMEOUT, read_all).await.ok().flatten()?;
	Some(head)
}

/// Answers one HTTP request: `GET /metrics` gets the latest reading, `GET /attestation?gpu=..&nonce=..`
/// a GPU's signed report (503 where the source has none), anything else a 404 that does not
/// repeat the request back.
async fn respond(mut socket: TcpStream, latest: Arc<RwLock<String>>, attestation: Arc<crate::gpu_attestation::Source>) {
	let Some(head) = read_request_head(&mut socket).await else {
		let _ = socket.shutdown().await;
		return;
	};
	let head = String::from_utf8_lossy(&head);
	let path = head.split_whitespace().nth(1).unwrap_or("");
	let (status, body) = if head.starts_with("GET ") && (path == "/metrics" || path.starts_with("/metrics?")) {
		("200 OK", latest.read().await.clone())
	} else if let Some(query) = path.strip_prefix("/attestation?").filter(|_| head.starts_with("GET ")) {
		let answered = match crate::gpu_attestation::parse_query(query) {
			Ok((gpu, nonce)) => tokio::task::spawn_blocking(move || crate::gpu_attestation::answer(&attestation, &gpu, &nonce))
				.await
				.unwrap_or_else(|error| Err(format!("attestation task failed: {error}"))),
			Err(error) => Err(error),
		};
		match answered {
			Ok(lines) => ("200 OK", lines),
			Err(error) => {
				log::debug!(target: "hardware", "attestation source: {error}");
				("503 Service Unavailable", format!("{error}\n"))
			},
		}
	} else {
		("404 Not Found", "not found; try /metrics\n".to_string())
	};
	let response = format!(
		"HTTP/1.1 {status}\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
		body.len()
	);
	let _ = socket.write_all(response.as_bytes()).await;
	let _ = socket.shutdown().await;
}

#[cfg(test)]
mod tests {
	use super::*;

	async fn get(addr: SocketAddr, path: &str) -> String {
		let mut stream = TcpStream::connect(addr).await.expect("probe listens");
		stream.write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes()).await.unwrap();
		let mut response = String::new();
		stream.read_to_string(&mut response).await.unwrap();
		response
	}

	#[tokio::test]
	async fn serves_disk_metrics_and_no_gpu_lines_on_a_machine_without_gpus() {
		let addr = {
			let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
			probe.local_addr().unwrap()
		};
		tokio::spawn(run(addr, Duration::from_millis(100), vec![PathBuf::from("/")], crate::gpu_attestation::Source::Synthetic([7; 32])));
		let mut response = String::new();
		for _ in 0..50 {
			tokio::time::sleep(Duration::from_millis(100)).await;
			if let Ok(stream) = TcpStream::connect(addr).await {
				drop(stream);
				response = get(addr, "/metrics").await;
				if response.contains("node_filesystem_size_bytes") {
					break;
				}
			}
		}
		assert!(response.starts_with("HTTP/1.1 200 OK"), "{response}");
		assert!(response.contains("node_filesystem_size_bytes{mountpoint=\"/\"}"), "{response}");
		assert!(response.contains("node_filesystem_avail_bytes{mountpoint=\"/\"}"), "{response}");
		// This machine has no GPU: no DCGM lines, and no error.
		assert!(!response.contains("DCGM_FI_DEV"), "{response}");
		assert!(get(addr, "/other").await.starts_with("HTTP/1.1 404"));
		// The synthetic attestation source answers a GPU's nonce; a malformed query is a 503.
		let query = format!("/attestation?gpu={}&nonce={}", "01".repeat(32), "02".repeat(32));
		let attested = get(addr, &query).await;
		assert!(attested.starts_with("HTTP/1.1 200 OK"), "{attested}");
		let body = attested.split("\r\n\r\n").nth(1).unwrap_or_default();
		assert_eq!(body.lines().count(), 6, "a report and five certificates");
		assert!(get(addr, "/attestation?gpu=zz").await.starts_with("HTTP/1.1 503"));

		// A request in two TCP pieces, the second after a pause, is answered like one.
		let mut stream = TcpStream::connect(addr).await.expect("probe listens");
		stream.write_all(b"GET /metr").await.unwrap();
		stream.flush().await.unwrap();
		tokio::time::sleep(Duration::from_millis(200)).await;
		stream.write_all(b"ics HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
		let mut split = String::new();
		stream.read_to_string(&mut split).await.unwrap();
		assert!(split.starts_with("HTTP/1.1 200 OK"), "{split}");
		assert!(split.contains("node_filesystem_size_bytes"), "{split}");

		// A huge path is neither answered with a 200 nor echoed back.
		let mut stream = TcpStream::connect(addr).await.expect("probe listens");
		let request = format!("GET /{} HTTP/1.1\r\n\r\n", "x".repeat(64 * 1024));
		// The probe stops reading after its limit and closes: the write or the read may fail.
		let _ = stream.write_all(request.as_bytes()).await;
		let mut answer = Vec::new();
		let _ = stream.read_to_end(&mut answer).await;
		let answer = String::from_utf8_lossy(&answer);
		assert!(!answer.contains("xxxx") && !answer.contains("200 OK"), "{} bytes", answer.len());
	}

	#[test]
	fn the_worker_reads_the_probe_unless_told_otherwise() {
		use clap::Parser;
		#[derive(clap::Parser)]
		struct Cli {
			#[clap(flatten)]
			probe: ProbeParams,
		}
		let default = Cli::parse_from(["node"]).probe;
		assert_eq!(default.metrics_url(), "http://127.0.0.1:9616/metrics");
		assert_eq!(default.attestation_url().as_deref(), Some("http://127.0.0.1:9616/attestation"));
		assert_eq!(default.gpu_attestation_probe, crate::gpu_attestation::Source::Nvml);
		assert!(!default.no_probe && default.storage_paths.is_empty());
		let custom = Cli::parse_from([
			"node",
			"--metrics-source",
			"http://10.0.0.5:9400/metrics",
			"--probe-listen-addr",
			"127.0.0.1:9700",
			"--storage-path",
			"/data0",
			"--storage-path",
			"/data1",
			"--probe-interval",
			"2",
		])
		.probe;
		assert_eq!(custom.metrics_url(), "http://10.0.0.5:9400/metrics");
		assert_eq!(custom.storage_paths, vec![PathBuf::from("/data0"), PathBuf::from("/data1")]);
		assert_eq!(custom.probe_interval, 2);
		assert!(Cli::try_parse_from(["node", "--probe-interval", "0"]).is_err());
	}
}
