import type { FastifyReply } from 'fastify';
import type { ChatStream } from '../../engine/chat-engine.js';
import type { RetainedEvent } from '../../stores/streams/stream-retention.js';
import { toGatewayError } from '../../errors.js';
import { wirePayload } from '../wire.js';
import { openEventStream, SseWriter } from './sse-writer.js';

/** A stream's ids as the response headers carry them. */
export interface StreamIds {
  requestId: string;
  sessionId?: string;
}

/**
 * Sends events as Server-Sent Events (`start`, `message`, `trace`, `done` | `error`), each with
 * `id: <request_id>:<seq>` (what `Last-Event-ID` resumes from), heartbeats between them, and
 * backpressure from the socket.
 */
export async function sendSseStream(reply: FastifyReply, ids: StreamIds, events: AsyncIterable<RetainedEvent>, heartbeatIntervalMs: number): Promise<void> {
  const response = openEventStream(reply, {
    'x-request-id': ids.requestId,
    ...(ids.sessionId ? { 'x-session-id': ids.sessionId } : {}),
    // A client that hears nothing for longer than this knows the connection is dead and may resume.
    'x-heartbeat-interval-ms': String(heartbeatIntervalMs),
  });
  const writer = new SseWriter(response, heartbeatIntervalMs);
  try {
    for await (const { seq, event } of events) {
      if (writer.closed) break;
      const { name, data } = wirePayload(event);
      await writer.write(`${ids.requestId}:${seq}`, name, data);
    }
  } catch (error) {
    // The stream had started: a failure (a gap found while catching up, a store outage) is an `error`
    // event with its code, never a body that just stops, which a client would take for a dropped connection.
    const failure = toGatewayError(error);
    // No id: there is nothing after it to resume from.
    await writer.send(`event: error\ndata: ${JSON.stringify({ code: failure.code, message: failure.message, retryable: failure.retryable })}\n\n`);
  } finally {
    writer.end();
  }
}

/** A stream that is not retained (the Bedrock proxy route), numbered as a retained one would be. */
export async function* numbered(stream: ChatStream): AsyncGenerator<RetainedEvent> {
  let seq = 0;
  for await (const event of stream) yield { seq: seq++, event };
}
