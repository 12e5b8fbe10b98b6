import type { ChatResponseBody, DoneEvent } from '@streamgate/protocol';
import { toWireBody, type ChatRequest } from '../chat/chat-request.js';
import type { ChatStreamController } from '../chat/chat-stream.js';
import { StreamGateError } from '../errors/streamgate-error.js';
import type { HttpClient } from '../http/http-client.js';
import { isRecord } from '../shared/validate.js';
import { toStreamEvent } from '../wire/wire-event.js';

/**
 * `POST /v1/chat`, presented as a stream: `start`, the whole reply as one `delta`, then `done`,
 * all when the response arrives. Time to first token is therefore the total time.
 */
export function chatOverRest(http: HttpClient, request: ChatRequest, controller: ChatStreamController): void {
  if (controller.ended) return;
  const abort = new AbortController();
  controller.onCancel(() => abort.abort());
  const call = http.json(
    { method: 'POST', path: '/v1/chat', requestId: controller.requestId, body: toWireBody(request), signal: abort.signal },
    readChatResponse,
  );
  call.then(
    ({ body, done }) => {
      controller.push({ type: 'start', requestId: body.request_id, sessionId: body.session_id, model: body.model });
      if (body.message.length > 0) controller.push({ type: 'delta', text: body.message });
      controller.push(done);
    },
    (error: unknown) => controller.fail(asStreamGateError(error, controller.requestId)),
  );
}

function readChatResponse(value: unknown): { body: ChatResponseBody; done: DoneEvent } | undefined {
  if (!isRecord(value)) return undefined;
  const { message, session_id: sessionId, model, request_id: requestId } = value;
  if (typeof message !== 'string' || typeof sessionId !== 'string' || typeof model !== 'string' || typeof requestId !== 'string') {
    return undefined;
  }
  const done = toStreamEvent('done', value);
  if (!done.ok || done.event?.type !== 'done') return undefined;
  return { body: value as unknown as ChatResponseBody, done: done.event };
}

/** Anything a transport caught, as a StreamGateError (an unexpected throw is the client's own bug). */
export function asStreamGateError(error: unknown, requestId: string): StreamGateError {
  if (error instanceof StreamGateError) return error;
  return new StreamGateError('internal_error', `Unexpected client failure: ${error instanceof Error ? error.message : String(error)}`, {
    requestId,
    retryable: false,
    cause: error,
  });
}
