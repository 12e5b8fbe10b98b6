/** The state of a sliding window after a hit. */
export interface WindowState {
  allowed: boolean;
  /** Hits in the window, this one included when allowed. */
  count: number;
  /** Milliseconds until the oldest hit leaves the window (a slot frees). */
  resetMs: number;
}

/**
 * The counters behind rate limits and budgets. Memory for one instance; Redis (atomic Lua scripts on
 * the server's clock) for many. Bucket names are opaque strings chosen by the caller.
 */
export interface LimitBackend {
  /** Sliding-window log: records a hit when fewer than `limit` hits are in the last `windowMs`. */
  hit(bucket: string, limit: number, windowMs: number): Promise<WindowState>;
  /** Tokens counted in the current minute (fixed, aligned windows), and ms until it ends. */
  tokens(bucket: string): Promise<{ used: number; resetMs: number }>;
  addTokens(bucket: string, tokens: number): Promise<void>;
  /** Takes a concurrency slot named `lease` that lapses after `ttlMs` unless renewed. */
  acquire(bucket: string, lease: string, limit: number, ttlMs: number): Promise<{ allowed: boolean; active: number }>;
  release(bucket: string, lease: string): Promise<void>;
  renew(leases: readonly { bucket: string; lease: string }[], ttlMs: number): Promise<void>;
  /** Spend in US dollars; undefined when this bucket has not been loaded yet. */
  getSpend(bucket: string): Promise<number | undefined>;
  /** Sets the spend if it is not set yet (another instance may have loaded it first). */
  initSpend(bucket: string, usd: number, ttlMs: number): Promise<void>;
  /** Adds to a loaded spend; does nothing to a bucket not loaded (it will load from the usage store). */
  addSpend(bucket: string, usd: number, ttlMs: number): Promise<void>;
}

export const MINUTE_MS = 60_000;

/** In-process counters: exact for one instance, lost on restart. Expired entries are swept as they are touched and every minute. */
export class MemoryLimitBackend implements LimitBackend {
  /** Per bucket, the hits in time order; those before `first` have left the window. */
  private readonly windows = new Map<string, { hits: number[]; first: number; windowMs: number }>();
  private readonly minutes = new Map<string, { minute: number; used: number }>();
  private readonly leases = new Map<string, Map<string, number>>();
  private readonly spend = new Map<string, { usd: number; expiresAt: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    this.sweeper = setInterval(() => this.sweep(), MINUTE_MS);
    this.sweeper.unref();
  }

  async hit(bucket: string, limit: number, windowMs: number): Promise<WindowState> {
    const now = this.now();
    let entry = this.windows.get(bucket);
    if (!entry) this.windows.set(bucket, (entry = { hits: [], first: 0, windowMs }));
    entry.windowMs = windowMs;
    const hits = entry.hits;
    while (entry.first < hits.length && hits[entry.first]! <= now - windowMs) entry.first++;
    // The expired hits are dropped once they are half the log: a busy key's log holds tens of thousands
    // of hits, and dropping the one or two that expire on every hit would move all the others each time.
    if (entry.first * 2 >= hits.length) {
      hits.splice(0, entry.first);
      entry.first = 0;
    }
    const allowed = hits.length - entry.first < limit;
    if (allowed) hits.push(now);
    const count = hits.length - entry.first;
    return { allowed, count, resetMs: count > 0 ? hits[entry.first]! + windowMs - now : windowMs };
  }

  async tokens(bucket: string): Promise<{ used: number; resetMs: number }> {
    const now = this.now();
    const minute = Math.floor(now / MINUTE_MS);
    const entry = this.minutes.get(bucket);
    return { used: entry?.minute === minute ? entry.used : 0, resetMs: (minute + 1) * MINUTE_MS - now };
  }

  async addTokens(bucket: string, tokens: number): Promise<void> {
    const minute = Math.floor(this.now() / MINUTE_MS);
    const entry = this.minutes.get(bucket);
    if (entry?.minute === minute) entry.used += tokens;
    else this.minutes.set(bucket, { minute, used: tokens });
  }

  async acquire(bucket: string, lease: string, limit: number, ttlMs: number): Promise<{ allowed: boolean; active: number }> {
    const now = this.now();
    let leases = this.leases.get(bucket);
    if (!leases) this.leases.set(bucket, (leases = new Map()));
    for (const [name, expiresAt] of leases) if (expiresAt <= now) leases.delete(name);
    if (leases.size >= limit) return { allowed: false, active: leases.size };
    leases.set(lease, now + ttlMs);
    return { allowed: true, active: leases.size };
  }

  async release(bucket: string, lease: string): Promise<void> {
    const leases = this.leases.get(bucket);
    leases?.delete(lease);
    if (leases?.size === 0) this.leases.delete(bucket);
  }

  async renew(leases: readonly { bucket: string; lease: string }[], ttlMs: number): Promise<void> {
    const expiresAt = this.now() + ttlMs;
    for (const { bucket, lease } of leases) {
      const held = this.leases.get(bucket);
      if (held?.has(lease)) held.set(lease, expiresAt);
    }
  }

  async getSpend(bucket: string): Promise<number | undefined> {
    const entry = this.spend.get(bucket);
    return entry && entry.expiresAt > this.now() ? entry.usd : undefined;
  }

  async initSpend(bucket: string, usd: number, ttlMs: number): Promise<void> {
    if ((await this.getSpend(bucket)) === undefined) this.spend.set(bucket, { usd, expiresAt: this.now() + ttlMs });
  }

  async addSpend(bucket: string, usd: number, ttlMs: number): Promise<void> {
    const entry = this.spend.get(bucket);
    if (entry && entry.expiresAt > this.now()) {
      entry.usd += usd;
      entry.expiresAt = Math.max(entry.expiresAt, this.now() + ttlMs);
    }
  }

  private sweep(): void {
    const now = this.now();
    for (const [bucket, entry] of this.windows) {
      if (entry.hits.length === entry.first || entry.hits.at(-1)! <= now - entry.windowMs) this.windows.delete(bucket);
    }
    const minute = Math.floor(now / MINUTE_MS);
    for (const [bucket, entry] of this.minutes) if (entry.minute < minute) this.minutes.delete(bucket);
    for (const [bucket, entry] of this.spend) if (entry.expiresAt <= now) this.spend.delete(bucket);
  }

  close(): void {
    clearInterval(this.sweeper);
  }
}
