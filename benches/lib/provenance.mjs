// What produced a set of figures: the commit (and whether the tree differed from it), the
// machine and the date. The tables state it, so figures from different trees or machines are
// never compared unawares.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hostname, totalmem } from 'node:os';

function output(command, args) {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

export function provenance(repoRoot) {
  const status = output('git', ['-C', repoRoot, 'status', '--porcelain']);
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  return {
    commit: output('git', ['-C', repoRoot, 'rev-parse', '--short', 'HEAD']) ?? 'unknown',
    // Tracked changes and untracked files alike: either may be in the build.
    dirty: status === null ? null : status !== '',
    changedPaths: status ? status.split('\n').length : 0,
    host: hostname(),
    nproc: Number(output('nproc', [])),
    cpu: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    date: new Date().toISOString(),
  };
}
