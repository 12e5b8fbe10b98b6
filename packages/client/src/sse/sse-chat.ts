import { createParser } from 'eventsource-parser';
import { toWireBody, type ChatRequest } from '../chat/chat-request.js';
import type { ChatStreamController } from '../chat/chat-stream.js';
import { StreamGateError } from '../errors/streamgate-error.js';
import type { HttpClient } from '../http/http-client.js';
import { asStreamGateError } from '../rest/rest-chat.js';
import { parseJson } from '../shared/validate.js';
import { toStreamEvent } from '../wire/wire-event.js';

/**
 * `POST /v1/chat/stream`, read with `fetch` (EventSource cannot POST a body or send headers).
 * Errors before the stream starts are the gateway's JSON errors; a body that ends without `done`
 * or `error` is a broken connection (`connection_lost`, retryable).
 */
export function chatOverSse(http: HttpClient, request: ChatRequest, controller: ChatStreamController): void {
  if (controller.ended) return;
  const abort = new AbortController();
  controller.onCancel(() => {
    // Closing the connection alone would leave the model running for the gateway's resume grace:
    // say "cancel" first, then hang up.
    http
      .send({ method: 'POST', path: `/v1/requests/${encodeURIComponent(controller.requestId)}/cancel`, requestId: controller.requestId })
      .then((response) => response.body?.cancel())
      .catch(() => undefined);
    abort.abort();
  });
  readStream(http, request, controller, abort.signal).catch((error: unknown) => controller.fail(asStreamGateError(error, controller.requestId)));
}

async function readStream(http: HttpClient, request: ChatRequest, controller: ChatStreamController, signal: AbortSignal): Promise<void> {
  const { requestId } = controller;
  const response = await http.send({
    method: 'POST',
    path: '/v1/chat/stream',
    requestId,
    body: toWireBody(request),
    accept: 'text/event-stream',
    signal,
  });
  if (!response.body || !(response.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    throw new StreamGateError('invalid_response', 'The gateway did not answer with an event stream.', { status: response.status, requestId });
  }
  const parser = createParser({
    onEvent(message) {
      const data = parseJson(message.data);
      const mapped = data.ok ? toStreamEvent(message.event ?? 'message', data.value) : { ok: false as const, message: data.message };
      if (!mapped.ok) controller.fail(new StreamGateError('invalid_response', mapped.message, { requestId }));
      else if (mapped.event) controller.push(mapped.event);
    },
  });
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  try {
    while (!controller.ended) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
    }
  } catch (error) {
    if (controller.ended) return;
    throw new StreamGateError('connection_lost', 'The event stream broke before the reply was complete.', { requestId, cause: error });
  } finally {
    // Lets go of a body we stopped reading early (a bad event, a cancel); a no-op once it has ended.
    void reader.cancel().catch(() => undefined);
  }
  if (!controller.ended) {
    throw new StreamGateError('connection_lost', 'The event stream ended before the reply was complete.', { requestId });
  }
}
