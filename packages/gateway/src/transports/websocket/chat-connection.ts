import { randomUUID } from 'node:crypto';
import type { ServerFrame } from '@streamgate/protocol';
import type { FastifyBaseLogger } from 'fastify';
import WebSocket from 'ws';
import type { ChatEngine } from '../../engine/chat-engine.js';
import type { Caller } from '../../engine/chat-request.js';
import type { StreamRuns } from '../../engine/stream-runs.js';
import type { RetainedEvent } from '../../stores/streams/stream-retention.js';
import { credentialExpired } from '../../access/access-admission.js';
import type { RateLimiter } from '../../access/rate-limit/rate-limiter.js';
import { rateLimited } from '../../access/rate-limit/rate-limiter.js';
import { GatewayError, toGatewayError } from '../../errors.js';
import { toChatRequest } from '../rest/chat-body.js';
import { withResumeToken } from '../resume-token.js';
import { wirePayload } from '../wire.js';
import { parseClientFrame } from './parse-frame.js';

export interface ChatConnectionOptions {
  engine: ChatEngine;
  /** Requests run on their own and are retained: a socket that drops leaves them to be resumed. */
  runs: StreamRuns;
  caller: Caller;
  logger: FastifyBaseLogger;
  heartbeatIntervalMs: number;
  maxConcurrentRequests: number;
  /** Bytes queued towards the client above which streams wait for the socket to drain. */
  highWaterBytes: number;
  /** Set for `/ws/sessions/{id}/chat`: every request on the socket belongs to this session. */
  boundSessionId?: string;
  /** Each chat frame is a request: it counts against the caller's requests per window. */
  limiter?: RateLimiter;
  /**
   * The caller as its credential stands now (managed keys: revoked, expired or rotated out throws;
   * limits and allowed models as changed since the upgrade). Asked before each request.
   */
  recheckCaller?: (caller: Caller) => Promise<Caller>;
}

/** Close code 1001 (going away): the server is shutting down; reconnect, ideally elsewhere. */
export const CLOSE_GOING_AWAY = 1001;
/**
 * Close code 4401: the credential the socket was opened with no longer works (expired, revoked, rotated
 * out); the reason is the error code. Reconnect with a fresh one.
 */
export const CLOSE_CREDENTIAL_ENDED = 4401;
/** The longest delay a Node.js timer takes; a credential that lasts longer is checked per request only. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const CREDENTIAL_ENDED = new Set(['token_expired', 'key_expired', 'key_revoked']);

/**
 * One client WebSocket: many concurrent requests, each tagged with its `request_id` and a per-request
 * `seq`. A request runs on its own (see StreamRuns): a cancel frame stops it at once, losing the socket
 * starts its resume grace, and a `resume` frame on any socket continues its events with their original
 * `seq`. Protocol pings find dead peers.
 */
export class ChatConnection {
  readonly id = randomUUID();
  private readonly requests = new Map<string, AbortController>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly expiry: NodeJS.Timeout | undefined;
  /** Set when the socket's credential stopped working: the error code, and the close reason. */
  private credentialEnded: string | undefined;
  private peerAlive = true;

  constructor(
    private readonly socket: WebSocket,
    private readonly options: ChatConnectionOptions,
  ) {
    socket.on('message', (data, isBinary) => this.receive(data, isBinary));
    socket.on('pong', () => (this.peerAlive = true));
    socket.on('close', () => this.closed());
    socket.on('error', (error) => options.logger.debug({ err: error, connection: this.id }, 'websocket error'));
    this.heartbeat = setInterval(() => this.beat(), options.heartbeatIntervalMs);
    this.heartbeat.unref();
    const { expiresAt } = options.caller;
    if (expiresAt !== undefined && expiresAt - Date.now() < MAX_TIMER_MS) {
      this.expiry = setTimeout(() => this.endCredential(credentialExpired(options.caller).code), Math.max(0, expiresAt - Date.now()));
      this.expiry.unref();
    }
    const connected: ServerFrame = {
      event: 'connected',
      connection_id: this.id,
      heartbeat_interval_ms: options.heartbeatIntervalMs,
      max_concurrent_requests: options.maxConcurrentRequests,
    };
    if (options.boundSessionId !== undefined) connected.session_id = options.boundSessionId;
    this.send(connected);
  }

  get activeRequests(): number {
    return this.requests.size;
  }

  /** Closes with 1001 once the socket's own requests have ended (or at once when it has none). */
  goAway(reason = 'server shutting down'): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.close(CLOSE_GOING_AWAY, reason);
  }

  private beat(): void {
    // A peer that has not answered the last ping within an interval is gone: free its resources.
    if (!this.peerAlive) {
      this.options.logger.info({ connection: this.id }, 'websocket peer stopped answering pings');
      this.socket.terminate();
      return;
    }
    this.peerAlive = false;
    if (this.socket.readyState === WebSocket.OPEN) this.socket.ping();
  }

  /**
   * The credential has stopped working (its expiry passed, or admission refused it): requests sent from
   * now on are refused (by admission), and the socket closes with 4401 once the requests it is running
   * have ended, so that the client reconnects with a fresh token, key or ticket.
   */
  private endCredential(code: string): void {
    this.credentialEnded ??= code;
    this.closeIfCredentialEnded();
  }

  private closeIfCredentialEnded(): void {
    if (this.credentialEnded !== undefined && this.requests.size === 0 && this.socket.readyState === WebSocket.OPEN) {
      this.socket.close(CLOSE_CREDENTIAL_ENDED, this.credentialEnded);
    }
  }

  private closed(): void {
    clearInterval(this.heartbeat);
    clearTimeout(this.expiry);
    // Each request's run goes on for the resume grace: a client that reconnects may `resume` it.
    for (const controller of this.requests.values()) controller.abort(new GatewayError('cancelled', 'The client went away.'));
  }

  private receive(data: WebSocket.RawData, isBinary: boolean): void {
    if (isBinary) {
      this.sendError(new GatewayError('unsupported_frame', 'Binary frames are not accepted: send JSON as text frames.'));
      return;
    }
    const parsed = parseClientFrame(data.toString());
    if (!parsed.ok) {
      this.sendError(parsed.error, parsed.requestId);
      return;
    }
    const message = parsed.value;
    if (message.type === 'ping') {
      this.send({ event: 'pong', timestamp: Date.now() });
    } else if (message.type === 'cancel') {
      void this.cancel(message.frame.request_id);
    } else {
      const requestId = message.type === 'resume' ? message.frame.request_id : (message.frame.request_id ?? randomUUID());
      if (this.requests.has(requestId)) {
        this.sendError(new GatewayError('duplicate_request_id', `Request "${requestId}" is already running on this connection.`), requestId);
        return;
      }
      if (this.requests.size >= this.options.maxConcurrentRequests) {
        this.sendError(
          new GatewayError('too_many_requests_on_connection', `At most ${this.options.maxConcurrentRequests} requests may run at once on one connection.`),
          requestId,
        );
        return;
      }
      let work: (controller: AbortController) => Promise<void>;
      if (message.type === 'resume') {
        const afterSeq = message.frame.after_seq ?? -1;
        work = (controller) => this.resume(requestId, afterSeq, controller);
      } else {
        const { boundSessionId } = this.options;
        if (boundSessionId !== undefined && message.frame.session_id !== undefined && message.frame.session_id !== boundSessionId) {
          this.sendError(new GatewayError('invalid_request', `This socket is bound to session "${boundSessionId}".`), requestId);
          return;
        }
        const body = boundSessionId === undefined ? message.frame : { ...message.frame, session_id: boundSessionId };
        work = (controller) => this.run(requestId, body, controller);
      }
      const controller = new AbortController();
      this.requests.set(requestId, controller);
      void work(controller).finally(() => {
        this.requests.delete(requestId);
        this.closeIfCredentialEnded();
      });
    }
  }

  /** Stops a request of this key at once, wherever it runs; says so if there is none. */
  private async cancel(requestId: string): Promise<void> {
    try {
      if (await this.options.runs.cancel(requestId, this.options.caller)) return;
      this.sendError(new GatewayError('request_not_found', `No running request "${requestId}".`), requestId);
    } catch (error) {
      this.sendError(toGatewayError(error), requestId);
    }
  }

  /** The caller as it stands now, counted against its requests per window (a resume counts like a request). */
  private async admitFrame(): Promise<Caller> {
    const caller = this.options.recheckCaller ? await this.options.recheckCaller(this.options.caller) : this.options.caller;
    const decision = await this.options.limiter?.checkRequest(caller);
    if (decision && !decision.allowed) {
      throw rateLimited('requests', decision.resetSeconds * 1000, `This key may make ${decision.limit} requests per ${decision.windowSeconds} s.`);
    }
    return caller;
  }

  private async resume(requestId: string, afterSeq: number, controller: AbortController): Promise<void> {
    try {
      const caller = await this.admitFrame();
      const resumption = await this.options.runs.resume(requestId, caller, afterSeq, controller.signal);
      this.send({ event: 'resumed', request_id: requestId, replayed: resumption.replayed });
      await this.forward(requestId, resumption.events);
    } catch (error) {
      this.failed(error, requestId);
    }
  }

  private async run(requestId: string, body: Parameters<typeof toChatRequest>[0], follower: AbortController): Promise<void> {
    try {
      const caller = await this.admitFrame();
      // The model call follows the run, not this socket: losing the socket starts the resume grace.
      const controller = new AbortController();
      const stream = await this.options.engine.open(toChatRequest(body, requestId, caller, 'websocket'), controller.signal);
      const run = this.options.runs.start(stream, controller, caller, body.background === true);
      await this.forward(requestId, withResumeToken(this.options.runs.follow(run, -1, follower.signal), run.resumeToken));
    } catch (error) {
      this.failed(error, requestId);
    }
  }

  /** Sends a request's events as frames with their own `seq`, paced by the socket. */
  private async forward(requestId: string, events: AsyncIterable<RetainedEvent>): Promise<void> {
    for await (const { seq, event } of events) {
      if (this.socket.readyState !== WebSocket.OPEN) break;
      const { name, data } = wirePayload(event);
      await this.sendPaced({ event: name, request_id: requestId, seq, ...data } as ServerFrame);
      // The request's slot on this socket is free once its last frame is out, not when its run has wound down.
      if (event.type === 'done' || event.type === 'error') return;
    }
  }

  private failed(error: unknown, requestId: string): void {
    const gatewayError = toGatewayError(error);
    if (gatewayError.code === 'internal_error') this.options.logger.error({ err: error, requestId }, 'websocket request failed');
    if (CREDENTIAL_ENDED.has(gatewayError.code)) this.credentialEnded ??= gatewayError.code;
    this.sendError(gatewayError, requestId);
  }

  private send(frame: ServerFrame): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(frame));
  }

  /** Sends, and when the client is behind by more than the high-water mark, waits until this frame is flushed. */
  private sendPaced(frame: ServerFrame): Promise<void> | void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    const data = JSON.stringify(frame);
    if (this.socket.bufferedAmount < this.options.highWaterBytes) {
      this.socket.send(data);
      return;
    }
    return new Promise((resolve) => this.socket.send(data, () => resolve()));
  }

  private sendError(error: GatewayError, requestId?: string): void {
    const frame: ServerFrame = { event: 'error', code: error.code, message: error.message, retryable: error.retryable };
    if (requestId !== undefined) frame.request_id = requestId;
    const retryAfterMs = (error.details as { retry_after_ms?: unknown } | undefined)?.retry_after_ms;
    if (typeof retryAfterMs === 'number') frame.retry_after_ms = retryAfterMs;
    if (error.details !== undefined) frame.details = error.details;
    this.send(frame);
  }
}
