import { BedrockAgentCoreClient } from '@aws-sdk/client-bedrock-agentcore';
import { z } from 'zod';
import { awsClientOptions, credentialCheck, type AwsSettings } from '../aws/aws-settings.js';
import type { ChatModelSettings, Provider } from '../provider.js';
import { ProviderHealth } from '../provider-health.js';
import { AgentCoreChatModel } from './agentcore-chat-model.js';

/** Settings of an AgentCore runtime in the models file (`options`). */
export const agentCoreModelOptionsSchema = z
  .object({ qualifier: z.string().min(1).max(100).optional(), sendUserId: z.boolean().optional() })
  .strict();

const RUNTIME_ARN = /^arn:aws[a-z-]*:bedrock-agentcore:[a-z0-9-]+:\d{12}:runtime\/[A-Za-z0-9_-]+$/;

/**
 * Agents on Amazon Bedrock AgentCore Runtime: each model is a runtime ARN.
 *
 * @example
 * const agentcore = createAgentCoreProvider({ aws: { region: 'us-east-1', endpoints: {} } });
 * const model = agentcore.chatModel('arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/my_agent-AbCdE12345');
 */
export function createAgentCoreProvider(options: { name?: string; aws: AwsSettings }): Provider {
  const client = new BedrockAgentCoreClient(awsClientOptions(options.aws, options.aws.endpoints.bedrockAgentCore));
  return {
    name: options.name ?? 'agentcore',
    type: 'agentcore',
    health: new ProviderHealth(),
    chatModel(upstreamModelId: string, settings: ChatModelSettings = {}) {
      if (!RUNTIME_ARN.test(upstreamModelId)) {
        throw new Error(`An AgentCore runtime is named by its ARN (arn:aws:bedrock-agentcore:REGION:ACCOUNT:runtime/ID), got "${upstreamModelId}"`);
      }
      const parsed = agentCoreModelOptionsSchema.safeParse(settings.options ?? {});
      if (!parsed.success) throw new Error(`AgentCore options: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
      return new AgentCoreChatModel(client, {
        ...(parsed.data.qualifier ? { qualifier: parsed.data.qualifier } : {}),
        sendUserId: parsed.data.sendUserId ?? true,
      });
    },
    check: credentialCheck(() => client.config.credentials()),
    async close() {
      client.destroy();
    },
  };
}
