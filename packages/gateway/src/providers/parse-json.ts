import type { z } from 'zod';

export type ParseResult<T> = { success: true; data: T } | { success: false; error: string };

/** Untrusted text -> a validated value, in one step; never throws. */
export function parseJson<T>(text: string, schema: z.ZodType<T>): ParseResult<T> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { success: false, error: `not valid JSON: ${(error as Error).message}` };
  }
  return checkValue(value, schema);
}

/** An already parsed value, validated: the same result and messages as `parseJson`. */
export function checkValue<T>(value: unknown, schema: z.ZodType<T>): ParseResult<T> {
  const result = schema.safeParse(value);
  if (result.success) return { success: true, data: result.data };
  const issue = result.error.issues[0];
  return { success: false, error: issue ? `${issue.path.join('.') || 'value'}: ${issue.message}` : 'unexpected shape' };
}

/** A JSON object (not an array, not null): what `z.record` and `z.object` accept. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
