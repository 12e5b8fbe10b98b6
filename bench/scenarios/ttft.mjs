// Time to first token at 1, 100 and 1,000 open streams, over SSE and WebSocket, gateway against floor.
import { runClient } from '../lib/processes.mjs';
import { formatInteger, formatMs, formatSignedMs, markdownTable, minus, summarize } from '../lib/stats.mjs';
import { API_KEY } from '../targets.mjs';

/**
 * One run of one cell on one server: a fresh server, `concurrency` streams always open, the server and
 * the machine read at the edges of the measuring window.
 */
async function ttftRun(harness, target, transport, concurrency) {
  const { options } = harness;
  // Each stream lasts about concurrency / rate seconds, so every level sees about `rate` new streams/s.
  const streamSeconds = concurrency / options.rate;
  const tokensPerSecond = Math.round(((options.outputTokens - 1) * options.rate) / concurrency);
  const rampMs = Math.max(200, Math.round(streamSeconds * 1000));
  await harness.settle();
  const server = await harness.startServerUnderTest(target);
  try {
    const window = harness.measuringWindow(server, `ttft-${transport}-${concurrency}`);
    const result = await runClient(
      'stream-load.mjs',
      {
        transport: transport === 'sse' ? 'sse' : 'ws',
        url: server.url,
        apiKey: API_KEY,
        concurrency,
        streamsPerSocket: transport === 'ws-mux' ? options.muxStreamsPerSocket : 1,
        outputTokens: options.outputTokens,
        tokensPerSecond,
        rampMs,
        warmupMs: options.warmupMs,
        measureMs: options.measureMs,
        onProgress: window.onProgress,
      },
      { timeoutMs: rampMs + options.warmupMs + options.measureMs + 60_000, cpu: harness.clientCpu },
    );
    return {
      target: target.name,
      tokensPerSecond,
      streamSeconds,
      ...result,
      ...(await window.finish(result.clientCpuPercent)),
      transport,
    };
  } finally {
    await server.stop();
  }
}

/**
 * Pools the runs of one cell on one server: percentiles over all samples, totals and maxima of the rest;
 * each run's own numbers stay in `runs` (they show how much the machine moved between runs).
 */
function pool(runs) {
  const total = (pick) => runs.reduce((sum, run) => sum + pick(run), 0);
  const most = (pick) => Math.max(...runs.map(pick));
  const errors = {};
  for (const run of runs) for (const [text, count] of Object.entries(run.errors)) errors[text] = (errors[text] ?? 0) + count;
  const serverCpuMicros = total((run) => run.serverCpuMicros);
  const streamsInWindow = total((run) => run.streamsInWindow);
  const windowMs = total((run) => run.windowMs);
  const { target, transport, concurrency, streamsPerSocket, sockets, tokensPerSecond, streamSeconds } = runs[0];
  return {
    target,
    transport,
    concurrency,
    streamsPerSocket,
    sockets,
    tokensPerSecond,
    streamSeconds,
    ttft: summarize(runs.flatMap((run) => run.samples)),
    streamsInWindow,
    streamsPerSecond: (streamsInWindow * 1000) / windowMs,
    errors,
    serverCpuPercent: (serverCpuMicros / 1000 / windowMs) * 100,
    serverCpuMicrosPerStream: serverCpuMicros / streamsInWindow,
    serverLoopDelayP99Ms: most((run) => run.serverLoopDelayP99Ms),
    serverLoopDelayMaxMs: most((run) => run.serverLoopDelayMaxMs),
    serverGcPauses: {
      count: total((run) => run.serverGcPauses.count),
      totalMs: total((run) => run.serverGcPauses.totalMs),
      maxMs: most((run) => run.serverGcPauses.maxMs),
    },
    clientCpuPercent: most((run) => run.clientCpuPercent),
    clientLoopDelayP99Ms: most((run) => run.clientLoopDelayP99Ms),
    otherCpuPercent: most((run) => run.otherCpuPercent),
    runs: runs.map(({ samples: _samples, ...run }) => run),
  };
}

export async function runTtft(harness) {
  const { options, log } = harness;
  const cells = [];
  for (const transport of options.transports) {
    for (const concurrency of options.levels) {
      const runsByTarget = new Map(options.targets.map((target) => [target.name, []]));
      for (let repeat = 0; repeat < options.repeats; repeat++) {
        // A-B, then B-A: drift in the machine's load hits both servers alike.
        const order = repeat % 2 === 0 ? options.targets : [...options.targets].reverse();
        for (const target of order) {
          log(`ttft ${transport} x${concurrency} on ${target.name} (run ${repeat + 1}/${options.repeats})`);
          const run = await harness.withRetries(() => ttftRun(harness, target, transport, concurrency));
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

const cellOf = (cells, target, transport, concurrency) =>
  cells.find((cell) => cell.target === target && cell.transport === transport && cell.concurrency === concurrency);

export function reportTtft(cells, options) {
  const rows = [];
  const diagnostics = [];
  const pair = (floor, gateway, format) => `${format(floor)} / ${format(gateway)}`;
  const errorCount = (cell) => (cell ? Object.values(cell.errors).reduce((sum, value) => sum + value, 0) : Number.NaN);
  for (const transport of options.transports) {
    for (const concurrency of options.levels) {
      const floor = cellOf(cells, 'bare', transport, concurrency);
      const gateway = cellOf(cells, 'gateway', transport, concurrency);
      const noisy = Math.max(floor?.otherCpuPercent ?? 0, gateway?.otherCpuPercent ?? 0) > options.maxOtherCpu;
      rows.push([
        options.transportNames[transport],
        formatInteger(concurrency),
        pair(floor?.ttft.p50, floor?.ttft.p99, formatMs),
        pair(gateway?.ttft.p50, gateway?.ttft.p99, formatMs),
        pair(minus(gateway?.ttft.p50, floor?.ttft.p50), minus(gateway?.ttft.p99, floor?.ttft.p99), formatSignedMs),
        pair(floor?.ttft.count, gateway?.ttft.count, formatInteger),
        pair(errorCount(floor), errorCount(gateway), formatInteger),
        pair(floor?.otherCpuPercent, gateway?.otherCpuPercent, formatInteger) + (noisy ? ' (noisy)' : ''),
      ]);
      diagnostics.push([
        options.transportNames[transport],
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
  return (
    `### Time to first token (ms), floor = bare server, added = gateway - floor at the same percentile\n\n` +
    `Other processes CPU: what the rest of the machine used during the cell's windows (the most of its runs), in % of one core.\n\n` +
    markdownTable(
      ['transport', 'streams', 'floor p50 / p99', 'gateway p50 / p99', 'added p50 / p99', 'samples floor / gw', 'errors floor / gw', 'other processes CPU % floor / gw'],
      rows,
    ) +
    `\n\n### The same runs, server side (floor / gateway)\n\n` +
    markdownTable(
      ['transport', 'streams', 'streams/s', 'server CPU µs per stream', 'server CPU %', 'server loop delay p99 ms', 'GC pause total ms', 'GC pause max ms', 'client CPU %'],
      diagnostics,
    )
  );
}

/** The target: added p50 <= 1 ms and p99 <= 5 ms at 100 streams, per transport. */
export function ttftVerdicts(cells, options) {
  const verdicts = [];
  for (const transport of options.transports.filter((name) => name !== 'ws-mux')) {
    const floor = cellOf(cells, 'bare', transport, 100);
    const gateway = cellOf(cells, 'gateway', transport, 100);
    const p50 = minus(gateway?.ttft.p50, floor?.ttft.p50);
    const p99 = minus(gateway?.ttft.p99, floor?.ttft.p99);
    if (p50 === null || p99 === null) continue;
    const other = Math.max(floor.otherCpuPercent, gateway.otherCpuPercent);
    const noisy = other > options.maxOtherCpu;
    verdicts.push(
      `${noisy ? 'NOISY' : p50 <= 1 && p99 <= 5 ? 'MET  ' : 'MISS '} ${options.transportNames[transport]} added TTFT at 100 streams: ` +
        `p50 ${formatSignedMs(p50)} ms (<= 1), p99 ${formatSignedMs(p99)} ms (<= 5)` +
        (noisy ? `; other processes used up to ${formatInteger(other)}% of a core: run again` : ''),
    );
  }
  return verdicts;
}
