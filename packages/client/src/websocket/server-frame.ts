import type { StreamEvent } from '@streamgate/protocol';
import { StreamGateError } from '../errors/streamgate-error.js';
import { isFiniteNumber, isRecord, parseJson } from '../shared/validate.js';
import { toStreamEvent } from '../wire/wire-event.js';

/** A frame from the gateway, sorted by who it is for: the connection, or one request. */
export type ServerFrame =
  | {
      kind: 'connected';
      connectionId: string;
      heartbeatIntervalMs: number | undefined;
      sessionId: string | undefined;
      /** Requests the socket runs at once; undefined from gateways that do not say. */
      maxConcurrentRequests: number | undefined;
    }
  | { kind: 'pong' }
  | { kind: 'connection-error'; error: StreamGateError }
  /** `seq` is the event's place in its request (absent on refusals sent before a request started). */
  | { kind: 'request'; requestId: string; seq: number | undefined; event: StreamEvent }
  /** The gateway accepted a resume, and says how many retained events it sends before the live ones. */
  | { kind: 'resumed'; requestId: string; replayed: number | null }
  | { kind: 'ignored' };

/** One text frame, parsed and checked in one step; never throws. */
export function parseServerFrame(text: string): { ok: true; frame: ServerFrame } | { ok: false; message: string } {
  const parsed = parseJson(text);
  if (!parsed.ok) return { ok: false, message: `The gateway sent a frame that is not JSON: ${parsed.message}` };
  const frame = parsed.value;
  if (!isRecord(frame) || typeof frame.event !== 'string') return { ok: false, message: 'The gateway sent a frame without an "event".' };
  if (frame.event === 'connected') {
    if (typeof frame.connection_id !== 'string') return { ok: false, message: 'The "connected" frame has no connection_id.' };
    return {
      ok: true,
      frame: {
        kind: 'connected',
        connectionId: frame.connection_id,
        heartbeatIntervalMs: isFiniteNumber(frame.heartbeat_interval_ms) ? frame.heartbeat_interval_ms : undefined,
        sessionId: typeof frame.session_id === 'string' ? frame.session_id : undefined,
        maxConcurrentRequests:
          isFiniteNumber(frame.max_concurrent_requests) && frame.max_concurrent_requests >= 1 ? frame.max_concurrent_requests : undefined,
      },
    };
  }
  if (frame.event === 'pong') return { ok: true, frame: { kind: 'pong' } };
  if (frame.event === 'resumed' && typeof frame.request_id === 'string') {
    const replayed = isFiniteNumber(frame.replayed) && frame.replayed >= 0 ? frame.replayed : null;
    return { ok: true, frame: { kind: 'resumed', requestId: frame.request_id, replayed } };
  }
  const mapped = toStreamEvent(frame.event, frame);
  if (!mapped.ok) return mapped;
  if (!mapped.event) return { ok: true, frame: { kind: 'ignored' } };
  if (typeof frame.request_id === 'string') {
    const seq = isFiniteNumber(frame.seq) ? frame.seq : undefined;
    return { ok: true, frame: { kind: 'request', requestId: frame.request_id, seq, event: mapped.event } };
  }
  if (mapped.event.type === 'error') {
    const { code, message, retryable, retryAfterMs } = mapped.event;
    const error = new StreamGateError(code, message, { retryable, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
    return { ok: true, frame: { kind: 'connection-error', error } };
  }
  return { ok: false, message: `The gateway sent a "${frame.event}" frame without a request_id.` };
}
