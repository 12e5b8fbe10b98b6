import { setTimeout as delay } from 'node:timers/promises';

/**
 * One thing a stub does while it answers: send bytes, hold back until the test says so, pause
 * (benchmarks pace replies this way; tests synchronise with `wait`, never with time), or cut the connection.
 */
export type StubStep<Payload> =
  | { send: Payload }
  | { wait: Promise<unknown> }
  | { delayMs: number }
  | { destroy: true };

/** How a stubbed request ended: `closedByClient` when the caller went away before the stub finished. */
export interface StubOutcome {
  closedByClient: boolean;
}

/**
 * Runs steps against a stream that can close under it. Resolves false as soon as the stream is
 * closed by the other side (a wait or pause is cut short), true when every step ran.
 */
export async function runSteps<Payload>(
  steps: readonly StubStep<Payload>[],
  handlers: { send(payload: Payload): void; destroy(): void; closed: Promise<void>; isClosed(): boolean },
): Promise<boolean> {
  const closed = handlers.closed.then(() => 'closed' as const);
  for (const step of steps) {
    if (handlers.isClosed()) return false;
    if ('send' in step) handlers.send(step.send);
    else if ('wait' in step) {
      if ((await Promise.race([step.wait.then(() => 'go' as const), closed])) === 'closed') return false;
    } else if ('delayMs' in step) {
      const controller = new AbortController();
      const paused = delay(step.delayMs, 'go' as const, { signal: controller.signal }).catch(() => 'closed' as const);
      const result = await Promise.race([paused, closed]);
      controller.abort();
      if (result === 'closed') return false;
    } else {
      handlers.destroy();
      return true;
    }
  }
  return !handlers.isClosed();
}

/** A promise with its resolve function, for `wait` steps a test releases. */
export function gate(): { promise: Promise<void>; release: () => void } {
  let release!: () => void;
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}
