#!/usr/bin/env node
// Summarizes a V8 profile written by `npm run bench -- --profile cpu|alloc|live`, by
// `npm run bench:openai -- --profile` (both gateways' CPU profiles) or by `node --cpu-prof`:
// where the busy time (.cpuprofile, idle left out) or the sampled bytes (.heapprofile) went, by package
// and by function, self cost only. The CPU profiler samples wall time: time a process spent descheduled
// inside a system call (a busy machine) is counted to that call, most often `writev`.
//
//   node bench/profile-summary.mjs bench/results/profiles/<run>/<file>.cpuprofile [--top 30]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { markdownTable } from './lib/stats.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '30' }, help: { type: 'boolean', short: 'h' } },
});
const usage = 'usage: node bench/profile-summary.mjs <file.cpuprofile|file.heapprofile>... [--top 30]\n';
if (values.help) {
  process.stdout.write(usage);
  process.exit(0);
}
if (positionals.length === 0) {
  process.stderr.write(usage);
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
  const benchMatch = /\/(bench\/.*)$/.exec(url);
  return benchMatch ? benchMatch[1] : url.replace(/^file:\/\//, '');
}

function shortUrl(url) {
  return url
    .replace(/^(file:\/\/)?\/.*?node_modules\//, '')
    .replace(/^(file:\/\/)?\/.*?\/packages\//, 'packages/')
    .replace(/^(file:\/\/)?\/.*?\/bench\//, 'bench/');
}

/** Self cost per node id: sampled CPU microseconds (.cpuprofile) or sampled bytes allocated (.heapprofile). */
function selfCosts(profile) {
  const nodes = new Map();
  const costs = new Map();
  if (profile.head) {
    const visit = (node) => {
      nodes.set(node.id, node);
      if (node.selfSize) costs.set(node.id, node.selfSize);
      for (const child of node.children ?? []) visit(child);
    };
    visit(profile.head);
    return { nodes, costs, unit: 'bytes' };
  }
  for (const node of profile.nodes) nodes.set(node.id, node);
  const samples = profile.samples ?? [];
  for (let index = 0; index < samples.length; index++) {
    const id = samples[index];
    costs.set(id, (costs.get(id) ?? 0) + (profile.timeDeltas?.[index] ?? 0));
  }
  return { nodes, costs, unit: 'micros' };
}

for (const file of positionals) {
  const { nodes, costs, unit } = selfCosts(JSON.parse(readFileSync(file, 'utf8')));
  const byCategory = new Map();
  const byFunction = new Map();
  let busy = 0;
  let idle = 0;
  for (const [id, cost] of costs) {
    const { callFrame } = nodes.get(id);
    if (callFrame.functionName === '(idle)') {
      idle += cost;
      continue;
    }
    busy += cost;
    const category = categoryOf(callFrame);
    byCategory.set(category, (byCategory.get(category) ?? 0) + cost);
    const key = `${callFrame.functionName || '(anonymous)'} ${callFrame.url ? `${shortUrl(callFrame.url)}:${callFrame.lineNumber + 1}` : ''}`;
    const entry = byFunction.get(key) ?? { category, cost: 0 };
    entry.cost += cost;
    byFunction.set(key, entry);
  }
  const percent = (cost) => `${((cost / busy) * 100).toFixed(1)}%`;
  const amount = (cost) => (unit === 'bytes' ? (cost / 2 ** 20).toFixed(1) : (cost / 1000).toFixed(0));
  const column = unit === 'bytes' ? 'allocated MiB' : 'self ms';
  const top = Number(values.top);
  const heading =
    unit === 'bytes'
      ? `sampled ${amount(busy)} MiB (an "alloc" profile counts objects already collected too; a "live" one only those still alive at its end)`
      : `busy ${amount(busy)} ms, idle ${amount(idle)} ms`;
  process.stdout.write(
    `\n## ${file}\n\n${heading}\n\n### By package\n\n` +
      markdownTable(
        ['where', column, 'share'],
        [...byCategory].sort((a, b) => b[1] - a[1]).slice(0, top).map(([category, cost]) => [category, amount(cost), percent(cost)]),
      ) +
      `\n\n### By function (top ${top})\n\n` +
      markdownTable(
        ['function', 'where', column, 'share'],
        [...byFunction].sort((a, b) => b[1].cost - a[1].cost).slice(0, top).map(([key, entry]) => [key, entry.category, amount(entry.cost), percent(entry.cost)]),
      ) +
      '\n',
  );
}
