import type { FastifyReply } from 'fastify';
import { toGatewayError } from '../../errors.js';
import type { RetainedEvent } from '../../stores/streams/stream-retention.js';
import { openEventStream, SseWriter } from '../sse/sse-writer.js';
import type { ResponseStreamEvent, ResponseTranslator } from './responses-events.js';

export interface ResponsesStreamOptions {
  /** Sent before the first event: `x-session-id`. */
  headers: Readonly<Record<string, string>>;
  /** Events with a sequence number up to this one are left out (`starting_after`); -1: none. */
  startingAfter: number;
  heartbeatIntervalMs: number;
}

function frame(event: ResponseStreamEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * Sends a response's events as OpenAI's Responses stream: `event: <type>` / `data: {type,
 * sequence_number, ...}`, heartbeat comments between them, backpressure from the socket. `events`
 * starts at the request's first event (seq 0), so that the translator numbers every event as it did the
 * first time; those at or before `startingAfter` were sent already and are skipped.
 *
 * A follow that cannot go on (its events are no longer retained) ends with OpenAI's `error` event. A
 * follow the gateway lets go of (shutting down) ends without a terminal event: the client resumes with
 * `GET /v1/responses/{id}?stream=true&starting_after=<last sequence_number>`.
 */
export async function sendResponsesStream(
  reply: FastifyReply,
  translator: ResponseTranslator,
  events: AsyncIterable<RetainedEvent>,
  options: ResponsesStreamOptions,
): Promise<void> {
  const writer = new SseWriter(openEventStream(reply, options.headers), options.heartbeatIntervalMs);
  try {
    for await (const entry of events) {
      if (writer.closed) break;
      let text = '';
      for (const event of translator.push(entry)) if (event.sequence_number > options.startingAfter) text += frame(event);
      if (text !== '') await writer.send(text);
    }
  } catch (error) {
    const failure = toGatewayError(error);
    if (failure.code === 'internal_error') reply.log.error({ err: error }, 'responses stream failed');
    await writer.send(frame(translator.errorEvent(failure.code, failure.message)));
  } finally {
    writer.end();
  }
}
