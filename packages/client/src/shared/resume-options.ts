import { resolveReconnectOptions, type ReconnectOptions, type ResolvedReconnectOptions } from '../websocket/backoff.js';

/**
 * How a stream whose connection broke mid-way is picked up again (`resume` in the client's options).
 * SSE waits `initialDelayMs * factor^attempt` (at most `maxDelayMs`, jittered) before each attempt
 * to resume; a WebSocket request waits for its socket, which reconnects with `websocket.reconnect`.
 * Either gives up after `maxAttempts` failed attempts in a row (default 6: about 8 to 16 s with the
 * default delays, inside the gateway's default 30 s resume grace).
 */
export type ResumeOptions = ReconnectOptions;

const DEFAULT_RESUME_ATTEMPTS = 6;

/** The options in force, or undefined when resuming is off (`resume: false`). */
export function resolveResumeOptions(options: ResumeOptions | false | undefined): ResolvedReconnectOptions | undefined {
  if (options === false) return undefined;
  return resolveReconnectOptions({ maxAttempts: DEFAULT_RESUME_ATTEMPTS, ...options });
}
