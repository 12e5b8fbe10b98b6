import path from 'node:path';
import { z } from 'zod';
import { integer } from '../env-values.js';
import type { AwsSettings } from '../providers/aws/aws-settings.js';
import { readModelsFile, type ModelSpec, type ModelsFile } from './models-file.js';

/** How the router retries and times out upstream calls; a model in the models file may override each. */
export interface RoutingDefaults {
  /** Retries of one target before the next fallback, only before the first token. */
  retries: number;
  retryBaseMs: number;
  retryMaxMs: number;
  firstTokenTimeoutMs: number;
  timeoutMs: number;
}

/** Everything about upstreams: AWS (when enabled), the models file merged with models named in the environment. */
export interface UpstreamConfig {
  /** Present when Bedrock is enabled (a region and credentials are available). */
  aws?: AwsSettings;
  /** Why Bedrock is disabled, for `/ready` and the start-up log. */
  awsDisabledReason?: string;
  /** The models file as read, plus models from `BEDROCK_MODELS`, `AGENT_RUNTIME_ARN`, ... */
  models: ModelsFile;
  /** Environment variables that hold keys named by `apiKeyEnv` in the models file, resolved now. */
  secrets: Readonly<Record<string, string>>;
  routing: RoutingDefaults;
  /** `DEFAULT_MODEL`, else the models file's `default`; undefined leaves the simulator the default. */
  defaultModel?: string;
}

const optionalText = z.string().optional().transform((value) => value?.trim() || undefined);
const optionalUrl = (name: string) =>
  optionalText.refine((value) => value === undefined || URL.canParse(value), { message: `${name} must be a URL, such as http://127.0.0.1:8000` });

const environmentSchema = z.object({
  MODELS_FILE: optionalText,
  AWS_REGION: optionalText,
  AWS_DEFAULT_REGION: optionalText,
  AWS_ACCESS_KEY_ID: optionalText,
  AWS_SECRET_ACCESS_KEY: optionalText,
  AWS_SESSION_TOKEN: optionalText,
  AWS_PROFILE: optionalText,
  AWS_WEB_IDENTITY_TOKEN_FILE: optionalText,
  AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: optionalText,
  AWS_CONTAINER_CREDENTIALS_FULL_URI: optionalText,
  BEDROCK_ENABLED: z
    .enum(['auto', 'true', 'false'], { message: 'BEDROCK_ENABLED must be auto, true or false' })
    .optional()
    .default('auto'),
  BEDROCK_ENDPOINT: optionalUrl('BEDROCK_ENDPOINT'),
  BEDROCK_AGENT_RUNTIME_ENDPOINT: optionalUrl('BEDROCK_AGENT_RUNTIME_ENDPOINT'),
  AGENTCORE_ENDPOINT: optionalUrl('AGENTCORE_ENDPOINT'),
  BEDROCK_MODELS: optionalText,
  BEDROCK_AGENT_ID: optionalText,
  BEDROCK_AGENT_ALIAS_ID: optionalText,
  AGENT_RUNTIME_ARN: optionalText,
  AGENT_RUNTIME_QUALIFIER: optionalText,
  OPENAI_COMPATIBLE_BASE_URL: optionalUrl('OPENAI_COMPATIBLE_BASE_URL'),
  OPENAI_COMPATIBLE_API_KEY: optionalText,
  OPENAI_COMPATIBLE_MODELS: optionalText,
  OPENAI_COMPATIBLE_EMBEDDING_MODELS: optionalText,
  UPSTREAM_RETRIES: integer('UPSTREAM_RETRIES', 2, 0, 10),
  UPSTREAM_RETRY_BASE_MS: integer('UPSTREAM_RETRY_BASE_MS', 200, 0, 60_000),
  UPSTREAM_RETRY_MAX_MS: integer('UPSTREAM_RETRY_MAX_MS', 2_000, 0, 300_000),
  UPSTREAM_FIRST_TOKEN_TIMEOUT_MS: integer('UPSTREAM_FIRST_TOKEN_TIMEOUT_MS', 60_000, 1, 3_600_000),
  UPSTREAM_TIMEOUT_MS: integer('UPSTREAM_TIMEOUT_MS', 900_000, 1, 4 * 3_600_000),
  DEFAULT_MODEL: optionalText,
});

/** Every environment variable the upstream configuration reads (docs/configuration.md documents each). */
export const UPSTREAM_VARIABLES: readonly string[] = Object.keys(environmentSchema.shape);


/** `id=upstream` or just `upstream` (then the id is the upstream id), comma-separated. */
function namedList(value: string | undefined): { id: string; upstream: string }[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0)
    .map((item) => {
      const equals = item.indexOf('=');
      return equals > 0 ? { id: item.slice(0, equals).trim(), upstream: item.slice(equals + 1).trim() } : { id: item, upstream: item };
    });
}

/**
 * Reads the upstream part of the configuration: which providers are enabled, the models file and
 * the models named by environment variables. Problems come back named by variable (or file path).
 */
export function loadUpstreamConfig(environment: NodeJS.ProcessEnv): { value: UpstreamConfig; problems: [] } | { value?: undefined; problems: string[] } {
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) {
    return {
      problems: parsed.error.issues.map((issue) => {
        const variable = String(issue.path[0] ?? 'environment');
        return issue.message.startsWith(variable) ? issue.message : `${variable}: ${issue.message}`;
      }),
    };
  }
  const env = parsed.data;
  const problems: string[] = [];

  let file: ModelsFile = { models: [] };
  if (env.MODELS_FILE) {
    const result = readModelsFile(path.resolve(env.MODELS_FILE));
    if ('problems' in result) problems.push(...result.problems);
    else file = result.value;
  }

  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const hasStaticKeys = env.AWS_ACCESS_KEY_ID !== undefined && env.AWS_SECRET_ACCESS_KEY !== undefined;
  const hasCredentialSource =
    hasStaticKeys ||
    env.AWS_PROFILE !== undefined ||
    env.AWS_WEB_IDENTITY_TOKEN_FILE !== undefined ||
    env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI !== undefined ||
    env.AWS_CONTAINER_CREDENTIALS_FULL_URI !== undefined;
  let aws: AwsSettings | undefined;
  let awsDisabledReason: string | undefined;
  if (env.BEDROCK_ENABLED === 'false') awsDisabledReason = 'BEDROCK_ENABLED=false';
  else if (!region) awsDisabledReason = 'no region: set AWS_REGION';
  else if (!hasCredentialSource && env.BEDROCK_ENABLED === 'auto') {
    awsDisabledReason =
      'no AWS credentials in the environment: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or run with a task or web identity role (on EC2 with an instance profile, set BEDROCK_ENABLED=true)';
  } else {
    aws = {
      region,
      ...(hasStaticKeys
        ? { credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY!, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) } }
        : {}),
      ...(env.AWS_PROFILE && !hasStaticKeys ? { profile: env.AWS_PROFILE } : {}),
      endpoints: {
        ...(env.BEDROCK_ENDPOINT ? { bedrockRuntime: env.BEDROCK_ENDPOINT } : {}),
        ...(env.BEDROCK_AGENT_RUNTIME_ENDPOINT ? { bedrockAgentRuntime: env.BEDROCK_AGENT_RUNTIME_ENDPOINT } : {}),
        ...(env.AGENTCORE_ENDPOINT ? { bedrockAgentCore: env.AGENTCORE_ENDPOINT } : {}),
      },
    };
  }

  const fromEnvironment: ModelSpec[] = [];
  const providers = { ...file.providers };
  const awsVariable = (variable: string) => {
    if (!aws) problems.push(`${variable} is set, but Bedrock is disabled (${awsDisabledReason})`);
  };
  if (env.BEDROCK_MODELS) {
    awsVariable('BEDROCK_MODELS');
    for (const { id, upstream } of namedList(env.BEDROCK_MODELS)) fromEnvironment.push({ id, provider: 'bedrock', upstream });
  }
  if (env.BEDROCK_AGENT_ID || env.BEDROCK_AGENT_ALIAS_ID) {
    awsVariable('BEDROCK_AGENT_ID');
    if (!env.BEDROCK_AGENT_ID || !env.BEDROCK_AGENT_ALIAS_ID) problems.push('BEDROCK_AGENT_ID and BEDROCK_AGENT_ALIAS_ID go together: set both');
    else fromEnvironment.push({ id: 'bedrock-agent', provider: 'bedrock-agents', upstream: `${env.BEDROCK_AGENT_ID}/${env.BEDROCK_AGENT_ALIAS_ID}` });
  }
  if (env.AGENT_RUNTIME_ARN) {
    awsVariable('AGENT_RUNTIME_ARN');
    fromEnvironment.push({
      id: 'agentcore',
      provider: 'agentcore',
      upstream: env.AGENT_RUNTIME_ARN,
      ...(env.AGENT_RUNTIME_QUALIFIER ? { options: { qualifier: env.AGENT_RUNTIME_QUALIFIER } } : {}),
    });
  }
  if (env.OPENAI_COMPATIBLE_BASE_URL) {
    if (providers['openai-compatible']) problems.push('OPENAI_COMPATIBLE_BASE_URL: the models file already declares a provider named "openai-compatible"');
    providers['openai-compatible'] = {
      type: 'openai-compatible',
      baseUrl: env.OPENAI_COMPATIBLE_BASE_URL,
      ...(env.OPENAI_COMPATIBLE_API_KEY ? { apiKey: env.OPENAI_COMPATIBLE_API_KEY } : {}),
    };
    for (const { id, upstream } of namedList(env.OPENAI_COMPATIBLE_MODELS)) fromEnvironment.push({ id, provider: 'openai-compatible', upstream });
    for (const { id, upstream } of namedList(env.OPENAI_COMPATIBLE_EMBEDDING_MODELS)) {
      fromEnvironment.push({ id, kind: 'embedding', provider: 'openai-compatible', upstream });
    }
  } else if (env.OPENAI_COMPATIBLE_MODELS || env.OPENAI_COMPATIBLE_EMBEDDING_MODELS) {
    problems.push('OPENAI_COMPATIBLE_MODELS is set without OPENAI_COMPATIBLE_BASE_URL');
  }

  const secrets: Record<string, string> = {};
  for (const [name, provider] of Object.entries(providers)) {
    if (provider.type !== 'openai-compatible' || !provider.apiKeyEnv) continue;
    const value = environment[provider.apiKeyEnv]?.trim();
    if (value) secrets[provider.apiKeyEnv] = value;
    else problems.push(`${provider.apiKeyEnv}: the models file's provider "${name}" reads its key from this variable, which is not set`);
  }

  if (problems.length > 0) return { problems };
  return {
    value: {
      ...(aws ? { aws } : {}),
      ...(awsDisabledReason ? { awsDisabledReason } : {}),
      models: { ...file, providers, models: [...file.models, ...fromEnvironment] },
      secrets,
      routing: {
        retries: env.UPSTREAM_RETRIES,
        retryBaseMs: env.UPSTREAM_RETRY_BASE_MS,
        retryMaxMs: env.UPSTREAM_RETRY_MAX_MS,
        firstTokenTimeoutMs: env.UPSTREAM_FIRST_TOKEN_TIMEOUT_MS,
        timeoutMs: env.UPSTREAM_TIMEOUT_MS,
      },
      ...(env.DEFAULT_MODEL ?? file.default ? { defaultModel: env.DEFAULT_MODEL ?? file.default } : {}),
    },
    problems: [],
  };
}
