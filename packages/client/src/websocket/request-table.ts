import type { StreamEvent } from '@streamgate/protocol';
import type { ChatStreamController } from '../chat/chat-stream.js';
import { forRequest, type StreamGateError } from '../errors/streamgate-error.js';
import { WEBSOCKET_OPEN, type WebSocketLike } from './websocket-like.js';

interface RequestEntry {
  /** The chat frame, serialized once. */
  frame: string;
  controller: ChatStreamController;
}

/** The requests of one connection: those waiting for a socket, and those sent and not yet answered in full. */
export class RequestTable {
  private readonly waiting = new Map<string, RequestEntry>();
  private readonly sent = new Map<string, RequestEntry>();

  get inFlight(): number {
    return this.sent.size;
  }

  has(requestId: string): boolean {
    return this.waiting.has(requestId) || this.sent.has(requestId);
  }

  /** Sends the request now when a socket is open, else keeps it for the next one. */
  add(controller: ChatStreamController, frame: string, socket: WebSocketLike | undefined): void {
    const entry = { frame, controller };
    if (socket) this.send(entry, socket);
    else this.waiting.set(controller.requestId, entry);
  }

  /** A socket opened: sends everything that was waiting for one. */
  flush(socket: WebSocketLike): void {
    const entries = [...this.waiting.values()];
    this.waiting.clear();
    for (const entry of entries) this.send(entry, socket);
  }

  /** An event for one request; the request leaves the table when the event ends it. */
  deliver(requestId: string, event: StreamEvent): void {
    const entry = this.sent.get(requestId);
    if (!entry) return;
    entry.controller.push(event);
    if (entry.controller.ended) this.sent.delete(requestId);
  }

  /** The client cancelled: forget the request, and tell the gateway if it was sent. */
  cancel(requestId: string, socket: WebSocketLike | undefined): void {
    this.waiting.delete(requestId);
    if (this.sent.delete(requestId) && socket?.readyState === WEBSOCKET_OPEN) {
      socket.send(JSON.stringify({ type: 'cancel', request_id: requestId }));
    }
  }

  /** Ends every sent request with `error` (their socket is gone). */
  failSent(error: StreamGateError): void {
    failAll(this.sent, error);
  }

  /** Ends every waiting request with `error` (the socket they waited for did not come). */
  failWaiting(error: StreamGateError): void {
    failAll(this.waiting, error);
  }

  private send(entry: RequestEntry, socket: WebSocketLike): void {
    this.sent.set(entry.controller.requestId, entry);
    socket.send(entry.frame);
  }
}

function failAll(entries: Map<string, RequestEntry>, error: StreamGateError): void {
  const controllers = [...entries.values()].map((entry) => entry.controller);
  entries.clear();
  for (const controller of controllers) controller.fail(forRequest(error, controller.requestId));
}
