import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import type { ResponseCreateParamsNonStreaming, ResponseStreamEvent } from 'openai/resources/responses/responses';
import { CapturingUsageSink } from '../../test-support/capture-usage.js';
import { ProbeChatModel, probeEntry } from '../../test-support/probe-model.js';
import { startGateway, TEST_KEY, type TestGateway } from '../../test-support/start-gateway.js';
import { until } from '../../test-support/until.js';
import { collect, paced, readUntil, simulated, simulator } from '../../test-support/responses-stream-events.js';

const OTHER_KEY = 'sg-other-key-0123456789abcdef';
const requestIdOf = (responseId: string) => responseId.replace(/^resp_/, '');
const textOf = (events: readonly ResponseStreamEvent[]) =>
  events.map((event) => (event.type === 'response.output_text.delta' ? event.delta : '')).join('');

describe('the Responses API with the official openai SDK, unchanged', () => {
  let harness: TestGateway;
  let client: OpenAI;
  let other: OpenAI;
  const usage = new CapturingUsageSink();
  const probe = new ProbeChatModel({ tokens: 1_000_000, intervalMs: 5 });

  before(async () => {
    harness = await startGateway(
      { API_KEYS: `${TEST_KEY},${OTHER_KEY}`, STREAM_RESUME_GRACE_MS: '5000', RATE_LIMIT_REQUESTS: '100000', HEARTBEAT_INTERVAL_MS: '1000', LOG_LEVEL: 'warn' },
      { models: [simulator, probeEntry(probe)], usage },
    );
    const baseURL = `${harness.url}/v1`;
    client = new OpenAI({ apiKey: TEST_KEY, baseURL, maxRetries: 0, timeout: 10_000 });
    other = new OpenAI({ apiKey: OTHER_KEY, baseURL, maxRetries: 0, timeout: 10_000 });
  });
  after(() => harness.close());

  test('responses.create: the whole response, its usage, one usage record on the openai transport; retrieve gives it back', async () => {
    const response = await client.responses.create({ model: 'simulator', input: 'Hello', instructions: 'Be brief.', metadata: { ticket: '4711' } });
    assert.equal(response.object, 'response');
    assert.equal(response.status, 'completed');
    assert.equal(response.model, 'simulator');
    assert.match(response.id, /^resp_/);
    assert.match(response.output_text, /^You said: "Hello"\. This is turn 1\./);
    const [message] = response.output;
    assert.equal(message?.type, 'message');
    assert.deepEqual(message?.type === 'message' && message.content.map((part) => part.type), ['output_text']);
    assert.equal(response.usage!.total_tokens, response.usage!.input_tokens + response.usage!.output_tokens);
    assert.ok(response.usage!.output_tokens > 0);
    assert.deepEqual([response.instructions, response.metadata, response.error, response.incomplete_details], ['Be brief.', { ticket: '4711' }, null, null]);
    const record = await usage.waitFor((candidate) => candidate.requestId === requestIdOf(response.id));
    assert.deepEqual([record.transport, record.outcome, record.model], ['openai', 'completed', 'simulator']);
    assert.equal(usage.records.filter((candidate) => candidate.requestId === record.requestId).length, 1);

    const retrieved = await client.responses.retrieve(response.id);
    assert.deepEqual({ ...retrieved, output_text: retrieved.output_text }, { ...response, output_text: response.output_text });
  });

  test('responses.create with stream: true: every event in order, numbered from 0, ending with response.completed', async () => {
    const stream = await client.responses.create(simulated({ model: 'simulator', input: 'Stream please', stream: true as const }, { output_tokens: 12 }));
    const events = await collect(stream);
    assert.deepEqual(
      events.map((event) => event.sequence_number),
      events.map((_, index) => index),
    );
    const types = events.map((event) => event.type);
    assert.deepEqual(types.slice(0, 4), ['response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added']);
    assert.deepEqual(types.slice(4, -4), Array(12).fill('response.output_text.delta'));
    assert.deepEqual(types.slice(-4), ['response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'response.completed']);
    const completed = events.at(-1)!;
    assert.equal(completed.type === 'response.completed' && completed.response.status, 'completed');
    const done = events.at(-4)!;
    assert.equal(done.type === 'response.output_text.done' && done.text, textOf(events));
    assert.match(textOf(events), /^You said: "Stream please"/);
    const delta = events[4]!;
    assert.deepEqual(delta.type === 'response.output_text.delta' && [delta.output_index, delta.content_index, delta.item_id], [0, 0, `msg_${requestIdOf(completed.type === 'response.completed' ? completed.response.id : '')}`]);
  });

  test('responses.stream: delta events as they come, and finalResponse()', async () => {
    const runner = client.responses.stream({ model: 'simulator', input: 'Hello stream helper' });
    const deltas: string[] = [];
    runner.on('response.output_text.delta', (event) => deltas.push(event.delta));
    const final = await runner.finalResponse();
    assert.equal(final.status, 'completed');
    assert.equal(final.output_text, deltas.join(''));
    assert.match(final.output_text, /^You said: "Hello stream helper"/);
  });

  test('previous_response_id continues the conversation in the same session; another key cannot continue it', async () => {
    const first = await client.responses.create({ model: 'simulator', input: 'Hello' }).withResponse();
    const second = await client.responses.create({ model: 'simulator', input: 'And again', previous_response_id: first.data.id }).withResponse();
    assert.match(second.data.output_text, /^You said: "And again"\. This is turn 2\./);
    assert.equal(second.data.previous_response_id, first.data.id);
    const sessionId = first.response.headers.get('x-session-id');
    assert.ok(sessionId);
    assert.equal(second.response.headers.get('x-session-id'), sessionId);
    const third = await client.responses.create({ model: 'simulator', input: [{ role: 'user', content: [{ type: 'input_text', text: 'Third' }] }], previous_response_id: second.data.id });
    assert.match(third.output_text, /This is turn 3\./);
    const session = await harness.gateway.app.inject({ method: 'GET', url: `/v1/sessions/${sessionId}`, headers: harness.headers });
    assert.deepEqual(
      session.json().turns.map((turn: { role: string; content: string }) => (turn.role === 'user' ? turn.content : 'reply')),
      ['Hello', 'reply', 'And again', 'reply', 'Third', 'reply'],
    );
    await assert.rejects(other.responses.create({ model: 'simulator', input: 'Hijack', previous_response_id: first.data.id }), (error: unknown) => {
      assert.ok(error instanceof OpenAI.NotFoundError);
      assert.deepEqual([error.code, error.param], ['stream_not_found', 'previous_response_id']);
      return true;
    });
  });

  test('background: true returns at once, runs to the end with no client, and retrieve polls it to completed', async () => {
    const created = await client.responses.create(simulated({ model: 'simulator', input: 'In the background', background: true }, paced));
    assert.equal(created.status, 'in_progress');
    assert.equal(created.background, true);
    let polled = created;
    await until(async () => (polled = await client.responses.retrieve(created.id)).status !== 'in_progress', 5_000, 'the background response to end');
    assert.equal(polled.status, 'completed');
    assert.match(polled.output_text, /^You said: "In the background"/);
    assert.equal(polled.usage!.output_tokens, 40);
    const records = usage.records.filter((record) => record.requestId === requestIdOf(created.id));
    assert.deepEqual(records.map((record) => record.outcome), ['completed']);
  });

  test('responses.cancel stops the model call at once and answers with the cancelled response', async () => {
    probe.abortedAt = undefined;
    const created = await client.responses.create({ model: 'probe', input: 'Never ending', background: true });
    await probe.started();
    assert.equal((await client.responses.retrieve(created.id)).status, 'in_progress');
    await assert.rejects(client.responses.create({ model: 'simulator', input: 'Too soon', previous_response_id: created.id }), (error: unknown) => {
      assert.ok(error instanceof OpenAI.BadRequestError);
      assert.deepEqual([error.code, error.param], ['invalid_request', 'previous_response_id']);
      return true;
    });
    const cancelledAt = performance.now();
    const cancelled = await client.responses.cancel(created.id);
    assert.ok((await probe.aborted()) - cancelledAt < 1_000);
    assert.equal(cancelled.status, 'cancelled');
    assert.equal(cancelled.error?.code, 'cancelled');
    const [message] = cancelled.output;
    assert.ok(message?.type === 'message' && message.status === 'incomplete', 'the output so far');
    assert.ok(message.content[0]?.type === 'output_text' && message.content[0].text.length > 0);
    const record = await usage.waitFor((candidate) => candidate.requestId === requestIdOf(created.id));
    assert.equal(record.outcome, 'cancelled');
    assert.equal((await client.responses.cancel(created.id)).status, 'cancelled', 'a second cancel returns it as it ended');
    assert.equal((await client.responses.retrieve(created.id)).status, 'cancelled');
  });

  test('a dropped stream resumes with retrieve(id, {stream: true, starting_after}): every event once, in order, one usage record', async () => {
    const before = await readUntil(await client.responses.create(simulated({ model: 'simulator', input: 'resume me', stream: true as const }, paced)), 6);
    const created = before[0]!;
    assert.equal(created.type, 'response.created');
    const id = created.type === 'response.created' ? created.response.id : '';
    const last = before.at(-1)!.sequence_number;
    const rest = await collect(await client.responses.retrieve(id, { stream: true, starting_after: last }));
    const numbers = [...before, ...rest].map((event) => event.sequence_number);
    assert.deepEqual(numbers, numbers.map((_, index) => index), 'no event missing or repeated');
    assert.equal(rest.at(-1)!.type, 'response.completed');
    const whole = await collect(await client.responses.create(simulated({ model: 'simulator', input: 'resume me', stream: true as const }, { ...paced, tokens_per_second: 0 })));
    assert.equal(textOf([...before, ...rest]), textOf(whole), 'the same reply as one unbroken stream');
    const records = usage.records.filter((record) => record.requestId === requestIdOf(id));
    assert.deepEqual(records.map((record) => record.outcome), ['completed']);

    // The SDK's helper replays from the start and emits what follows starting_after; finalResponse() is whole.
    const helper = client.responses.stream({ response_id: id, starting_after: last });
    const emitted: number[] = [];
    helper.on('event', (event) => emitted.push(event.sequence_number));
    const final = await helper.finalResponse();
    assert.equal(emitted[0], last + 1);
    assert.equal(final.output_text, textOf(whole));
  });

  test('errors in OpenAI’s shape: an unknown or foreign id is 404, an unsupported field 400 naming it', async () => {
    const mine = await client.responses.create({ model: 'simulator', input: 'Mine' });
    for (const [caller, id] of [
      [client, 'resp_unknown'],
      [client, 'not-a-response-id'],
      [other, mine.id],
    ] as const) {
      await assert.rejects(caller.responses.retrieve(id), (error: unknown) => {
        assert.ok(error instanceof OpenAI.NotFoundError, `${id}: ${String(error)}`);
        assert.deepEqual([error.status, error.code, error.type], [404, 'stream_not_found', 'invalid_request_error']);
        return true;
      });
    }
    await assert.rejects(other.responses.cancel(mine.id), OpenAI.NotFoundError);
    await assert.rejects(client.responses.retrieve('resp_unknown', { stream: true }), OpenAI.NotFoundError);

    const refusals: [ResponseCreateParamsNonStreaming, string][] = [
      [{ model: 'simulator', input: 'Hi', top_p: 0.5 }, 'top_p'],
      [{ model: 'simulator', input: 'Hi', tools: [{ type: 'function', name: 'get_weather', parameters: {}, strict: false }] }, 'tools'],
      [{ model: 'simulator', input: 'Hi', conversation: 'conv_1' }, 'conversation'],
      [{ model: 'simulator', input: [{ role: 'user', content: [{ type: 'input_text', text: 'Look' }, { type: 'input_image', image_url: 'https://example.com/a.png', detail: 'auto' }] }] }, 'input[0].content[1]'],
      [{ model: 'simulator', input: [{ type: 'function_call_output', call_id: 'call_1', output: '{}' }] }, 'input[0]'],
    ];
    for (const [params, param] of refusals) {
      await assert.rejects(client.responses.create(params), (error: unknown) => {
        assert.ok(error instanceof OpenAI.BadRequestError, `${param}: ${String(error)}`);
        assert.deepEqual([error.code, error.param], ['unsupported_parameter', param]);
        return true;
      });
    }
    // Values that ask for nothing beyond a plain reply are accepted.
    const neutral = await client.responses.create({ model: 'simulator', input: 'Hi', tools: [], tool_choice: 'auto', parallel_tool_calls: true, text: { format: { type: 'text' } }, truncation: 'disabled', user: 'u-1' });
    assert.equal(neutral.status, 'completed');
  });

  test('a failure mid-way: streamed, response.failed with the error; whole, the HTTP error; retrieve says failed', async () => {
    const events = await collect(await client.responses.create(simulated({ model: 'simulator', input: 'Fail me', stream: true as const }, { fail_after_tokens: 3 })));
    assert.deepEqual(events.slice(-4).map((event) => event.type), ['response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'response.failed']);
    const failed = events.at(-1)!;
    assert.ok(failed.type === 'response.failed');
    const [message] = failed.response.output;
    assert.deepEqual([failed.response.status, failed.response.error?.code, message?.type === 'message' && message.status], ['failed', 'upstream_error', 'incomplete']);
    assert.equal((await client.responses.retrieve(failed.response.id)).status, 'failed');

    await assert.rejects(client.responses.create(simulated({ model: 'simulator', input: 'Fail me whole' }, { fail_after_tokens: 0 })), (error: unknown) => {
      assert.ok(error instanceof OpenAI.APIError);
      assert.deepEqual([error.status, error.code], [502, 'upstream_error']);
      return true;
    });
  });

  test('a native stream is not a response', async () => {
    const native = await harness.gateway.app.inject({ method: 'POST', url: '/v1/chat/stream', headers: { ...harness.headers, 'x-request-id': 'native-stream-1' }, payload: { message: 'Hi' } });
    assert.match(native.body, /event: done/);
    await assert.rejects(client.responses.retrieve('resp_native-stream-1'), OpenAI.NotFoundError);
  });

  test('store: false is neither retained nor continuable; max_output_tokens ends incomplete', async () => {
    const unstored = await client.responses.create({ model: 'simulator', input: 'Forget me', store: false });
    assert.equal(unstored.status, 'completed');
    await assert.rejects(client.responses.retrieve(unstored.id), OpenAI.NotFoundError);
    await assert.rejects(client.responses.create({ model: 'simulator', input: 'Next', previous_response_id: unstored.id }), OpenAI.NotFoundError);
    await assert.rejects(client.responses.create({ model: 'simulator', input: 'Both', store: false, background: true }), OpenAI.BadRequestError);

    const short = await client.responses.create({ model: 'simulator', input: 'Cut me short', max_output_tokens: 3 });
    assert.deepEqual([short.status, short.incomplete_details?.reason, short.usage?.output_tokens, short.max_output_tokens], ['incomplete', 'max_output_tokens', 3, 3]);
    assert.equal(short.output_text, 'You said: "Cut');
  });
});
