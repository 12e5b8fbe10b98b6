import type { Redis } from 'ioredis';
import type { GatewayConfig } from '../../config.js';
import type { RunCoordination } from '../../engine/stream-runs.js';
import { MemoryStreamRetention } from './memory-stream-retention.js';
import { NoStreamRetention } from './no-stream-retention.js';
import { RedisRunCoordination } from './redis-run-coordination.js';
import { RedisStreamRetention } from './redis-stream-retention.js';
import type { StreamRetention } from './stream-retention.js';

/** The retention store `STREAM_RETENTION` names; `redis` shares the access services' connection and adds coordination. */
export function openStreamRetention(config: GatewayConfig, redis: Redis | undefined): { retention: StreamRetention; coordination?: RunCoordination } {
  const { streams } = config;
  if (streams.retention === 'off') return { retention: new NoStreamRetention() };
  if (streams.retention === 'redis') {
    if (!redis) throw new Error('STREAM_RETENTION=redis needs the Redis connection (REDIS_URL)');
    return {
      retention: new RedisStreamRetention(redis, { retentionSeconds: streams.retentionSeconds, maxEventsPerStream: streams.maxEventsPerStream }),
      coordination: new RedisRunCoordination(redis),
    };
  }
  return { retention: new MemoryStreamRetention({ retentionSeconds: streams.retentionSeconds, maxEventsPerStream: streams.maxEventsPerStream, maxBytes: streams.memoryBytes }) };
}
