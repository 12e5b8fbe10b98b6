import type { CallOptions, ChatRequest, Transport } from './chat/chat-request.js';
import type { CompletedChat } from './chat/chat-result.js';
import { openChatStream, type ChatStream } from './chat/chat-stream.js';
import { HttpClient, type HttpClientOptions, type Provider } from './http/http-client.js';
import { listModels } from './models/list-models.js';
import type { Model } from './models/model.js';
import { chatOverRest } from './rest/rest-chat.js';
import { SessionsApi } from './sessions/sessions-api.js';
import { resolveResumeOptions, type ResumeOptions } from './shared/resume-options.js';
import { chatOverSse } from './sse/sse-chat.js';
import type { ReconnectOptions, ResolvedReconnectOptions } from './websocket/backoff.js';
import type { KeepAliveOptions } from './websocket/keep-alive.js';
import { WebSocketConnection } from './websocket/websocket-connection.js';
import type { WebSocketConstructor } from './websocket/websocket-like.js';
import { requestWebSocketTicket, type WebSocketTicket } from './websocket/websocket-ticket.js';

/** How WebSocket connections are made. */
export interface WebSocketOptions {
  /**
   * WebSocket base URL (`wss://host`), or a function asked before every attempt (to fail over to
   * another gateway). Default: `baseUrl` with `http` turned into `ws`.
   */
  url?: Provider<string>;
  /**
   * Whether every connection attempt first gets a single-use ticket from `POST /v1/ws/tickets`
   * (with the client's credentials) and puts it in the URL as `?ticket=`, instead of sending the
   * key in the upgrade's headers. Browsers need it: their WebSocket cannot send headers. Default:
   * `true` with the global WebSocket, `false` when `options.WebSocket` is given (Node's `ws` sends headers).
   */
  tickets?: boolean;
  /** Fetches the ticket some other way (a backend of your own); overrides `tickets`. */
  ticketProvider?: () => Promise<string>;
  /** Reconnect with backoff (the default), or `false` to close on the first drop. */
  reconnect?: ReconnectOptions | false;
  /** Application-level pings (the default), or `false` for none. */
  keepAlive?: KeepAliveOptions | false;
}

export interface StreamGateClientOptions extends HttpClientOptions {
  /** The WebSocket class: default `globalThis.WebSocket`; in Node 20, pass `WebSocket` from the `ws` package. */
  WebSocket?: WebSocketConstructor;
  websocket?: WebSocketOptions;
  /**
   * Picks a stream up again where it left off when its connection breaks mid-way (the default), or
   * `false` to end it with `connection_lost` instead. SSE resumes with `Last-Event-ID`; a WebSocket
   * request resumes on the reopened socket. Default `{maxAttempts: 6}` with the reconnect delays.
   */
  resume?: ResumeOptions | false;
}

/** A chat request for {@link StreamGateClient.stream}, with the transport to carry it (default `sse`). */
export interface StreamRequest extends ChatRequest {
  transport?: Transport;
}

export interface ConnectOptions extends Pick<WebSocketOptions, 'reconnect' | 'keepAlive'> {
  /** Binds the socket to one session (`/ws/sessions/{id}/chat`): every request on it joins that session. */
  sessionId?: string;
}

/**
 * The StreamGate client, for browsers and Node 20+: chat over REST, Server-Sent Events or a
 * multiplexed, self-reconnecting WebSocket, with cancellation by `AbortSignal`, typed events and
 * errors, and client-side metrics for every request.
 *
 * @example
 * ```ts
 * import { StreamGateClient } from '@streamgate/client';
 * import WebSocket from 'ws'; // Node 20 only; browsers and Node 22+ have a global WebSocket
 *
 * const client = new StreamGateClient({ baseUrl: 'http://localhost:8000', apiKey: process.env.STREAMGATE_KEY, WebSocket });
 * const stream = client.stream({ message: 'Hello', transport: 'websocket' });
 * for await (const event of stream) if (event.type === 'delta') process.stdout.write(event.text);
 * const { metrics } = await stream.result;
 * console.log(`\nfirst token after ${metrics.ttftMs} ms, ${metrics.chunkCount} chunks`);
 * client.close();
 * ```
 */
export class StreamGateClient {
  /** Create, read and delete sessions. */
  readonly sessions: SessionsApi;
  private readonly http: HttpClient;
  private shared: WebSocketConnection | undefined;
  private readonly connections = new Set<WebSocketConnection>();
  private readonly resume: ResolvedReconnectOptions | undefined;

  constructor(private readonly options: StreamGateClientOptions) {
    this.http = new HttpClient(options);
    this.resume = resolveResumeOptions(options.resume);
    this.sessions = new SessionsApi(this.http);
  }

  /**
   * Sends a message and waits for the whole reply (`POST /v1/chat`). Throws a StreamGateError
   * when the request fails or is cancelled.
   *
   * @example
   * ```ts
   * const reply = await client.chat({ message: 'Hello' }, { signal: AbortSignal.timeout(30_000) });
   * console.log(reply.text, reply.usage.outputTokens, reply.metrics.totalMs);
   * ```
   */
  async chat(request: ChatRequest, options: CallOptions = {}): Promise<CompletedChat> {
    const result = await this.stream({ ...request, transport: 'rest' }, options).result;
    if (result.status !== 'complete') throw result.error;
    return result;
  }

  /**
   * The models the gateway serves (`GET /v1/models`), for a model picker or a request's `model`.
   *
   * @example
   * ```ts
   * const models = await client.models();
   * const reply = await client.chat({ message: 'Hello', model: models[0]?.id });
   * ```
   */
  models(options: CallOptions = {}): Promise<Model[]> {
    return listModels(this.http, options);
  }

  /**
   * Sends a message and streams the reply over the chosen transport. The same events, outcome
   * and metrics come back whichever transport carries them, so transports can be compared.
   *
   * @example
   * ```ts
   * const controller = new AbortController();
   * const stream = client.stream({ message: 'Tell me a story', transport: 'websocket' }, { signal: controller.signal });
   * for await (const event of stream) {
   *   if (event.type === 'delta') append(event.text);
   *   if (event.type === 'error') showError(event.error); // also for cancel: event.code === 'cancelled'
   * }
   * const result = await stream.result; // status: 'complete' | 'cancelled' | 'failed'
   * ```
   */
  stream(request: StreamRequest, options: CallOptions = {}): ChatStream {
    const { transport = 'sse', ...chatRequest } = request;
    if (transport === 'websocket') return this.connection().stream(chatRequest, options);
    const controller = openChatStream(chatRequest, transport, options.signal);
    if (transport === 'sse') chatOverSse(this.http, chatRequest, controller, this.resume);
    else chatOverRest(this.http, chatRequest, controller);
    return controller.stream;
  }

  /**
   * The WebSocket connection that `stream({transport: 'websocket'})` shares, opened on first use.
   * Listen to it to show the connection's state.
   *
   * @example
   * ```ts
   * client.connection().on('state', ({ state }) => setBadge(state)); // connecting, open, reconnecting, closed
   * ```
   */
  connection(): WebSocketConnection {
    if (this.shared === undefined || this.shared.state === 'closed') this.shared = this.connect();
    return this.shared;
  }

  /**
   * Opens a new WebSocket connection of its own, for example one bound to a session.
   *
   * @example
   * ```ts
   * const connection = client.connect({ sessionId });
   * const stream = connection.stream({ message: 'Next question' });
   * ```
   */
  connect(options: ConnectOptions = {}): WebSocketConnection {
    const WebSocketClass = this.options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (WebSocketClass === undefined) {
      throw new TypeError('No WebSocket implementation: pass options.WebSocket (in Node 20, `WebSocket` from the "ws" package).');
    }
    const websocket = this.options.websocket ?? {};
    const path = options.sessionId === undefined ? '/v1/ws/chat' : `/ws/sessions/${encodeURIComponent(options.sessionId)}/chat`;
    const reconnect = options.reconnect ?? websocket.reconnect;
    const keepAlive = options.keepAlive ?? websocket.keepAlive;
    const tickets = websocket.tickets ?? this.options.WebSocket === undefined;
    const ticketProvider = websocket.ticketProvider ?? (tickets ? async () => (await this.webSocketTicket()).ticket : undefined);
    const connection = new WebSocketConnection({
      url: websocket.url ?? (() => webSocketBase(this.http.baseUrl)),
      path,
      WebSocket: WebSocketClass,
      headers: () => this.http.authHeaders(),
      ...(ticketProvider ? { ticketProvider } : {}),
      ...(this.resume ? { resume: this.resume } : {}),
      ...(reconnect !== undefined ? { reconnect } : {}),
      ...(keepAlive !== undefined ? { keepAlive } : {}),
    });
    this.connections.add(connection);
    connection.on('state', ({ state }) => {
      if (state === 'closed') this.connections.delete(connection);
      else this.connections.add(connection);
    });
    return connection;
  }

  /**
   * A single-use ticket for a WebSocket URL (`POST /v1/ws/tickets`), for a socket opened without
   * the SDK. Connections the client opens get their own when `websocket.tickets` is on.
   *
   * @example
   * ```ts
   * const { ticket } = await client.webSocketTicket();
   * const socket = new WebSocket(`wss://chat.example.com/v1/ws/chat?ticket=${encodeURIComponent(ticket)}`);
   * ```
   */
  webSocketTicket(options: CallOptions = {}): Promise<WebSocketTicket> {
    return requestWebSocketTicket(this.http, options);
  }

  /** Closes every WebSocket connection this client opened (the shared one and those from `connect()`). */
  close(): void {
    for (const connection of [...this.connections]) connection.close();
    this.connections.clear();
  }
}

/** `baseUrl` as a WebSocket URL; a relative one (same origin) is resolved against the page's location. */
function webSocketBase(baseUrl: string): string {
  const location = (globalThis as { location?: { href: string } }).location;
  const url = new URL(baseUrl || '/', location?.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}
