import type { ErrorBody, ErrorCode } from '@streamgate/protocol';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ERROR_REGISTRY, GatewayError } from '../errors.js';

/** Fastify's own errors, by code, as the registry's. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_request',
  FST_ERR_CTP_INVALID_TYPE: 'invalid_request',
  FST_ERR_BAD_URL: 'malformed_url',
  // Unreachable while maxParamLength is the header size limit; kept so that it never becomes a bare 414.
  FST_ERR_MAX_PARAM_LENGTH: 'invalid_request',
};

export function sendError(reply: FastifyReply, error: GatewayError, requestId: string): FastifyReply {
  const body: ErrorBody = { error: { code: error.code, message: error.message, request_id: requestId } };
  if (error.details !== undefined) body.error.details = error.details;
  const retryAfter = (error.details as { retry_after_seconds?: unknown } | undefined)?.retry_after_seconds;
  if (error.code === 'rate_limited' && typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
  return reply.code(error.status).type('application/json; charset=utf-8').send(body);
}

/** Every failure becomes `{error: {code, message, request_id}}` with the registry's status. */
export function toHttpError(error: FastifyError | GatewayError | Error): GatewayError {
  if (error instanceof GatewayError) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = error.validation.map((issue) => ({
      path: `${error.validationContext}${issue.instancePath.replaceAll('/', '.')}`,
      message: issue.message,
    }));
    const sessionIdProblem = issues.some((issue) => issue.path.endsWith('session_id'));
    const first = issues[0];
    const message = first ? `${first.path}: ${first.message}` : 'The request is not valid.';
    return new GatewayError(sessionIdProblem ? 'invalid_session_id' : 'invalid_request', message, { details: issues });
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.code && fastifyError.code in FASTIFY_CODES) {
    const code = FASTIFY_CODES[fastifyError.code]!;
    const message = code === 'malformed_json' ? `${ERROR_REGISTRY.malformed_json.message} ${fastifyError.message}` : undefined;
    return new GatewayError(code, message);
  }
  // Node's error for a request whose client went away while its body was still arriving.
  if (fastifyError.code === 'ECONNRESET' && error.message === 'aborted') {
    return new GatewayError('cancelled', 'The client closed the connection before the body arrived.');
  }
  if (error instanceof SyntaxError && fastifyError.statusCode === 400) {
    return new GatewayError('malformed_json', `${ERROR_REGISTRY.malformed_json.message} ${error.message}`);
  }
  return new GatewayError('internal_error', undefined, { cause: error });
}

export function errorHandler(this: unknown, error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const gatewayError = toHttpError(error);
  if (gatewayError.code === 'internal_error') request.log.error({ err: error }, 'unhandled error');
  else request.log.info({ code: gatewayError.code }, gatewayError.message);
  return sendError(reply, gatewayError, request.id);
}

/**
 * Fastify's `frameworkErrors`: errors it meets before routing (a bad percent-encoding in the URL)
 * get the registry's code, the documented body and an `X-Request-Id`, like every other answer.
 */
export function frameworkErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  reply.header('x-request-id', request.id);
  return errorHandler(error, request, reply);
}
