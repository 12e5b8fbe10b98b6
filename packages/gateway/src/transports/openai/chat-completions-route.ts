import type { StreamEvent } from '@streamgate/protocol';
import { sessionIdSchema } from '@streamgate/protocol/schemas';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ChatStream } from '../../engine/chat-engine.js';
import type { ChatRequest } from '../../engine/chat-request.js';
import { GatewayError } from '../../errors.js';
import { abortOnClientClose } from '../rest/abort-on-close.js';
import { mapFinishReason, openAiUsage, toolCallOf, type OpenAiToolCall } from './chat-completion-format.js';
import { chatCompletionsBodySchema, type ChatCompletionsBody } from './chat-completions-body.js';
import { convertOpenAiMessages } from './convert-openai-messages.js';
import { openAiErrorResponseSchema } from './openai-schemas.js';
import type { OpenAiSurface } from './openai-surface.js';
import { openAiProviderOptions } from './provider-options.js';
import { checkParameters } from './request-parameters.js';
import { sendChatCompletionStream } from './send-chat-completion-stream.js';

const DESCRIPTION = [
  "OpenAI's chat completions API over every chat model of the gateway. With `stream: true` the reply is",
  'Server-Sent Events of `chat.completion.chunk` objects ending with `data: [DONE]`; `stream_options.include_usage`',
  'adds a last chunk with the usage. Tool calls come back as `tool_calls` where the model supports tools',
  '(OpenAI-compatible servers and Bedrock). Errors have OpenAI\'s shape `{"error":{"message","type","param","code"}}`,',
  'with StreamGate\'s stable code. Send `X-Session-Id` (or `session_id`) to record the turn in a session.',
  'OpenAI-compatible upstreams get every field as sent; a field another upstream cannot honour is refused with',
  '`unsupported_parameter` naming it (docs/openai-compatibility.md has the table).',
].join('\n');

const completionSchema = z.looseObject({
  id: z.string(),
  object: z.literal('chat.completion'),
  created: z.number().int(),
  model: z.string(),
  choices: z.array(z.looseObject({ index: z.number().int(), message: z.looseObject({ role: z.literal('assistant'), content: z.string().nullable() }), finish_reason: z.string() })),
  usage: z.object({ prompt_tokens: z.number().int(), completion_tokens: z.number().int(), total_tokens: z.number().int() }),
});

/** The session a request names, by header or body field; a malformed id is `invalid_session_id`. */
function sessionIdOf(request: FastifyRequest, body: ChatCompletionsBody): string | undefined {
  const header = request.headers['x-session-id'];
  const value = typeof header === 'string' && header !== '' ? header : body.session_id;
  if (value === undefined) return undefined;
  if (!sessionIdSchema.safeParse(value).success) throw new GatewayError('invalid_session_id');
  return value;
}

function toChatRequest(request: FastifyRequest, body: ChatCompletionsBody): ChatRequest {
  const conversation = convertOpenAiMessages(body.messages);
  const sessionId = sessionIdOf(request, body);
  const maxTokens = body.max_tokens ?? body.max_completion_tokens ?? undefined;
  return {
    requestId: request.id,
    message: conversation.message,
    history: conversation.history,
    ...(conversation.system !== undefined ? { system: conversation.system } : {}),
    // Without a named session the client holds the conversation: nothing to keep, no session to grow.
    ...(sessionId !== undefined ? { sessionId } : { keepTurns: false }),
    ...(body.model !== undefined ? { model: body.model } : {}),
    ...(maxTokens !== undefined ? { maxTokens } : {}),
    ...(body.temperature != null ? { temperature: body.temperature } : {}),
    ...(body.simulate ? { simulate: body.simulate } : {}),
    ...(body.stream ? {} : { whole: true }),
    providerOptions: openAiProviderOptions(body),
    caller: request.caller,
    transport: 'openai',
  };
}

/** The whole reply as one `chat.completion` body, or the stream's error thrown. */
async function wholeCompletion(iterator: AsyncIterator<StreamEvent>, stream: ChatStream, id: string, created: number) {
  const chunks: string[] = [];
  const toolCalls: OpenAiToolCall[] = [];
  for (let result = await iterator.next(); !result.done; result = await iterator.next()) {
    const event = result.value;
    if (event.type === 'delta') chunks.push(event.text);
    else if (event.type === 'trace') {
      const call = toolCallOf(event.data, `call_${stream.requestId}_${toolCalls.length}`);
      if (call) toolCalls.push(call);
    } else if (event.type === 'error') throw new GatewayError(event.code, event.message, { retryable: event.retryable });
    else if (event.type === 'done') {
      const content = chunks.join('');
      return {
        id,
        object: 'chat.completion' as const,
        created,
        model: stream.model,
        system_fingerprint: null,
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant' as const,
              content: content === '' && toolCalls.length > 0 ? null : content,
              refusal: null,
              ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
            },
            logprobs: null,
            finish_reason: mapFinishReason(event.stopReason),
          },
        ],
        usage: openAiUsage(event.usage),
      };
    }
  }
  throw new GatewayError('internal_error', 'The stream ended without a result.');
}

/** `POST /v1/chat/completions`: OpenAI's chat API, whole or streamed, through the engine like every other route. */
export function registerChatCompletionsRoute(app: FastifyInstance, surface: OpenAiSurface): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/chat/completions',
    {
      schema: {
        summary: 'Chat completions (OpenAI-compatible)',
        description: DESCRIPTION,
        tags: ['openai'],
        body: chatCompletionsBodySchema,
        produces: ['application/json', 'text/event-stream'],
        response: { 200: completionSchema, '4XX': openAiErrorResponseSchema, '5XX': openAiErrorResponseSchema },
      },
    },
    async function chatCompletions(request, reply) {
      const body = request.body;
      // Before anything starts: a field the model's upstream would not honour is refused, not dropped.
      checkParameters(body, surface.registry.resolve(body.model));
      const chatRequest = toChatRequest(request, body);
      const stream = await surface.engine.open(chatRequest, abortOnClientClose(reply));
      const id = `chatcmpl-${stream.requestId}`;
      const created = Math.floor(Date.now() / 1000);
      const sessionId = chatRequest.sessionId;
      if (body.stream) {
        await sendChatCompletionStream(reply, stream, {
          id,
          created,
          ...(sessionId !== undefined ? { sessionId } : {}),
          includeUsage: body.stream_options?.include_usage === true,
          heartbeatIntervalMs: surface.heartbeatIntervalMs,
        });
        return;
      }
      if (sessionId !== undefined) reply.header('x-session-id', sessionId);
      const iterator = stream[Symbol.asyncIterator]();
      try {
        const completion = await wholeCompletion(iterator, stream, id, created);
        // A named session has its turn stored (below, in `finally`) before the reply goes out, so that the
        // client can read it back at once. Of a sessionless request only the usage record is left to write:
        // the reply goes out first.
        if (sessionId !== undefined) return completion;
        reply.send(completion);
        return reply;
      } finally {
        await iterator.return?.(undefined);
      }
    },
  );
}
