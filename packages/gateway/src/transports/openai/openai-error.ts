import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { GatewayError } from '../../errors.js';
import { toHttpError } from '../../http/error-handler.js';

/** OpenAI's error body: `code` is StreamGate's stable code (docs/errors.md), `type` OpenAI's class of error. */
export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string };
}

/** OpenAI's error `type` for a status, as its SDKs and clients expect. */
function errorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** The request field an error is about: the first invalid field, or `model` for an unknown one. */
function paramOf(error: GatewayError): string | null {
  if (error.code === 'model_not_found') return 'model';
  if (error.code === 'invalid_session_id') return 'session_id';
  const details = error.details;
  if (error.code === 'unsupported_parameter') return (details as { param?: string } | undefined)?.param ?? null;
  if (Array.isArray(details) && typeof details[0]?.path === 'string') return details[0].path.replace(/^body\.?/, '') || null;
  return null;
}

export function openAiErrorBody(error: GatewayError): OpenAiErrorBody {
  return { error: { message: error.message, type: errorType(error.status), param: paramOf(error), code: error.code } };
}

/** The error handler of the OpenAI-compatible routes: the registry's status, OpenAI's body shape. */
export function openAiErrorHandler(this: unknown, error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const gatewayError = toHttpError(error);
  if (gatewayError.code === 'internal_error') request.log.error({ err: error }, 'unhandled error');
  else request.log.info({ code: gatewayError.code }, gatewayError.message);
  return reply.code(gatewayError.status).type('application/json; charset=utf-8').send(openAiErrorBody(gatewayError));
}

/**
 * The answer to an unknown route under `/v1` (or a method it does not take), which an OpenAI client
 * may be calling (`/v1/completions`, `/v1/audio/...`): OpenAI's shape and StreamGate's in one body,
 * `{error: {message, type, param, code, request_id}}`, so that either kind of client reads it.
 */
export function sendUnknownRouteError(reply: FastifyReply, error: GatewayError, requestId: string): FastifyReply {
  const body = { error: { ...openAiErrorBody(error).error, request_id: requestId } };
  return reply.code(error.status).type('application/json; charset=utf-8').send(body);
}
