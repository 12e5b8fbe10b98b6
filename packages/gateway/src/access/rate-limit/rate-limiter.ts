import { randomUUID } from 'node:crypto';
import type { Caller } from '../../engine/chat-request.js';
import { GatewayError } from '../../errors.js';
import type { RateLimitDefaults } from '../access-config.js';
import type { LimitBackend } from './limit-backend.js';

/** A request-window decision, as the `RateLimit-*` headers report it. */
export interface RequestDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until a slot frees. */
  resetSeconds: number;
  windowSeconds: number;
}

export interface StreamLease {
  /** Ends the stream's hold on its concurrency slot and counts its tokens. Call once. */
  release(tokens: number): void;
}

export type LimitName = 'requests' | 'tokens_per_minute' | 'concurrent_streams';

export function rateLimited(limit: LimitName, retryAfterMs: number, message: string): GatewayError {
  const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new GatewayError('rate_limited', message, { details: { limit, retry_after_ms: Math.max(0, Math.round(retryAfterMs)), retry_after_seconds: retryAfterSeconds } });
}

/** `RateLimit-*` (draft-ietf-httpapi-ratelimit-headers) and, when refused, `Retry-After`. */
export function rateLimitHeaders(decision: RequestDecision): Record<string, string> {
  const headers: Record<string, string> = {
    'ratelimit-limit': String(decision.limit),
    'ratelimit-remaining': String(decision.remaining),
    'ratelimit-reset': String(decision.resetSeconds),
    'ratelimit-policy': `${decision.limit};w=${decision.windowSeconds}`,
  };
  if (!decision.allowed) headers['retry-after'] = String(Math.max(1, decision.resetSeconds));
  return headers;
}

const LEASE_TTL_MS = 60_000;

/**
 * Per-key limits over a LimitBackend: requests per window (every HTTP request and WebSocket chat
 * frame), tokens per minute and concurrent streams (chat streams). A key's own limits override the
 * defaults; 0 means unlimited. The admin credential is not limited.
 */
export class RateLimiter {
  private readonly leases = new Set<{ bucket: string; lease: string }>();
  private renewTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly backend: LimitBackend,
    private readonly defaults: RateLimitDefaults,
    private readonly leaseTtlMs = LEASE_TTL_MS,
  ) {}

  private limitsOf(caller: Caller) {
    const own = caller.limits ?? {};
    return {
      requestsPerWindow: own.requestsPerWindow ?? this.defaults.requestsPerWindow,
      windowSeconds: own.windowSeconds ?? this.defaults.windowSeconds,
      tokensPerMinute: own.tokensPerMinute ?? this.defaults.tokensPerMinute,
      concurrentStreams: own.concurrentStreams ?? this.defaults.concurrentStreams,
    };
  }

  /** Counts one request of the caller; undefined when the caller has no request limit. */
  async checkRequest(caller: Caller): Promise<RequestDecision | undefined> {
    if (caller.admin) return undefined;
    const { requestsPerWindow, windowSeconds } = this.limitsOf(caller);
    return this.window(`req:${caller.keyId}:${windowSeconds}`, requestsPerWindow, windowSeconds);
  }

  /** Counts one request from a client address (routes that need no key, failed authentication). */
  checkAddress(address: string): Promise<RequestDecision | undefined> {
    return this.window(`addr:${address}`, this.defaults.anonymousRequestsPerWindow, this.defaults.windowSeconds);
  }

  private async window(bucket: string, limit: number, windowSeconds: number): Promise<RequestDecision | undefined> {
    if (limit <= 0) return undefined;
    const state = await this.backend.hit(bucket, limit, windowSeconds * 1000);
    return {
      allowed: state.allowed,
      limit,
      remaining: Math.max(0, limit - state.count),
      resetSeconds: Math.ceil(state.resetMs / 1000),
      windowSeconds,
    };
  }

  /** Admits a stream under the caller's token and concurrency limits; throws `rate_limited` otherwise. */
  async admitStream(caller: Caller): Promise<StreamLease | undefined> {
    if (caller.admin) return undefined;
    const { tokensPerMinute, concurrentStreams } = this.limitsOf(caller);
    const tokenBucket = `tpm:${caller.keyId}`;
    if (tokensPerMinute > 0) {
      const { used, resetMs } = await this.backend.tokens(tokenBucket);
      if (used >= tokensPerMinute) {
        throw rateLimited('tokens_per_minute', resetMs, `This key used ${used} of its ${tokensPerMinute} tokens this minute.`);
      }
    }
    let held: { bucket: string; lease: string } | undefined;
    if (concurrentStreams > 0) {
      held = { bucket: `conc:${caller.keyId}`, lease: randomUUID() };
      const { allowed } = await this.backend.acquire(held.bucket, held.lease, concurrentStreams, this.leaseTtlMs);
      if (!allowed) {
        throw rateLimited('concurrent_streams', 1000, `This key already runs ${concurrentStreams} streams at once; wait for one to finish.`);
      }
      this.hold(held);
    }
    let released = false;
    return {
      release: (tokens: number) => {
        if (released) return;
        released = true;
        if (held) {
          this.leases.delete(held);
          void this.backend.release(held.bucket, held.lease).catch(() => undefined);
        }
        if (tokensPerMinute > 0 && tokens > 0) void this.backend.addTokens(tokenBucket, tokens).catch(() => undefined);
      },
    };
  }

  /** Long streams keep their slot: leases are renewed together, every third of their lifetime. */
  private hold(lease: { bucket: string; lease: string }): void {
    this.leases.add(lease);
    if (this.renewTimer) return;
    this.renewTimer = setInterval(() => {
      if (this.leases.size === 0) {
        clearInterval(this.renewTimer);
        this.renewTimer = undefined;
        return;
      }
      void this.backend.renew([...this.leases], this.leaseTtlMs).catch(() => undefined);
    }, Math.max(10, Math.floor(this.leaseTtlMs / 3)));
    this.renewTimer.unref();
  }

  close(): void {
    clearInterval(this.renewTimer);
    this.renewTimer = undefined;
  }
}
