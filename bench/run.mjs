#!/usr/bin/env node
// StreamGate benchmark (issue 2, item 11). Run by hand, never by `npm test`:
//
//   npm run bench                 # builds the gateway, runs everything (about 4-5 minutes), prints tables
//   npm run bench -- --quick      # shorter windows, one run per cell: a smoke run (about 2 minutes)
//   node bench/run.mjs --help
//
// Each server under test runs in its own process and each load client in another. Results are printed as
// Markdown tables and written to bench/results/<time>.json. See docs/benchmarks.md for what is measured.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHarness, log } from './lib/harness.mjs';
import { readOptions } from './lib/options.mjs';
import { root } from './lib/processes.mjs';
import { memoryVerdicts, reportMemory, runMemory } from './scenarios/memory.mjs';
import { reportRps, rpsVerdicts, runRps } from './scenarios/rps.mjs';
import { reportTtft, runTtft, ttftVerdicts } from './scenarios/ttft.mjs';

// Everything stops by itself: a watchdog ends the run, and the children with it (bench/lib/processes.mjs).
const HARD_LIMIT_MS = 15 * 60_000;
setTimeout(() => {
  process.stderr.write(`bench: hard limit of ${HARD_LIMIT_MS / 60_000} minutes reached, stopping\n`);
  process.exit(3);
}, HARD_LIMIT_MS).unref();

function report(run, options) {
  const sections = [];
  const verdicts = [];
  if (run.ttft) {
    sections.push(reportTtft(run.ttft, options));
    verdicts.push(...ttftVerdicts(run.ttft, options));
  }
  if (run.rps) {
    sections.push(reportRps(run.rps, options));
    verdicts.push(...rpsVerdicts(run.rps, options));
  }
  if (run.memory) {
    sections.push(reportMemory(run.memory));
    verdicts.push(...memoryVerdicts(run.memory));
  }
  if (verdicts.length) sections.push(`### Targets (this machine, this run)\n\n${verdicts.map((line) => `- ${line}`).join('\n')}`);
  return sections.join('\n\n');
}

async function main() {
  const options = readOptions();
  const harness = createHarness(options);
  const startedAt = Date.now();
  const loadAverage = () => os.loadavg().map((value) => value.toFixed(2)).join(' ');
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    loadAverageAtStart: loadAverage(),
  };
  log(`machine: ${machine.cpus} x ${machine.cpuModel}, Node ${machine.node}, load average ${machine.loadAverageAtStart}`);
  const { targets, only, transportNames, ...settings } = options;
  const run = { startedAt: new Date(startedAt).toISOString(), machine, settings: { ...settings, targets: targets.map((target) => target.name), only: [...only] } };
  if (only.has('ttft')) run.ttft = await runTtft(harness);
  if (only.has('rps')) run.rps = await runRps(harness);
  if (only.has('memory')) run.memory = await runMemory(harness);
  run.durationSeconds = Math.round((Date.now() - startedAt) / 1000);
  run.loadAverageAtEnd = loadAverage();

  mkdirSync(options.resultsDirectory, { recursive: true });
  const file = path.join(options.resultsDirectory, `${options.stamp}.json`);
  writeFileSync(file, `${JSON.stringify(run, null, 2)}\n`);
  process.stdout.write(
    `\n## StreamGate benchmark, ${run.startedAt}\n\n` +
      `${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.platform}; ` +
      `load average ${machine.loadAverageAtStart} at start, ${run.loadAverageAtEnd} at end; ${run.durationSeconds} s. ` +
      `TTFT load: about ${options.rate} new streams/s at every level, ${options.outputTokens} tokens each; ` +
      `${options.repeats} x ${options.measureMs} ms windows per cell and server.\n\n` +
      `${report(run, options)}\n\nRaw results: ${path.relative(root, file)}` +
      (options.profileDirectory ? `\nProfiles: ${path.relative(root, options.profileDirectory)}` : '') +
      '\n',
  );
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${error.stack ?? error}\n`);
  process.exit(1);
});
