import type { StopReason } from '@streamgate/protocol';
import { chatRequestSchema } from '@streamgate/protocol/schemas';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ChatEngine } from '../../engine/chat-engine.js';
import { GatewayError } from '../../errors.js';
import { errorResponseSchema, metricsSchema, usageSchema } from '../schemas.js';
import { wireMetrics, wireUsage } from '../wire.js';
import { abortOnClientClose } from './abort-on-close.js';
import { toChatRequest } from './chat-body.js';

const chatResponseSchema = z.object({
  message: z.string(),
  session_id: z.string(),
  model: z.string(),
  request_id: z.string(),
  stop_reason: z.string(),
  usage: usageSchema,
  metrics: metricsSchema,
});

/** `POST /v1/chat`: the whole reply in one JSON body. */
export function registerChatRoute(app: FastifyInstance, engine: ChatEngine): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/chat',
    {
      schema: {
        summary: 'Chat, blocking',
        description: 'Sends one message and returns the whole reply. The turn is added to the session.',
        tags: ['chat'],
        body: chatRequestSchema,
        response: { 200: chatResponseSchema, '4XX': errorResponseSchema, '5XX': errorResponseSchema },
      },
    },
    async function chat(request, reply) {
      const signal = abortOnClientClose(reply);
      const stream = await engine.open(toChatRequest(request.body, request.id, request.caller, 'rest'), signal);
      const chunks: string[] = [];
      for await (const event of stream) {
        if (event.type === 'delta') chunks.push(event.text);
        else if (event.type === 'error') {
          // What arrived before the failure is the caller's: it was generated, and it is billed.
          const partial = chunks.length > 0 ? { details: { partial_message: chunks.join(''), session_id: stream.sessionId, model: stream.model } } : {};
          throw new GatewayError(event.code, event.message, { retryable: event.retryable, ...partial });
        }
        else if (event.type === 'done') {
          return {
            message: chunks.join(''),
            session_id: stream.sessionId,
            model: stream.model,
            request_id: stream.requestId,
            stop_reason: event.stopReason satisfies StopReason,
            usage: wireUsage(event),
            metrics: wireMetrics(event),
          };
        }
      }
      throw new GatewayError('internal_error', 'The stream ended without a result.');
    },
  );
}
