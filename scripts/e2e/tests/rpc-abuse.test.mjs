// Requests that used to freeze a node's RPC, against a real depin-node --dev: oversized account
// arguments (base58 decoding is quadratic in its input) and floods of depin_* runtime calls.
// Another client's system_health must keep answering within a second throughout: the bound is a
// liveness property (it was 20-30 s before), not a speed goal.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { startNode, rpcCall } from '../lib/node.mjs';

const ALICE = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';
const INVALID_PARAMS = -32602;

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

describe('RPC under abuse', { timeout: 600_000 }, () => {
  let node;

  before(async () => {
    node = await startNode({ name: 'rpc-abuse', args: ['--dev'] });
  });

  after(async () => {
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
  });
});
