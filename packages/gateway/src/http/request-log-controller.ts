import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * `debug`: the route's `incoming request` and `request completed` lines are logged at debug
     * (`/health`, `/ready`). A load balancer probes every instance every few seconds; at info its
     * probes would bury the requests people come to the logs for. A failed probe (5xx) stays at info.
     */
    requestLogLevel?: 'debug';
  }
}

/** The model a request body names, on any surface (native and OpenAI `model`, Bedrock `modelId` or `model_id`). */
function requestedModel(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { model, modelId, model_id: modelIdSnake } = body as Record<string, unknown>;
  const named = model ?? modelId ?? modelIdSnake;
  return typeof named === 'string' ? named : undefined;
}

/**
 * Fastify's per-request log lines, with what an operator looks for on the line that closes a
 * request (its path, the caller's key id, the model it asked for), and health probes at debug.
 */
export class RequestLogController extends LogController {
  override incomingRequest(request: FastifyRequest, reply: FastifyReply): void {
    if (request.routeOptions?.config?.requestLogLevel !== 'debug') return super.incomingRequest(request, reply);
    if (this.isLogDisabled(request)) return;
    request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    const model = requestedModel(request.body);
    const context = {
      res: reply,
      responseTime: reply.elapsedTime,
      // The path only: the query, which may carry a ticket, is on the `incoming request` line, redacted.
      path: request.url.split('?', 1)[0],
      ...(request.caller?.keyId ? { keyId: request.caller.keyId } : {}),
      ...(model !== undefined ? { model } : {}),
    };
    if (error) reply.log.error({ ...context, err: error }, 'request errored');
    else if (request.routeOptions?.config?.requestLogLevel === 'debug' && reply.statusCode < 500) reply.log.debug(context, 'request completed');
    else reply.log.info(context, 'request completed');
  }
}
