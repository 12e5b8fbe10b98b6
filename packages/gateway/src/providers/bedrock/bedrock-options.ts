import { z } from 'zod';

const contentBlock = z.record(z.string(), z.unknown());

/** Converse's `inferenceConfig`. */
export const converseInferenceConfigSchema = z
  .object({
    maxTokens: z.number().int().min(1).max(1_000_000).optional(),
    temperature: z.number().min(0).max(2).optional(),
    topP: z.number().min(0).max(1).optional(),
    stopSequences: z.array(z.string()).max(16).optional(),
  })
  .strict();

/**
 * `providerOptions.bedrock` on a model call, set by `/api/v1/bedrock/converse-stream`: Converse fields
 * the generic chat request has no place for. `messages` and `system`, when given, replace the ones
 * converted from the chat history (so tool results and images reach the model as sent).
 */
export const bedrockCallOptionsSchema = z
  .object({
    messages: z.array(z.object({ role: z.enum(['user', 'assistant']), content: z.array(contentBlock).min(1) })).min(1).optional(),
    system: z.array(contentBlock).optional(),
    inferenceConfig: converseInferenceConfigSchema.optional(),
    toolConfig: z.record(z.string(), z.unknown()).optional(),
    additionalModelRequestFields: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export type BedrockCallOptions = z.infer<typeof bedrockCallOptionsSchema>;

/** Settings of a Bedrock chat model in the models file (`options`). */
export const bedrockModelOptionsSchema = z
  .object({
    additionalModelRequestFields: z.record(z.string(), z.unknown()).optional(),
    topP: z.number().min(0).max(1).optional(),
  })
  .strict();

export type BedrockModelOptions = z.infer<typeof bedrockModelOptionsSchema>;
