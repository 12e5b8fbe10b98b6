import { randomUUID } from 'node:crypto';
import { maxHeaderSize } from 'node:http';
import type { DestinationStream } from 'pino';
import fastifyCors from '@fastify/cors';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyWebsocket from '@fastify/websocket';
import { REQUEST_ID_PATTERN } from '@streamgate/protocol';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { createAccessServices, type AccessServices } from './access/access-services.js';
import { requireOriginSecret } from './access/origin-verify.js';
import type { GatewayConfig } from './config.js';
import { ChatEngine } from './engine/chat-engine.js';
import { MediaEngine } from './engine/media-engine.js';
import { StreamRuns } from './engine/stream-runs.js';
import type { UsageSink } from './engine/usage-record.js';
import { GatewayError } from './errors.js';
import { requireKeys } from './http/authenticate.js';
import { zodValidatorCompiler } from './http/body-validator.js';
import { createClientErrorHandler } from './http/client-error-handler.js';
import { closeAfterEarlyAnswers } from './http/early-answer.js';
import { errorHandler, frameworkErrorHandler, sendError } from './http/error-handler.js';
import { registerJsonBodyParser } from './http/json-body-parser.js';
import { serializeRequest } from './http/log-serializers.js';
import { RequestLogController } from './http/request-log-controller.js';
import { requestTimeouts } from './http/request-timeouts.js';
import { RouteTable } from './http/route-table.js';
import { buildModels } from './routing/build-models.js';
import { MediaModels } from './routing/media-models.js';
import { ModelRegistry, type ModelEntry } from './routing/model-registry.js';
import { ProviderDirectory } from './routing/provider-directory.js';
import { openSessionStore, sessionReadiness } from './stores/configured-session-store.js';
import type { KeyStore } from './stores/keys/key-store.js';
import type { SessionStore } from './stores/session-store.js';
import { registerBedrockRoutes } from './transports/bedrock/bedrock-routes.js';
import type { UsageStore } from './stores/usage/usage-store.js';
import { registerKeyRoutes } from './transports/admin/keys-routes.js';
import { registerOpenAiRoutes } from './transports/openai/openai-routes.js';
import { sendUnknownRouteError } from './transports/openai/openai-error.js';
import { registerChatRoute } from './transports/rest/chat-route.js';
import { registerSessionRoutes } from './transports/rest/sessions-routes.js';
import { registerUsageRoute } from './transports/rest/usage-route.js';
import { registerChatStreamRoute } from './transports/sse/chat-stream-route.js';
import { registerResumeStreamRoute } from './transports/sse/resume-stream-route.js';
import { registerRequestsRoute } from './transports/rest/requests-route.js';
import { openStreamRetention } from './stores/streams/open-stream-retention.js';
import { registerHealthRoutes } from './transports/system/health-routes.js';
import type { ChatConnection } from './transports/websocket/chat-connection.js';
import { websocketErrorHandler } from './transports/websocket/websocket-error-handler.js';
import { registerTicketRoute } from './transports/websocket/ticket-route.js';
import { registerWebSocketRoutes } from './transports/websocket/websocket-routes.js';
import { protectPages } from './transports/web/page-headers.js';
import { registerWebAppRoutes } from './transports/web/web-app-routes.js';

export { loadConfig, type GatewayConfig } from './config.js';
export type { ModelEntry } from './routing/model-registry.js';
export type { ChatModel, ChatModelCall, ChatModelPart } from './providers/chat-model.js';

/** Parts a caller (a test, a benchmark, a Lambda handler) may supply instead of the configured ones. */
export interface GatewayOverrides {
  /** Chat models to serve instead of the configured ones (the simulator, the models file, the environment). */
  models?: ModelEntry[];
  /** Random numbers for weighted traffic splits and retry jitter (tests make them deterministic). */
  random?: () => number;
  sessions?: SessionStore;
  usage?: UsageSink;
  /** Managed API keys (default: from KEY_STORE). */
  keyStore?: KeyStore;
  /** Where usage records are kept and `GET /v1/usage` reads (default: from USAGE_STORE). */
  usageStore?: UsageStore;
  /** Where log lines go (default: stdout). */
  logStream?: DestinationStream;
  /** The built web app to serve at `/` (default: from WEB_APP_DIR). */
  webAppDirectory?: string;
}

export interface Gateway {
  app: FastifyInstance;
  engine: ChatEngine;
  /** Streamed requests running on their own, and resuming them. */
  runs: StreamRuns;
  registry: ModelRegistry;
  sessions: SessionStore;
  usage: UsageSink;
  /** Keys, tickets, rate limits, budgets, usage store. */
  access: AccessServices;
  /** The random key made at start-up when no credential is configured (no API_KEYS, ADMIN_API_KEY, JWT or managed key). */
  developmentKey?: string;
  /**
   * Drains streams (up to the configured timeout) while still listening (`/ready` answers 503
   * `draining`, new chat requests 503 `shutting_down`), closes sockets with 1001, flushes and closes stores.
   */
  shutdown(): Promise<ShutdownResult>;
}

export interface ShutdownResult {
  /** Every stream ended by itself within the drain timeout. */
  drained: boolean;
  /** Usage records that could be neither written nor spooled anywhere (the process should exit non-zero). */
  lostUsageRecords: number;
}

const PUBLIC_PREFIXES = ['/docs'];

/** How far (in events) a connected client may lag before its stream holds the model back. */
const STREAM_WINDOW_EVENTS = 256;

/** Builds the HTTP app from configuration. Never listens: `main.ts` does, tests use `inject()` or listen on port 0. */
export async function buildGateway(config: GatewayConfig, overrides: GatewayOverrides = {}): Promise<Gateway> {
  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: { paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie'], censor: '[redacted]' },
      // The URL without secrets: a WebSocket `?ticket=` never reaches the logs.
      serializers: { req: serializeRequest },
      ...(overrides.logStream ? { stream: overrides.logStream } : {}),
    },
    // Health probes at debug; the closing line of each request names its path, key id and model.
    logController: new RequestLogController(),
    bodyLimit: config.bodyLimitBytes,
    requestIdHeader: false,
    genReqId: (request) => {
      const header = request.headers['x-request-id'];
      return typeof header === 'string' && REQUEST_ID_PATTERN.test(header) ? header : randomUUID();
    },
    // No URL is longer than the headers may be, so every path parameter reaches its schema: an
    // over-long session id is invalid_session_id, not a bare 414.
    routerOptions: { maxParamLength: maxHeaderSize },
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler: createClientErrorHandler(config),
    ...requestTimeouts(config),
    forceCloseConnections: true,
    return503OnClosing: true,
    trustProxy: config.access.trustProxy,
  });

  const access = await createAccessServices(config, app.log, {
    ...(overrides.keyStore ? { keyStore: overrides.keyStore } : {}),
    ...(overrides.usageStore ? { usageStore: overrides.usageStore } : {}),
    ...(overrides.usage ? { usage: overrides.usage } : {}),
  });
  const sessions = overrides.sessions ?? openSessionStore(config, access.redis);
  const { usage, developmentKey } = access;
  const built = overrides.models
    ? undefined
    : buildModels(config.upstreams, config.simulator, {
        logger: app.log.child({ component: 'router' }),
        ...(overrides.random ? { random: overrides.random } : {}),
      });
  const registry = overrides.models
    ? new ModelRegistry(overrides.models, config.defaultModel === 'simulator' ? overrides.models[0]!.id : config.defaultModel)
    : new ModelRegistry(built!.chat, built!.defaultModel);
  if (built) {
    app.log.info(
      { providers: built.providers.map((provider) => provider.name), disabled: Object.fromEntries(built.disabled.map((entry) => [entry.name, entry.reason])) },
      'providers',
    );
  }
  const providerDirectory = built ? new ProviderDirectory(built.providers, built.disabled, built.modelsByProvider) : ProviderDirectory.ofEntries(overrides.models!);
  const engine = new ChatEngine({
    registry,
    sessions,
    usage,
    historyTurns: config.sessionHistoryTurns,
    admission: access.admission,
    onInternalError: (error, requestId) => app.log.error({ err: error, requestId }, 'stream failed inside the gateway'),
    onTurnsNotKept: (error, requestId, sessionId) => app.log.warn({ err: error, requestId, sessionId }, "the session store failed: this request's turns were not kept"),
  });
  const embeddings = built?.embeddings ?? new MediaModels('embedding');
  const images = built?.images ?? new MediaModels('image');
  const media = new MediaEngine({ usage, admission: access.admission, timeoutMs: config.upstreams.routing.timeoutMs, isDraining: () => engine.isDraining });
  const streams = openStreamRetention(config, access.redis);
  const runs = new StreamRuns({ retention: streams.retention, graceMs: config.streams.resumeGraceMs, windowEvents: STREAM_WINDOW_EVENTS, ...(streams.coordination ? { coordination: streams.coordination } : {}) });
  const connections = new Set<ChatConnection>();
  const routes = new RouteTable();

  // JSON only: a text/plain body is refused with 415 rather than validated as a string.
  app.removeContentTypeParser('text/plain');
  registerJsonBodyParser(app);
  // A body refused before it arrived is read to its end, up to twice the limit (at least 16 MiB), so the client sees the answer.
  closeAfterEarlyAnswers(app, { discardLimitBytes: Math.max(16 * 1024 * 1024, 2 * config.bodyLimitBytes) });
  app.setValidatorCompiler(zodValidatorCompiler);
  // Response schemas document the API; the bodies are built by our own code, so plain JSON.stringify serializes them.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(function notFound(request, reply) {
    const pathname = request.url.split('?', 1)[0]!;
    // Under /v1 the caller may be an OpenAI client: a body both kinds of client read.
    const send = pathname.startsWith('/v1/') ? sendUnknownRouteError : sendError;
    const allowed = routes.allowedMethods(pathname);
    if (allowed.length > 0 && !allowed.includes(request.method)) {
      reply.header('allow', allowed.join(', '));
      return send(reply, new GatewayError('method_not_allowed', `${request.method} is not allowed on ${pathname}; use ${allowed.join(', ')}.`), request.id);
    }
    return send(reply, new GatewayError('not_found', `No route ${request.method} ${pathname}.`), request.id);
  });
  // A WebSocket upgrade refused with an HTTP answer (a bad key, a missing origin header) leaves a raw
  // socket that no HTTP machinery closes: end it once the answer is out, or it stays open for good.
  app.addHook('onResponse', async function closeRefusedUpgrade(request, reply) {
    if (request.raw.headers.upgrade !== undefined && reply.statusCode >= 400) request.raw.socket?.end();
  });
  app.addHook('onRequest', async function tagResponse(request, reply) {
    reply.header('x-request-id', request.id);
    // Draining: answer, then let the client's next request find another instance.
    if (engine.isDraining) reply.header('connection', 'close');
  });
  routes.attach(app);
  if (config.access.originVerifySecret) app.addHook('onRequest', requireOriginSecret(config.access.originVerifySecret));
  requireKeys(app, { authenticator: access.authenticator, tickets: access.tickets, limiter: access.limiter, publicPrefixes: PUBLIC_PREFIXES });
  if (config.access.corsOrigins.length > 0) {
    // Closed unless configured: the web app served by the gateway itself is same-origin and needs no CORS.
    await app.register(fastifyCors, {
      origin: config.access.corsOrigins.includes('*') ? '*' : config.access.corsOrigins,
      methods: ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
      allowedHeaders: ['content-type', 'authorization', 'x-api-key', 'x-request-id', 'last-event-id'],
      exposedHeaders: ['x-request-id', 'x-session-id', 'x-replayed-events', 'x-heartbeat-interval-ms', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'ratelimit-policy', 'retry-after'],
      credentials: false,
      maxAge: 600,
    });
  }

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'StreamGate',
        description: 'Streaming gateway for language models and agents: REST, Server-Sent Events and WebSocket.',
        version: '0.1.0',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ apiKey: [] }, { bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  protectPages(app, ['/docs', '/openapi.json']);
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  await app.register(fastifyWebsocket, { errorHandler: websocketErrorHandler, options: { maxPayload: config.bodyLimitBytes } });

  app.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, async function openapi() {
    return app.swagger();
  });
  const sessionKind = overrides.sessions ? undefined : config.sessionStore;
  registerHealthRoutes(app, engine, providerDirectory, async () => ({ sessions: await sessionReadiness(sessions, sessionKind), ...(await access.readiness()) }));
  registerChatRoute(app, engine);
  registerChatStreamRoute(app, engine, runs, config.heartbeatIntervalMs);
  registerResumeStreamRoute(app, { runs, authenticator: access.authenticator, limiter: access.limiter, heartbeatIntervalMs: config.heartbeatIntervalMs });
  registerRequestsRoute(app, runs);
  registerSessionRoutes(app, sessions);
  registerBedrockRoutes(app, {
    engine,
    registry,
    embeddings,
    images,
    media,
    isBedrockProvider: (name) => built?.providers.some((provider) => provider.name === name && provider.type === 'bedrock') ?? false,
    heartbeatIntervalMs: config.heartbeatIntervalMs,
  });
  registerTicketRoute(app, access.tickets, config.access.ticketTtlSeconds);
  registerUsageRoute(app, access.usageStore, access.usageWriter);
  registerKeyRoutes(app, access.keys, (name) => {
    if (!embeddings.has(name) && !images.has(name)) registry.resolve(name);
  });
  await registerOpenAiRoutes(app, {
    engine,
    registry,
    embeddings,
    images,
    media,
    runs,
    heartbeatIntervalMs: config.heartbeatIntervalMs,
  });
  registerWebSocketRoutes(app, {
    engine,
    runs,
    heartbeatIntervalMs: config.heartbeatIntervalMs,
    maxConcurrentRequests: config.websocketMaxConcurrentRequests,
    highWaterBytes: config.streamHighWaterBytes,
    connections,
    limiter: access.limiter,
    recheckCaller: (caller) => access.keys.recheck(caller),
  });
  await registerWebAppRoutes(app, overrides.webAppDirectory ?? config.webAppDirectory);
  await app.ready();

  let shuttingDown: Promise<ShutdownResult> | undefined;
  const shutdown = () =>
    (shuttingDown ??= (async () => {
      app.log.info({ activeStreams: engine.activeCount, drainTimeoutMs: config.drainTimeoutMs }, 'draining');
      // Still listening while streams finish: a probe sees `/ready` 503 draining (not a refused
      // connection), a new chat request 503 shutting_down, and every response says `Connection: close`.
      app.server.closeIdleConnections();
      if (streams.retention.shared) {
        // Every instance can resume these streams: let the clients go at once (they resume elsewhere)
        // while the model calls finish into the shared store, so a deploy need not wait for slow readers.
        runs.disconnectFollowers();
        for (const connection of connections) connection.goAway();
      }
      const drained = await engine.drain(config.drainTimeoutMs);
      for (const connection of connections) connection.goAway();
      await app.close();
      await engine.waitForIdle(config.drainTimeoutMs);
      await streams.retention.flush();
      await streams.coordination?.close();
      await streams.retention.close();
      await access.close();
      await sessions.close();
      await built?.close();
      const lostUsageRecords = access.usageWriter?.stats().dropped ?? 0;
      app.log.info({ drained, lostUsageRecords }, 'stopped');
      return { drained, lostUsageRecords };
    })());

  return { app, engine, runs, registry, sessions, usage, access, ...(developmentKey ? { developmentKey } : {}), shutdown };
}
