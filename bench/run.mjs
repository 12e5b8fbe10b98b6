#!/usr/bin/env node
// StreamGate benchmark (issue 2, item 11). Run by hand, never by `npm test`:
//
//   npm run bench                 # builds, then runs everything (about 3-4 minutes), prints the tables
//   npm run bench -- --quick      # shorter windows, for a smoke run (about 1.5 minutes)
//   node bench/run.mjs --help
//
// Each server under test runs in its own process and each load client in another. Results are printed as
// Markdown tables and written to bench/results/<time>.json. See docs/benchmarks.md for what is measured.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as delay } from 'node:timers/promises';
import { root, runClient, startClient, startServer } from './lib/processes.mjs';
import { formatInteger, formatKiB, formatMs, formatSignedMs, markdownTable, minus, summarize } from './lib/stats.mjs';
import { busyPercentOfOneCore, readCpuTimes, waitForQuiet } from './lib/system-load.mjs';
import { API_KEY, targets } from './targets.mjs';

const { values: flags } = parseArgs({
  options: {
    help: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    only: { type: 'string', default: 'ttft,rps,memory' },
    levels: { type: 'string', default: '1,100,1000' },
    transports: { type: 'string', default: 'sse,ws' },
    'mux-streams-per-socket': { type: 'string', default: '16' },
    rate: { type: 'string', default: '500' },
    tokens: { type: 'string', default: '20' },
    'measure-ms': { type: 'string' },
    repeats: { type: 'string' },
    'rps-connections': { type: 'string', default: '100' },
    'rps-seconds': { type: 'string' },
    sockets: { type: 'string', default: '10000' },
    targets: { type: 'string', default: 'bare,gateway' },
    pin: { type: 'boolean', default: false },
    'server-node-options': { type: 'string', default: '' },
    'quiet-wait-ms': { type: 'string', default: '45000' },
    'max-other-cpu': { type: 'string', default: '50' },
    retries: { type: 'string', default: '6' },
    profile: { type: 'string' },
  },
});

if (flags.help) {
  process.stdout.write(`Usage: node bench/run.mjs [options]
  --quick                     shorter measuring windows (smoke run)
  --only ttft,rps,memory      which benchmarks to run
  --levels 1,100,1000         concurrent streams for the TTFT benchmark
  --transports sse,ws         transports for the TTFT benchmark: sse, ws (one stream per socket),
                              ws-mux (streams multiplexed on shared sockets)
  --mux-streams-per-socket 16 streams per socket for ws-mux (the gateway allows 16 by default)
  --rate 500                  new streams per second the TTFT load aims at, whatever the concurrency
  --tokens 20                 message events per stream
  --measure-ms 4000           TTFT measuring window per run of a cell
  --repeats 2                 runs per TTFT cell, in A-B-B-A order of the servers; samples are pooled
  --rps-connections 100       autocannon connections for POST /v1/chat
  --rps-seconds 10            autocannon duration (after a 2 s warm-up)
  --sockets 10000             idle WebSockets for the memory benchmark
  --targets bare,gateway      servers to run (bench/targets.mjs)
  --pin                       pin the server to CPU 0 and the client to CPU 1 (taskset)
  --server-node-options=...   extra node flags for the servers under test (note the =), e.g.
                              --server-node-options=--max-semi-space-size=64
  --quiet-wait-ms 45000       before each run, wait (up to 10 s) for the machine's other load to drop
                              below 30% of a core; this many ms of such waiting in all, 0 to never wait
  --max-other-cpu 50          a TTFT run during which other processes used more than this % of a core
  --retries 6                 is run again, this many times in all; cells still above it are marked
  --profile cpu|alloc|live    profile each server over each measuring window: CPU, allocations, or
                              (memory benchmark) what opening the idle sockets left alive; files in
                              bench/results/profiles/<time>/, read with bench/profile-summary.mjs.
                              Profiling slows the servers: use such a run for the profile, not the numbers.
`);
  process.exit(0);
}

const list = (text) => text.split(',').map((item) => item.trim()).filter(Boolean);
const only = new Set(list(flags.only));
const levels = list(flags.levels).map(Number);
const transports = list(flags.transports);
const selectedTargets = list(flags.targets).map((name) => {
  if (!targets[name]) throw new Error(`Unknown target "${name}"; known: ${Object.keys(targets).join(', ')}`);
  return targets[name];
});
const rate = Number(flags.rate);
const outputTokens = Number(flags.tokens);
const measureMs = Number(flags['measure-ms'] ?? (flags.quick ? 2500 : 4000));
const repeats = Number(flags.repeats ?? (flags.quick ? 1 : 2));
const warmupMs = flags.quick ? 1000 : 1500;
const rpsSeconds = Number(flags['rps-seconds'] ?? (flags.quick ? 4 : 10));
const muxStreamsPerSocket = Number(flags['mux-streams-per-socket']);
const transportNames = { sse: 'SSE', ws: 'WebSocket', 'ws-mux': `WebSocket, ${muxStreamsPerSocket} per socket` };
for (const transport of transports) {
  if (!transportNames[transport]) throw new Error(`Unknown transport "${transport}"; known: ${Object.keys(transportNames).join(', ')}`);
}
const serverCpu = flags.pin ? 0 : undefined;
const serverNodeOptions = list(flags['server-node-options'].replaceAll(' ', ','));
const clientCpu = flags.pin ? 1 : undefined;
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const resultsDirectory = path.join(root, 'bench', 'results');
if (flags.profile !== undefined && !['cpu', 'alloc', 'live'].includes(flags.profile)) throw new Error('--profile takes "cpu", "alloc" or "live"');
const profileDirectory = flags.profile ? path.join(resultsDirectory, 'profiles', stamp) : undefined;
if (profileDirectory) mkdirSync(profileDirectory, { recursive: true });
const windowProfiles = flags.profile === 'cpu' || flags.profile === 'alloc';

// Everything stops by itself: a watchdog ends the run (and, through the children's own limits, them).
const HARD_LIMIT_MS = 15 * 60_000;
setTimeout(() => {
  process.stderr.write(`bench: hard limit of ${HARD_LIMIT_MS / 60_000} minutes reached, stopping\n`);
  process.exit(3);
}, HARD_LIMIT_MS).unref();

let quietBudgetMs = Number(flags['quiet-wait-ms']);
/** Starts each run in a lull of the other engineers' load, within the run's total waiting budget. */
async function settle() {
  if (quietBudgetMs <= 0) return;
  const startedAt = Date.now();
  const busy = await waitForQuiet({ maxWaitMs: Math.min(10_000, quietBudgetMs) });
  quietBudgetMs -= Date.now() - startedAt;
  if (busy >= 30) log(`  the machine is busy (${formatInteger(busy)}% of a core used by other processes); running anyway`);
}

const log = (text) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${text}\n`);

/**
 * Reads the server's CPU, event-loop delay and GC pauses at the edges of the client's measuring window
 * (and profiles the window with --profile). `onProgress` goes to the client; `finish()` gives the window.
 */
function measuringWindow(server, name) {
  const pending = [];
  let atStart;
  let atEnd;
  let machineAtStart;
  let machineAtEnd;
  let startedAt;
  let endedAt;
  const extension = flags.profile === 'cpu' ? 'cpuprofile' : 'heapprofile';
  return {
    onProgress(message) {
      if (message.phase === 'measure-start') {
        machineAtStart = readCpuTimes();
        startedAt = performance.now();
        pending.push(server.stats({ gc: false, resetWindow: true }).then((stats) => (atStart = stats)));
        if (windowProfiles) pending.push(server.profile('start', { kind: flags.profile }));
      } else if (message.phase === 'measure-end') {
        machineAtEnd = readCpuTimes();
        endedAt = performance.now();
        pending.push(server.stats({ gc: false }).then((stats) => (atEnd = stats)));
        if (windowProfiles) pending.push(server.profile('stop', { file: path.join(profileDirectory, `${server.target.name}-${name}.${extension}`) }));
      }
    },
    async finish() {
      await Promise.all(pending);
      const serverCpuMicros = atEnd.cpuMicros - atStart.cpuMicros;
      return {
        serverCpuMicros,
        // Everything busy on the machine in the window, in % of one core; minus server and client: the rest.
        machineBusyPercent: busyPercentOfOneCore(machineAtStart, machineAtEnd),
        windowMs: endedAt - startedAt,
        serverLoopDelayP99Ms: atEnd.loopDelayP99Ms,
        serverLoopDelayMaxMs: atEnd.loopDelayMaxMs,
        serverGcPauses: atEnd.gcPauses,
      };
    },
  };
}

/**
 * One TTFT cell: a fresh server, `concurrency` streams always open, the server's CPU read at the
 * edges of the measuring window.
 */
async function ttftCell(target, transport, concurrency) {
  // Each stream lasts about concurrency / rate seconds, so every level sees about `rate` new streams/s.
  const streamSeconds = concurrency / rate;
  const tokensPerSecond = Math.round(((outputTokens - 1) * rate) / concurrency);
  const rampMs = Math.max(200, Math.round(streamSeconds * 1000));
  await settle();
  const server = await startServer(target, { cpu: serverCpu, nodeOptions: serverNodeOptions });
  try {
    const window = measuringWindow(server, `ttft-${transport}-${concurrency}`);
    const result = await runClient(
      'stream-load.mjs',
      {
        transport: transport === 'sse' ? 'sse' : 'ws',
        url: server.url,
        apiKey: API_KEY,
        concurrency,
        streamsPerSocket: transport === 'ws-mux' ? muxStreamsPerSocket : 1,
        outputTokens,
        tokensPerSecond,
        rampMs,
        warmupMs,
        measureMs,
        onProgress: window.onProgress,
      },
      { timeoutMs: rampMs + warmupMs + measureMs + 60_000, cpu: clientCpu },
    );
    const measured = await window.finish();
    return {
      target: target.name,
      tokensPerSecond,
      streamSeconds,
      ...result,
      ...measured,
      transport,
      serverCpuPercent: (measured.serverCpuMicros / 1000 / measureMs) * 100,
      otherCpuPercent: measured.machineBusyPercent - (measured.serverCpuMicros / 1000 / measured.windowMs) * 100 - result.clientCpuPercent,
    };
  } finally {
    await server.stop();
  }
}

/**
 * Pools the runs of one cell on one server: percentiles over all samples, totals and means of the rest;
 * each run's own p50/p99 stay in `runs` (they show how much the machine moved between runs).
 */
function pool(runs) {
  const samples = runs.flatMap((run) => run.samples);
  const total = (key) => runs.reduce((sum, run) => sum + run[key], 0);
  const errors = {};
  for (const run of runs) for (const [text, count] of Object.entries(run.errors)) errors[text] = (errors[text] ?? 0) + count;
  const serverCpuMicros = total('serverCpuMicros');
  const streamsInWindow = total('streamsInWindow');
  return {
    target: runs[0].target,
    transport: runs[0].transport,
    concurrency: runs[0].concurrency,
    streamsPerSocket: runs[0].streamsPerSocket,
    tokensPerSecond: runs[0].tokensPerSecond,
    streamSeconds: runs[0].streamSeconds,
    ttft: summarize(samples),
    streamsInWindow,
    streamsPerSecond: (streamsInWindow * 1000) / (measureMs * runs.length),
    errors,
    serverCpuPercent: (serverCpuMicros / 1000 / (measureMs * runs.length)) * 100,
    serverCpuMicrosPerStream: serverCpuMicros / streamsInWindow,
    serverLoopDelayP99Ms: Math.max(...runs.map((run) => run.serverLoopDelayP99Ms)),
    serverLoopDelayMaxMs: Math.max(...runs.map((run) => run.serverLoopDelayMaxMs)),
    serverGcPauses: {
      count: runs.reduce((sum, run) => sum + run.serverGcPauses.count, 0),
      totalMs: runs.reduce((sum, run) => sum + run.serverGcPauses.totalMs, 0),
      maxMs: Math.max(...runs.map((run) => run.serverGcPauses.maxMs)),
    },
    clientCpuPercent: Math.max(...runs.map((run) => run.clientCpuPercent)),
    otherCpuPercent: Math.max(...runs.map((run) => run.otherCpuPercent)),
    clientLoopDelayP99Ms: Math.max(...runs.map((run) => run.clientLoopDelayP99Ms)),
    runs: runs.map(({ samples: _samples, ...run }) => run),
  };
}

const maxOtherCpu = Number(flags['max-other-cpu']);
let retriesLeft = Number(flags.retries);
/** Runs `once()` again while other processes took more than --max-other-cpu in its window, within --retries in all. */
async function withRetries(once) {
  let run = await once();
  while (run.otherCpuPercent > maxOtherCpu && retriesLeft > 0) {
    retriesLeft--;
    log(`  other processes used ${formatInteger(run.otherCpuPercent)}% of a core in that window: running it again (${retriesLeft} retries left)`);
    run = await once();
  }
  return run;
}

async function ttftBenchmark() {
  const cells = [];
  for (const transport of transports) {
    for (const concurrency of levels) {
      const runsByTarget = new Map(selectedTargets.map((target) => [target.name, []]));
      for (let repeat = 0; repeat < repeats; repeat++) {
        // A-B, then B-A: drift in the machine's load hits both servers alike.
        const order = repeat % 2 === 0 ? selectedTargets : [...selectedTargets].reverse();
        for (const target of order) {
          log(`ttft ${transport} x${concurrency} on ${target.name} (run ${repeat + 1}/${repeats})`);
          const run = await withRetries(() => ttftCell(target, transport, concurrency));
          const errors = Object.entries(run.errors);
          log(
            `  p50 ${formatMs(run.ttft.p50)} ms, p99 ${formatMs(run.ttft.p99)} ms, ${formatInteger(run.streamsPerSecond)} streams/s, ` +
              `server CPU ${formatInteger(run.serverCpuPercent)}%, client CPU ${formatInteger(run.clientCpuPercent)}%, ` +
              `server loop delay p99/max ${formatMs(run.serverLoopDelayP99Ms)}/${formatMs(run.serverLoopDelayMaxMs)} ms, ` +
              `server GC ${run.serverGcPauses.count} pauses, ${formatMs(run.serverGcPauses.totalMs)} ms total, max ${formatMs(run.serverGcPauses.maxMs)} ms, ` +
              `client loop delay p99 ${formatMs(run.clientLoopDelayP99Ms)} ms, other processes ${formatInteger(run.otherCpuPercent)}% of a core` +
              (errors.length ? `, errors ${JSON.stringify(run.errors)}` : ''),
          );
          runsByTarget.get(target.name).push(run);
        }
      }
      for (const runs of runsByTarget.values()) cells.push(pool(runs));
    }
  }
  return cells;
}

async function rpsBenchmark() {
  const results = [];
  for (const target of selectedTargets) {
    log(`POST /v1/chat on ${target.name}: ${flags['rps-connections']} connections, ${rpsSeconds} s`);
    const cell = await withRetries(() => rpsRun(target));
    log(
      `  ${formatInteger(cell.requestsPerSecond)} req/s, p50 ${cell.latency.p50} ms, p99 ${cell.latency.p99} ms, non-2xx ${cell.non2xx}, errors ${cell.errors}, ` +
        `server CPU ${formatInteger(cell.serverCpuPercent)}%, client CPU ${formatInteger(cell.clientCpuPercent)}%, ` +
        `other processes ${formatInteger(cell.otherCpuPercent)}% of a core, server GC ${cell.serverGcPauses.count} pauses, ${formatMs(cell.serverGcPauses.totalMs)} ms total`,
    );
    results.push(cell);
  }
  return results;
}

/** One run of autocannon against a fresh server, with the server's CPU over the measured part. */
async function rpsRun(target) {
  await settle();
  const server = await startServer(target, { cpu: serverCpu, nodeOptions: serverNodeOptions });
  try {
    const window = measuringWindow(server, 'rps');
    const result = await runClient(
      'chat-rps.mjs',
      {
        url: server.url,
        apiKey: API_KEY,
        connections: Number(flags['rps-connections']),
        durationSeconds: rpsSeconds,
        warmupSeconds: 2,
        outputTokens,
        onProgress: window.onProgress,
      },
      { timeoutMs: (rpsSeconds + 2) * 1000 + 60_000, cpu: clientCpu },
    );
    const measured = await window.finish();
    return {
      target: target.name,
      ...result,
      ...measured,
      serverCpuPercent: (measured.serverCpuMicros / 1000 / measured.windowMs) * 100,
      otherCpuPercent: measured.machineBusyPercent - (measured.serverCpuMicros / 1000 / measured.windowMs) * 100 - result.clientCpuPercent,
      serverCpuMicrosPerRequest: measured.serverCpuMicros / result.totalRequests,
    };
  } finally {
    await server.stop();
  }
}

async function memoryBenchmark() {
  const results = [];
  const count = Number(flags.sockets);
  for (const target of selectedTargets) {
    log(`idle WebSockets on ${target.name}: ${count}`);
    await settle();
    // Pings every hour: the measurement is of sockets at rest, not of heartbeat traffic.
    const server = await startServer(target, { env: { HEARTBEAT_INTERVAL_MS: '3600000' }, cpu: serverCpu, nodeOptions: serverNodeOptions });
    const client = startClient(
      'idle-sockets.mjs',
      { url: server.url, apiKey: API_KEY, sockets: count, warmupSockets: 500, batch: 200, timeoutMs: 180_000 },
      { timeoutMs: 200_000, cpu: clientCpu },
    );
    try {
      await client.next('warmed');
      await delay(500);
      const before = await server.stats();
      if (flags.profile === 'live') await server.profile('start', { kind: 'live' });
      client.send({ type: 'open' });
      const opened = await client.next('opened');
      await delay(1000);
      if (flags.profile === 'live') await server.profile('stop', { file: path.join(profileDirectory, `${target.name}-idle-sockets.heapprofile`) });
      const after = await server.stats();
      client.send({ type: 'close' });
      await client.next('closed');
      const cell = {
        target: target.name,
        sockets: opened.connected,
        openErrors: opened.errors,
        openMs: opened.openMs,
        rssBefore: before.rssBytes,
        rssAfter: after.rssBytes,
        heapBefore: before.heapUsedBytes,
        heapAfter: after.heapUsedBytes,
        rssPerSocket: (after.rssBytes - before.rssBytes) / opened.connected,
        heapPerSocket: (after.heapUsedBytes - before.heapUsedBytes) / opened.connected,
      };
      log(`  ${cell.sockets} connected in ${formatInteger(cell.openMs)} ms; RSS ${formatKiB(cell.rssPerSocket)}/socket, heap ${formatKiB(cell.heapPerSocket)}/socket`);
      results.push(cell);
    } finally {
      client.kill();
      await server.stop();
    }
  }
  return results;
}

function report(run) {
  const sections = [];
  const find = (list, predicate) => list?.find(predicate);
  if (run.ttft) {
    const rows = [];
    const diagnostics = [];
    const transportName = (transport) => transportNames[transport];
    const pair = (floor, gateway, format) => `${format(floor)} / ${format(gateway)}`;
    for (const transport of transports) {
      for (const concurrency of levels) {
        const floor = find(run.ttft, (cell) => cell.target === 'bare' && cell.transport === transport && cell.concurrency === concurrency);
        const gateway = find(run.ttft, (cell) => cell.target === 'gateway' && cell.transport === transport && cell.concurrency === concurrency);
        const errorCount = (cell) => (cell ? Object.values(cell.errors).reduce((sum, value) => sum + value, 0) : Number.NaN);
        rows.push([
          transportName(transport),
          formatInteger(concurrency),
          pair(floor?.ttft.p50, floor?.ttft.p99, formatMs),
          pair(gateway?.ttft.p50, gateway?.ttft.p99, formatMs),
          pair(minus(gateway?.ttft.p50, floor?.ttft.p50), minus(gateway?.ttft.p99, floor?.ttft.p99), formatSignedMs),
          pair(floor?.ttft.count, gateway?.ttft.count, formatInteger),
          pair(errorCount(floor), errorCount(gateway), formatInteger),
          pair(floor?.otherCpuPercent, gateway?.otherCpuPercent, formatInteger) +
            (Math.max(floor?.otherCpuPercent ?? 0, gateway?.otherCpuPercent ?? 0) > Number(flags['max-other-cpu']) ? ' (noisy)' : ''),
        ]);
        diagnostics.push([
          transportName(transport),
          formatInteger(concurrency),
          pair(floor?.streamsPerSecond, gateway?.streamsPerSecond, formatInteger),
          pair(floor?.serverCpuMicrosPerStream, gateway?.serverCpuMicrosPerStream, formatInteger),
          pair(floor?.serverCpuPercent, gateway?.serverCpuPercent, formatInteger),
          pair(floor?.serverLoopDelayP99Ms, gateway?.serverLoopDelayP99Ms, formatMs),
          pair(floor?.serverGcPauses.totalMs, gateway?.serverGcPauses.totalMs, formatMs),
          pair(floor?.serverGcPauses.maxMs, gateway?.serverGcPauses.maxMs, formatMs),
          pair(floor?.clientCpuPercent, gateway?.clientCpuPercent, formatInteger),
        ]);
      }
    }
    sections.push(
      `### Time to first token (ms), floor = bare server, added = gateway - floor at the same percentile\n\n` +
        `Other processes CPU: what the rest of the machine used during the cell's windows (the most of its runs), in % of one core.\n\n` +
        markdownTable(
          ['transport', 'streams', 'floor p50 / p99', 'gateway p50 / p99', 'added p50 / p99', 'samples floor / gw', 'errors floor / gw', 'other processes CPU % floor / gw'],
          rows,
        ) +
        `\n\n### The same runs, server side (floor / gateway)\n\n` +
        markdownTable(
          [
            'transport',
            'streams',
            'streams/s',
            'server CPU µs per stream',
            'server CPU %',
            'server loop delay p99 ms',
            'GC pause total ms',
            'GC pause max ms',
            'client CPU %',
          ],
          diagnostics,
        ),
    );
  }
  if (run.rps) {
    const floor = find(run.rps, (cell) => cell.target === 'bare');
    sections.push(
      `### Non-streaming POST /v1/chat (autocannon, ${flags['rps-connections']} connections, ${rpsSeconds} s)\n\n` +
        `CPU in % of one core, over the measured ${rpsSeconds} s: the server's, the client's, and the rest of the machine's.\n\n` +
        markdownTable(
          ['server', 'requests/s', 'latency p50 / p90 / p99 (ms)', 'server CPU µs/request', 'vs floor', 'server / client / other CPU %', 'non-2xx / errors'],
          run.rps.map((cell) => [
            targets[cell.target].label,
            formatInteger(cell.requestsPerSecond),
            `${cell.latency.p50} / ${cell.latency.p90} / ${cell.latency.p99}`,
            formatInteger(cell.serverCpuMicrosPerRequest),
            floor ? `${((cell.requestsPerSecond / floor.requestsPerSecond) * 100).toFixed(0)}%` : 'n/a',
            `${formatInteger(cell.serverCpuPercent)} / ${formatInteger(cell.clientCpuPercent)} / ${formatInteger(cell.otherCpuPercent)}` +
              (cell.otherCpuPercent > maxOtherCpu ? ' (noisy)' : ''),
            `${cell.non2xx} / ${cell.errors + cell.timeouts}`,
          ]),
        ),
    );
  }
  if (run.memory) {
    sections.push(
      `### Idle WebSockets (after each got \`connected\`; RSS and heap read after a full GC)\n\n` +
        markdownTable(
          ['server', 'sockets', 'RSS before', 'RSS after', 'RSS per socket', 'heap per socket'],
          run.memory.map((cell) => [
            targets[cell.target].label,
            formatInteger(cell.sockets),
            `${(cell.rssBefore / 2 ** 20).toFixed(1)} MiB`,
            `${(cell.rssAfter / 2 ** 20).toFixed(1)} MiB`,
            formatKiB(cell.rssPerSocket),
            formatKiB(cell.heapPerSocket),
          ]),
        ),
    );
  }
  const verdicts = [];
  const ttft100 = (transport) => find(run.ttft, (cell) => cell.target === 'gateway' && cell.transport === transport && cell.concurrency === 100);
  const floor100 = (transport) => find(run.ttft, (cell) => cell.target === 'bare' && cell.transport === transport && cell.concurrency === 100);
  for (const transport of transports) {
    if (transport === 'ws-mux') continue;
    const gateway = ttft100(transport);
    const floor = floor100(transport);
    if (!gateway || !floor) continue;
    const p50 = minus(gateway.ttft.p50, floor.ttft.p50);
    const p99 = minus(gateway.ttft.p99, floor.ttft.p99);
    if (p50 === null || p99 === null) continue;
    const other = Math.max(floor.otherCpuPercent, gateway.otherCpuPercent);
    const noisy = other > maxOtherCpu;
    verdicts.push(
      `${noisy ? 'NOISY' : p50 <= 1 && p99 <= 5 ? 'MET  ' : 'MISS '} ${transport.toUpperCase()} added TTFT at 100 streams: p50 ${formatSignedMs(p50)} ms (<= 1), p99 ${formatSignedMs(p99)} ms (<= 5)` +
        (noisy ? `; other processes used up to ${formatInteger(other)}% of a core: run again` : ''),
    );
  }
  const rpsGateway = find(run.rps, (cell) => cell.target === 'gateway');
  if (rpsGateway) {
    const noisy = rpsGateway.otherCpuPercent > maxOtherCpu;
    verdicts.push(
      `${noisy ? 'NOISY' : rpsGateway.requestsPerSecond >= 5000 ? 'MET  ' : 'MISS '} POST /v1/chat: ${formatInteger(rpsGateway.requestsPerSecond)} requests/s (>= 5,000)` +
        (noisy ? `; other processes used ${formatInteger(rpsGateway.otherCpuPercent)}% of a core: run again` : ''),
    );
  }
  const memoryGateway = find(run.memory, (cell) => cell.target === 'gateway');
  if (memoryGateway) verdicts.push(`${memoryGateway.rssPerSocket <= 50 * 1024 ? 'MET  ' : 'MISS '} idle WebSocket: ${formatKiB(memoryGateway.rssPerSocket)} RSS each (<= 50 KiB)`);
  if (verdicts.length) sections.push(`### Targets (this machine, this run)\n\n${verdicts.map((line) => `- ${line}`).join('\n')}`);
  return sections.join('\n\n');
}

async function main() {
  const startedAt = Date.now();
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    loadAverageAtStart: os.loadavg().map((value) => value.toFixed(2)).join(' '),
  };
  log(`machine: ${machine.cpus} x ${machine.cpuModel}, Node ${machine.node}, load average ${machine.loadAverageAtStart}`);
  const settings = { rate, outputTokens, measureMs, repeats, warmupMs, rpsSeconds, muxStreamsPerSocket, levels, transports, serverNodeOptions, pin: flags.pin, quick: flags.quick };
  const run = { startedAt: new Date(startedAt).toISOString(), machine, settings };
  if (only.has('ttft')) run.ttft = await ttftBenchmark();
  if (only.has('rps')) run.rps = await rpsBenchmark();
  if (only.has('memory')) run.memory = await memoryBenchmark();
  run.durationSeconds = Math.round((Date.now() - startedAt) / 1000);
  run.loadAverageAtEnd = os.loadavg().map((value) => value.toFixed(2)).join(' ');

  mkdirSync(resultsDirectory, { recursive: true });
  const file = path.join(resultsDirectory, `${stamp}.json`);
  writeFileSync(file, `${JSON.stringify(run, null, 2)}\n`);
  process.stdout.write(
    `\n## StreamGate benchmark, ${run.startedAt}\n\n` +
      `${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.platform}; ` +
      `load average ${machine.loadAverageAtStart} at start, ${run.loadAverageAtEnd} at end; ${run.durationSeconds} s. ` +
      `TTFT load: about ${rate} new streams/s at every level, ${outputTokens} tokens each; ${repeats} x ${measureMs} ms windows per cell and server.\n\n` +
      `${report(run)}\n\nRaw results: ${path.relative(root, file)}` +
      (profileDirectory ? `\nCPU profiles: ${path.relative(root, profileDirectory)}` : '') +
      '\n',
  );
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${error.stack ?? error}\n`);
  process.exit(1);
});
