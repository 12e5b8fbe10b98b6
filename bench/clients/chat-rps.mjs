// Load client for non-streaming `POST /v1/chat` throughput, run in its own process by bench/run.mjs:
// autocannon, `connections` keep-alive connections in a closed loop (no pipelining), after a warm-up run.
import autocannon from 'autocannon';

function cannon({ url, apiKey, connections, durationSeconds, body }) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${url}/v1/chat`,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
        body: JSON.stringify(body),
        connections,
        pipelining: 1,
        duration: durationSeconds,
        timeout: 10,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    autocannon.track(instance, { renderProgressBar: false, renderResultsTable: false, renderLatencyTable: false, outputStream: process.stderr });
  });
}

/** @param {Record<string, any>} options */
async function run(options) {
  const body = { message: 'Hello from the StreamGate benchmark', simulate: { ttft_ms: 0, tokens_per_second: 0, output_tokens: options.outputTokens } };
  const warmup = await cannon({ ...options, durationSeconds: options.warmupSeconds, body });
  process.send?.({ type: 'progress', phase: 'measure-start' });
  const cpuBefore = process.cpuUsage();
  const result = await cannon({ ...options, durationSeconds: options.durationSeconds, body });
  const cpu = process.cpuUsage(cpuBefore);
  process.send?.({ type: 'progress', phase: 'measure-end' });
  return {
    connections: options.connections,
    durationSeconds: options.durationSeconds,
    requestsPerSecond: result.requests.average,
    totalRequests: result.requests.total,
    warmupRequests: warmup.requests.total,
    latency: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    clientCpuPercent: ((cpu.user + cpu.system) / 1000 / (options.durationSeconds * 1000)) * 100,
  };
}

process.once('message', async (message) => {
  if (message?.type !== 'run') return;
  try {
    process.send({ type: 'result', result: await run(message.options) });
  } catch (error) {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exitCode = 1;
  }
  process.disconnect();
});
