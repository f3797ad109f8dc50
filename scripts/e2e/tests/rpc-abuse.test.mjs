// A real depin-node --dev under abuse, on loopback only, every loop bounded (issue 16, part 3).
//
// RPC: oversized account arguments (base58 decoding is quadratic in its input) and floods of
// depin_* runtime calls, which used to freeze a node's RPC; malformed, oversized (10 MB and past
// --rpc-max-request-size), deeply nested and batched JSON-RPC requests; more websocket
// connections and subscriptions than the node's limits; every depin_* method with wrong types
// and extreme arguments. Transaction pool: floods of garbage, wrongly signed and replayed
// extrinsics and usage reports. Hardware probe: 500 concurrent GETs and 200 half-open
// connections. Every request must be answered with a JSON-RPC error, an HTTP 4xx or a pool
// rejection (or a result, where the value is legitimately valid), never with a crash or a hang.
// Meanwhile another client's system_health keeps answering within a second (a liveness bound,
// not a speed goal); afterwards the node still authors and finalizes, and its memory stays
// bounded. What was sent and how it was answered is recorded for docs/reliability.md
// (lib/figures.mjs).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import WebSocket from 'ws';
import { compactAddLength, stringToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { decodeAddress, encodeAddress } from '@polkadot/util-crypto';

import { startNode, rpc, rpcCall, waitFor, bestNumber, finalizedNumber, sleep, NODE_BIN } from '../lib/node.mjs';
import { connect, devKeyring, reportingKeyProof, sendAndFinalize } from '../lib/chain.mjs';
import { DEPIN_RPC } from '../lib/depin-rpc.mjs';
import { recordFigures, peakRssMiB, rssMiB } from '../lib/figures.mjs';

const ALICE = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';
const INVALID_PARAMS = -32602;
const DPN = 10n ** 12n;
const MiB = 1024 * 1024;
// `pallet_attestation::REPORT_SIGNING_CONTEXT`, SCALE-encoded as a byte slice.
const REPORT_SIGNING_CONTEXT = compactAddLength(stringToU8a('depin/usage-report/v1'));

/** Raw JSON-RPC POST (single call or batch); resolves to { status, text }. */
async function post(port, body) {
  const res = await fetch(`http://127.0.0.1:${port}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(120_000),
  });
  return { status: res.status, text: await res.text() };
}

/**
 * Samples system_health every 100 ms until `work` settles (and at least five times, so a quick
 * refusal still gets measured); resolves to the slowest answer in ms.
 */
async function slowestHealthDuring(port, work) {
  let done = false;
  let slowest = 0;
  let samples = 0;
  const sampler = (async () => {
    while (!done || samples < 5) {
      const started = performance.now();
      const body = await rpcCall(port, 'system_health');
      assert.ok(body.result, JSON.stringify(body));
      slowest = Math.max(slowest, performance.now() - started);
      samples += 1;
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  try {
    await work;
  } finally {
    done = true;
    await sampler;
  }
  assert.ok(samples >= 5, `only ${samples} health samples`);
  return slowest;
}

/**
 * One HTTP request on a fresh connection (closed afterwards), with any method, headers and raw
 * body (string or bytes). Resolves to { status, text, bytes }, or { refused } when the server
 * closed the connection without answering; rejects if nothing happens within `timeoutMs` (a
 * hang is a failure). With `expectContinue` the body is sent only once the server asks for it
 * (`Expect: 100-continue`), so a refusal on the headers alone is seen as such.
 */
function httpRaw(port, { method = 'POST', path = '/', headers = { 'content-type': 'application/json' }, body, timeoutMs = 60_000, expectContinue = false } = {}) {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (fn, value) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      fn(value);
    };
    const length = body === undefined ? {} : { 'content-length': Buffer.byteLength(body) };
    const expect = expectContinue ? { expect: '100-continue' } : {};
    const req = http.request({ host: '127.0.0.1', port, method, path, headers: { ...headers, ...length, ...expect }, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const data = Buffer.concat(chunks);
        settle(resolve, { status: res.statusCode, text: data.toString('utf8'), bytes: data.length });
      });
      res.on('error', (e) => settle(resolve, { refused: e.code || e.message }));
    });
    const timer = setTimeout(() => {
      req.destroy();
      settle(reject, new Error(`${method} with a ${length['content-length'] ?? 0}-byte body: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    // The server may answer (413) and close before the whole body is written: the answer counts,
    // the write error after it does not.
    req.on('error', (e) => settle(resolve, { refused: e.code || e.message }));
    if (expectContinue) {
      req.on('continue', () => req.end(body));
      req.flushHeaders();
    } else {
      req.end(body);
    }
  });
}

/** Runs `fn` over `items` with at most `limit` at a time; resolves to the results in order. */
async function mapLimit(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  }));
  return out;
}

/** Counts of answers by kind, rendered "a ×3; b ×1" (most frequent first). */
class Tally {
  constructor() {
    this.counts = new Map();
    this.total = 0;
  }

  add(key, n = 1) {
    this.counts.set(key, (this.counts.get(key) ?? 0) + n);
    this.total += n;
  }

  keys() {
    return [...this.counts.keys()];
  }

  toString() {
    return [...this.counts].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ×${n}`).join('; ');
  }
}

/**
 * How an HTTP exchange was answered: "JSON-RPC -32601", "HTTP 400 JSON-RPC -32700", "HTTP 415",
 * "HTTP 200 empty", "connection closed (EPIPE)".
 */
function answerOf({ status, text, refused }) {
  if (refused) return `connection closed (${refused})`;
  const prefix = status === 200 ? '' : `HTTP ${status} `;
  if (text === '') return `HTTP ${status}, empty (no answer, as to a notification)`;
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    return `HTTP ${status}`;
  }
  if (Array.isArray(body)) {
    const entries = body.map((a) => (a?.error ? `JSON-RPC ${a.error.code}` : 'result'));
    return `${prefix}batch of ${body.length} answers${body.length <= 3 ? ` (${entries.join(', ')})` : ''}`;
  }
  if (body?.error) return `${prefix}JSON-RPC ${body.error.code}`;
  if (body && 'result' in body) return `${prefix}result`;
  return `HTTP ${status} ${text.slice(0, 40)}`;
}

/** A pool's answer to author_submitExtrinsic: "1010 Invalid Transaction: Transaction has a bad signature". */
function poolAnswer(answer) {
  if (!answer.error) return 'accepted';
  const { code, message, data } = answer.error;
  const detail = data === undefined ? '' : `: ${typeof data === 'string' ? data : JSON.stringify(data)}`;
  return `${code} ${message}${detail}`.replace(/\s+/g, ' ').trim().slice(0, 140);
}

/** The default of a `--flag` in `depin-node --help` (undefined if it has none). */
function optionDefault(help, flag) {
  const start = help.search(new RegExp(`^\\s+--${flag}[ =<\\n]`, 'm'));
  assert.ok(start >= 0, `depin-node --help has no --${flag}`);
  const rest = help.slice(start).replace(/^\s+/, '');
  const end = rest.search(/\n\s+-{1,2}[a-z]/);
  const block = end < 0 ? rest : rest.slice(0, end);
  return /\[default: ([^\]]+)\]/.exec(block)?.[1];
}

/**
 * Submits extrinsics (hex) with author_submitExtrinsic, in JSON-RPC batches of at most 100 calls
 * and 4 MiB; resolves to the answers in order.
 */
async function submitAll(port, hexes) {
  const answers = [];
  for (let i = 0; i < hexes.length;) {
    const chunk = [hexes[i++]];
    let bytes = chunk[0].length;
    while (i < hexes.length && chunk.length < 100 && bytes + hexes[i].length <= 4 * MiB) {
      bytes += hexes[i].length;
      chunk.push(hexes[i++]);
    }
    const body = JSON.stringify(chunk.map((hex, id) => ({ jsonrpc: '2.0', id, method: 'author_submitExtrinsic', params: [hex] })));
    const { status, text, refused } = await httpRaw(port, { body, timeoutMs: 120_000 });
    assert.equal(status, 200, `${refused ?? ''} ${text?.slice(0, 300)}`);
    const replies = JSON.parse(text);
    assert.equal(replies.length, chunk.length, text.slice(0, 300));
    replies.sort((a, b) => a.id - b.id);
    answers.push(...replies);
  }
  return answers;
}

/** `bytes` with the byte at `index` flipped. */
function flipped(bytes, index) {
  const out = Uint8Array.from(bytes);
  out[index] ^= 0xff;
  return out;
}

/** Index of `needle` in `haystack` (Uint8Arrays), or -1. */
function indexOfBytes(haystack, needle) {
  return Buffer.from(haystack).indexOf(Buffer.from(needle));
}

/** A JSON-RPC client on one websocket. */
class WsClient {
  /**
   * Opens a websocket to `url`; resolves to { client } or, when the server refuses the upgrade
   * or drops the connection, { refused }. Rejects if neither happens within `timeoutMs`.
   */
  static open(url, { timeoutMs = 10_000 } = {}) {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: 256 * MiB });
      ws.on('error', () => {});
      let settled = false;
      const settle = (fn, value) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        fn(value);
      };
      const timer = setTimeout(() => {
        ws.terminate();
        settle(reject, new Error(`websocket ${url}: no answer to the upgrade within ${timeoutMs} ms`));
      }, timeoutMs);
      ws.once('open', () => settle(resolve, { client: new WsClient(ws) }));
      ws.once('unexpected-response', (req, res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => { text += c; });
        res.on('end', () => {
          req.destroy();
          settle(resolve, { refused: `HTTP ${res.statusCode} ${text.trim().slice(0, 80)}`.trim() });
        });
      });
      ws.once('error', (e) => settle(resolve, { refused: e.code || e.message }));
    });
  }

  constructor(ws) {
    this.ws = ws;
    this.nextId = 1;
    this.pending = new Map();
    this.notifications = 0;
    /** Answers with no id we wait for (parse errors answer with id null). */
    this.unmatched = [];
    this.closed = null;
    ws.on('message', (data) => {
      let message;
      try {
        message = JSON.parse(data.toString());
      } catch {
        return;
      }
      for (const m of Array.isArray(message) ? message : [message]) {
        const waiter = m?.id !== undefined && this.pending.get(m.id);
        if (waiter) {
          this.pending.delete(m.id);
          waiter(m);
        } else if (m?.method) {
          this.notifications += 1;
        } else {
          this.unmatched.push(m);
        }
      }
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      for (const waiter of this.pending.values()) waiter({ closed: this.closed });
      this.pending.clear();
    });
  }

  /** Sends one call; resolves to the answer ({result} or {error}), or { closed } if the server closed. */
  call(method, params = [], { timeoutMs = 30_000 } = {}) {
    const id = this.nextId++;
    return this.send(id, JSON.stringify({ jsonrpc: '2.0', id, method, params }), timeoutMs);
  }

  /** Sends raw `text` expecting an answer with `id`. */
  send(id, text, timeoutMs = 30_000) {
    if (this.closed) return Promise.resolve({ closed: this.closed });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`websocket: no answer to request ${id} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, (answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
      this.ws.send(text, (error) => {
        if (error && this.pending.has(id)) {
          this.pending.delete(id);
          clearTimeout(timer);
          resolve({ closed: { error: error.message } });
        }
      });
    });
  }

  /** Sends raw `text` expecting no answer with an id. */
  sendRaw(text) {
    this.ws.send(text, () => {});
  }

  /** The next answer without an id of ours (bounded wait); undefined if none came or the connection closed. */
  async nextUnmatched(ms) {
    const deadline = Date.now() + ms;
    while (this.unmatched.length === 0 && !this.closed && Date.now() < deadline) await sleep(20);
    return this.unmatched.shift();
  }

  /** Waits (bounded) until the server closes the connection; resolves to { code, reason } or null. */
  async closedWithin(ms) {
    const deadline = Date.now() + ms;
    while (!this.closed && Date.now() < deadline) await sleep(50);
    return this.closed;
  }

  close() {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.ws.terminate(), 2_000);
      this.ws.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.ws.close();
    });
  }
}

/**
 * Sends `GET path` on a raw TCP connection to the hardware probe and reads until it closes;
 * resolves to { status, body }. Rejects after `timeoutMs`.
 */
function probeGet(port, path = '/metrics', timeoutMs = 30_000) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`probe GET ${path}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('connect', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/plain\r\n\r\n`));
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    socket.on('end', () => {
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('utf8');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
      resolve({ status, body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
  });
}

describe('RPC under abuse', { timeout: 600_000 }, () => {
  let node;
  let api;
  let keys;
  /** The node's RPC limits, from `depin-node --help` (the project sets none of its own). */
  const limits = {};
  /** Resident memory, block heights and time when the abuse began. */
  const start = {};
  /** Figure rows for docs/reliability.md, written once at the end. */
  const figures = [];
  const figure = (group, what, count, outcome) => figures.push({ group, what, count, outcome: outcome.replace(/\s+/g, ' ').trim() });
  /** Ferdie registered as a provider with a reporting key known to the test: { provider, reportingKey }. */
  let providerReady;

  before(async () => {
    const help = execFileSync(NODE_BIN, ['--help'], { encoding: 'utf8', maxBuffer: 16 * MiB });
    limits.connections = Number(optionDefault(help, 'rpc-max-connections'));
    limits.subscriptions = Number(optionDefault(help, 'rpc-max-subscriptions-per-connection'));
    limits.requestMiB = Number(optionDefault(help, 'rpc-max-request-size'));
    limits.responseMiB = Number(optionDefault(help, 'rpc-max-response-size'));
    limits.batch = optionDefault(help, 'rpc-max-batch-request-len') ?? 'unlimited';
    for (const key of ['connections', 'subscriptions', 'requestMiB', 'responseMiB']) {
      assert.ok(limits[key] > 0, `RPC limit ${key} from --help: ${limits[key]}`);
    }

    node = await startNode({ name: 'rpc-abuse', args: ['--dev'] });
    api = await connect(node.wsUrl);
    keys = await devKeyring();
    // Registering a provider takes a few blocks and its report window opens only after the
    // first epoch (10 blocks): started now, awaited by the report test.
    // A report must settle something: the provider rents a core to Eve, which its genuine
    // report charges.
    providerReady = (async () => {
      const provider = keys.ferdie;
      const reportingKey = keys.keyring.addFromUri('//Ferdie//abuse-reporting');
      await sendAndFinalize(api, api.tx.utility.batchAll([
        api.tx.providers.register(200n * DPN, 'eu-west', 'abuse test'),
        api.tx.providers.setCapacity(0, 1),
        api.tx.providers.setPrices({ gpu: [], storageGib: 0, cpuCore: DPN }),
        api.tx.providers.setReportingKey(u8aToHex(reportingKey.publicKey), reportingKeyProof(api, reportingKey, provider.address)),
      ]), provider);
      const rented = await sendAndFinalize(api, api.tx.leases.rent(provider.address, {
        gpus: 0, gpuModel: null, minVramMib: 0, storageGib: 0, cpuCores: 1,
      }, 10n * DPN), keys.eve);
      const lease = rented.events.find(({ event }) => api.events.leases.LeaseOpened.is(event)).event.data.lease.toNumber();
      return { provider, reportingKey, lease };
    })();
    providerReady.catch(() => {}); // awaited (and reported) by its test
    Object.assign(start, {
      rssMiB: rssMiB(node.process.pid),
      best: await bestNumber(node.rpcPort),
      finalized: await finalizedNumber(node.rpcPort),
      at: Date.now(),
    });
  });

  after(async () => {
    if (figures.length > 0) recordFigures('rpc-abuse', figures);
    await api?.disconnect();
    await node?.stop();
  });

  it('refuses oversized account arguments before decoding them, and does not echo them', async () => {
    const huge = '5'.repeat(256 * 1024);
    const attack = Promise.all(
      [
        ['depin_provider', [huge]],
        ['depin_leasesOf', [huge]],
        ['depin_providerHistory', [huge, 100]],
        ['system_accountNextIndex', [huge]],
        ['account_nextIndex', [huge]],
        ['depin_provider', ['x'.repeat(10 * 1024 * 1024)]],
      ].map(async ([method, params]) => {
        const { text } = await post(node.rpcPort, { id: 1, jsonrpc: '2.0', method, params });
        const body = JSON.parse(text);
        assert.equal(body.error?.code, INVALID_PARAMS, `${method}: ${text.slice(0, 300)}`);
        assert.ok(text.length < 512, `${method} answered ${text.length} bytes: the argument echoed back`);
        return method;
      }),
    );
    const slowest = await slowestHealthDuring(node.rpcPort, attack);
    assert.ok(slowest < 1_000, `system_health took ${slowest.toFixed(0)} ms during the attack`);
    figure('RPC abuse', 'oversized account arguments (256 KiB and 10 MiB SS58 text) to depin_* and system_accountNextIndex', 6,
      `JSON-RPC ${INVALID_PARAMS}, under 512 bytes (not echoed); system_health ≤ ${slowest.toFixed(0)} ms meanwhile`);

    // The guarded methods still serve real addresses.
    const nonce = await rpcCall(node.rpcPort, 'system_accountNextIndex', [ALICE]);
    assert.equal(nonce.result, 0, JSON.stringify(nonce));
    const alias = await rpcCall(node.rpcPort, 'account_nextIndex', [ALICE]);
    assert.equal(alias.result, 0, JSON.stringify(alias));
    assert.equal((await rpcCall(node.rpcPort, 'depin_provider', [ALICE])).result, null);
    assert.deepEqual((await rpcCall(node.rpcPort, 'depin_leasesOf', [ALICE])).result, []);
    const bad = await rpcCall(node.rpcPort, 'depin_provider', ['not-an-address']);
    assert.equal(bad.error?.code, INVALID_PARAMS);
  });

  it('keeps answering other clients while one floods it with batches of depin_* calls', async () => {
    const batch = Array.from({ length: 200 }, (_, i) => ({
      id: i,
      jsonrpc: '2.0',
      method: ['depin_networkStats', 'depin_providers', 'depin_epochLedger', 'depin_leasesOf', 'depin_providerHistory'][i % 5],
      params: [[], [null, 100], [0], [ALICE], [ALICE, 100]][i % 5],
    }));
    const flood = (async () => {
      let answered = 0;
      const deadline = Date.now() + 8_000;
      while (Date.now() < deadline) {
        const replies = await Promise.all(Array.from({ length: 4 }, () => post(node.rpcPort, batch)));
        for (const { status, text } of replies) {
          assert.equal(status, 200);
          const answers = JSON.parse(text);
          assert.equal(answers.length, batch.length);
          assert.ok(answers.every((a) => a.result !== undefined), text.slice(0, 300));
          answered += answers.length;
        }
      }
      return answered;
    })();
    const slowest = await slowestHealthDuring(node.rpcPort, flood);
    const answered = await flood;
    assert.ok(answered >= 800, `the flood itself was served: ${answered} calls`);
    assert.ok(slowest < 1_000, `system_health took ${slowest.toFixed(0)} ms during the flood`);
    figure('RPC abuse', 'depin_* runtime calls in batches of 200, 4 at a time for 8 s', answered,
      `every call answered with a result; system_health ≤ ${slowest.toFixed(0)} ms meanwhile`);
  });

  it('answers malformed JSON-RPC bodies with a JSON-RPC error or an HTTP 4xx', async () => {
    const call = (fields) => JSON.stringify({ jsonrpc: '2.0', id: 1, ...fields });
    const deepArrays = (n) => '['.repeat(n) + ']'.repeat(n);
    const deepObjects = (n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
    const health = call({ method: 'system_health' });
    // 4 KiB of random bytes, the same in every repeat: the node parses a body that starts with
    // `{` or `[` (after whitespace) as JSON (HTTP 200, -32700) and refuses any other (HTTP 400,
    // -32700), so different random bodies may be answered differently, and rightly; the same
    // body must be answered the same way every time.
    const random4KiB = randomBytes(4096);
    // [kind, request (a function), the answers allowed]
    const PARSE = /^(HTTP 400 )?JSON-RPC -32700$/;
    const INVALID_REQUEST = /^JSON-RPC -32600$/;
    const INVALID = /^(HTTP 400 )?JSON-RPC -32(700|600|602)$/;
    const HTTP_4XX = /^HTTP 4\d\d/;
    const kinds = [
      ['truncated JSON', () => ({ body: health.slice(0, -1) }), PARSE],
      ['JSON followed by garbage', () => ({ body: `${health}}{` }), PARSE],
      ['empty body', () => ({ body: '' }), PARSE],
      ['4 KiB of random bytes', () => ({ body: random4KiB }), PARSE],
      ['invalid UTF-8 inside a string', () => ({
        body: Buffer.concat([Buffer.from('{"jsonrpc":"2.0","id":1,"method":"system_'), Buffer.from([0xff, 0xfe, 0xc0]), Buffer.from('"}')]),
      }), INVALID],
      ['number 1e999999 as a param', () => ({ body: '{"jsonrpc":"2.0","id":1,"method":"depin_lease","params":[1e999999]}' }), INVALID],
      ['100,000-deep nested arrays as params', () => ({ body: `{"jsonrpc":"2.0","id":1,"method":"depin_lease","params":${deepArrays(100_000)}}` }), INVALID],
      ['100,000-deep nested objects as params', () => ({ body: `{"jsonrpc":"2.0","id":1,"method":"depin_lease","params":${deepObjects(100_000)}}` }), INVALID],
      ['100,000-deep nested arrays as the body', () => ({ body: deepArrays(100_000) }), /^batch of 1 answers \(JSON-RPC -32600\)$|^(HTTP 400 )?JSON-RPC -32700$/],
      ['jsonrpc "1.0"', () => ({ body: call({ jsonrpc: '1.0', method: 'system_health' }) }), INVALID_REQUEST],
      ['no jsonrpc member', () => ({ body: JSON.stringify({ id: 1, method: 'system_health' }) }), INVALID_REQUEST],
      ['no method', () => ({ body: call({ params: [] }) }), INVALID_REQUEST],
      ['method a number', () => ({ body: call({ method: 42 }) }), INVALID_REQUEST],
      ['id an object', () => ({ body: call({ id: { a: 1 }, method: 'system_health' }) }), /^JSON-RPC -32600$|^HTTP 200, empty/],
      ['a JSON string as the body', () => ({ body: '"system_health"' }), PARSE],
      ['empty batch', () => ({ body: '[]' }), INVALID_REQUEST],
      ['unknown method', () => ({ body: call({ method: 'depin_doesNotExist' }) }), /^JSON-RPC -32601$/],
      ['params a string', () => ({ body: call({ method: 'depin_lease', params: '7' }) }), INVALID],
      ['params a number', () => ({ body: call({ method: 'depin_lease', params: 7 }) }), INVALID],
      ['content-type text/plain', () => ({ body: health, headers: { 'content-type': 'text/plain' } }), HTTP_4XX],
      ['no content-type', () => ({ body: health, headers: {} }), HTTP_4XX],
      ['PUT instead of POST', () => ({ method: 'PUT', body: health }), HTTP_4XX],
    ];
    const REPEAT = 5;
    const requests = kinds.flatMap(([kind, make, expected]) => Array.from({ length: REPEAT }, () => ({ kind, expected, ...make() })));
    const byKind = new Map(kinds.map(([kind]) => [kind, new Tally()]));
    let largestAnswer = 0;
    const work = mapLimit(requests, 8, async ({ kind, expected, ...request }) => {
      const answer = await httpRaw(node.rpcPort, request);
      const how = answerOf(answer);
      byKind.get(kind).add(how);
      largestAnswer = Math.max(largestAnswer, answer.bytes ?? 0);
      assert.match(how, expected, `${kind}: ${answer.text?.slice(0, 200)}`);
      assert.ok((answer.bytes ?? 0) < 1024, `${kind}: a ${answer.bytes}-byte answer`);
    });
    const slowest = await slowestHealthDuring(node.rpcPort, work);
    await work;
    assert.ok(slowest < 1_000, `system_health took ${slowest.toFixed(0)} ms meanwhile`);

    // One figure row per way of answering, naming the kinds answered that way.
    const byAnswer = new Map();
    for (const [kind, tally] of byKind) {
      const how = tally.toString().replace(/ ×\d+$/, '');
      assert.equal(tally.keys().length, 1, `${kind} answered differently on repeats: ${tally}`);
      byAnswer.set(how, [...(byAnswer.get(how) ?? []), kind]);
    }
    for (const [how, names] of byAnswer) {
      figure('RPC abuse', `malformed bodies: ${names.join(', ')} (${names.length} kinds × ${REPEAT})`, names.length * REPEAT, how);
    }
    figure('RPC abuse', `system_health of another client during the ${requests.length} malformed bodies`, 1,
      `≤ ${slowest.toFixed(0)} ms; largest answer ${largestAnswer} bytes`);
  });

  it('answers a 10 MB request and refuses one beyond --rpc-max-request-size, over HTTP and websocket', async () => {
    const maxBytes = limits.requestMiB * MiB;
    const tenMB = 10_000_000;
    // A call of `method` whose one string argument fills the body to `bytes` (`wrap` may change
    // the string: quotes take two bytes each in JSON).
    const filler = (method, bytes, wrap = (s) => [s]) => {
      const head = `{"jsonrpc":"2.0","id":1,"method":"${method}","params":`;
      const empty = `${head}${JSON.stringify(wrap(''))}}`;
      const width = JSON.stringify(wrap('a')).length - JSON.stringify(wrap('')).length;
      return `${head}${JSON.stringify(wrap('a'.repeat(Math.floor((bytes - empty.length) / width))))}}`;
    };
    const hexFiller = (bytes) => {
      const head = '{"jsonrpc":"2.0","id":1,"method":"author_submitExtrinsic","params":["0x';
      const tail = '"]}';
      return `${head}${'ab'.repeat(Math.floor((bytes - head.length - tail.length) / 2))}${tail}`;
    };
    const numbers = (bytes) => {
      const head = '{"jsonrpc":"2.0","id":1,"method":"depin_lease","params":[';
      return `${head}${'0,'.repeat(Math.floor((bytes - head.length - 3) / 2))}0]}`;
    };
    const cases = [
      ['10 MB of hex as an extrinsic (author_submitExtrinsic)', hexFiller(tenMB), 'answered'],
      ['10 MB string as an epoch (depin_epochLedger)', filler('depin_epochLedger', tenMB), 'answered'],
      ['14 MiB of escaped quotes as an epoch (depin_epochLedger)', filler('depin_epochLedger', 14 * MiB, (t) => [t.replace(/a/g, '"')]), 'answered'],
      ['10 MB params array of 5 million numbers (depin_lease)', numbers(tenMB), 'answered'],
      [`${limits.requestMiB + 1} MiB body (limit ${limits.requestMiB} MiB), sent after "Expect: 100-continue"`, filler('system_health', maxBytes + MiB), '413'],
      ['64 MiB body, sent at once', filler('system_health', 64 * MiB), 'refused'],
    ];
    const tally = new Map();
    const work = (async () => {
      for (const [what, body, expected] of cases) {
        const answer = await httpRaw(node.rpcPort, { body, timeoutMs: 120_000, expectContinue: expected === '413' });
        const how = answerOf(answer);
        if (expected === 'answered') {
          assert.equal(answer.status, 200, `${what}: ${how}`);
          const error = JSON.parse(answer.text).error;
          assert.ok(error, `${what}: an error, not ${answer.text.slice(0, 200)}`);
          // A wrong-typed argument may be quoted back in the error (serde's message), but no
          // answer exceeds --rpc-max-response-size.
          assert.ok(answer.bytes <= limits.responseMiB * MiB + 1024, `${what}: a ${answer.bytes}-byte answer`);
          const size = answer.bytes < 10_000 ? `${answer.bytes} bytes` : `${(answer.bytes / 1e6).toFixed(1)} MB (the argument quoted back)`;
          tally.set(what, `${how} ${error.message.trim()}, answer ${size}`);
        } else {
          let message = '';
          try {
            message = JSON.parse(answer.text).error?.message ?? '';
          } catch { /* a refusal without a JSON body */ }
          tally.set(what, `${how} ${message}`.trim());
          // Sent at once, the body may still be on its way when the node answers 413 and closes.
          const refused = answer.status === 413 || (expected === 'refused' && answer.refused);
          assert.ok(refused, `${what}: refused (HTTP 413${expected === 'refused' ? ' or closed' : ''}), not ${how} ${answer.text?.slice(0, 200)}`);
        }
      }
    })();
    const slowest = await slowestHealthDuring(node.rpcPort, work);
    await work;
    assert.ok(slowest < 1_000, `system_health took ${slowest.toFixed(0)} ms meanwhile`);
    for (const [what, how] of tally) figure('RPC abuse', `oversized HTTP request: ${what}`, 1, how);

    // Over a websocket: a 10 MB message is answered; one beyond the limit is answered with an
    // error (or ends the connection), and a new connection works.
    const opened = await WsClient.open(node.wsUrl);
    assert.ok(opened.client, `websocket refused: ${opened.refused}`);
    const ws = opened.client;
    const tenMbAnswer = await ws.send(1, filler('depin_provider', tenMB), 60_000);
    assert.equal(tenMbAnswer.error?.code, INVALID_PARAMS, JSON.stringify(tenMbAnswer).slice(0, 300));
    ws.sendRaw(filler('system_health', maxBytes + MiB));
    const tooBigAnswer = await ws.nextUnmatched(60_000);
    const closed = ws.closed;
    assert.ok(tooBigAnswer?.error || closed, `a ${limits.requestMiB + 1} MiB websocket message: neither an error nor a close`);
    let wsHow = tooBigAnswer?.error ? `JSON-RPC ${tooBigAnswer.error.code} ${tooBigAnswer.error.message}` : `connection closed (${closed.code} ${closed.reason})`;
    if (!ws.closed) {
      const after = await ws.call('system_health', [], { timeoutMs: 10_000 }).catch((e) => ({ timeout: e.message }));
      wsHow += after.result ? ', the connection still serves' : `, then ${after.closed ? `closed (${after.closed.code})` : JSON.stringify(after).slice(0, 80)}`;
    }
    await ws.close();
    const again = await WsClient.open(node.wsUrl);
    assert.ok(again.client, `a new websocket after the oversized message: ${again.refused}`);
    assert.ok((await again.client.call('system_health')).result);
    await again.client.close();
    figure('RPC abuse', 'oversized websocket message: 10 MB depin_provider argument', 1, `JSON-RPC ${tenMbAnswer.error.code}`);
    figure('RPC abuse', `oversized websocket message: ${limits.requestMiB + 1} MiB (limit ${limits.requestMiB} MiB)`, 1,
      `${wsHow}; a new connection works`);
  });

  it('answers batches: 10,000 calls in one, per entry in a mixed one, and bounds a batch\'s answer', async () => {
    // 10,000 cheap calls in one batch (the node sets no --rpc-max-batch-request-len).
    const chainName = await rpc(node.rpcPort, 'system_chain');
    const big = Array.from({ length: 10_000 }, (_, id) => ({ jsonrpc: '2.0', id, method: 'system_chain', params: [] }));
    let bigHow;
    let bigAnswers = 0;
    const bigWork = (async () => {
      const answer = await httpRaw(node.rpcPort, { body: JSON.stringify(big), timeoutMs: 120_000 });
      bigHow = answerOf(answer);
      assert.equal(answer.status, 200, `${bigHow} ${answer.text?.slice(0, 200)}`);
      const body = JSON.parse(answer.text);
      if (Array.isArray(body)) {
        bigAnswers = body.length;
        assert.equal(body.length, big.length, 'one answer per call');
        assert.ok(body.every((a) => a.result === chainName), `every call answered: ${JSON.stringify(body.find((a) => a.result !== chainName))}`);
      } else {
        assert.ok(body.error, `refused as a whole: ${answer.text.slice(0, 200)}`);
      }
    })();
    const slowest = await slowestHealthDuring(node.rpcPort, bigWork);
    await bigWork;
    assert.ok(slowest < 1_000, `system_health took ${slowest.toFixed(0)} ms meanwhile`);
    figure('RPC abuse', `batch of 10,000 system_chain calls (batch limit: ${limits.batch})`, 10_000,
      `${bigHow}${bigAnswers ? ', each a result' : ''}; system_health ≤ ${slowest.toFixed(0)} ms meanwhile`);

    // A batch whose answers would pass --rpc-max-response-size: metadata is ~hundreds of KiB.
    const metadataBytes = (await rpc(node.rpcPort, 'state_getMetadata')).length;
    const count = Math.ceil((limits.responseMiB * MiB) / metadataBytes) + 20;
    const heavy = Array.from({ length: count }, (_, id) => ({ jsonrpc: '2.0', id, method: 'state_getMetadata', params: [] }));
    const heavyAnswer = await httpRaw(node.rpcPort, { body: JSON.stringify(heavy), timeoutMs: 120_000 });
    const heavyHow = answerOf(heavyAnswer);
    assert.equal(heavyAnswer.status, 200, heavyHow);
    assert.ok(heavyAnswer.bytes <= (limits.responseMiB + 1) * MiB, `a ${heavyAnswer.bytes}-byte answer`);
    const heavyBody = JSON.parse(heavyAnswer.text);
    const heavyError = Array.isArray(heavyBody) ? heavyBody.find((a) => a.error)?.error : heavyBody.error;
    assert.ok(heavyError, `an error for the answers past the limit: ${heavyAnswer.text.slice(0, 200)}`);
    figure('RPC abuse', `batch of ${count} state_getMetadata (${(count * metadataBytes / MiB).toFixed(0)} MiB of answers, limit ${limits.responseMiB} MiB)`, count,
      `${heavyHow} ${heavyError.message}, answer ${heavyAnswer.bytes} bytes`);

    // Valid and invalid entries mixed: each answered on its own, notifications not at all.
    const mixed = [
      { jsonrpc: '2.0', id: 1, method: 'system_chain', params: [] },
      { jsonrpc: '2.0', id: 2, method: 'depin_doesNotExist', params: [] },
      { jsonrpc: '2.0', id: 3, method: 'depin_lease', params: ['seven'] },
      42,
      { jsonrpc: '2.0', method: 'system_chain', params: [] },
      { jsonrpc: '1.0', id: 5, method: 'system_chain', params: [] },
      { jsonrpc: '2.0', id: 6, method: 'depin_epochLedger', params: [0] },
      { jsonrpc: '2.0', id: 7, method: 'author_submitExtrinsic', params: ['0x00'] },
      [],
      { jsonrpc: '2.0', id: 9, method: 'depin_providers', params: [null, 1_000] },
    ];
    const { status, text } = await httpRaw(node.rpcPort, { body: JSON.stringify(mixed) });
    assert.equal(status, 200, text.slice(0, 300));
    const answers = JSON.parse(text);
    assert.ok(Array.isArray(answers), text.slice(0, 300));
    const byId = new Map(answers.filter((a) => a.id !== null).map((a) => [a.id, a]));
    assert.equal(byId.get(1)?.result, chainName);
    assert.equal(byId.get(2)?.error?.code, -32601);
    assert.equal(byId.get(3)?.error?.code, INVALID_PARAMS);
    assert.ok(byId.get(6)?.result?.epoch === 0, JSON.stringify(byId.get(6)).slice(0, 200));
    assert.ok(byId.get(7)?.error, 'a one-byte extrinsic is refused');
    assert.equal(byId.get(9)?.error?.code, INVALID_PARAMS);
    const invalidRequests = answers.filter((a) => a.error?.code === -32600);
    // 42, [] and the jsonrpc 1.0 entry are invalid requests; the notification gets no answer.
    assert.equal(invalidRequests.length, 3, text.slice(0, 600));
    assert.equal(answers.length, mixed.length - 1, 'every entry but the notification answered');
    const mixedTally = new Tally();
    for (const a of answers) mixedTally.add(a.error ? `JSON-RPC ${a.error.code}` : 'result');
    figure('RPC abuse', 'batch of 10 mixed entries (valid, unknown method, bad params, non-objects, a notification, jsonrpc 1.0)', mixed.length,
      `answered per entry: ${mixedTally}; the notification not answered`);
  });

  it('answers every depin_* method given wrong types and extreme arguments', async () => {
    const J = JSON.stringify;
    const oneMiB = 'x'.repeat(MiB);
    const hugeArray = J(Array(100_000).fill(1));
    // Raw JSON texts, so that extremes are exact (2^64 − 1 is no JS number).
    const numberBad = [
      ['a numeric string', J('1')], ['negative', '-1'], ['fractional', '1.5'], ['2^64', '18446744073709551616'],
      ['-2^63 - 1', '-9223372036854775809'], ['1e400', '1e400'], ['null', 'null'], ['true', 'true'], ['an object', '{}'],
      ['an array', '[1]'], ['a hex string', J('0x10')], ['a 100,000-element array', hugeArray], ['a 1 MiB string', J(oneMiB)],
    ];
    const textBad = [
      ['a number', '123'], ['true', 'true'], ['an object', '{"account":"x"}'], ['an array', J([ALICE])], ['empty', '""'],
      ['51 characters', J('5'.repeat(51))], ['a 1 MiB string', J(oneMiB)], ['a bad checksum', J(`${ALICE.slice(0, -1)}Z`)],
      ['a hex public key', J(u8aToHex(decodeAddress(ALICE)))], ['NUL and emoji', J('\u0000🦀')], ['a 100,000-element array', hugeArray],
    ];
    const hashBad = [
      ['a number', '123'], ['too short', J('0x00')], ['not hex', J(`0x${'zz'.repeat(32)}`)], ['33 bytes', J(`0x${'00'.repeat(33)}`)],
      ['true', 'true'], ['an object', '{}'], ['an array', '[]'], ['a 1 MiB string', J(oneMiB)],
    ];
    // Well-typed extremes: a result, or invalid params where the method caps the value.
    const edges = {
      u32: [['0', '0'], ['u32::MAX', '4294967295']],
      u64: [['0', '0'], ['2^32', '4294967296'], ['u64::MAX', '18446744073709551615']],
      Text: [['Alice in SS58 format 0 (Polkadot)', J(encodeAddress(ALICE, 0))], ['50 characters', J('5'.repeat(50))]],
      'Option<Text>': [['null', 'null'], ['Alice in SS58 format 0 (Polkadot)', J(encodeAddress(ALICE, 0))]],
      Hash: [
        ['an unknown block hash', J(`0x${'11'.repeat(32)}`)], ['a zero hash without 0x', J('00'.repeat(32))],
        ['the genesis hash', J(api.genesisHash.toHex())],
      ],
    };
    const bad = {
      u32: [...numberBad, ['2^32', '4294967296']],
      u64: numberBad,
      Text: [...textBad, ['null', 'null']],
      'Option<Text>': textBad,
      Hash: hashBad,
    };
    const valid = { u32: '0', u64: '0', Text: J(ALICE), 'Option<Text>': 'null' };

    const cases = [];
    for (const [name, { params }] of Object.entries(DEPIN_RPC.depin)) {
      const method = `depin_${name}`;
      const required = params.filter((p) => !p.isOptional);
      const validArgs = required.map((p) => valid[p.type]);
      params.forEach((param, i) => {
        assert.ok(bad[param.type], `no wrong values for ${param.type} (${method})`);
        const args = (value) => [...params.slice(0, i).map((p) => valid[p.type] ?? 'null'), value];
        for (const [label, value] of bad[param.type]) cases.push({ method, label: `${param.name}: ${label}`, params: `[${args(value)}]`, expect: 'error', kind: 'wrong' });
        for (const [label, value] of edges[param.type]) cases.push({ method, label: `${param.name}: ${label}`, params: `[${args(value)}]`, expect: 'either', kind: 'extreme' });
      });
      // jsonrpsee reads the parameters it expects and ignores any after them.
      cases.push({ method, label: 'one param too many', params: `[${[...params.map((p) => valid[p.type] ?? 'null'), '1'].join(',')}]`, expect: 'result', kind: 'trailing' });
      for (const [label, raw, expect] of [
        ['no params', undefined, required.length ? 'error' : 'result'],
        ['a 100,000-element params array', hugeArray, 'error'],
        ['params by name', J(Object.fromEntries(required.map((p) => [p.name, JSON.parse(valid[p.type])]))), 'result'],
        ['params by unknown names', '{"foo":1,"bar":[2]}', required.length ? 'error' : 'result'],
        ['params a string', J(validArgs.join(',')), 'error'],
      ]) cases.push({ method, label, params: raw, expect, kind: 'shape' });
    }
    const tallies = { wrong: new Tally(), extreme: new Tally(), trailing: new Tally(), shape: new Tally() };
    let amplification = 0;
    const work = mapLimit(cases, 8, async (c, id) => {
      const body = `{"jsonrpc":"2.0","id":${id},"method":"${c.method}"${c.params === undefined ? '' : `,"params":${c.params}`}}`;
      const answer = await httpRaw(node.rpcPort, { body });
      const what = `${c.method} ${c.label}`;
      assert.equal(answer.status, 200, `${what}: ${answerOf(answer)} ${answer.text?.slice(0, 200)}`);
      const reply = JSON.parse(answer.text);
      assert.equal(reply.id, id, `${what}: ${answer.text.slice(0, 200)}`);
      assert.ok('result' in reply || reply.error, `${what}: ${answer.text.slice(0, 200)}`);
      const how = reply.error ? `JSON-RPC ${reply.error.code}` : 'result';
      // Errors are no bigger than the question (an argument quoted back at most), never amplified.
      if (reply.error) {
        amplification = Math.max(amplification, answer.bytes / body.length);
        assert.ok(answer.bytes <= body.length + 1024, `${what}: a ${answer.bytes}-byte error to a ${body.length}-byte request`);
      }
      if (c.expect === 'error') {
        assert.ok([INVALID_PARAMS, -32700].includes(reply.error?.code), `${what}: ${answer.text.slice(0, 300)}`);
      } else if (c.expect === 'result') {
        assert.ok('result' in reply, `${what}: ${answer.text.slice(0, 300)}`);
      } else {
        assert.ok('result' in reply || [INVALID_PARAMS, -32603].includes(reply.error.code), `${what}: ${answer.text.slice(0, 300)}`);
      }
      tallies[c.kind].add(how);
    });
    const slowest = await slowestHealthDuring(node.rpcPort, work);
    await work;
    assert.ok(slowest < 1_000, `system_health took ${slowest.toFixed(0)} ms meanwhile`);
    const methods = Object.keys(DEPIN_RPC.depin).length;
    const { wrong, extreme, trailing, shape } = tallies;
    figure('RPC abuse', `depin_* (all ${methods} methods): wrong-typed arguments (strings for numbers, negatives, 2^64, 1e400, null, objects, 100,000-element arrays, 1 MiB strings, bad SS58/hashes)`,
      wrong.total, wrong.toString());
    figure('RPC abuse', `depin_* (all ${methods} methods): well-typed extremes (0, u32::MAX, u64::MAX, foreign SS58 format, unknown block hash)`,
      extreme.total, `${extreme} (-32602: above a page cap or not an SS58 address; -32603: unknown block)`);
    figure('RPC abuse', `depin_* (all ${methods} methods): one param more than the method takes`, trailing.total,
      `${trailing} (jsonrpsee ignores trailing params)`);
    figure('RPC abuse', `depin_* (all ${methods} methods): params missing, by name, by unknown names, a string, 100,000 of them`,
      shape.total, `${shape}; of all ${cases.length} calls, the largest error was ${amplification.toFixed(2)}× its request; system_health ≤ ${slowest.toFixed(0)} ms meanwhile`);
  });

  it('refuses websocket connections beyond --rpc-max-connections and subscriptions beyond the per-connection limit', async () => {
    // Connections: limit + 20, opened 10 at a time and held.
    const extra = 20;
    const attempts = limits.connections + extra;
    const clients = [];
    const refusals = new Tally();
    for (let i = 0; i < attempts; i += 10) {
      const batch = await Promise.all(Array.from({ length: Math.min(10, attempts - i) }, () => WsClient.open(node.wsUrl)));
      for (const opened of batch) {
        if (opened.client) clients.push(opened.client);
        else refusals.add(opened.refused);
      }
    }
    // While every slot is taken, HTTP is refused alike.
    const httpWhileFull = answerOf(await httpRaw(node.rpcPort, { body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'system_health' }) }));
    const accepted = clients.length;
    // Everything above is answered: each socket opened or refused, none hung (open() rejects then).
    await Promise.all(clients.map((c) => c.close()));
    // The slots come back: a new connection is served.
    const reopened = await waitFor('a websocket after closing the others', async () => {
      const opened = await WsClient.open(node.wsUrl);
      if (!opened.client) return false;
      const health = await opened.client.call('system_health');
      await opened.client.close();
      return health.result;
    }, { timeoutMs: 15_000, intervalMs: 250 });
    assert.ok(reopened);
    // The polkadot.js client holds one connection, and idle HTTP keep-alive connections may hold more.
    assert.ok(accepted <= limits.connections - 1, `${accepted} websockets accepted, limit ${limits.connections}`);
    assert.ok(accepted >= limits.connections - 10, `only ${accepted} websockets accepted (limit ${limits.connections})`);
    assert.equal(refusals.total, attempts - accepted);
    assert.ok(refusals.total >= extra, `${refusals.total} refused`);
    figure('RPC abuse', `websocket connections held open: ${attempts} (limit ${limits.connections}, one taken by a polkadot.js client)`, attempts,
      `${accepted} accepted, ${refusals.total} refused (${refusals}); HTTP meanwhile: ${httpWhileFull}; after closing them a new connection is served`);

    // Subscriptions: limit + 50 chain_subscribeNewHeads on one connection.
    const opened = await WsClient.open(node.wsUrl);
    assert.ok(opened.client, opened.refused);
    const ws = opened.client;
    const subscribeCount = limits.subscriptions + 50;
    const answers = await Promise.all(Array.from({ length: subscribeCount }, () => ws.call('chain_subscribeNewHeads', [], { timeoutMs: 60_000 })));
    const subscribed = answers.filter((a) => typeof a.result === 'string');
    const subErrors = new Tally();
    for (const a of answers) if (!a.result) subErrors.add(a.error ? `JSON-RPC ${a.error.code} ${a.error.message}` : JSON.stringify(a).slice(0, 80));
    assert.equal(subscribed.length, limits.subscriptions, `subscriptions accepted; refusals: ${subErrors}`);
    assert.equal(subErrors.total, 50, subErrors.toString());
    assert.ok(answers.filter((a) => !a.result).every((a) => a.error), subErrors.toString());
    // The accepted ones are served: a new head reaches each of them.
    const notified = await waitFor('a new head on every subscription', () => ws.notifications >= 2 * limits.subscriptions && ws.notifications,
      { timeoutMs: 30_000, intervalMs: 200 });
    // Unsubscribing frees slots on the same connection.
    const unsubscribed = await Promise.all(subscribed.slice(0, 10).map((a) => ws.call('chain_unsubscribeNewHeads', [a.result])));
    assert.ok(unsubscribed.every((a) => a.result === true), JSON.stringify(unsubscribed[0]));
    const resubscribed = await Promise.all(Array.from({ length: 10 }, () => ws.call('chain_subscribeNewHeads')));
    assert.ok(resubscribed.every((a) => typeof a.result === 'string'), JSON.stringify(resubscribed[0]));
    const excess = await ws.call('chain_subscribeNewHeads');
    assert.ok(excess.error, `the ${limits.subscriptions + 1}th subscription again refused: ${JSON.stringify(excess)}`);
    await ws.close();
    figure('RPC abuse', `chain_subscribeNewHeads on one connection: ${subscribeCount} (limit ${limits.subscriptions})`, subscribeCount,
      `${subscribed.length} subscribed, ${subErrors.total} refused (${subErrors}); ${notified} head notifications delivered; slots freed by unsubscribing`);
  });

  it('rejects floods of garbage, wrongly signed and replayed extrinsics in the pool', async () => {
    const { alice, bob, charlie } = keys;
    const port = node.rpcPort;
    const nonceOf = async (who) => (await api.query.system.account(who.address)).nonce.toNumber();
    const nonce = (await api.rpc.system.accountNextIndex(alice.address)).toNumber();
    const transfer = (amount) => api.tx.balances.transferKeepAlive(charlie.address, 1_000_000_000n + BigInt(amount));
    const sign = (tx, pair, options = {}) => tx.signAsync(pair, { nonce, era: 0, blockHash: api.genesisHash, ...options });

    const floods = [];
    // Random bytes of random length.
    floods.push(['random bytes (1-1,024 of them)', Array.from({ length: 200 }, () => u8aToHex(randomBytes(1 + Math.floor(Math.random() * 1024))))]);
    // Correctly framed (length prefix, signed-v4 marker), random inside.
    floods.push(['framed signed-v4 extrinsics of random bytes', Array.from({ length: 100 }, () =>
      u8aToHex(compactAddLength(u8aConcat([0x84], randomBytes(200)))))]);
    // A bare extrinsic of a call index that does not exist.
    floods.push(['bare extrinsics of an unknown pallet/call index', Array.from({ length: 50 }, (_, i) =>
      u8aToHex(compactAddLength(u8aConcat([0x04, 0xfe, i], randomBytes(16)))))]);
    // A transfer with one byte of its signature flipped.
    const corrupted = [];
    for (let i = 0; i < 200; i++) {
      const tx = await sign(transfer(i), alice);
      const bytes = tx.toU8a();
      const at = indexOfBytes(bytes, tx.signature.toU8a());
      assert.ok(at > 0, 'the signature is in the extrinsic');
      corrupted.push(u8aToHex(flipped(bytes, at + (i % 64))));
    }
    floods.push(['transfers with a corrupted signature', corrupted]);
    // Signed by Bob, claiming to be Alice (the signer's key swapped in the bytes).
    const impostor = [];
    for (let i = 0; i < 100; i++) {
      const tx = await sign(transfer(1_000 + i), bob);
      const bytes = tx.toU8a();
      const at = indexOfBytes(bytes, bob.publicKey);
      assert.ok(at > 0, 'the signer is in the extrinsic');
      bytes.set(alice.publicKey, at);
      impostor.push(u8aToHex(bytes));
    }
    floods.push(['transfers signed by another key than the sender\'s', impostor]);
    // Signed for another chain (another genesis hash).
    const otherChain = `0x${'42'.repeat(32)}`;
    const foreign = [];
    for (let i = 0; i < 100; i++) foreign.push((await sign(transfer(2_000 + i), alice, { blockHash: otherChain, genesisHash: otherChain })).toHex());
    floods.push(['transfers signed for another chain (genesis hash)', foreign]);
    // Unsigned transfers.
    floods.push(['unsigned transfers', Array.from({ length: 50 }, (_, i) => transfer(3_000 + i).toHex())]);
    // Calls nested beyond the decoder's depth limit (256).
    const deep = [];
    for (let i = 0; i < 5; i++) {
      let call = api.tx.system.remark(`0x${i.toString(16).padStart(2, '0')}`);
      for (let d = 0; d < 300; d++) call = api.tx.utility.asDerivative(d, call);
      deep.push((await sign(call, alice)).toHex());
    }
    floods.push(['a remark nested 300 calls deep (utility.asDerivative)', deep]);
    // Longer than a block may carry (normal class: 75% of 5 MiB).
    const long = [];
    for (let i = 0; i < 3; i++) long.push((await sign(api.tx.system.remark(u8aToHex(randomBytes(4 * MiB))), alice)).toHex());
    floods.push(['4 MiB remarks (longer than a block takes)', long]);

    const results = [];
    const work = (async () => {
      for (const [what, hexes] of floods) {
        const answers = await submitAll(port, hexes);
        const tally = new Tally();
        for (const a of answers) tally.add(poolAnswer(a));
        results.push({ what, count: hexes.length, tally, answers });
      }
    })();
    const slowest = await slowestHealthDuring(port, work);
    await work;
    assert.ok(slowest < 1_000, `system_health took ${slowest.toFixed(0)} ms meanwhile`);
    for (const { what, count, tally, answers } of results) {
      assert.ok(answers.every((a) => a.error), `${what}: accepted by the pool: ${tally}`);
      figure('Transaction pool', what, count, tally.toString());
    }
    const expectIn = (what, pattern) => {
      const { tally } = results.find((r) => r.what === what);
      assert.ok(tally.keys().every((k) => pattern.test(k)), `${what}: ${tally}`);
    };
    expectIn('transfers with a corrupted signature', /^1010 .*bad signature/);
    expectIn('transfers signed by another key than the sender\'s', /^1010 .*bad signature/);
    expectIn('transfers signed for another chain (genesis hash)', /^1010 .*bad signature/);
    expectIn('4 MiB remarks (longer than a block takes)', /^1010 .*exhaust the block limits/);

    // Replays: a real transfer, sent again while in the pool, then after it is in a block; and
    // other transfers reusing its nonce.
    const real = await sign(transfer(4_000), alice);
    const hash = await rpc(port, 'author_submitExtrinsic', [real.toHex()]);
    assert.equal(hash, real.hash.toHex());
    const inPool = new Tally();
    for (const a of await submitAll(port, Array(10).fill(real.toHex()))) inPool.add(poolAnswer(a));
    await waitFor('the real transfer in a block', async () => (await nonceOf(alice)) === nonce + 1, { timeoutMs: 60_000 });
    const replayed = new Tally();
    const replayAnswers = await submitAll(port, Array(50).fill(real.toHex()));
    for (const a of replayAnswers) replayed.add(poolAnswer(a));
    const reused = [];
    for (let i = 0; i < 100; i++) reused.push((await sign(transfer(5_000 + i), alice)).toHex());
    const reuseAnswers = await submitAll(port, reused);
    const reusedTally = new Tally();
    for (const a of reuseAnswers) reusedTally.add(poolAnswer(a));
    assert.ok(inPool.keys().every((k) => k !== 'accepted'), `resent while in the pool: ${inPool}`);
    assert.ok(replayAnswers.every((a) => a.error), `replayed after inclusion: ${replayed}`);
    assert.ok(reuseAnswers.every((a) => a.error), `nonce reused: ${reusedTally}`);
    assert.ok(reusedTally.keys().every((k) => /^1010 .*outdated/.test(k)), `nonce reused: ${reusedTally}`);
    figure('Transaction pool', 'a valid transfer sent again while in the pool', 10, inPool.toString());
    figure('Transaction pool', 'the same transfer replayed after it was included', 50, replayed.toString());
    figure('Transaction pool', 'other transfers signed with the included transfer\'s nonce', 100, reusedTally.toString());

    // Nothing forged reached a block: Alice sent exactly one transaction, Bob none.
    const now = await bestNumber(port);
    await waitFor('two more blocks', async () => (await bestNumber(port)) >= now + 2, { timeoutMs: 30_000 });
    assert.equal(await nonceOf(alice), nonce + 1, 'only the real transfer of Alice was included');
    assert.equal(await nonceOf(bob), 0, 'nothing of Bob\'s was included');
  });

  it('rejects forged, wrongly signed and replayed usage reports in the pool', async () => {
    const { provider, reportingKey, lease } = await providerReady;
    const port = node.rpcPort;
    const epochLength = (await api.query.attestation.epochLength()).toNumber();
    const grace = api.consts.attestation.reportGrace.toNumber();
    // Pool validation runs at best + 1: epoch e may be reported while (best + 1) is in
    // [(e + 1) × length, (e + 1) × length + grace). Start when at least grace − 2 blocks are left.
    const best = await waitFor('a report window that just opened', async () => {
      const n = await bestNumber(port);
      return n + 1 >= epochLength && (n + 1) % epochLength <= 2 ? n : false;
    }, { timeoutMs: (epochLength + 2) * 6_000, intervalMs: 250 });
    const epoch = Math.floor((best + 1) / epochLength) - 1;
    const lastBlock = (epoch + 1) * epochLength - 1;
    const anchor = { number: lastBlock, hash: await rpc(port, 'chain_getBlockHash', [lastBlock]) };
    const report = (fields = {}, devices = {}) => api.createType('PalletAttestationUsageReport', {
      provider: provider.address, epoch, anchorNumber: anchor.number, anchorHash: anchor.hash, leases: [],
      devices: { sampledBlocks: 0, answeredBlocks: 0, gpus: [], storageSeenBlocks: 0, storageTotalGib: 0, storageUsedGib: 0, ...devices },
      ...fields,
    });
    const signed = (r, pair = reportingKey) => pair.sign(u8aConcat(REPORT_SIGNING_CONTEXT, r.toU8a()));
    const extrinsic = (r, signature) => api.tx.attestation.submitReport(r, u8aToHex(signature)).toHex();

    const floods = [
      ['signed by a key that is not the provider\'s reporting key', /^1010 .*bad signature/, Array.from({ length: 100 }, (_, i) => {
        const r = report({}, { sampledBlocks: i % (epochLength + 1) });
        return extrinsic(r, signed(r, keys.fresh('forger')));
      })],
      ['with the reporting key\'s signature, one byte flipped', /^1010 .*bad signature/, Array.from({ length: 100 }, (_, i) => {
        const r = report({}, { sampledBlocks: i % (epochLength + 1) });
        return extrinsic(r, flipped(signed(r), i % 64));
      })],
      ['with the reporting key\'s signature over another report', /^1010 .*bad signature/, Array.from({ length: 50 }, (_, i) => {
        const r = report({}, { sampledBlocks: i % (epochLength + 1) });
        return extrinsic(r, signed(report({}, { sampledBlocks: (i + 1) % (epochLength + 1) })));
      })],
      ['for providers without a reporting key', /^1010 .*signing address/i, Array.from({ length: 100 }, () => {
        const r = report({ provider: keys.fresh('nobody').address });
        return extrinsic(r, signed(r));
      })],
      ['for an epoch that has not ended', /^1010 .*future/i, Array.from({ length: 50 }, (_, i) => {
        const r = report({ epoch: epoch + 1 + i });
        return extrinsic(r, signed(r));
      })],
      ['anchored at a block not on this chain', /^1010 .*Custom error: 5$/, Array.from({ length: 50 }, () => {
        const r = report({ anchorHash: u8aToHex(randomBytes(32)) });
        return extrinsic(r, signed(r));
      })],
      ['with more blocks sampled than the epoch has', /^1010 .*Custom error: 10$/, Array.from({ length: 50 }, (_, i) => {
        const r = report({}, { sampledBlocks: epochLength + 1 + i });
        return extrinsic(r, signed(r));
      })],
    ];
    const results = [];
    for (const [what, pattern, hexes] of floods) {
      const answers = await submitAll(port, hexes);
      const tally = new Tally();
      for (const a of answers) tally.add(poolAnswer(a));
      results.push({ what, pattern, count: hexes.length, tally, answers });
    }
    const flooded = await bestNumber(port);
    assert.ok(flooded + 1 < (epoch + 1) * epochLength + grace, `the floods ran past the report window (best ${flooded})`);
    for (const { what, pattern, count, tally, answers } of results) {
      assert.ok(answers.every((a) => a.error), `reports ${what}: accepted by the pool: ${tally}`);
      assert.ok(tally.keys().every((k) => pattern.test(k)), `reports ${what}: ${tally}`);
      figure('Transaction pool', `usage reports ${what}`, count, tally.toString());
    }

    // The genuine report (one block of the core attested) is accepted; sent again, or another one
    // for the same epoch, it is not.
    const genuine = report({
      leases: [{ lease, uptimeBlocks: 1, gpuUtilPercent: 0, gpuMemUsedMib: 0, storageUsedGib: 0 }],
    }, { sampledBlocks: 1, answeredBlocks: 1 });
    const genuineHex = extrinsic(genuine, signed(genuine));
    const accepted = await rpcCall(port, 'author_submitExtrinsic', [genuineHex]);
    assert.ok(accepted.result, `the genuine report: ${JSON.stringify(accepted)}`);
    const again = new Tally();
    for (const a of await submitAll(port, Array(10).fill(genuineHex))) again.add(poolAnswer(a));
    const rival = report({}, { sampledBlocks: 2 });
    const rivalAnswer = poolAnswer(await rpcCall(port, 'author_submitExtrinsic', [extrinsic(rival, signed(rival))]));
    await waitFor('the genuine report on chain', async () => (await rpc(port, 'depin_provider', [provider.address]))?.lastReportedEpoch === epoch,
      { timeoutMs: 60_000 });
    const replayed = new Tally();
    for (const a of await submitAll(port, Array(50).fill(genuineHex))) replayed.add(poolAnswer(a));
    const resigned = new Tally();
    const resignedHexes = Array.from({ length: 50 }, (_, i) => {
      const r = report({}, { sampledBlocks: (i % epochLength) + 1, answeredBlocks: 0 });
      return extrinsic(r, signed(r));
    });
    const resignedAnswers = await submitAll(port, resignedHexes);
    for (const a of resignedAnswers) resigned.add(poolAnswer(a));
    assert.ok(!again.keys().includes('accepted'), `the genuine report resent while in the pool: ${again}`);
    assert.notEqual(rivalAnswer, 'accepted', 'a second report of the same epoch while the first is in the pool');
    assert.ok(!replayed.keys().includes('accepted'), `the genuine report replayed after inclusion: ${replayed}`);
    assert.ok(resignedAnswers.every((a) => a.error), `new reports of an epoch already reported: ${resigned}`);
    assert.ok(resigned.keys().every((k) => /^1010 .*outdated/.test(k)), `new reports of an epoch already reported: ${resigned}`);
    figure('Transaction pool', 'a genuine usage report', 1, 'accepted, on chain in the next blocks');
    figure('Transaction pool', 'the genuine report sent again while in the pool', 10, again.toString());
    figure('Transaction pool', 'another correctly signed report of the same epoch while the first is in the pool', 1, rivalAnswer);
    figure('Transaction pool', 'the genuine report replayed after it was included', 50, replayed.toString());
    figure('Transaction pool', 'new correctly signed reports of the epoch already reported', 50, resigned.toString());

    // On chain, two blocks later: exactly the genuine report, and nothing for the forged providers.
    const now = await bestNumber(port);
    await waitFor('two more blocks', async () => (await bestNumber(port)) >= now + 2, { timeoutMs: 30_000 });
    const view = await rpc(port, 'depin_provider', [provider.address]);
    assert.equal(view.reports, 1, `reports on chain for the provider: ${JSON.stringify(view)}`);
    const reportsOnChain = (await api.query.attestation.providerLiveness.entries())
      .reduce((n, [, liveness]) => n + liveness.recorded.filter(([, outcome]) => outcome.isReported).length, 0);
    assert.equal(reportsOnChain, 1, 'one report on chain in all');
  });

  it('the hardware probe answers 500 concurrent GETs and sheds 200 half-open connections', async () => {
    const port = node.probePort;
    await waitFor('a probe reading', async () => (await probeGet(port)).body.includes('node_filesystem_size_bytes'), { timeoutMs: 30_000 });

    // 200 connections that send half a request line and then nothing.
    const halfOpen = await Promise.all(Array.from({ length: 200 }, () => new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      const state = { socket, closedAfterMs: null, received: 0 };
      socket.once('error', reject);
      socket.on('connect', () => {
        socket.off('error', reject);
        socket.on('error', () => {});
        const opened = Date.now();
        socket.on('data', (c) => { state.received += c.length; });
        socket.on('close', () => { state.closedAfterMs = Date.now() - opened; });
        socket.write('GET /metr');
        resolve(state);
      });
    })));
    // Meanwhile 500 concurrent GETs are each answered in full.
    const answers = await Promise.all(Array.from({ length: 500 }, () => probeGet(port)));
    const statuses = new Tally();
    for (const a of answers) statuses.add(`HTTP ${a.status}`);
    assert.deepEqual(statuses.keys(), ['HTTP 200'], statuses.toString());
    assert.ok(answers.every((a) => a.body.includes('node_filesystem_size_bytes')), 'every answer carries the metrics');
    // The probe drops the half-open connections after its request deadline (2 s), answering nothing.
    await waitFor('the half-open connections dropped', () => halfOpen.every((s) => s.closedAfterMs !== null), { timeoutMs: 15_000, intervalMs: 100 });
    const slowestDrop = Math.max(...halfOpen.map((s) => s.closedAfterMs));
    assert.ok(halfOpen.every((s) => s.received === 0), 'nothing answered to half a request');
    for (const s of halfOpen) s.socket.destroy();
    assert.equal((await probeGet(port)).status, 200, 'still serving');
    assert.equal((await probeGet(port, `/${'x'.repeat(64 * 1024)}`).catch((e) => ({ status: e.code }))).status !== 200, true,
      'a 64 KiB request line is not answered with a 200');
    figure('Hardware probe', '/metrics GETs, 500 at once (raw TCP, while 200 half-open connections are held)', 500, `${statuses}, each with the metrics text`);
    figure('Hardware probe', 'half-open connections (half a request line, then silence)', 200,
      `closed by the probe, nothing answered, all within ${(slowestDrop / 1000).toFixed(1)} s (its request deadline is 2 s)`);
  });

  it('still authors and finalizes after the abuse, and its memory stayed bounded', async () => {
    const port = node.rpcPort;
    assert.equal(node.exited, null, 'the node is running');
    const before = await bestNumber(port);
    await waitFor('two more blocks, finalized', async () => (await finalizedNumber(port)) >= before + 2, { timeoutMs: 60_000 });
    const [best, finalized] = [await bestNumber(port), await finalizedNumber(port)];
    const seconds = (Date.now() - start.at) / 1000;
    // Authored throughout: the longest gap between blocks (6 s slots) since the abuse began.
    const stamps = [];
    for (let n = Math.max(start.best, 1); n <= best; n++) { // genesis has no timestamp
      const at = await api.at(await api.rpc.chain.getBlockHash(n));
      stamps.push((await at.query.timestamp.now()).toNumber());
    }
    const gaps = stamps.slice(1).map((t, i) => t - stamps[i]);
    const longestGap = Math.round(Math.max(...gaps) / 100) / 10;
    assert.ok(longestGap <= 30, `a ${longestGap} s gap between blocks`);
    assert.ok(finalized >= before + 2 && finalized > start.finalized, `finalized #${finalized}`);

    // The log: the only panics are the runtime refusing undecodable transactions (one each).
    const log = readFileSync(node.logFile, 'utf8');
    const panics = log.split('\n').filter((line) => / panicked at /.test(line)).length;
    const badInput = (log.match(/Bad input data provided to validate_transaction/g) ?? []).length;
    assert.equal(panics, badInput, 'every panic in the log is an undecodable transaction refused');
    assert.doesNotMatch(log, /Essential task .* failed/, 'no essential task failed');

    const rss = rssMiB(node.process.pid);
    const peak = peakRssMiB(node.process.pid);
    // Generous bounds that a leak (e.g. of subscriptions, rejected transactions or request
    // bodies) would still cross: a debug node idles at a few hundred MiB.
    assert.ok(peak < 2_048, `peak resident memory ${peak} MiB`);
    assert.ok(rss - start.rssMiB < 512, `resident memory grew from ${start.rssMiB} to ${rss} MiB`);
    figure('Liveness', `blocks authored during the abuse (${seconds.toFixed(0)} s, 6 s slots)`, best - start.best,
      `best #${start.best} to #${best}, longest gap between blocks ${longestGap} s; finalized #${start.finalized} to #${finalized}`);
    figure('Liveness', 'panics in the node log', panics,
      `each "Bad input data provided to validate_transaction" (the runtime refusing an undecodable transaction); no other panic, no essential task failed`);
    figure('Memory', 'depin-node (debug build) resident memory', 1,
      `${start.rssMiB} MiB before the abuse, ${rss} MiB after, high-water mark ${peak} MiB`);
  });
});
