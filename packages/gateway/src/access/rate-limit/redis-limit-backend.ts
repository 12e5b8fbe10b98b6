import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { MINUTE_MS, type LimitBackend, type WindowState } from './limit-backend.js';

// Every script reads the clock from Redis (TIME), so instances with skewed clocks still share one window.
const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** Sliding-window log in a sorted set: drop hits older than the window, then add one if below the limit. */
const HIT = `${NOW}
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
local allowed = 0
if count < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  count = count + 1
  allowed = 1
end
redis.call('PEXPIRE', KEYS[1], window)
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local reset = window
if oldest[2] then reset = tonumber(oldest[2]) + window - now end
return {allowed, count, reset}`;

const TOKENS = `${NOW}
local minute = math.floor(now / ${MINUTE_MS})
local used = redis.call('GET', KEYS[1] .. ':' .. minute)
return {tonumber(used or '0'), (minute + 1) * ${MINUTE_MS} - now}`;

const ADD_TOKENS = `${NOW}
local key = KEYS[1] .. ':' .. math.floor(now / ${MINUTE_MS})
redis.call('INCRBY', key, ARGV[1])
redis.call('PEXPIRE', key, ${2 * MINUTE_MS})
return 1`;

/** Leases in a sorted set scored by expiry: expired ones (a crashed instance's) lapse on their own. */
const ACQUIRE = `${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local active = redis.call('ZCARD', KEYS[1])
if active >= tonumber(ARGV[2]) then return {0, active} end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
return {1, active + 1}`;

const RENEW = `${NOW}
local ttl = tonumber(ARGV[1])
for index, key in ipairs(KEYS) do
  if redis.call('ZSCORE', key, ARGV[index + 1]) then
    redis.call('ZADD', key, 'XX', now + ttl, ARGV[index + 1])
    redis.call('PEXPIRE', key, ttl)
  end
end
return 1`;

const ADD_SPEND = `if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('INCRBYFLOAT', KEYS[1], ARGV[1])
  if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
end
return 1`;

type Scripted = Redis & {
  sgHit(key: string, limit: number, windowMs: number, member: string): Promise<[number, number, number]>;
  sgTokens(key: string): Promise<[number, number]>;
  sgAddTokens(key: string, tokens: number): Promise<number>;
  sgAcquire(key: string, lease: string, limit: number, ttlMs: number): Promise<[number, number]>;
  sgRenew(count: number, ...keysThenArguments: (string | number)[]): Promise<number>;
  sgAddSpend(key: string, usd: string, ttlMs: number): Promise<number>;
};

/** Counters in Redis, exact across every gateway instance: each check-and-count is one atomic script. */
export class RedisLimitBackend implements LimitBackend {
  private readonly redis: Scripted;

  constructor(redis: Redis, private readonly prefix = 'streamgate:') {
    redis.defineCommand('sgHit', { numberOfKeys: 1, lua: HIT });
    redis.defineCommand('sgTokens', { numberOfKeys: 1, lua: TOKENS });
    redis.defineCommand('sgAddTokens', { numberOfKeys: 1, lua: ADD_TOKENS });
    redis.defineCommand('sgAcquire', { numberOfKeys: 1, lua: ACQUIRE });
    redis.defineCommand('sgRenew', { lua: RENEW });
    redis.defineCommand('sgAddSpend', { numberOfKeys: 1, lua: ADD_SPEND });
    this.redis = redis as Scripted;
  }

  async hit(bucket: string, limit: number, windowMs: number): Promise<WindowState> {
    const [allowed, count, resetMs] = await this.redis.sgHit(this.prefix + bucket, limit, windowMs, randomUUID());
    return { allowed: allowed === 1, count, resetMs };
  }

  async tokens(bucket: string): Promise<{ used: number; resetMs: number }> {
    const [used, resetMs] = await this.redis.sgTokens(this.prefix + bucket);
    return { used, resetMs };
  }

  async addTokens(bucket: string, tokens: number): Promise<void> {
    await this.redis.sgAddTokens(this.prefix + bucket, Math.round(tokens));
  }

  async acquire(bucket: string, lease: string, limit: number, ttlMs: number): Promise<{ allowed: boolean; active: number }> {
    const [allowed, active] = await this.redis.sgAcquire(this.prefix + bucket, lease, limit, ttlMs);
    return { allowed: allowed === 1, active };
  }

  async release(bucket: string, lease: string): Promise<void> {
    await this.redis.zrem(this.prefix + bucket, lease);
  }

  async renew(leases: readonly { bucket: string; lease: string }[], ttlMs: number): Promise<void> {
    if (leases.length === 0) return;
    await this.redis.sgRenew(leases.length, ...leases.map((item) => this.prefix + item.bucket), ttlMs, ...leases.map((item) => item.lease));
  }

  async getSpend(bucket: string): Promise<number | undefined> {
    const value = await this.redis.get(this.prefix + bucket);
    return value === null ? undefined : Number(value);
  }

  async initSpend(bucket: string, usd: number, ttlMs: number): Promise<void> {
    await this.redis.set(this.prefix + bucket, String(usd), 'PX', ttlMs, 'NX');
  }

  async addSpend(bucket: string, usd: number, ttlMs: number): Promise<void> {
    await this.redis.sgAddSpend(this.prefix + bucket, usd.toFixed(10), ttlMs);
  }
}
