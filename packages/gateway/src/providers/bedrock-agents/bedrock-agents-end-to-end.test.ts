import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readFixture } from '../../test-support/read-fixture.js';
import { eventsOf, nextEvent, replyText } from '../../test-support/reply-text.js';
import { postSse } from '../../test-support/sse-client.js';
import { startGateway, type TestGateway } from '../../test-support/start-gateway.js';
import { agentChunkFrame, agentTraceFrame, framesFromFixture, startBedrockStub, type BedrockStub, type BedrockStubReply } from '../../test-support/stubs/bedrock-stub.js';
import { stubAwsEnvironment } from '../../test-support/stubs/stub-aws-settings.js';
import { gate } from '../../test-support/stubs/stub-step.js';

const fixture = readFixture<[string, unknown][]>('./__fixtures__/invoke-agent-stream.json', import.meta.url);

describe('a Bedrock agent through the gateway', () => {
  let stub: BedrockStub;
  let gateway: TestGateway;
  let reply: () => BedrockStubReply = () => ({ steps: framesFromFixture(fixture) });

  before(async () => {
    stub = await startBedrockStub(() => reply());
    gateway = await startGateway({ ...stubAwsEnvironment(stub.url), BEDROCK_AGENT_ID: 'AGENT12345', BEDROCK_AGENT_ALIAS_ID: 'TSTALIASID' });
  });
  after(async () => {
    await gateway.close();
    await stub.close();
  });

  it('streams the answer with the agent traces as trace events, and continues the agent session', async () => {
    const events = await eventsOf(postSse(`${gateway.url}/v1/chat/stream`, { message: 'Where is order A-1042?', model: 'bedrock-agent' }, gateway.headers, AbortSignal.timeout(10_000)));
    assert.equal(replyText(events), 'Your order A-1042 has shipped and arrives Thursday.');
    const traces = events.filter((event) => event.event === 'trace');
    assert.equal(traces.length, 6);
    assert.equal(traces[3]!.data.data.trace.orchestrationTrace.invocationInput.actionGroupInvocationInput.actionGroupName, 'orders');
    const done = events.at(-1)!;
    assert.equal(done.event, 'done');
    assert.deepEqual(done.data.usage, { input_tokens: 2580, output_tokens: 129 });

    const sessionId = events[0]!.data.session_id;
    assert.equal(stub.requests.at(-1)!.sessionId, sessionId);
    reply = () => ({ steps: [{ send: agentChunkFrame('It left the warehouse on Monday.') }] });
    const second = await eventsOf(postSse(`${gateway.url}/v1/chat/stream`, { message: 'When did it leave?', model: 'bedrock-agent', session_id: sessionId }, gateway.headers, AbortSignal.timeout(10_000)));
    assert.equal(replyText(second), 'It left the warehouse on Monday.');
    assert.equal(stub.requests.at(-1)!.sessionId, sessionId, 'the same agent session, so the agent remembers the order');
    assert.equal(stub.requests.at(-1)!.body.inputText, 'When did it leave?');
  });

  it('forwards a trace while the agent is still working', async () => {
    const hold = gate();
    reply = () => ({ steps: [{ send: agentTraceFrame({ orchestrationTrace: { rationale: { text: 'Looking up the order.' } } }) }, { wait: hold.promise }, { send: agentChunkFrame('Done.') }] });
    const sse = postSse(`${gateway.url}/v1/chat/stream`, { message: 'Status?', model: 'bedrock-agent' }, gateway.headers, AbortSignal.timeout(10_000));
    assert.equal((await nextEvent(sse))!.event, 'start');
    const trace = (await nextEvent(sse))!;
    assert.equal(trace.event, 'trace');
    assert.equal(trace.data.data.trace.orchestrationTrace.rationale.text, 'Looking up the order.');
    hold.release();
    assert.equal(replyText(await eventsOf(sse)), 'Done.');
  });
});
