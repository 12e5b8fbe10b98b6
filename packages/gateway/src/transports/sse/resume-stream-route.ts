import { timingSafeEqual } from 'node:crypto';
import { REQUEST_ID_PATTERN } from '@streamgate/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Authenticator } from '../../access/authenticator.js';
import type { RateLimiter } from '../../access/rate-limit/rate-limiter.js';
import { rateLimited } from '../../access/rate-limit/rate-limiter.js';
import type { Caller } from '../../engine/chat-request.js';
import { hashResumeToken, resumeTokenOwner } from '../../engine/stream-run.js';
import type { StreamRuns } from '../../engine/stream-runs.js';
import { GatewayError } from '../../errors.js';
import { abortOnClientClose } from '../rest/abort-on-close.js';
import { errorResponseSchema } from '../schemas.js';
import { sendSseStream } from './send-sse-stream.js';

const params = z.object({ request_id: z.string().regex(REQUEST_ID_PATTERN, 'request_id must be 1-128 characters of A-Z, a-z, 0-9, "-" or "_"') });
const querystring = z.object({
  after: z.coerce.number().int().min(-1).max(Number.MAX_SAFE_INTEGER).optional().describe('Resume after this seq (-1 or absent: from the start); `Last-Event-ID` wins'),
  resume_token: z.string().min(1).max(200).optional().describe("The start event's `resume_token`: resumes this stream without a key (for EventSource)"),
});

export interface ResumeStreamRouteOptions {
  runs: StreamRuns;
  authenticator: Authenticator;
  limiter: RateLimiter;
  heartbeatIntervalMs: number;
}

/** `Last-Event-ID: <request_id>:<seq>` as a seq; a malformed one, or one of another stream, is refused. */
function lastEventSeq(header: string | string[] | undefined, requestId: string): number | undefined {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header[0]! : header;
  const match = /^(.+):(\d{1,15})$/.exec(value.trim());
  if (!match || match[1] !== requestId) {
    throw new GatewayError('invalid_request', `Last-Event-ID must be "${requestId}:<seq>", as the stream's event ids are; got ${JSON.stringify(value.slice(0, 200))}.`, {
      details: [{ path: 'headers.last-event-id', message: 'expected <request_id>:<seq>' }],
    });
  }
  return Number(match[2]);
}

/**
 * `GET /v1/chat/stream/{request_id}`: replays a retained stream's events after `Last-Event-ID` (or
 * `?after=`), then follows it live until `done` or `error`, on any instance that shares the retention
 * store. For the key that started it, or (a browser's `EventSource`, which cannot send headers) with
 * the stream's own resume token.
 */
export function registerResumeStreamRoute(app: FastifyInstance, options: ResumeStreamRouteOptions): void {
  const { runs, authenticator, limiter } = options;

  /** The caller: by its key, or, with the stream's resume token, as the stream's owner for this stream only. */
  const callerOf = async (request: FastifyRequest, requestId: string, resumeToken: string | undefined): Promise<Caller> => {
    if (resumeToken === undefined) {
      const caller = await authenticator.authenticate(request.headers);
      const decision = await limiter.checkRequest(caller);
      if (decision && !decision.allowed) throw rateLimited('requests', decision.resetSeconds * 1000, `This key may make ${decision.limit} requests per ${decision.windowSeconds} s.`);
      return caller;
    }
    const owner = resumeTokenOwner(resumeToken);
    const retained = owner === undefined ? undefined : await runs.retained(requestId, { keyId: owner }, 0);
    const expected = Buffer.from(retained?.header.resumeTokenHash || '0'.repeat(64), 'hex');
    const given = Buffer.from(hashResumeToken(resumeToken), 'hex');
    if (!retained || !timingSafeEqual(expected, given)) throw new GatewayError('stream_not_found', `No retained stream "${requestId}" has that resume token.`);
    return { keyId: retained.header.ownerKeyId };
  };

  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/chat/stream/:request_id',
    {
      // Authenticated here, not by the hooks: a resume token stands in for a key on this route only.
      config: { public: true },
      schema: {
        summary: 'Resume a stream',
        description:
          'Replays the events after `Last-Event-ID: <request_id>:<seq>` (or `?after=<seq>`; neither: from the start), then follows the stream live until `done` or `error`, with heartbeats. ' +
          "Needs the key that started the request, or the start event's `resume_token` in the query. `404 stream_not_found` when nothing is retained for this key; `410 stream_gap` when the events after that position are no longer all retained.",
        tags: ['chat'],
        params,
        querystring,
        produces: ['text/event-stream'],
        security: [{ apiKey: [] }, { bearer: [] }, {}],
        response: { 200: z.string().describe('text/event-stream'), '4XX': errorResponseSchema, '5XX': errorResponseSchema },
      },
    },
    async function resumeStream(request, reply) {
      const requestId = request.params.request_id;
      const afterSeq = lastEventSeq(request.headers['last-event-id'], requestId) ?? request.query.after ?? -1;
      const caller = await callerOf(request, requestId, request.query.resume_token);
      const resumption = await runs.resume(requestId, caller, afterSeq, abortOnClientClose(reply));
      reply.header('x-replayed-events', String(resumption.replayed));
      await sendSseStream(reply, { requestId }, resumption.events, options.heartbeatIntervalMs);
    },
  );
}
