import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { abortOnClientClose } from '../rest/abort-on-close.js';
import { openAiErrorResponseSchema } from './openai-schemas.js';
import type { OpenAiSurface } from './openai-surface.js';
import { unsupportedParameter } from './responses-body.js';
import { ResponseTranslator } from './responses-events.js';
import { findResponse } from './responses-lookup.js';
import { responseIdParams, responseObjectSchema } from './responses-schemas.js';
import { sendResponsesStream } from './responses-stream.js';

const flag = z.enum(['true', 'false']).optional();

const querystring = z.looseObject({
  stream: flag.describe('true: the response as Server-Sent Events, replayed from its start, then live'),
  starting_after: z.coerce
    .number()
    .int()
    .min(-1)
    .max(Number.MAX_SAFE_INTEGER)
    .optional()
    .describe('With stream=true: send only the events after this sequence_number (the last one the client received)'),
  include_obfuscation: flag.describe('Accepted; the gateway adds no obfuscation'),
});

/** Enough of a response's events to know that it is one, and its session: `start` and the response's parameters. */
const EVENTS_TO_FIND_A_RESPONSE = 2;

/**
 * `GET /v1/responses/{id}` (the response object, or with `stream=true` its events after `starting_after`)
 * and `POST /v1/responses/{id}/cancel`, for the key that created the response, on any instance that
 * shares the retention store.
 */
export function registerResponsesRetrieveRoutes(app: FastifyInstance, surface: OpenAiSurface): void {
  const { runs } = surface;

  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/responses/:response_id',
    {
      schema: {
        summary: 'Retrieve a response (OpenAI Responses API)',
        description:
          'The response object rebuilt from its retained events: `in_progress` while it runs, then `completed`, `incomplete`, `failed` or `cancelled`, with its output and usage. ' +
          'With `stream=true`: its events as Server-Sent Events, those after `starting_after` (a `sequence_number`), then live until it ends. ' +
          'For the key that created it, while it is retained (`STREAM_RETENTION_SECONDS` after it ends); otherwise `404 stream_not_found`.',
        tags: ['openai'],
        params: responseIdParams,
        querystring,
        produces: ['application/json', 'text/event-stream'],
        response: { 200: responseObjectSchema, '4XX': openAiErrorResponseSchema, '5XX': openAiErrorResponseSchema },
      },
    },
    async function retrieveResponse(request, reply) {
      const { response_id: responseId } = request.params;
      // The SDK sends arrays as `include[]=...`.
      if (request.query.include !== undefined || request.query['include[]'] !== undefined) {
        throw unsupportedParameter('include', 'StreamGate responses include no extra output data: leave "include" out.');
      }
      if (request.query.stream !== 'true') {
        const found = await findResponse(runs, responseId, request.caller);
        reply.header('x-session-id', found.translator.sessionId);
        return found.translator.response();
      }
      const found = await findResponse(runs, responseId, request.caller, EVENTS_TO_FIND_A_RESPONSE);
      const resumption = await runs.resume(found.requestId, request.caller, -1, abortOnClientClose(reply));
      await sendResponsesStream(reply, new ResponseTranslator(), resumption.events, {
        headers: { 'x-session-id': found.translator.sessionId },
        startingAfter: request.query.starting_after ?? -1,
        heartbeatIntervalMs: surface.heartbeatIntervalMs,
      });
      return;
    },
  );

  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/responses/:response_id/cancel',
    {
      schema: {
        summary: 'Cancel a response (OpenAI Responses API)',
        description:
          'Stops the model call at once, on whichever instance runs it, and answers with the response once it has ended: `status: "cancelled"`, its output so far and its usage. ' +
          'A response that has already ended is returned as it ended. Any running response of this key can be cancelled, background or not.',
        tags: ['openai'],
        params: responseIdParams,
        response: { 200: responseObjectSchema, '4XX': openAiErrorResponseSchema, '5XX': openAiErrorResponseSchema },
      },
    },
    async function cancelResponse(request, reply) {
      const found = await findResponse(runs, request.params.response_id, request.caller, EVENTS_TO_FIND_A_RESPONSE);
      if (!found.retained.ended) await runs.cancel(found.requestId, request.caller);
      // Followed to its last event, which the cancel brings at once.
      const resumption = await runs.resume(found.requestId, request.caller, -1, abortOnClientClose(reply));
      const translator = new ResponseTranslator();
      for await (const entry of resumption.events) translator.push(entry);
      reply.header('x-session-id', translator.sessionId);
      return translator.response();
    },
  );
}
