/**
 * The self time of a V8 CPU profile (`node --cpu-prof`), by function and by where the code lives
 * (StreamGate's own source, a package, Node's internals, garbage collection, idle).
 *
 *   node --import tsx bench/openai-compare/profile-summary.ts FILE.cpuprofile [--top 25]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileShare {
  name: string;
  percent: number;
}

/** Where a frame's code lives: `(idle)`, `(gc)`, `node:...`, a package name, or `streamgate` for the repository's own code. */
function origin(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node:internal';
  const packagePath = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (packagePath) return packagePath[1]!;
  if (url.includes('/packages/')) return 'streamgate';
  return url;
}

/** Self time per function and per origin, as percentages of the busy (not idle) time, largest first. */
export function summarizeProfile(profile: CpuProfile, top = 25): { functions: ProfileShare[]; origins: ProfileShare[]; busyPercent: number } {
  const selfTime = new Map<number, number>();
  const deltas = profile.timeDeltas ?? [];
  (profile.samples ?? []).forEach((id, index) => selfTime.set(id, (selfTime.get(id) ?? 0) + (deltas[index] ?? 0)));
  let total = 0;
  for (const value of selfTime.values()) total += value;
  const byFunction = new Map<string, number>();
  const byOrigin = new Map<string, number>();
  let idle = 0;
  for (const node of profile.nodes) {
    const time = selfTime.get(node.id) ?? 0;
    if (time === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') idle += time;
    const where = origin(url, functionName);
    const file = url ? url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/packages\//, 'packages/') : '';
    const key = `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
    byFunction.set(key, (byFunction.get(key) ?? 0) + time);
    byOrigin.set(where, (byOrigin.get(where) ?? 0) + time);
  }
  byFunction.delete('(idle)');
  byOrigin.delete('(idle)');
  const busy = total - idle;
  const shares = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, time]) => ({ name, percent: Math.round((time / busy) * 1000) / 10 }));
  return { functions: shares(byFunction), origins: shares(byOrigin), busyPercent: Math.round(((total - idle) / total) * 1000) / 10 };
}

export function readProfile(file: string): CpuProfile {
  return JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
  for (const file of positionals) {
    const summary = summarizeProfile(readProfile(file), Number(values.top));
    process.stdout.write(`\n${file} (busy ${summary.busyPercent}% of the time; shares below are of the busy time)\n\nby origin:\n`);
    for (const share of summary.origins) process.stdout.write(`  ${share.percent.toFixed(1).padStart(5)}%  ${share.name}\n`);
    process.stdout.write('\nby function (self time):\n');
    for (const share of summary.functions) process.stdout.write(`  ${share.percent.toFixed(1).padStart(5)}%  ${share.name}\n`);
  }
}
