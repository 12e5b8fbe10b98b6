import type { FastifyReply } from 'fastify';
import type { ChatStream } from '../../engine/chat-engine.js';
import { wirePayload } from '../wire.js';
import { openEventStream, SseWriter } from './sse-writer.js';

/**
 * Sends an admitted stream as Server-Sent Events (`start`, `message`, `trace`, `done` | `error`),
 * each with `id: <request_id>:<seq>`, heartbeats between them, and backpressure from the socket.
 */
export async function sendSseStream(reply: FastifyReply, stream: ChatStream, heartbeatIntervalMs: number): Promise<void> {
  const response = openEventStream(reply, { 'x-request-id': stream.requestId, 'x-session-id': stream.sessionId });
  const writer = new SseWriter(response, heartbeatIntervalMs);
  let seq = 0;
  try {
    for await (const event of stream) {
      if (writer.closed) break;
      const { name, data } = wirePayload(event);
      await writer.write(`${stream.requestId}:${seq++}`, name, data);
    }
  } finally {
    writer.end();
  }
}
