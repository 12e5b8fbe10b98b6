import type { InfraConfig } from '../config/infra-config-schema.js';
import { GATEWAY_PORT } from '../ports.js';

/**
 * The container's plain environment: settings only, never a secret (those go in as ECS secrets, and the
 * config schema refuses secret-looking names here). The stream timings come from the same config values
 * that size the ALB, CloudFront and `stopTimeout`, so the gateway and its load balancer cannot disagree.
 */
export function gatewayEnvironment(config: InfraConfig, region: string): Record<string, string> {
  const { bedrock, streamTiming } = config;
  const environment: Record<string, string> = {
    HOST: '0.0.0.0',
    PORT: String(GATEWAY_PORT),
    AWS_REGION: region,
    HEARTBEAT_INTERVAL_MS: String(streamTiming.heartbeatIntervalMs),
    DRAIN_TIMEOUT_MS: String(streamTiming.drainTimeoutMs),
    // The client address is what CloudFront appended to X-Forwarded-For, one hop before the ALB.
    TRUST_PROXY: '2',
    LOG_LEVEL: config.service.logLevel,
  };
  if (bedrock.models.length > 0) environment.BEDROCK_MODELS = bedrock.models.map((model) => `${model.id}=${model.modelId}`).join(',');
  if (bedrock.agent) {
    environment.BEDROCK_AGENT_ID = bedrock.agent.agentId;
    environment.BEDROCK_AGENT_ALIAS_ID = bedrock.agent.aliasId;
  }
  const [runtimeArn] = bedrock.agentRuntimeArns;
  if (runtimeArn) environment.AGENT_RUNTIME_ARN = runtimeArn;
  if (bedrock.defaultModel) environment.DEFAULT_MODEL = bedrock.defaultModel;
  if (config.gateway.corsOrigins.length > 0) environment.CORS_ORIGINS = config.gateway.corsOrigins.join(',');
  return { ...environment, ...config.gateway.environment };
}
