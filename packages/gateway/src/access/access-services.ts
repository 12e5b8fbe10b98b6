import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { Redis } from 'ioredis';
import type pg from 'pg';
import type { GatewayConfig } from '../config.js';
import type { UsageSink } from '../engine/usage-record.js';
import type { KeyStore } from '../stores/keys/key-store.js';
import { MemoryKeyStore } from '../stores/keys/memory-key-store.js';
import { PostgresKeyStore } from '../stores/keys/postgres-key-store.js';
import { SqliteKeyStore } from '../stores/keys/sqlite-key-store.js';
import { createPostgresPool } from '../stores/postgres/postgres-pool.js';
import { MemoryUsageStore } from '../stores/usage/memory-usage-store.js';
import { PostgresUsageStore } from '../stores/usage/postgres-usage-store.js';
import { SqliteUsageStore } from '../stores/usage/sqlite-usage-store.js';
import type { UsageStore } from '../stores/usage/usage-store.js';
import { UsageWriter } from '../stores/usage/usage-writer.js';
import { AccessAdmission } from './access-admission.js';
import { openDependency, redactUrl } from '../startup-error.js';
import { generateDevelopmentKey } from './api-keys.js';
import { Authenticator } from './authenticator.js';
import { BudgetTracker } from './budgets.js';
import { JwtVerifier } from './jwt-verifier.js';
import { KeyManager } from './key-manager.js';
import { FailoverLimitBackend } from './rate-limit/failover-limit-backend.js';
import { MemoryLimitBackend, type LimitBackend } from './rate-limit/limit-backend.js';
import { RateLimiter } from './rate-limit/rate-limiter.js';
import { RedisTicketStore, WebSocketTickets } from './ticket-store.js';

export interface AccessOverrides {
  keyStore?: KeyStore;
  usageStore?: UsageStore;
  /** A sink to use instead of the batching writer (records then reach `usageStore` only if the sink puts them there). */
  usage?: UsageSink;
}

export interface ReadinessCheck {
  status: 'ok' | 'degraded' | 'error';
  message?: string;
  details?: Record<string, unknown>;
}

/** Everything behind access control and accounting, built from configuration. */
export interface AccessServices {
  authenticator: Authenticator;
  keys: KeyManager;
  tickets: WebSocketTickets;
  limiter: RateLimiter;
  admission: AccessAdmission;
  usageStore: UsageStore;
  usage: UsageSink;
  /** The batching writer, when it is the sink. */
  usageWriter?: UsageWriter;
  /** The one Redis connection (with `REDIS_URL`), for other shared state to use too; `close()` ends it. */
  redis?: Redis;
  /** The random key made at start-up when nothing else could authenticate anyone. */
  developmentKey?: string;
  /**
   * With no API_KEYS, why no development key was made: the credentials that exist instead. A key
   * printed by an earlier start stops working then, which people must be told.
   */
  developmentKeyWithheld?: string[];
  /** Each dependency's state, for `/ready`. */
  readiness(): Promise<Record<string, ReadinessCheck>>;
  /** Writes out pending usage, then closes stores and connections. */
  close(): Promise<void>;
}

const REDIS_FIRST_CONNECT_MS = 3_000;

export async function createAccessServices(config: GatewayConfig, logger: FastifyBaseLogger, overrides: AccessOverrides = {}): Promise<AccessServices> {
  const access = config.access;
  let pool: pg.Pool | undefined;
  const postgres = () =>
    (pool ??= createPostgresPool(access.databaseUrl!, (error) => logger.warn({ err: error }, 'PostgreSQL connection lost; the pool reconnects on demand')));
  const sqliteFile = (name: string) => path.join(config.dataDirectory, name);

  const keyStore =
    overrides.keyStore ??
    (access.keyStore === 'postgres'
      ? await openDependency('DATABASE_URL', access.databaseUrl!, () => PostgresKeyStore.open(postgres()))
      : access.keyStore === 'sqlite'
        ? new SqliteKeyStore(sqliteFile('keys.db'))
        : new MemoryKeyStore());
  const usageStore =
    overrides.usageStore ??
    (access.usageStore === 'postgres'
      ? await openDependency('DATABASE_URL', access.databaseUrl!, () => PostgresUsageStore.open(postgres()))
      : access.usageStore === 'sqlite'
        ? new SqliteUsageStore(sqliteFile('usage.db'))
        : new MemoryUsageStore());

  let redis: Redis | undefined;
  let limitBackend: LimitBackend;
  let failover: FailoverLimitBackend | undefined;
  if (access.redisUrl) {
    redis = new Redis(access.redisUrl, {
      lazyConnect: true,
      // Fail fast while disconnected (the local limiter takes over, a session request gets a 503) instead of
      // queueing behind a dead link.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 1_000,
      connectTimeout: 2_000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    });
    failover = new FailoverLimitBackend(redis, access.rateLimitFailureMode, (degraded, reason) => {
      if (degraded) logger.warn({ reason, mode: access.rateLimitFailureMode }, 'Redis unreachable: rate limits fall back to this instance');
      else logger.info('Redis reachable again: rate limits are shared');
    });
    limitBackend = failover;
    const connected = redis.connect().then(
      () => true,
      () => false,
    );
    const waited = await Promise.race([connected, new Promise<false>((resolve) => setTimeout(resolve, REDIS_FIRST_CONNECT_MS, false).unref())]);
    // Not fatal, by design: limits fall back to this instance and sessions to 503s until Redis answers.
    if (!waited) logger.warn({ redis: redactUrl(access.redisUrl) }, 'REDIS_URL did not answer at start-up; serving on local limits until it does');
  } else {
    limitBackend = new MemoryLimitBackend();
  }

  const keys = new KeyManager({ store: keyStore, rotationOverlapSeconds: access.rotationOverlapSeconds, cacheSeconds: access.keyCacheSeconds });
  const jwt = access.jwt ? new JwtVerifier(access.jwt) : undefined;
  let developmentKey: string | undefined;
  let developmentKeyWithheld: string[] | undefined;
  if (config.apiKeys.length === 0) {
    const managedKeys = (await keyStore.list()).length;
    const credentials = [
      ...(access.adminKeys.length > 0 ? ['ADMIN_API_KEY is set'] : []),
      ...(jwt ? ['JWTs are accepted (JWT_SECRET or JWT_JWKS_URL)'] : []),
      ...(managedKeys > 0 ? [`${managedKeys} managed key${managedKeys === 1 ? '' : 's'} exist${managedKeys === 1 ? 's' : ''} in the key store`] : []),
    ];
    if (credentials.length === 0) developmentKey = generateDevelopmentKey();
    else developmentKeyWithheld = credentials;
  }
  const authenticator = new Authenticator({
    adminKeys: access.adminKeys,
    staticKeys: developmentKey ? [developmentKey] : config.apiKeys,
    keys,
    ...(jwt ? { jwt } : {}),
  });
  const tickets = new WebSocketTickets(access.ticketTtlSeconds, redis ? new RedisTicketStore(redis) : undefined);
  const limiter = new RateLimiter(limitBackend, access.rateLimits);
  const budgets = new BudgetTracker(limitBackend, (keyId, since) => usageStore.spend(keyId, since));
  const admission = new AccessAdmission(limiter, budgets, logger);

  const usageWriter = overrides.usage
    ? undefined
    : new UsageWriter({
        store: usageStore,
        batchSize: access.usage.batchSize,
        flushIntervalMs: access.usage.flushIntervalMs,
        bufferLimit: access.usage.bufferLimit,
        // A memory store cannot outlive the process: a spool file would only be replayed into a new, empty one.
        ...(access.usageStore === 'memory' && !overrides.usageStore ? {} : { spoolFile: sqliteFile('usage-spool.jsonl'), fallbackSpoolFile: fallbackSpoolFile(config.dataDirectory) }),
        logger: logger.child({ component: 'usage' }),
      });
  const usage = overrides.usage ?? usageWriter!;

  async function readiness(): Promise<Record<string, ReadinessCheck>> {
    const checks: Record<string, ReadinessCheck> = {};
    try {
      await keyStore.check();
      checks.keys = { status: 'ok' };
    } catch (error) {
      // Degraded, not failed: every instance shares the store, and pulling them all out of the load
      // balancer would also stop the callers they can still verify (API_KEYS, JWTs, cached keys).
      checks.keys = { status: 'degraded', message: `key store unreachable (${(error as Error).message}); only cached and static keys and JWTs work` };
    }
    if (usageWriter) {
      const stats = usageWriter.stats();
      checks.usage = {
        status: stats.status,
        ...(stats.lastError ? { message: `usage store failing (${stats.lastError}); records are kept and retried` } : {}),
        details: { recorded: stats.recorded, written: stats.written, pending: stats.pending, spooled: stats.spooled, spool_pending: stats.spoolPending, failed_attempts: stats.failedAttempts, dropped: stats.dropped },
      };
    }
    if (failover) {
      const status = failover.status();
      checks.rate_limits = {
        status: status.status === 'ok' ? 'ok' : access.rateLimitFailureMode === 'closed' ? 'error' : 'degraded',
        ...(status.message ? { message: status.message } : {}),
        details: { backend: redis?.status === 'ready' ? 'redis' : access.rateLimitFailureMode === 'open' ? 'local' : 'none', failure_mode: access.rateLimitFailureMode },
      };
    } else {
      checks.rate_limits = { status: 'ok', details: { backend: 'memory' } };
    }
    return checks;
  }

  async function close(): Promise<void> {
    await usage.flush();
    limiter.close();
    failover?.close();
    if (limitBackend instanceof MemoryLimitBackend) limitBackend.close();
    await keyStore.close();
    await usageStore.close();
    redis?.disconnect();
    await pool?.end();
  }

  return {
    authenticator,
    keys,
    tickets,
    limiter,
    admission,
    usageStore,
    usage,
    ...(usageWriter ? { usageWriter } : {}),
    ...(redis ? { redis } : {}),
    ...(developmentKey ? { developmentKey } : {}),
    ...(developmentKeyWithheld ? { developmentKeyWithheld } : {}),
    readiness,
    close,
  };
}

/**
 * A second spool on another file system (the OS's temporary folder), for when `DATA_DIR` itself cannot
 * be written; named after the data directory, so the gateway that uses it replays it on its next start.
 */
function fallbackSpoolFile(dataDirectory: string): string {
  const owner = createHash('sha256').update(dataDirectory).digest('hex').slice(0, 16);
  return path.join(os.tmpdir(), `streamgate-usage-spool-${owner}.jsonl`);
}
