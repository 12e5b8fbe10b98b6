import type { DoneEvent, StreamEvent, WireMetrics, WireUsage } from '@streamgate/protocol';

export function wireUsage(event: DoneEvent): WireUsage {
  return { input_tokens: event.usage.inputTokens, output_tokens: event.usage.outputTokens };
}

export function wireMetrics(event: DoneEvent): WireMetrics {
  return {
    ttft_ms: event.metrics.ttftMs,
    total_ms: event.metrics.totalMs,
    output_tokens_per_second: event.metrics.outputTokensPerSecond,
  };
}

/** The `event:` name and `data:` payload of a stream event on SSE; WebSocket frames add `request_id` and `seq`. */
export function wirePayload(event: StreamEvent): { name: string; data: Record<string, unknown> } {
  switch (event.type) {
    case 'start':
      return {
        name: 'start',
        data: { request_id: event.requestId, session_id: event.sessionId, model: event.model, ...(event.resumeToken ? { resume_token: event.resumeToken } : {}) },
      };
    case 'delta':
      return { name: 'message', data: { content: event.text } };
    case 'trace':
      return { name: 'trace', data: { data: event.data } };
    case 'done':
      return {
        name: 'done',
        data: { status: 'complete', stop_reason: event.stopReason, usage: wireUsage(event), metrics: wireMetrics(event) },
      };
    case 'error':
      return { name: 'error', data: { code: event.code, message: event.message, retryable: event.retryable } };
  }
}
