import { chatRequestSchema } from '@streamgate/protocol/schemas';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ChatEngine } from '../../engine/chat-engine.js';
import type { StreamRuns } from '../../engine/stream-runs.js';
import { abortOnClientClose } from '../rest/abort-on-close.js';
import { toChatRequest } from '../rest/chat-body.js';
import { errorResponseSchema } from '../schemas.js';
import { sendSseStream } from './send-sse-stream.js';
import { withResumeToken } from '../resume-token.js';

const SSE_DESCRIPTION = [
  'Streams the reply as Server-Sent Events. Each event has `id: <request_id>:<seq>`.',
  '',
  '- `event: start` `data: {"request_id","session_id","model","resume_token"}`',
  '- `event: message` `data: {"content":"..."}` for each piece of text',
  '- `event: trace` `data: {"data":{...}}` for agent steps',
  '- `event: done` `data: {"status":"complete","stop_reason","usage","metrics"}`',
  '- `event: error` `data: {"code","message","retryable"}` if the stream fails after it started',
  '',
  'Comment lines (`: heartbeat`) keep the connection alive. Errors before the stream starts are ordinary JSON error responses.',
  'If the connection drops, the model call goes on for `STREAM_RESUME_GRACE_MS` (to the end with `"background": true`):',
  '`GET /v1/chat/stream/{request_id}` with `Last-Event-ID` continues where the client left off.',
].join('\n');

/** `POST /v1/chat/stream`: the reply as Server-Sent Events, retained so that a dropped connection can resume. */
export function registerChatStreamRoute(app: FastifyInstance, engine: ChatEngine, runs: StreamRuns, heartbeatIntervalMs: number): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/chat/stream',
    {
      schema: {
        summary: 'Chat, streamed over Server-Sent Events',
        description: SSE_DESCRIPTION,
        tags: ['chat'],
        body: chatRequestSchema,
        produces: ['text/event-stream'],
        response: {
          200: z.string().describe('text/event-stream'),
          '4XX': errorResponseSchema,
          '5XX': errorResponseSchema,
        },
      },
    },
    async function chatStream(request, reply) {
      // The model call follows the run, not this connection: a drop starts the resume grace instead.
      const controller = new AbortController();
      const stream = await engine.open(toChatRequest(request.body, request.id, request.caller, 'sse'), controller.signal);
      const run = runs.start(stream, controller, request.caller, request.body.background === true);
      const events = withResumeToken(runs.follow(run, -1, abortOnClientClose(reply)), run.resumeToken);
      await sendSseStream(reply, stream, events, heartbeatIntervalMs);
    },
  );
}
