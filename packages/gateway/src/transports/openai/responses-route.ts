import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ChatRequest } from '../../engine/chat-request.js';
import type { StreamRuns } from '../../engine/stream-runs.js';
import { GatewayError } from '../../errors.js';
import type { RetainedEvent } from '../../stores/streams/stream-retention.js';
import { abortOnClientClose } from '../rest/abort-on-close.js';
import { numbered } from '../sse/send-sse-stream.js';
import { openAiErrorResponseSchema } from './openai-schemas.js';
import type { OpenAiSurface } from './openai-surface.js';
import { checkResponsesParameters, responsesBodySchema, type ResponsesBody } from './responses-body.js';
import { ResponseTranslator, type ResponseObject } from './responses-events.js';
import { convertResponsesInput } from './responses-input.js';
import { findResponse } from './responses-lookup.js';
import { RESPONSE_META_TRACE, withResponseMeta, type ResponseMeta } from './responses-meta.js';
import { responseObjectSchema } from './responses-schemas.js';
import { sendResponsesStream } from './responses-stream.js';

const DESCRIPTION = [
  "OpenAI's Responses API over every chat model of the gateway. `input` is text or a list of messages; `instructions`",
  'is the system prompt. With `stream: true` the reply is Server-Sent Events `event: <type>` / `data: {type, sequence_number, ...}`',
  '(`response.created` ... `response.output_text.delta` ... `response.completed`); a dropped stream resumes with',
  '`GET /v1/responses/{id}?stream=true&starting_after=<sequence_number>`. `background: true` returns at once and runs to the end',
  'with no client; `previous_response_id` continues that response’s session. Stored responses (`store`, default true) are',
  'retrievable for `STREAM_RETENTION_SECONDS` after they end. Errors have OpenAI’s shape; a field the gateway does not honour is',
  'refused with `unsupported_parameter` naming it (docs/openai-compatibility.md).',
].join('\n');

/** The session `previous_response_id` continues: that response's, if it is this key's and has ended. */
async function previousSession(runs: StreamRuns, responseId: string, request: FastifyRequest): Promise<string> {
  const where = [{ path: 'previous_response_id', message: 'not found' }];
  try {
    const found = await findResponse(runs, responseId, request.caller, 2);
    if (!found.retained.ended) {
      throw new GatewayError('invalid_request', `Response "${responseId}" is still in progress: continue from it once it has ended.`, {
        details: [{ path: 'previous_response_id', message: 'still in progress' }],
      });
    }
    return found.translator.sessionId;
  } catch (error) {
    if (error instanceof GatewayError && (error.code === 'stream_not_found' || error.code === 'stream_gap')) {
      throw new GatewayError(error.code, `previous_response_id: ${error.message}`, { details: where });
    }
    throw error;
  }
}

function responseMeta(body: ResponsesBody, store: boolean, background: boolean): ResponseMeta {
  return {
    type: RESPONSE_META_TRACE,
    created_at: Math.floor(Date.now() / 1000),
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    temperature: body.temperature ?? null,
    previous_response_id: body.previous_response_id ?? null,
    store,
    background,
    metadata: body.metadata ?? {},
  };
}

/** The whole response once its last event is in; a failed or cancelled one is its error, with its status. */
async function wholeResponse(events: AsyncIterable<RetainedEvent>): Promise<ResponseObject> {
  const translator = new ResponseTranslator();
  for await (const entry of events) {
    translator.push(entry);
    const { event } = entry;
    if (event.type === 'error') throw new GatewayError(event.code, event.message, { retryable: event.retryable });
  }
  if (!translator.isEnded) throw new GatewayError('cancelled', 'The client went away.');
  return translator.response();
}

/** `POST /v1/responses`: OpenAI's Responses API, whole, streamed or in the background, on the resumable runs of the native routes. */
export function registerResponsesRoute(app: FastifyInstance, surface: OpenAiSurface): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/responses',
    {
      schema: {
        summary: 'Create a response (OpenAI Responses API)',
        description: DESCRIPTION,
        tags: ['openai'],
        body: responsesBodySchema,
        produces: ['application/json', 'text/event-stream'],
        response: { 200: responseObjectSchema, '4XX': openAiErrorResponseSchema, '5XX': openAiErrorResponseSchema },
      },
    },
    async function createResponse(request, reply) {
      const body = request.body;
      checkResponsesParameters(body);
      const previousResponseId = body.previous_response_id ?? undefined;
      const sessionId = previousResponseId === undefined ? undefined : await previousSession(surface.runs, previousResponseId, request);
      const conversation = convertResponsesInput(body.input, body.instructions, sessionId !== undefined);
      const store = body.store !== false;
      const background = body.background === true;
      const streamed = body.stream === true;
      const chatRequest: ChatRequest = {
        requestId: request.id,
        message: conversation.message,
        ...(conversation.system !== undefined ? { system: conversation.system } : {}),
        // A continued response takes its history from the session; a new one from its input.
        ...(sessionId !== undefined ? { sessionId } : { history: conversation.history }),
        // Not stored: nothing is kept, neither the events nor the turns.
        ...(store ? {} : { keepTurns: false }),
        ...(body.model !== undefined ? { model: body.model } : {}),
        ...(body.max_output_tokens != null ? { maxTokens: body.max_output_tokens } : {}),
        ...(body.temperature != null ? { temperature: body.temperature } : {}),
        ...(body.simulate ? { simulate: body.simulate } : {}),
        ...(streamed || background ? {} : { whole: true }),
        caller: request.caller,
        transport: 'openai',
      };
      const meta = responseMeta(body, store, background);
      const options = { startingAfter: -1, heartbeatIntervalMs: surface.heartbeatIntervalMs };

      if (!store) {
        // Followed by this connection alone: a disconnect stops the model call, as on chat completions.
        const stream = withResponseMeta(await surface.engine.open(chatRequest, abortOnClientClose(reply)), meta);
        if (!streamed) return wholeResponse(numbered(stream));
        await sendResponsesStream(reply, new ResponseTranslator(), numbered(stream), { ...options, headers: {} });
        return;
      }

      // Retained and run on its own: a dropped client resumes, `GET /v1/responses/{id}` rebuilds it, a cancel reaches it.
      const controller = new AbortController();
      const stream = withResponseMeta(await surface.engine.open(chatRequest, controller.signal), meta);
      const run = surface.runs.start(stream, controller, request.caller, background);
      const headers = { 'x-session-id': run.sessionId };
      if (streamed) {
        await sendResponsesStream(reply, new ResponseTranslator(), surface.runs.follow(run, -1, abortOnClientClose(reply)), { ...options, headers });
        return;
      }
      reply.header('x-session-id', run.sessionId);
      if (background) {
        const translator = new ResponseTranslator();
        translator.push({ seq: 0, event: { type: 'start', requestId: run.requestId, model: run.model, sessionId: run.sessionId } });
        translator.push({ seq: 1, event: { type: 'trace', data: meta } });
        return translator.response();
      }
      return wholeResponse(surface.runs.follow(run, -1, abortOnClientClose(reply)));
    },
  );
}
