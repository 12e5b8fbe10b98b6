// Method syntax makes a handler's parameter bivariant, so that both the DOM's WebSocket (handlers
// taking MessageEvent, CloseEvent) and the `ws` package's fit this one structural type.
type Handler<E> = { bivarianceHack(event: E): void }['bivarianceHack'];

/** What the client needs of a WebSocket: the browser's and the `ws` package's both qualify. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  /** The `ws` package's immediate teardown (browsers have none). */
  terminate?: () => void;
  onopen: Handler<unknown> | null;
  onmessage: Handler<{ data: unknown }> | null;
  onclose: Handler<{ code: number; reason: string; wasClean: boolean }> | null;
  onerror: Handler<unknown> | null;
}

/**
 * A WebSocket constructor: `globalThis.WebSocket` in browsers (and Node 22+), or `WebSocket` from
 * the `ws` package in Node 20, which also accepts `{headers}` so the API key can go on the upgrade.
 */
export type WebSocketConstructor = new (url: string, protocols?: string | string[], options?: { headers?: Record<string, string> }) => WebSocketLike;

export const WEBSOCKET_OPEN = 1;
