#!/usr/bin/env node
// Renders the figures the reliability tests recorded (JSON rows { group, what, count, outcome }
// in the folder given) as the table between the markers of docs/reliability.md.
//   node scripts/reliability-table.mjs FIGURES_DIR [DOC]
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const [dir, doc = new URL('../docs/reliability.md', import.meta.url).pathname] = process.argv.slice(2);
if (!dir) throw new Error('usage: reliability-table.mjs FIGURES_DIR [DOC]');

const GROUPS = ['Fuzzing', 'Property tests', 'RPC abuse', 'Transaction pool', 'Hardware probe', 'Crashes', 'Memory'];
const rows = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .flatMap((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')).map((row) => ({ ...row, source: f })));
if (rows.length === 0) throw new Error(`no figures in ${dir}`);
const rank = (group) => (GROUPS.includes(group) ? GROUPS.indexOf(group) : GROUPS.length);
rows.sort((a, b) => rank(a.group) - rank(b.group));

const cell = (value) => String(value).replaceAll('|', '\\|').replaceAll('\n', ' ');
const count = (n) => (typeof n === 'number' ? n.toLocaleString('en-US') : cell(n));
const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
const table = [
  `Measured ${new Date().toISOString().slice(0, 10)} at commit \`${commit}\` by \`scripts/reliability.sh\`.`,
  '',
  '| Kind | What | Count | Answer / result |',
  '|---|---|---:|---|',
  ...rows.map((r) => `| ${cell(r.group)} | ${cell(r.what)} | ${count(r.count)} | ${cell(r.outcome)} |`),
].join('\n');

const START = '<!-- figures:start -->';
const END = '<!-- figures:end -->';
const text = readFileSync(doc, 'utf8');
const from = text.indexOf(START);
const to = text.indexOf(END);
if (from < 0 || to < from) throw new Error(`${doc} lacks the ${START} … ${END} markers`);
writeFileSync(doc, `${text.slice(0, from + START.length)}\n${table}\n${text.slice(to)}`);
console.log(`${rows.length} figures written to ${doc}`);
