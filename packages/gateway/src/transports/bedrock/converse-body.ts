import { z } from 'zod';
import { GatewayError } from '../../errors.js';
import { converseInferenceConfigSchema } from '../../providers/bedrock/bedrock-options.js';
import type { ModelRegistry, ResolvedModel } from '../../routing/model-registry.js';

const contentBlock = z.record(z.string(), z.unknown()).describe('A Converse content block: {text}, {image}, {toolUse}, {toolResult}, ...');

/**
 * The body of `POST /api/v1/bedrock/converse-stream`, in either of two shapes:
 * - Converse's own: `modelId`, `messages` with content blocks, `system` blocks, `inferenceConfig`, ...;
 * - the one apps written from the design documents send, from a service that wrapped Bedrock:
 *   `model_id`, `messages` whose `content` is a plain string, `system_prompt`, and the inference
 *   settings as keyword arguments (`max_tokens`, `temperature`, `top_p`, `stop_sequences`).
 * `normalizeConverseBody` turns either into the Converse shape.
 */
export const converseBodySchema = z
  .object({
    modelId: z.string().min(1).max(256).optional().describe('A gateway model served by Bedrock, or the Bedrock model id of one (default: the default model)'),
    model_id: z.string().min(1).max(256).optional().describe('The same as `modelId`'),
    messages: z
      .array(
        z
          .object({
            role: z.enum(['user', 'assistant']),
            content: z.union([z.array(contentBlock).min(1), z.string().min(1).describe('Plain text: the same as [{"text": "..."}]')]),
          })
          .strict(),
      )
      .min(1)
      .max(1000)
      .refine((messages) => messages[messages.length - 1]!.role === 'user', "the last message must be the user's"),
    system: z.array(contentBlock).max(100).optional(),
    system_prompt: z.string().optional().describe('Plain text: the same as `system: [{"text": "..."}]`'),
    inferenceConfig: converseInferenceConfigSchema.optional(),
    max_tokens: z.number().int().min(1).max(1_000_000).optional().describe('The same as `inferenceConfig.maxTokens`'),
    temperature: z.number().min(0).max(2).optional().describe('The same as `inferenceConfig.temperature`'),
    top_p: z.number().min(0).max(1).optional().describe('The same as `inferenceConfig.topP`'),
    stop_sequences: z.array(z.string()).max(16).optional().describe('The same as `inferenceConfig.stopSequences`'),
    toolConfig: z.record(z.string(), z.unknown()).optional(),
    additionalModelRequestFields: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  // The model of the README's Bedrock example (BEDROCK_MODELS='claude=...').
  .meta({ example: { modelId: 'claude', messages: [{ role: 'user', content: [{ text: 'Hello' }] }], inferenceConfig: { maxTokens: 200 } } });

export type ConverseBodyInput = z.infer<typeof converseBodySchema>;
type ContentBlock = Record<string, unknown>;
type InferenceConfig = NonNullable<ConverseBodyInput['inferenceConfig']>;

/** A Converse request as Bedrock takes it. */
export interface ConverseBody {
  modelId?: string;
  messages: { role: 'user' | 'assistant'; content: ContentBlock[] }[];
  system?: ContentBlock[];
  inferenceConfig?: InferenceConfig;
  toolConfig?: Record<string, unknown>;
  additionalModelRequestFields?: Record<string, unknown>;
}

/** One value from two spellings of a field; both at once is ambiguous, so it is refused. */
function either<T>(converse: T | undefined, converseName: string, plain: T | undefined, plainName: string): T | undefined {
  if (converse !== undefined && plain !== undefined) {
    throw new GatewayError('invalid_request', `Give ${converseName} or ${plainName}, not both.`, { details: { param: plainName } });
  }
  return converse ?? plain;
}

/** Either shape of the body, as one Converse request. */
export function normalizeConverseBody(body: ConverseBodyInput): ConverseBody {
  const modelId = either(body.modelId, 'modelId', body.model_id, 'model_id');
  const system = either(body.system, 'system', body.system_prompt === undefined ? undefined : [{ text: body.system_prompt }], 'system_prompt');
  const settings: [keyof InferenceConfig, string, unknown][] = [
    ['maxTokens', 'max_tokens', body.max_tokens],
    ['temperature', 'temperature', body.temperature],
    ['topP', 'top_p', body.top_p],
    ['stopSequences', 'stop_sequences', body.stop_sequences],
  ];
  const inferenceConfig: Record<string, unknown> = { ...body.inferenceConfig };
  for (const [field, plainName, value] of settings) {
    const chosen = either(inferenceConfig[field], `inferenceConfig.${field}`, value, plainName);
    if (chosen !== undefined) inferenceConfig[field] = chosen;
  }
  return {
    ...(modelId !== undefined ? { modelId } : {}),
    messages: body.messages.map((message) => ({ role: message.role, content: typeof message.content === 'string' ? [{ text: message.content }] : message.content })),
    ...(system !== undefined ? { system } : {}),
    ...(Object.keys(inferenceConfig).length > 0 ? { inferenceConfig: inferenceConfig as InferenceConfig } : {}),
    ...(body.toolConfig ? { toolConfig: body.toolConfig } : {}),
    ...(body.additionalModelRequestFields ? { additionalModelRequestFields: body.additionalModelRequestFields } : {}),
  };
}

/**
 * The model a Converse request names: a gateway id or alias, or else the Bedrock model id of exactly
 * one gateway model served by Bedrock (an app moved from calling Bedrock sends the ids it knows).
 */
export function resolveConverseModel(registry: ModelRegistry, isBedrockProvider: (provider: string) => boolean, name: string | undefined): ResolvedModel {
  try {
    return registry.resolve(name);
  } catch (error) {
    const matches = registry.list().filter((entry) => entry.upstreamModelId === name && isBedrockProvider(entry.provider));
    if (matches.length !== 1) throw error;
    return registry.resolve(matches[0]!.id);
  }
}
