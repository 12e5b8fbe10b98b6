import { z } from 'zod';
import { MAX_MESSAGE_CHARACTERS, REQUEST_ID_PATTERN, SESSION_ID_PATTERN } from './chat-request.js';

// The request schemas (zod) live behind their own entry point, `@streamgate/protocol/schemas`, so that
// browser bundles importing the protocol's types and constants do not pull zod in.

export const sessionIdSchema = z
  .string()
  .regex(SESSION_ID_PATTERN, 'session_id must be 1-128 characters of A-Z, a-z, 0-9, "-" or "_"');

/** Knobs for the built-in `simulator` model; other providers ignore them. */
export const simulateSchema = z
  .object({
    ttft_ms: z.number().int().min(0).max(600_000).optional(),
    tokens_per_second: z.number().min(0).max(1_000_000).optional(),
    output_tokens: z.number().int().min(0).max(100_000).optional(),
    fail_after_tokens: z.number().int().min(0).max(100_000).optional(),
  })
  .strict();

export type SimulateOptions = z.infer<typeof simulateSchema>;

/** The body of `POST /v1/chat` and `POST /v1/chat/stream`. */
export const chatRequestSchema = z
  .object({
    message: z
      .string()
      .trim()
      .min(1, 'message must not be empty')
      .max(MAX_MESSAGE_CHARACTERS, `message must be at most ${MAX_MESSAGE_CHARACTERS} characters`),
    session_id: sessionIdSchema.optional(),
    model: z.string().min(1).max(256).optional(),
    system: z.string().max(MAX_MESSAGE_CHARACTERS).optional(),
    max_tokens: z.number().int().min(1).max(1_000_000).optional(),
    temperature: z.number().min(0).max(2).optional(),
    simulate: simulateSchema.optional(),
    background: z
      .boolean()
      .optional()
      .describe('true: the run continues to the end with no client connected; fetch it later by resuming or with GET /v1/requests/{request_id}'),
  })
  .strict()
  // What /docs "Try it out" sends: the built-in simulator, a short reply that starts at once.
  .meta({ example: { message: 'Hello', model: 'simulator', simulate: { ttft_ms: 100, tokens_per_second: 20, output_tokens: 12 } } });

export type ChatRequestBody = z.infer<typeof chatRequestSchema>;

/** A chat frame sent by a WebSocket client: the chat body plus an optional request id. */
export const chatFrameSchema = chatRequestSchema
  .extend({
    type: z.literal('chat').optional(),
    request_id: z.string().regex(REQUEST_ID_PATTERN, 'request_id must be 1-128 characters of A-Z, a-z, 0-9, "-" or "_"').optional(),
  })
  .strict();

export const cancelFrameSchema = z
  .object({ type: z.literal('cancel'), request_id: z.string().min(1).max(128) })
  .strict();

/** Continues a request's events on this socket, after the last `seq` the client received (-1: from the start). */
export const resumeFrameSchema = z
  .object({
    type: z.literal('resume'),
    request_id: z.string().regex(REQUEST_ID_PATTERN, 'request_id must be 1-128 characters of A-Z, a-z, 0-9, "-" or "_"'),
    after_seq: z.number().int().min(-1).max(Number.MAX_SAFE_INTEGER).optional(),
  })
  .strict();

export const pingFrameSchema = z.object({ type: z.literal('ping') }).passthrough();

export type ChatFrame = z.infer<typeof chatFrameSchema>;
export type CancelFrame = z.infer<typeof cancelFrameSchema>;
export type ResumeFrame = z.infer<typeof resumeFrameSchema>;
