// Explorers' tools on a real dev node with a provider reporting every epoch, a dispute decided
// by governance, a rewards claim and transfers landing in the same blocks as usage reports:
// polkadot.js (metadata alone), py-substrate-interface (pinned venv) and subxt (the workspace's
// depin-subxt-decode) each decode every block from genesis to the finalized head, extrinsics and
// events; a transfer's receipt is read in a block that holds a report; the explorer runtime API
// answers through `api.call.depinApi.*` as the `depin_*` RPC does; the dashboard (explorer/) is
// checked in headless Chromium against the same answers, its screenshots saved in the log folder
// (scripts/screenshots.sh runs this test to refresh docs/screenshots).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { ApiPromise, WsProvider } from '@polkadot/api';
import { u8aToHex } from '@polkadot/util';
import { blake2AsHex } from '@polkadot/util-crypto';

import { LOG_DIR, REPO_ROOT, TARGET_DIR, startNode, rpc, waitFor } from '../lib/node.mjs';
import { connect, devKeyring, reportingKeyProof, sendAndFinalize, waitForFinalizedHeight } from '../lib/chain.mjs';
import { fakeExporter, fixture } from '../lib/exporter.mjs';

const execFileP = promisify(execFile);
const DPN = 10n ** 12n;
const MODEL = 'NVIDIA H100 80GB HBM3';
const FIXTURE = fixture('eight-h100-two-disks.prom');
const UUIDS = [...new Set([...FIXTURE.matchAll(/UUID="([^"]+)"/g)].map((m) => m[1]))];
const DEPIN_PALLETS = ['providers', 'leases', 'attestation', 'economics'];
const PY_VENV = process.env.DEPIN_PY_VENV || '/var/tmp/depin-pyenv';
const SUBXT_DECODE = join(TARGET_DIR, 'debug', 'depin-subxt-decode');
// Tests never write into the checkout: screenshots go to the log folder, unless
// scripts/screenshots.sh asks for docs/screenshots.
const SCREENSHOTS = process.env.DEPIN_SCREENSHOT_DIR || join(LOG_DIR, 'screenshots');
/** 28 bytes of markup (regions hold 32) that would run a script if the page parsed it. */
const HOSTILE_REGION = '<img src=x onerror=alert(1)>';

describe('explorers decode every block and read the explorer API', { timeout: 1_200_000 }, () => {
  let exporter;
  let node;
  let api;
  /** A client with nothing but what the chain's metadata says (no custom rpc or types). */
  let plain;
  let keys;
  const chain = {};

  before(async () => {
    exporter = await fakeExporter(FIXTURE);
    node = await startNode({ name: 'explorers', args: ['--dev', '--metrics-source', exporter.url] });
    api = await connect(node.wsUrl);
    plain = await ApiPromise.create({ provider: new WsProvider(node.wsUrl, 1_000), throwOnConnect: true, noInitWarn: true });
    keys = await devKeyring();
  });

  after(async () => {
    await plain?.disconnect();
    await api?.disconnect();
    await node?.stop();
    await exporter?.stop();
  });

  it('a provider reports, a consumer disputes, governance decides, the provider claims, transfers share report blocks', async () => {
    const { ferdie: provider, eve: consumer, alice, bob, charlie } = keys;
    const epochLength = (await api.query.attestation.epochLength()).toNumber();
    const reportingKey = keys.keyring.addFromUri('//Ferdie//attestation');
    const keyHex = u8aToHex(reportingKey.publicKey);
    await rpc(node.rpcPort, 'author_insertKey', ['dpna', '//Ferdie//attestation', keyHex]);
    const gpus = UUIDS.map((uuid) => ({ uuidHash: blake2AsHex(uuid, 256), model: MODEL, vramMib: 81_559 }));
    await sendAndFinalize(api, api.tx.utility.batchAll([
      api.tx.providers.register(200n * DPN, 'eu-west', '8x H100, 2 NVMe'),
      api.tx.providers.addGpus(gpus),
      api.tx.providers.setCapacity(5_760_753_664_000n, 128),
      api.tx.providers.setPrices({ gpu: [[MODEL, 6n * DPN]], storageGib: DPN / 1000n, cpuCore: DPN / 20n }),
      api.tx.providers.setReportingKey(keyHex, reportingKeyProof(api, reportingKey, provider.address)),
    ]), provider);
    // A second provider whose region is markup: the dashboard must show it as text.
    await sendAndFinalize(api, api.tx.providers.register(200n * DPN, HOSTILE_REGION, 'no hardware'), keys.dave);
    const rented = await sendAndFinalize(api, api.tx.leases.rent(provider.address, {
      gpus: 2, gpuModel: MODEL, minVramMib: 80_000, storageGib: 0, cpuCores: 0,
    }, 20n * DPN), consumer);
    const leaseId = rented.events.find(({ event }) => api.events.leases.LeaseOpened.is(event)).event.data.lease.toNumber();

    // Transfers in every block from now on (fire and forget; one lands beside each report),
    // from an account nothing else signs for, so nonces never collide.
    let transfers = 0;
    const stopTransfers = await api.rpc.chain.subscribeNewHeads(() => {
      transfers += 1;
      api.tx.balances.transferKeepAlive(charlie.address, DPN).signAndSend(bob, { nonce: -1 }).catch(() => {});
    });
    try {
      // The consumer contests the epoch now running, before its report: the charge is held.
      // Early in an epoch, so the dispute lands before the epoch ends whatever a block holds.
      const number = await waitFor('a block early in an epoch', async () => {
        const n = (await api.rpc.chain.getHeader()).number.toNumber();
        return n % epochLength >= 1 && n % epochLength <= epochLength - 5 ? n : false;
      }, { timeoutMs: 120_000, intervalMs: 1_000 });
      const disputedEpoch = Math.floor(number / epochLength);
      await sendAndFinalize(api, api.tx.attestation.dispute(leaseId, disputedEpoch), consumer);
      const held = await waitFor(`the report of epoch ${disputedEpoch}`, async () =>
        (await api.query.attestation.disputes(leaseId, disputedEpoch)).unwrap().held.isSome, { timeoutMs: 240_000 });
      assert.ok(held);
      await sendAndFinalize(api, api.tx.sudo.sudo(api.tx.attestation.resolveDispute(leaseId, disputedEpoch, 'Provider')), alice);

      // The next full epoch, reported and closed, pays emission the provider claims.
      const paidEpoch = disputedEpoch + 1;
      await waitFor(`epoch ${paidEpoch} closed`, async () =>
        (await api.rpc.depin.epochLedger(paidEpoch)).toJSON()?.closed, { timeoutMs: 300_000 });
      const claim = await sendAndFinalize(api, api.tx.economics.claimRewards([paidEpoch]), provider);
      assert.ok(claim.events.some(({ event }) => api.events.economics.RewardsClaimed.is(event)));
    } finally {
      stopTransfers();
    }
    assert.ok(transfers > 0);
    const head = await api.rpc.chain.getHeader();
    await waitForFinalizedHeight(api, head.number.toNumber());
    const finalized = (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber();
    Object.assign(chain, { provider: provider.address, leaseId, finalized });
  });

  /** Decoding by polkadot.js of blocks 0..=to: counts as the other tools report them. */
  async function decodeWithPolkadotJs(to) {
    const out = { blocks: 0, extrinsics: 0, signed: 0, bare: 0, events: 0, calls: {}, eventNames: {}, reportBlocks: [], eventFieldsUnnamed: [] };
    for (let n = 0; n <= to; n++) {
      const hash = await plain.rpc.chain.getBlockHash(n);
      const { block } = await plain.rpc.chain.getBlock(hash);
      const events = await (await plain.at(hash)).query.system.events();
      const names = [];
      for (const ex of block.extrinsics) {
        const name = `${ex.method.section}.${ex.method.method}`;
        names.push(name);
        assert.ok(ex.method.toJSON(), `block ${n}: ${name} decodes`);
        if (ex.isSigned) out.signed += 1; else out.bare += 1;
        // Reports travel as bare v4 extrinsics.
        if (name === 'attestation.submitReport') assert.equal(ex.version, 4, `block ${n}: a v4 report`);
        out.calls[name] = (out.calls[name] ?? 0) + 1;
        out.extrinsics += 1;
      }
      if (names.includes('attestation.submitReport') && names.some((c) => c.startsWith('balances.'))) out.reportBlocks.push(n);
      for (const { event } of events) {
        const name = `${event.section}.${event.method}`;
        out.eventNames[name] = (out.eventNames[name] ?? 0) + 1;
        out.events += 1;
        if (DEPIN_PALLETS.includes(event.section) && event.data.length > 0 && event.data.names === null) {
          out.eventFieldsUnnamed.push(name);
        }
      }
      out.blocks += 1;
    }
    return out;
  }

  it('polkadot.js, py-substrate-interface and subxt decode every block alike', async (t) => {
    const to = chain.finalized;
    assert.ok(to, 'runs after the scenario');
    const js = await decodeWithPolkadotJs(to);
    assert.equal(js.blocks, to + 1);
    assert.ok(js.calls['attestation.submitReport'] >= 2, 'reports on chain');
    // resolveDispute travels inside sudo.sudo; its DisputeResolved event is checked below.
    for (const call of ['attestation.dispute', 'economics.claimRewards', 'sudo.sudo', 'balances.transferKeepAlive']) {
      assert.ok(js.calls[call] > 0, `${call} on chain`);
    }
    assert.ok(js.reportBlocks.length > 0, 'a transfer landed in a block with a report');
    assert.deepEqual(js.eventFieldsUnnamed, [], 'every event of the DePIN pallets names its fields');
    for (const name of ['attestation.ReportAccepted', 'attestation.DisputeOpened', 'attestation.DisputedChargeHeld',
      'attestation.DisputeResolved', 'leases.LeaseSettled', 'economics.EpochClosed', 'economics.RewardsClaimed']) {
      assert.ok(js.eventNames[name] > 0, `${name} emitted`);
    }

    // py-substrate-interface, newest release, from its pinned venv.
    const py = JSON.parse((await execFileP(join(PY_VENV, 'bin', 'python'), [
      join(REPO_ROOT, 'scripts', 'explorer-tools', 'decode_blocks.py'), '--url', node.wsUrl, '--from', '0', '--to', String(to), '--receipts',
    ], { maxBuffer: 64 * 1024 * 1024, timeout: 600_000 })).stdout);
    assert.equal(py.blocks, js.blocks);
    assert.equal(py.extrinsics, js.extrinsics);
    assert.equal(py.events, js.events);
    assert.ok(py.reportBlocks >= js.reportBlocks.length && js.reportBlocks.length > 0);
    const transferReceipts = py.receipts.filter((r) => r.call.startsWith('Balances.'));
    assert.ok(transferReceipts.length > 0, 'a transfer receipt read in a block with a report');
    for (const r of transferReceipts) {
      assert.equal(r.success, true, `receipt of block ${r.block}, extrinsic ${r.index}`);
      assert.ok(r.events.includes('Balances.Transfer'), `its events: ${r.events}`);
    }
    assert.deepEqual(py.eventFieldsUnnamed, []);

    // subxt, newest release, decoding with the chain's metadata, then following finalized blocks.
    const rs = JSON.parse((await execFileP(SUBXT_DECODE, ['--url', node.wsUrl, '--from', '0', '--to', String(to), '--follow', '2'],
      { maxBuffer: 64 * 1024 * 1024, timeout: 600_000 })).stdout);
    assert.equal(rs.blocks, js.blocks + 2, 'every block to the head, then two followed');
    assert.ok(rs.extrinsics >= js.extrinsics && rs.events >= js.events);
    assert.ok(rs.calls['Attestation.submit_report'] >= js.calls['attestation.submitReport']);
    assert.equal(rs.bare - (rs.calls['Timestamp.set'] ?? 0), rs.calls['Attestation.submit_report'], 'only inherents and reports are bare');
    assert.deepEqual(rs.eventFieldsUnnamed, []);
    t.diagnostic(`decoded blocks 0..${to}: ${js.extrinsics} extrinsics (${js.calls['attestation.submitReport']} reports, `
      + `${js.reportBlocks.length} report blocks with a transfer), ${js.events} events; py receipts ${py.receipts.length}; `
      + `subxt followed to #${rs.last}`);
  });

  it('the explorer runtime API answers through api.call.depinApi from the metadata alone', async () => {
    assert.ok(plain.call.depinApi, 'DepinApi is in the metadata');
    const at = await plain.rpc.chain.getFinalizedHead();
    const atApi = await plain.at(at);
    const stats = (await atApi.call.depinApi.networkStats()).toJSON();
    const viaRpc = await rpc(node.rpcPort, 'depin_networkStats', [at.toHex()]);
    assert.equal(stats.providersTotal, viaRpc.providersTotal);
    assert.equal(stats.gpus, viaRpc.gpus);
    assert.equal(stats.openLeases, viaRpc.openLeases);
    assert.equal(BigInt(stats.trailingFeeRevenue), BigInt(viaRpc.trailingFeeRevenue));
    assert.equal(BigInt(stats.totalIssuance), BigInt(viaRpc.totalIssuance));

    const provider = (await atApi.call.depinApi.provider(chain.provider)).unwrap();
    const providerRpc = await rpc(node.rpcPort, 'depin_provider', [chain.provider, at.toHex()]);
    assert.equal(provider.reports.toNumber(), providerRpc.reports);
    assert.equal(provider.gpus.length, providerRpc.gpus.length);
    assert.equal(provider.earnedFees.toBigInt(), BigInt(providerRpc.earnings.fees));

    const lease = (await atApi.call.depinApi.lease(chain.leaseId)).unwrap();
    const leaseRpc = await rpc(node.rpcPort, 'depin_lease', [chain.leaseId, at.toHex()]);
    assert.equal(lease.paid.toBigInt(), BigInt(leaseRpc.paid));
    assert.equal(lease.escrow.toBigInt(), BigInt(leaseRpc.escrow));

    const history = await atApi.call.depinApi.providerHistory(chain.provider, 20);
    const historyRpc = await rpc(node.rpcPort, 'depin_providerHistory', [chain.provider, 20, at.toHex()]);
    assert.equal(history.length, historyRpc.length);
    assert.deepEqual(history.map((e) => e.record.toString()), historyRpc.map((e) => e.status));
    assert.ok(historyRpc.filter((e) => e.status === 'Reported').length >= 2);
    const bad = await fetch(`http://127.0.0.1:${node.rpcPort}`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'depin_providerHistory', params: [chain.provider, 101] }),
    }).then((r) => r.json());
    assert.ok(bad.error, 'more than 100 epochs is refused');
  });

  it('the dashboard shows what the chain says, live, in headless Chromium', async () => {
    const { checkDashboard } = await import(join(REPO_ROOT, 'explorer', 'test', 'dashboard.mjs'));
    const summary = await checkDashboard({
      wsUrl: node.wsUrl, rpcPort: node.rpcPort, provider: chain.provider, leaseId: chain.leaseId, screenshotDir: SCREENSHOTS,
    });
    assert.equal(summary.overview.providersShown, 2, 'the hostile region was on the page, as text');
  });
});
