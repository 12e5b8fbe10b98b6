// Non-streaming POST /v1/chat throughput and latency (autocannon), gateway against floor.
import { runClient } from '../lib/processes.mjs';
import { formatInteger, formatMs, markdownTable } from '../lib/stats.mjs';
import { API_KEY, targets } from '../targets.mjs';

/** One run of autocannon against a fresh server, with the server and the machine read over the measured part. */
async function rpsRun(harness, target) {
  const { options } = harness;
  await harness.settle();
  const server = await harness.startServerUnderTest(target);
  try {
    const window = harness.measuringWindow(server, 'rps');
    const result = await runClient(
      'chat-rps.mjs',
      {
        url: server.url,
        apiKey: API_KEY,
        connections: options.rpsConnections,
        durationSeconds: options.rpsSeconds,
        warmupSeconds: 2,
        outputTokens: options.outputTokens,
        onProgress: window.onProgress,
      },
      { timeoutMs: (options.rpsSeconds + 2) * 1000 + 60_000, cpu: harness.clientCpu },
    );
    const measured = await window.finish(result.clientCpuPercent);
    return { target: target.name, ...result, ...measured, serverCpuMicrosPerRequest: measured.serverCpuMicros / result.totalRequests };
  } finally {
    await server.stop();
  }
}

export async function runRps(harness) {
  const { options, log } = harness;
  const results = [];
  for (const target of options.targets) {
    log(`POST /v1/chat on ${target.name}: ${options.rpsConnections} connections, ${options.rpsSeconds} s`);
    const cell = await harness.withRetries(() => rpsRun(harness, target));
    log(
      `  ${formatInteger(cell.requestsPerSecond)} req/s, p50 ${cell.latency.p50} ms, p99 ${cell.latency.p99} ms, non-2xx ${cell.non2xx}, errors ${cell.errors}, ` +
        `server CPU ${formatInteger(cell.serverCpuPercent)}%, client CPU ${formatInteger(cell.clientCpuPercent)}%, ` +
        `other processes ${formatInteger(cell.otherCpuPercent)}% of a core, server GC ${cell.serverGcPauses.count} pauses, ${formatMs(cell.serverGcPauses.totalMs)} ms total`,
    );
    results.push(cell);
  }
  return results;
}

export function reportRps(cells, options) {
  const floor = cells.find((cell) => cell.target === 'bare');
  return (
    `### Non-streaming POST /v1/chat (autocannon, ${options.rpsConnections} connections, ${options.rpsSeconds} s)\n\n` +
    `CPU in % of one core, over the measured ${options.rpsSeconds} s: the server's, the client's, and the rest of the machine's.\n\n` +
    markdownTable(
      ['server', 'requests/s', 'latency p50 / p90 / p99 (ms)', 'server CPU µs/request', 'vs floor', 'server / client / other CPU %', 'non-2xx / errors'],
      cells.map((cell) => [
        targets[cell.target].label,
        formatInteger(cell.requestsPerSecond),
        `${cell.latency.p50} / ${cell.latency.p90} / ${cell.latency.p99}`,
        formatInteger(cell.serverCpuMicrosPerRequest),
        floor ? `${((cell.requestsPerSecond / floor.requestsPerSecond) * 100).toFixed(0)}%` : 'n/a',
        `${formatInteger(cell.serverCpuPercent)} / ${formatInteger(cell.clientCpuPercent)} / ${formatInteger(cell.otherCpuPercent)}` +
          (cell.otherCpuPercent > options.maxOtherCpu ? ' (noisy)' : ''),
        `${cell.non2xx} / ${cell.errors + cell.timeouts}`,
      ]),
    )
  );
}

/** The target: >= 5,000 non-streaming requests/s. */
export function rpsVerdicts(cells, options) {
  const gateway = cells.find((cell) => cell.target === 'gateway');
  if (!gateway) return [];
  const noisy = gateway.otherCpuPercent > options.maxOtherCpu;
  return [
    `${noisy ? 'NOISY' : gateway.requestsPerSecond >= 5000 ? 'MET  ' : 'MISS '} POST /v1/chat: ${formatInteger(gateway.requestsPerSecond)} requests/s (>= 5,000)` +
      (noisy ? `; other processes used ${formatInteger(gateway.otherCpuPercent)}% of a core: run again` : ''),
  ];
}
