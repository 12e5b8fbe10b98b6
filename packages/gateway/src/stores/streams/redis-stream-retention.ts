import type { Redis } from 'ioredis';
import type { StreamEvent } from '@streamgate/protocol';
import type { RetainedEvent, RetainedStream, StreamHeader, StreamRetention } from './stream-retention.js';

export interface RedisStreamRetentionOptions {
  retentionSeconds: number;
  /** Entries per stream (`XADD MAXLEN ~`): beyond it the oldest go. */
  maxEventsPerStream: number;
  /** Key prefix (tests use their own). */
  prefix?: string;
  /** Told when a batch could not be written (Redis down): those events cannot be resumed. */
  onError?: (error: unknown) => void;
}

/** While a stream runs its keys live this long past the last write; once it ends, the retention period. */
const RUNNING_TTL_MS = 60 * 60 * 1000;
/** How long one blocking read waits before the followers look again (ended streams, dead owners). */
const BLOCK_MS = 5_000;

type Operation =
  | { kind: 'open'; requestId: string; header: StreamHeader }
  | { kind: 'append'; requestId: string; entry: RetainedEvent }
  | { kind: 'end'; requestId: string };

interface Waiter {
  requestId: string;
  afterSeq: number;
  resolve: () => void;
}

/** A stream entry's id is its seq plus one (`0-1` for `start`): ids must be above `0-0`, and the seq maps to them directly. */
const entryId = (seq: number) => `0-${seq + 1}`;
const seqOf = (id: string) => Number(id.slice(id.indexOf('-') + 1)) - 1;

/**
 * Retained streams in Redis, shared by every instance: one stream key per request (`XADD` with the seq
 * as the entry id, `MAXLEN ~` the per-stream cap) and a hash beside it with the owner and whether it
 * ended; both expire. Appends are queued and written in one pipeline per turn of the event loop, so a
 * token never waits for Redis. Followers on other instances wait with one shared blocking `XREAD`.
 */
export class RedisStreamRetention implements StreamRetention {
  readonly shared = true;
  private queue: Operation[] = [];
  private flushing: Promise<void> | undefined;
  private scheduled = false;
  private readonly prefix: string;
  private blocking: Redis | undefined;
  private blockingId: number | undefined;
  private readonly waiters = new Set<Waiter>();
  private reading = false;
  private closed = false;
  /** When each running stream's keys last had their expiry pushed back: once in a while, not on every write. */
  private readonly refreshedAt = new Map<string, number>();

  constructor(
    private readonly redis: Redis,
    private readonly options: RedisStreamRetentionOptions,
  ) {
    this.prefix = options.prefix ?? 'streamgate:stream:';
  }

  // The request id in braces: a stream and its hash share a cluster slot.
  private streamKey(requestId: string): string {
    return `${this.prefix}{${requestId}}`;
  }

  private metaKey(requestId: string): string {
    return `${this.prefix}{${requestId}}:meta`;
  }

  open(requestId: string, header: StreamHeader): void {
    this.enqueue({ kind: 'open', requestId, header });
  }

  append(requestId: string, entry: RetainedEvent): void {
    this.enqueue({ kind: 'append', requestId, entry });
  }

  end(requestId: string): void {
    this.enqueue({ kind: 'end', requestId });
  }

  private enqueue(operation: Operation): void {
    if (this.closed) return;
    this.queue.push(operation);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  /** Writes every queued operation, in order, in one pipeline per batch. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    this.flushing = this.write(batch).finally(() => (this.flushing = undefined));
    await this.flushing;
  }

  private async write(batch: readonly Operation[]): Promise<void> {
    const pipeline = this.redis.pipeline();
    const touched = new Map<string, number>();
    const now = Date.now();
    const retentionMs = this.options.retentionSeconds * 1000;
    for (const operation of batch) {
      const { requestId } = operation;
      if (operation.kind === 'open') {
        const { header } = operation;
        pipeline.del(this.streamKey(requestId), this.metaKey(requestId));
        pipeline.hset(this.metaKey(requestId), { owner: header.ownerKeyId, background: header.background ? '1' : '0', token: header.resumeTokenHash, ended: '0' });
        touched.set(requestId, retentionMs + RUNNING_TTL_MS);
      } else if (operation.kind === 'append') {
        const { entry } = operation;
        pipeline.xadd(this.streamKey(requestId), 'MAXLEN', '~', String(this.options.maxEventsPerStream), entryId(entry.seq), 'e', JSON.stringify(entry.event));
        const refreshed = this.refreshedAt.get(requestId) ?? 0;
        if (!touched.has(requestId) && now - refreshed > RUNNING_TTL_MS / 4) touched.set(requestId, retentionMs + RUNNING_TTL_MS);
      } else {
        pipeline.hset(this.metaKey(requestId), 'ended', '1');
        touched.set(requestId, retentionMs);
      }
    }
    for (const [requestId, ttlMs] of touched) {
      if (ttlMs === retentionMs) this.refreshedAt.delete(requestId);
      else this.refreshedAt.set(requestId, now);
    }
    for (const [requestId, ttlMs] of touched) {
      pipeline.pexpire(this.streamKey(requestId), ttlMs);
      pipeline.pexpire(this.metaKey(requestId), ttlMs);
    }
    try {
      const results = (await pipeline.exec()) ?? [];
      const failed = results.find(([error]) => error);
      if (failed) this.options.onError?.(failed[0]);
    } catch (error) {
      this.options.onError?.(error);
    }
  }

  async read(requestId: string, afterSeq: number, limit: number): Promise<RetainedStream | undefined> {
    const pipeline = this.redis.pipeline();
    pipeline.hgetall(this.metaKey(requestId));
    pipeline.xrange(this.streamKey(requestId), '-', '+', 'COUNT', 1);
    pipeline.xrevrange(this.streamKey(requestId), '+', '-', 'COUNT', 1);
    if (limit > 0) pipeline.xrange(this.streamKey(requestId), entryId(afterSeq + 1), '+', 'COUNT', limit);
    const results = (await pipeline.exec()) ?? [];
    const failure = results.find(([error]) => error);
    if (failure) throw failure[0];
    const meta = results[0]![1] as Record<string, string>;
    if (!meta || meta.owner === undefined) return undefined;
    const first = results[1]![1] as [string, string[]][];
    const last = results[2]![1] as [string, string[]][];
    const entries = (limit > 0 ? results[3]![1] : []) as [string, string[]][];
    const firstSeq = first[0] ? seqOf(first[0][0]) : 0;
    return {
      header: { ownerKeyId: meta.owner, background: meta.background === '1', resumeTokenHash: meta.token ?? '' },
      firstSeq,
      nextSeq: last[0] ? seqOf(last[0][0]) + 1 : firstSeq,
      ended: meta.ended === '1',
      events: entries.map(([id, fields]) => ({ seq: seqOf(id), event: JSON.parse(fields[1]!) as StreamEvent })),
    };
  }

  waitForMore(requestId: string, afterSeq: number, timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (this.closed || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter: Waiter = {
        requestId,
        afterSeq,
        resolve: () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', waiter.resolve);
          this.waiters.delete(waiter);
          resolve();
        },
      };
      const timer = setTimeout(waiter.resolve, timeoutMs);
      signal.addEventListener('abort', waiter.resolve, { once: true });
      this.waiters.add(waiter);
      void this.readLoop();
      // A read already blocked does not know this stream yet: wake it so that the next one does.
      if (this.blockingId !== undefined) void this.redis.client('UNBLOCK', this.blockingId).catch(() => undefined);
    });
  }

  /** One blocking XREAD over every followed stream at a time, on a connection of its own. */
  private async readLoop(): Promise<void> {
    if (this.reading) return;
    this.reading = true;
    try {
      while (this.waiters.size > 0 && !this.closed) {
        const connection = await this.blockingConnection();
        const waiting = [...this.waiters];
        const keys = waiting.map((waiter) => this.streamKey(waiter.requestId));
        const ids = waiting.map((waiter) => entryId(waiter.afterSeq));
        let answer: [string, unknown[]][] | null = null;
        try {
          answer = (await connection.xread('BLOCK', BLOCK_MS, 'STREAMS', ...keys, ...ids)) as [string, unknown[]][] | null;
        } catch {
          // Unblocked (a new follower), or Redis trouble: every waiter looks again.
        }
        const grown = new Set((answer ?? []).map(([key]) => key));
        for (const waiter of waiting) if (answer === null || grown.has(this.streamKey(waiter.requestId))) waiter.resolve();
      }
    } finally {
      this.reading = false;
    }
  }

  private async blockingConnection(): Promise<Redis> {
    if (!this.blocking) {
      const connection = this.redis.duplicate({ commandTimeout: BLOCK_MS + 2_000, lazyConnect: true });
      this.blocking = connection;
      await connection.connect();
      this.blockingId = (await connection.client('ID')) as number;
    }
    return this.blocking;
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    for (const waiter of [...this.waiters]) waiter.resolve();
    this.blocking?.disconnect();
  }
}
