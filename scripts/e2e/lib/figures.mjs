// Reliability figures: a test records what it measured as rows; scripts/reliability.sh collects
// every test's rows and renders them as the table of docs/reliability.md.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { LOG_DIR } from './node.mjs';

export const FIGURES_DIR = process.env.DEPIN_FIGURES_DIR || join(LOG_DIR, 'figures');

/**
 * Writes `rows` ({ group, what, count, outcome }) as `<name>.json` in the figures folder.
 * `group` names the table section ("RPC abuse", "Crashes", ...), `what` the kind of request or
 * event, `count` how many, `outcome` how each was answered or what was lost.
 */
export function recordFigures(name, rows) {
  for (const row of rows) {
    for (const key of ['group', 'what', 'count', 'outcome']) {
      if (row[key] === undefined) throw new Error(`figure row without ${key}: ${JSON.stringify(row)}`);
    }
  }
  mkdirSync(FIGURES_DIR, { recursive: true });
  writeFileSync(join(FIGURES_DIR, `${name}.json`), `${JSON.stringify(rows, null, 2)}\n`);
}

/** Peak resident memory (VmHWM) of a process, in MiB, from /proc. */
export function peakRssMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]);
  if (!Number.isFinite(kib)) throw new Error(`no VmHWM for pid ${pid}`);
  return Math.round(kib / 1024);
}

/** Current resident memory (VmRSS) of a process, in MiB. */
export function rssMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) / 1024);
}
