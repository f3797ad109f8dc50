// Turns the live runs' results into the benchmark table: each figure, its baseline from the same
// run, the ratio and the target. Block times and weights come from `depin-node benchmark block`
// (each block re-executed on the node's RocksDB state); what a block holds, from its events.
//
// Usage: node report.mjs --full results-100000.json --sizes results-10.json,results-1000.json,results-100000.json
//        [--json table.json]
import { readFileSync, writeFileSync } from 'node:fs';

const argv = process.argv.slice(2);
const opt = {};
for (let i = 0; i < argv.length; i += 2) opt[argv[i].replace(/^--/, '')] = argv[i + 1];
const load = (path) => JSON.parse(readFileSync(path, 'utf8'));
const full = load(opt.full);
const sizes = opt.sizes.split(',').map(load).sort((a, b) => a.leases - b.leases);

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const SLOT_SECONDS = 6;

/** Blocks holding only the timestamp inherent, outside the once-an-epoch close. */
function emptyBlocks(run) {
  return run.blocks.filter((b) => b.extrinsics === 1 && !b.epochClosed && b.number > 1);
}

/** Blocks of a phase: from its mark to the next one. */
function phaseBlocks(run, name) {
  const i = run.phases.findIndex((p) => p.name === name);
  if (i < 0) throw new Error(`no phase ${name}`);
  const from = run.phases[i].from;
  const to = run.phases[i + 1]?.from ?? Infinity;
  return run.blocks.filter((b) => b.number >= from && b.number < to);
}

/**
 * Time and consumed weight per extrinsic (µs) of the blocks of `phase` holding `kind`, net of an
 * empty block: (Σ block − n × empty) / Σ extrinsics.
 */
function perExtrinsic(run, phase, kind) {
  const empty = emptyBlocks(run);
  const emptyNs = mean(empty.map((b) => b.ns));
  const emptyW = mean(empty.map((b) => b.weightNs));
  const blocks = phaseBlocks(run, phase).filter((b) => b[kind] > 0 && !b.epochClosed);
  if (blocks.length === 0) throw new Error(`no ${kind} landed in phase ${phase}`);
  const count = blocks.reduce((a, b) => a + b.extrinsics - 1, 0);
  return {
    us: blocks.reduce((a, b) => a + b.ns - emptyNs, 0) / count / 1000,
    weightUs: blocks.reduce((a, b) => a + b.weightNs - emptyW, 0) / count / 1000,
    count,
    leases: blocks.reduce((a, b) => a + b.leasesSettled, 0),
    fullest: Math.max(...blocks.map((b) => b.extrinsics - 1)),
    blocks: blocks.length,
  };
}

const rows = [];
const row = (group, figure, value, baseline, unit, target, ok) =>
  rows.push({ group, figure, value, baseline, unit, ratio: baseline ? value / baseline : null, target, ok });

// 1. A usage report against transfer_keep_alive, per extrinsic of full blocks.
const transfer = perExtrinsic(full, 'transfers-full', 'transfers');
const r1 = perExtrinsic(full, 'reports-1', 'reports');
const r16 = perExtrinsic(full, 'reports-16', 'reports');
const rMax = perExtrinsic(full, 'reports-max', 'reports');
const maxLeases = full.maxLeasesPerReport;
const leasesPerMaxReport = rMax.leases / rMax.count;
for (const [what, key, unit] of [['time', 'us', 'µs'], ['weight', 'weightUs', 'µs']]) {
  const g = `1. report vs transfer (${what})`;
  row(g, 'transfer_keep_alive', transfer[key], transfer[key], unit, 'baseline', true);
  row(g, 'report, 1 lease', r1[key], transfer[key], unit, '≤ 1.25×', r1[key] <= 1.25 * transfer[key]);
  row(g, 'report, 16 leases', r16[key], transfer[key], unit, '—', null);
  row(g, `report, ${maxLeases} leases`, rMax[key], transfer[key], unit, '—', null);
  const perLease = (rMax[key] - r1[key]) / (leasesPerMaxReport - 1);
  row(g, `per lease in a ${maxLeases}-lease report`, perLease, transfer[key], unit, '≤ 0.5×', perLease <= 0.5 * transfer[key]);
}

// 2. Per-block cost against market size, same block content at every size.
const smallest = sizes[0];
const typicalBlock = (run) => phaseBlocks(run, 'typical').find((b) => b.reports > 0);
for (const run of sizes) {
  const label = `${run.leases.toLocaleString('en')} leases, ${run.providers.toLocaleString('en')} providers`;
  const isLargest = run === sizes[sizes.length - 1];
  const e = mean(emptyBlocks(run).map((b) => b.ns)) / 1000;
  const e0 = mean(emptyBlocks(smallest).map((b) => b.ns)) / 1000;
  row('2. block execution vs market size', `empty block, ${label}`, e, e0, 'µs', isLargest ? '≤ 1.2×' : '—', isLargest ? e <= 1.2 * e0 : null);
  const t = typicalBlock(run);
  const t0 = typicalBlock(smallest);
  if (!t || !t0) throw new Error(`no typical block in the run of ${run.leases} leases`);
  const close = run.blocks.find((b) => b.epochClosed && b.extrinsics === 1);
  const close0 = smallest.blocks.find((b) => b.epochClosed && b.extrinsics === 1);
  if (close && close0) {
    // Informational: its cost follows the reports of the epoch it closes, which differ here.
    const closed = close.number - full.epochLength / 2 - full.epochLength;
    row('2. block execution vs market size', `epoch-close block (closes epoch ${closed / full.epochLength}), ${label}`, close.ns / 1000, close0.ns / 1000, 'µs', '—', null);
  }
  row('2. block execution vs market size', `typical block (report of 10 leases + ${t.transfers} transfers), ${label}`, t.ns / 1000, t0.ns / 1000, 'µs', isLargest ? '≤ 1.2×' : '—', isLargest ? t.ns <= 1.2 * t0.ns : null);
}

// 3. Lease-usage records settled per 6 s block within its weight limit.
const normalUs = full.normalBlockRefTime / 1e6;
const byWeight = Math.floor(normalUs / rMax.weightUs) * leasesPerMaxReport;
const byTime = Math.floor(normalUs / rMax.us) * leasesPerMaxReport;
const observed = Math.max(...full.blocks.map((b) => b.leasesSettled));
row('3. settlement throughput', `records per block by weight (${maxLeases}-lease reports in the normal-class limit)`, byWeight, 2000, 'records', '≥ 2,000', byWeight >= 2000);
row('3. settlement throughput', 'records per block by measured time (same limit)', byTime, 2000, 'records', '≥ 2,000', byTime >= 2000);
row('3. settlement throughput', 'records settled in the fullest block of the live run', observed, 2000, 'records', '—', null);

// 4. Live node: reports and transfers sent together.
// The load's blocks: from the first to the last holding its transfers or reports (the probed
// provider's own report is not part of it).
const mixed = phaseBlocks(full, 'mixed');
const loaded = mixed.filter((b) => b.transfers > 0 || b.reports > b.probedReports.length);
const busy = loaded.length ? mixed.filter((b) => b.number >= loaded[0].number && b.number <= loaded[loaded.length - 1].number) : [];
const span = busy.length ? busy[busy.length - 1].number - busy[0].number + 1 : 1;
const mixedTransfers = busy.reduce((a, b) => a + b.transfers, 0);
const mixedReports = busy.reduce((a, b) => a + b.reports - b.probedReports.length, 0);
const transferOnly = phaseBlocks(full, 'transfers-full').filter((b) => b.transfers > 0);
const transferOnlyRate = transferOnly.reduce((a, b) => a + b.transfers, 0) / (transferOnly.length * SLOT_SECONDS);
row('4. live node (reports + transfers sent together)', `transfers/s over ${span} blocks`, mixedTransfers / (span * SLOT_SECONDS), transferOnlyRate, '/s', 'baseline: transfers alone', null);
row('4. live node (reports + transfers sent together)', `reports/s over ${span} blocks (1 lease each)`, mixedReports / (span * SLOT_SECONDS), null, '/s', '—', null);
row('4. live node (reports + transfers sent together)', 'extrinsics in the fullest block', Math.max(...full.blocks.map((b) => b.extrinsics - 1)), null, 'extrinsics', '—', null);

// 5. Off-chain worker: from the epoch's last probe reading to the report's inclusion.
const L = full.epochLength;
const latencies = full.blocks.flatMap((b) => b.probedReports.map((epoch) => b.number - ((epoch + 1) * L - 1)));
if (latencies.length === 0) throw new Error('the off-chain worker landed no report');
row('5. off-chain worker latency', `reading → inclusion, worst of ${latencies.length} epochs`, Math.max(...latencies), 1, 'blocks', '≤ 5 (the report window)', Math.max(...latencies) <= 5);
row('5. off-chain worker latency', 'reading → inclusion, best', Math.min(...latencies), 1, 'blocks', '—', null);

const fmt = (v, unit) => v === null || v === undefined ? '—' : `${v >= 100 ? Math.round(v).toLocaleString('en') : v.toFixed(v >= 10 ? 1 : 2)} ${unit}`;
const width = [0, 0, 0, 0, 0];
const lines = rows.map((r) => [r.figure, fmt(r.value, r.unit), r.baseline ? fmt(r.baseline, r.unit) : '—', r.ratio === null ? '—' : `${r.ratio.toFixed(2)}×`, r.target + (r.ok === true ? '  ✓' : r.ok === false ? '  ✗ MISSED' : '')]);
for (const l of [['figure', 'value', 'baseline', 'ratio', 'target'], ...lines]) l.forEach((c, i) => { width[i] = Math.max(width[i], c.length); });
let group = null;
const out = [];
const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(width[i]) : c.padStart(width[i]))).join('  ');
out.push(line(['figure', 'value', 'baseline', 'ratio', 'target']));
rows.forEach((r, i) => {
  if (r.group !== group) { group = r.group; out.push(`\n${group}`); }
  out.push(line(lines[i]));
});
out.push(`\nreport phases: ${r1.count} 1-lease reports in ${r1.blocks} blocks (fullest ${r1.fullest}), ${r16.count} 16-lease in ${r16.blocks} (fullest ${r16.fullest}), ${rMax.count} ${maxLeases}-lease in ${rMax.blocks} (fullest ${rMax.fullest}); ${transfer.count} transfers in ${transfer.blocks} blocks (fullest ${transfer.fullest})`);
out.push(`off-chain worker: latencies ${latencies.join(', ')} blocks; exporter scraped ${full.probeScrapes} times`);
console.log(out.join('\n'));
if (opt.json) writeFileSync(opt.json, JSON.stringify(rows, null, 1));
