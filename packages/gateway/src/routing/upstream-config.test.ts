import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../config.js';
import { temporaryModelsFile } from '../test-support/temporary-models-file.js';
import { buildModels } from './build-models.js';

const EXAMPLE = fileURLToPath(new URL('../../../../models.example.json', import.meta.url));
const AWS = { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' };
const SIMULATOR = { ttftMs: 0, tokensPerSecond: 0 };

function problems(environment: Record<string, string>): string[] {
  try {
    const config = loadConfig(environment);
    const built = buildModels(config.upstreams, SIMULATOR);
    void built.close();
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('upstream configuration', () => {
  it('loads the example models file: aliases, splits, fallbacks, agents, embeddings and images', async () => {
    const config = loadConfig({ ...AWS, MODELS_FILE: EXAMPLE, VLLM_API_KEY: 'vllm-key' });
    const built = buildModels(config.upstreams, SIMULATOR);
    try {
      assert.equal(built.defaultModel, 'claude-haiku');
      assert.deepEqual(
        built.chat.map((entry) => entry.id),
        ['simulator', 'claude-haiku', 'claude-haiku-west', 'nova', 'llama-local', 'qwen', 'support-agent', 'orders-agent'],
      );
      assert.deepEqual(built.chat.find((entry) => entry.id === 'nova')!.price, { inputPerMillion: 0.06, outputPerMillion: 0.24 });
      assert.equal(built.chat.find((entry) => entry.id === 'nova')!.upstreamModelId, 'amazon.nova-lite-v1:0', 'the heaviest target is the primary');
      assert.deepEqual(built.embeddings.list().map((entry) => entry.id), ['titan-embed', 'local-embed', 'titan-embed-text-v2']);
      assert.deepEqual(built.images.list().map((entry) => entry.id), ['canvas', 'titan-image-generator-v2', 'nova-canvas']);
      assert.deepEqual(built.modelsByProvider.get('bedrock-west'), ['claude-haiku-west']);
    } finally {
      await built.close();
    }
  });

  it('keeps the simulator as the only model and the default when nothing is configured', async () => {
    const built = buildModels(loadConfig({}).upstreams, SIMULATOR);
    assert.deepEqual(built.chat.map((entry) => entry.id), ['simulator']);
    assert.equal(built.defaultModel, 'simulator');
    assert.deepEqual(built.disabled.map((entry) => entry.name), ['bedrock', 'bedrock-agents', 'agentcore']);
    await built.close();
  });

  it('enables Bedrock only with a region and a source of credentials', () => {
    assert.equal(loadConfig({ AWS_REGION: 'us-east-1' }).upstreams.aws, undefined);
    assert.match(loadConfig({ AWS_REGION: 'us-east-1' }).upstreams.awsDisabledReason!, /credentials/);
    assert.equal(loadConfig({ AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' }).upstreams.awsDisabledReason, 'no region: set AWS_REGION');
    assert.equal(loadConfig({ AWS_REGION: 'eu-west-1', AWS_PROFILE: 'dev' }).upstreams.aws?.profile, 'dev');
    assert.equal(loadConfig({ AWS_REGION: 'eu-west-1', BEDROCK_ENABLED: 'true' }).upstreams.aws?.region, 'eu-west-1');
    assert.equal(loadConfig({ ...AWS, BEDROCK_ENABLED: 'false' }).upstreams.aws, undefined);
  });

  it('registers models named in the environment', async () => {
    const config = loadConfig({
      ...AWS,
      BEDROCK_MODELS: 'claude=anthropic.claude-3-5-haiku-20241022-v1:0, amazon.nova-lite-v1:0',
      BEDROCK_AGENT_ID: 'AGENT12345',
      BEDROCK_AGENT_ALIAS_ID: 'TSTALIASID',
      AGENT_RUNTIME_ARN: 'arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/my_agent-AbCdE12345',
      OPENAI_COMPATIBLE_BASE_URL: 'http://127.0.0.1:11434/v1',
      OPENAI_COMPATIBLE_MODELS: 'llama=llama3.1:8b',
      DEFAULT_MODEL: 'claude',
    });
    const built = buildModels(config.upstreams, SIMULATOR);
    assert.deepEqual(
      built.chat.map((entry) => [entry.id, entry.provider, entry.upstreamModelId]),
      [
        ['simulator', 'simulator', 'simulator'],
        ['claude', 'bedrock', 'anthropic.claude-3-5-haiku-20241022-v1:0'],
        ['amazon.nova-lite-v1:0', 'bedrock', 'amazon.nova-lite-v1:0'],
        ['bedrock-agent', 'bedrock-agents', 'AGENT12345/TSTALIASID'],
        ['agentcore', 'agentcore', 'arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/my_agent-AbCdE12345'],
        ['llama', 'openai-compatible', 'llama3.1:8b'],
      ],
    );
    assert.equal(built.defaultModel, 'claude');
    await built.close();
  });

  it('names each mistake: bad variables, a broken file, unknown providers and fallbacks, disabled Bedrock', () => {
    assert.deepEqual(problems({ UPSTREAM_RETRIES: 'many' }), ['UPSTREAM_RETRIES must be an integer from 0 to 10, got "many"']);
    assert.match(problems({ BEDROCK_MODELS: 'claude=x' })[0]!, /BEDROCK_MODELS is set, but Bedrock is disabled \(no region/);
    assert.match(problems({ MODELS_FILE: '/nonexistent/models.json' })[0]!, /MODELS_FILE: cannot read "\/nonexistent\/models.json": ENOENT/);

    const broken = temporaryModelsFile('{"models": [');
    const unknown = temporaryModelsFile({
      models: [
        { id: 'a', provider: 'nowhere', upstream: 'x' },
        { id: 'b', provider: 'simulator', upstream: 'simulator', fallbacks: ['missing'] },
        { id: 'c', provider: 'bedrock', upstream: 'y' },
        { id: 'd', provider: 'simulator', upstream: 'simulator', targets: [{ provider: 'simulator', upstream: 'simulator' }] },
      ],
    } as never);
    const refs = temporaryModelsFile({
      models: [
        { id: 'a', provider: 'nowhere', upstream: 'x' },
        { id: 'b', provider: 'simulator', upstream: 'simulator', fallbacks: ['missing'] },
        { id: 'c', provider: 'bedrock', upstream: 'y' },
      ],
    });
    try {
      assert.match(problems({ MODELS_FILE: broken.path })[0]!, /is not valid JSON/);
      assert.match(problems({ MODELS_FILE: unknown.path }).join('\n'), /models\.3: give either provider \+ upstream or targets, not both/);
      const found = problems({ MODELS_FILE: refs.path });
      assert.equal(found.length, 3, found.join('\n'));
      assert.match(found[0]!, /model "a" uses provider "nowhere", which is not defined/);
      assert.match(found[1]!, /model "c" uses provider "bedrock", which is disabled: no region/);
      assert.match(found[2]!, /model "b": fallback "missing" is not a chat model/);
    } finally {
      broken.remove();
      unknown.remove();
      refs.remove();
    }
  });

  it('reads keys from the variable the models file names, and says when it is missing', () => {
    const file = temporaryModelsFile({ providers: { vllm: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:8001/v1', apiKeyEnv: 'VLLM_KEY' } }, models: [] });
    try {
      assert.deepEqual(problems({ MODELS_FILE: file.path }), ["VLLM_KEY: the models file's provider \"vllm\" reads its key from this variable, which is not set"]);
      assert.equal(loadConfig({ MODELS_FILE: file.path, VLLM_KEY: 'k' }).upstreams.secrets.VLLM_KEY, 'k');
    } finally {
      file.remove();
    }
  });
});
