import { BedrockAgentRuntimeClient } from '@aws-sdk/client-bedrock-agent-runtime';
import { z } from 'zod';
import { awsClientOptions, credentialCheck, type AwsSettings } from '../aws/aws-settings.js';
import type { ChatModelSettings, Provider } from '../provider.js';
import { ProviderHealth } from '../provider-health.js';
import { BedrockAgentsChatModel } from './bedrock-agents-chat-model.js';
import { parseAgentTarget } from './convert-to-bedrock-agents-messages.js';

/** Settings of an agent in the models file (`options`). */
export const bedrockAgentsModelOptionsSchema = z
  .object({ enableTrace: z.boolean().optional(), memoryId: z.string().min(1).max(100).optional() })
  .strict();

/**
 * Amazon Bedrock Agents: each model is an agent alias, named `AGENT_ID/ALIAS_ID`.
 *
 * @example
 * const agents = createBedrockAgentsProvider({ aws: { region: 'us-east-1', endpoints: {} } });
 * const model = agents.chatModel('ABCDEFGHIJ/TSTALIASID');
 */
export function createBedrockAgentsProvider(options: { name?: string; aws: AwsSettings }): Provider {
  const client = new BedrockAgentRuntimeClient(awsClientOptions(options.aws, options.aws.endpoints.bedrockAgentRuntime));
  return {
    name: options.name ?? 'bedrock-agents',
    type: 'bedrock-agents',
    health: new ProviderHealth(),
    chatModel(upstreamModelId: string, settings: ChatModelSettings = {}) {
      parseAgentTarget(upstreamModelId);
      const parsed = bedrockAgentsModelOptionsSchema.safeParse(settings.options ?? {});
      if (!parsed.success) throw new Error(`Bedrock agent options: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
      return new BedrockAgentsChatModel(client, {
        streaming: settings.streaming ?? true,
        enableTrace: parsed.data.enableTrace ?? true,
        ...(parsed.data.memoryId ? { memoryId: parsed.data.memoryId } : {}),
      });
    },
    check: credentialCheck(() => client.config.credentials()),
    async close() {
      client.destroy();
    },
  };
}
