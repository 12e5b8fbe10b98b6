import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ChatRequest } from '../../engine/chat-request.js';
import { GatewayError } from '../../errors.js';
import { converseInferenceConfigSchema } from '../../providers/bedrock/bedrock-options.js';
import type { ChatMessage } from '../../providers/chat-model.js';
import { abortOnClientClose } from '../rest/abort-on-close.js';
import { errorResponseSchema } from '../schemas.js';
import { sendSseStream } from '../sse/send-sse-stream.js';
import type { BedrockSurface } from './bedrock-surface.js';

const contentBlock = z.record(z.string(), z.unknown()).describe('A Converse content block: {text}, {image}, {toolUse}, {toolResult}, ...');

const bodySchema = z
  .object({
    modelId: z.string().min(1).max(256).optional().describe('A gateway model id served by Bedrock (default: the default model)'),
    messages: z
      .array(z.object({ role: z.enum(['user', 'assistant']), content: z.array(contentBlock).min(1) }).strict())
      .min(1)
      .max(1000)
      .refine((messages) => messages[messages.length - 1]!.role === 'user', 'the last message must be the user\'s'),
    system: z.array(contentBlock).max(100).optional(),
    inferenceConfig: converseInferenceConfigSchema.optional(),
    toolConfig: z.record(z.string(), z.unknown()).optional(),
    additionalModelRequestFields: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

const DESCRIPTION = [
  'Bedrock ConverseStream through the gateway: the body is a Converse request (`messages` with content blocks,',
  '`system`, `inferenceConfig`, `toolConfig`), `modelId` a gateway model served by Bedrock. The reply streams as',
  'the same Server-Sent Events as `/v1/chat/stream`: `start`, `message` per text delta, `trace` for each tool use',
  '(`{"type":"tool_use","tool_use_id","name","input"}`), then `done` (with `stop_reason`, e.g. `tool_use`) or `error`.',
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
        body: bodySchema,
        produces: ['text/event-stream'],
        response: { 200: z.string().describe('text/event-stream'), '4XX': errorResponseSchema, '5XX': errorResponseSchema },
      },
    },
    async function converseStream(request, reply) {
      const body = request.body;
      const resolved = surface.registry.resolve(body.modelId);
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
      await sendSseStream(reply, stream, surface.heartbeatIntervalMs);
    },
  );
}
