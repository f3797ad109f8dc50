// Turns the live runs' results into the benchmark table: each figure's min / median / max over
// the re-execution runs, its baseline from the same run, the ratio (median over median) and the
// target. Block times come from `depin-node benchmark block` (lib/reexecute.mjs): cold, without
// the trie cache, each block executed once a run; warm, the trie cache holding what the block
// reads (small blocks only). Weights are the blocks' consumed weight, exact (one value). What a
// block holds comes from its events.
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

const SLOT_SECONDS = 6;
const BLOCKS_PER_HOUR = 3600 / SLOT_SECONDS;
// The issue's scale: Aethir's 435,000 leased GPUs on ~54,000 providers with hourly epochs, so a
// lease-usage record per lease and a report per provider every hour.
const AETHIR = { leaseRecordsPerHour: 435_000, reportsPerHour: 54_000, maxSharePercent: 5 };
// The issue's targets, as multiples of a transfer_keep_alive.
const FIRST_LEASE = 1.25;
const FURTHER_LEASE = 0.05;
// Per-block cost of the largest market against the smallest, for the same block content.
const MARKET_RATIO = 1.2;
const MIN_RUNS = 10;

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
function spread(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return { min: s[0], median: s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2, max: s[s.length - 1] };
}
/** One value a re-execution run: `f(i)` for runs 0 .. runs−1. */
const perRun = (run, f) => Array.from({ length: run.runs }, (_, i) => f(i));

/** Execution time (ns) of block `b` in run `i`, cold or warm. */
function ns(b, mode, i) {
  const v = b[mode]?.[i];
  if (v === undefined) throw new Error(`block ${b.number} has no ${mode} time for run ${i + 1}`);
  return v;
}

/** Blocks holding only the timestamp inherent, among the small blocks every market shares. */
function emptyBlocks(run) {
  const empty = run.blocks.filter((b) => b.number > 1 && b.number <= run.warmTo && b.extrinsics === 1 && b.closedEpochs.length === 0);
  if (empty.length === 0) throw new Error(`no empty block in the run of ${run.leases} leases`);
  return empty;
}
const emptyNs = (run, mode, i) => mean(emptyBlocks(run).map((b) => ns(b, mode, i)));
const emptyWeightNs = (run) => mean(emptyBlocks(run).map((b) => b.weightNs));

/** Blocks of a phase: from its mark to the next one. */
function phaseBlocks(run, name) {
  const i = run.phases.findIndex((p) => p.name === name);
  if (i < 0) throw new Error(`no phase ${name}`);
  const from = run.phases[i].from;
  const to = run.phases[i + 1]?.from ?? Infinity;
  return run.blocks.filter((b) => b.number >= from && b.number < to);
}

/**
 * Cold time (µs, one value a run) and consumed weight (µs) per extrinsic of the blocks of
 * `phase` holding `kind`, net of an empty block: (Σ block − n × empty) / Σ extrinsics.
 */
function perExtrinsic(run, phase, kind) {
  const blocks = phaseBlocks(run, phase).filter((b) => b[kind] > 0 && b.closedEpochs.length === 0);
  if (blocks.length === 0) throw new Error(`no ${kind} landed in phase ${phase}`);
  const count = blocks.reduce((a, b) => a + b.extrinsics - 1, 0);
  const emptyW = emptyWeightNs(run);
  return {
    us: perRun(run, (i) => blocks.reduce((a, b) => a + ns(b, 'cold', i) - emptyNs(run, 'cold', i), 0) / count / 1000),
    weightUs: [blocks.reduce((a, b) => a + b.weightNs - emptyW, 0) / count / 1000],
    count,
    leases: blocks.reduce((a, b) => a + b.leasesSettled, 0),
    fullest: Math.max(...blocks.map((b) => b.extrinsics - 1)),
    blocks: blocks.length,
  };
}

const rows = [];
/**
 * A row: `values` (one a run, or one exact value), its baseline's values, the ratio of the
 * medians, and the target: `within` (ratio ≤ within) or `ok` (a verdict of its own).
 */
function row(group, figure, values, unit, { baseline = null, target = '—', within = null, ok = null, single = false } = {}) {
  const v = spread(values);
  const base = baseline ? spread(baseline).median : null;
  const ratio = base ? v.median / base : null;
  rows.push({
    group, figure, unit, values, ...v, single, baseline: base, ratio, target,
    ok: within !== null ? ratio <= within : ok,
  });
}
const times = (x) => `${x.toFixed(2).replace(/\.?0+$/, '')}×`;

// 1. A usage report against transfer_keep_alive, per extrinsic of full blocks (cold only: a
// warm re-execution of a full block would stay partly cold, lib/reexecute.mjs).
const transfer = perExtrinsic(full, 'transfers-full', 'transfers');
const r1 = perExtrinsic(full, 'reports-1', 'reports');
const r16 = perExtrinsic(full, 'reports-16', 'reports');
const rMax = perExtrinsic(full, 'reports-max', 'reports');
const maxLeases = full.maxLeasesPerReport;
const leasesPerMaxReport = rMax.leases / rMax.count;
const leasesPer1Report = r1.leases / r1.count;
if (leasesPer1Report !== 1) throw new Error(`the 1-lease reports settled ${leasesPer1Report} leases each`);
/** Per further lease: (report of the most leases − report of 1) / (leases − 1); and the rest of a 1-lease report. */
const perLease = (key) => rMax[key].map((m, i) => (m - r1[key][i]) / (leasesPerMaxReport - 1));
const fixedPart = (key) => r1[key].map((one, i) => one - perLease(key)[i]);
for (const [what, key] of [['time, cold', 'us'], ['weight', 'weightUs']]) {
  const g = `1. report vs transfer, full blocks (${what})`;
  row(g, 'transfer_keep_alive', transfer[key], 'µs', { baseline: transfer[key], target: 'baseline' });
  row(g, 'report, 1 lease', r1[key], 'µs', { baseline: transfer[key], target: `≤ ${times(FIRST_LEASE)}`, within: FIRST_LEASE });
  // A phase's blocks may also hold the previous phase's reports, landing late in a window
  // that congestion stretched: a phase's report is its blocks' mean, by the leases they settled.
  row(g, `report in the 16-lease phase (${(r16.leases / r16.count).toFixed(1)} leases on average)`, r16[key], 'µs', { baseline: transfer[key] });
  row(g, `report in the ${maxLeases}-lease phase (${leasesPerMaxReport.toFixed(1)} leases on average)`, rMax[key], 'µs', { baseline: transfer[key] });
  row(g, `each further lease ((that report − 1-lease report) / ${(leasesPerMaxReport - 1).toFixed(1)})`, perLease(key), 'µs', { baseline: transfer[key], target: `≤ ${times(FURTHER_LEASE)}`, within: FURTHER_LEASE });
  row(g, "a report's fixed part (1-lease report − one lease)", fixedPart(key), 'µs', { baseline: transfer[key] });
}

// The same comparison on small blocks of the same run, cold and warm: the block of 10
// transfers, and the typical block (a report and as many transfers).
const typicalBlock = (run) => phaseBlocks(run, 'typical').find((b) => b.reports > 0);
{
  const t10 = phaseBlocks(full, 'transfers-10').find((b) => b.transfers > 0);
  const typical = typicalBlock(full);
  if (!t10 || !typical) throw new Error('no block of 10 transfers or no typical block in the full run');
  const leases = typical.leasesSettled;
  const bound = FIRST_LEASE + (leases - 1) * FURTHER_LEASE;
  for (const mode of ['cold', 'warm']) {
    const g = `1. report vs transfer, small blocks (time, ${mode})`;
    const perTransfer = perRun(full, (i) => (ns(t10, mode, i) - emptyNs(full, mode, i)) / t10.transfers / 1000);
    const report = perRun(full, (i) => (ns(typical, mode, i) - emptyNs(full, mode, i)) / 1000 - typical.transfers * perTransfer[i]);
    row(g, `transfer_keep_alive (a block of ${t10.transfers})`, perTransfer, 'µs', { baseline: perTransfer, target: 'baseline' });
    row(g, `report, ${leases} leases (the typical block − its ${typical.transfers} transfers)`, report, 'µs', {
      baseline: perTransfer, target: `≤ ${times(bound)} (${times(FIRST_LEASE)} + ${leases - 1} × ${times(FURTHER_LEASE)})`, within: bound,
    });
  }
}

// 2. Per-block cost against market size, the same block content at every size: each block
// against the same block of the smallest market, cold and warm.
const smallest = sizes[0];
function closingEpoch0(run) {
  const b = run.blocks.find((x) => x.closedEpochs.includes(0));
  if (!b || b.extrinsics !== 1) throw new Error(`the block closing epoch 0 in the run of ${run.leases} leases is missing or holds extrinsics`);
  return b;
}
for (const mode of ['cold', 'warm']) {
  const g = `2. block execution vs market size (${mode})`;
  const blockUs = (run, b) => perRun(run, (i) => ns(b, mode, i) / 1000);
  for (const run of sizes) {
    const label = `${run.leases.toLocaleString('en')} leases, ${run.providers.toLocaleString('en')} providers`;
    const target = run === sizes[sizes.length - 1] && run !== smallest ? { target: `≤ ${times(MARKET_RATIO)}`, within: MARKET_RATIO } : {};
    const typical = typicalBlock(run);
    if (!typical) throw new Error(`no typical block in the run of ${run.leases} leases`);
    row(g, `empty block, ${label}`, perRun(run, (i) => emptyNs(run, mode, i) / 1000), 'µs', { baseline: perRun(smallest, (i) => emptyNs(smallest, mode, i) / 1000), ...target });
    row(g, `block closing epoch 0 (its one report), ${label}`, blockUs(run, closingEpoch0(run)), 'µs', { baseline: blockUs(smallest, closingEpoch0(smallest)), ...target });
    row(g, `typical block (report of ${typical.leasesSettled} leases + ${typical.transfers} transfers), ${label}`, blockUs(run, typical), 'µs', { baseline: blockUs(smallest, typicalBlock(smallest)), ...target });
  }
}

// 3. Settlement throughput (informational), and the issue's goal: Aethir's scale settled in
// a small share of each block's weight.
const normalUs = full.normalBlockRefTime / 1e6;
const maxBlockUs = full.maxBlockRefTime / 1e6;
{
  const g = '3. settlement throughput (informational)';
  row(g, `records per block by weight (${maxLeases}-lease reports in the normal-class limit)`, rMax.weightUs.map((w) => Math.floor(normalUs / w) * leasesPerMaxReport), 'records');
  row(g, 'records per block by measured time, cold (same limit)', rMax.us.map((t) => Math.floor(normalUs / t) * leasesPerMaxReport), 'records');
  row(g, 'records settled in the fullest block of the live run', [Math.max(...full.blocks.map((b) => b.leasesSettled))], 'records', { single: true });
}
{
  const g = `3. settlement at Aethir scale (${AETHIR.leaseRecordsPerHour.toLocaleString('en')} leases, ${AETHIR.reportsPerHour.toLocaleString('en')} providers, hourly epochs)`;
  const recordsPerBlock = AETHIR.leaseRecordsPerHour / BLOCKS_PER_HOUR;
  const reportsPerBlock = AETHIR.reportsPerHour / BLOCKS_PER_HOUR;
  const share = (key) => perLease(key).map((lease, i) => (100 * (recordsPerBlock * lease + reportsPerBlock * fixedPart(key)[i])) / maxBlockUs);
  const what = `${recordsPerBlock} lease records + ${reportsPerBlock} reports' fixed parts a ${SLOT_SECONDS} s block, share of its ${(maxBlockUs / 1e6).toFixed(0)} s`;
  row(g, `${what}, by weight`, share('weightUs'), '%', { target: `≤ ${AETHIR.maxSharePercent} %`, ok: spread(share('weightUs')).median <= AETHIR.maxSharePercent });
  row(g, `${what}, by measured time, cold`, share('us'), '%');
}

// 4. Live node: reports and transfers sent together (one live run: one value).
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
{
  const g = '4. live node, one run (reports + transfers sent together)';
  row(g, `transfers/s over ${span} blocks`, [mixedTransfers / (span * SLOT_SECONDS)], '/s', { baseline: [transferOnlyRate], target: 'baseline: transfers alone', single: true });
  row(g, `reports/s over ${span} blocks (1 lease each)`, [mixedReports / (span * SLOT_SECONDS)], '/s', { single: true });
  row(g, 'extrinsics in the fullest block', [Math.max(...full.blocks.map((b) => b.extrinsics - 1))], 'extrinsics', { single: true });
}

// 5. Off-chain worker: from the epoch's last probe reading to the report's inclusion, over
// the epochs it reported.
const L = full.epochLength;
const latencies = full.blocks.flatMap((b) => b.probedReports.map((epoch) => b.number - ((epoch + 1) * L - 1)));
if (latencies.length === 0) throw new Error('the off-chain worker landed no report');
row(`5. off-chain worker latency`, `reading → inclusion, ${latencies.length} epochs`, latencies, 'blocks', { target: '≤ 5 (the report window)', ok: Math.max(...latencies) <= 5 });

// What produced the figures.
const runs = [...sizes, full].filter((r, i, all) => all.findIndex((x) => x.leases === r.leases) === i);
const machine = (p) => `${p.host}: ${p.nproc} CPUs (nproc), ${p.cpu}, ${p.memoryGiB} GiB`;
const tree = (p) => `commit ${p.commit}${p.dirty ? ` + uncommitted changes (${p.changedPaths} paths)` : p.dirty === false ? ' (clean tree)' : ''}`;
const origins = [...new Set(runs.map((r) => `${tree(r.producedBy)} · ${machine(r.producedBy)}`))];
const from = runs.map((r) => r.producedBy.date).sort()[0];
const to = runs.map((r) => r.finished).sort().at(-1);
const reexecution = [...new Set(runs.map((r) => `${r.runs} runs a block; warm = mean of executions 2..${r.warmRepeat + 1}`))];

const fmt = (v, unit) => (v === null || v === undefined ? '—' : `${Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en') : v.toFixed(Math.abs(v) >= 10 ? 1 : 2)} ${unit}`);
const columns = ['figure', 'min', 'median', 'max', 'baseline', 'ratio', 'target'];
const lines = rows.map((r) => [
  r.figure,
  r.single ? '—' : fmt(r.min, r.unit),
  fmt(r.median, r.unit),
  r.single ? '—' : fmt(r.max, r.unit),
  r.baseline === null ? '—' : fmt(r.baseline, r.unit),
  r.ratio === null ? '—' : `${r.ratio.toFixed(2)}×`,
  r.target + (r.ok === true ? '  ✓' : r.ok === false ? '  ✗ MISSED' : ''),
]);
const width = columns.map((c, i) => Math.max(c.length, ...lines.map((l) => l[i].length)));
const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(width[i]) : c.padStart(width[i]))).join('  ');
const out = [
  `benches/run.sh, ${from.slice(0, 16).replace('T', ' ')} – ${to.slice(0, 16).replace('T', ' ')} UTC`,
  ...(origins.length === 1 ? [origins[0]] : ['results from different trees or machines:', ...origins.map((o) => `  ${o}`)]),
  `re-execution (depin-node benchmark block): ${reexecution.join('; ')}`,
  'cold: no trie cache, each block executed once a run; warm: the trie cache holding what the block reads (small blocks); ratio: median over the baseline\'s median',
];
if (runs.some((r) => r.runs < MIN_RUNS)) out.push(`fewer than ${MIN_RUNS} runs a block: below the issue's minimum`);
out.push('', line(columns));
let group = null;
rows.forEach((r, i) => {
  if (r.group !== group) { group = r.group; out.push(`\n${group}`); }
  out.push(line(lines[i]));
});
out.push(`\nreport phases: ${r1.count} 1-lease reports in ${r1.blocks} blocks (fullest ${r1.fullest}), ${r16.count} 16-lease in ${r16.blocks} (fullest ${r16.fullest}), ${rMax.count} ${maxLeases}-lease in ${rMax.blocks} (fullest ${rMax.fullest}); ${transfer.count} transfers in ${transfer.blocks} blocks (fullest ${transfer.fullest})`);
out.push(`off-chain worker: latencies ${latencies.join(', ')} blocks; exporter scraped ${full.probeScrapes} times`);
// Warm is warm: trie nodes the small blocks read from RocksDB on their second execution.
const reads = (run, key) => Math.max(...run.blocks.filter((b) => b.databaseNodeReads).map((b) => b.databaseNodeReads[key]));
out.push(`trie nodes read from RocksDB by a small block, most of any (first execution / warm execution): ${sizes.map((r) => `${r.leases.toLocaleString('en')} leases ${reads(r, 'first')} / ${reads(r, 'warm')}`).join(', ')}`);
console.log(out.join('\n'));
if (opt.json) {
  writeFileSync(opt.json, JSON.stringify({
    generated: new Date().toISOString(),
    producedBy: runs.map((r) => ({ leases: r.leases, ...r.producedBy, finished: r.finished, runs: r.runs, warmRepeat: r.warmRepeat })),
    rows,
  }, null, 1));
}
