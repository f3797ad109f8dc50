// Spawning the real depin-node binary on loopback ports and talking raw JSON-RPC to it.
import { spawn, execFile, execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import {
  createWriteStream, mkdtempSync, mkdirSync, readFileSync,
} from 'node:fs';
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
// Raw chain specs exported from NODE_BIN (scripts/build.sh writes them; rawSpec() below
// refreshes one older than the binary). A raw spec holds the genesis storage itself, so a node
// starts without running the runtime to build it (a preset spec compiles the runtime twice for
// that, on every start).
export const SPEC_DIR = process.env.DEPIN_SPEC_DIR || join(TARGET_DIR, 'chain-specs');
// wasmtime's on-disk cache of compiled runtimes, shared by every node: a node compiles a runtime
// the first time any node meets it, not at every start.
export const WASM_CACHE_DIR = process.env.DEPIN_WASM_CACHE_DIR || join(TARGET_DIR, 'wasm-cache');
/** What every node (and scripts/local-net.sh) runs with. */
export const NODE_ENV = { ...process.env, DEPIN_NODE_BIN: NODE_BIN, DEPIN_SPEC_DIR: SPEC_DIR, DEPIN_WASM_CACHE_DIR: WASM_CACHE_DIR };

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * The raw spec of the built-in chain `name` ('dev' or 'local'): `raw_spec` of scripts/lib.sh, the
 * one place that exports it (again when missing or older than NODE_BIN, atomically).
 */
export function rawSpec(name) {
  const lib = join(REPO_ROOT, 'scripts', 'lib.sh');
  return execFileSync('bash', ['-c', 'source "$1" && raw_spec "$2"', 'raw-spec', lib, name], {
    env: NODE_ENV,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

/** `args` with the built-in chains (`--dev`, `--chain dev|local`) taken from their raw specs. */
export function withRawSpecs(args) {
  const out = [...args];
  const chain = out.indexOf('--chain');
  if (chain >= 0) {
    if (['dev', 'local'].includes(out[chain + 1])) out[chain + 1] = rawSpec(out[chain + 1]);
  } else if (out.includes('--dev')) {
    // `--chain` overrides the chain `--dev` implies; --dev keeps its other meanings (--alice,
    // --force-authoring, --rpc-cors all, ...).
    out.push('--chain', rawSpec('dev'));
  }
  return out;
}

/*
 * Loopback ports. Test files run in parallel processes (scripts/test.sh's lanes), so each process
 * takes its ports from its own range, DEPIN_E2E_PORTS ("first-last"; default a random start in
 * 20000-31999), below Linux's ephemeral range (32768+) where the kernel might hand a port to an
 * outgoing connection between our check and the node binding it. Within a process no port is
 * handed out twice (until the range wraps), and each is checked free when handed out.
 */
const PORT_RANGE = (() => {
  const spec = process.env.DEPIN_E2E_PORTS;
  if (!spec) return { first: 20_000, last: 31_999, random: true };
  const [first, last] = spec.split('-').map(Number);
  if (!(first > 1024 && last >= first + 100 && last < 32_768)) throw new Error(`DEPIN_E2E_PORTS=${spec}: want first-last, at least 100 ports, below 32768`);
  return { first, last, random: false };
})();
let portCursor = PORT_RANGE.random
  ? PORT_RANGE.first + Math.floor(Math.random() * (PORT_RANGE.last - PORT_RANGE.first))
  : PORT_RANGE.first;
/** Serializes allocations: concurrent tests in one process (crash.test.mjs) never share a port. */
let portLock = Promise.resolve();

async function isFree(port) {
  return new Promise((resolveFree) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolveFree(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolveFree(true)));
  });
}

/** `count` consecutive free ports of this process's range, never handed out before: the first. */
function takePorts(count) {
  const take = portLock.then(async () => {
    const size = PORT_RANGE.last - PORT_RANGE.first + 1;
    for (let tried = 0; tried < size; tried += count) {
      if (portCursor + count - 1 > PORT_RANGE.last) portCursor = PORT_RANGE.first;
      const base = portCursor;
      portCursor += count;
      const range = Array.from({ length: count }, (_, i) => base + i);
      if ((await Promise.all(range.map(isFree))).every(Boolean)) return base;
    }
    throw new Error(`no ${count} consecutive free ports in ${PORT_RANGE.first}-${PORT_RANGE.last}`);
  });
  portLock = take.catch(() => {});
  return take;
}

/** A free loopback TCP port. */
export async function freePort() {
  return takePorts(1);
}

/** `count` distinct free ports. */
export async function freePorts(count) {
  const base = await takePorts(count);
  return Array.from({ length: count }, (_, i) => base + i);
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
 * until its RPC answers. `--dev` and `--chain dev|local` run from the raw specs (rawSpec).
 * Returns { name, rpcPort, p2pPort, prometheusPort, probePort, basePath, wsUrl, process, stop }.
 * A node that exits at start-up because one of its ports was taken meanwhile (by a process
 * outside the tests) is started again on other ports.
 */
export async function startNode({ name = 'node', args = [], basePath } = {}) {
  basePath ??= mkdtempSync(join(tmpdir(), `depin-${name}-`));
  const nodeArgs = withRawSpecs(args);
  for (let attempt = 1; ; attempt++) {
    try {
      return await startNodeOnce(name, nodeArgs, basePath);
    } catch (e) {
      if (!e.portTaken || attempt === 3) throw e;
    }
  }
}

async function startNodeOnce(name, args, basePath) {
  const [p2pPort, rpcPort, prometheusPort, probePort] = await freePorts(4);
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
    { stdio: ['ignore', 'pipe', 'pipe'], env: NODE_ENV },
  );
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let exited = null;
  const exit = new Promise((r) => child.on('exit', (code, signal) => { exited = { code, signal }; r(); }));

  try {
    await waitFor(`${name} RPC on port ${rpcPort} (log: ${logFile})`, async () => {
      if (exited) {
        // Its last lines reach the log file once the pipes close.
        await Promise.race([new Promise((r) => (log.writableFinished ? r() : log.once('finish', r))), sleep(2_000)]);
        const portTaken = /already in use|os error 98/i.test(readFileSync(logFile, 'utf8'));
        throw Object.assign(new Error(`${name} exited early ${JSON.stringify(exited)}; log: ${logFile}`), { fatal: true, portTaken });
      }
      // A node whose RPC port is taken binds a random one instead: only its own "Running JSON-RPC
      // server" line naming this port proves that what answers there is this node.
      const serving = /Running JSON-RPC server: addr=(\S+)/.exec(readFileSync(logFile, 'utf8'))?.[1];
      if (!serving) return false;
      if (!serving.split(',').includes(`127.0.0.1:${rpcPort}`)) {
        throw Object.assign(new Error(`${name}: RPC port ${rpcPort} was taken, the node serves ${serving}; log: ${logFile}`), { fatal: true, portTaken: true });
      }
      return (await rpcCall(rpcPort, 'system_health')).result;
    }, { timeoutMs: 180_000 });
  } catch (e) {
    if (!exited) {
      child.kill('SIGKILL');
      await exit;
    }
    throw e;
  }

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
  const range = async () => String(await freePortRange(count));
  return {
    DEPIN_NET_DIR: mkdtempSync(join(tmpdir(), prefix)),
    DEPIN_P2P_PORT: await range(),
    DEPIN_RPC_PORT: await range(),
    DEPIN_PROMETHEUS_PORT: await range(),
    DEPIN_PROBE_PORT: await range(),
    DEPIN_CHAIN: rawSpec('local'),
  };
}

/** Runs scripts/local-net.sh with the given environment (ports, data folder, chain spec). */
export async function localNet(env, ...args) {
  const { stdout, stderr } = await execFileP(join(REPO_ROOT, 'scripts', 'local-net.sh'), args, {
    env: { ...NODE_ENV, ...env },
    timeout: 300_000,
  });
  return { stdout, stderr };
}

/** The first port of `count` consecutive free ports (for scripts that number ports base+i). */
export async function freePortRange(count) {
  return takePorts(count);
}
