import { z } from 'zod';
import { checkValue, isPlainObject as isRecord, type ParseResult } from '../parse-json.js';

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

export type Chunk = z.infer<typeof chunkSchema>;

const isCount = (value: unknown) => Number.isInteger(value) && (value as number) >= 0;

/**
 * Whether a parsed chunk is of the common kind (text deltas, a finish reason, usage) and valid by
 * `chunkSchema`. It answers false for anything else, which then goes through the schema itself.
 */
function isPlainChunk(value: unknown): value is Chunk {
  if (!isRecord(value)) return false;
  const usage = value.usage;
  if (usage != null && !(isRecord(usage) && isCount(usage.prompt_tokens) && (usage.completion_tokens === undefined || isCount(usage.completion_tokens)))) return false;
  const choices = value.choices;
  if (choices === undefined) return true;
  if (!Array.isArray(choices)) return false;
  for (const choice of choices) {
    if (!isRecord(choice)) return false;
    if (choice.index !== undefined && !Number.isInteger(choice.index)) return false;
    if (choice.finish_reason != null && typeof choice.finish_reason !== 'string') return false;
    const delta = choice.delta;
    if (delta == null) continue;
    if (!isRecord(delta) || (delta.content != null && typeof delta.content !== 'string') || delta.tool_calls != null) return false;
  }
  return true;
}

/**
 * One `chat.completion.chunk` from its SSE data, parsed and validated. The common chunk is checked
 * by hand (this runs for every token); tool calls and anything odd are checked, and explained, by
 * `chunkSchema`.
 */
export function parseChunk(text: string): ParseResult<Chunk> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { success: false, error: `not valid JSON: ${(error as Error).message}` };
  }
  return isPlainChunk(value) ? { success: true, data: value } : checkValue(value, chunkSchema);
}

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
