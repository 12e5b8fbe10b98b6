import type { ProviderState } from '../provider.js';

/** How the gateway reaches AWS: region, credentials (or the SDK's default chain) and optional endpoints. */
export interface AwsSettings {
  region: string;
  /** Static keys from the environment; absent: the SDK's default chain (profile, web identity, ECS, EC2). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  profile?: string;
  /** Endpoint overrides: VPC endpoints, or local stub servers in tests and benchmarks. */
  endpoints: { bedrockRuntime?: string; bedrockAgentRuntime?: string; bedrockAgentCore?: string };
}

/** Options shared by every AWS SDK client the gateway makes. */
export function awsClientOptions(settings: AwsSettings, endpoint: string | undefined) {
  return {
    region: settings.region,
    ...(endpoint ? { endpoint } : {}),
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
    ...(settings.profile ? { profile: settings.profile } : {}),
    // The router retries with jitter and falls back to other models; SDK retries would multiply its attempts.
    maxAttempts: 1,
  };
}

const CHECK_TTL_MS = 30_000;
const CHECK_TIMEOUT_MS = 2_000;

/**
 * Whether the SDK can find credentials, checked at most every 30 s and for at most 2 s
 * (the default chain may ask the EC2 metadata service). No call is made to Bedrock itself.
 */
export function credentialCheck(resolve: () => Promise<unknown>): () => Promise<ProviderState> {
  let cached: { state: ProviderState; at: number } | undefined;
  let running: Promise<ProviderState> | undefined;
  return async () => {
    if (cached && performance.now() - cached.at < CHECK_TTL_MS) return cached.state;
    running ??= (async () => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no credentials within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      });
      let state: ProviderState;
      try {
        await Promise.race([resolve(), timeout]);
        state = { status: 'ok' };
      } catch (error) {
        state = { status: 'error', message: `AWS credentials could not be resolved: ${(error as Error).message}` };
      } finally {
        clearTimeout(timer);
      }
      cached = { state, at: performance.now() };
      running = undefined;
      return state;
    })();
    return running;
  };
}
