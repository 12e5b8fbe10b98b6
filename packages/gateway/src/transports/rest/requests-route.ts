import { REQUEST_ID_PATTERN } from '@streamgate/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { StreamRuns } from '../../engine/stream-runs.js';
import { GatewayError } from '../../errors.js';
import { errorResponseSchema, metricsSchema, usageSchema } from '../schemas.js';
import { wireMetrics, wireUsage } from '../wire.js';

const params = z.object({ request_id: z.string().regex(REQUEST_ID_PATTERN) });

const requestStatusSchema = z.object({
  request_id: z.string(),
  status: z.enum(['running', 'completed', 'failed']).describe('`failed` includes cancelled requests: see `error.code`'),
  session_id: z.string().optional(),
  model: z.string().optional(),
  message: z.string().describe('The reply so far (all of it once completed)'),
  complete_text: z.boolean().describe('false when the oldest events are no longer retained, so `message` lacks its beginning'),
  stop_reason: z.string().optional(),
  usage: usageSchema.optional(),
  metrics: metricsSchema.optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  events: z.number().int().describe('Events retained; resume from any of them with GET /v1/chat/stream/{request_id}'),
});

/** Events read to rebuild a request's state: the per-stream retention cap bounds it anyway. */
const MAX_EVENTS = 1_000_000;

/** `GET /v1/requests/{request_id}`: a streamed request's status, reply and usage, from its retained events (background runs). */
export function registerRequestsRoute(app: FastifyInstance, runs: StreamRuns): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/requests/:request_id',
    {
      schema: {
        summary: "A streamed request's status, reply and usage",
        description: 'For the key that started it, while its events are retained (`STREAM_RETENTION_SECONDS` after it ends). Background runs are fetched this way.',
        tags: ['chat'],
        params,
        response: { 200: requestStatusSchema, '4XX': errorResponseSchema, '5XX': errorResponseSchema },
      },
    },
    async function requestStatus(request) {
      const requestId = request.params.request_id;
      const retained = await runs.retained(requestId, request.caller, MAX_EVENTS);
      if (!retained || retained.header.ownerKeyId !== request.caller.keyId) {
        throw new GatewayError('stream_not_found', `No retained request "${requestId}" belongs to this key.`);
      }
      const body: z.infer<typeof requestStatusSchema> = {
        request_id: requestId,
        status: 'running',
        message: '',
        complete_text: retained.firstSeq === 0,
        events: retained.events.length,
      };
      const text: string[] = [];
      for (const { event } of retained.events) {
        if (event.type === 'start') {
          body.session_id = event.sessionId;
          body.model = event.model;
        } else if (event.type === 'delta') text.push(event.text);
        else if (event.type === 'done') {
          body.status = 'completed';
          body.stop_reason = event.stopReason;
          body.usage = wireUsage(event);
          body.metrics = wireMetrics(event);
        } else if (event.type === 'error') {
          body.status = 'failed';
          body.error = { code: event.code, message: event.message };
        }
      }
      body.message = text.join('');
      return body;
    },
  );

  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/requests/:request_id/cancel',
    {
      schema: {
        summary: 'Cancel a streamed request',
        description:
          'Stops the model call at once, on whichever instance runs it, and ends the stream with a `cancelled` error for everyone following it. ' +
          'A dropped connection does not do this by itself: the call goes on for `STREAM_RESUME_GRACE_MS` so that the client can resume.',
        tags: ['chat'],
        params,
        response: { 200: z.object({ request_id: z.string(), status: z.literal('cancelling') }), '4XX': errorResponseSchema, '5XX': errorResponseSchema },
      },
    },
    async function cancelRequest(request) {
      const requestId = request.params.request_id;
      if (!(await runs.cancel(requestId, request.caller))) {
        throw new GatewayError('request_not_found', `No running request "${requestId}" belongs to this key.`);
      }
      return { request_id: requestId, status: 'cancelling' as const };
    },
  );
}
