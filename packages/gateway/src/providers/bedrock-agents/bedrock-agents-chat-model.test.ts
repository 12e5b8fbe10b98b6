import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GatewayError } from '../../errors.js';
import { collect, collectUntilError } from '../../test-support/collect.js';
import { readFixture } from '../../test-support/read-fixture.js';
import { agentChunkFrame, framesFromFixture, startBedrockStub, type BedrockStub, type BedrockStubReply, type BedrockStubRequest } from '../../test-support/stubs/bedrock-stub.js';
import { eventFrame, exceptionFrame } from '../../test-support/stubs/event-stream-frames.js';
import { stubAwsSettings } from '../../test-support/stubs/stub-aws-settings.js';
import { gate } from '../../test-support/stubs/stub-step.js';
import type { ChatModelCall, ChatModelPart } from '../chat-model.js';
import type { Provider } from '../provider.js';
import { createBedrockAgentsProvider } from './bedrock-agents-provider.js';

const fixture = readFixture<[string, unknown][]>('./__fixtures__/invoke-agent-stream.json', import.meta.url);

describe('Bedrock agents against an InvokeAgent stub', () => {
  let stub: BedrockStub;
  let provider: Provider;
  const replies = new Map<string, (request: BedrockStubRequest) => BedrockStubReply>();

  before(async () => {
    stub = await startBedrockStub((request) => replies.get(request.agentId ?? '')?.(request) ?? { error: { status: 404, type: 'ResourceNotFoundException' } });
    provider = createBedrockAgentsProvider({ aws: stubAwsSettings(stub.url) });
  });
  after(async () => {
    await provider.close();
    await stub.close();
  });

  const call = (extra: Partial<ChatModelCall> = {}): ChatModelCall => ({
    upstreamModelId: 'AGENT12345/TSTALIASID',
    messages: [
      { role: 'user', content: 'Hello' },
      { role: 'assistant', content: 'Hi! How can I help?' },
      { role: 'user', content: 'Where is order A-1042?' },
    ],
    sessionId: 'gateway-session-1',
    signal: new AbortController().signal,
    ...extra,
  });

  it('streams the final response, forwards traces and sums the usage the traces report', async () => {
    replies.set('AGENT12345', () => ({ steps: framesFromFixture(fixture) }));
    const parts = await collect(provider.chatModel('AGENT12345/TSTALIASID').stream(call()));
    const request = stub.requests.at(-1)!;
    assert.equal(request.operation, 'invoke-agent');
    assert.equal(request.agentAliasId, 'TSTALIASID');
    assert.equal(request.sessionId, 'gateway-session-1', 'the gateway session is the agent session');
    assert.equal(request.body.inputText, 'Where is order A-1042?', 'the agent keeps the history itself');
    assert.deepEqual(request.body.streamingConfigurations, { streamFinalResponse: true });
    assert.equal(request.body.enableTrace, true);

    const text = parts.filter((part) => part.type === 'delta').map((part) => (part as { text: string }).text);
    assert.deepEqual(text, ['Your order A-1042 ', 'has shipped ', 'and arrives Thursday.']);
    const traces = parts.filter((part): part is Extract<ChatModelPart, { type: 'trace' }> => part.type === 'trace');
    assert.equal(traces.length, 6);
    assert.deepEqual((traces[2]!.data as { trace: unknown }).trace, {
      orchestrationTrace: { rationale: { traceId: 'a1b2-0', text: 'The user asks for the order status; I will call the orders action group.' } },
    });
    assert.equal((traces[0]!.data as { event_time: string }).event_time, '2025-03-02T10:15:00.101Z');
    assert.deepEqual(parts.at(-1), { type: 'finish', stopReason: 'end_turn', usage: { inputTokens: 1203 + 1377, outputTokens: 88 + 41 } });
  });

  it('keeps one agent session per gateway session, hashing ids the agent would refuse', async () => {
    replies.set('AGENT12345', () => ({ steps: [{ send: agentChunkFrame('ok') }] }));
    const longId = 'x'.repeat(120);
    await collect(provider.chatModel('AGENT12345/TSTALIASID').stream(call({ sessionId: longId })));
    const first = stub.requests.at(-1)!.sessionId!;
    await collect(provider.chatModel('AGENT12345/TSTALIASID').stream(call({ sessionId: longId })));
    assert.equal(stub.requests.at(-1)!.sessionId, first);
    assert.match(first, /^[0-9a-zA-Z._:-]{2,100}$/);
  });

  it('joins a character split across two chunks', async () => {
    const bytes = Buffer.from('été', 'utf8');
    replies.set('AGENT12345', () => ({
      steps: [
        { send: eventFrame('chunk', { bytes: bytes.subarray(0, 1).toString('base64') }) },
        { send: eventFrame('chunk', { bytes: bytes.subarray(1).toString('base64') }) },
      ],
    }));
    const parts = await collect(provider.chatModel('AGENT12345/TSTALIASID').stream(call()));
    assert.equal(parts.filter((part) => part.type === 'delta').map((part) => (part as { text: string }).text).join(''), 'été');
  });

  it('maps an exception in the middle of the stream, after the text already sent', async () => {
    replies.set('AGENT12345', () => ({
      steps: [{ send: agentChunkFrame('Partial ') }, { send: exceptionFrame('dependencyFailedException', { message: 'the action group Lambda failed', resourceName: 'orders' }) }],
    }));
    const { values, error } = await collectUntilError(provider.chatModel('AGENT12345/TSTALIASID').stream(call()));
    assert.deepEqual(values, [{ type: 'delta', text: 'Partial ' }]);
    assert.ok(error instanceof GatewayError);
    assert.equal(error.code, 'upstream_error');
    assert.equal(error.retryable, false);
  });

  it('maps throttling before the stream to upstream_throttled', async () => {
    replies.set('AGENT12345', () => ({ error: { status: 429, type: 'ThrottlingException', message: 'Rate exceeded' } }));
    const { error } = await collectUntilError(provider.chatModel('AGENT12345/TSTALIASID').stream(call()));
    assert.equal((error as GatewayError).code, 'upstream_throttled');
  });

  it('closes the upstream stream when the call is aborted', async () => {
    const hold = gate();
    replies.set('AGENT12345', () => ({ steps: [{ send: agentChunkFrame('first') }, { wait: hold.promise }, { send: agentChunkFrame('never read') }] }));
    const controller = new AbortController();
    const parts: ChatModelPart[] = [];
    for await (const part of provider.chatModel('AGENT12345/TSTALIASID').stream(call({ signal: controller.signal }))) {
      parts.push(part);
      controller.abort();
    }
    assert.deepEqual(parts, [{ type: 'delta', text: 'first' }]);
    assert.equal((await stub.requests.at(-1)!.outcome).closedByClient, true);
    hold.release();
  });
});
