import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { STREAM_TIMING } from '@streamgate/protocol';
import { accessEnvironment, toAccessConfig, type AccessConfig } from './access/access-config.js';
import { ConfigError, credentialList, integer } from './env-values.js';
import { loadUpstreamConfig, UPSTREAM_VARIABLES, type UpstreamConfig } from './routing/upstream-config.js';

export { ConfigError } from './env-values.js';

const environmentSchema = z.object({
  HOST: z.string().optional().transform((value) => value?.trim() || '127.0.0.1'),
  PORT: integer('PORT', 8000, 0, 65_535),
  API_KEYS: credentialList('API_KEYS'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      message: 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .optional()
    .default('info'),
  DATA_DIR: z.string().optional().transform((value) => path.resolve(value?.trim() || 'data')),
  SESSION_STORE: z.enum(['sqlite', 'memory', 'redis'], { message: 'SESSION_STORE must be "sqlite", "memory" or "redis"' }).optional(),
  SESSION_HISTORY_TURNS: integer('SESSION_HISTORY_TURNS', 50, 0, 10_000),
  SESSION_TTL_SECONDS: integer('SESSION_TTL_SECONDS', 7 * 24 * 3600, 60, 10 * 365 * 24 * 3600),
  MEMORY_SESSION_LIMIT: integer('MEMORY_SESSION_LIMIT', 10_000, 1, 10_000_000),
  BODY_LIMIT_BYTES: integer('BODY_LIMIT_BYTES', 1024 * 1024, 1024, 100 * 1024 * 1024),
  HEARTBEAT_INTERVAL_MS: integer('HEARTBEAT_INTERVAL_MS', STREAM_TIMING.heartbeatIntervalMs, 10, 3_600_000),
  DRAIN_TIMEOUT_MS: integer('DRAIN_TIMEOUT_MS', STREAM_TIMING.drainTimeoutMs, 0, 3_600_000),
  WS_MAX_CONCURRENT_REQUESTS: integer('WS_MAX_CONCURRENT_REQUESTS', 100, 1, 10_000),
  STREAM_HIGH_WATER_BYTES: integer('STREAM_HIGH_WATER_BYTES', 64 * 1024, 1024, 64 * 1024 * 1024),
  STREAM_RETENTION: z.enum(['memory', 'redis', 'off'], { message: 'STREAM_RETENTION must be "memory", "redis" or "off"' }).optional(),
  STREAM_RETENTION_SECONDS: integer('STREAM_RETENTION_SECONDS', 600, 1, 7 * 24 * 3600),
  STREAM_RESUME_GRACE_MS: integer('STREAM_RESUME_GRACE_MS', 30_000, 0, 3_600_000),
  STREAM_RETENTION_MAX_EVENTS: integer('STREAM_RETENTION_MAX_EVENTS', 20_000, 10, 10_000_000),
  STREAM_RETENTION_MEMORY_MB: integer('STREAM_RETENTION_MEMORY_MB', 64, 1, 1_000_000),
  REQUEST_TIMEOUT_MS: integer('REQUEST_TIMEOUT_MS', 30_000, 100, 3_600_000),
  HEADERS_TIMEOUT_MS: integer('HEADERS_TIMEOUT_MS', 10_000, 100, 3_600_000),
  SIMULATOR_TTFT_MS: integer('SIMULATOR_TTFT_MS', 150, 0, 600_000),
  SIMULATOR_TOKENS_PER_SECOND: integer('SIMULATOR_TOKENS_PER_SECOND', 50, 0, 1_000_000),
  DEFAULT_MODEL: z.string().optional().transform((value) => value?.trim() || 'simulator'),
  // From src/ (tsx) and dist/ alike, ../../web/dist is the web package's build.
  WEB_APP_DIR: z.string().optional().transform((value) => (value?.trim() ? path.resolve(value.trim()) : fileURLToPath(new URL('../../web/dist', import.meta.url)))),
  ...accessEnvironment,
});

/** Every environment variable the gateway reads: docs/configuration.md documents each (config-docs.test.ts). */
export const CONFIG_VARIABLES: readonly string[] = [...Object.keys(environmentSchema.shape), ...UPSTREAM_VARIABLES];

export interface GatewayConfig {
  host: string;
  port: number;
  apiKeys: string[];
  logLevel: string;
  dataDirectory: string;
  /** `redis` when `REDIS_URL` is set and `SESSION_STORE` is not, else `sqlite`. */
  sessionStore: 'sqlite' | 'memory' | 'redis';
  /** How many earlier turns of a session are sent to the model as context. */
  sessionHistoryTurns: number;
  sessionTtlSeconds: number;
  memorySessionLimit: number;
  bodyLimitBytes: number;
  heartbeatIntervalMs: number;
  drainTimeoutMs: number;
  websocketMaxConcurrentRequests: number;
  /** Bytes a stream may have queued towards a slow client before the gateway stops reading upstream. */
  streamHighWaterBytes: number;
  /** Streamed requests' events, kept for resuming (see docs/long-runs.md). */
  streams: {
    /** `redis` when `REDIS_URL` is set and `STREAM_RETENTION` is not: resumable on every instance. */
    retention: 'memory' | 'redis' | 'off';
    retentionSeconds: number;
    /** How long a model call goes on after its last client left, waiting for a resume (0: stops at once). */
    resumeGraceMs: number;
    maxEventsPerStream: number;
    /** The memory store's budget for every stream together. */
    memoryBytes: number;
  };
  /** Longest a client may take to send a whole request, headers and body; the reply is not limited by it. */
  requestTimeoutMs: number;
  /** Longest a client may take to send the request line and headers (at most `requestTimeoutMs`). */
  headersTimeoutMs: number;
  defaultModel: string;
  simulator: { ttftMs: number; tokensPerSecond: number };
  /** The built web app served at `/` (packages/web/dist by default). */
  webAppDirectory: string;
  /** Bedrock, agents, AgentCore, OpenAI-compatible servers and the models file (see routing/upstream-config.ts). */
  upstreams: UpstreamConfig;
  /** Keys, JWT, tickets, rate limits, usage, CORS (`access/access-config.ts`). */
  access: AccessConfig;
}

/** Reads and validates the configuration from environment variables; a ConfigError names each bad variable. */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const result = environmentSchema.safeParse(environment);
  const upstreams = loadUpstreamConfig(environment);
  if (!result.success || upstreams.problems.length > 0) {
    throw new ConfigError([
      ...(result.error?.issues ?? []).map((issue) => {
        const variable = String(issue.path[0] ?? 'environment');
        return issue.message.startsWith(variable) ? issue.message : `${variable}: ${issue.message}`;
      }),
      ...upstreams.problems,
    ]);
  }
  const value = result.data;
  // Several instances behind a load balancer share Redis: their sessions belong there too.
  const sessionStore = value.SESSION_STORE ?? (value.REDIS_URL ? 'redis' : 'sqlite');
  const problems = sessionStore === 'redis' && !value.REDIS_URL ? ['SESSION_STORE: "redis" needs REDIS_URL'] : [];
  if (value.STREAM_RETENTION === 'redis' && !value.REDIS_URL) problems.push('STREAM_RETENTION: "redis" needs REDIS_URL');
  let access: AccessConfig | undefined;
  try {
    access = toAccessConfig(value);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  if (!access || problems.length > 0) throw new ConfigError(problems);
  return {
    host: value.HOST,
    port: value.PORT,
    apiKeys: value.API_KEYS,
    logLevel: value.LOG_LEVEL,
    dataDirectory: value.DATA_DIR,
    sessionStore,
    sessionHistoryTurns: value.SESSION_HISTORY_TURNS,
    sessionTtlSeconds: value.SESSION_TTL_SECONDS,
    memorySessionLimit: value.MEMORY_SESSION_LIMIT,
    bodyLimitBytes: value.BODY_LIMIT_BYTES,
    heartbeatIntervalMs: value.HEARTBEAT_INTERVAL_MS,
    drainTimeoutMs: value.DRAIN_TIMEOUT_MS,
    websocketMaxConcurrentRequests: value.WS_MAX_CONCURRENT_REQUESTS,
    streamHighWaterBytes: value.STREAM_HIGH_WATER_BYTES,
    streams: {
      retention: value.STREAM_RETENTION ?? (value.REDIS_URL ? 'redis' : 'memory'),
      retentionSeconds: value.STREAM_RETENTION_SECONDS,
      resumeGraceMs: value.STREAM_RESUME_GRACE_MS,
      maxEventsPerStream: value.STREAM_RETENTION_MAX_EVENTS,
      memoryBytes: value.STREAM_RETENTION_MEMORY_MB * 1024 * 1024,
    },
    requestTimeoutMs: value.REQUEST_TIMEOUT_MS,
    // Node refuses a headers timeout longer than the request timeout; the headers are part of the request.
    headersTimeoutMs: Math.min(value.HEADERS_TIMEOUT_MS, value.REQUEST_TIMEOUT_MS),
    defaultModel: value.DEFAULT_MODEL,
    simulator: { ttftMs: value.SIMULATOR_TTFT_MS, tokensPerSecond: value.SIMULATOR_TOKENS_PER_SECOND },
    webAppDirectory: value.WEB_APP_DIR,
    upstreams: upstreams.value!,
    access,
  };
}
