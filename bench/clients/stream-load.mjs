// Load client for the time-to-first-token benchmark, run in its own process by bench/run.mjs.
//
// `concurrency` workers each keep one stream open at all times (a closed loop: the next request goes out
// when the previous stream's `done` arrives). Workers start staggered over `rampMs`; the samples are the
// streams *issued* inside the measuring window, after `warmupMs`. TTFT = from just before the request is
// issued to the arrival of its first `message` event, parsed by a real client: undici + eventsource-parser
// for SSE, `ws` for WebSocket.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { createParser } from 'eventsource-parser';
import { Pool } from 'undici';
import WebSocket from 'ws';
import { summarize } from '../lib/stats.mjs';
import { closeAll } from '../lib/websockets.mjs';

/** @param {Record<string, any>} options */
async function run(options) {
  const {
    transport,
    url,
    apiKey,
    concurrency,
    streamsPerSocket = 1,
    outputTokens,
    tokensPerSecond,
    rampMs,
    warmupMs,
    measureMs,
    drainTimeoutMs = 15_000,
  } = options;
  const body = { message: 'Hello from the StreamGate benchmark', simulate: { ttft_ms: 0, tokens_per_second: tokensPerSecond, output_tokens: outputTokens } };
  const opener = transport === 'sse' ? await sseOpener(url, apiKey, concurrency, body) : await websocketOpener(url, apiKey, concurrency, streamsPerSocket, body);

  const samples = [];
  const errors = new Map();
  const noteError = (text) => errors.set(text, (errors.get(text) ?? 0) + 1);
  let streamsInWindow = 0;
  let eventsReceived = 0;
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });

  const t0 = performance.now();
  const windowStart = t0 + rampMs + warmupMs;
  const windowEnd = windowStart + measureMs;
  let windowStartCpu;
  let windowEndCpu;
  const marks = (async () => {
    await delay(windowStart - performance.now());
    windowStartCpu = process.cpuUsage();
    loopDelay.enable();
    process.send?.({ type: 'progress', phase: 'measure-start' });
    await delay(windowEnd - performance.now());
    windowEndCpu = process.cpuUsage(windowStartCpu);
    loopDelay.disable();
    process.send?.({ type: 'progress', phase: 'measure-end' });
  })();

  const worker = async (index) => {
    await delay((index * rampMs) / concurrency);
    let sequence = 0;
    while (performance.now() < windowEnd) {
      const issuedAt = performance.now();
      const result = await opener.stream(index, sequence++);
      eventsReceived += result.events;
      const inWindow = issuedAt >= windowStart && issuedAt < windowEnd;
      if (result.error) {
        noteError(result.error);
        if (inWindow) streamsInWindow++;
        await delay(10); // an error answers at once; do not spin on it
        continue;
      }
      if (inWindow) {
        streamsInWindow++;
        samples.push(result.firstTokenAt - issuedAt);
      }
    }
  };
  const workers = Promise.all(Array.from({ length: concurrency }, (_, index) => worker(index)));
  const giveUp = new AbortController();
  const drained = await Promise.race([
    workers.then(() => true),
    delay(windowEnd - performance.now() + drainTimeoutMs, false, { signal: giveUp.signal }).catch(() => false),
  ]);
  giveUp.abort();
  await marks;
  await opener.close();

  return {
    transport,
    concurrency,
    streamsPerSocket: transport === 'ws' ? streamsPerSocket : 1,
    sockets: transport === 'ws' ? Math.ceil(concurrency / streamsPerSocket) : concurrency,
    ttft: summarize(samples),
    // Raw, to the microsecond, so that the harness can pool repeated runs.
    samples: samples.map((value) => Math.round(value * 1000) / 1000),
    streamsInWindow,
    streamsPerSecond: (streamsInWindow * 1000) / measureMs,
    eventsReceived,
    errors: Object.fromEntries(errors),
    drained,
    clientCpuPercent: windowEndCpu ? ((windowEndCpu.user + windowEndCpu.system) / 1000 / measureMs) * 100 : Number.NaN,
    // The histogram holds the time between 1 ms samples: the delay is that minus 1 ms.
    clientLoopDelayP99Ms: Math.max(0, loopDelay.percentile(99) / 1e6 - 1),
  };
}

/** SSE over HTTP/1.1 keep-alive connections, one per concurrent stream. */
async function sseOpener(url, apiKey, concurrency, body) {
  const pool = new Pool(url, { connections: concurrency, pipelining: 1, keepAliveTimeout: 60_000, headersTimeout: 30_000, bodyTimeout: 30_000 });
  const payload = JSON.stringify(body);
  const headers = { 'content-type': 'application/json', 'x-api-key': apiKey, accept: 'text/event-stream' };
  return {
    async stream() {
      let firstTokenAt;
      let done = false;
      let error;
      let events = 0;
      try {
        const response = await pool.request({ path: '/v1/chat/stream', method: 'POST', headers, body: payload });
        if (response.statusCode !== 200) {
          await response.body.text();
          return { error: `HTTP ${response.statusCode}`, events };
        }
        const parser = createParser({
          onEvent(event) {
            events++;
            if (event.event === 'message') firstTokenAt ??= performance.now();
            else if (event.event === 'done') done = true;
            else if (event.event === 'error') error = `error event: ${JSON.parse(event.data).code}`;
          },
        });
        const decoder = new TextDecoder();
        for await (const chunk of response.body) parser.feed(decoder.decode(chunk, { stream: true }));
      } catch (caught) {
        return { error: `${caught.code ?? caught.name}: ${caught.message}`, events };
      }
      if (error) return { error, events };
      if (!done || firstTokenAt === undefined) return { error: 'stream ended without done or without a message', events };
      return { firstTokenAt, events };
    },
    close: () => pool.destroy(),
  };
}

/** WebSocket: `ceil(concurrency / streamsPerSocket)` sockets opened (and `connected`) before any timing. */
async function websocketOpener(url, apiKey, concurrency, streamsPerSocket, body) {
  const socketUrl = `${url.replace(/^http/, 'ws')}/v1/ws/chat`;
  const count = Math.ceil(concurrency / streamsPerSocket);
  const sockets = [];
  const pending = new Map();
  const open = () =>
    new Promise((resolve, reject) => {
      const socket = new WebSocket(socketUrl, { headers: { 'x-api-key': apiKey }, perMessageDeflate: false });
      socket.once('error', reject);
      socket.once('unexpected-response', (_, response) => reject(new Error(`upgrade refused: HTTP ${response.statusCode}`)));
      socket.on('message', (data) => {
        const frame = JSON.parse(data.toString());
        if (frame.event === 'connected') return resolve(socket);
        const request = pending.get(frame.request_id);
        if (!request) return;
        request.events++;
        if (frame.event === 'message') request.firstTokenAt ??= performance.now();
        else if (frame.event === 'done' || frame.event === 'error') {
          pending.delete(frame.request_id);
          if (frame.event === 'error') request.resolve({ error: `error event: ${frame.code}`, events: request.events });
          else if (request.firstTokenAt === undefined) request.resolve({ error: 'done without a message', events: request.events });
          else request.resolve({ firstTokenAt: request.firstTokenAt, events: request.events });
        }
      });
      socket.on('close', () => {
        for (const [id, request] of pending) {
          if (request.socket === socket) {
            pending.delete(id);
            request.resolve({ error: 'socket closed', events: request.events });
          }
        }
      });
    });
  for (let index = 0; index < count; index += 100) {
    sockets.push(...(await Promise.all(Array.from({ length: Math.min(100, count - index) }, open))));
  }
  return {
    stream(worker, sequence) {
      const socket = sockets[Math.floor(worker / streamsPerSocket)];
      const requestId = `w${worker}-${sequence}`;
      return new Promise((resolve) => {
        if (socket.readyState !== WebSocket.OPEN) return resolve({ error: 'socket closed', events: 0 });
        pending.set(requestId, { socket, resolve, events: 0, firstTokenAt: undefined });
        socket.send(JSON.stringify({ ...body, request_id: requestId }));
      });
    },
    close: () => closeAll(sockets, 2000),
  };
}

process.once('message', async (message) => {
  if (message?.type !== 'run') return;
  try {
    const result = await run(message.options);
    process.send({ type: 'result', result });
  } catch (error) {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exitCode = 1;
  }
  process.disconnect();
});
