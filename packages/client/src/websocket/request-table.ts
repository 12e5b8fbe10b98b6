import type { StreamEvent } from '@streamgate/protocol';
import type { ChatStreamController } from '../chat/chat-stream.js';
import { forRequest, StreamGateError } from '../errors/streamgate-error.js';
import { WEBSOCKET_OPEN, type WebSocketLike } from './websocket-like.js';

interface RequestEntry {
  controller: ChatStreamController;
  /** The chat frame, serialized once. */
  frame: string;
  /** The seq of the last event received (-1: none yet): where a resume continues from. */
  lastSeq: number;
  /** A resume frame was sent and nothing has come back for it yet. */
  resuming: boolean;
  /** Times in a row the gateway refused it for the socket's limit. */
  refusals: number;
}

/**
 * Refusals for the socket's limit in a row after which a request fails with the gateway's error. A
 * gateway may count a request for a moment after its last frame, so a refusal is retried first.
 */
const MAX_REFUSALS = 8;
const REFUSAL_DELAY_MS = 25;

/**
 * The requests of one connection: queued (no socket yet, or the socket already runs as many as the
 * gateway allows), running on the socket, and interrupted (their socket dropped; they resume on the
 * next one). Events at or before a request's last seq are dropped, so that each arrives once.
 */
export class RequestTable {
  private queued = new Map<string, RequestEntry>();
  private interrupted = new Map<string, RequestEntry>();
  private readonly running = new Map<string, RequestEntry>();
  /** Cancels of requests whose socket dropped: sent first on the next socket. */
  private readonly pendingCancels = new Set<string>();
  private socket: WebSocketLike | undefined;
  private limit = Number.POSITIVE_INFINITY;
  private holdTimer: ReturnType<typeof setTimeout> | undefined;

  /** Requests sent and not yet answered in full: running, or interrupted and waiting to resume. */
  get inFlight(): number {
    return this.running.size + this.interrupted.size;
  }

  /** Requests not sent yet. */
  get queuedCount(): number {
    return this.queued.size;
  }

  has(requestId: string): boolean {
    return this.queued.has(requestId) || this.interrupted.has(requestId) || this.running.has(requestId);
  }

  /** Sends the request when the socket has room, else queues it. */
  add(controller: ChatStreamController, frame: string): void {
    this.queued.set(controller.requestId, { controller, frame, lastSeq: -1, resuming: false, refusals: 0 });
    this.pump();
  }

  /** A socket is ready for requests (its `connected` frame came): it runs at most `limit` at once. */
  attach(socket: WebSocketLike, limit = Number.POSITIVE_INFINITY): void {
    this.socket = socket;
    this.limit = limit;
    for (const requestId of this.pendingCancels) socket.send(cancelFrame(requestId));
    this.pendingCancels.clear();
    this.pump();
  }

  /** The socket is gone: its requests wait to resume on the next one or, given `error`, fail with it. */
  detach(error?: StreamGateError): void {
    this.socket = undefined;
    clearTimeout(this.holdTimer);
    this.holdTimer = undefined;
    if (error) {
      // Not resumed: the gateway would run them on for its resume grace, so the next socket cancels them.
      for (const requestId of this.running.keys()) this.pendingCancels.add(requestId);
      failAll(this.running, error);
      return;
    }
    for (const entry of this.running.values()) entry.resuming = false;
    this.interrupted = new Map([...this.interrupted, ...this.running]);
    this.running.clear();
  }

  /** An event for one request (`seq` absent on refusals); the request leaves the table when the event ends it. */
  deliver(requestId: string, seq: number | undefined, event: StreamEvent): void {
    const entry = this.running.get(requestId);
    if (!entry) return;
    if (seq === undefined && event.type === 'error') {
      if (event.code === 'too_many_requests_on_connection' && entry.refusals < MAX_REFUSALS) {
        this.requeue(entry);
        return;
      }
      if (entry.resuming && entry.lastSeq < 0 && event.code === 'stream_not_found') {
        // The socket dropped before the gateway said anything: it may never have received the request.
        entry.controller.fail(
          new StreamGateError('connection_lost', 'The WebSocket closed before the gateway started the reply, and it has no record of the request: send it again.', {
            requestId,
            retryable: true,
          }),
        );
        this.finish(entry);
        return;
      }
    }
    if (seq !== undefined) {
      if (seq <= entry.lastSeq) return;
      entry.lastSeq = seq;
    }
    entry.refusals = 0;
    if (entry.resuming && !(seq === undefined && event.type === 'error')) this.resumed(entry, null);
    entry.controller.push(event);
    if (entry.controller.ended) this.finish(entry);
  }

  /** The gateway accepted a resume and said how many retained events come first. */
  markResumed(requestId: string, replayed: number | null): void {
    const entry = this.running.get(requestId);
    if (entry?.resuming) this.resumed(entry, replayed);
  }

  /** The client cancelled: forget the request, and tell the gateway if it was sent (on the next socket if need be). */
  cancel(requestId: string): void {
    if (this.queued.delete(requestId)) return;
    if (this.interrupted.delete(requestId)) {
      this.pendingCancels.add(requestId);
      return;
    }
    if (!this.running.delete(requestId)) return;
    if (this.socket?.readyState === WEBSOCKET_OPEN) this.socket.send(cancelFrame(requestId));
    else this.pendingCancels.add(requestId);
    this.pump();
  }

  /** Closing for good: the gateway is told to cancel what runs, and every request ends with `error`. */
  close(error: StreamGateError): void {
    if (this.socket?.readyState === WEBSOCKET_OPEN) for (const requestId of this.running.keys()) this.socket.send(cancelFrame(requestId));
    this.detach(error);
    this.pendingCancels.clear();
    this.failQueued(error);
    this.failInterrupted(error);
  }

  /** Ends every queued request with `error` (the socket they waited for did not come). */
  failQueued(error: StreamGateError): void {
    failAll(this.queued, error);
  }

  /** Ends every request waiting to resume with `error` (no socket to resume on). */
  failInterrupted(error: StreamGateError): void {
    failAll(this.interrupted, error);
  }

  /** Sends what waits, while the socket has room: resumes first (they were sent before), then new requests. */
  private pump(): void {
    const socket = this.socket;
    if (!socket || this.holdTimer !== undefined) return;
    while (this.running.size < this.limit) {
      const entry = first(this.interrupted) ?? first(this.queued);
      if (!entry) return;
      const { requestId } = entry.controller;
      this.running.set(requestId, entry);
      if (this.interrupted.delete(requestId)) {
        entry.resuming = true;
        socket.send(JSON.stringify({ type: 'resume', request_id: requestId, after_seq: entry.lastSeq }));
      } else {
        this.queued.delete(requestId);
        socket.send(entry.frame);
      }
    }
  }

  /** Refused for the socket's limit: back to the front of the line, and nothing is sent for a moment. */
  private requeue(entry: RequestEntry): void {
    const { requestId } = entry.controller;
    this.running.delete(requestId);
    entry.refusals++;
    if (entry.resuming || entry.lastSeq >= 0) {
      entry.resuming = false;
      this.interrupted = new Map([[requestId, entry], ...this.interrupted]);
    } else {
      this.queued = new Map([[requestId, entry], ...this.queued]);
    }
    clearTimeout(this.holdTimer);
    this.holdTimer = setTimeout(() => {
      this.holdTimer = undefined;
      this.pump();
    }, REFUSAL_DELAY_MS * 2 ** (entry.refusals - 1));
  }

  private resumed(entry: RequestEntry, replayed: number | null): void {
    entry.resuming = false;
    entry.controller.resumed('websocket', replayed);
  }

  private finish(entry: RequestEntry): void {
    this.running.delete(entry.controller.requestId);
    this.pump();
  }
}

function first(entries: Map<string, RequestEntry>): RequestEntry | undefined {
  return entries.values().next().value;
}

function cancelFrame(requestId: string): string {
  return JSON.stringify({ type: 'cancel', request_id: requestId });
}

function failAll(entries: Map<string, RequestEntry>, error: StreamGateError): void {
  const controllers = [...entries.values()].map((entry) => entry.controller);
  entries.clear();
  for (const controller of controllers) controller.fail(forRequest(error, controller.requestId));
}
