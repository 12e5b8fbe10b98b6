import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ChatRequest } from '../../engine/chat-request.js';
import { GatewayError } from '../../errors.js';
import type { ChatMessage } from '../../providers/chat-model.js';
import { abortOnClientClose } from '../rest/abort-on-close.js';
import { errorResponseSchema } from '../schemas.js';
import { numbered, sendSseStream } from '../sse/send-sse-stream.js';
import type { BedrockSurface } from './bedrock-surface.js';
import { converseBodySchema, normalizeConverseBody, resolveConverseModel } from './converse-body.js';

const DESCRIPTION = [
  'Bedrock ConverseStream through the gateway: the body is a Converse request (`messages` with content blocks,',
  '`system`, `inferenceConfig`, `toolConfig`), `modelId` a gateway model served by Bedrock. The reply streams as',
  'the same Server-Sent Events as `/v1/chat/stream`: `start`, `message` per text delta, `trace` for each tool use',
  '(`{"type":"tool_use","tool_use_id","name","input"}`), then `done` (with `stop_reason`, e.g. `tool_use`) or `error`.',
  'The plain shape of apps that wrapped Bedrock is accepted too: `model_id`, `messages` with string `content`, `system_prompt`,',
  'and `max_tokens`, `temperature`, `top_p`, `stop_sequences`. `modelId` may also be the Bedrock id of a gateway model.',
].join('\n');

function textOf(content: readonly Record<string, unknown>[]): string {
  return content.map((block) => (typeof block.text === 'string' ? block.text : '')).join('');
}

/** `POST /api/v1/bedrock/converse-stream`: a Converse request streamed back as SSE, accounted like any chat. */
export function registerConverseStreamRoute(app: FastifyInstance, surface: BedrockSurface): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/api/v1/bedrock/converse-stream',
    {
      schema: {
        summary: 'Bedrock ConverseStream, as Server-Sent Events',
        description: DESCRIPTION,
        tags: ['bedrock'],
        body: converseBodySchema,
        produces: ['text/event-stream'],
        response: { 200: z.string().describe('text/event-stream'), '4XX': errorResponseSchema, '5XX': errorResponseSchema },
      },
    },
    async function converseStream(request, reply) {
      const body = normalizeConverseBody(request.body);
      const resolved = resolveConverseModel(surface.registry, (provider) => surface.isBedrockProvider(provider), body.modelId);
      if (!surface.isBedrockProvider(resolved.provider)) {
        throw new GatewayError('invalid_request', `Model "${resolved.id}" is served by "${resolved.provider}", not Bedrock: use /v1/chat/stream for it.`);
      }
      const last = body.messages[body.messages.length - 1]!;
      const history: ChatMessage[] = body.messages.slice(0, -1).map((message) => ({ role: message.role, content: textOf(message.content) }));
      const chatRequest: ChatRequest = {
        requestId: request.id,
        message: textOf(last.content),
        model: resolved.id,
        ...(body.system ? { system: textOf(body.system) } : {}),
        ...(body.inferenceConfig?.maxTokens !== undefined ? { maxTokens: body.inferenceConfig.maxTokens } : {}),
        ...(body.inferenceConfig?.temperature !== undefined ? { temperature: body.inferenceConfig.temperature } : {}),
        history,
        providerOptions: {
          bedrock: {
            messages: body.messages,
            ...(body.system ? { system: body.system } : {}),
            ...(body.inferenceConfig ? { inferenceConfig: body.inferenceConfig } : {}),
            ...(body.toolConfig ? { toolConfig: body.toolConfig } : {}),
            ...(body.additionalModelRequestFields ? { additionalModelRequestFields: body.additionalModelRequestFields } : {}),
          },
        },
        caller: request.caller,
        transport: 'sse',
      };
      const stream = await surface.engine.open(chatRequest, abortOnClientClose(reply));
      await sendSseStream(reply, stream, numbered(stream), surface.heartbeatIntervalMs);
    },
  );
}
