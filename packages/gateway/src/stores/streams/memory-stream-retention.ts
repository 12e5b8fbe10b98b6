import type { RetainedEvent, RetainedStream, StreamHeader, StreamRetention } from './stream-retention.js';

export interface MemoryStreamRetentionOptions {
  retentionSeconds: number;
  /** Events kept per stream; beyond it the oldest go (a resume before them is a `stream_gap`). */
  maxEventsPerStream: number;
  /** Approximate bytes for every stream together; beyond it the streams that ended longest ago go first. */
  maxBytes: number;
}

interface Entry {
  header: StreamHeader;
  events: RetainedEvent[];
  /** Index in `events` of the first live event: trimmed events are dropped in halves, not one by one. */
  start: number;
  bytes: number;
  endedAt?: number;
  waiters: Set<() => void>;
}

/** A retained event's rough size: its text and a fixed overhead for the objects around it. */
const EVENT_OVERHEAD_BYTES = 96;
const sizeOf = (entry: RetainedEvent) => EVENT_OVERHEAD_BYTES + ('text' in entry.event ? entry.event.text.length * 2 : 0);

/**
 * Retained streams in this process: resumable on this instance only, lost on restart. Bounded per
 * stream (events) and in all (bytes); ended streams expire after the retention period.
 */
export class MemoryStreamRetention implements StreamRetention {
  readonly shared = false;
  private readonly streams = new Map<string, Entry>();
  /** Ended streams, oldest end first (a Map keeps insertion order). */
  private readonly ended = new Map<string, number>();
  private bytes = 0;
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly options: MemoryStreamRetentionOptions) {
    this.sweeper = setInterval(() => this.expire(Date.now()), Math.min(60_000, Math.max(1000, options.retentionSeconds * 250)));
    this.sweeper.unref();
  }

  get totalBytes(): number {
    return this.bytes;
  }

  get size(): number {
    return this.streams.size;
  }

  open(requestId: string, header: StreamHeader): void {
    this.remove(requestId);
    this.streams.set(requestId, { header, events: [], start: 0, bytes: 0, waiters: new Set() });
  }

  append(requestId: string, retained: RetainedEvent): void {
    const entry = this.streams.get(requestId);
    if (!entry) return;
    const size = sizeOf(retained);
    entry.events.push(retained);
    entry.bytes += size;
    this.bytes += size;
    if (entry.events.length - entry.start > this.options.maxEventsPerStream) this.trim(entry, entry.events.length - this.options.maxEventsPerStream);
    this.wake(entry);
    if (this.bytes > this.options.maxBytes) this.evict();
  }

  end(requestId: string): void {
    const entry = this.streams.get(requestId);
    if (!entry || entry.endedAt !== undefined) return;
    entry.endedAt = Date.now();
    this.ended.set(requestId, entry.endedAt);
    this.wake(entry);
  }

  async read(requestId: string, afterSeq: number, limit: number): Promise<RetainedStream | undefined> {
    const entry = this.streams.get(requestId);
    if (!entry) return undefined;
    const first = entry.events[entry.start];
    const firstSeq = first?.seq ?? 0;
    const nextSeq = entry.events.length > entry.start ? entry.events[entry.events.length - 1]!.seq + 1 : firstSeq;
    const from = entry.start + Math.max(0, afterSeq + 1 - firstSeq);
    return {
      header: entry.header,
      firstSeq,
      nextSeq,
      ended: entry.endedAt !== undefined,
      events: entry.events.slice(from, from + limit),
    };
  }

  waitForMore(requestId: string, afterSeq: number, timeoutMs: number, signal: AbortSignal): Promise<void> {
    const entry = this.streams.get(requestId);
    const last = entry?.events.at(-1);
    if (!entry || entry.endedAt !== undefined || (last !== undefined && last.seq > afterSeq) || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        entry.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal.addEventListener('abort', done, { once: true });
      entry.waiters.add(done);
    });
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    for (const entry of this.streams.values()) this.wake(entry);
    this.streams.clear();
    this.ended.clear();
    this.bytes = 0;
  }

  /** Drops ended streams whose retention has passed. */
  expire(now: number): void {
    const cutoff = now - this.options.retentionSeconds * 1000;
    for (const [requestId, endedAt] of this.ended) {
      if (endedAt > cutoff) break;
      this.remove(requestId);
    }
  }

  private wake(entry: Entry): void {
    for (const waiter of [...entry.waiters]) waiter();
  }

  private trim(entry: Entry, newStart: number): void {
    for (let index = entry.start; index < newStart; index++) {
      const size = sizeOf(entry.events[index]!);
      entry.bytes -= size;
      this.bytes -= size;
    }
    entry.start = newStart;
    // Compact once half the array is dead: amortised O(1) per event.
    if (entry.start > entry.events.length / 2) {
      entry.events = entry.events.slice(entry.start);
      entry.start = 0;
    }
  }

  /** Over the byte budget: streams that ended longest ago go first, then the oldest events of running ones. */
  private evict(): void {
    for (const requestId of this.ended.keys()) {
      if (this.bytes <= this.options.maxBytes) return;
      this.remove(requestId);
    }
    for (const entry of this.streams.values()) {
      if (this.bytes <= this.options.maxBytes) return;
      const live = entry.events.length - entry.start;
      if (live > 1) this.trim(entry, entry.start + Math.ceil(live / 2));
    }
  }

  private remove(requestId: string): void {
    const entry = this.streams.get(requestId);
    if (!entry) return;
    this.bytes -= entry.bytes;
    this.streams.delete(requestId);
    this.ended.delete(requestId);
    this.wake(entry);
  }
}
