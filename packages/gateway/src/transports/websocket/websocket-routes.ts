import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { RateLimiter } from '../../access/rate-limit/rate-limiter.js';
import type { ChatEngine } from '../../engine/chat-engine.js';
import type { Caller } from '../../engine/chat-request.js';
import type { StreamRuns } from '../../engine/stream-runs.js';
import { GatewayError } from '../../errors.js';
import { errorResponseSchema, sessionParamsSchema } from '../schemas.js';
import { ChatConnection } from './chat-connection.js';

export interface WebSocketRouteOptions {
  engine: ChatEngine;
  runs: StreamRuns;
  heartbeatIntervalMs: number;
  maxConcurrentRequests: number;
  highWaterBytes: number;
  /** Every open connection, so that shutdown can close them with 1001. */
  connections: Set<ChatConnection>;
  /** Counts each chat frame against the caller's requests per window. */
  limiter?: RateLimiter;
  /** The caller as its credential stands now; asked before each request on a socket. */
  recheckCaller?: (caller: Caller) => Promise<Caller>;
}

const FRAMES = [
  'Client frames: `{"message", "session_id"?, "model"?, "request_id"?, "system"?, "max_tokens"?, "temperature"?, "simulate"?}`,',
  '`{"type":"cancel","request_id"}`, `{"type":"resume","request_id","after_seq"}` (continues a request\'s events, from any socket, with their original `seq`), `{"type":"ping"}`.',
  'Server frames: `connected`, then per request `start`, `message` (`content`), `trace`, `done` or `error`, each with',
  '`request_id` and a per-request `seq`; `pong` answers a ping. Auth: `X-API-Key` or `Authorization: Bearer` on the upgrade request,',
  'or (browsers) a single-use `?ticket=` from `POST /v1/ws/tickets`.',
].join(' ');

/** `WS /v1/ws/chat` and `WS /ws/sessions/{session_id}/chat`. Keys and session ids are checked before the upgrade. */
async function upgradeRequired(): Promise<never> {
  throw new GatewayError('upgrade_required', 'This route speaks WebSocket: connect with an Upgrade: websocket request.');
}

export function registerWebSocketRoutes(app: FastifyInstance, options: WebSocketRouteOptions): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const accept = (socket: ConstructorParameters<typeof ChatConnection>[0], caller: Caller, logger: FastifyInstance['log'], boundSessionId?: string) => {
    const connection = new ChatConnection(socket, {
      engine: options.engine,
      runs: options.runs,
      caller,
      logger,
      heartbeatIntervalMs: options.heartbeatIntervalMs,
      maxConcurrentRequests: options.maxConcurrentRequests,
      highWaterBytes: options.highWaterBytes,
      ...(options.limiter ? { limiter: options.limiter } : {}),
      ...(options.recheckCaller ? { recheckCaller: options.recheckCaller } : {}),
      ...(boundSessionId !== undefined ? { boundSessionId } : {}),
    });
    options.connections.add(connection);
    socket.once('close', () => options.connections.delete(connection));
  };

  // `handler` answers a plain GET (426); `wsHandler` takes the upgrade. Giving both keeps the routes in the OpenAPI document.
  typed.route({
    method: 'GET',
    url: '/v1/ws/chat',
    schema: { summary: 'Chat over a WebSocket (many requests at once)', description: FRAMES, tags: ['chat'], response: { '4XX': errorResponseSchema } },
    handler: upgradeRequired,
    wsHandler: function chatSocket(socket, request) {
      accept(socket, request.caller, request.log);
    },
  });

  typed.route({
    method: 'GET',
    url: '/ws/sessions/:session_id/chat',
    schema: {
      summary: 'Chat over a WebSocket bound to one session',
      description: `The first frame is \`{"event":"connected","session_id"}\`. ${FRAMES}`,
      tags: ['chat'],
      params: sessionParamsSchema,
      response: { '4XX': errorResponseSchema },
    },
    handler: upgradeRequired,
    wsHandler: function sessionSocket(socket, request) {
      accept(socket, request.caller, request.log, request.params.session_id);
    },
  });
}
