// Re-executes the blocks of a live run with `depin-node benchmark block` (the node's RocksDB,
// compiled wasm), cold and warm, `runs` times each, one process after another:
//
// - cold: without the trie cache (the command's default, `trie_cache_maximum_size` is None
//   without --enable-trie-cache), each block executed once per process (`--repeat 1`): every
//   storage read walks the trie from the state root through RocksDB, and nothing the block reads
//   was read by an earlier execution of it. One run re-executes every block.
// - warm: with --enable-trie-cache at the node's own default size (--trie-cache-size, 1 GiB).
//   The command keeps one shared trie cache for the whole process, and every execution merges
//   what it read into it when its state is dropped, so a block's repetitions after the first
//   find its nodes and values in memory, as a running node finds the state it keeps touching.
//   The command prints only the mean of a block's repetitions, so a run is two processes over
//   the same blocks: one execution each (mean F) and 1 + k (mean A); the warm figure is the mean
//   of executions 2 .. k+1, ((k+1)·A − F)/k. Only blocks up to `warmTo` are re-executed warm:
//   the command's calls are "untrusted", so an execution keeps only ~1,800 trie nodes to merge
//   (sp-trie's local cache cap) and a larger block would stay partly cold however often it ran,
//   whereas the node builds and imports blocks with an uncapped ("trusted") cache.
//
// A last pair of processes with trie-cache debug logs counts the trie nodes each small block
// reads from RocksDB on its first and on its second execution (the check that warm is warm).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { NODE_BIN, NODE_ENV } from '../../scripts/e2e/lib/node.mjs';

const execFileP = promisify(execFile);
const BLOCK_LINE = /Block (\d+) with +(\d+) tx used +[\d.]+% of its weight \( *([\d,]+) of +([\d,]+) ns\)/;
// sp-trie logs a local cache's hit counts when it is dropped; a node that is neither in the
// local nor in the shared cache is read from the database.
const NODE_CACHE_LINE = /Local node trie cache dropped: (?:empty|local hit rate = \d+% \[\d+\/\d+\], shared hit rate = \d+% \[(\d+)\/(\d+)\])/;

const number = (text) => Number(text.replaceAll(',', ''));

/** One `benchmark block` process over blocks `from`..`to`; its output lines. */
async function benchmarkBlock({ spec, basePath, from, to, repeat, extra = [] }) {
  const { stdout, stderr } = await execFileP(NODE_BIN, [
    'benchmark', 'block', '--chain', spec, '--base-path', basePath,
    '--from', String(from), '--to', String(to), '--repeat', String(repeat), ...extra,
  ], { maxBuffer: 64 << 20, timeout: 3_600_000, env: NODE_ENV });
  return { lines: `${stdout}\n${stderr}`.split('\n'), tail: stderr.slice(-2000) };
}

/** Mean execution time (ns) and consumed weight (ns) of every block `from`..`to`. */
async function timeBlocks(options) {
  const { lines, tail } = await benchmarkBlock(options);
  const timing = new Map();
  for (const line of lines) {
    const m = BLOCK_LINE.exec(line);
    if (m) timing.set(Number(m[1]), { ns: number(m[3]), weightNs: number(m[4]) });
  }
  for (let n = options.from; n <= options.to; n++) {
    if (!timing.has(n)) throw new Error(`benchmark block did not time block ${n}:\n${tail}`);
  }
  return timing;
}

/** Trie nodes each block `from`..`to` read from the database over `repeat` executions. */
async function databaseNodeReads(options) {
  const { lines, tail } = await benchmarkBlock({ ...options, extra: ['--enable-trie-cache', '-l', 'trie-cache=debug'] });
  const reads = new Map();
  // A block's cache logs come before its "Block N" line (its weight read, then its executions).
  let pending = 0;
  for (const line of lines) {
    const cache = NODE_CACHE_LINE.exec(line);
    if (cache) pending += cache[1] === undefined ? 0 : Number(cache[2]) - Number(cache[1]);
    const block = BLOCK_LINE.exec(line);
    if (block) {
      reads.set(Number(block[1]), pending);
      pending = 0;
    }
  }
  if (reads.size !== options.to - options.from + 1) throw new Error(`benchmark block with trie-cache logs missed blocks:\n${tail}`);
  return reads;
}

/**
 * Re-executes blocks 1..`last` cold and 1..`warmTo` warm, `runs` times each (block 1 carries the
 * runtime's instantiation in every process and is not measured). Returns a Map by block number
 * of { weightNs, cold: [ns per run], and for blocks up to warmTo: warm: [ns per run],
 * firstWithCache: [ns per run], databaseNodeReads: { first, warm } }.
 */
export async function reexecute({ spec, basePath, last, warmTo, runs, warmRepeat, log }) {
  const blocks = new Map();
  const at = (n) => blocks.get(n) ?? blocks.set(n, { cold: [] }).get(n);
  for (let run = 1; run <= runs; run++) {
    const started = Date.now();
    const cold = await timeBlocks({ spec, basePath, from: 1, to: last, repeat: 1 });
    const first = await timeBlocks({ spec, basePath, from: 1, to: warmTo, repeat: 1, extra: ['--enable-trie-cache'] });
    const repeated = await timeBlocks({ spec, basePath, from: 1, to: warmTo, repeat: 1 + warmRepeat, extra: ['--enable-trie-cache'] });
    for (const [n, { ns, weightNs }] of cold) {
      const b = at(n);
      b.weightNs = weightNs;
      b.cold.push(ns);
    }
    for (const [n, { ns }] of first) {
      if (n === 1) continue;
      const b = at(n);
      (b.firstWithCache ??= []).push(ns);
      (b.warm ??= []).push(((1 + warmRepeat) * repeated.get(n).ns - ns) / warmRepeat);
    }
    log(`re-execution run ${run} of ${runs}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  const firstReads = await databaseNodeReads({ spec, basePath, from: 1, to: warmTo, repeat: 1 });
  const twoReads = await databaseNodeReads({ spec, basePath, from: 1, to: warmTo, repeat: 2 });
  for (const [n, first] of firstReads) if (n > 1) at(n).databaseNodeReads = { first, warm: twoReads.get(n) - first };
  return blocks;
}
