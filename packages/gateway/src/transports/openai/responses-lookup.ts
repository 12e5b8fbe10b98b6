import type { Caller } from '../../engine/chat-request.js';
import type { StreamRuns } from '../../engine/stream-runs.js';
import { GatewayError } from '../../errors.js';
import type { RetainedStream } from '../../stores/streams/stream-retention.js';
import { requestIdOf, ResponseTranslator } from './responses-events.js';

/** Events read to rebuild a response: the per-stream retention cap bounds it anyway. */
const MAX_EVENTS = 1_000_000;

/** A retained response: its request id, what is retained of it, and the translator fed all of it. */
export interface FoundResponse {
  requestId: string;
  retained: RetainedStream;
  translator: ResponseTranslator;
}

function notFound(responseId: string): GatewayError {
  return new GatewayError(
    'stream_not_found',
    `No response "${responseId}" belongs to this key: it never existed, was not stored (store: false), belongs to another key, or its retention ended (STREAM_RETENTION_SECONDS after it ended).`,
  );
}

/** The request id of a response id, or `stream_not_found`. */
export function requestIdOrNotFound(responseId: string): string {
  const requestId = requestIdOf(responseId);
  if (requestId === undefined) throw notFound(responseId);
  return requestId;
}

/**
 * `caller`'s response `responseId`, rebuilt from its retained events (read up to `limit`). Throws
 * `stream_not_found` when there is none (or it is a native stream, not a response) and `stream_gap`
 * when its beginning is no longer retained (a response is rebuilt from its first event).
 */
export async function findResponse(runs: StreamRuns, responseId: string, caller: Caller, limit = MAX_EVENTS): Promise<FoundResponse> {
  const requestId = requestIdOrNotFound(responseId);
  const retained = await runs.retained(requestId, caller, limit);
  if (!retained || retained.header.ownerKeyId !== caller.keyId) throw notFound(responseId);
  if (retained.firstSeq > 0) {
    throw new GatewayError('stream_gap', `The beginning of response "${responseId}" is no longer retained (it outgrew STREAM_RETENTION_MAX_EVENTS): it cannot be rebuilt.`);
  }
  const translator = new ResponseTranslator();
  for (const entry of retained.events) translator.push(entry);
  if (!translator.isResponse) throw notFound(responseId);
  return { requestId, retained, translator };
}
