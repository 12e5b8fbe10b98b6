import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { buildApp, type StreamGateStacks } from '../build-app.js';
import type { InfraConfig, InfraConfigInput } from '../config/infra-config-schema.js';
import { parseInfraConfig } from '../config/load-infra-config.js';
import { createStreamGateApp } from '../streamgate-app.js';

/** One synthesized deployment: its stacks, their templates and the cloud assembly on disk. */
export interface Synthesized {
  readonly config: InfraConfig;
  readonly stacks: StreamGateStacks;
  readonly assembly: CloudAssembly;
  readonly network: Template;
  readonly data: Template;
  readonly service: Template;
  readonly cdn: Template;
  readonly globalEdge?: Template;
  /** Every template, for promises that must hold wherever a resource is. */
  readonly all: readonly Template[];
}

/** Options of {@link synthesize}. */
export interface SynthesizeOptions {
  readonly outdir?: string;
  /** CDK's CloudFormation linter; off by default in tests because it takes ~5 s to start. */
  readonly validateTemplates?: boolean;
  readonly context?: Readonly<Record<string, unknown>>;
}

let webAppFixture: string | undefined;

/** A minimal built web app, so tests do not depend on `npm run build` having built packages/web. */
export function webAppDirectoryFixture(): string {
  if (!webAppFixture) {
    webAppFixture = mkdtempSync(path.join(tmpdir(), 'streamgate-web-'));
    mkdirSync(path.join(webAppFixture, 'assets'));
    writeFileSync(path.join(webAppFixture, 'index.html'), '<!doctype html><title>StreamGate</title><script src="/assets/app.js"></script>');
    writeFileSync(path.join(webAppFixture, 'assets', 'app.js'), 'console.log("StreamGate");');
  }
  return webAppFixture;
}

/**
 * Synthesizes the whole app once, with the real gateway image (the repository's Dockerfile), and reads each
 * stack's template from the one assembly: `Template.fromStack` would synthesize again per stack.
 */
export function synthesize(input: InfraConfigInput, options: SynthesizeOptions = {}): Synthesized {
  const config = parseInfraConfig({ webAppDirectory: webAppDirectoryFixture(), ...input }, 'test');
  const app = createStreamGateApp({ outdir: options.outdir ?? mkdtempSync(path.join(tmpdir(), 'streamgate-cdk-')), validateTemplates: options.validateTemplates ?? false, context: options.context });
  const stacks = buildApp(app, config);
  const assembly = app.synth();
  const template = (stack: { readonly artifactId: string }) => Template.fromJSON(assembly.getStackArtifact(stack.artifactId).template as Record<string, unknown>);
  const globalEdge = stacks.globalEdge ? template(stacks.globalEdge) : undefined;
  const network = template(stacks.network);
  const data = template(stacks.data);
  const service = template(stacks.service);
  const cdn = template(stacks.cdn);
  return { config, stacks, assembly, network, data, service, cdn, ...(globalEdge ? { globalEdge } : {}), all: [network, data, service, cdn, ...(globalEdge ? [globalEdge] : [])] };
}

/** The resources of one type in a template, by logical id. */
export function resourcesOf(template: Template, type: string): Record<string, { Properties: Record<string, unknown> }> {
  return template.findResources(type) as Record<string, { Properties: Record<string, unknown> }>;
}

/** The only resource of a type in a template; fails when there are none or several. */
export function onlyResource(template: Template, type: string): { id: string; properties: Record<string, unknown> } {
  const entries = Object.entries(resourcesOf(template, type));
  if (entries.length !== 1) throw new Error(`expected exactly one ${type}, found ${entries.length}`);
  const [id, resource] = entries[0]!;
  return { id, properties: resource.Properties };
}

/** A realistic production configuration: real models, an agent and an AgentCore runtime. */
export const PRODUCTION_SETTINGS = {
  service: { maxTasks: 8 },
  bedrock: {
    models: [
      { id: 'claude', modelId: 'us.anthropic.claude-3-5-haiku-20241022-v1:0' },
      { id: 'nova', modelId: 'amazon.nova-lite-v1:0' },
    ],
    additionalModelIds: ['amazon.titan-embed-text-v2:0'],
    agent: { agentId: 'ABCDEFGHIJ', aliasId: 'TSTALIASID' },
    agentRuntimeArns: ['arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/my_agent-AbCdE12345'],
    defaultModel: 'claude',
  },
  alarms: { email: 'oncall@example.com' },
} satisfies InfraConfigInput;
