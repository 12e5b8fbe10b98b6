/** How a dropped WebSocket is reopened. */
export interface ReconnectOptions {
  /** Wait before the first attempt, before jitter (default 250 ms). */
  initialDelayMs?: number;
  /** Longest wait between attempts (default 10 s). */
  maxDelayMs?: number;
  /** Growth of the wait per failed attempt (default 2). */
  factor?: number;
  /**
   * Share of each wait that is random, 0 to 1 (default 0.5): the wait is drawn from
   * `[delay * (1 - jitter), delay]`, so that many clients dropped at once do not return at once.
   */
  jitter?: number;
  /** Consecutive failed attempts after which the connection gives up and closes (default: never). */
  maxAttempts?: number;
}

export type ResolvedReconnectOptions = Required<ReconnectOptions>;

export function resolveReconnectOptions(options: ReconnectOptions = {}): ResolvedReconnectOptions {
  return {
    initialDelayMs: options.initialDelayMs ?? 250,
    maxDelayMs: options.maxDelayMs ?? 10_000,
    factor: options.factor ?? 2,
    jitter: Math.min(1, Math.max(0, options.jitter ?? 0.5)),
    maxAttempts: options.maxAttempts ?? Number.POSITIVE_INFINITY,
  };
}

/** The wait before attempt number `attempt` (0 for the first after a drop): exponential, capped, jittered. */
export function backoffDelay(attempt: number, options: ResolvedReconnectOptions, random: () => number = Math.random): number {
  const exponential = options.initialDelayMs * options.factor ** Math.min(attempt, 64);
  const capped = Math.min(options.maxDelayMs, exponential);
  return Math.round(capped * (1 - options.jitter * random()));
}
