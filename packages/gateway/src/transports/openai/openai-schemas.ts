import { z } from 'zod';

/** OpenAI's error body, for the API documentation of the OpenAI-compatible routes. */
export const openAiErrorResponseSchema = z.object({
  error: z.object({
    message: z.string(),
    type: z.string().describe('invalid_request_error, authentication_error, permission_error, rate_limit_error or server_error'),
    param: z.string().nullable(),
    code: z.string().describe('StreamGate’s stable error code (docs/errors.md)'),
  }),
});
