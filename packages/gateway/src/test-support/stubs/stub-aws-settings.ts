import type { AwsSettings } from '../../providers/aws/aws-settings.js';

/** AWS settings that point every client at a local stub, with dummy credentials (never the default chain). */
export function stubAwsSettings(url: string): AwsSettings {
  return {
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDSTUB', secretAccessKey: 'stub-secret' },
    endpoints: { bedrockRuntime: url, bedrockAgentRuntime: url, bedrockAgentCore: url },
  };
}

/** The same, as the environment variables the gateway reads. */
export function stubAwsEnvironment(url: string, agentCoreUrl = url): Record<string, string> {
  return {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDSTUB',
    AWS_SECRET_ACCESS_KEY: 'stub-secret',
    BEDROCK_ENDPOINT: url,
    BEDROCK_AGENT_RUNTIME_ENDPOINT: url,
    AGENTCORE_ENDPOINT: agentCoreUrl,
  };
}
