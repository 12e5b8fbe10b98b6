import type { StopReason, StreamEvent, StreamMetrics, Usage } from '@streamgate/protocol';
import { isFiniteNumber, isRecord } from '../shared/validate.js';

export type WireEventResult = { ok: true; event: StreamEvent | undefined } | { ok: false; message: string };

/**
 * A stream event as the gateway puts it on the wire (SSE `event:` + `data:`, or a WebSocket frame's
 * `event` and its fields), checked and turned into the protocol's camelCase event. Unknown event
 * names give `event: undefined`, so that a newer gateway's additions are skipped, not fatal.
 */
export function toStreamEvent(name: string, payload: unknown): WireEventResult {
  if (!isRecord(payload)) return invalid(name, 'the payload is not a JSON object');
  switch (name) {
    case 'start': {
      const { request_id: requestId, session_id: sessionId, model } = payload;
      if (typeof requestId !== 'string' || typeof sessionId !== 'string' || typeof model !== 'string') {
        return invalid(name, 'request_id, session_id and model must be strings');
      }
      return { ok: true, event: { type: 'start', requestId, sessionId, model } };
    }
    case 'message':
      if (typeof payload.content !== 'string') return invalid(name, 'content must be a string');
      return { ok: true, event: { type: 'delta', text: payload.content } };
    case 'trace':
      return { ok: true, event: { type: 'trace', data: payload.data } };
    case 'done': {
      const usage = toUsage(payload.usage);
      const metrics = toMetrics(payload.metrics);
      if (typeof payload.stop_reason !== 'string' || !usage || !metrics) {
        return invalid(name, 'stop_reason, usage and metrics are required');
      }
      return { ok: true, event: { type: 'done', stopReason: payload.stop_reason as StopReason, usage, metrics } };
    }
    case 'error':
      if (typeof payload.code !== 'string' || typeof payload.message !== 'string') {
        return invalid(name, 'code and message must be strings');
      }
      return {
        ok: true,
        // `code` may be one a newer gateway added: kept as sent, typed as the known union.
        event: {
          type: 'error',
          code: payload.code as never,
          message: payload.message,
          retryable: payload.retryable === true,
          ...(isFiniteNumber(payload.retry_after_ms) && payload.retry_after_ms >= 0 ? { retryAfterMs: payload.retry_after_ms } : {}),
        },
      };
    default:
      return { ok: true, event: undefined };
  }
}

function toUsage(value: unknown): Usage | undefined {
  if (!isRecord(value) || !isFiniteNumber(value.input_tokens) || !isFiniteNumber(value.output_tokens)) return undefined;
  return { inputTokens: value.input_tokens, outputTokens: value.output_tokens };
}

function toMetrics(value: unknown): StreamMetrics | undefined {
  if (!isRecord(value) || !isFiniteNumber(value.total_ms) || !isFiniteNumber(value.output_tokens_per_second)) return undefined;
  if (value.ttft_ms !== null && !isFiniteNumber(value.ttft_ms)) return undefined;
  return { ttftMs: value.ttft_ms, totalMs: value.total_ms, outputTokensPerSecond: value.output_tokens_per_second };
}

function invalid(name: string, problem: string): WireEventResult {
  return { ok: false, message: `Invalid "${name}" event from the gateway: ${problem}.` };
}
