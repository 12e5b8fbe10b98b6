import { createParser } from 'eventsource-parser';
import type { ChatStreamController } from '../chat/chat-stream.js';
import { StreamGateError } from '../errors/streamgate-error.js';
import { parseJson } from '../shared/validate.js';
import { toStreamEvent } from '../wire/wire-event.js';

/** How far a stream has got, across the responses that carried it. */
export interface StreamPosition {
  /** The seq of the last event taken (-1: none yet), from the event ids `<request_id>:<seq>`. */
  lastSeq: number;
  /** Events taken so far, to tell whether a resumed response made progress. */
  taken: number;
  /** An event came without an id (a gateway older than resuming): resuming could repeat text. */
  unnumbered: boolean;
}

/** How one response's body ended: cleanly (with or without the stream's last event), or broken. */
export type BodyOutcome = { broken: false } | { broken: true; cause: unknown };

/**
 * Feeds one `text/event-stream` body into the stream, skipping events at or before the position
 * (a replay that overlaps what already arrived), until the body ends or the stream has its outcome.
 */
export async function readEventStream(body: ReadableStream<Uint8Array>, controller: ChatStreamController, position: StreamPosition): Promise<BodyOutcome> {
  const { requestId } = controller;
  const parser = createParser({
    onEvent(message) {
      const seq = seqOf(message.id);
      if (seq === undefined) position.unnumbered = true;
      else if (seq <= position.lastSeq) return;
      else position.lastSeq = seq;
      position.taken++;
      const data = parseJson(message.data);
      const mapped = data.ok ? toStreamEvent(message.event ?? 'message', data.value) : { ok: false as const, message: data.message };
      if (!mapped.ok) controller.fail(new StreamGateError('invalid_response', mapped.message, { requestId }));
      else if (mapped.event) controller.push(mapped.event);
    },
  });
  const reader = body.getReader();
  const decoder = new TextDecoder();
  try {
    while (!controller.ended) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
    }
    return { broken: false };
  } catch (cause) {
    return { broken: true, cause };
  } finally {
    // Lets go of a body we stopped reading early (a bad event, a cancel); a no-op once it has ended.
    void reader.cancel().catch(() => undefined);
  }
}

/** The seq in an event id `<request_id>:<seq>` (request ids have no colon), or undefined without one. */
function seqOf(id: string | undefined): number | undefined {
  const match = id === undefined ? null : /:(\d{1,15})$/.exec(id);
  return match ? Number(match[1]) : undefined;
}
