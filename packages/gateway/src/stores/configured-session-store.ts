import path from 'node:path';
import type { Redis } from 'ioredis';
import type { ReadinessCheck } from '../access/access-services.js';
import type { GatewayConfig } from '../config.js';
import { GatewayError } from '../errors.js';
import { MemorySessionStore } from './memory-session-store.js';
import { RedisSessionStore } from './redis-session-store.js';
import type { SessionStore } from './session-store.js';
import { SqliteSessionStore } from './sqlite-session-store.js';

/** The session store `SESSION_STORE` names; `redis` shares the access services' connection. */
export function openSessionStore(config: GatewayConfig, redis: Redis | undefined): SessionStore {
  const ttlSeconds = config.sessionTtlSeconds;
  switch (config.sessionStore) {
    case 'redis':
      if (!redis) throw new Error('SESSION_STORE=redis needs the Redis connection (REDIS_URL)');
      return new RedisSessionStore(redis, { ttlSeconds });
    case 'sqlite':
      return new SqliteSessionStore({ file: path.join(config.dataDirectory, 'streamgate.db'), ttlSeconds });
    case 'memory':
      return new MemorySessionStore({ maxSessions: config.memorySessionLimit, ttlSeconds });
  }
}

/**
 * The `sessions` check of `/ready`. A Redis outage is `degraded`, not `error`: every instance shares
 * Redis, and taking them all out of the load balancer would also stop the requests without a session,
 * which they still serve. So is a SQLite file that cannot be written (a full or read-only disk): requests
 * naming a session get 503 `dependency_unavailable`, the others are served. Anything else is `error`.
 */
export async function sessionReadiness(store: SessionStore, kind?: GatewayConfig['sessionStore']): Promise<ReadinessCheck> {
  const details = kind ? { details: { store: kind } } : {};
  try {
    await store.check();
    return { status: 'ok', ...details };
  } catch (error) {
    const reason = (error as Error).message;
    if (kind !== 'redis') {
      if (!(error instanceof GatewayError && error.code === 'dependency_unavailable')) return { status: 'error', message: reason, ...details };
      return { status: 'degraded', message: `${reason} Requests naming a session get 503 dependency_unavailable; requests without one are served.`, ...details };
    }
    return {
      status: 'degraded',
      message: `Redis is unreachable (${reason}): requests naming a session get 503 dependency_unavailable; requests without one are served`,
      ...details,
    };
  }
}
