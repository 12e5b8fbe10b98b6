import { z } from 'zod';

const usageSchema = z.object({ prompt_tokens: z.number().int().min(0), completion_tokens: z.number().int().min(0).optional() }).passthrough();

const toolCallDeltaSchema = z
  .object({
    index: z.number().int().min(0).optional(),
    id: z.string().optional(),
    function: z.object({ name: z.string().optional(), arguments: z.string().optional() }).passthrough().optional(),
  })
  .passthrough();

/** One `chat.completion.chunk` (fields the gateway reads; the rest may vary by server). */
export const chunkSchema = z
  .object({
    choices: z
      .array(
        z
          .object({
            index: z.number().int().optional(),
            delta: z
              .object({ content: z.string().nullish(), tool_calls: z.array(toolCallDeltaSchema).nullish() })
              .passthrough()
              .nullish(),
            finish_reason: z.string().nullish(),
          })
          .passthrough(),
      )
      .optional(),
    usage: usageSchema.nullish(),
    error: z.unknown().optional(),
  })
  .passthrough();

/** A whole `chat.completion`. */
export const completionSchema = z
  .object({
    choices: z
      .array(
        z
          .object({
            message: z
              .object({
                content: z.string().nullish(),
                tool_calls: z
                  .array(z.object({ id: z.string().optional(), function: z.object({ name: z.string(), arguments: z.string().optional() }).passthrough() }).passthrough())
                  .nullish(),
              })
              .passthrough(),
            finish_reason: z.string().nullish(),
          })
          .passthrough(),
      )
      .min(1),
    usage: usageSchema.nullish(),
  })
  .passthrough();

/** A `/embeddings` answer. */
export const embeddingsSchema = z.object({
  data: z.array(z.object({ embedding: z.array(z.number()).min(1) }).passthrough()).min(1),
  usage: z.object({ prompt_tokens: z.number().int().min(0).optional() }).passthrough().nullish(),
});
