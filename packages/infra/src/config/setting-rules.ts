import type { z } from 'zod';
import { STREAM_TIMING } from '@streamgate/protocol';

/**
 * Rules that span settings. Each names the setting to change and why, because the failure each one
 * prevents only shows in production: streams cut at the ALB or CloudFront, drains killed mid-way.
 */

/** An idle timeout must outlast two heartbeats, so that one late heartbeat (a GC pause, a busy loop) is not a cut. */
export const HEARTBEAT_MARGIN_FACTOR = 2;
/** Time the gateway needs after the drain to end streams, write usage and close its stores before SIGKILL. */
export const STOP_MARGIN_MS = 5_000;
/** When `service.stopTimeoutSeconds` is unset: the drain plus this, capped at Fargate's maximum. */
export const DEFAULT_STOP_MARGIN_SECONDS = 15;

/**
 * How long the gateway keeps an idle HTTP connection open: Fastify's default `keepAliveTimeout`, which the
 * gateway does not change. An ALB must close idle connections before its target does, or it sends a request
 * down a connection the target is closing and answers 502.
 */
export const GATEWAY_KEEP_ALIVE_TIMEOUT_MS = 72_000;

/** Environment variables the deployment sets itself, and the setting each comes from. */
export const MANAGED_ENVIRONMENT: Readonly<Record<string, string>> = {
  HOST: 'the container (0.0.0.0)',
  PORT: 'the container (8000)',
  AWS_REGION: 'region',
  HEARTBEAT_INTERVAL_MS: 'streamTiming.heartbeatIntervalMs',
  DRAIN_TIMEOUT_MS: 'streamTiming.drainTimeoutMs',
  TRUST_PROXY: 'the CloudFront -> ALB path (2 hops)',
  LOG_LEVEL: 'service.logLevel',
  BEDROCK_MODELS: 'bedrock.models',
  BEDROCK_AGENT_ID: 'bedrock.agent',
  BEDROCK_AGENT_ALIAS_ID: 'bedrock.agent',
  AGENT_RUNTIME_ARN: 'bedrock.agentRuntimeArns',
  DEFAULT_MODEL: 'bedrock.defaultModel',
  CORS_ORIGINS: 'gateway.corsOrigins',
  DATABASE_URL: 'the database the Data stack creates',
  REDIS_URL: 'the cache the Data stack creates',
  ADMIN_API_KEY: 'the admin key the Data stack generates',
  ORIGIN_VERIFY_HEADER: 'the origin secret the Data stack generates',
};

/** Fargate's CPU units -> the memory sizes (MiB) it accepts with them. */
const FARGATE_MEMORY: Readonly<Record<number, { from: number; to: number; step: number }>> = {
  256: { from: 512, to: 2048, step: 512 },
  512: { from: 1024, to: 4096, step: 1024 },
  1024: { from: 2048, to: 8192, step: 1024 },
  2048: { from: 4096, to: 16384, step: 1024 },
  4096: { from: 8192, to: 30720, step: 1024 },
  8192: { from: 16384, to: 61440, step: 4096 },
  16384: { from: 32768, to: 122880, step: 8192 },
};

/** The subset of the settings the rules read (the parsed object before derived values are filled in). */
export interface RuleInput {
  readonly service: { readonly minTasks: number; readonly maxTasks: number; readonly cpu: number; readonly memoryMiB: number; readonly stopTimeoutSeconds?: number | undefined };
  readonly streamTiming: { readonly heartbeatIntervalMs: number; readonly drainTimeoutMs: number };
  readonly loadBalancer: { readonly idleTimeoutSeconds: number; readonly deregistrationDelaySeconds: number };
  readonly edge: { readonly originReadTimeoutSeconds: number; readonly originKeepaliveTimeoutSeconds: number; readonly webAclArn?: string | undefined; readonly waf?: unknown; readonly domain?: { readonly name: string; readonly hostedZoneName: string } | undefined };
  readonly database: { readonly minCapacityAcu: number; readonly maxCapacityAcu: number };
  readonly bedrock: { readonly models: readonly { readonly id: string }[]; readonly defaultModel?: string | undefined; readonly agent?: unknown; readonly agentRuntimeArns: readonly string[] };
  readonly gateway: { readonly environment: Readonly<Record<string, string>>; readonly secretEnvironment: Readonly<Record<string, string>>; readonly generateJwtSecret: boolean };
}

/** `service.stopTimeoutSeconds` as deployed: the setting, or the drain plus a margin within Fargate's limit. */
export function stopTimeoutSecondsOf(settings: Pick<RuleInput, 'service' | 'streamTiming'>): number {
  return settings.service.stopTimeoutSeconds
    ?? Math.min(STREAM_TIMING.fargateMaxStopTimeoutSeconds, Math.ceil(settings.streamTiming.drainTimeoutMs / 1000) + DEFAULT_STOP_MARGIN_SECONDS);
}

/** A zod check over the whole config: pushes one issue per broken rule, with the path of the setting to change. */
export function checkSettingsAgree(context: z.core.ParsePayload<RuleInput>): void {
  const settings = context.value;
  const fail = (path: string[], message: string) => context.issues.push({ code: 'custom', input: settings, path, message });
  const { service, streamTiming, loadBalancer, edge } = settings;
  const heartbeat = streamTiming.heartbeatIntervalMs;

  if (service.maxTasks < service.minTasks) fail(['service', 'maxTasks'], `is ${service.maxTasks} but must be at least service.minTasks (${service.minTasks})`);
  const memory = FARGATE_MEMORY[service.cpu];
  if (memory && (service.memoryMiB < memory.from || service.memoryMiB > memory.to || service.memoryMiB % memory.step !== 0)) {
    fail(['service', 'memoryMiB'], `${service.memoryMiB} is not a Fargate size for ${service.cpu} CPU units: use ${memory.from} to ${memory.to} in steps of ${memory.step}`);
  }

  if (loadBalancer.idleTimeoutSeconds * 1000 < HEARTBEAT_MARGIN_FACTOR * heartbeat) {
    fail(['loadBalancer', 'idleTimeoutSeconds'], `${loadBalancer.idleTimeoutSeconds} s must be at least ${HEARTBEAT_MARGIN_FACTOR} x streamTiming.heartbeatIntervalMs (${heartbeat} ms): the ALB cuts a connection that carries no bytes for this long`);
  }
  if (loadBalancer.idleTimeoutSeconds * 1000 >= GATEWAY_KEEP_ALIVE_TIMEOUT_MS) {
    fail(['loadBalancer', 'idleTimeoutSeconds'], `${loadBalancer.idleTimeoutSeconds} s must be below the gateway's keep-alive timeout (${GATEWAY_KEEP_ALIVE_TIMEOUT_MS} ms), or the ALB reuses connections the gateway has closed (502s)`);
  }
  if (edge.originReadTimeoutSeconds * 1000 < HEARTBEAT_MARGIN_FACTOR * heartbeat) {
    fail(['edge', 'originReadTimeoutSeconds'], `${edge.originReadTimeoutSeconds} s must be at least ${HEARTBEAT_MARGIN_FACTOR} x streamTiming.heartbeatIntervalMs (${heartbeat} ms): CloudFront ends a response whose packets are further apart than this`);
  }
  if (edge.originKeepaliveTimeoutSeconds >= loadBalancer.idleTimeoutSeconds) {
    fail(['edge', 'originKeepaliveTimeoutSeconds'], `${edge.originKeepaliveTimeoutSeconds} s must be below loadBalancer.idleTimeoutSeconds (${loadBalancer.idleTimeoutSeconds} s), or CloudFront reuses connections the ALB has closed (502s)`);
  }

  const stopSeconds = stopTimeoutSecondsOf(settings);
  if (streamTiming.drainTimeoutMs + STOP_MARGIN_MS > stopSeconds * 1000) {
    if (service.stopTimeoutSeconds === undefined) {
      fail(['streamTiming', 'drainTimeoutMs'], `${streamTiming.drainTimeoutMs} ms is longer than Fargate allows: with ${STOP_MARGIN_MS} ms to close up it must fit in the ${STREAM_TIMING.fargateMaxStopTimeoutSeconds} s maximum stopTimeout, after which ECS sends SIGKILL`);
    } else {
      fail(['service', 'stopTimeoutSeconds'], `${stopSeconds} s is too short for streamTiming.drainTimeoutMs (${streamTiming.drainTimeoutMs} ms) plus ${STOP_MARGIN_MS} ms to close up; ECS sends SIGKILL when it ends`);
    }
  }
  if (loadBalancer.deregistrationDelaySeconds * 1000 < streamTiming.drainTimeoutMs) {
    fail(['loadBalancer', 'deregistrationDelaySeconds'], `${loadBalancer.deregistrationDelaySeconds} s must be at least streamTiming.drainTimeoutMs (${streamTiming.drainTimeoutMs} ms): the ALB closes open streams when it ends, before the gateway is even told to drain`);
  }

  if (settings.database.minCapacityAcu > settings.database.maxCapacityAcu) {
    fail(['database', 'minCapacityAcu'], `${settings.database.minCapacityAcu} must not exceed database.maxCapacityAcu (${settings.database.maxCapacityAcu})`);
  }
  if (edge.webAclArn && edge.waf) fail(['edge', 'waf'], 'cannot be combined with edge.webAclArn: either attach your web ACL or let the deployment create one');
  if (edge.domain && !(edge.domain.name === edge.domain.hostedZoneName || edge.domain.name.endsWith(`.${edge.domain.hostedZoneName.replace(/\.$/, '')}`))) {
    fail(['edge', 'domain', 'name'], `${edge.domain.name} must be inside edge.domain.hostedZoneName (${edge.domain.hostedZoneName})`);
  }

  checkGatewaySettings(settings, fail);
}

function checkGatewaySettings(settings: RuleInput, fail: (path: string[], message: string) => void): void {
  const { environment, secretEnvironment, generateJwtSecret } = settings.gateway;
  for (const name of [...Object.keys(environment), ...Object.keys(secretEnvironment)]) {
    const owner = MANAGED_ENVIRONMENT[name];
    const section = name in environment ? 'environment' : 'secretEnvironment';
    if (owner) fail(['gateway', section, name], `is set by the deployment from ${owner}; remove it here`);
    else if (name in environment && name in secretEnvironment) fail(['gateway', 'environment', name], 'is also in gateway.secretEnvironment; keep one');
  }
  if (generateJwtSecret && 'JWT_SECRET' in secretEnvironment) fail(['gateway', 'generateJwtSecret'], 'cannot be combined with gateway.secretEnvironment.JWT_SECRET');

  const { models, defaultModel, agent, agentRuntimeArns } = settings.bedrock;
  const known = new Set(['simulator', ...models.map((model) => model.id), ...(agent ? ['bedrock-agent'] : []), ...(agentRuntimeArns.length > 0 ? ['agentcore'] : [])]);
  if (defaultModel && !known.has(defaultModel)) fail(['bedrock', 'defaultModel'], `"${defaultModel}" must be one of ${[...known].join(', ')}`);
  const ids = models.map((model) => model.id);
  const repeated = ids.find((id, index) => ids.indexOf(id) !== index);
  if (repeated) fail(['bedrock', 'models'], `names "${repeated}" twice`);
}
