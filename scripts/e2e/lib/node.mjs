// Spawning the real depin-node binary on loopback ports and talking raw JSON-RPC to it.
import { spawn, execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { createWriteStream, mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const TARGET_DIR = process.env.CARGO_TARGET_DIR || '/var/tmp/depin-target';
export const NODE_BIN = process.env.DEPIN_NODE_BIN || join(TARGET_DIR, 'debug', 'depin-node');
// Logs of every node a test starts, kept for post-mortems (CI prints where they are).
export const LOG_DIR = process.env.DEPIN_E2E_LOG_DIR || mkdtempSync(join(tmpdir(), 'depin-e2e-logs-'));
mkdirSync(LOG_DIR, { recursive: true });

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A TCP port nobody listens on right now (the OS picks it). */
export async function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

/** `count` distinct free ports. */
export async function freePorts(count) {
  const ports = new Set();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/** One JSON-RPC call over HTTP. Resolves to the whole response object ({result} or {error}). */
export async function rpcCall(port, method, params = []) {
  const res = await fetch(`http://127.0.0.1:${port}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: 1, jsonrpc: '2.0', method, params }),
    signal: AbortSignal.timeout(10_000),
  });
  return res.json();
}

/** Like rpcCall, but returns `result` and throws on a JSON-RPC error. */
export async function rpc(port, method, params = []) {
  const body = await rpcCall(port, method, params);
  if (body.error) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
  return body.result;
}

export async function waitFor(what, check, { timeoutMs = 120_000, intervalMs = 500 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (e) {
      if (e.fatal) throw e;
      lastError = e;
    }
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${lastError.message}` : ''}`);
}

export async function bestNumber(port) {
  return parseInt((await rpc(port, 'chain_getHeader')).number, 16);
}

export async function finalizedNumber(port) {
  const hash = await rpc(port, 'chain_getFinalizedHead');
  return parseInt((await rpc(port, 'chain_getHeader', [hash])).number, 16);
}

/**
 * Starts depin-node with `args` plus free p2p/RPC/Prometheus/hardware-probe ports and waits
 * until its RPC answers. Returns { name, rpcPort, p2pPort, prometheusPort, probePort, basePath,
 * wsUrl, process, stop }.
 */
export async function startNode({ name = 'node', args = [], basePath } = {}) {
  const [p2pPort, rpcPort, prometheusPort, probePort] = await freePorts(4);
  basePath ??= mkdtempSync(join(tmpdir(), `depin-${name}-`));
  const logFile = join(LOG_DIR, `${name}-${rpcPort}.log`);
  const log = createWriteStream(logFile);
  const child = spawn(
    NODE_BIN,
    [
      ...args,
      '--base-path', basePath,
      '--listen-addr', `/ip4/127.0.0.1/tcp/${p2pPort}`,
      '--rpc-port', String(rpcPort),
      '--prometheus-port', String(prometheusPort),
      '--probe-listen-addr', `127.0.0.1:${probePort}`,
      '--no-mdns',
      '--no-telemetry',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; });

  await waitFor(`${name} RPC on port ${rpcPort} (log: ${logFile})`, async () => {
    if (exited) throw Object.assign(new Error(`${name} exited early ${JSON.stringify(exited)}; log: ${logFile}`), { fatal: true });
    return (await rpcCall(rpcPort, 'system_health')).result;
  }, { timeoutMs: 180_000 });

  return {
    name, rpcPort, p2pPort, prometheusPort, probePort, basePath, logFile,
    wsUrl: `ws://127.0.0.1:${rpcPort}`,
    process: child,
    get exited() { return exited; },
    async stop(signal = 'SIGTERM') {
      if (exited) return exited;
      const done = new Promise((r) => child.once('exit', (code, sig) => r({ code, signal: sig })));
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const result = await done;
      clearTimeout(timer);
      return result;
    },
  };
}

const execFileP = promisify(execFile);

/**
 * The environment of a scripts/local-net.sh network of `count` nodes: a fresh data folder under
 * the temp dir named by `prefix`, and four ranges of `count` free loopback ports (p2p, RPC,
 * Prometheus, hardware probe) that do not overlap.
 */
export async function localNetEnv(count, prefix) {
  const taken = [];
  const range = async () => {
    const base = await freePortRange(count, taken);
    for (let i = 0; i < count; i++) taken.push(base + i);
    return String(base);
  };
  return {
    DEPIN_NET_DIR: mkdtempSync(join(tmpdir(), prefix)),
    DEPIN_P2P_PORT: await range(),
    DEPIN_RPC_PORT: await range(),
    DEPIN_PROMETHEUS_PORT: await range(),
    DEPIN_PROBE_PORT: await range(),
  };
}

/** Runs scripts/local-net.sh with the given environment (ports, data folder). */
export async function localNet(env, ...args) {
  const { stdout, stderr } = await execFileP(join(REPO_ROOT, 'scripts', 'local-net.sh'), args, {
    env: { ...process.env, DEPIN_NODE_BIN: NODE_BIN, ...env },
    timeout: 300_000,
  });
  return { stdout, stderr };
}

async function isFree(port) {
  return new Promise((resolveFree) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolveFree(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolveFree(true)));
  });
}

/** The first port of `count` consecutive free ports (for scripts that number ports base+i). */
export async function freePortRange(count, avoid = []) {
  for (let attempt = 0; attempt < 200; attempt++) {
    // Below Linux's ephemeral range (32768+): there the kernel may hand a port to an outgoing
    // connection between this check and the node binding it (a node whose RPC port is taken
    // binds a random one instead, and the test then cannot reach it).
    const base = 20_000 + Math.floor(Math.random() * (32_000 - 20_000 - count));
    const range = Array.from({ length: count }, (_, i) => base + i);
    if (range.some((p) => avoid.includes(p))) continue;
    if ((await Promise.all(range.map(isFree))).every(Boolean)) return base;
  }
  throw new Error(`no ${count} consecutive free ports found`);
}
