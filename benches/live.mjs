// One live benchmark run: the release depin-node on a seeded market spec (from
// depin-market-spec), loaded over loopback with pre-signed usage reports and transfers, then
// every block it produced re-executed with `depin-node benchmark block` (real RocksDB, compiled
// wasm), R times cold and the small blocks R times warm (lib/reexecute.mjs), for their
// execution times and the weight they consumed.
//
// Usage: node live.mjs --spec S --manifest M --out results.json [--plan typical|full]
//        [--repeat R (runs, default 10)] [--warm-repeat K (warm executions a run, default 20)]
//
// Plans (epochs are 10 blocks; reports of epoch e are sent at block 10e+9 and may land in
// blocks 10e+10 .. 10e+14; epoch e's ledger closes in block 10e+15):
// - typical: empty blocks, a block of 10 transfers, a typical block (a report covering 10
//   leases + 10 transfers) and the block closing epoch 0 — the same content whatever the market
//   size, up to that block.
// - full: the same, then blocks full of transfers; of reports covering 1 lease; 16 leases; the
//   most a report may cover; then reports and transfers together (the live throughput), while
//   the node's own off-chain worker starts reporting for the last provider from a stand-in
//   exporter (its latency: the epoch's last probe reading to the report's inclusion).
import { readFileSync, writeFileSync } from 'node:fs';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { u8aToHex, hexToU8a } from '@polkadot/util';
import { sr25519PairFromSeed } from '@polkadot/util-crypto';

import { startNode, waitFor, rpc, REPO_ROOT } from '../scripts/e2e/lib/node.mjs';
import { fakeExporter, fixture } from '../scripts/e2e/lib/exporter.mjs';
import { ready, usageReport, senders, transfers } from './lib/extrinsics.mjs';
import { provenance } from './lib/provenance.mjs';
import { reexecute } from './lib/reexecute.mjs';

function args() {
  const out = { plan: 'typical', repeat: '10', 'warm-repeat': '20' };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) out[argv[i].replace(/^--/, '')] = argv[i + 1];
  for (const required of ['spec', 'manifest', 'out']) if (!out[required]) throw new Error(`--${required} is required`);
  return out;
}

const log = (...parts) => console.error(`[live ${new Date().toISOString().slice(11, 19)}]`, ...parts);

/** Sends raw extrinsics, `width` at a time; returns how many the pool accepted. */
async function submitAll(provider, hexes, width = 256) {
  let accepted = 0;
  for (let i = 0; i < hexes.length; i += width) {
    const results = await Promise.allSettled(hexes.slice(i, i + width).map((x) => provider.send('author_submitExtrinsic', [x])));
    accepted += results.filter((r) => r.status === 'fulfilled').length;
    const refused = results.find((r) => r.status === 'rejected');
    if (refused && accepted === 0) log('pool refused:', refused.reason?.message ?? refused.reason);
  }
  return accepted;
}

/** The stand-in exporter's text for one GPU: the fixture's first GPU, renamed to `uuid`. */
function exporterText(uuid) {
  return fixture('eight-h100-two-disks.prom')
    .split('\n')
    .filter((line) => line.startsWith('#') || line.includes('gpu="0"'))
    .map((line) => line.replace(/UUID="[^"]+"/, `UUID="${uuid}"`))
    .join('\n') + '\n';
}

async function main() {
  const opt = args();
  // What produced the figures: the tree the node was built from, this machine, when.
  const producedBy = provenance(REPO_ROOT);
  const manifest = JSON.parse(readFileSync(opt.manifest, 'utf8'));
  const epochLength = manifest.epochLength;
  const full = opt.plan === 'full';
  await ready();

  // The last provider's node reports for it through its off-chain worker (latency probe).
  const probed = full ? manifest.providers[manifest.providers.length - 1] : null;
  const exporter = probed ? await fakeExporter(exporterText(probed.gpuUuid)) : null;
  const node = await startNode({
    name: `bench-${manifest.leases}`,
    args: [
      '--chain', opt.spec, '--alice', '--validator', '--force-authoring',
      '--node-key', '0000000000000000000000000000000000000000000000000000000000000001',
      '--pool-limit', '100000', '--pool-kbytes', '1048576',
      '--rpc-max-request-size', '64', '--rpc-max-response-size', '64',
      ...(exporter ? ['--metrics-source', exporter.url] : []),
    ],
  });
  log(`node up: ${node.wsUrl}, log ${node.logFile}`);
  const provider = new WsProvider(node.wsUrl, 1_000);
  const api = await ApiPromise.create({
    provider,
    throwOnConnect: true,
    noInitWarn: true,
  });
  let best = 0;
  const hashes = new Map();
  await api.rpc.chain.subscribeNewHeads((header) => {
    best = Math.max(best, header.number.toNumber());
    hashes.set(header.number.toNumber(), header.hash.toHex());
  });
  const atBest = (n) => waitFor(`block ${n}`, () => best >= n, { timeoutMs: 60_000 + 12_000 * Math.max(0, n - best), intervalMs: 100 });
  const anchor = async (n) => ({ number: n, hash: (await api.rpc.chain.getBlockHash(n)).toHex() });

  // Everything signed before the load starts.
  const pairs = senders(manifest);
  const nonces = new Map();
  const lightTransfers = await transfers(api, pairs.slice(0, 10), nonces, 1);
  const typicalTransfers = await transfers(api, pairs.slice(0, 10), nonces, 1);
  const phases = [];
  const mark = (name, from) => phases.push({ name, from });

  // Epoch 0: empty blocks, then one block of 10 transfers; the typical block at 9 → 10.
  mark('empty', 1);
  await atBest(4);
  mark('transfers-10', best + 1);
  await submitAll(provider, lightTransfers);
  await atBest(epochLength - 1);
  const typicalProvider = manifest.providers[0];
  const typical = [usageReport(api, typicalProvider, { epoch: 0, epochLength, anchor: await anchor(best), leaseCount: Math.min(10, typicalProvider.leases.length) }), ...typicalTransfers];
  mark('typical', best + 1);
  log(`typical block: ${await submitAll(provider, typical)} of ${typical.length} accepted`);

  let last = 2 * epochLength;
  if (full) {
    const maxLeases = manifest.maxLeasesPerReport;
    const large = manifest.providers.filter((p) => p.leases.length >= maxLeases && p !== probed);
    const medium = manifest.providers.filter((p) => p.leases.length >= 16 && p.leases.length < maxLeases && p !== probed);
    const small = manifest.providers.filter((p) => p !== probed && p !== typicalProvider && p.leases.length < 16);
    log(`signing the load: ${pairs.length} senders, ${small.length} small, ${medium.length} medium, ${large.length} large providers`);
    // Two blocks full of transfers and a few more: they land before epoch 1's reports are sent.
    const fullTransfers = await transfers(api, pairs, nonces, Math.ceil(4_000 / pairs.length));
    const mixedTransfers = await transfers(api, pairs, nonces, Math.ceil(6_000 / pairs.length));
    const reportsAt = async (epoch, providers, leaseCount) => {
      await atBest((epoch + 1) * epochLength - 1);
      const a = await anchor(best);
      return providers.map((p) => usageReport(api, p, { epoch, epochLength, anchor: a, leaseCount }));
    };

    // After the block that closes epoch 0's ledger: every block up to it holds the same content
    // in every market (the market-size figure compares them; the warm runs re-execute them).
    await atBest(epochLength + epochLength / 2);
    mark('transfers-full', best + 1);
    log(`full transfer blocks: ${await submitAll(provider, fullTransfers)} of ${fullTransfers.length} accepted`);

    const r1 = await reportsAt(1, small.slice(0, 4_000), 1);
    mark('reports-1', best + 1);
    log(`1-lease reports: ${await submitAll(provider, r1)} of ${r1.length} accepted`);

    const r16 = await reportsAt(2, medium, 16);
    mark('reports-16', best + 1);
    log(`16-lease reports: ${await submitAll(provider, r16)} of ${r16.length} accepted`);

    const rMax = await reportsAt(3, large, maxLeases);
    mark('reports-max', best + 1);
    log(`${maxLeases}-lease reports: ${await submitAll(provider, rMax)} of ${rMax.length} accepted`);

    // From here on the node's off-chain worker also reports for the probed provider (not
    // earlier: its reports would mix into the blocks measured above).
    const publicKey = u8aToHex(sr25519PairFromSeed(hexToU8a(probed.reportingSeed)).publicKey);
    await rpc(node.rpcPort, 'author_insertKey', ['dpna', probed.reportingSeed, publicKey]);

    const mixedReports = await reportsAt(4, small.slice(0, 4_000), 1);
    mark('mixed', best + 1);
    const mixed = await Promise.all([submitAll(provider, mixedReports), submitAll(provider, mixedTransfers)]);
    log(`mixed load: ${mixed[0]} reports, ${mixed[1]} transfers accepted`);
    // Three epochs of off-chain worker reports: under the mixed load, then quiet.
    last = 7 * epochLength + 5;
  }
  await atBest(last);
  mark('end', last + 1);

  // What each block holds, from its events (the runtime's own account of it).
  const blocks = [];
  for (let n = 1; n <= last; n++) {
    const hash = await api.rpc.chain.getBlockHash(n);
    const raw = await provider.send('chain_getBlock', [hash.toHex()]);
    const events = await api.query.system.events.at(hash);
    const block = { number: n, extrinsics: raw.block.extrinsics.length, transfers: 0, reports: 0, leasesSettled: 0, probedReports: [], closedEpochs: [] };
    for (const { event } of events) {
      if (api.events.balances.Transfer.is(event)) block.transfers += 1;
      if (api.events.economics.EpochClosed.is(event)) block.closedEpochs.push(event.data.epoch.toNumber());
      if (api.events.attestation.ReportAccepted.is(event)) {
        block.reports += 1;
        block.leasesSettled += event.data.leases.toNumber();
        if (probed && event.data.provider.toHex() === probed.account) block.probedReports.push(event.data.epoch.toNumber());
      }
    }
    blocks.push(block);
  }
  const probeScrapes = exporter?.scrapes ?? 0;
  const maxBlockRefTime = Number(api.consts.system.blockWeights.maxBlock.refTime.toBigInt());
  await api.disconnect();
  await node.stop();
  await exporter?.stop();

  // The small blocks, re-executed warm too: up to the one that closes epoch 0, which the plans
  // keep the same in every market.
  const warmTo = blocks.find((b) => b.closedEpochs.includes(0))?.number;
  if (warmTo === undefined) throw new Error('no block closed epoch 0');
  const afterTypical = phases[phases.findIndex((p) => p.name === 'typical') + 1];
  if (afterTypical.from <= warmTo) throw new Error(`phase ${afterTypical.name} starts at ${afterTypical.from}, before epoch 0 closed at ${warmTo}`);
  const runs = Number(opt.repeat);
  const warmRepeat = Number(opt['warm-repeat']);
  if (!(Number.isInteger(runs) && runs >= 1 && Number.isInteger(warmRepeat) && warmRepeat >= 1)) throw new Error('--repeat and --warm-repeat take a count');
  log(`re-executing blocks 1..${last} cold and 1..${warmTo} warm, ${runs} runs`);
  const timing = await reexecute({ spec: opt.spec, basePath: node.basePath, last, warmTo, runs, warmRepeat, log });
  for (const b of blocks) Object.assign(b, timing.get(b.number));

  writeFileSync(opt.out, JSON.stringify({
    leases: manifest.leases,
    providers: manifest.providers.length,
    epochLength,
    normalBlockRefTime: manifest.normalBlockRefTime,
    maxBlockRefTime,
    maxLeasesPerReport: manifest.maxLeasesPerReport,
    probeScrapes,
    producedBy,
    finished: new Date().toISOString(),
    runs,
    warmRepeat,
    warmTo,
    phases,
    blocks,
  }, null, 1));
  log(`wrote ${opt.out}`);
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
