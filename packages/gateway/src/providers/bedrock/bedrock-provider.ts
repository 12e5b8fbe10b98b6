import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { awsClientOptions, credentialCheck, type AwsSettings } from '../aws/aws-settings.js';
import type { ChatModelSettings, Provider } from '../provider.js';
import { ProviderHealth } from '../provider-health.js';
import { BedrockChatModel } from './bedrock-chat-model.js';
import { BedrockEmbeddingModel } from './bedrock-embedding-model.js';
import { BedrockImageModel } from './bedrock-image-model.js';
import { bedrockModelOptionsSchema } from './bedrock-options.js';

/**
 * Amazon Bedrock models (Converse, ConverseStream, InvokeModel) in one region, through one
 * `BedrockRuntimeClient` shared by every model (one HTTP/2 connection, multiplexed).
 *
 * @example
 * const bedrock = createBedrockProvider({ aws: { region: 'us-east-1', endpoints: {} } });
 * const model = bedrock.chatModel('anthropic.claude-3-5-haiku-20241022-v1:0');
 */
export function createBedrockProvider(options: { name?: string; aws: AwsSettings }): Provider {
  const client = new BedrockRuntimeClient(awsClientOptions(options.aws, options.aws.endpoints.bedrockRuntime));
  const check = credentialCheck(() => client.config.credentials());
  const embeddings = new BedrockEmbeddingModel(client);
  const images = new BedrockImageModel(client);
  return {
    name: options.name ?? 'bedrock',
    type: 'bedrock',
    health: new ProviderHealth(),
    chatModel(_upstreamModelId: string, settings: ChatModelSettings = {}) {
      const parsed = bedrockModelOptionsSchema.safeParse(settings.options ?? {});
      if (!parsed.success) throw new Error(`Bedrock model options: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
      return new BedrockChatModel(client, { streaming: settings.streaming ?? true, options: parsed.data });
    },
    embeddingModel: () => embeddings,
    imageModel: () => images,
    check,
    async close() {
      client.destroy();
    },
  };
}
