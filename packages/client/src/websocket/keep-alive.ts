/** Application-level pings that keep idle hops open and find a dead connection. */
export interface KeepAliveOptions {
  /**
   * Time between pings; by default the gateway's `heartbeat_interval_ms` from its `connected`
   * frame (15 s until it arrives).
   */
  intervalMs?: number;
  /** Silence after a ping after which the connection counts as dead (default 10 s). Any frame counts as an answer. */
  timeoutMs?: number;
}

export const DEFAULT_PING_INTERVAL_MS = 15_000;
export const DEFAULT_PING_TIMEOUT_MS = 10_000;
const MINIMUM_SERVER_INTERVAL_MS = 1_000;

/**
 * Sends a ping every interval and declares the connection dead when nothing at all arrives within
 * the timeout after one. Browsers cannot send protocol pings, hence `{"type":"ping"}` frames.
 */
export class KeepAlive {
  private interval: ReturnType<typeof setInterval> | undefined;
  private deadline: ReturnType<typeof setTimeout> | undefined;
  private intervalMs: number;
  private readonly timeoutMs: number;

  constructor(
    private readonly options: KeepAliveOptions,
    private readonly sendPing: () => void,
    private readonly onDead: (silentForMs: number) => void,
  ) {
    this.intervalMs = options.intervalMs ?? DEFAULT_PING_INTERVAL_MS;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_PING_TIMEOUT_MS;
  }

  start(): void {
    this.stop();
    this.interval = setInterval(() => this.ping(), this.intervalMs);
  }

  /** The gateway's advice, taken unless an interval was configured. */
  useServerInterval(intervalMs: number | undefined): void {
    if (this.options.intervalMs !== undefined || intervalMs === undefined) return;
    const next = Math.max(MINIMUM_SERVER_INTERVAL_MS, intervalMs);
    if (next === this.intervalMs) return;
    this.intervalMs = next;
    if (this.interval !== undefined) {
      clearInterval(this.interval);
      this.interval = setInterval(() => this.ping(), this.intervalMs);
    }
  }

  /** A frame arrived: the connection is alive. */
  received(): void {
    if (this.deadline !== undefined) clearTimeout(this.deadline);
    this.deadline = undefined;
  }

  stop(): void {
    if (this.interval !== undefined) clearInterval(this.interval);
    this.received();
    this.interval = undefined;
  }

  private ping(): void {
    this.sendPing();
    this.deadline ??= setTimeout(() => {
      this.stop();
      this.onDead(this.timeoutMs);
    }, this.timeoutMs);
  }
}
