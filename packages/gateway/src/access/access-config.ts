import { z } from 'zod';
import { ConfigError, credentialList, integer, list } from '../env-values.js';

const JWT_ALGORITHMS = ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

const optionalText = z.string().optional().transform((value) => value?.trim() || undefined);

/** `60`, `60s`, `5m`, `1h`: seconds. */
const duration = (name: string, fallback: number) =>
  z
    .string()
    .optional()
    .transform((value, context) => {
      if (value === undefined || value.trim() === '') return fallback;
      const match = /^(\d+)\s*(s|m|h)?$/.exec(value.trim());
      const seconds = match ? Number(match[1]) * { s: 1, m: 60, h: 3600 }[(match[2] ?? 's') as 's' | 'm' | 'h'] : NaN;
      if (!Number.isInteger(seconds) || seconds < 1 || seconds > 86_400) {
        context.addIssue({ code: 'custom', message: `${name} must be a duration from 1 s to 24 h (e.g. 60, 60s, 5m), got "${value}"` });
        return z.NEVER;
      }
      return seconds;
    });

const store = (name: string) =>
  z.enum(['memory', 'sqlite', 'postgres'], { message: `${name} must be "memory", "sqlite" or "postgres"` }).optional();

/** The access-control and accounting variables, merged into the gateway's environment schema. */
export const accessEnvironment = {
  ADMIN_API_KEY: credentialList('ADMIN_API_KEY'),
  KEY_STORE: store('KEY_STORE'),
  KEY_CACHE_SECONDS: integer('KEY_CACHE_SECONDS', 5, 0, 3600),
  KEY_ROTATION_OVERLAP_SECONDS: integer('KEY_ROTATION_OVERLAP_SECONDS', 24 * 3600, 0, 90 * 24 * 3600),
  JWT_SECRET: optionalText,
  JWT_JWKS_URL: optionalText,
  JWT_ISSUER: optionalText,
  JWT_AUDIENCE: list,
  JWT_ALGORITHMS: list,
  JWT_CLOCK_SKEW_SECONDS: integer('JWT_CLOCK_SKEW_SECONDS', 30, 0, 300),
  JWT_USER_CLAIM: z.string().optional().transform((value) => value?.trim() || 'sub'),
  WS_TICKET_TTL_SECONDS: integer('WS_TICKET_TTL_SECONDS', 30, 1, 600),
  RATE_LIMIT_REQUESTS: integer('RATE_LIMIT_REQUESTS', 100, 0, 10_000_000),
  RATE_LIMIT_WINDOW: duration('RATE_LIMIT_WINDOW', 60),
  RATE_LIMIT_TOKENS_PER_MINUTE: integer('RATE_LIMIT_TOKENS_PER_MINUTE', 0, 0, 1_000_000_000),
  RATE_LIMIT_CONCURRENT_STREAMS: integer('RATE_LIMIT_CONCURRENT_STREAMS', 0, 0, 1_000_000),
  RATE_LIMIT_ANONYMOUS_REQUESTS: z.string().optional(),
  RATE_LIMIT_FAILURE_MODE: z
    .enum(['open', 'closed'], { message: 'RATE_LIMIT_FAILURE_MODE must be "open" or "closed"' })
    .optional()
    .default('open'),
  TRUST_PROXY: optionalText,
  ORIGIN_VERIFY_HEADER: optionalText,
  REDIS_URL: optionalText,
  DATABASE_URL: optionalText,
  USAGE_STORE: store('USAGE_STORE'),
  USAGE_BATCH_SIZE: integer('USAGE_BATCH_SIZE', 500, 1, 100_000),
  USAGE_FLUSH_INTERVAL_MS: integer('USAGE_FLUSH_INTERVAL_MS', 1000, 10, 600_000),
  USAGE_BUFFER_LIMIT: integer('USAGE_BUFFER_LIMIT', 10_000, 1, 10_000_000),
  CORS_ORIGINS: list,
};

type AccessEnvironment = z.output<z.ZodObject<typeof accessEnvironment>>;

export interface RateLimitDefaults {
  /** Requests per window per key; 0: unlimited. */
  requestsPerWindow: number;
  windowSeconds: number;
  /** Per client address, on routes that need no key and for failed authentication. */
  anonymousRequestsPerWindow: number;
  tokensPerMinute: number;
  concurrentStreams: number;
}

export interface JwtConfig {
  secret?: string;
  jwksUrl?: string;
  issuer?: string;
  audience: string[];
  algorithms: JwtAlgorithm[];
  clockSkewSeconds: number;
  userClaim: string;
}

export interface AccessConfig {
  adminKeys: string[];
  keyStore: 'memory' | 'sqlite' | 'postgres';
  keyCacheSeconds: number;
  rotationOverlapSeconds: number;
  /** Undefined when neither `JWT_SECRET` nor `JWT_JWKS_URL` is set: bearer JWTs are refused. */
  jwt?: JwtConfig;
  ticketTtlSeconds: number;
  rateLimits: RateLimitDefaults;
  /** `open`: on a Redis outage, limit locally per instance; `closed`: refuse with 503. */
  rateLimitFailureMode: 'open' | 'closed';
  /** Fastify's `trustProxy`: which proxies' `X-Forwarded-For` gives the client address (a number: that many hops). */
  trustProxy: boolean | string[] | ((address: string, hop: number) => boolean);
  /** The secret a CDN adds in `X-Origin-Verify`; when set, requests without it are refused (`/health`, `/ready` excepted). */
  originVerifySecret?: string;
  redisUrl?: string;
  databaseUrl?: string;
  usageStore: 'memory' | 'sqlite' | 'postgres';
  usage: { batchSize: number; flushIntervalMs: number; bufferLimit: number };
  corsOrigins: string[];
}

/** The access part of a parsed environment; throws a ConfigError for combinations that cannot work. */
export function toAccessConfig(value: AccessEnvironment): AccessConfig {
  const problems: string[] = [];
  const postgresDefault = value.DATABASE_URL ? 'postgres' : 'sqlite';
  const keyStore = value.KEY_STORE ?? postgresDefault;
  const usageStore = value.USAGE_STORE ?? postgresDefault;
  for (const [name, chosen] of [['KEY_STORE', keyStore], ['USAGE_STORE', usageStore]] as const) {
    if (chosen === 'postgres' && !value.DATABASE_URL) problems.push(`${name}: "postgres" needs DATABASE_URL`);
  }
  if (value.DATABASE_URL && !/^postgres(ql)?:\/\//.test(value.DATABASE_URL)) problems.push('DATABASE_URL must be a postgres:// URL');
  if (value.REDIS_URL && !/^rediss?:\/\//.test(value.REDIS_URL)) problems.push('REDIS_URL must be a redis:// or rediss:// URL');

  const anonymous = value.RATE_LIMIT_ANONYMOUS_REQUESTS?.trim();
  let anonymousRequests = value.RATE_LIMIT_REQUESTS;
  if (anonymous) {
    anonymousRequests = Number(anonymous);
    if (!Number.isInteger(anonymousRequests) || anonymousRequests < 0) {
      problems.push(`RATE_LIMIT_ANONYMOUS_REQUESTS must be an integer of 0 or more, got "${anonymous}"`);
    }
  }

  let jwt: JwtConfig | undefined;
  if (value.JWT_SECRET || value.JWT_JWKS_URL) {
    const algorithms = value.JWT_ALGORITHMS.length > 0 ? value.JWT_ALGORITHMS : [...(value.JWT_SECRET ? ['HS256'] : []), ...(value.JWT_JWKS_URL ? ['RS256'] : [])];
    for (const algorithm of algorithms) {
      if (!(JWT_ALGORITHMS as readonly string[]).includes(algorithm)) {
        problems.push(`JWT_ALGORITHMS: "${algorithm}" is not accepted; use some of ${JWT_ALGORITHMS.join(', ')}`);
      } else if (algorithm.startsWith('HS') && !value.JWT_SECRET) {
        problems.push(`JWT_ALGORITHMS: ${algorithm} needs JWT_SECRET`);
      } else if (!algorithm.startsWith('HS') && !value.JWT_JWKS_URL) {
        problems.push(`JWT_ALGORITHMS: ${algorithm} needs JWT_JWKS_URL`);
      }
    }
    if (value.JWT_SECRET && Buffer.byteLength(value.JWT_SECRET) < 32) problems.push('JWT_SECRET must be at least 32 bytes (RFC 7518 3.2)');
    if (value.JWT_JWKS_URL) {
      if (!/^https?:\/\//.test(value.JWT_JWKS_URL)) problems.push('JWT_JWKS_URL must be an http(s):// URL');
      // A JWKS (Cognito, Auth0) signs tokens for every app of the tenant: the issuer pins whose tokens count.
      if (!value.JWT_ISSUER) problems.push('JWT_ISSUER is required with JWT_JWKS_URL');
    }
    jwt = {
      ...(value.JWT_SECRET ? { secret: value.JWT_SECRET } : {}),
      ...(value.JWT_JWKS_URL ? { jwksUrl: value.JWT_JWKS_URL } : {}),
      ...(value.JWT_ISSUER ? { issuer: value.JWT_ISSUER } : {}),
      audience: value.JWT_AUDIENCE,
      algorithms: algorithms as JwtAlgorithm[],
      clockSkewSeconds: value.JWT_CLOCK_SKEW_SECONDS,
      userClaim: value.JWT_USER_CLAIM,
    };
  }

  for (const origin of value.CORS_ORIGINS) {
    if (origin !== '*' && !/^https?:\/\/[^/]+$/.test(origin)) problems.push(`CORS_ORIGINS: "${origin}" is not an origin like https://app.example.com (no path)`);
  }

  let trustProxy: AccessConfig['trustProxy'] = false;
  if (value.TRUST_PROXY) {
    if (value.TRUST_PROXY === 'true' || value.TRUST_PROXY === 'false') trustProxy = value.TRUST_PROXY === 'true';
    else if (/^\d+$/.test(value.TRUST_PROXY)) {
      const hops = Number(value.TRUST_PROXY);
      trustProxy = (_address, hop) => hop < hops;
    }
    else trustProxy = value.TRUST_PROXY.split(',').map((item) => item.trim()).filter(Boolean);
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    adminKeys: value.ADMIN_API_KEY,
    keyStore,
    keyCacheSeconds: value.KEY_CACHE_SECONDS,
    rotationOverlapSeconds: value.KEY_ROTATION_OVERLAP_SECONDS,
    ...(jwt ? { jwt } : {}),
    ticketTtlSeconds: value.WS_TICKET_TTL_SECONDS,
    rateLimits: {
      requestsPerWindow: value.RATE_LIMIT_REQUESTS,
      windowSeconds: value.RATE_LIMIT_WINDOW,
      anonymousRequestsPerWindow: anonymousRequests,
      tokensPerMinute: value.RATE_LIMIT_TOKENS_PER_MINUTE,
      concurrentStreams: value.RATE_LIMIT_CONCURRENT_STREAMS,
    },
    rateLimitFailureMode: value.RATE_LIMIT_FAILURE_MODE,
    trustProxy,
    ...(value.ORIGIN_VERIFY_HEADER ? { originVerifySecret: value.ORIGIN_VERIFY_HEADER } : {}),
    ...(value.REDIS_URL ? { redisUrl: value.REDIS_URL } : {}),
    ...(value.DATABASE_URL ? { databaseUrl: value.DATABASE_URL } : {}),
    usageStore,
    usage: { batchSize: value.USAGE_BATCH_SIZE, flushIntervalMs: value.USAGE_FLUSH_INTERVAL_MS, bufferLimit: value.USAGE_BUFFER_LIMIT },
    corsOrigins: value.CORS_ORIGINS,
  };
}
