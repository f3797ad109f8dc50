// Crashes (issue 16, part 4). Two networks side by side:
//
// - The 4-validator local network (scripts/local-net.sh, RocksDB base paths): first the network
//   itself: four GRANDPA voters finalize, finality goes on with Dave killed, and Dave restarted
//   on his database catches up, finalizes and syncs with all three peers. Then a validator is
//   killed with SIGKILL at random moments, half of them in its own Aura slot (authoring), half in
//   another's (importing the other's block). After each kill it restarts on the same base path,
//   must still hold every block it had finalized (same hash at the same height), and must import
//   new blocks and finalize past where it was. Then two of the four are killed: finality must
//   stop while the other two keep authoring, and must resume within a bounded number of blocks
//   once both are back.
// - A dev chain with a provider's node beside the authority: the node (its off-chain worker) is
//   killed mid-epoch in two epochs, stays down a block while the chain goes on, and each
//   epoch's usage report must still land, built from the tally the worker kept in its persistent
//   off-chain storage before the crash. A second check shows a defect: blocks authored while the
//   node was down are counted as answered (see the comment above it).
//
// The kill schedule comes from a seeded PRNG: DEPIN_CRASH_SEED=<seed printed in the log> repeats
// it (the victims of importing kills, the kill offsets and the kinds; the slots follow the clock).
// DEPIN_CRASH_KILLS sets the number of single-validator kills (default 20).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, openSync, readSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { u8aToHex, hexToU8a } from '@polkadot/util';

import {
  localNet, localNetEnv, rpc, waitFor, sleep, bestNumber, finalizedNumber, startNode, LOG_DIR,
} from '../lib/node.mjs';
import { connect, devKeyring, epochOutcome, reportingKeyProof, sendAndFinalize } from '../lib/chain.mjs';
import { recordFigures } from '../lib/figures.mjs';

const SEED = Number(process.env.DEPIN_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 32));
const KILLS = Number(process.env.DEPIN_CRASH_KILLS ?? 20);
console.log(`crash test: seed ${SEED} (DEPIN_CRASH_SEED=${SEED} repeats the schedule), ${KILLS} kills`);

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
const pick = (rand, list) => list[Math.floor(rand() * list.length)];
function shuffle(rand, list) {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sleepUntil = (t) => sleep(Math.max(0, t - Date.now()));
/** An assertion inside a waitFor check that must end the wait, not be retried. */
function fatal(condition, message) {
  if (!condition) throw Object.assign(new assert.AssertionError({ message }), { fatal: true });
}

const NODES = ['alice', 'bob', 'charlie', 'dave'];
/**
 * A kill lands up to this many ms after its slot starts. A debug node begins its proposal ~2 ms
 * into its slot and has sealed and imported its (empty) block ~15 ms later; its peers import it
 * within ~100 ms. Later kills would find every node idle.
 */
const KILL_WINDOW_MS = { authoring: 40, importing: 200 };
/** Blocks the two survivors must author while finality stays put. */
const STALL_BLOCKS = 3;
/** Epochs of the dev chain in which the provider's node is killed. */
const CRASH_EPOCHS = 2;
/** Once both validators are back, every block authored during the stall is finalized within this many new blocks. */
const RESUME_BOUND_BLOCKS = 5;

/** Figure rows of both parts, recorded once at the end. */
const rows = [];
/**
 * Settles once the four validators are up (or failed to start): the dev chain's nodes start
 * then, so six nodes do not compile the runtime on two cores at once.
 */
let networkStarted;
const networkUp = new Promise((resolve) => { networkStarted = resolve; });

describe('crashes', { concurrency: 2, timeout: 1_500_000 }, () => {
  after(() => {
    if (rows.length) recordFigures('crash', rows);
  });

  describe('four-validator network: kill -9 of validators', { concurrency: 1 }, () => {
    let env;
    const rand = prng(SEED);
    const port = (name) => Number(env.DEPIN_RPC_PORT) + NODES.indexOf(name);
    const logOf = (name) => join(env.DEPIN_NET_DIR, `${name}.log`);
    let slotMs;
    /** Aura authority names in authority order: slot s is authored by authorities[s % 4]. */
    let authorities;
    const kills = [];

    before(async () => {
      try {
        env = await localNetEnv(4, 'depin-crash-');
        await localNet(env, 'start');
      } finally {
        networkStarted();
      }
      await waitFor('every node to see its three peers', async () => {
        const health = await Promise.all(NODES.map((n) => rpc(port(n), 'system_health')));
        return health.every((h) => h.peers === 3);
      }, { timeoutMs: 120_000 });
      await waitFor('finalized height >= 2', async () => (await finalizedNumber(port('alice'))) >= 2,
        { timeoutMs: 180_000, intervalMs: 1_000 });

      // Slot duration (u64) and the Aura authorities (Vec<sr25519::Public>, four of them).
      const duration = hexToU8a(await rpc(port('alice'), 'state_call', ['AuraApi_slot_duration', '0x']));
      slotMs = Number(new DataView(duration.buffer, duration.byteOffset).getBigUint64(0, true));
      const encoded = await rpc(port('alice'), 'state_call', ['AuraApi_authorities', '0x']);
      assert.ok(encoded.startsWith('0x10'), `four Aura authorities: ${encoded.slice(0, 10)}`);
      const keys = await devKeyring();
      const byKey = new Map(NODES.map((n) => [u8aToHex(keys[n].publicKey), n]));
      authorities = Array.from({ length: 4 }, (_, i) => {
        const key = `0x${encoded.slice(4 + 64 * i, 4 + 64 * (i + 1))}`;
        const name = byKey.get(key);
        assert.ok(name, `Aura authority ${key} is one of the dev validators`);
        return name;
      });
      console.log(`slot ${slotMs} ms, Aura authorities in order: ${authorities.join(', ')}`);
    });

    after(async () => {
      if (!env) return;
      await localNet(env, 'stop').catch(() => {});
      console.log(`crash test network data and logs: ${env.DEPIN_NET_DIR} (test logs: ${LOG_DIR})`);
    });

    const pidOf = (name) => Number(readFileSync(join(env.DEPIN_NET_DIR, `${name}.pid`), 'utf8'));
    const alive = (pid) => {
      try {
        process.kill(pid, 0);
      } catch {
        return false;
      }
      // A zombie waits for its parent to reap it: it is dead all the same.
      try {
        return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      } catch {
        return false;
      }
    };

    /** SIGKILL, as a power cut of the process would; then local-net.sh clears the pid file. */
    async function crash(name) {
      const pid = pidOf(name);
      process.kill(pid, 'SIGKILL');
      await waitFor(`${name} (pid ${pid}) to be gone`, () => !alive(pid), { timeoutMs: 10_000, intervalMs: 50 });
      await localNet(env, 'kill-node', name);
    }

    async function finalizedHead(p) {
      const hash = await rpc(p, 'chain_getFinalizedHead');
      return { hash, number: parseInt((await rpc(p, 'chain_getHeader', [hash])).number, 16) };
    }

    /** The number of the block authored in Aura `slot` on the node's chain above `from`, or null. */
    async function blockOfSlot(p, slot, from) {
      const best = await bestNumber(p);
      for (let n = from + 1; n <= best; n++) {
        const header = await rpc(p, 'chain_getHeader', [await rpc(p, 'chain_getBlockHash', [n])]);
        // DigestItem::PreRuntime (6), engine "aura", 8 bytes (compact 0x20): the slot, u64 LE.
        const preRuntime = header.digest.logs.find((l) => l.startsWith('0x066175726120'));
        const bytes = hexToU8a(preRuntime);
        const blockSlot = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(6, true));
        if (blockSlot === slot) return n;
        if (blockSlot > slot) return null;
      }
      return null;
    }

    /** The hashes of blocks 0..n on the node's canonical chain, in one call. */
    const hashesUpTo = (p, n) => rpc(p, 'chain_getBlockHash', [Array.from({ length: n + 1 }, (_, i) => i)]);

    /** What the node has finalized: its finalized head and every hash at or below it. */
    async function finalizedSnapshot(name) {
      const head = await finalizedHead(port(name));
      const hashes = await hashesUpTo(port(name), head.number);
      assert.equal(hashes[head.number], head.hash, `${name}: the finalized head is on its canonical chain`);
      return { number: head.number, hashes };
    }

    /** A validator restarted mid-slot or mid-round must not author or vote twice. */
    function noEquivocation() {
      const seen = NODES.filter((n) => /equivocat/i.test(readFileSync(logOf(n), 'utf8')));
      assert.deepEqual(seen, [], 'no node logged an equivocation (a restarted validator authored or voted twice)');
    }

    const logSize = (name) => statSync(logOf(name)).size;
    function logSince(name, offset) {
      const size = logSize(name);
      const fd = openSync(logOf(name), 'r');
      try {
        const buf = Buffer.alloc(size - offset);
        readSync(fd, buf, 0, buf.length, offset);
        return buf.toString('utf8');
      } finally {
        closeSync(fd);
      }
    }

    /**
     * After a restart on the same base path: every finalized block of `before` is still there at
     * its height, and the node imports blocks authored after the crash and finalizes past where
     * it was. Returns { lost, restartMs, resumeMs, dbBest, dbBestHash, finalizedAfter }.
     */
    async function restartAndVerify(name, before, networkBestAtKill) {
      const started = Date.now();
      const { dbBest, dbBestHash } = await restart(name, before);
      const restartMs = Date.now() - started;
      const head = await finalizedHead(port(name));
      assert.ok(head.number >= before.number,
        `${name} restarted with finalized #${head.number}, below #${before.number} finalized before the crash`);
      const hashes = await hashesUpTo(port(name), before.number);
      const lost = before.hashes.filter((hash, n) => hashes[n] !== hash).length;
      assert.equal(lost, 0, `${name} lost finalized blocks: ${JSON.stringify(before.hashes.map((h, n) => [n, h, hashes[n]]).filter(([, a, b]) => a !== b).slice(0, 5))}`);
      const resumed = await waitFor(`${name} to import past #${networkBestAtKill} and finalize past #${before.number}`, async () => {
        const [best, fin] = await Promise.all([bestNumber(port(name)), finalizedHead(port(name))]);
        return best > networkBestAtKill && fin.number > before.number && fin;
      }, { timeoutMs: 120_000, intervalMs: 250 });
      const resumeMs = Date.now() - started - restartMs;
      // On the one chain: a peer has the same block at that height.
      const peer = NODES.find((n) => n !== name);
      assert.equal(await rpc(port(peer), 'chain_getBlockHash', [resumed.number]), resumed.hash,
        `${name}'s new finalized block #${resumed.number} is ${peer}'s too`);
      return { lost, restartMs, resumeMs, dbBest, dbBestHash, finalizedAfter: resumed.number };
    }

    /**
     * Starts the node again on its base path and returns its best block at start-up.
     * With `sync=debug` the node logs what its database holds before any peer can send it a
     * block ("Restarting sync with client info Info { best_number, finalized_hash,
     * finalized_number, .. }"): the finalized block must be there, not re-downloaded.
     */
    async function restart(name, before) {
      const offset = logSize(name);
      await localNet({ ...env, RUST_LOG: 'sync=debug' }, 'start-node', name);
      const info = /Restarting sync with client info Info \{ best_hash: (0x[0-9a-f]+), best_number: (\d+),.*? finalized_hash: (0x[0-9a-f]+), finalized_number: (\d+)/
        .exec(logSince(name, offset));
      assert.ok(info, `${name} logged its database's chain at start-up`);
      const [dbBestHash, dbBest, dbFinalizedHash, dbFinalized] = [info[1], Number(info[2]), info[3], Number(info[4])];
      assert.ok(dbFinalized >= before.number,
        `${name}'s database came back with finalized #${dbFinalized}, below #${before.number} finalized before the crash`);
      const canonical = dbFinalized < before.hashes.length
        ? before.hashes[dbFinalized]
        : await rpc(port(NODES.find((n) => n !== name)), 'chain_getBlockHash', [dbFinalized]);
      assert.equal(dbFinalizedHash, canonical, `${name}'s database's finalized block #${dbFinalized} is the chain's`);
      return { dbBest, dbBestHash };
    }

    // The network's first test (formerly multi-validator.test.mjs): four GRANDPA voters, finality
    // with one validator down, and the validator catching up after a restart.
    it('finalizes with one validator down and the validator catches up after a restart', { timeout: 600_000 }, async () => {
      // All four peer with each other (checked in `before`) and finality reaches 5.
      await waitFor('finalized height >= 5', async () => (await finalizedNumber(port('alice'))) >= 5,
        { timeoutMs: 180_000, intervalMs: 1_000 });
      const grandpa = await rpc(port('alice'), 'state_call', ['GrandpaApi_grandpa_authorities', '0x']);
      assert.ok(grandpa.startsWith('0x10'), `four GRANDPA authorities: ${grandpa.slice(0, 10)}`);

      // Crash Dave (SIGKILL, as a power cut would).
      const davePid = pidOf('dave');
      await localNet(env, 'kill-node', 'dave');
      assert.throws(() => process.kill(davePid, 0), 'dave is gone');

      // Three of four validators are more than 2/3: finality keeps advancing.
      const finalizedAtKill = await finalizedNumber(port('alice'));
      await waitFor('finality to advance by 3 without dave', async () =>
        (await finalizedNumber(port('alice'))) >= finalizedAtKill + 3,
      { timeoutMs: 120_000, intervalMs: 1_000 });
      for (const name of ['bob', 'charlie']) {
        assert.ok((await finalizedNumber(port(name))) >= finalizedAtKill + 2, `${name} finalizes too`);
      }

      // Restart Dave on its old database: it syncs up to the others' best block and finalizes.
      await localNet(env, 'start-node', 'dave');
      const target = await bestNumber(port('alice'));
      await waitFor(`dave to import block ${target}`, async () => (await bestNumber(port('dave'))) >= target,
        { timeoutMs: 180_000, intervalMs: 1_000 });
      const finalizedTarget = await finalizedNumber(port('alice'));
      await waitFor('dave to finalize with the others', async () =>
        (await finalizedNumber(port('dave'))) >= finalizedTarget,
      { timeoutMs: 120_000, intervalMs: 1_000 });
      // Peers that backed off from the dead Dave reconnect over the next seconds.
      await waitFor('dave to be in sync with all three peers', async () => {
        const health = await rpc(port('dave'), 'system_health');
        return !health.isSyncing && health.peers === 3;
      }, { timeoutMs: 120_000, intervalMs: 1_000 });
    });

    it(`survives ${KILLS} kill -9 at random moments while authoring and while importing, losing no finalized block`, { timeout: 1_200_000 }, async () => {
      const half = Math.floor(KILLS / 2);
      const kinds = shuffle(rand, [...Array(half).fill('authoring'), ...Array(KILLS - half).fill('importing')]);
      for (let i = 0; i < KILLS; i++) {
        const kind = kinds[i];
        // The first slot starting at least 0.7 s from now: time to take the snapshot.
        const slot = Math.ceil((Date.now() + 700) / slotMs);
        const author = authorities[slot % authorities.length];
        const victim = kind === 'authoring' ? author : pick(rand, NODES.filter((n) => n !== author));
        const offsetMs = Math.floor(rand() * KILL_WINDOW_MS[kind]);
        const killAt = slot * slotMs + offsetMs;

        // Snapshot just before the slot starts.
        await sleepUntil(slot * slotMs - 250);
        const before = await finalizedSnapshot(victim);
        const bestBefore = await bestNumber(port(victim));
        await sleepUntil(killAt);
        const lateMs = Date.now() - killAt;
        await crash(victim);
        const survivors = NODES.filter((n) => n !== victim);
        const networkBestAtKill = Math.max(...await Promise.all(survivors.map((n) => bestNumber(port(n)))));

        const result = await restartAndVerify(victim, before, networkBestAtKill);
        // How far the slot had got, from the chain and the victim's database at restart (its
        // log cannot tell: the node flushes it every 50 ms, and a kill loses what is pending).
        const peer = port(survivors[0]);
        const block = await blockOfSlot(peer, slot, before.number);
        // A best block at restart that the network does not have: the victim's own block,
        // stored but never announced.
        const orphan = (await rpc(peer, 'chain_getBlockHash', [result.dbBest])) !== result.dbBestHash;
        const stored = block !== null && !orphan && result.dbBest >= block;
        const stage = kind === 'authoring'
          ? (orphan ? 'its block stored, never announced'
            : block === null ? 'no block of its slot'
              : stored ? 'its block stored and announced' : 'its block announced, not stored')
          : (block === null ? 'no block in the slot' : stored ? 'the block imported' : 'the block not yet imported');
        const kill = {
          i: i + 1, kind, victim, slot, offsetMs, lateMs, finalizedBefore: before.number, bestBefore,
          networkBestAtKill, stage, ...result,
        };
        kills.push(kill);
        console.log(`kill ${kill.i}/${KILLS}: ${victim} ${kind} (slot ${slot} of ${author}, +${offsetMs} ms, ${lateMs} ms late; ${stage}), finalized #${before.number} best #${bestBefore} before; restart ${result.restartMs} ms with best #${result.dbBest} in its database, lost ${result.lost}, finalized #${result.finalizedAfter} ${result.resumeMs} ms after the restart`);
      }

      const authoring = kills.filter((k) => k.kind === 'authoring');
      const importing = kills.filter((k) => k.kind === 'importing');
      const lost = kills.reduce((sum, k) => sum + k.lost, 0);
      assert.equal(kills.length, KILLS);
      assert.ok(authoring.length > 0 && importing.length > 0, 'kills while authoring and while importing');
      assert.equal(lost, 0);
      // Aura stores its own block before announcing it: an announced block missing from the
      // author's database after the crash would be lost state (and an invitation to author the
      // slot twice).
      const unstored = authoring.filter((k) => k.stage === 'its block announced, not stored');
      assert.deepEqual(unstored.map((k) => k.i), [], 'kills after which the victim lacked the block it had announced');
      const stages = (list) => {
        const count = new Map();
        for (const k of list) count.set(k.stage, (count.get(k.stage) ?? 0) + 1);
        return [...count].map(([stage, n]) => `${n} ${stage}`).join(', ');
      };
      const restartTimes = kills.map((k) => k.restartMs);
      const resumeTimes = kills.map((k) => k.resumeMs);
      // Not required (only finalized blocks must survive), but shown: imported blocks the
      // database no longer had after the crash.
      const unfinalizedLost = kills.filter((k) => k.dbBest < k.bestBefore);
      console.log(`kills: ${authoring.length} while authoring (${stages(authoring)}), ${importing.length} while importing (${stages(importing)}); ${unfinalizedLost.length} restarted below their pre-crash best block; restart median ${median(restartTimes)} ms (max ${Math.max(...restartTimes)}), finalized past the crash median ${median(resumeTimes)} ms (max ${Math.max(...resumeTimes)}) after the restart`);
      noEquivocation();
      rows.push({
        group: 'Crashes',
        what: `kill -9 of a validator of 4 at a random moment: ${authoring.length} in its own Aura slot, authoring (${stages(authoring)}); ${importing.length} in another's, importing (${stages(importing)})`,
        count: kills.length,
        outcome: `restarted on its RocksDB base path every time (median ${(median(restartTimes) / 1000).toFixed(1)} s, at most ${(Math.max(...restartTimes) / 1000).toFixed(1)} s); ${lost} finalized blocks lost (its database came back with every finalized block; ${kills.length - unfinalizedLost.length} of ${kills.length} times with every block it had imported); imported new blocks and finalized past its pre-crash height at most ${(Math.max(...resumeTimes) / 1000).toFixed(1)} s after its RPC answered; no equivocation`,
      });
    });

    it(`two of four down stops finality; both back, it resumes within ${RESUME_BOUND_BLOCKS} blocks`, { timeout: 600_000 }, async () => {
      const down = shuffle(rand, NODES).slice(0, 2);
      const up = NODES.filter((n) => !down.includes(n));
      const watch = port(up[0]);
      const before = Object.fromEntries(await Promise.all(down.map(async (n) => [n, await finalizedSnapshot(n)])));
      await Promise.all(down.map(crash));
      const bestAtKill = Math.max(...await Promise.all(up.map((n) => bestNumber(port(n)))));
      console.log(`two down: ${down.join(' and ')} killed at best #${bestAtKill}`);

      // Votes cast before the kill may still complete a round: the stall is measured from the
      // first block authored after it.
      await waitFor(`a block after #${bestAtKill}`, async () => (await bestNumber(watch)) > bestAtKill,
        { timeoutMs: 60_000, intervalMs: 250 });
      const stalled = await Promise.all(up.map((n) => finalizedNumber(port(n))));
      const stalledAt = Math.max(...stalled);
      assert.ok(stalledAt <= bestAtKill, `finalized #${stalledAt} is no block authored after the kill (#${bestAtKill})`);
      const stallStart = Date.now();
      let stallEnd = bestAtKill + 1 + STALL_BLOCKS;
      await waitFor(`the two survivors to author up to #${stallEnd}`, async () => {
        const [best, ...fins] = await Promise.all([bestNumber(watch), ...up.map((n) => finalizedNumber(port(n)))]);
        for (const [j, fin] of fins.entries()) {
          fatal(fin === stalled[j], `${up[j]} finalized #${fin} with two of four validators down (was #${stalled[j]})`);
        }
        return best >= stallEnd;
      }, { timeoutMs: (STALL_BLOCKS + 2) * 4 * slotMs, intervalMs: 500 });
      stallEnd = await bestNumber(watch);
      const stallMs = Date.now() - stallStart;
      console.log(`finality held at #${stalledAt} while best went #${bestAtKill} -> #${stallEnd} (${stallMs} ms)`);

      // Both back on their base paths.
      const restarted = Date.now();
      await Promise.all(down.map((n) => restart(n, before[n])));
      const bestAtBack = await bestNumber(watch);
      const backMs = Date.now() - restarted;
      for (const n of down) {
        const hashes = await hashesUpTo(port(n), before[n].number);
        const lost = before[n].hashes.filter((hash, h) => hashes[h] !== hash).length;
        assert.equal(lost, 0, `${n} lost finalized blocks`);
      }
      let resumedBest;
      const resumed = await waitFor(`finality to resume past #${stalledAt}`, async () => {
        const [fin, best] = await Promise.all([finalizedNumber(watch), bestNumber(watch)]);
        if (fin > stalledAt) resumedBest ??= best;
        return fin >= bestAtBack && { fin, best };
      }, { timeoutMs: (RESUME_BOUND_BLOCKS + 2) * slotMs + 60_000, intervalMs: 250 });
      const resumeMs = Date.now() - restarted - backMs;
      const blocksToResume = resumedBest - bestAtBack;
      const blocksToCatchUp = resumed.best - bestAtBack;
      console.log(`both back at best #${bestAtBack} (${backMs} ms to restart); finality moved past #${stalledAt} at best #${resumedBest} and reached #${resumed.fin} (all of the stall) at best #${resumed.best}, ${resumeMs} ms after the restart`);
      assert.ok(blocksToCatchUp <= RESUME_BOUND_BLOCKS,
        `the stalled blocks were finalized ${blocksToCatchUp} blocks after both came back (bound ${RESUME_BOUND_BLOCKS})`);
      // All four finalize together again.
      await waitFor('all four to finalize the stalled blocks', async () =>
        (await Promise.all(NODES.map((n) => finalizedNumber(port(n))))).every((f) => f >= bestAtBack),
      { timeoutMs: 120_000, intervalMs: 500 });
      noEquivocation();

      rows.push({
        group: 'Crashes',
        what: 'two of four validators killed (-9) together, then restarted',
        count: 1,
        outcome: `finality held at #${stalledAt} while the other two authored ${stallEnd - bestAtKill} blocks (${(stallMs / 1000).toFixed(0)} s); both back (restart ${(backMs / 1000).toFixed(0)} s), finality moved within ${blocksToResume} new blocks and had finalized every stalled block within ${blocksToCatchUp} (${(resumeMs / 1000).toFixed(1)} s; bound ${RESUME_BOUND_BLOCKS} blocks); 0 finalized blocks lost`,
      });
    });
  });

  describe('provider node: the off-chain worker killed mid-epoch', { concurrency: 1 }, () => {
    const rand = prng(SEED ^ 0x9e3779b9);
    const BOND = 200n * 10n ** 12n;
    let authority;
    let provider;
    let providerArgs;
    let providerBase;
    let api;
    /** What the report test measured per crash, for the check after it. */
    const crashes = [];

    before(async () => {
      await networkUp;
      authority = await startNode({ name: 'crash-authority', args: ['--dev'] });
      const peerId = await rpc(authority.rpcPort, 'system_localPeerId');
      providerBase = mkdtempSync(join(tmpdir(), 'depin-crash-provider-'));
      providerArgs = [
        '--chain', 'dev', '--offchain-worker', 'always', '--name', 'provider',
        '--bootnodes', `/ip4/127.0.0.1/tcp/${authority.p2pPort}/p2p/${peerId}`,
      ];
      provider = await startNode({ name: 'crash-provider', args: providerArgs, basePath: providerBase });
      api = await connect(authority.wsUrl);
    });

    after(async () => {
      await api?.disconnect();
      await provider?.stop();
      await authority?.stop();
    });

    /** The worker's tally of `epoch` in the provider node's persistent off-chain storage. */
    async function tally(port, epoch) {
      // (TALLY_PREFIX: &[u8], epoch: u32).encode(): compact length, the bytes, u32 LE.
      const prefix = new TextEncoder().encode('depin/attestation/tally/v2/');
      const key = new Uint8Array([prefix.length << 2, ...prefix, ...new Uint8Array(new Uint32Array([epoch]).buffer)]);
      const value = await rpc(port, 'offchain_localStorageGet', ['PERSISTENT', u8aToHex(key)]);
      if (!value) return null;
      // EpochTally { sampled_blocks: Vec<u32>, sampled: u32, answered: u32, .. }
      const bytes = hexToU8a(value);
      const view = new DataView(bytes.buffer, bytes.byteOffset);
      // The vector's compact length: one byte (mode 0b00) or two (0b01) for an epoch's blocks.
      const [blocks, at] = (bytes[0] & 3) === 0 ? [bytes[0] >> 2, 1] : [view.getUint16(0, true) >> 2, 2];
      const sampledBlocks = Array.from({ length: blocks }, (_, i) => view.getUint32(at + 4 * i, true));
      const after = at + 4 * blocks;
      return {
        sampledBlocks,
        sampled: view.getUint32(after, true),
        answered: view.getUint32(after + 4, true),
      };
    }

    async function killProvider() {
      const result = await provider.stop('SIGKILL');
      assert.equal(result.signal, 'SIGKILL');
    }

    it(`still reports each of ${CRASH_EPOCHS} epochs it was killed in, from the tally kept before the crash`, { timeout: 900_000 }, async () => {
      const keys = await devKeyring();
      const owner = keys.ferdie;
      const epochLength = (await api.query.attestation.epochLength()).toNumber();
      const grace = api.consts.attestation.reportGrace.toNumber();
      const epochOf = (n) => Math.floor(n / epochLength);
      const first = (e) => e * epochLength;
      const slotMs = (await api.call.auraApi.slotDuration()).toNumber();
      const timestampOf = async (n) => (await (await api.at(await api.rpc.chain.getBlockHash(n))).query.timestamp.now()).toNumber();

      const reportingKey = keys.keyring.addFromUri('//Ferdie//crash');
      const keyHex = u8aToHex(reportingKey.publicKey);
      await rpc(provider.rpcPort, 'author_insertKey', ['dpna', '//Ferdie//crash', keyHex]);
      // A report must settle something: the provider rents a core to Eve, which each report
      // charges for the blocks the node saw.
      const DPN = 10n ** 12n;
      await sendAndFinalize(api, api.tx.utility.batchAll([
        api.tx.providers.register(BOND, 'eu-west', 'crash test'),
        api.tx.providers.setCapacity(0, 1),
        api.tx.providers.setPrices({ gpu: [], storageGib: 0, cpuCore: DPN }),
        api.tx.providers.setReportingKey(keyHex, reportingKeyProof(api, reportingKey, owner.address)),
      ]), owner);
      await sendAndFinalize(api, api.tx.leases.rent(owner.address, {
        gpus: 0, gpuModel: null, minVramMib: 0, storageGib: 0, cpuCores: 1,
      }, 10n * DPN), keys.eve);

      for (let round = 0; round < CRASH_EPOCHS; round++) {
        // The epoch to crash in: the worker samples at least one block of it first, and the kill
        // comes early (after block 2 or 3 of 10) and the node stays down one block and a slot,
        // so that a restart under load (7-40 s seen with other jobs on the 2 cores) still ends
        // well before the report window (the next epoch's first 5 blocks) closes.
        const now = await bestNumber(provider.rpcPort);
        let epoch = epochOf(now + 2);
        if ((now + 2) % epochLength > 3) epoch += 1;
        const earliest = Math.max(now + 2, first(epoch) + 2);
        const killAt = earliest + Math.floor(rand() * (first(epoch) + 3 - earliest + 1));
        const downBlocks = 1;
        const windowEnd = first(epoch + 1) + grace - 1;
        console.log(`provider: crash in epoch ${epoch} (blocks ${first(epoch)}..${first(epoch + 1) - 1}, report window until #${windowEnd}) after #${killAt}, down ${downBlocks} blocks`);

        // Kill, a random moment (within 3 s) after the node imported block `killAt`.
        await waitFor(`the provider node at #${killAt}`, async () => (await bestNumber(provider.rpcPort)) >= killAt,
          { timeoutMs: 3 * epochLength * 6_000, intervalMs: 200 });
        await sleep(Math.floor(rand() * 3_000));
        const beforeKill = await tally(provider.rpcPort, epoch);
        assert.ok(beforeKill && beforeKill.sampled >= 1, `the worker sampled epoch ${epoch} before the crash: ${JSON.stringify(beforeKill)}`);
        const killTime = Date.now();
        await killProvider();
        const chainAtKill = await bestNumber(authority.rpcPort);
        await waitFor(`the chain to move ${downBlocks} blocks on`, async () =>
          (await bestNumber(authority.rpcPort)) >= chainAtKill + downBlocks, { timeoutMs: 60_000, intervalMs: 250 });
        // Down at least a slot past that block: whatever tolerance a worker allows for a late
        // import, it cannot have taken that block's reading in time.
        await sleepUntil(await timestampOf(chainAtKill + downBlocks) + slotMs);
        const restartTime = Date.now();
        provider = await startNode({ name: 'crash-provider', args: providerArgs, basePath: providerBase });
        const upTime = Date.now();
        const afterRestart = await tally(provider.rpcPort, epoch);
        assert.ok(afterRestart && afterRestart.sampled >= beforeKill.sampled,
          `the tally survived the crash: ${JSON.stringify(beforeKill)} before, ${JSON.stringify(afterRestart)} after`);
        console.log(`provider killed at #${chainAtKill} with ${beforeKill.sampled} blocks of epoch ${epoch} sampled; restarted (${Date.now() - restartTime} ms) at #${await bestNumber(authority.rpcPort)} with ${afterRestart.sampled}`);

        // The epoch's report lands within its window.
        let landed;
        await waitFor(`the report of epoch ${epoch} or the end of its window (#${windowEnd})`, async () => {
          landed = await findReport(owner.address, epoch, first(epoch + 1), windowEnd);
          return landed || (await bestNumber(authority.rpcPort)) > windowEnd;
        }, { timeoutMs: (epochLength + grace + 4) * 6_000 + 60_000, intervalMs: 1_000 });
        assert.ok(landed, `no report of epoch ${epoch} by the end of its window (#${windowEnd}); provider logs: ${LOG_DIR}`);
        const outcome = await epochOutcome(api, owner.address, epoch);
        assert.ok(outcome?.isReported, `the provider's liveness records the epoch as reported (no miss): ${outcome}`);
        const sampled = landed.report.devices.sampledBlocks.toNumber();
        const answered = landed.report.devices.answeredBlocks.toNumber();
        assert.ok(sampled >= beforeKill.sampled && sampled <= epochLength,
          `the report covers the samples from before the crash (${sampled} sampled, ${beforeKill.sampled} before the kill)`);
        assert.ok(answered >= 1);

        // The epoch's blocks authored while the node was down, at least a slot before its RPC
        // answered again (a starting node imports nothing before its RPC is up: it compiles the
        // runtime first). No reading of the hardware at them could have been taken within a slot.
        const dead = [];
        for (let n = first(epoch); n < first(epoch + 1); n++) {
          const timestamp = await timestampOf(n);
          if (killTime < timestamp && timestamp < upTime - slotMs) dead.push(n);
        }
        crashes.push({ epoch, epochLength, landedAt: landed.block - first(epoch + 1) + 1, sampled, answered, before: beforeKill.sampled, dead });
        console.log(`report of epoch ${epoch} landed in #${landed.block}: ${sampled} of ${epochLength} blocks sampled (${beforeKill.sampled} before the crash), ${answered} answered; blocks authored while the node was down: ${dead.join(', ') || 'none'} (killed ${new Date(killTime).toISOString()}, restarted ${new Date(restartTime).toISOString()}, RPC up ${new Date(upTime).toISOString()})`);
      }

      const answered = crashes.reduce((sum, c) => sum + c.answered, 0);
      const dead = crashes.reduce((sum, c) => sum + c.dead.length, 0);
      rows.push({
        group: 'Crashes',
        what: 'provider node (off-chain worker) killed (-9) mid-epoch, down a block while the chain went on, restarted',
        count: crashes.length,
        outcome: `every epoch it was killed in was reported within its window (in window block ${crashes.map((c) => c.landedAt).join(', ')} of ${grace}), from the tally kept in off-chain storage (${crashes.map((c) => `${c.before} of ${c.sampled} samples from before the crash`).join('; ')}); no miss; the reports count ${answered} blocks answered of ${crashes.length * epochLength}, though the node was down at ${dead} of them`,
      });
    });

    // docs/attestation.md: "Uptime is counted in blocks at which the node saw the hardware. A
    // node that misses blocks under-reports." The worker samples a block when the node imports
    // it, so blocks authored while it was down and imported in the catch-up after the restart
    // (fewer than sc-network-sync's major-sync distance, 5, come as ordinary imports and fire the
    // worker) are counted with a reading taken after the fact.
    it('counts no block authored while the node was down as one at which the hardware answered', () => {
      assert.equal(crashes.length, CRASH_EPOCHS, 'runs after the report test');
      for (const c of crashes) {
        assert.ok(c.dead.length >= 1, `the node was down for at least one block of epoch ${c.epoch}`);
        assert.ok(c.answered <= c.epochLength - c.dead.length,
          `the report of epoch ${c.epoch} counts ${c.answered} of ${c.epochLength} blocks answered, but the node was down (killed or starting) when blocks ${c.dead.join(', ')} were authored`);
      }
    });

    /** The accepted report of `provider` for `epoch` in blocks from..to: { block, report }. */
    async function findReport(providerAddress, epoch, from, to) {
      const best = await bestNumber(authority.rpcPort);
      for (let n = from; n <= Math.min(best, to); n++) {
        const hash = await api.rpc.chain.getBlockHash(n);
        const [block, events] = await Promise.all([api.rpc.chain.getBlock(hash), (await api.at(hash)).query.system.events()]);
        const accepted = events.find(({ event }) => api.events.attestation.ReportAccepted.is(event) &&
          event.data.provider.toString() === providerAddress && event.data.epoch.toNumber() === epoch);
        if (!accepted) continue;
        const xt = block.block.extrinsics.find((x) => x.method.section === 'attestation' && x.method.method === 'submitReport' &&
          x.method.args[0].provider.toString() === providerAddress && x.method.args[0].epoch.toNumber() === epoch);
        assert.ok(xt, `block #${n} carries the submitReport extrinsic`);
        return { block: n, report: xt.method.args[0] };
      }
      return null;
    }
  });
});
