import * as iam from 'aws-cdk-lib/aws-iam';
import type { InfraConfig } from '../config/infra-config-schema.js';

/** Where the statements point: the stack's partition, region and account (tokens in an env-agnostic stack). */
export interface AwsScope {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
}

/** Geographic prefixes of cross-region inference profile ids (`us.anthropic.claude-...`). */
const INFERENCE_PROFILE_PREFIX = /^(us|eu|apac|jp|au|ca|us-gov|global)\.(.+)$/;

/** The actions the task role may use, and nothing else; tests compare against this list. */
export const BEDROCK_ACTIONS = [
  'bedrock:InvokeModel',
  'bedrock:InvokeModelWithResponseStream',
  'bedrock:InvokeAgent',
  'bedrock-agentcore:InvokeAgentRuntime',
  // The gateway sends the caller's key id as the runtime user id, which needs this one too.
  'bedrock-agentcore:InvokeAgentRuntimeForUser',
] as const;

/**
 * The task role's Bedrock statements, limited to the configured models, agent alias and AgentCore runtime.
 * `bedrock:InvokeModel` covers Converse, images and embeddings; `...WithResponseStream` covers ConverseStream.
 * A cross-region inference profile needs the profile in this region and the model in every region it routes to.
 */
export function bedrockStatements(bedrock: InfraConfig['bedrock'], scope: AwsScope): iam.PolicyStatement[] {
  const statements: iam.PolicyStatement[] = [];
  const modelIds = [...bedrock.models.map((model) => model.modelId), ...bedrock.additionalModelIds];
  const modelResources = [...new Set(modelIds.flatMap((modelId) => modelResourceArns(modelId, scope)))];
  if (modelResources.length > 0) {
    statements.push(new iam.PolicyStatement({ sid: 'BedrockModels', actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'], resources: modelResources }));
  }
  if (bedrock.agent) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'BedrockAgent',
        actions: ['bedrock:InvokeAgent'],
        resources: [`arn:${scope.partition}:bedrock:${scope.region}:${scope.account}:agent-alias/${bedrock.agent.agentId}/${bedrock.agent.aliasId}`],
      }),
    );
  }
  if (bedrock.agentRuntimeArns.length > 0) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'AgentCoreRuntime',
        actions: ['bedrock-agentcore:InvokeAgentRuntime', 'bedrock-agentcore:InvokeAgentRuntimeForUser'],
        resources: bedrock.agentRuntimeArns.flatMap((arn) => [arn, `${arn}/runtime-endpoint/*`]),
      }),
    );
  }
  return statements;
}

function modelResourceArns(modelId: string, scope: AwsScope): string[] {
  const { partition, region, account } = scope;
  if (modelId.startsWith('arn:')) {
    const profile = /:inference-profile\/(.+)$/.exec(modelId)?.[1];
    const routed = profile ? INFERENCE_PROFILE_PREFIX.exec(profile)?.[2] : undefined;
    return routed ? [modelId, `arn:${partition}:bedrock:*::foundation-model/${routed}`] : [modelId];
  }
  const routed = INFERENCE_PROFILE_PREFIX.exec(modelId)?.[2];
  if (routed) return [`arn:${partition}:bedrock:${region}:${account}:inference-profile/${modelId}`, `arn:${partition}:bedrock:*::foundation-model/${routed}`];
  return [`arn:${partition}:bedrock:${region}::foundation-model/${modelId}`];
}
