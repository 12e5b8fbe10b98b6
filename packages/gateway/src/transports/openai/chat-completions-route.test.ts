import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GatewayError } from '../../errors.js';
import type { ChatModel, ChatModelCall, ChatModelPart } from '../../providers/chat-model.js';
import { CapturingUsageSink } from '../../test-support/capture-usage.js';
import { ProbeChatModel, probeEntry } from '../../test-support/probe-model.js';
import { startGateway, TEST_KEY, type TestGateway } from '../../test-support/start-gateway.js';
import { gate } from '../../test-support/stubs/stub-step.js';

/** A model that plays `script` for each call and remembers the calls. */
class ScriptedModel implements ChatModel {
  readonly calls: ChatModelCall[] = [];
  constructor(private readonly script: (call: ChatModelCall) => AsyncGenerator<ChatModelPart>) {}
  stream(call: ChatModelCall): AsyncIterable<ChatModelPart> {
    this.calls.push(call);
    return this.script(call);
  }
}

const finish: ChatModelPart = { type: 'finish', stopReason: 'end_turn', usage: { inputTokens: 3, outputTokens: 2 } };

describe('POST /v1/chat/completions', () => {
  let harness: TestGateway;
  const usage = new CapturingUsageSink();
  const probe = new ProbeChatModel({ tokens: 2 });
  const endless = new ProbeChatModel({ tokens: 1000, intervalMs: 5 });
  const slowStart = gate();
  const models = {
    refusing: new ScriptedModel(async function* () {
      throw new GatewayError('upstream_unavailable', 'The upstream is down.');
    }),
    slow: new ScriptedModel(async function* () {
      await slowStart.promise;
      yield { type: 'delta', text: 'late' };
      yield finish;
    }),
    agent: new ScriptedModel(async function* () {
      yield { type: 'trace', data: { type: 'rationale', text: 'thinking' } };
      yield { type: 'delta', text: 'Done.' };
      yield { type: 'trace', data: { type: 'tool_use', tool_use_id: '', name: 'lookup', input: { q: 1 } } };
      yield { ...finish, stopReason: 'tool_use' };
    }),
  };

  before(async () => {
    harness = await startGateway(
      { HEARTBEAT_INTERVAL_MS: '20', LOG_LEVEL: 'warn' },
      {
        usage,
        models: [
          probeEntry(probe),
          probeEntry(endless, 'endless'),
          { id: 'refusing', provider: 'test', upstreamModelId: 'refusing', model: models.refusing },
          { id: 'slow', provider: 'test', upstreamModelId: 'slow', model: models.slow },
          { id: 'agent', provider: 'test', upstreamModelId: 'agent', model: models.agent },
        ],
      },
    );
  });
  after(async () => {
    slowStart.release();
    await harness.close();
  });

  const post = (payload: unknown, headers: Record<string, string> = { authorization: `Bearer ${TEST_KEY}` }) =>
    harness.gateway.app.inject({ method: 'POST', url: '/v1/chat/completions', headers, payload: payload as object });

  it('hands the model the system prompt, the history, the new message and the limits', async () => {
    const response = await post({
      model: 'probe',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'One' },
        { role: 'assistant', content: 'Two' },
        { role: 'user', content: 'Three' },
      ],
      max_completion_tokens: 40,
      temperature: 0.2,
      // Values that ask for nothing a plain reply lacks: accepted by every model (SDKs send some by default).
      logprobs: false,
      metadata: {},
    });
    assert.equal(response.statusCode, 200);
    const call = probe.calls.at(-1)!;
    assert.equal(call.system, 'Be brief.');
    assert.deepEqual(call.messages, [
      { role: 'user', content: 'One' },
      { role: 'assistant', content: 'Two' },
      { role: 'user', content: 'Three' },
    ]);
    assert.deepEqual([call.maxTokens, call.temperature], [40, 0.2]);
    const body = response.json();
    assert.equal(body.choices[0].message.content, 'xxxxx xxxxx ');
    assert.equal(response.headers['x-session-id'], undefined, 'no session was named, so none was kept');
    assert.equal(await harness.gateway.sessions.get(call.sessionId!, call.userId!), undefined);
    assert.equal(body.id, `chatcmpl-${response.headers['x-request-id']}`);
  });

  it('answers errors in OpenAI’s shape, on these routes only', async () => {
    const unauthorized = await post({ messages: [{ role: 'user', content: 'Hi' }] }, {});
    assert.equal(unauthorized.statusCode, 401);
    assert.deepEqual(unauthorized.json(), {
      error: { message: unauthorized.json().error.message, type: 'authentication_error', param: null, code: 'unauthorized' },
    });
    assert.match(String(unauthorized.headers['www-authenticate']), /^Bearer/);

    const twoChoices = await post({ model: 'probe', messages: [{ role: 'user', content: 'Hi' }], n: 2 });
    assert.equal(twoChoices.statusCode, 400);
    assert.deepEqual([twoChoices.json().error.param, twoChoices.json().error.code], ['n', 'invalid_request']);

    const badRole = await post({ messages: [{ role: 'robot', content: 'Hi' }] });
    assert.deepEqual([badRole.statusCode, badRole.json().error.param], [400, 'messages.0.role']);

    const malformed = await harness.gateway.app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
      payload: '{"messages": [',
    });
    assert.deepEqual([malformed.statusCode, malformed.json().error.code, malformed.json().error.type], [400, 'malformed_json', 'invalid_request_error']);

    const native = await harness.gateway.app.inject({ method: 'POST', url: '/v1/chat', payload: { message: 'Hi' } });
    assert.equal(native.json().error.code, 'unauthorized');
    assert.equal(typeof native.json().error.request_id, 'string', 'the native routes keep their own error shape');
  });

  it('streams: a failure before the first token is an HTTP error with its status, and is accounted', async () => {
    const response = await post({ model: 'refusing', stream: true, messages: [{ role: 'user', content: 'Hi' }] });
    assert.equal(response.statusCode, 503);
    assert.deepEqual(response.json().error, { message: 'The upstream is down.', type: 'server_error', param: null, code: 'upstream_unavailable' });
    const record = await usage.waitFor((entry) => entry.requestId === response.headers['x-request-id']);
    assert.deepEqual([record.outcome, record.transport], ['failed', 'openai']);
  });

  it('streams: when the first token is slow, the 200 goes out after a heartbeat interval and comments keep the line alive', async () => {
    const response = await fetch(`${harness.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_KEY}` },
      body: JSON.stringify({ model: 'slow', stream: true, messages: [{ role: 'user', content: 'Hi' }] }),
      signal: AbortSignal.timeout(10_000),
    });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type')!, /^text\/event-stream/);
    const decoder = new TextDecoder();
    let text = '';
    for await (const chunk of response.body!) {
      text += decoder.decode(chunk, { stream: true });
      if (text.includes(': heartbeat')) slowStart.release();
    }
    assert.match(text, /^: heartbeat\n\n/);
    assert.match(text, /"delta":\{"role":"assistant","content":"late"\}/);
    assert.ok(text.endsWith('data: [DONE]\n\n'));
  });

  it('passes tool-use traces on as tool calls and drops other agent traces', async () => {
    const whole = (await post({ model: 'agent', messages: [{ role: 'user', content: 'Go' }] })).json();
    assert.deepEqual(whole.choices[0].message, {
      role: 'assistant',
      content: 'Done.',
      refusal: null,
      tool_calls: [{ id: `call_${whole.id.slice('chatcmpl-'.length)}_0`, type: 'function', function: { name: 'lookup', arguments: '{"q":1}' } }],
    });
    assert.equal(whole.choices[0].finish_reason, 'tool_calls');
    const streamed = await fetch(`${harness.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_KEY}` },
      body: JSON.stringify({ model: 'agent', stream: true, messages: [{ role: 'user', content: 'Go' }] }),
      signal: AbortSignal.timeout(10_000),
    });
    const events = (await streamed.text()).split('\n\n').filter(Boolean);
    assert.equal(events.length, 4, 'content, tool call, finish, [DONE]');
    assert.match(events[1]!, /"tool_calls":\[\{"index":0,"id":"call_[^"]+_0","type":"function","function":\{"name":"lookup","arguments":"\{\\"q\\":1\}"\}\}\]/);
  });

  it('aborts the model call when a non-streaming client goes away, and accounts it as cancelled', async () => {
    const controller = new AbortController();
    const request = fetch(`${harness.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_KEY}` },
      body: JSON.stringify({ model: 'endless', messages: [{ role: 'user', content: 'Hi' }] }),
      signal: controller.signal,
    }).catch(() => undefined);
    await endless.started();
    controller.abort();
    await request;
    await endless.aborted();
    const record = await usage.waitFor((entry) => entry.model === 'endless');
    assert.deepEqual([record.outcome, record.transport], ['cancelled', 'openai']);
  });
});
