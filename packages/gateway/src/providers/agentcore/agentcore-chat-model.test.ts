import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GatewayError } from '../../errors.js';
import { collect, collectUntilError } from '../../test-support/collect.js';
import { readFixture } from '../../test-support/read-fixture.js';
import { agentCoreSseSteps, startAgentCoreStub, type AgentCoreStubReply, type AgentCoreStubRequest } from '../../test-support/stubs/agentcore-stub.js';
import type { HttpStub } from '../../test-support/stubs/http-stub.js';
import { stubAwsSettings } from '../../test-support/stubs/stub-aws-settings.js';
import { gate } from '../../test-support/stubs/stub-step.js';
import type { ChatModelCall, ChatModelPart } from '../chat-model.js';
import type { Provider } from '../provider.js';
import { createAgentCoreProvider } from './agentcore-provider.js';

const ARN = 'arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/orders_agent-AbCdE12345';
const strandsEvents = readFixture<unknown[]>('./__fixtures__/strands-event-stream.json', import.meta.url);
const jsonReply = readFixture('./__fixtures__/json-reply.json', import.meta.url);

describe('AgentCore runtime against an InvokeAgentRuntime stub', () => {
  let stub: HttpStub;
  let provider: Provider;
  let reply: (request: AgentCoreStubRequest) => AgentCoreStubReply = () => ({ json: {} });
  const requests: AgentCoreStubRequest[] = [];

  before(async () => {
    stub = await startAgentCoreStub((request) => {
      requests.push(request);
      return reply(request);
    });
    provider = createAgentCoreProvider({ aws: stubAwsSettings(stub.url) });
  });
  after(async () => {
    await provider.close();
    await stub.close();
  });

  const call = (extra: Partial<ChatModelCall> = {}): ChatModelCall => ({
    upstreamModelId: ARN,
    messages: [{ role: 'user', content: 'Where is my order?' }],
    sessionId: 'short-session',
    userId: 'key-7f3a9c',
    signal: new AbortController().signal,
    ...extra,
  });

  it('streams an SSE body as deltas, passes lifecycle events as traces, and sends session, user and prompt', async () => {
    reply = () => ({ contentType: 'text/event-stream', steps: agentCoreSseSteps(strandsEvents) });
    const parts = await collect(provider.chatModel(ARN, { options: { qualifier: 'prod' } }).stream(call()));
    const request = requests.at(-1)!;
    assert.equal(request.agentRuntimeArn, ARN);
    assert.equal(request.qualifier, 'prod');
    assert.deepEqual(request.body, { prompt: 'Where is my order?' });
    assert.equal(request.runtimeUserId, 'key-7f3a9c');
    assert.ok(request.runtimeSessionId!.length >= 33, 'AgentCore needs session ids of 33 characters or more');

    const text = parts.filter((part) => part.type === 'delta').map((part) => (part as { text: string }).text);
    assert.deepEqual(text, ['The order', ' has shipped.'], 'raw model events are not counted twice');
    assert.ok(parts.some((part) => part.type === 'trace'));
    assert.equal(parts.at(-1)!.type, 'finish');
  });

  it('keeps the same runtime session for the same gateway session', async () => {
    reply = () => ({ contentType: 'text/event-stream', steps: agentCoreSseSteps(['ok']) });
    await collect(provider.chatModel(ARN).stream(call()));
    const first = requests.at(-1)!.runtimeSessionId;
    await collect(provider.chatModel(ARN).stream(call()));
    assert.equal(requests.at(-1)!.runtimeSessionId, first);
    const longSession = 'a-gateway-session-id-that-is-long-enough-already';
    await collect(provider.chatModel(ARN).stream(call({ sessionId: longSession })));
    assert.equal(requests.at(-1)!.runtimeSessionId, longSession);
  });

  it('answers a JSON body as one reply', async () => {
    reply = () => ({ json: jsonReply });
    const parts = await collect(provider.chatModel(ARN).stream(call()));
    assert.deepEqual(parts[0], { type: 'delta', text: 'The order has shipped.' });
    assert.equal(parts.length, 2);
  });

  it('does not send the user id when the runtime is configured not to', async () => {
    reply = () => ({ json: 'fine' });
    await collect(provider.chatModel(ARN, { options: { sendUserId: false } }).stream(call()));
    assert.equal(requests.at(-1)!.runtimeUserId, undefined);
  });

  it("turns the agent's error event into upstream_error after the text already sent", async () => {
    reply = () => ({ contentType: 'text/event-stream', steps: agentCoreSseSteps(['Looking it up', { error: 'tool crashed', error_type: 'ValueError' }]) });
    const { values, error } = await collectUntilError(provider.chatModel(ARN).stream(call()));
    assert.deepEqual(values, [{ type: 'delta', text: 'Looking it up' }]);
    assert.ok(error instanceof GatewayError);
    assert.equal(error.code, 'upstream_error');
    assert.match(error.message, /tool crashed/);
  });

  it('maps throttling and the agent code failing (RuntimeClientError) before the body', async () => {
    reply = () => ({ error: { status: 429, type: 'ThrottlingException' } });
    assert.equal(((await collectUntilError(provider.chatModel(ARN).stream(call()))).error as GatewayError).code, 'upstream_throttled');
    reply = () => ({ error: { status: 424, type: 'RuntimeClientError', message: 'agent returned 500' } });
    const { error } = await collectUntilError(provider.chatModel(ARN).stream(call()));
    assert.equal((error as GatewayError).code, 'upstream_error');
    assert.equal((error as GatewayError).retryable, false);
  });

  it('closes the runtime connection when the call is aborted mid-stream', async () => {
    const hold = gate();
    reply = () => ({ contentType: 'text/event-stream', steps: [...agentCoreSseSteps(['first']), { wait: hold.promise }, ...agentCoreSseSteps(['never'])] });
    const controller = new AbortController();
    const parts: ChatModelPart[] = [];
    for await (const part of provider.chatModel(ARN).stream(call({ signal: controller.signal }))) {
      parts.push(part);
      controller.abort();
    }
    assert.deepEqual(parts, [{ type: 'delta', text: 'first' }]);
    assert.equal((await requests.at(-1)!.outcome).closedByClient, true);
    hold.release();
  });
});
