// A browser check of the explorer against a running depin-node: starts the explorer in-process,
// opens it in the system's Chromium (playwright-core, no downloaded browser) and checks that
// what the overview, a provider's page and a lease's page show is exactly what the node's
// depin_* methods answer over HTTP, that the charts drew, that the header follows new blocks,
// and saves full-page screenshots.
//
// Every view reads all its figures at one block and names it on its root (data-at): the check
// asks the node the same questions at that block hash, so blocks arriving meanwhile cannot make
// it flaky.
//
//   import { checkDashboard } from '../../explorer/test/dashboard.mjs';
//   const summary = await checkDashboard({ wsUrl, rpcPort, provider, leaseId, screenshotDir });
//
// From a shell: node test/dashboard.mjs --ws ws://127.0.0.1:9944 --rpc-port 9944 \
//   --provider 5F... --lease 0 --out /tmp/explorer-shots
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

import { startExplorer } from '../server.mjs';
import { rawValue } from '../public/format.js';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

const kebab = (key) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** JSON-RPC over HTTP: the result, or throws an Error carrying the JSON-RPC error code. */
async function httpRpc(port, method, params = []) {
  const res = await fetch(`http://127.0.0.1:${port}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    signal: AbortSignal.timeout(15_000),
  });
  const body = await res.json();
  if (body.error) throw Object.assign(new Error(`${method}: ${body.error.message}`), { code: body.error.code });
  return body.result;
}

/** Everything the current view shows with a data-value, by data-testid (in document order). */
async function snapshot(page) {
  return page.evaluate(() => {
    const root = document.querySelector('[data-testid="view"]');
    const values = {};
    for (const el of root.querySelectorAll('[data-testid]')) {
      if (el.dataset.value === undefined) continue;
      (values[el.dataset.testid] ??= []).push(el.dataset.value);
    }
    return {
      view: root.dataset.view,
      at: root.dataset.at,
      block: Number(root.dataset.block),
      best: Number(document.querySelector('[data-testid="best-block"]').dataset.value),
      values,
    };
  });
}

/** The one element `testid` shows; fails if there is none or several. */
function one(snap, testid) {
  const found = snap.values[testid];
  assert.ok(found, `${snap.view}: nothing shows data-testid="${testid}"`);
  assert.equal(found.length, 1, `${snap.view}: data-testid="${testid}" shows ${found.length} times`);
  return found[0];
}

/** Checks the shown value of `testid` against the raw RPC value. */
function expectShown(snap, testid, value, what = testid) {
  const shown = one(snap, testid);
  if (value !== null && typeof value === 'object') assert.deepEqual(JSON.parse(shown), value, what);
  else assert.equal(shown, rawValue(value), what);
}

/** Waits until the view `name` has rendered data (its root carries the block it read). */
async function waitForView(page, name, timeout = 60_000) {
  await page.waitForFunction((view) => {
    const root = document.querySelector('[data-testid="view"]');
    const best = document.querySelector('[data-testid="best-block"]').dataset.value;
    return root?.dataset.view === view && Boolean(root.dataset.at) && Boolean(best);
  }, name, { timeout });
}

/** Chart.js instance facts for the canvas in `testid` (null when no chart). */
async function chartInfo(page, testid) {
  return page.evaluate((id) => {
    const canvas = document.querySelector(`[data-testid="${id}-canvas"]`);
    const chart = canvas && globalThis.Chart?.getChart(canvas);
    if (!chart) return null;
    return {
      type: chart.config.type,
      labels: chart.data.labels.map(String),
      points: chart.data.datasets.map((d) => d.data.length),
      data: chart.data.datasets.map((d) => d.data),
      width: chart.width,
      height: chart.height,
    };
  }, testid);
}

async function goTo(page, hash, linkSelector) {
  const link = linkSelector ? page.locator(linkSelector).first() : null;
  if (link && await link.count()) {
    await link.click();
  } else {
    await page.evaluate((h) => { location.hash = h; }, hash);
  }
  await page.waitForFunction((h) => location.hash === h, hash);
}

/**
 * Opens the explorer against the node at `wsUrl` (its HTTP JSON-RPC on `rpcPort`) and checks the
 * overview, `provider`'s page and lease `leaseId`'s page; screenshots go to `screenshotDir`.
 * Options: `liveTimeoutMs` (20 s for the header to show a newer block), `executablePath`.
 * Returns a summary of what was checked.
 */
export async function checkDashboard({
  wsUrl, rpcPort, provider, leaseId, screenshotDir,
  liveTimeoutMs = 20_000, executablePath = CHROMIUM, log = () => {},
}) {
  assert.ok(wsUrl && rpcPort && provider && leaseId !== undefined && leaseId !== null && screenshotDir,
    'checkDashboard needs wsUrl, rpcPort, provider, leaseId and screenshotDir');
  await mkdir(screenshotDir, { recursive: true });
  const rpc = (method, params) => httpRpc(rpcPort, method, params);
  const bestNumber = async () => parseInt((await rpc('chain_getHeader', [])).number, 16);
  const screenshots = {};
  const summary = { screenshots };
  const pageErrors = [];
  const consoleErrors = [];
  const dialogs = [];

  let explorer;
  let browser;
  try {
    explorer = await startExplorer({ port: 0, rpc: wsUrl });
    summary.url = explorer.url;
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, timeout: 60_000 });
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => { if (message.type() === 'error') consoleErrors.push(message.text()); });
    page.on('dialog', (dialog) => { dialogs.push(dialog.message()); dialog.dismiss().catch(() => {}); });

    // ---- Overview -------------------------------------------------------------------------
    const bestBefore = await bestNumber();
    await page.goto(`${explorer.url}#/`);
    await waitForView(page, 'overview');
    const statsNow = await rpc('depin_networkStats', []);
    if (statsNow.lastClosedEpoch !== null) {
      await page.waitForFunction(() => {
        const canvas = document.querySelector('[data-testid="epoch-chart-canvas"]');
        return (globalThis.Chart?.getChart(canvas)?.data.datasets[0]?.data.length ?? 0) >= 1;
      }, null, { timeout: 30_000 });
    }
    let snap = await snapshot(page);
    log(`overview at block ${snap.block} (${snap.at})`);
    assert.ok(snap.block >= bestBefore, `the overview reads a current block (${snap.block} ≥ ${bestBefore})`);
    const stats = await rpc('depin_networkStats', [snap.at]);
    for (const [key, value] of Object.entries(stats)) expectShown(snap, `stat-${kebab(key)}`, value, `overview: ${key}`);

    const last = stats.lastClosedEpoch;
    assert.notEqual(last, null, 'an epoch has closed (the chart has something to show)');
    const epochs = [];
    for (let e = Math.max(0, last - 49); e <= last; e++) epochs.push(e);
    const ledgers = await Promise.all(epochs.map((e) => rpc('depin_epochLedger', [e, snap.at])));
    const rows = epochs.map((epoch, i) => ({
      epoch,
      feeRevenue: ledgers[i]?.feeRevenue ?? null,
      emission: ledgers[i]?.emission ?? null,
      usageEmission: ledgers[i]?.usageEmission ?? null,
      capacityEmission: ledgers[i]?.capacityEmission ?? null,
      revenueCoverage: ledgers[i]?.revenueCoverage ?? null,
    }));
    assert.deepEqual(JSON.parse(one(snap, 'epoch-chart')), rows, 'the chart shows the ledgers of the last closed epochs');
    const epochChart = await chartInfo(page, 'epoch-chart');
    assert.ok(epochChart, 'the per-epoch chart exists');
    assert.deepEqual(epochChart.labels, epochs.map(String), 'one bar group per closed epoch');
    assert.deepEqual(epochChart.points, [epochs.length, epochs.length, epochs.length, epochs.length]);
    assert.ok(epochChart.points[0] >= 1 && epochChart.width > 0 && epochChart.height > 0, 'the chart drew');
    assert.deepEqual(epochChart.data[0], rows.map((r) => (r.feeRevenue === null ? null : Number(BigInt(r.feeRevenue) / 10n ** 8n) / 1e4)),
      'fee revenue bars in DPN');

    const pageSize = Number(await page.getAttribute('[data-testid="providers-pager"]', 'data-page-size'));
    assert.ok(pageSize >= 1 && pageSize <= 100, `providers page size ${pageSize}`);
    const firstPage = await rpc('depin_providers', [null, pageSize, snap.at]);
    assert.deepEqual(snap.values['provider-row'] ?? [], firstPage.map((p) => p.account), 'providers table: the first page, in order');
    const cell = (testid) => snap.values[testid] ?? [];
    assert.deepEqual(cell('provider-row-account'), firstPage.map((p) => p.account));
    assert.deepEqual(cell('provider-row-status'), firstPage.map((p) => p.status));
    assert.deepEqual(cell('provider-row-region'), firstPage.map((p) => p.region));
    // Regions are whatever a registrant typed (markup included): shown as text, never parsed.
    const regionTexts = await page.$$eval('[data-testid="view"] [data-testid="provider-row-region"]', (els) => els.map((el) => el.textContent));
    assert.deepEqual(regionTexts, firstPage.map((p) => p.region || '—'), 'regions shown literally');
    assert.equal(await page.locator('[data-testid="view"] img').count(), 0, 'no element made from chain strings');
    assert.deepEqual(cell('provider-row-gpus'), firstPage.map((p) => String(p.gpus.length)));
    assert.deepEqual(cell('provider-row-storage-bytes'), firstPage.map((p) => p.storageBytes));
    assert.deepEqual(cell('provider-row-open-leases'), firstPage.map((p) => String(p.openLeases)));
    assert.deepEqual(cell('provider-row-earnings'), firstPage.map((p) => p.earnings.total));
    summary.overview = {
      block: snap.block, providersShown: firstPage.length, epochsCharted: epochs.length,
      providersTotal: stats.providersTotal, openLeases: stats.openLeases,
    };

    // Live updates: the header's best block and the view itself move on with new blocks.
    const headerFrom = snap.best;
    const viewFrom = snap.block;
    await page.waitForFunction(([header, view]) => {
      const best = Number(document.querySelector('[data-testid="best-block"]').dataset.value);
      const root = document.querySelector('[data-testid="view"]');
      return best > header && Number(root.dataset.block) > view;
    }, [headerFrom, viewFrom], { timeout: liveTimeoutMs });
    const moved = await snapshot(page);
    summary.live = { headerFrom, headerTo: moved.best, viewFrom, viewTo: moved.block };
    log(`live: header ${headerFrom} → ${moved.best}, view ${viewFrom} → ${moved.block}`);
    // The refreshed view is exact at its new block too.
    const statsMoved = await rpc('depin_networkStats', [moved.at]);
    for (const [key, value] of Object.entries(statsMoved)) expectShown(moved, `stat-${kebab(key)}`, value, `overview after a block: ${key}`);

    screenshots.overview = join(screenshotDir, 'overview.png');
    await page.screenshot({ path: screenshots.overview, fullPage: true });

    // ---- Provider -------------------------------------------------------------------------
    const providerHash = `#/provider/${encodeURIComponent(provider)}`;
    await goTo(page, providerHash, `[data-testid="providers-table"] a[href="${providerHash}"]`);
    await waitForView(page, 'provider');
    snap = await snapshot(page);
    log(`provider page at block ${snap.block}`);
    const p = await rpc('depin_provider', [provider, snap.at]);
    assert.ok(p, `${provider} is a provider at ${snap.at}`);
    for (const [key, value] of Object.entries(p)) expectShown(snap, `provider-${kebab(key)}`, value, `provider: ${key}`);
    for (const key of ['fees', 'emission', 'total']) expectShown(snap, `provider-earnings-${key}`, p.earnings[key], `provider earnings ${key}`);
    assert.deepEqual(snap.values['gpu-model'] ?? [], p.gpus.map((g) => g.model), 'hardware table: models');
    assert.deepEqual(snap.values['gpu-vram-mib'] ?? [], p.gpus.map((g) => String(g.vramMib)), 'hardware table: VRAM');
    assert.deepEqual(snap.values['gpu-uuid-hash'] ?? [], p.gpus.map((g) => g.uuidHash), 'hardware table: UUID hashes');
    assert.deepEqual(snap.values['gpu-tier'] ?? [], p.gpus.map((g) => g.tier ?? 'SelfReported'), 'hardware table: tiers');
    assert.deepEqual(snap.values['gpu-driver'] ?? [], p.gpus.map((g) => g.attestation?.driverVersion ?? ''), 'hardware table: drivers');
    const leases = await rpc('depin_leasesOf', [provider, snap.at]);
    assert.deepEqual(snap.values['lease-row'] ?? [], leases.map((l) => String(l.id)), 'the provider\'s leases');
    assert.deepEqual(snap.values['lease-row-escrow'] ?? [], leases.map((l) => l.escrow));
    assert.deepEqual(snap.values['lease-row-paid'] ?? [], leases.map((l) => l.paid));
    assert.deepEqual(snap.values['lease-row-price-per-hour'] ?? [], leases.map((l) => l.pricePerHour));

    const earningsChart = await chartInfo(page, 'earnings-chart');
    assert.ok(earningsChart && earningsChart.type === 'doughnut' && earningsChart.points[0] >= 1, 'the earnings doughnut exists');
    assert.deepEqual(earningsChart.data[0], [p.earnings.fees, p.earnings.emission].map((v) => Number(BigInt(v) / 10n ** 8n) / 1e4));

    // Uptime history: the same depin_providerHistory answer at the view's block, charted.
    const uptime = await page.evaluate(() => {
      const el = document.querySelector('[data-testid="uptime-chart"]');
      return { value: el?.dataset.value, at: el?.dataset.at, epochs: Number(el?.dataset.epochs) };
    });
    assert.equal(uptime.at, snap.at, 'the uptime history was read at the view\'s block');
    const history = await rpc('depin_providerHistory', [provider, uptime.epochs, snap.at]);
    const shown = JSON.parse(uptime.value);
    assert.deepEqual(shown, history, 'uptime history at the view\'s block');
    const uptimeChart = await chartInfo(page, 'uptime-chart');
    assert.ok(uptimeChart, 'the uptime chart exists');
    assert.deepEqual(uptimeChart.labels, shown.map((e) => String(e.epoch)));
    if (shown.length) assert.ok(uptimeChart.points[0] >= 1);
    expectShown(snap, 'history-reported', shown.filter((e) => e.status === 'Reported').length);
    expectShown(snap, 'history-missed', shown.filter((e) => e.status === 'Missed').length);
    summary.history = { epochs: shown.length, reported: shown.filter((e) => e.status === 'Reported').length };
    summary.provider = { block: snap.block, status: p.status, gpus: p.gpus.length, leases: leases.length, reports: p.reports };
    screenshots.provider = join(screenshotDir, 'provider.png');
    await page.screenshot({ path: screenshots.provider, fullPage: true });

    // ---- Lease ----------------------------------------------------------------------------
    const leaseHash = `#/lease/${leaseId}`;
    await goTo(page, leaseHash, `[data-testid="leases-table"] a[href="${leaseHash}"]`);
    await waitForView(page, 'lease');
    snap = await snapshot(page);
    const lease = await rpc('depin_lease', [Number(leaseId), snap.at]);
    assert.ok(lease, `lease ${leaseId} exists at ${snap.at}`);
    for (const [key, value] of Object.entries(lease)) expectShown(snap, `lease-${kebab(key)}`, value, `lease: ${key}`);
    assert.equal(await page.getAttribute('[data-testid="lease-provider"]', 'href'), `#/provider/${encodeURIComponent(lease.provider)}`);
    assert.equal(await page.getAttribute('[data-testid="lease-consumer"]', 'href'), `#/provider/${encodeURIComponent(lease.consumer)}`);
    summary.lease = { block: snap.block, id: lease.id, status: lease.status, escrow: lease.escrow, paid: lease.paid };
    screenshots.lease = join(screenshotDir, 'lease.png');
    await page.screenshot({ path: screenshots.lease, fullPage: true });

    // ---- Unknown ids: a clear "not found" -------------------------------------------------
    for (const hash of ['#/lease/9007199254740991', '#/provider/not-an-address', '#/nowhere']) {
      await goTo(page, hash);
      await page.waitForSelector('[data-testid="not-found"]', { timeout: 30_000 });
    }

    assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
    assert.deepEqual(dialogs, [], 'no script ran from chain strings (no dialog opened)');
    assert.deepEqual(consoleErrors, [], 'no errors on the console');
    return summary;
  } finally {
    await browser?.close().catch(() => {});
    await explorer?.close().catch(() => {});
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      ws: { type: 'string' },
      'rpc-port': { type: 'string' },
      provider: { type: 'string' },
      lease: { type: 'string' },
      out: { type: 'string', default: 'screenshots' },
    },
  });
  const rpcPort = Number(values['rpc-port'] ?? new URL(values.ws ?? 'ws://127.0.0.1:9944').port);
  const summary = await checkDashboard({
    wsUrl: values.ws ?? `ws://127.0.0.1:${rpcPort}`,
    rpcPort,
    provider: values.provider,
    leaseId: values.lease === undefined ? undefined : Number(values.lease),
    screenshotDir: resolve(values.out),
    log: (line) => console.error(line),
  });
  console.log(JSON.stringify(summary, null, 2));
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
