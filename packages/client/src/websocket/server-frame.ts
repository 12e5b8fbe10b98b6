import type { StreamEvent } from '@streamgate/protocol';
import { StreamGateError } from '../errors/streamgate-error.js';
import { isFiniteNumber, isRecord, parseJson } from '../shared/validate.js';
import { toStreamEvent } from '../wire/wire-event.js';

/** A frame from the gateway, sorted by who it is for: the connection, or one request. */
export type ServerFrame =
  | { kind: 'connected'; connectionId: string; heartbeatIntervalMs: number | undefined; sessionId: string | undefined }
  | { kind: 'pong' }
  | { kind: 'connection-error'; error: StreamGateError }
  | { kind: 'request'; requestId: string; event: StreamEvent }
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
      },
    };
  }
  if (frame.event === 'pong') return { ok: true, frame: { kind: 'pong' } };
  const mapped = toStreamEvent(frame.event, frame);
  if (!mapped.ok) return mapped;
  if (!mapped.event) return { ok: true, frame: { kind: 'ignored' } };
  if (typeof frame.request_id === 'string') return { ok: true, frame: { kind: 'request', requestId: frame.request_id, event: mapped.event } };
  if (mapped.event.type === 'error') {
    const { code, message, retryable, retryAfterMs } = mapped.event;
    const error = new StreamGateError(code, message, { retryable, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
    return { ok: true, frame: { kind: 'connection-error', error } };
  }
  return { ok: false, message: `The gateway sent a "${frame.event}" frame without a request_id.` };
}
