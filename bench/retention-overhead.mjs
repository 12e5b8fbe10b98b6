// What retaining streamed events costs the time to first token: the same gateway with STREAM_RETENTION
// off, memory and redis (a local redis-server), 100 concurrent SSE streams per round, alternating modes
// round by round so that the machine's noise falls on all three alike.
// Run: npm run build && node bench/retention-overhead.mjs [--rounds 30] [--streams 100]
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatMs, formatSignedMs, markdownTable, summarize } from './lib/stats.mjs';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '30' }, streams: { type: 'string', default: '100' } } });
const rounds = Number(values.rounds);
const streams = Number(values.streams);
const KEY = 'sg-bench-retention-0123456789abcdef';
const MAIN = path.resolve(import.meta.dirname, '../packages/gateway/dist/main.js');
const directory = mkdtempSync(path.join(tmpdir(), 'streamgate-retention-bench-'));

const freePort = () =>
  new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

function waitForLine(child, test) {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const onData = (chunk) => {
      buffer += chunk.toString();
      for (const line of buffer.split('\n')) if (test(line)) return resolve(line);
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${buffer}`)));
  });
}

async function startGateway(retention, redisUrl) {
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH,
      HOST: '127.0.0.1',
      PORT: '0',
      API_KEYS: KEY,
      DATA_DIR: path.join(directory, retention),
      LOG_LEVEL: 'info',
      STREAM_RETENTION: retention,
      SESSION_STORE: 'memory',
      USAGE_STORE: 'memory',
      // Access control stays in the path with its limits out of reach.
      RATE_LIMIT_REQUESTS: '10000000',
      ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await waitForLine(child, (text) => text.includes('"listening"'));
  return { child, url: JSON.parse(line).address };
}

/** Time to the first `message` event of one SSE stream, from just before the request. */
async function firstToken(url) {
  const began = performance.now();
  const response = await fetch(`${url}/v1/chat/stream`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': KEY },
    body: JSON.stringify({ message: 'bench', simulate: { ttft_ms: 0, tokens_per_second: 0, output_tokens: 20 } }),
  });
  const decoder = new TextDecoder();
  let text = '';
  let ttft;
  for await (const chunk of response.body) {
    text += decoder.decode(chunk, { stream: true });
    if (ttft === undefined && text.includes('event: message')) ttft = performance.now() - began;
  }
  if (!text.includes('event: done')) throw new Error('a stream did not complete');
  return ttft;
}

let redis;
const modes = ['off', 'memory'];
if (existsSync('/usr/bin/redis-server')) {
  const port = await freePort();
  redis = spawn('/usr/bin/redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'ignore'] });
  await waitForLine(redis, (line) => line.includes('Ready to accept connections'));
  modes.push('redis');
  var redisUrl = `redis://127.0.0.1:${port}`;
}
const gateways = {};
for (const mode of modes) gateways[mode] = await startGateway(mode, mode === 'redis' ? redisUrl : undefined);
const samples = Object.fromEntries(modes.map((mode) => [mode, []]));
try {
  for (const mode of modes) await Promise.all(Array.from({ length: streams }, () => firstToken(gateways[mode].url))); // warm-up
  for (let round = 0; round < rounds; round++) {
    for (const mode of modes) samples[mode].push(...(await Promise.all(Array.from({ length: streams }, () => firstToken(gateways[mode].url)))));
  }
} finally {
  for (const { child } of Object.values(gateways)) child.kill('SIGTERM');
  redis?.kill('SIGKILL');
  rmSync(directory, { recursive: true, force: true });
}
const base = summarize(samples.off);
const rows = modes.map((mode) => {
  const stats = summarize(samples[mode]);
  return [mode, String(samples[mode].length), formatMs(stats.p50), formatMs(stats.p99), formatSignedMs(stats.p50 - base.p50), formatSignedMs(stats.p99 - base.p99)];
});
console.log(`\n${streams} concurrent SSE streams per round, ${rounds} rounds, modes alternating; time to first token in ms\n`);
console.log(markdownTable(['STREAM_RETENTION', 'streams', 'p50', 'p99', 'added p50', 'added p99'], rows));
