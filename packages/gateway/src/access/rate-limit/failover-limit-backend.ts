import type { Redis } from 'ioredis';
import { GatewayError } from '../../errors.js';
import type { LimitBackend, WindowState } from './limit-backend.js';
import { MemoryLimitBackend } from './limit-backend.js';
import { RedisLimitBackend } from './redis-limit-backend.js';

export interface LimiterStatus {
  backend: 'memory' | 'redis';
  /** `degraded`: Redis is unreachable and this instance limits on its own (open) or refuses (closed). */
  status: 'ok' | 'degraded';
  message?: string;
}

/**
 * Redis while it answers; this instance's memory while it does not (`open`), or a 503
 * `dependency_unavailable` (`closed`). Recovery needs nothing: ioredis reconnects in the background and
 * the next call after `ready` goes to Redis again.
 */
export class FailoverLimitBackend implements LimitBackend {
  private readonly remote: RedisLimitBackend;
  private readonly local = new MemoryLimitBackend();
  private lastError: string | undefined;
  private closed = false;

  constructor(
    private readonly redis: Redis,
    private readonly mode: 'open' | 'closed',
    private readonly onChange: (degraded: boolean, reason?: string) => void = () => undefined,
  ) {
    this.remote = new RedisLimitBackend(redis);
    let degraded = false;
    const update = () => {
      const now = redis.status !== 'ready';
      if (now !== degraded && !this.closed) {
        degraded = now;
        this.onChange(now, this.lastError);
      }
    };
    redis.on('ready', update);
    redis.on('close', update);
    redis.on('end', update);
    redis.on('error', (error: Error) => {
      this.lastError = error.message;
      update();
    });
  }

  status(): LimiterStatus {
    if (this.redis.status === 'ready') return { backend: 'redis', status: 'ok' };
    const fallback = this.mode === 'open' ? 'limiting on this instance only' : 'refusing limited requests (RATE_LIMIT_FAILURE_MODE=closed)';
    return { backend: 'redis', status: 'degraded', message: `Redis is unreachable (${this.lastError ?? this.redis.status}): ${fallback}` };
  }

  private async run<T>(operation: (backend: LimitBackend) => Promise<T>): Promise<T> {
    if (this.redis.status === 'ready') {
      try {
        return await operation(this.remote);
      } catch (error) {
        this.lastError = (error as Error).message;
      }
    }
    if (this.mode === 'closed') throw new GatewayError('dependency_unavailable', 'The rate limiter (Redis) is unavailable; retry shortly.');
    return operation(this.local);
  }

  hit(bucket: string, limit: number, windowMs: number): Promise<WindowState> {
    return this.run((backend) => backend.hit(bucket, limit, windowMs));
  }
  tokens(bucket: string): Promise<{ used: number; resetMs: number }> {
    return this.run((backend) => backend.tokens(bucket));
  }
  addTokens(bucket: string, tokens: number): Promise<void> {
    return this.run((backend) => backend.addTokens(bucket, tokens));
  }
  acquire(bucket: string, lease: string, limit: number, ttlMs: number): Promise<{ allowed: boolean; active: number }> {
    return this.run((backend) => backend.acquire(bucket, lease, limit, ttlMs));
  }
  /** A lease may have been taken on either side of an outage: release both (releasing a missing lease does nothing). */
  async release(bucket: string, lease: string): Promise<void> {
    await this.local.release(bucket, lease);
    if (this.redis.status === 'ready') await this.remote.release(bucket, lease).catch(() => undefined);
  }
  async renew(leases: readonly { bucket: string; lease: string }[], ttlMs: number): Promise<void> {
    await this.local.renew(leases, ttlMs);
    if (this.redis.status === 'ready') await this.remote.renew(leases, ttlMs).catch(() => undefined);
  }
  getSpend(bucket: string): Promise<number | undefined> {
    return this.run((backend) => backend.getSpend(bucket));
  }
  initSpend(bucket: string, usd: number, ttlMs: number): Promise<void> {
    return this.run((backend) => backend.initSpend(bucket, usd, ttlMs));
  }
  addSpend(bucket: string, usd: number, ttlMs: number): Promise<void> {
    return this.run((backend) => backend.addSpend(bucket, usd, ttlMs));
  }

  close(): void {
    this.closed = true;
    this.local.close();
  }
}
