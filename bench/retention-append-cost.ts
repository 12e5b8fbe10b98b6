// The event-loop time one retained event costs the gateway: `append` for the memory store, `append` plus
// its share of the pipelined flush for Redis (a local redis-server), per event, over 100 concurrent streams.
// Run: node --import tsx bench/retention-append-cost.ts
import { spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { MemoryStreamRetention } from '../packages/gateway/src/stores/streams/memory-stream-retention.js';
import { RedisStreamRetention } from '../packages/gateway/src/stores/streams/redis-stream-retention.js';
import type { StreamRetention } from '../packages/gateway/src/stores/streams/stream-retention.js';

const STREAMS = 100;
const EVENTS_PER_STREAM = 200;
const header = { ownerKeyId: 'key_bench', background: false, resumeTokenHash: '0'.repeat(64) };

/** Appends events as 100 streams would (round-robin, a flush each turn of the loop); returns µs of CPU per event. */
async function measure(retention: StreamRetention): Promise<number> {
  for (let stream = 0; stream < STREAMS; stream++) retention.open(`s${stream}`, header);
  await retention.flush();
  const began = process.cpuUsage();
  for (let seq = 0; seq < EVENTS_PER_STREAM; seq++) {
    for (let stream = 0; stream < STREAMS; stream++) retention.append(`s${stream}`, { seq, event: { type: 'delta', text: ' token' } });
    await retention.flush();
  }
  const used = process.cpuUsage(began);
  return (used.user + used.system) / (STREAMS * EVENTS_PER_STREAM);
}

const memory = await measure(new MemoryStreamRetention({ retentionSeconds: 600, maxEventsPerStream: 20_000, maxBytes: 256 * 1024 * 1024 }));
console.log(`memory: ${memory.toFixed(2)} µs of CPU per retained event`);

const port = 6390 + Math.floor(Math.random() * 500);
const server = spawn('/usr/bin/redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'ignore'] });
await new Promise<void>((resolve) => server.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('Ready to accept') && resolve()));
const redis = new Redis(`redis://127.0.0.1:${port}`);
const redisCost = await measure(new RedisStreamRetention(redis, { retentionSeconds: 600, maxEventsPerStream: 20_000 }));
console.log(`redis: ${redisCost.toFixed(2)} µs of CPU per retained event (the client side: enqueue, pipeline, parse replies)`);
console.log(`before the first token a stream retains 2 events (start, first delta): memory ${(2 * memory).toFixed(1)} µs, redis ${(2 * redisCost).toFixed(1)} µs`);
redis.disconnect();
server.kill('SIGKILL');
