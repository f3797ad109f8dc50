// Usage attestation on a real dev node (10-block epochs) with polkadot.js: a stand-in exporter
// serves dcgm-exporter/node_exporter text for eight H100s and two disks; the provider's
// reporting key goes into the node's keystore; the provider registers those GPUs and a consumer
// rents two. The node's off-chain worker then reports every epoch, each report books exactly
// price × attested blocks minus the take, and a claim an epoch later pays the provider. With
// the exporter stopped there are no reports and the consumer pays nothing; started again,
// reports resume.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { u8aToHex } from '@polkadot/util';
import { blake2AsHex } from '@polkadot/util-crypto';

import { startNode, rpc, rpcCall, waitFor } from '../lib/node.mjs';
import { connect, devKeyring, epochOutcome, reportingKeyProof, sendAndFinalize } from '../lib/chain.mjs';
import { fakeExporter, fixture } from '../lib/exporter.mjs';

const DPN = 10n ** 12n;
const MODEL = 'NVIDIA H100 80GB HBM3';
const GPU_PRICE = 6n * DPN; // per hour (600 blocks)
const BLOCKS_PER_HOUR = 600n;
const BOND = 200n * DPN;
const FIXTURE = fixture('eight-h100-two-disks.prom');
const UUIDS = [...new Set([...FIXTURE.matchAll(/UUID="([^"]+)"/g)].map((m) => m[1]))];

describe('usage attestation', { timeout: 900_000 }, () => {
  /** What the attestation flow leaves for the economics checks. */
  const flow = {};
  let exporter;
  let node;
  let api;
  let keys;
  /** Every event of every block so far, in order: { block, event }. */
  const seen = [];
  let lastScanned = 0;
  let stopScanning;

  async function scan(upTo) {
    for (let n = lastScanned + 1; n <= upTo; n++) {
      const hash = await api.rpc.chain.getBlockHash(n);
      const events = await (await api.at(hash)).query.system.events();
      for (const { event } of events) seen.push({ block: n, event });
      lastScanned = n;
    }
  }

  const events = (section, method, filter = () => true) =>
    seen.filter(({ event }) => event.section === section && event.method === method && filter(event.data));

  before(async () => {
    exporter = await fakeExporter(FIXTURE);
    node = await startNode({ name: 'attest', args: ['--dev', '--metrics-source', exporter.url] });
    api = await connect(node.wsUrl);
    keys = await devKeyring();
    let scanning = Promise.resolve();
    stopScanning = await api.rpc.chain.subscribeNewHeads((header) => {
      scanning = scanning.then(() => scan(header.number.toNumber())).catch(() => {});
    });
  });

  after(async () => {
    stopScanning?.();
    await api?.disconnect();
    await node?.stop();
    await exporter?.stop();
  });

  it('the built-in probe serves this machine\'s disks and no GPU lines', async () => {
    const text = await waitFor('a probe reading', async () => {
      const res = await fetch(`http://127.0.0.1:${node.probePort}/metrics`);
      assert.equal(res.status, 200);
      const body = await res.text();
      return body.includes('node_filesystem_size_bytes') && body;
    }, { timeoutMs: 30_000 });
    assert.match(text, /^node_filesystem_avail_bytes\{mountpoint="[^"]+"\} \d+$/m);
    assert.doesNotMatch(text, /DCGM_FI_DEV/, 'no GPU here, so no DCGM lines');
    const log = readFileSync(node.logFile, 'utf8');
    assert.doesNotMatch(log, /hardware probe(:| task failed| cannot listen)/, 'the probe ran without errors');
  });

  it('reports every epoch, pays exactly for attested blocks, and stops charging when the exporter stops', async () => {
    const { ferdie: provider, eve: consumer } = keys;
    const epochLength = (await api.query.attestation.epochLength()).toNumber();
    const grace = api.consts.attestation.reportGrace.toNumber();
    assert.equal(epochLength, 10, 'the dev chain has 10-block epochs');
    const epochOf = (block) => Math.floor(block / epochLength);

    // The reporting key goes into the node's keystore, as a provider would do over RPC.
    const reportingKey = keys.keyring.addFromUri('//Ferdie//attestation');
    const keyHex = u8aToHex(reportingKey.publicKey);
    await rpc(node.rpcPort, 'author_insertKey', ['dpna', '//Ferdie//attestation', keyHex]);
    assert.equal(await rpc(node.rpcPort, 'author_hasKey', [keyHex, 'dpna']), true);

    const gpus = UUIDS.map((uuid) => ({ uuidHash: blake2AsHex(uuid, 256), model: MODEL, vramMib: 81_559 }));
    assert.equal(gpus.length, 8);
    await sendAndFinalize(api, api.tx.utility.batchAll([
      api.tx.providers.register(BOND, 'eu-west', '8x H100, 2 NVMe'),
      api.tx.providers.addGpus(gpus),
      api.tx.providers.setCapacity(5_760_753_664_000n, 128),
      api.tx.providers.setPrices({ gpu: [[MODEL, GPU_PRICE]], storageGib: DPN / 1000n, cpuCore: DPN / 20n }),
      api.tx.providers.setReportingKey(keyHex, reportingKeyProof(api, reportingKey, provider.address)),
    ]), provider);
    // Governance appoints Dave an auditor (bonded); Dave vouches for the eight GPUs, so they
    // earn capacity emission besides the usage emission matched to the take.
    await sendAndFinalize(api, api.tx.sudo.sudo(api.tx.providers.addAuditor(keys.dave.address)), keys.alice);
    await sendAndFinalize(api, api.tx.providers.auditHardware(provider.address, gpus.map((g) => g.uuidHash), 0), keys.dave);

    const rented = await sendAndFinalize(api, api.tx.leases.rent(provider.address, {
      gpus: 2, gpuModel: MODEL, minVramMib: 80_000, storageGib: 0, cpuCores: 0,
    }, 20n * DPN), consumer);
    const opened = rented.events.find(({ event }) => api.events.leases.LeaseOpened.is(event)).event.data;
    const leaseId = opened.lease.toNumber();
    const price = opened.pricePerHour.toBigInt();
    assert.equal(price, 2n * GPU_PRICE);
    const openedAt = (await api.query.leases.leases(leaseId)).unwrap().openedAt.toNumber();
    const firstEpoch = epochOf(openedAt);

    // The epoch the lease opened in (partly served) and the next, full one.
    const reportOf = (epoch) => events('attestation', 'ReportAccepted',
      (d) => d.provider.toString() === provider.address && d.epoch.toNumber() === epoch)[0];
    const settlementOf = (epoch) => events('leases', 'LeaseSettled',
      (d) => d.lease.toNumber() === leaseId && d.epoch.toNumber() === epoch)[0];
    await waitFor(`reports of epochs ${firstEpoch} and ${firstEpoch + 1}`,
      () => reportOf(firstEpoch) && reportOf(firstEpoch + 1), { timeoutMs: 240_000 });

    const providerPaid = [];
    for (const epoch of [firstEpoch, firstEpoch + 1]) {
      const report = reportOf(epoch);
      const settled = settlementOf(epoch);
      assert.ok(settled, `lease settled for epoch ${epoch}`);
      const { leases, gpus: reportedGpus, attestedBlocks, charged } = report.event.data;
      assert.equal(leases.toNumber(), 1);
      assert.equal(reportedGpus.toNumber(), 8, 'all eight registered GPUs were reported');
      assert.equal(charged.toBigInt(), settled.event.data.charged.toBigInt());
      // What the lease ran in the epoch (it is still open) caps what can be charged.
      const ran = (epoch + 1) * epochLength - Math.max(epoch * epochLength, openedAt);
      const blocks = BigInt(Math.min(attestedBlocks.toNumber(), ran));
      if (epoch === firstEpoch + 1) assert.ok(blocks >= BigInt(epochLength - 2), `a full epoch attested (${blocks})`);
      const due = price * blocks / BLOCKS_PER_HOUR;
      const take = due / 20n; // 5%
      assert.equal(settled.event.data.charged.toBigInt(), due, 'charged = price × attested blocks');
      assert.equal(settled.event.data.providerShare.toBigInt(), due - take, 'paid = charge minus the take');
      assert.equal(settled.event.data.take.toBigInt(), take);
      providerPaid.push({ block: report.block, amount: due - take });
    }
    // Reports move no money: each charge is booked on the lease, still on the consumer's escrow
    // hold, contestable for an epoch after its report; then anyone may claim it for the
    // provider. The provider sends no transactions (reports are feeless), so its balance (free
    // and held) moves only by the claim.
    Object.assign(flow, { provider, leaseId, firstEpoch, epochLength });
    const [a, b] = providerPaid;
    const accountAt = async (n) => (await (await api.at(await api.rpc.chain.getBlockHash(n))).query.system.account(provider.address)).data;
    const totalAt = async (n) => { const d = await accountAt(n); return d.free.toBigInt() + d.reserved.toBigInt(); };
    assert.equal(await totalAt(b.block), await totalAt(a.block - 1), 'the reports paid nothing yet');
    // The provider's shares booked on the lease: still contestable, or past their window and
    // unclaimed (the first may have matured when the second was booked, an epoch later).
    const bookedSharesAt = async (n) => {
      const lease = (await (await api.at(await api.rpc.chain.getBlockHash(n))).query.leases.leases(leaseId)).unwrap();
      return lease.contestable.reduce((acc, c) => acc + c.share.toBigInt(), lease.unclaimed.share.toBigInt());
    };
    assert.equal(await bookedSharesAt(a.block), a.amount, 'the first charge booked');
    assert.equal(await bookedSharesAt(b.block), a.amount + b.amount, 'both charges booked');
    // An epoch after the second report, both are claimable: Alice claims them for the provider.
    await waitFor(`block ${b.block + epochLength}`, () => lastScanned >= b.block + epochLength, { timeoutMs: 240_000 });
    const claimed = await sendAndFinalize(api, api.tx.leases.claimEarnings(provider.address), keys.alice);
    const claimedEvent = claimed.events.find(({ event }) => api.events.leases.EarningsClaimed.is(event)).event.data;
    const claimBlock = (await api.rpc.chain.getHeader(claimed.blockHash)).number.toNumber();
    // Exactly what the provider's leases had booked at least an epoch before the claim (this
    // lease's two charges, and any later report's that matured by then), read off the state
    // the claim ran on; what is younger stays booked and contestable.
    const parent = await api.at(await api.rpc.chain.getBlockHash(claimBlock - 1));
    const due = { share: 0n, take: 0n };
    for (const id of await parent.query.leases.providerLeases(provider.address)) {
      const lease = (await parent.query.leases.leases(id)).unwrap();
      due.share += lease.unclaimed.share.toBigInt();
      due.take += lease.unclaimed.take.toBigInt();
      for (const c of lease.contestable.filter((c) => c.claimableAt.toNumber() <= claimBlock)) {
        due.share += c.share.toBigInt();
        due.take += c.take.toBigInt();
      }
    }
    assert.equal(claimedEvent.share.toBigInt(), due.share, 'the claim paid the matured shares');
    assert.equal(claimedEvent.take.toBigInt(), due.take, 'and their take');
    assert.ok(due.share >= a.amount + b.amount, 'both charges of the lease among them');
    const after = (await (await api.at(claimed.blockHash)).query.leases.leases(leaseId)).unwrap();
    assert.equal(after.unclaimed.share.toBigInt(), 0n);
    assert.ok(after.contestable.every((c) => c.claimableAt.toNumber() > claimBlock), 'only younger charges stay booked');
    assert.equal(await totalAt(claimBlock) - await totalAt(claimBlock - 1), claimedEvent.share.toBigInt(),
      'the provider got its shares');

    // Stop the exporter: the next epoch it misses entirely gets no report and costs nothing.
    await exporter.stop();
    const stoppedAt = (await api.rpc.chain.getHeader()).number.toNumber();
    const dark = epochOf(stoppedAt) + 1;
    const darkWindowClosed = (dark + 1) * epochLength + grace;
    await waitFor(`block ${darkWindowClosed + 1}`, () => lastScanned > darkWindowClosed, { timeoutMs: 240_000 });
    assert.equal(reportOf(dark), undefined, `no report for epoch ${dark}`);
    assert.equal(settlementOf(dark), undefined, `the lease was not charged for epoch ${dark}`);
    const escrowAt = async (n) => (await (await api.at(await api.rpc.chain.getBlockHash(n))).query.leases.leases(leaseId)).unwrap().escrow.toBigInt();
    assert.equal(await escrowAt(darkWindowClosed), await escrowAt(dark * epochLength + grace),
      'the escrow did not move while nothing was attested');
    assert.ok(!(await epochOutcome(api, provider.address, dark))?.isReported, `no report of epoch ${dark} on record`);
    const log = readFileSync(node.logFile, 'utf8');
    assert.match(log, /metrics source did not answer/);

    // Start it again: reports resume and the lease is charged again.
    await exporter.start();
    const restartedAt = (await api.rpc.chain.getHeader()).number.toNumber();
    const resumed = await waitFor('a report after the restart', () => events('attestation', 'ReportAccepted',
      (d) => d.provider.toString() === provider.address && d.epoch.toNumber() >= epochOf(restartedAt))[0], { timeoutMs: 240_000 });
    assert.equal(resumed.event.data.leases.toNumber(), 1);
    assert.ok(settlementOf(resumed.event.data.epoch.toNumber()), 'the lease is charged again');
  });

  it('depin_* RPC: ledgers and network stats match what moved on chain, and emission is claimable', async () => {
    const { provider, leaseId, firstEpoch, epochLength } = flow;
    assert.ok(provider, 'runs after the attestation flow');
    const epoch = firstEpoch + 1; // the full epoch the lease was paid for
    await waitFor(`epoch ${epoch} closed`, async () =>
      (await api.rpc.depin.epochLedger(epoch)).toJSON()?.closed, { timeoutMs: 120_000 });
    const ledger = (await api.rpc.depin.epochLedger(epoch)).toJSON();

    // Fee revenue, earnings and take are what the settlements moved.
    const settled = events('leases', 'LeaseSettled', (d) => d.epoch.toNumber() === epoch);
    const sum = (f) => settled.reduce((acc, { event }) => acc + event.data[f].toBigInt(), 0n);
    assert.equal(BigInt(ledger.feeRevenue), sum('charged'));
    assert.equal(BigInt(ledger.providerEarnings), sum('providerShare'));
    assert.equal(BigInt(ledger.takeToTreasury), sum('take'));
    assert.equal(ledger.providersReported, 1);
    assert.ok(ledger.gpuCapacityBlocks >= 8 * (epochLength - 2), 'eight GPUs answered');
    assert.ok(ledger.gpuLeasedBlocks > 0 && ledger.gpuBusyBlocks > 0 && ledger.gpuBusyBlocks < ledger.gpuLeasedBlocks);

    // Emission follows the formula from the genesis parameters and the ledgers: usage emission
    // is the take paid (within the revenue cap and the schedule); capacity emission the
    // bootstrap allowance left under the schedule, for the eight audited GPUs.
    assert.ok(ledger.auditedGpuBlocks >= 8 * (epochLength - 2), 'eight audited GPUs answered');
    assert.equal(BigInt(ledger.capacityWork), BigInt(ledger.auditedGpuBlocks) * 1000n);
    const params = (await api.query.economics.params()).toJSON();
    const ledgers = await Promise.all(Array.from({ length: epoch + 1 }, (_, e) => api.rpc.depin.epochLedger(e)));
    const trailing = ledgers.slice(Math.max(0, epoch + 1 - params.trailingEpochs))
      .reduce((acc, l) => acc + BigInt(l.toJSON().feeRevenue), 0n);
    const min = (a, b) => (a < b ? a : b);
    const schedule = BigInt(params.initialPerEpoch);
    const take = BigInt(ledger.takeToTreasury) + BigInt(ledger.takeBurned);
    const meanRevenue = trailing / BigInt(params.trailingEpochs);
    const usage = min(min(take * BigInt(params.usageMatchPercent) / 100n, meanRevenue * BigInt(params.revenueCapPercent) / 100n), schedule);
    const bootstrap = BigInt(params.bootstrapPerEpoch) * BigInt(params.bootstrapEpochs - epoch) / BigInt(params.bootstrapEpochs);
    const capacity = min(bootstrap, schedule - usage);
    assert.equal(BigInt(ledger.matchedTake), take);
    assert.equal(BigInt(ledger.usageEmission), usage, 'usage emission = the take paid, within the cap and the schedule');
    assert.ok(usage > 0n && usage <= take);
    assert.equal(BigInt(ledger.capacityEmission), capacity, 'capacity emission = the bootstrap allowance');
    const emission = usage + capacity;
    assert.equal(BigInt(ledger.emission), emission);

    // The only provider with work claims it all: its balance and total issuance move by exactly
    // the emission (less the claim's fee, which goes to the treasury).
    const before = await api.rpc.chain.getFinalizedHead();
    const issuanceBefore = (await (await api.at(before)).query.balances.totalIssuance()).toBigInt();
    // Free and held together. Reports landing meanwhile book charges and pay nothing.
    const balanceOf = async (at) => { const d = (await at.query.system.account(provider.address)).data; return d.free.toBigInt() + d.reserved.toBigInt(); };
    const balanceBefore = await balanceOf(await api.at(before));
    const claim = await sendAndFinalize(api, api.tx.economics.claimRewards([epoch]), provider);
    const at = await api.at(claim.blockHash);
    const balanceAfter = await balanceOf(at);
    const claimedEvent = claim.events.find(({ event }) => api.events.economics.RewardsClaimed.is(event)).event.data;
    assert.equal(claimedEvent.amount.toBigInt(), emission);
    assert.equal(balanceAfter - balanceBefore, emission - claim.fee);
    assert.equal((await at.query.balances.totalIssuance()).toBigInt() - issuanceBefore, emission);
    const after = (await api.rpc.depin.epochLedger(epoch, claim.blockHash)).toJSON();
    assert.equal(BigInt(after.emissionClaimed), emission);
    assert.equal(BigInt(after.emissionMinted), emission);

    // Network stats over the trailing window agree with the ledgers and the chain.
    const stats = (await api.rpc.depin.networkStats(claim.blockHash)).toJSON();
    const window = Array.from({ length: stats.trailingEpochs }, (_, i) => stats.lastClosedEpoch - i);
    const windowLedgers = await Promise.all(window.map((e) => api.rpc.depin.epochLedger(e, claim.blockHash)));
    const windowSum = (f) => windowLedgers.reduce((acc, l) => acc + BigInt(l.toJSON()[f]), 0n);
    assert.equal(BigInt(stats.trailingFeeRevenue), windowSum('feeRevenue'));
    assert.equal(BigInt(stats.trailingEmission), windowSum('emission'));
    assert.equal(BigInt(stats.trailingUsageEmission), windowSum('usageEmission'));
    assert.equal(BigInt(stats.trailingCapacityEmission), windowSum('capacityEmission'));
    assert.equal(stats.auditedGpus, 8);
    assert.equal(BigInt(stats.totalIssuance), (await at.query.balances.totalIssuance()).toBigInt());
    assert.equal(BigInt(stats.totalIssuance), BigInt(stats.genesisIssuance) + BigInt(stats.totalMinted) - BigInt(stats.totalBurned));
    assert.equal(BigInt(stats.totalMinted), emission);
    assert.equal(stats.gpus, 8);
    assert.equal(stats.openLeases, 1);
    assert.equal(stats.providersActive, 1);
    assert.equal(stats.epochLength, epochLength);

    // Provider, lease and list views; unknown ids are null, bad arguments errors.
    const view = (await api.rpc.depin.provider(provider.address)).toJSON();
    assert.equal(view.status, 'Active');
    assert.equal(view.gpus.length, 8);
    assert.equal(view.auditedGpus, 8);
    assert.equal(BigInt(view.earnings.emission), emission);
    assert.ok(view.reports >= 3 && view.hasReportingKey);
    const lease = (await api.rpc.depin.lease(leaseId)).toJSON();
    assert.equal(lease.provider, provider.address);
    assert.equal(lease.status, 'Open');
    assert.equal((await api.rpc.depin.leasesOf(provider.address)).toJSON().length, 1);
    const page = (await api.rpc.depin.providers(null, 10)).toJSON();
    assert.equal(page.length, 1);
    assert.deepEqual((await api.rpc.depin.providers(page[0].account, 10)).toJSON(), [], 'the cursor is past the last');
    assert.equal((await api.rpc.depin.lease(987_654)).toJSON(), null);
    assert.equal((await api.rpc.depin.epochLedger(4_000_000)).toJSON(), null);
    const bad = await rpcCall(node.rpcPort, 'depin_provider', ['not-an-address']);
    assert.equal(bad.error?.code, -32602);
    const tooMany = await rpcCall(node.rpcPort, 'depin_providers', [null, 1000]);
    assert.equal(tooMany.error?.code, -32602);
  });
});
