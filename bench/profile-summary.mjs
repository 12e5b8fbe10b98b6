#!/usr/bin/env node
// Summarizes a V8 CPU profile (`node --cpu-prof`, or `npm run bench -- --profile`): where the busy time
// went, by package and by function, self time only (idle time left out).
//
//   node bench/profile-summary.mjs bench/results/profiles/<run>/<file>.cpuprofile [--top 30]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { markdownTable } from './lib/stats.mjs';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '30' } } });
if (positionals.length === 0) {
  process.stderr.write('usage: node bench/profile-summary.mjs <file.cpuprofile> [--top 30]\n');
  process.exit(2);
}

/** Which part of the process a frame belongs to: a package, the gateway's own code, Node's internals. */
function categoryOf(callFrame) {
  const url = callFrame.url;
  if (!url) return callFrame.functionName.startsWith('(') ? callFrame.functionName : '(native)';
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (packageMatch) return packageMatch[1];
  const workspaceMatch = /packages\/([^/]+)\/(?:dist|src)\/(.*)$/.exec(url);
  if (workspaceMatch) return `@streamgate/${workspaceMatch[1]}`;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  return url.replace(/^file:\/\//, '');
}

function shortUrl(url) {
  return url.replace(/^file:\/\/.*?node_modules\//, '').replace(/^file:\/\/.*?packages\//, 'packages/');
}

for (const file of positionals) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMicros = new Map();
  for (let index = 0; index < profile.samples.length; index++) {
    const id = profile.samples[index];
    selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
  }
  const byCategory = new Map();
  const byFunction = new Map();
  let busy = 0;
  let idle = 0;
  for (const [id, micros] of selfMicros) {
    const { callFrame } = nodes.get(id);
    if (callFrame.functionName === '(idle)') {
      idle += micros;
      continue;
    }
    busy += micros;
    const category = categoryOf(callFrame);
    byCategory.set(category, (byCategory.get(category) ?? 0) + micros);
    const key = `${callFrame.functionName || '(anonymous)'} ${callFrame.url ? `${shortUrl(callFrame.url)}:${callFrame.lineNumber + 1}` : ''}`;
    const entry = byFunction.get(key) ?? { category, micros: 0 };
    entry.micros += micros;
    byFunction.set(key, entry);
  }
  const percent = (micros) => `${((micros / busy) * 100).toFixed(1)}%`;
  const top = Number(values.top);
  process.stdout.write(
    `\n## ${file}\n\nbusy ${(busy / 1000).toFixed(0)} ms, idle ${(idle / 1000).toFixed(0)} ms\n\n### Self time by package\n\n` +
      markdownTable(
        ['where', 'self ms', 'share of busy'],
        [...byCategory].sort((a, b) => b[1] - a[1]).slice(0, top).map(([category, micros]) => [category, (micros / 1000).toFixed(0), percent(micros)]),
      ) +
      `\n\n### Self time by function (top ${top})\n\n` +
      markdownTable(
        ['function', 'where', 'self ms', 'share of busy'],
        [...byFunction].sort((a, b) => b[1].micros - a[1].micros).slice(0, top).map(([key, entry]) => [key, entry.category, (entry.micros / 1000).toFixed(0), percent(entry.micros)]),
      ) +
      '\n',
  );
}
