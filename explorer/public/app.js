// DePIN explorer: a dashboard of the chain's providers, leases and economics, read over plain
// JSON-RPC 2.0 on one WebSocket (no polkadot.js). Views follow the URL hash:
//   #/                    overview: network figures, per-epoch revenue vs emission, providers
//   #/provider/<ss58>     a provider: bond, hardware, earnings, uptime, leases
//   #/lease/<id>          a lease, every field
// Every new block (chain_subscribeNewHeads) refreshes the current view. All of a view's calls
// read the same block: its hash is asked for first and passed as the methods' last parameter,
// and the view's root carries it (data-at), so a test can ask the node the same questions.
//
// Text from the chain is only ever set as text (textContent, attributes), never as HTML.
import {
  formatBytes, formatCount, formatDpn, formatGib, formatMib, formatRatio, looksLikeAddress, parseLeaseId,
  planckToChartNumber, ratioToChartNumber, rawValue, shortAddress, shortHash,
} from './format.js';

const PROVIDERS_PAGE = 20; // depin_providers allows up to 100
const CHART_EPOCHS = 50;
const HISTORY_EPOCHS = 50; // depin_providerHistory allows up to 100
const Chart = globalThis.Chart;

// ---------------------------------------------------------------------------------------------
// JSON-RPC 2.0 over one WebSocket, reconnecting.

class RpcError extends Error {
  constructor(method, error) {
    super(`${method}: ${error?.message ?? 'error'}`);
    this.code = error?.code;
    this.data = error?.data;
  }
}

class RpcSocket extends EventTarget {
  constructor(url) {
    super();
    this.url = url;
    this.ws = null;
    this.nextId = 1;
    this.pending = new Map();
    this.subscriptions = new Map();
    this.waiters = [];
    this.retryMs = 500;
    this.state = 'idle';
  }

  start() {
    this.#open();
  }

  #setState(state) {
    this.state = state;
    this.dispatchEvent(new CustomEvent('state', { detail: state }));
  }

  #open() {
    this.#setState('connecting');
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch (error) {
      console.error('cannot open', this.url, error);
      this.#scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.addEventListener('open', () => {
      this.retryMs = 500;
      this.#setState('open');
      for (const waiter of this.waiters.splice(0)) waiter.resolve();
      this.dispatchEvent(new Event('open'));
    });
    ws.addEventListener('message', (event) => this.#onMessage(event.data));
    ws.addEventListener('close', () => {
      if (this.ws !== ws) return;
      this.ws = null;
      for (const [, call] of this.pending) call.reject(new Error('connection closed'));
      this.pending.clear();
      this.subscriptions.clear();
      this.#setState('closed');
      this.#scheduleReconnect();
    });
  }

  #scheduleReconnect() {
    const delay = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, 8_000);
    setTimeout(() => this.#open(), delay);
  }

  #onMessage(text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    for (const m of Array.isArray(message) ? message : [message]) {
      if (m.id !== undefined && m.id !== null && this.pending.has(m.id)) {
        const call = this.pending.get(m.id);
        this.pending.delete(m.id);
        clearTimeout(call.timer);
        if (m.error) call.reject(new RpcError(call.method, m.error));
        else call.resolve(m.result);
      } else if (m.method && m.params?.subscription !== undefined) {
        this.subscriptions.get(String(m.params.subscription))?.(m.params.result);
      }
    }
  }

  #connected(timeoutMs) {
    if (this.ws?.readyState === WebSocket.OPEN) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = { resolve: () => { clearTimeout(timer); resolve(); } };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error('not connected to the node'));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** One call; `onResult` runs synchronously with the result (before any later message). */
  async call(method, params = [], { timeoutMs = 30_000, onResult } = {}) {
    await this.#connected(timeoutMs);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method}: no answer in ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        method,
        timer,
        resolve: (result) => { onResult?.(result); resolve(result); },
        reject,
      });
      this.ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    });
  }

  /** Subscribes; returns an unsubscribe function. Notifications go to `onNotify(result)`. */
  async subscribe(method, params, unsubscribeMethod, onNotify) {
    const ws = this.ws;
    const id = await this.call(method, params, {
      onResult: (subscription) => this.subscriptions.set(String(subscription), onNotify),
    });
    return async () => {
      this.subscriptions.delete(String(id));
      if (this.ws === ws && ws?.readyState === WebSocket.OPEN) {
        await this.call(unsubscribeMethod, [id], { timeoutMs: 2_000 }).catch(() => {});
      }
    };
  }
}

// ---------------------------------------------------------------------------------------------
// DOM helpers: elements from tag, properties and children; strings become text nodes.

function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    // A raw RPC value is kept whatever it is: null shows as "null".
    if (key === 'raw') { el.dataset.value = rawValue(value); continue; }
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'testid') el.dataset.testid = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/** Replaces `el`'s children (null, undefined and false are left out, strings become text). */
function fill(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** A figure: shown as `text`, with the raw RPC value in data-value for tests. */
function figure(testid, raw, text, props = {}) {
  return h('span', { class: 'figure', testid, raw, title: props.title, ...props }, text);
}

const dpn = (testid, planck) => figure(testid, planck, formatDpn(planck), {
  title: planck === null || planck === undefined ? undefined : `${planck} planck`,
});
const count = (testid, value) => figure(testid, value, formatCount(value));

function card(label, value, sub, { accent, wide } = {}) {
  return h('div', { class: `card${accent ? ` accent-${accent}` : ''}${wide ? ' wide' : ''}` },
    h('div', { class: 'card-label' }, label),
    h('div', { class: 'card-value' }, value),
    sub ? h('div', { class: 'card-sub' }, sub) : null);
}

function badge(testid, status) {
  const kind = String(status ?? '').toLowerCase().replace(/[^a-z]/g, '');
  return figure(testid, status, String(status ?? '—'), { class: `badge badge-${kind || 'none'}` });
}

const providerHref = (address) => `#/provider/${encodeURIComponent(address)}`;
const leaseHref = (id) => `#/lease/${encodeURIComponent(String(id))}`;

function accountLink(testid, address, { short = true } = {}) {
  return h('a', { href: providerHref(address), class: 'mono', testid, raw: address, title: address },
    short ? shortAddress(address) : address);
}

function table(testid, columns, rows, empty) {
  return h('div', { class: 'table-wrap' },
    h('table', { testid },
      h('thead', null, h('tr', null, columns.map((c) => h('th', { class: c.num ? 'num' : undefined }, c.label)))),
      h('tbody', null, rows.length
        ? rows
        : h('tr', { class: 'empty' }, h('td', { colspan: columns.length }, empty)))));
}

function section(title, ...children) {
  return h('section', { class: 'panel' }, h('h2', null, title), ...children);
}

function notFound(title, detail) {
  return h('div', { class: 'not-found', testid: 'not-found', role: 'alert' },
    h('div', { class: 'not-found-icon', 'aria-hidden': 'true' }, '∅'),
    h('h2', null, title),
    h('p', null, detail),
    h('a', { href: '#/', class: 'button' }, '← Back to the overview'));
}

// ---------------------------------------------------------------------------------------------
// Charts: a slot keeps its canvas and Chart across refreshes and only swaps the data.

const palette = {
  fee: '#14b8a6',
  usage: '#6366f1',
  capacity: '#c4b5fd',
  coverage: '#f59e0b',
  reported: '#22c55e',
  missed: '#ef4444',
  none: '#cbd5e1',
  emission: '#8b5cf6',
};

if (Chart) {
  Chart.defaults.font.family = getComputedStyle(document.documentElement).getPropertyValue('--font').trim() || 'system-ui, sans-serif';
  Chart.defaults.color = '#475569';
  Chart.defaults.borderColor = 'rgba(148, 163, 184, 0.25)';
  Chart.defaults.animation = false;
}

class ChartSlot {
  constructor(testid, { height = 300 } = {}) {
    this.canvas = h('canvas', { testid: `${testid}-canvas`, role: 'img' });
    this.el = h('div', { class: 'chart', testid, style: `height:${height}px` }, this.canvas);
    this.chart = null;
  }

  /** `config()` builds the whole config; later calls only replace data (and options). */
  show(config, raw, label) {
    this.el.dataset.value = rawValue(raw);
    this.canvas.setAttribute('aria-label', label);
    if (!Chart) {
      fill(this.el, h('p', { class: 'muted' }, 'Chart.js did not load.'));
      return;
    }
    if (!this.chart) {
      this.chart = new Chart(this.canvas, config);
    } else {
      this.chart.data.labels = config.data.labels;
      config.data.datasets.forEach((dataset, i) => {
        if (this.chart.data.datasets[i]) Object.assign(this.chart.data.datasets[i], dataset);
        else this.chart.data.datasets[i] = dataset;
      });
      this.chart.data.datasets.length = config.data.datasets.length;
      this.chart.update('none');
    }
  }

  destroy() {
    this.chart?.destroy();
    this.chart = null;
  }
}

const dpnTicks = { callback: (value) => `${Number(value).toLocaleString('en-US', { maximumFractionDigits: 2 })} DPN` };

// ---------------------------------------------------------------------------------------------
// Views. mount() builds the skeleton once; load(at) reads the chain at block `at`; render()
// swaps in the data (synchronously, so a view never shows two blocks at once).

class OverviewView {
  static cursors = [null]; // cursor stack of the providers table: kept while browsing

  constructor(app) {
    this.app = app;
    this.name = 'overview';
    this.epochChart = new ChartSlot('epoch-chart', { height: 320 });
  }

  mount(root) {
    this.cards = h('div', { class: 'cards' }, h('div', { class: 'loading' }, 'Loading network figures…'));
    this.details = h('div');
    this.epochTable = h('div');
    this.providers = h('div');
    this.pager = h('div', { class: 'pager', testid: 'providers-pager' });
    const lookup = h('form', { class: 'lookup', testid: 'lease-lookup', onsubmit: (event) => {
      event.preventDefault();
      const text = input.value.trim();
      const id = parseLeaseId(text);
      if (id === null) {
        hint.textContent = 'A lease id is a whole number, like 0 or 42.';
        return;
      }
      location.hash = leaseHref(id);
    } });
    const input = h('input', { type: 'text', inputmode: 'numeric', placeholder: 'Lease id, e.g. 0', 'aria-label': 'Lease id', testid: 'lease-lookup-input', autocomplete: 'off' });
    const hint = h('span', { class: 'hint', 'aria-live': 'polite' });
    append(lookup, [h('label', null, 'Look up a lease'), h('div', { class: 'lookup-row' }, input, h('button', { type: 'submit' }, 'Open')), hint]);

    this.chartCaption = h('p', { class: 'muted small' });
    this.epochLine = h('p', { class: 'muted', testid: 'epoch-line' });
    root.append(
      h('div', { class: 'page-head' },
        h('div', null, h('h1', null, 'Network overview'), this.epochLine),
        lookup),
      this.cards,
      section('Fee revenue vs emission, per epoch', this.chartCaption, this.epochChart.el, this.epochTable),
      section('Providers', this.providers, this.pager),
      section('Network details', this.details),
    );
  }

  async load(rpc, at) {
    const stats = await rpc('depin_networkStats', [at]);
    const last = stats.lastClosedEpoch;
    const epochs = [];
    if (last !== null && last !== undefined) {
      for (let e = Math.max(0, last - CHART_EPOCHS + 1); e <= last; e++) epochs.push(e);
    }
    const cursor = OverviewView.cursors.at(-1);
    const [ledgers, providers] = await Promise.all([
      mapLimited(epochs, 8, (e) => rpc('depin_epochLedger', [e, at])),
      rpc('depin_providers', [cursor, PROVIDERS_PAGE, at]),
    ]);
    return { stats, epochs, ledgers, providers, cursor };
  }

  render({ stats: s, epochs, ledgers, providers, cursor }) {
    fill(this.epochLine,
      'Epoch ', count('stat-current-epoch', s.currentEpoch),
      ' · ', count('stat-epoch-length', s.epochLength), ' blocks per epoch · last closed ',
      count('stat-last-closed-epoch', s.lastClosedEpoch),
      ' · trailing window ', count('stat-trailing-epochs', s.trailingEpochs), ' epochs');

    fill(this.cards,
      card('Providers', count('stat-providers-total', s.providersTotal), [
        count('stat-providers-active', s.providersActive), ' active · ',
        count('stat-providers-suspended', s.providersSuspended), ' suspended'], { accent: 'teal' }),
      card('GPUs', count('stat-gpus', s.gpus), [count('stat-audited-gpus', s.auditedGpus), ' audited by auditors'], { accent: 'indigo' }),
      card('Storage', figure('stat-storage-bytes', s.storageBytes, formatBytes(s.storageBytes), { title: `${s.storageBytes} bytes` }), 'registered capacity', { accent: 'sky' }),
      card('Open leases', count('stat-open-leases', s.openLeases), 'renting right now', { accent: 'amber' }),
      card('GPU utilization', figure('stat-gpu-utilization', s.gpuUtilization, formatRatio(s.gpuUtilization)),
        ['leased of capacity · busy ', figure('stat-gpu-busy', s.gpuBusy, formatRatio(s.gpuBusy))], { accent: 'indigo' }),
      card('Storage utilization', figure('stat-storage-utilization', s.storageUtilization, formatRatio(s.storageUtilization)),
        'leased of capacity, trailing window', { accent: 'sky' }),
      card('Revenue coverage', figure('stat-revenue-coverage', s.revenueCoverage, formatRatio(s.revenueCoverage)),
        ['fee revenue ', dpn('stat-trailing-fee-revenue', s.trailingFeeRevenue), ' ÷ emission ', dpn('stat-trailing-emission', s.trailingEmission)],
        { accent: 'amber', wide: true }),
      card('Total issuance', dpn('stat-total-issuance', s.totalIssuance),
        ['minted ', dpn('stat-total-minted', s.totalMinted), ' · burned ', dpn('stat-total-burned', s.totalBurned)],
        { accent: 'violet', wide: true }),
    );

    fill(this.details, h('dl', { class: 'details' },
      detail('Genesis issuance', dpn('stat-genesis-issuance', s.genesisIssuance)),
      detail('Usage emission (trailing)', dpn('stat-trailing-usage-emission', s.trailingUsageEmission)),
      detail('Capacity emission (trailing)', dpn('stat-trailing-capacity-emission', s.trailingCapacityEmission)),
      detail('GPU capacity (trailing)', figure('stat-trailing-gpu-capacity-hours', s.trailingGpuCapacityHours, `${s.trailingGpuCapacityHours} GPU-h`)),
      detail('GPU leased (trailing)', figure('stat-trailing-gpu-leased-hours', s.trailingGpuLeasedHours, `${s.trailingGpuLeasedHours} GPU-h`)),
      detail('Audited GPU time (trailing)', figure('stat-trailing-audited-gpu-hours', s.trailingAuditedGpuHours, `${s.trailingAuditedGpuHours} GPU-h`)),
    ));

    // Per-epoch chart and the same figures as a table.
    const rows = epochs.map((epoch, i) => {
      const l = ledgers[i];
      return l
        ? { epoch, feeRevenue: l.feeRevenue, emission: l.emission, usageEmission: l.usageEmission, capacityEmission: l.capacityEmission, revenueCoverage: l.revenueCoverage }
        : { epoch, feeRevenue: null, emission: null, usageEmission: null, capacityEmission: null, revenueCoverage: null };
    });
    this.chartCaption.textContent = epochs.length
      ? `Epochs ${epochs[0]}–${epochs.at(-1)}: bars in DPN (emission stacked: usage + capacity), line: revenue coverage (fee revenue ÷ emission).`
      : 'No epoch has closed yet: the chart fills in as epochs close.';
    this.epochChart.show({
      type: 'bar',
      data: {
        labels: rows.map((r) => String(r.epoch)),
        datasets: [
          { label: 'Fee revenue', data: rows.map((r) => planckToChartNumber(r.feeRevenue)), backgroundColor: palette.fee, stack: 'revenue', yAxisID: 'y', order: 2, borderRadius: 3 },
          { label: 'Usage emission', data: rows.map((r) => planckToChartNumber(r.usageEmission)), backgroundColor: palette.usage, stack: 'emission', yAxisID: 'y', order: 2, borderRadius: 3 },
          { label: 'Capacity emission', data: rows.map((r) => planckToChartNumber(r.capacityEmission)), backgroundColor: palette.capacity, stack: 'emission', yAxisID: 'y', order: 2, borderRadius: 3 },
          { label: 'Revenue coverage', type: 'line', data: rows.map((r) => ratioToChartNumber(r.revenueCoverage)), borderColor: palette.coverage, backgroundColor: palette.coverage, yAxisID: 'y1', order: 1, tension: 0.25, pointRadius: 2, spanGaps: true },
        ],
      },
      options: {
        maintainAspectRatio: false,
        interaction: { mode: 'index', intersect: false },
        plugins: {
          legend: { position: 'bottom', labels: { usePointStyle: true, boxWidth: 8 } },
          tooltip: {
            callbacks: {
              title: (items) => `Epoch ${items[0].label}`,
              label: (item) => {
                const r = rows[item.dataIndex];
                switch (item.datasetIndex) {
                  case 0: return `Fee revenue: ${formatDpn(r.feeRevenue)}`;
                  case 1: return `Usage emission: ${formatDpn(r.usageEmission)}`;
                  case 2: return `Capacity emission: ${formatDpn(r.capacityEmission)}`;
                  default: return `Revenue coverage: ${formatRatio(r.revenueCoverage)}`;
                }
              },
            },
          },
        },
        scales: {
          x: { stacked: true, title: { display: true, text: 'epoch' }, grid: { display: false } },
          y: { stacked: true, beginAtZero: true, title: { display: true, text: 'DPN' }, ticks: dpnTicks },
          y1: {
            position: 'right', beginAtZero: true, grid: { drawOnChartArea: false },
            title: { display: true, text: 'revenue coverage' },
            ticks: { callback: (v) => `${Math.round(Number(v) * 100)}%` },
          },
        },
      },
    }, rows, `Fee revenue and emission of epochs ${epochs[0] ?? ''} to ${epochs.at(-1) ?? ''}`);

    fill(this.epochTable, h('details', { class: 'epoch-table' },
      h('summary', null, 'Per-epoch figures'),
      table('epoch-table', [
        { label: 'Epoch', num: true }, { label: 'Fee revenue', num: true }, { label: 'Usage emission', num: true },
        { label: 'Capacity emission', num: true }, { label: 'Emission', num: true }, { label: 'Coverage', num: true },
      ], rows.slice().reverse().map((r) => h('tr', null,
        h('td', { class: 'num' }, String(r.epoch)),
        h('td', { class: 'num' }, formatDpn(r.feeRevenue)),
        h('td', { class: 'num' }, formatDpn(r.usageEmission)),
        h('td', { class: 'num' }, formatDpn(r.capacityEmission)),
        h('td', { class: 'num' }, formatDpn(r.emission)),
        h('td', { class: 'num' }, formatRatio(r.revenueCoverage)))), 'No closed epoch yet.')));

    // Providers, one page by cursor.
    fill(this.providers, table('providers-table', [
      { label: 'Account' }, { label: 'Status' }, { label: 'Region' }, { label: 'GPUs', num: true },
      { label: 'Storage', num: true }, { label: 'Open leases', num: true }, { label: 'Earnings', num: true },
    ], providers.map((p) => h('tr', { testid: 'provider-row', raw: p.account },
      h('td', null, accountLink('provider-row-account', p.account)),
      h('td', null, badge('provider-row-status', p.status)),
      h('td', null, figure('provider-row-region', p.region, p.region || '—')),
      h('td', { class: 'num' }, figure('provider-row-gpus', p.gpus.length, formatCount(p.gpus.length))),
      h('td', { class: 'num' }, figure('provider-row-storage-bytes', p.storageBytes, formatBytes(p.storageBytes))),
      h('td', { class: 'num' }, count('provider-row-open-leases', p.openLeases)),
      h('td', { class: 'num' }, dpn('provider-row-earnings', p.earnings.total)))),
    cursor === null ? 'No provider has registered yet.' : 'No more providers.'));

    const page = OverviewView.cursors.length;
    this.pager.dataset.pageSize = String(PROVIDERS_PAGE);
    this.pager.dataset.cursor = rawValue(cursor);
    fill(this.pager,
      h('button', { type: 'button', disabled: page === 1, onclick: () => { OverviewView.cursors = [null]; this.app.refreshSoon(); } }, '« First'),
      h('button', { type: 'button', disabled: page === 1, onclick: () => { OverviewView.cursors.pop(); this.app.refreshSoon(); } }, '‹ Previous'),
      h('span', { class: 'muted', testid: 'providers-page', raw: page }, `Page ${page}`),
      h('button', {
        type: 'button',
        disabled: providers.length < PROVIDERS_PAGE,
        onclick: () => { OverviewView.cursors.push(providers.at(-1).account); this.app.refreshSoon(); },
      }, 'Next ›'));
  }

  destroy() {
    this.epochChart.destroy();
  }
}

/** `fn` over `items` with at most `limit` calls in flight (politer to the node than all at once). */
async function mapLimited(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function detail(label, value) {
  return h('div', { class: 'detail' }, h('dt', null, label), h('dd', null, value));
}

class ProviderView {
  constructor(app, account) {
    this.app = app;
    this.name = 'provider';
    this.account = account;
    this.earningsChart = new ChartSlot('earnings-chart', { height: 220 });
    this.uptimeChart = new ChartSlot('uptime-chart', { height: 220 });
  }

  mount(root) {
    this.root = root;
    this.head = h('div', { class: 'page-head' }, h('div', null,
      h('p', { class: 'crumbs' }, h('a', { href: '#/' }, 'Overview'), ' / Provider'),
      h('h1', { class: 'mono break' }, this.account)));
    this.body = h('div', null, h('div', { class: 'loading' }, 'Loading provider…'));
    root.append(this.head, this.body);
    this.parts = null;
  }

  async load(rpc, at) {
    let provider;
    try {
      provider = await rpc('depin_provider', [this.account, at]);
    } catch (error) {
      if (error.code === -32602) return { invalid: true };
      throw error;
    }
    const [leases, history] = await Promise.all([
      rpc('depin_leasesOf', [this.account, at]),
      provider ? this.#history(rpc, at) : null,
    ]);
    return { provider, leases, history };
  }

  async #history(rpc, at) {
    try {
      return { entries: await rpc('depin_providerHistory', [this.account, HISTORY_EPOCHS, at]), at };
    } catch (error) {
      // A node from before the method (or one that fails it) still shows the rest of the page.
      if (error.code === -32601) return { unavailable: 'This node does not serve depin_providerHistory.' };
      return { unavailable: `Uptime history unavailable: ${error.message}` };
    }
  }

  render({ invalid, provider: p, leases, history }) {
    if (invalid || !p) {
      this.parts = null;
      this.earningsChart.destroy();
      this.uptimeChart.destroy();
      const leaseList = leases?.length ? section('Leases of this account', leaseTable(leases, this.account)) : null;
      fill(this.body,
        notFound(invalid ? 'Not an account address' : 'Provider not found',
          invalid
            ? 'The node does not accept this as an SS58 address.'
            : `No provider is registered under this account at the current block${leases?.length ? ': it takes part in the leases below.' : '.'}`),
        leaseList ?? '');
      return;
    }
    if (!this.parts) this.#skeleton();
    const parts = this.parts;

    fill(parts.title,
      badge('provider-status', p.status),
      h('span', { class: 'region' }, figure('provider-region', p.region, p.region || 'no region')),
      h('span', { class: 'muted small' }, 'SS58 ', figure('provider-account', p.account, shortAddress(p.account, 8, 8), { class: 'mono', title: p.account })),
      p.hasReportingKey ? null : h('span', { class: 'badge badge-warn' }, 'no reporting key'),
    );

    fill(parts.cards,
      card('Bond', dpn('provider-bond', p.bond), ['unbonding ', dpn('provider-unbonding', p.unbonding)], { accent: 'violet' }),
      card('Earnings', dpn('provider-earnings-total', p.earnings.total),
        ['fees ', dpn('provider-earnings-fees', p.earnings.fees), ' · emission ', dpn('provider-earnings-emission', p.earnings.emission)],
        { accent: 'teal', wide: true }),
      card('Reports', count('provider-reports', p.reports), 'usage reports accepted', { accent: 'green' }),
      card('Missed epochs', count('provider-missed-epochs', p.missedEpochs),
        [count('provider-missed-in-a-row', p.missedInARow), ' in a row now'], { accent: p.missedInARow > 0 ? 'red' : 'slate' }),
      card('Last reported epoch', count('provider-last-reported-epoch', p.lastReportedEpoch),
        p.lastReportedEpoch === null ? 'never reported' : 'its latest accepted report', { accent: 'green' }),
      card('Open leases', count('provider-open-leases', p.openLeases), 'renting from this provider', { accent: 'amber' }),
      card('Reporting key', figure('provider-has-reporting-key', p.hasReportingKey, p.hasReportingKey ? 'set' : 'not set'),
        'signs usage reports', { accent: p.hasReportingKey ? 'green' : 'red' }),
    );

    fill(parts.hardware,
      h('div', { class: 'hw-summary' },
        card('GPUs', count('provider-gpu-count', p.gpus.length), [count('provider-audited-gpus', p.auditedGpus), ' audited'], { accent: 'indigo' }),
        card('Storage', figure('provider-storage-bytes', p.storageBytes, formatBytes(p.storageBytes), { title: `${p.storageBytes} bytes` }),
          [figure('provider-audited-storage-gib', p.auditedStorageGib, formatGib(p.auditedStorageGib)), ' audited'], { accent: 'sky' }),
        card('CPU cores', count('provider-cpu-cores', p.cpuCores), 'for leases', { accent: 'slate' })),
      h('div', { testid: 'provider-gpus', raw: p.gpus },
        table('gpu-table', [{ label: '#', num: true }, { label: 'Model' }, { label: 'VRAM', num: true }, { label: 'Tier' },
          { label: 'Driver' }, { label: 'Attested until epoch', num: true }, { label: 'UUID hash' }],
          p.gpus.map((g, i) => h('tr', { testid: 'gpu-row' },
            h('td', { class: 'num muted' }, String(i + 1)),
            h('td', null, figure('gpu-model', g.model, g.model)),
            h('td', { class: 'num' }, figure('gpu-vram-mib', g.vramMib, formatMib(g.vramMib), { title: `${g.vramMib} MiB` })),
            // SelfReported: the node's word; Audited: a bonded auditor's; Attested: the chip's own signed report.
            h('td', null, figure('gpu-tier', g.tier ?? 'SelfReported', g.tier ?? 'SelfReported',
              g.attestation ? { title: `device ${g.attestation.device}, ${g.attestation.project} SKU ${g.attestation.sku}, VBIOS ${g.attestation.vbiosVersion}` } : undefined)),
            h('td', null, figure('gpu-driver', g.attestation?.driverVersion ?? '', g.attestation?.driverVersion ?? '—')),
            h('td', { class: 'num' }, figure('gpu-attested-until', g.attestation?.expiresEpoch ?? '', g.attestation ? String(g.attestation.expiresEpoch) : '—')),
            h('td', null, figure('gpu-uuid-hash', g.uuidHash, shortHash(g.uuidHash), { class: 'mono', title: g.uuidHash })))),
          'No GPUs registered.')),
    );

    // Earnings split.
    parts.earnings.dataset.value = rawValue(p.earnings);
    const fees = planckToChartNumber(p.earnings.fees);
    const emission = planckToChartNumber(p.earnings.emission);
    this.earningsChart.show({
      type: 'doughnut',
      data: {
        labels: ['Fees', 'Emission'],
        datasets: [{ data: [fees, emission], backgroundColor: [palette.fee, palette.emission], borderWidth: 0 }],
      },
      options: {
        maintainAspectRatio: false,
        cutout: '62%',
        plugins: {
          legend: { position: 'bottom', labels: { usePointStyle: true, boxWidth: 8 } },
          tooltip: { callbacks: { label: (item) => `${item.label}: ${formatDpn(item.dataIndex === 0 ? p.earnings.fees : p.earnings.emission)}` } },
        },
      },
    }, p.earnings, `Earnings: fees ${formatDpn(p.earnings.fees)}, emission ${formatDpn(p.earnings.emission)}`);
    parts.earningsNote.textContent = fees === 0 && emission === 0 ? 'Nothing earned yet.' : '';

    // Uptime history.
    if (history?.entries) {
      const entries = history.entries;
      const reported = entries.filter((e) => e.status === 'Reported').length;
      const missed = entries.filter((e) => e.status === 'Missed').length;
      fill(parts.uptimeSummary,
        h('span', null, count('history-reported', reported), ' reported'),
        h('span', null, count('history-missed', missed), ' missed'),
        h('span', null, 'uptime ', h('strong', null, reported + missed ? formatRatio((reported / (reported + missed)).toFixed(4)) : '—')),
        h('span', { class: 'muted' }, `last ${entries.length} closed epochs`));
      this.uptimeChart.el.dataset.at = history.at ?? '';
      this.uptimeChart.el.dataset.epochs = String(HISTORY_EPOCHS);
      const status = (name) => entries.map((e) => (e.status === name ? 1 : 0));
      this.uptimeChart.show({
        type: 'bar',
        data: {
          labels: entries.map((e) => String(e.epoch)),
          datasets: [
            { label: 'Reported', data: status('Reported'), backgroundColor: palette.reported, stack: 's', borderRadius: 2 },
            { label: 'Missed', data: status('Missed'), backgroundColor: palette.missed, stack: 's', borderRadius: 2 },
            { label: 'No lease', data: status('None'), backgroundColor: palette.none, stack: 's', borderRadius: 2 },
          ],
        },
        options: {
          maintainAspectRatio: false,
          plugins: {
            legend: { position: 'bottom', labels: { usePointStyle: true, boxWidth: 8 } },
            tooltip: {
              filter: (item) => item.raw === 1,
              callbacks: {
                title: (items) => `Epoch ${items[0].label}`,
                label: (item) => {
                  const e = entries[item.dataIndex];
                  return `${e.status} · ${e.leases} lease${e.leases === 1 ? '' : 's'} · charged ${formatDpn(e.charged)}`;
                },
              },
            },
          },
          scales: {
            x: { stacked: true, grid: { display: false }, title: { display: true, text: 'epoch' } },
            y: { stacked: true, display: false, max: 1 },
          },
        },
      }, entries, `Reports of the last ${entries.length} epochs: ${reported} reported, ${missed} missed`);
      parts.uptimeNote.textContent = entries.length ? '' : 'No closed epoch yet.';
      delete parts.uptimeNote.dataset.unavailable;
    } else {
      parts.uptimeSummary.replaceChildren();
      parts.uptimeNote.textContent = history?.unavailable ?? '';
      parts.uptimeNote.dataset.unavailable = 'true';
    }

    fill(parts.leases, leaseTable(leases, this.account));
  }

  #skeleton() {
    const parts = {
      title: h('div', { class: 'title-row' }),
      cards: h('div', { class: 'cards four' }),
      hardware: h('div'),
      earnings: h('div', { testid: 'provider-earnings', class: 'chart-box' }),
      earningsNote: h('p', { class: 'muted small center' }),
      uptimeSummary: h('div', { class: 'uptime-summary' }),
      uptimeNote: h('p', { class: 'muted small', testid: 'uptime-note' }),
      leases: h('div'),
    };
    append(parts.earnings, [this.earningsChart.el, parts.earningsNote]);
    fill(this.body,
      parts.title,
      parts.cards,
      h('div', { class: 'grid-2' },
        section('Earnings split', parts.earnings),
        section(`Uptime, last ${HISTORY_EPOCHS} epochs`, parts.uptimeSummary, this.uptimeChart.el, parts.uptimeNote)),
      section('Hardware', parts.hardware),
      section('Leases', parts.leases),
    );
    this.parts = parts;
  }

  destroy() {
    this.earningsChart.destroy();
    this.uptimeChart.destroy();
  }
}

function leaseTable(leases, account) {
  return table('leases-table', [
    { label: 'Lease', num: true }, { label: 'Role' }, { label: 'Counterparty' }, { label: 'Status' },
    { label: 'GPUs', num: true }, { label: 'Price / hour', num: true }, { label: 'Escrow', num: true }, { label: 'Charged', num: true },
  ], leases.map((l) => {
    const asProvider = l.provider === account;
    return h('tr', { testid: 'lease-row', raw: l.id },
      h('td', { class: 'num' }, h('a', { href: leaseHref(l.id), testid: 'lease-row-link', raw: l.id }, `#${l.id}`)),
      h('td', null, asProvider ? 'provider' : 'consumer'),
      h('td', null, accountLink('lease-row-counterparty', asProvider ? l.consumer : l.provider)),
      h('td', null, badge('lease-row-status', l.status)),
      h('td', { class: 'num' }, figure('lease-row-gpus', l.gpus.length, String(l.gpus.length))),
      h('td', { class: 'num' }, dpn('lease-row-price-per-hour', l.pricePerHour)),
      h('td', { class: 'num' }, dpn('lease-row-escrow', l.escrow)),
      h('td', { class: 'num' }, dpn('lease-row-paid', l.paid)));
  }), 'No open leases, nor any holding escrow or booked charges.');
}

class LeaseView {
  constructor(app, idText) {
    this.app = app;
    this.name = 'lease';
    this.idText = idText;
    this.id = parseLeaseId(idText);
  }

  mount(root) {
    root.append(
      h('div', { class: 'page-head' }, h('div', null,
        h('p', { class: 'crumbs' }, h('a', { href: '#/' }, 'Overview'), ' / Lease'),
        h('h1', null, `Lease #${this.idText}`))));
    this.body = h('div', null, h('div', { class: 'loading' }, 'Loading lease…'));
    root.append(this.body);
  }

  async load(rpc, at) {
    if (this.id === null) return { lease: null };
    return { lease: await rpc('depin_lease', [this.id, at]) };
  }

  render({ lease: l }) {
    if (!l) {
      fill(this.body, notFound('Lease not found',
        this.id === null
          ? 'A lease id is a whole number.'
          : 'No lease has this id at the current block. A closed lease that holds no more money is removed from state (its LeaseOpened and LeaseFinished events remain).'));
      return;
    }
    fill(this.body,
      h('div', { class: 'title-row' },
        badge('lease-status', l.status),
        l.closeReason ? h('span', { class: 'badge badge-closed' }, 'closed: ', figure('lease-close-reason', l.closeReason, l.closeReason)) : figure('lease-close-reason', null, ''),
        h('span', { class: 'muted' }, 'id '), figure('lease-id', l.id, `#${l.id}`)),
      h('div', { class: 'cards four' },
        card('Consumer', accountLink('lease-consumer', l.consumer), 'pays into escrow', { accent: 'amber' }),
        card('Provider', accountLink('lease-provider', l.provider), 'serves the hardware', { accent: 'teal' }),
        card('Price per hour', dpn('lease-price-per-hour', l.pricePerHour), 'for all of it', { accent: 'violet' }),
        card('Escrow', dpn('lease-escrow', l.escrow), 'still held', { accent: 'indigo' }),
      ),
      h('div', { class: 'grid-2 even' },
        section('Money',
          h('dl', { class: 'details' },
            detail('Deposited', dpn('lease-deposited', l.deposited)),
            detail('Escrow', figure('lease-escrow-detail', l.escrow, formatDpn(l.escrow))),
            detail('Charged to the provider (booked or paid)', dpn('lease-paid', l.paid)),
            detail('Take (protocol)', dpn('lease-take', l.take)),
            detail('Refunded', dpn('lease-refunded', l.refunded)),
            detail('Disputed', dpn('lease-disputed', l.disputed)))),
        section('Terms',
          h('dl', { class: 'details' },
            detail('Status', figure('lease-status-detail', l.status, l.status)),
            detail('Opened at block', count('lease-opened-at', l.openedAt)),
            detail('Closed at block', count('lease-closed-at', l.closedAt)),
            detail('Close reason', figure('lease-close-reason-detail', l.closeReason, l.closeReason ?? '—')),
            detail('Settled through epoch', count('lease-settled-epoch', l.settledEpoch)),
            detail('Storage', figure('lease-storage-gib', l.storageGib, formatGib(l.storageGib))),
            detail('CPU cores', count('lease-cpu-cores', l.cpuCores))))),
      section(`GPUs (${l.gpus.length})`,
        h('div', { testid: 'lease-gpus', raw: l.gpus },
          l.gpus.length
            ? h('ul', { class: 'hash-list' }, l.gpus.map((g) => h('li', { class: 'mono', testid: 'lease-gpu' }, g)))
            : h('p', { class: 'muted' }, 'No GPUs in this lease.'))),
    );
  }

  destroy() {}
}

class UnknownView {
  constructor() {
    this.name = 'unknown';
  }

  mount(root) {
    root.append(notFound('Page not found', 'Try the overview, a provider address or a lease id.'));
  }

  async load() {
    return {};
  }

  render() {}

  destroy() {}
}

// ---------------------------------------------------------------------------------------------
// The app: routing, refreshing on new blocks, the header.

class App {
  constructor(rpcUrl) {
    this.rpcUrl = rpcUrl;
    this.socket = new RpcSocket(rpcUrl);
    this.main = document.getElementById('main');
    this.view = null;
    this.refreshing = false;
    this.again = false;
    this.unsubscribe = null;
  }

  start() {
    document.getElementById('node-url').textContent = this.rpcUrl;
    this.socket.addEventListener('state', (e) => this.#showState(e.detail));
    this.socket.addEventListener('open', () => this.#subscribe());
    window.addEventListener('hashchange', () => this.route());
    window.addEventListener('pagehide', () => { this.unsubscribe?.(); });
    document.getElementById('search').addEventListener('submit', (event) => {
      event.preventDefault();
      const input = document.getElementById('search-input');
      const text = input.value.trim();
      const hint = document.getElementById('search-hint');
      hint.textContent = '';
      if (parseLeaseId(text) !== null) location.hash = leaseHref(parseLeaseId(text));
      else if (looksLikeAddress(text)) location.hash = providerHref(text);
      else { hint.textContent = 'Enter a provider address (SS58) or a lease id.'; return; }
      input.value = '';
    });
    this.socket.start();
    this.route();
  }

  async #subscribe() {
    // A new connection may be to a restarted chain: the header takes its numbers afresh.
    document.querySelector('[data-testid="best-block"]').dataset.value = '';
    try {
      this.unsubscribe = await this.socket.subscribe('chain_subscribeNewHeads', [], 'chain_unsubscribeNewHeads', (header) => {
        const number = parseInt(header?.number, 16);
        if (Number.isFinite(number)) this.#showBlock(number);
        this.refreshSoon();
      });
    } catch (error) {
      console.error('subscription failed', error);
    }
    this.refreshSoon();
  }

  #showBlock(number) {
    const el = document.querySelector('[data-testid="best-block"]');
    if (Number(el.dataset.value || -1) >= number) return;
    el.dataset.value = String(number);
    el.textContent = `#${formatCount(number)}`;
  }

  #showState(state) {
    const dot = document.getElementById('conn');
    dot.dataset.state = state;
    dot.title = { open: 'connected', connecting: 'connecting…', closed: 'disconnected, reconnecting…' }[state] ?? state;
    document.getElementById('conn-text').textContent = { open: 'live', connecting: 'connecting', closed: 'reconnecting' }[state] ?? state;
    const banner = document.getElementById('banner');
    if (state === 'closed') {
      banner.hidden = false;
      banner.textContent = `Lost the connection to ${this.rpcUrl}: reconnecting…`;
    } else if (state === 'open') {
      banner.hidden = true;
    }
  }

  route() {
    const hash = location.hash.replace(/^#/, '') || '/';
    const parts = hash.split('/').filter(Boolean).map((p) => {
      try { return decodeURIComponent(p); } catch { return p; }
    });
    let view;
    if (parts.length === 0) view = new OverviewView(this);
    else if (parts[0] === 'provider' && parts.length === 2) view = new ProviderView(this, parts[1]);
    else if (parts[0] === 'lease' && parts.length === 2) view = new LeaseView(this, parts[1]);
    else view = new UnknownView();
    this.view?.destroy();
    this.view = view;
    const root = h('div', { testid: 'view', dataset: { view: view.name } });
    view.mount(root);
    fill(this.main, root);
    document.querySelectorAll('nav a').forEach((a) => a.classList.toggle('active', a.getAttribute('href') === '#/' && view.name === 'overview'));
    document.title = { overview: 'DePIN Explorer', provider: 'Provider · DePIN Explorer', lease: 'Lease · DePIN Explorer' }[view.name] ?? 'DePIN Explorer';
    window.scrollTo(0, 0);
    this.refreshSoon();
  }

  /** Refreshes the current view at the best block; coalesces requests made meanwhile. */
  async refreshSoon() {
    if (this.refreshing) {
      this.again = true;
      return;
    }
    this.refreshing = true;
    try {
      do {
        this.again = false;
        const view = this.view;
        if (!view) break;
        try {
          const rpc = (method, params) => this.socket.call(method, params);
          const at = await rpc('chain_getBlockHash', []);
          const header = await rpc('chain_getHeader', [at]);
          this.#showBlock(parseInt(header.number, 16));
          const data = await view.load(rpc, at);
          if (view !== this.view) { this.again = true; continue; }
          const root = this.main.querySelector('[data-testid="view"]');
          view.render(data);
          root.dataset.at = at;
          root.dataset.block = String(parseInt(header.number, 16));
          root.dataset.loadedAt = String(Date.now());
          this.#showError(null);
        } catch (error) {
          if (view === this.view) this.#showError(error);
        }
      } while (this.again);
    } finally {
      this.refreshing = false;
    }
  }

  #showError(error) {
    const el = document.getElementById('error');
    if (!error) {
      el.hidden = true;
      return;
    }
    console.error(error);
    el.hidden = false;
    el.textContent = this.socket.state === 'open'
      ? `The node answered with an error: ${error.message}`
      : 'Waiting for the node…';
  }
}

async function main() {
  let rpcUrl = 'ws://127.0.0.1:9944';
  try {
    const config = await (await fetch('/config.json', { cache: 'no-store' })).json();
    if (typeof config.rpc === 'string') rpcUrl = config.rpc;
  } catch (error) {
    console.warn('no /config.json, using', rpcUrl, error);
  }
  const app = new App(rpcUrl);
  window.explorer = app; // for debugging in the console
  app.start();
}

main();
