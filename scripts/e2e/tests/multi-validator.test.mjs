// The 4-validator local network from scripts/local-net.sh: finality survives one validator going
// down, and the validator catches up after a restart.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { localNet, localNetEnv, rpc, waitFor, bestNumber, finalizedNumber, LOG_DIR } from '../lib/node.mjs';

const NODES = ['alice', 'bob', 'charlie', 'dave'];

describe('four-validator local network', { timeout: 900_000 }, () => {
  let env;
  const rpcPort = (name) => Number(env.DEPIN_RPC_PORT) + NODES.indexOf(name);

  before(async () => {
    env = await localNetEnv(4, 'depin-localnet-');
    await localNet(env, 'start');
  });

  after(async () => {
    if (!env) return;
    await localNet(env, 'stop').catch(() => {});
    console.log(`local network data and logs: ${env.DEPIN_NET_DIR} (test logs: ${LOG_DIR})`);
  });

  it('finalizes with one validator down and the validator catches up after a restart', async () => {
    // All four peer with each other and finality reaches 5.
    await waitFor('every node to see its three peers', async () => {
      const health = await Promise.all(NODES.map((n) => rpc(rpcPort(n), 'system_health')));
      return health.every((h) => h.peers === 3);
    }, { timeoutMs: 120_000 });
    await waitFor('finalized height >= 5', async () => (await finalizedNumber(rpcPort('alice'))) >= 5,
      { timeoutMs: 180_000, intervalMs: 1_000 });
    const authorities = await rpc(rpcPort('alice'), 'state_call', ['GrandpaApi_grandpa_authorities', '0x']);
    assert.ok(authorities.startsWith('0x10'), `four GRANDPA authorities: ${authorities.slice(0, 10)}`);

    // Crash Dave (SIGKILL, as a power cut would).
    const davePid = Number(readFileSync(join(env.DEPIN_NET_DIR, 'dave.pid'), 'utf8'));
    await localNet(env, 'kill-node', 'dave');
    assert.throws(() => process.kill(davePid, 0), 'dave is gone');

    // Three of four validators are more than 2/3: finality keeps advancing.
    const finalizedAtKill = await finalizedNumber(rpcPort('alice'));
    await waitFor('finality to advance by 3 without dave', async () =>
      (await finalizedNumber(rpcPort('alice'))) >= finalizedAtKill + 3,
    { timeoutMs: 120_000, intervalMs: 1_000 });
    for (const name of ['bob', 'charlie']) {
      assert.ok((await finalizedNumber(rpcPort(name))) >= finalizedAtKill + 2, `${name} finalizes too`);
    }

    // Restart Dave on its old database: it syncs up to the others' best block and finalizes.
    await localNet(env, 'start-node', 'dave');
    const target = await bestNumber(rpcPort('alice'));
    await waitFor(`dave to import block ${target}`, async () => (await bestNumber(rpcPort('dave'))) >= target,
      { timeoutMs: 180_000, intervalMs: 1_000 });
    const finalizedTarget = await finalizedNumber(rpcPort('alice'));
    await waitFor('dave to finalize with the others', async () =>
      (await finalizedNumber(rpcPort('dave'))) >= finalizedTarget,
    { timeoutMs: 120_000, intervalMs: 1_000 });
    // Peers that backed off from the dead Dave reconnect over the next seconds.
    await waitFor('dave to be in sync with all three peers', async () => {
      const health = await rpc(rpcPort('dave'), 'system_health');
      return !health.isSyncing && health.peers === 3;
    }, { timeoutMs: 120_000, intervalMs: 1_000 });
  });
});
