import { toWireBody, type CallOptions, type ChatRequest } from '../chat/chat-request.js';
import { openChatStream, type ChatStream } from '../chat/chat-stream.js';
import { forRequest, StreamGateError } from '../errors/streamgate-error.js';
import { resolveProvider, type Provider } from '../http/http-client.js';
import { Listeners } from '../shared/listeners.js';
import { backoffDelay, resolveReconnectOptions, type ReconnectOptions, type ResolvedReconnectOptions } from './backoff.js';
import { closedFor, handshakeFailure, lostRequestError, NON_RETRYABLE_CLOSE_CODES, type SocketClose } from './close-reasons.js';
import type { ConnectionClose, ConnectionEvents, ConnectionState } from './connection-events.js';
import { KeepAlive, type KeepAliveOptions } from './keep-alive.js';
import { parseServerFrame } from './server-frame.js';
import { RequestTable } from './request-table.js';
import type { WebSocketConstructor, WebSocketLike } from './websocket-like.js';

export interface WebSocketConnectionOptions {
  /** WebSocket base URL (`ws://host:port`), or a function asked before every attempt (to fail over). */
  url: Provider<string>;
  /** The route: `/v1/ws/chat` or `/ws/sessions/{id}/chat`. */
  path: string;
  WebSocket: WebSocketConstructor;
  /** Headers for the upgrade (Node's `ws` only), asked before every attempt. */
  headers?: () => Promise<Record<string, string>>;
  /** A short-lived ticket, put in the URL as `?ticket=` instead of headers (browsers cannot set headers). */
  ticketProvider?: () => Promise<string>;
  reconnect?: ReconnectOptions | false;
  keepAlive?: KeepAliveOptions | false;
  /**
   * Requests in flight when the socket drops resume on the next one; they fail with `connection_lost`
   * once `maxAttempts` reconnect attempts in a row have failed. Absent: they fail at once.
   */
  resume?: ResolvedReconnectOptions;
}

/**
 * One WebSocket to the gateway that carries many requests at once (as many as the gateway allows,
 * the rest queued), reopens itself with backoff and jitter, pings to stay alive and to notice a dead
 * peer, and reports its state and close codes. Requests made while it is (re)connecting wait for the
 * attempt under way; requests on a socket that drops resume on the next one where they left off
 * (each event once), or without `resume` end with a retryable `connection_lost` error. Create one
 * with `client.connect()`.
 *
 * @example
 * ```ts
 * const connection = client.connect();
 * connection.on('state', ({ state, delayMs }) => setStatus(state, delayMs));
 * connection.on('close', ({ code, reason }) => console.log('socket closed', code, reason));
 * const stream = connection.stream({ message: 'Hello' }, { signal });
 * for await (const event of stream) if (event.type === 'delta') render(event.text);
 * connection.close();
 * ```
 */
export class WebSocketConnection {
  private currentState: ConnectionState = 'connecting';
  private socket: WebSocketLike | undefined;
  private openSocket: WebSocketLike | undefined;
  private attempt = 0;
  private generation = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private handshakeError: StreamGateError | undefined;
  private closedError: StreamGateError | undefined;
  private currentConnectionId: string | undefined;
  private lastCloseInfo: ConnectionClose | undefined;
  private announcedLimit: number | undefined;
  private readonly requests = new RequestTable();
  private readonly listeners = new Listeners<ConnectionEvents>();
  private readonly keepAlive: KeepAlive | undefined;
  private readonly reconnectOptions;

  constructor(private readonly options: WebSocketConnectionOptions) {
    this.reconnectOptions = options.reconnect === false ? undefined : resolveReconnectOptions(options.reconnect);
    if (options.keepAlive !== false) {
      this.keepAlive = new KeepAlive(
        options.keepAlive ?? {},
        () => this.openSocket?.send('{"type":"ping"}'),
        (silentForMs) => this.abandon({ code: 4000, reason: `no answer to a ping within ${silentForMs} ms`, wasClean: false }),
      );
    }
    void this.attemptConnection();
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  /** The gateway's id for the current socket (from its `connected` frame). */
  get connectionId(): string | undefined {
    return this.currentConnectionId;
  }

  /** How the last socket closed. */
  get lastClose(): ConnectionClose | undefined {
    return this.lastCloseInfo;
  }

  /** Requests sent and not yet answered in full (including those waiting to resume after a drop). */
  get activeRequests(): number {
    return this.requests.inFlight;
  }

  /** Requests not sent yet: waiting for the socket, or for room under the gateway's limit. */
  get queuedRequests(): number {
    return this.requests.queuedCount;
  }

  /** How many requests the gateway runs at once on this socket (its `connected` frame says); the rest queue. */
  get maxConcurrentRequests(): number | undefined {
    return this.announcedLimit;
  }

  /**
   * Resolves once the connection is open (at once if it is); rejects with the reason if it closes
   * for good first. Requests need not wait for it, but a comparison of transports should, so that
   * the WebSocket's first request is not charged for the handshake.
   */
  ready(): Promise<void> {
    if (this.currentState === 'open') return Promise.resolve();
    if (this.currentState === 'closed') return Promise.reject(this.closedError);
    return new Promise((resolve, reject) => {
      const stop = this.on('state', ({ state, error }) => {
        if (state !== 'open' && state !== 'closed') return;
        stop();
        if (state === 'open') resolve();
        else reject(error ?? this.closedError);
      });
    });
  }

  /** Listens for `state`, `close` or `error`; returns the function that stops listening. */
  on<Name extends keyof ConnectionEvents>(name: Name, listener: (value: ConnectionEvents[Name]) => void): () => void {
    return this.listeners.on(name, listener);
  }

  /**
   * Sends a chat request over this connection, or queues it while the socket runs as many as the
   * gateway allows. Aborting `signal` (or leaving the `for await` loop) sends `{"type":"cancel"}` and
   * ends the stream with a `cancelled` outcome at once.
   */
  stream(request: ChatRequest, options: CallOptions = {}): ChatStream {
    const controller = openChatStream(request, 'websocket', options.signal);
    const { requestId } = controller;
    if (controller.ended) return controller.stream;
    if (this.currentState === 'closed') {
      controller.fail(forRequest(this.closedError ?? new StreamGateError('connection_closed', 'The connection is closed.'), requestId));
      return controller.stream;
    }
    if (this.requests.has(requestId)) {
      controller.fail(new StreamGateError('duplicate_request_id', `Request "${requestId}" is already running on this connection.`, { requestId }));
      return controller.stream;
    }
    controller.onCancel(() => this.requests.cancel(requestId));
    controller.onDrop(() => this.drop());
    this.requests.add(controller, JSON.stringify({ ...toWireBody(request), request_id: requestId }));
    return controller.stream;
  }

  /**
   * Drops the socket as a network failure would, then reconnects: the requests it carried resume on
   * the new socket. For trying out reconnects and resuming (`stream.dropConnection()` calls it).
   */
  drop(): void {
    this.abandon({ code: CLOSE_DROPPED, reason: 'dropped by the client', wasClean: false });
  }

  /** Connects now if not connected: skips the wait before the next attempt, or reopens a closed connection. */
  reconnect(): void {
    if (this.socket) return;
    if (this.reconnectTimer !== undefined) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.closedError = undefined;
    void this.attemptConnection();
  }

  /** Closes for good; requests in flight or waiting end as `cancelled` (the gateway is told to stop them). */
  close(code = 1000, reason = 'closed by the client'): void {
    if (this.currentState === 'closed') return;
    this.closedError = new StreamGateError('connection_closed', 'The connection was closed by the client.', { retryable: false });
    this.generation++;
    if (this.reconnectTimer !== undefined) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.requests.close(new StreamGateError('cancelled', 'The connection was closed by the client.', { retryable: false }));
    const socket = this.socket;
    if (socket) {
      this.detach(socket);
      socket.close(code, reason);
    }
    if (socket) this.emitClose({ code, reason, wasClean: true }, false);
    this.setState('closed');
  }

  private async attemptConnection(): Promise<void> {
    const generation = ++this.generation;
    if (this.currentState === 'closed') this.setState('connecting');
    let socket: WebSocketLike;
    try {
      const base = (await resolveProvider(this.options.url)).replace(/\/+$/, '');
      const ticket = this.options.ticketProvider ? await this.options.ticketProvider() : undefined;
      const headers = ticket === undefined ? await this.options.headers?.() : undefined;
      if (generation !== this.generation) return;
      const url = `${base}${this.options.path}${ticket === undefined ? '' : `?ticket=${encodeURIComponent(ticket)}`}`;
      const WebSocketClass = this.options.WebSocket;
      socket = headers && Object.keys(headers).length > 0 ? new WebSocketClass(url, undefined, { headers }) : new WebSocketClass(url);
    } catch (error) {
      if (generation !== this.generation) return;
      this.lost(undefined, attemptFailure(error));
      return;
    }
    this.socket = socket;
    this.handshakeError = undefined;
    socket.onopen = () => this.opened(socket);
    socket.onmessage = (event) => this.received(event.data);
    socket.onerror = (event) => {
      if (this.openSocket !== socket) this.handshakeError ??= handshakeFailure(event);
    };
    socket.onclose = (event) => {
      this.detach(socket);
      this.lost({ code: event.code, reason: event.reason, wasClean: event.wasClean }, this.openSocket === socket ? undefined : this.handshakeError);
    };
  }

  private opened(socket: WebSocketLike): void {
    this.openSocket = socket;
    this.keepAlive?.start();
  }

  private received(data: unknown): void {
    this.keepAlive?.received();
    const parsed = typeof data === 'string' ? parseServerFrame(data) : { ok: false as const, message: 'The gateway sent a binary frame.' };
    if (!parsed.ok) {
      this.listeners.emit('error', new StreamGateError('invalid_response', parsed.message, { retryable: false }));
      return;
    }
    const frame = parsed.frame;
    if (frame.kind === 'connected') {
      this.currentConnectionId = frame.connectionId;
      this.attempt = 0;
      this.announcedLimit = frame.maxConcurrentRequests;
      this.keepAlive?.useServerInterval(frame.heartbeatIntervalMs);
      // Open for requests once the gateway has said how many it takes at once.
      if (this.openSocket) this.requests.attach(this.openSocket, frame.maxConcurrentRequests);
      this.setState('open');
    } else if (frame.kind === 'connection-error') {
      this.listeners.emit('error', frame.error);
    } else if (frame.kind === 'request') {
      this.requests.deliver(frame.requestId, frame.seq, frame.event);
    } else if (frame.kind === 'resumed') {
      this.requests.markResumed(frame.requestId, frame.replayed);
    }
  }

  /** Gives up on a socket that stopped answering, without waiting for a close handshake that may never come. */
  private abandon(close: SocketClose): void {
    const socket = this.socket;
    if (!socket) return;
    this.detach(socket);
    if (socket.terminate) socket.terminate();
    else socket.close(close.code, close.reason);
    this.lost(close);
  }

  private detach(socket: WebSocketLike): void {
    socket.onopen = socket.onmessage = socket.onclose = null;
    // Closing a `ws` socket that is still connecting emits an error, which would be thrown without a listener.
    socket.onerror = ignore;
    if (this.socket === socket) this.socket = undefined;
    if (this.openSocket === socket) {
      this.openSocket = undefined;
      this.keepAlive?.stop();
    }
  }

  /** A socket closed or could not be made: keep what it carried to resume, or fail it; then reconnect or close for good. */
  private lost(close: SocketClose | undefined, failure?: StreamGateError): void {
    const options = this.reconnectOptions;
    const permanent =
      options === undefined ||
      (failure !== undefined && !failure.retryable) ||
      (close !== undefined && NON_RETRYABLE_CLOSE_CODES.has(close.code)) ||
      this.attempt + 1 >= options.maxAttempts;
    if (close) this.emitClose(close, !permanent);
    const resume = permanent ? undefined : this.options.resume;
    this.requests.detach(resume ? undefined : lostRequestError(close));
    const wasOpen = this.currentState === 'open';
    // Requests waiting for this attempt fail with it, rather than wait through every backoff.
    const attemptError = wasOpen ? undefined : (failure ?? new StreamGateError('connection_failed', 'The WebSocket could not be opened.', { details: close }));
    if (attemptError) this.requests.failQueued(attemptError);
    // After a drop, `attempt` counts the reconnect attempts that have failed since.
    if (!resume || (attemptError && this.attempt >= resume.maxAttempts)) this.requests.failInterrupted(resumeFailed(close, this.attempt, attemptError));
    if (permanent) {
      this.closedError = attemptError ?? failure ?? closedFor(close);
      this.setState('closed', { error: this.closedError });
      return;
    }
    const delayMs = backoffDelay(this.attempt, options);
    this.attempt++;
    this.setState('reconnecting', { delayMs, ...(attemptError ? { error: attemptError } : {}) });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.attemptConnection();
    }, delayMs);
  }

  private emitClose(close: SocketClose, willReconnect: boolean): void {
    this.lastCloseInfo = { ...close, willReconnect };
    this.listeners.emit('close', this.lastCloseInfo);
  }

  private setState(state: ConnectionState, extra: { delayMs?: number; error?: StreamGateError } = {}): void {
    const previous = this.currentState;
    if (previous === state && extra.delayMs === undefined) return;
    this.currentState = state;
    this.listeners.emit('state', { state, previous, attempt: this.attempt, ...extra });
  }
}

/** Close code of `drop()`: a private-use code (4000-4999), as browsers accept no other from a client but 1000. */
const CLOSE_DROPPED = 4001;

function ignore(): void {}

/** Why requests that waited to resume after a drop failed: the connection closed for good, or did not come back. */
function resumeFailed(close: SocketClose | undefined, failedAttempts: number, attemptError: StreamGateError | undefined): StreamGateError {
  if (!attemptError || failedAttempts === 0) return lostRequestError(close);
  return new StreamGateError(
    'connection_lost',
    `The WebSocket closed before the reply was complete and could not be resumed: ${failedAttempts} attempts to reconnect failed (last: ${attemptError.message})`,
    { retryable: true, cause: attemptError },
  );
}

/** Why an attempt failed before a socket existed: the URL or ticket provider threw, or the URL is invalid. */
function attemptFailure(error: unknown): StreamGateError {
  if (error instanceof StreamGateError) return error;
  // The WebSocket constructor throws a SyntaxError for a malformed URL: retrying cannot fix it.
  const retryable = !(error instanceof SyntaxError);
  return new StreamGateError('connection_failed', `Could not open the WebSocket: ${error instanceof Error ? error.message : String(error)}`, {
    retryable,
    cause: error,
  });
}
