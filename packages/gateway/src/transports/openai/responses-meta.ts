import type { StreamEvent } from '@streamgate/protocol';
import { z } from 'zod';
import type { ChatStream } from '../../engine/chat-engine.js';

/** The `type` of the trace that carries a response's parameters among its retained events. */
export const RESPONSE_META_TRACE = 'openai.response';

/**
 * What a response object says beyond its events: its parameters and when it was created. Retained with
 * the events (a `trace` right after `start`), so that any instance rebuilds the same response object
 * from the retention store alone, and so that only responses (not native streams) are found as ones.
 */
export const responseMetaSchema = z.object({
  type: z.literal(RESPONSE_META_TRACE),
  created_at: z.number().int(),
  instructions: z.string().nullable(),
  max_output_tokens: z.number().int().nullable(),
  temperature: z.number().nullable(),
  previous_response_id: z.string().nullable(),
  store: z.boolean(),
  background: z.boolean(),
  metadata: z.record(z.string(), z.string()),
});

export type ResponseMeta = z.infer<typeof responseMetaSchema>;

/** The response parameters a trace carries, or undefined for any other trace. */
export function responseMetaOf(event: StreamEvent): ResponseMeta | undefined {
  if (event.type !== 'trace') return undefined;
  const parsed = responseMetaSchema.safeParse(event.data);
  return parsed.success ? parsed.data : undefined;
}

/** The engine's stream with the response's parameters as a trace right after `start` (seq 1 once retained). */
export function withResponseMeta(stream: ChatStream, meta: ResponseMeta): ChatStream {
  async function* events(): AsyncGenerator<StreamEvent> {
    let first = true;
    for await (const event of stream) {
      yield event;
      if (first) {
        first = false;
        yield { type: 'trace', data: meta };
      }
    }
  }
  const generator = events();
  return { requestId: stream.requestId, sessionId: stream.sessionId, model: stream.model, [Symbol.asyncIterator]: () => generator };
}
