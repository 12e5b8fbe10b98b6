import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { DestinationStream } from 'pino';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyWebsocket from '@fastify/websocket';
import { REQUEST_ID_PATTERN } from '@streamgate/protocol';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, validatorCompiler } from 'fastify-type-provider-zod';
import { generateDevelopmentKey, StaticApiKeys } from './access/api-keys.js';
import type { GatewayConfig } from './config.js';
import { ChatEngine } from './engine/chat-engine.js';
import { LogUsageSink } from './engine/log-usage-sink.js';
import type { UsageSink } from './engine/usage-record.js';
import { GatewayError } from './errors.js';
import { requireKeys } from './http/authenticate.js';
import { errorHandler, sendError } from './http/error-handler.js';
import { RouteTable } from './http/route-table.js';
import { buildModels } from './routing/build-models.js';
import { MediaModels } from './routing/media-models.js';
import { ModelRegistry, type ModelEntry } from './routing/model-registry.js';
import { ProviderDirectory } from './routing/provider-directory.js';
import { MemorySessionStore } from './stores/memory-session-store.js';
import type { SessionStore } from './stores/session-store.js';
import { SqliteSessionStore } from './stores/sqlite-session-store.js';
import { registerBedrockRoutes } from './transports/bedrock/bedrock-routes.js';
import { registerOpenAiRoutes } from './transports/openai/openai-routes.js';
import { registerChatRoute } from './transports/rest/chat-route.js';
import { registerSessionRoutes } from './transports/rest/sessions-routes.js';
import { registerChatStreamRoute } from './transports/sse/chat-stream-route.js';
import { registerHealthRoutes } from './transports/system/health-routes.js';
import type { ChatConnection } from './transports/websocket/chat-connection.js';
import { registerWebSocketRoutes } from './transports/websocket/websocket-routes.js';

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
  /** Where log lines go (default: stdout). */
  logStream?: DestinationStream;
}

export interface Gateway {
  app: FastifyInstance;
  engine: ChatEngine;
  registry: ModelRegistry;
  sessions: SessionStore;
  usage: UsageSink;
  /** The random key made at start-up when `API_KEYS` is empty. */
  developmentKey?: string;
  /** Drains streams (up to the configured timeout), closes sockets with 1001, flushes and closes stores. */
  shutdown(): Promise<{ drained: boolean }>;
}

const PUBLIC_PREFIXES = ['/docs'];

/** Builds the HTTP app from configuration. Never listens: `main.ts` does, tests use `inject()` or listen on port 0. */
export async function buildGateway(config: GatewayConfig, overrides: GatewayOverrides = {}): Promise<Gateway> {
  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: { paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie'], censor: '[redacted]' },
      ...(overrides.logStream ? { stream: overrides.logStream } : {}),
    },
    bodyLimit: config.bodyLimitBytes,
    requestIdHeader: false,
    genReqId: (request) => {
      const header = request.headers['x-request-id'];
      return typeof header === 'string' && REQUEST_ID_PATTERN.test(header) ? header : randomUUID();
    },
    // Long enough that an over-long session id reaches validation and gets invalid_session_id, not a bare 414.
    routerOptions: { maxParamLength: 1024 },
    forceCloseConnections: true,
    return503OnClosing: true,
  });

  const developmentKey = config.apiKeys.length === 0 ? generateDevelopmentKey() : undefined;
  const keys = new StaticApiKeys(developmentKey ? [developmentKey] : config.apiKeys);
  const sessions =
    overrides.sessions ??
    (config.sessionStore === 'sqlite'
      ? new SqliteSessionStore({ file: path.join(config.dataDirectory, 'streamgate.db'), ttlSeconds: config.sessionTtlSeconds })
      : new MemorySessionStore({ maxSessions: config.memorySessionLimit, ttlSeconds: config.sessionTtlSeconds }));
  const usage = overrides.usage ?? new LogUsageSink(app.log.child({ component: 'usage' }));
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
    onInternalError: (error, requestId) => app.log.error({ err: error, requestId }, 'stream failed inside the gateway'),
  });
  const connections = new Set<ChatConnection>();
  const routes = new RouteTable();

  // JSON only: a text/plain body is refused with 415 rather than validated as a string.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler);
  // Response schemas document the API; the bodies are built by our own code, so plain JSON.stringify serializes them.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(function notFound(request, reply) {
    const pathname = request.url.split('?', 1)[0]!;
    const allowed = routes.allowedMethods(pathname);
    if (allowed.length > 0 && !allowed.includes(request.method)) {
      reply.header('allow', allowed.join(', '));
      return sendError(reply, new GatewayError('method_not_allowed', `${request.method} is not allowed on ${pathname}; use ${allowed.join(', ')}.`), request.id);
    }
    return sendError(reply, new GatewayError('not_found', `No route ${request.method} ${pathname}.`), request.id);
  });
  app.addHook('onRequest', async function tagResponse(request, reply) {
    reply.header('x-request-id', request.id);
  });
  routes.attach(app);
  requireKeys(app, keys, PUBLIC_PREFIXES);

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
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  await app.register(fastifyWebsocket, { options: { maxPayload: config.bodyLimitBytes } });

  app.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, async function openapi() {
    return app.swagger();
  });
  registerHealthRoutes(app, engine, sessions, providerDirectory);
  registerChatRoute(app, engine);
  registerChatStreamRoute(app, engine, config.heartbeatIntervalMs);
  registerSessionRoutes(app, sessions);
  registerBedrockRoutes(app, {
    engine,
    registry,
    embeddings: built?.embeddings ?? new MediaModels('embedding'),
    images: built?.images ?? new MediaModels('image'),
    usage,
    isBedrockProvider: (name) => built?.providers.some((provider) => provider.name === name && provider.type === 'bedrock') ?? false,
    heartbeatIntervalMs: config.heartbeatIntervalMs,
    timeoutMs: config.upstreams.routing.timeoutMs,
  });
  await registerOpenAiRoutes(app, {
    engine,
    registry,
    embeddings: built?.embeddings ?? new MediaModels('embedding'),
    images: built?.images ?? new MediaModels('image'),
    usage,
    heartbeatIntervalMs: config.heartbeatIntervalMs,
    timeoutMs: config.upstreams.routing.timeoutMs,
  });
  registerWebSocketRoutes(app, {
    engine,
    heartbeatIntervalMs: config.heartbeatIntervalMs,
    maxConcurrentRequests: config.websocketMaxConcurrentRequests,
    highWaterBytes: config.streamHighWaterBytes,
    connections,
  });
  await app.ready();

  let shuttingDown: Promise<{ drained: boolean }> | undefined;
  const shutdown = () =>
    (shuttingDown ??= (async () => {
      app.log.info({ activeStreams: engine.activeCount, drainTimeoutMs: config.drainTimeoutMs }, 'draining');
      // Stop accepting connections; keep-alive connections still open get 503 shutting_down for new requests.
      if (app.server.listening) {
        app.server.close();
        app.server.closeIdleConnections();
      }
      const drained = await engine.drain(config.drainTimeoutMs);
      for (const connection of connections) connection.goAway();
      await app.close();
      await engine.waitForIdle(config.drainTimeoutMs);
      await usage.flush();
      await sessions.close();
      await built?.close();
      app.log.info({ drained }, 'stopped');
      return { drained };
    })());

  return { app, engine, registry, sessions, usage, ...(developmentKey ? { developmentKey } : {}), shutdown };
}
