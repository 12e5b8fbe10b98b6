import type { WebSocketConstructor, WebSocketLike } from '@streamgate/client';
import { isRecord } from './gateway-error.js';

/**
 * The waits the gateway asked for in WebSocket `rate_limited` frames (`retry_after_ms`), by request
 * id. The SDK drops that field from the error it reports, so the app reads it off the socket itself.
 */
export class RetryAfterLedger {
  private readonly waits = new Map<string, number>();

  record(requestId: string, retryAfterMs: number): void {
    // Bounded: a request's wait is read once, right after its error; old ones are of no use.
    if (this.waits.size >= 100) this.waits.delete(this.waits.keys().next().value!);
    this.waits.set(requestId, retryAfterMs);
  }

  /** The wait for a request, read once. */
  take(requestId: string): number | undefined {
    const wait = this.waits.get(requestId);
    this.waits.delete(requestId);
    return wait;
  }

  /** Reads one server frame; frames other than a request's `rate_limited` error are ignored. */
  observe(data: unknown): void {
    if (typeof data !== 'string' || !data.includes('retry_after_ms')) return;
    let frame: unknown;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    if (!isRecord(frame) || frame.event !== 'error' || typeof frame.request_id !== 'string') return;
    if (typeof frame.retry_after_ms === 'number' && Number.isFinite(frame.retry_after_ms)) this.record(frame.request_id, frame.retry_after_ms);
  }
}

/** A WebSocket class whose sockets show every frame to the ledger before the SDK reads it. */
export function observedWebSocket(base: typeof WebSocket, ledger: RetryAfterLedger): WebSocketConstructor {
  return class ObservedWebSocket extends base {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('message', (event) => ledger.observe(event.data));
    }
  } as unknown as WebSocketConstructor satisfies new (...args: never[]) => WebSocketLike;
}
