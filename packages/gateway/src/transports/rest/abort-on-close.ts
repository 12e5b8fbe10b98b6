import type { FastifyReply } from 'fastify';
import { GatewayError } from '../../errors.js';

/**
 * A signal that fires when the client's connection closes before the response is complete:
 * the model call it guards stops at once instead of spending tokens nobody will read.
 */
export function abortOnClientClose(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  const response = reply.raw;
  response.once('close', () => {
    if (!response.writableFinished) controller.abort(new GatewayError('cancelled', 'The client went away.'));
  });
  return controller.signal;
}
