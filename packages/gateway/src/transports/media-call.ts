import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Transport } from '../engine/chat-request.js';
import type { MediaCallResult, MediaEngine, MediaEntry } from '../engine/media-engine.js';
import { abortOnClientClose } from './rest/abort-on-close.js';

/**
 * An HTTP embedding or image request handed to the media engine: the caller and the model it named,
 * and a signal that fires when the client goes away. Admission and accounting are the engine's.
 */
export function runMediaCall<T>(
  request: FastifyRequest,
  reply: FastifyReply,
  media: MediaEngine,
  options: { entry: MediaEntry; requestedModel: string | undefined; transport: Transport },
  call: (signal: AbortSignal) => Promise<MediaCallResult<T>>,
): Promise<T> {
  const mediaRequest = {
    requestId: request.id,
    caller: request.caller,
    transport: options.transport,
    ...(options.requestedModel !== undefined ? { model: options.requestedModel } : {}),
  };
  return media.run(mediaRequest, options.entry, abortOnClientClose(reply), call);
}
