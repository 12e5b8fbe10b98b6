import assert from 'node:assert/strict';
import http from 'node:http';
import { createParser } from 'eventsource-parser';
import { after, before, describe, test } from 'node:test';
import { ProbeChatModel, probeEntry } from '../../test-support/probe-model.js';
import { collectSse, postSse } from '../../test-support/sse-client.js';
import { startGateway, type TestGateway } from '../../test-support/start-gateway.js';
import { SimulatorChatModel } from '../../providers/simulator/simulator-chat-model.js';

const fast = { ttft_ms: 0, tokens_per_second: 0 };

describe('POST /v1/chat/stream', () => {
  let harness: TestGateway;
  before(async () => {
    harness = await startGateway({ HEARTBEAT_INTERVAL_MS: '40' });
  });
  after(() => harness.close());

  test('streams start, one message per token, then done; every event has an id of request:seq', async () => {
    const events = await collectSse(`${harness.url}/v1/chat/stream`, { message: 'stream me', simulate: { ...fast, output_tokens: 8 } }, harness.headers);
    assert.deepEqual(events.map((event) => event.event), ['start', ...Array(8).fill('message'), 'done']);
    const start = events[0]!.data!;
    assert.equal(start.model, 'simulator');
    events.forEach((event, index) => assert.equal(event.id, `${start.request_id}:${index}`));
    const text = events.filter((event) => event.event === 'message').map((event) => event.data!.content).join('');
    assert.match(text, /^You said: "stream me"\./);
    const done = events.at(-1)!.data!;
    assert.equal(done.status, 'complete');
    assert.deepEqual((done.usage as { output_tokens: number }).output_tokens, 8);
    assert.equal(typeof (done.metrics as { ttft_ms: number }).ttft_ms, 'number');
  });

  test('a failure after some tokens is an error event after those tokens', async () => {
    const events = await collectSse(`${harness.url}/v1/chat/stream`, { message: 'x', simulate: { ...fast, fail_after_tokens: 3 } }, harness.headers);
    assert.deepEqual(events.map((event) => event.event), ['start', 'message', 'message', 'message', 'error']);
    assert.equal(events.at(-1)!.data!.code, 'upstream_error');
    assert.equal(events.at(-1)!.data!.retryable, true);
  });

  test('a request refused before the stream starts is a plain JSON HTTP error', async () => {
    await assert.rejects(
      collectSse(`${harness.url}/v1/chat/stream`, { message: 'x', model: 'nope' }, harness.headers),
      (error: { status: number; body: { error: { code: string } } }) => error.status === 404 && error.body.error.code === 'model_not_found',
    );
  });

  test('heartbeat comments flow while the model is still thinking', async () => {
    const comments: string[] = [];
    for await (const item of postSse(`${harness.url}/v1/chat/stream`, { message: 'slow', simulate: { ttft_ms: 200, tokens_per_second: 0, output_tokens: 1 } }, harness.headers)) {
      if (item.kind === 'comment') comments.push(item.comment!);
      if (item.event === 'message') break;
    }
    assert.ok(comments.length >= 2, `expected heartbeats before the first token, got ${comments.length}`);
    assert.ok(comments.every((comment) => comment === 'heartbeat'));
  });
});

describe('SSE and the model call', () => {
  test('with no resume grace, a client that disconnects aborts the model call within 100 ms, and usage records it as cancelled', async () => {
    const probe = new ProbeChatModel({ intervalMs: 5 });
    const records: { outcome: string }[] = [];
    const harness = await startGateway({ STREAM_RESUME_GRACE_MS: '0' }, { models: [probeEntry(probe)], usage: { record: (record) => records.push(record), flush: async () => {} } });
    try {
      const controller = new AbortController();
      const stream = postSse(`${harness.url}/v1/chat/stream`, { message: 'go' }, harness.headers, controller.signal);
      for await (const item of stream) if (item.event === 'message') break;
      const disconnectedAt = performance.now();
      controller.abort();
      const abortedAt = await probe.aborted();
      assert.ok(abortedAt - disconnectedAt < 100, `the provider saw the abort after ${abortedAt - disconnectedAt} ms`);
      await harness.gateway.engine.waitForIdle(1000);
      assert.deepEqual(records.map((record) => record.outcome), ['cancelled']);
    } finally {
      await harness.close();
    }
  });

  test('a client that stops reading holds the model back instead of growing memory, and loses nothing', async () => {
    const tokenSize = 16 * 1024;
    const tokens = 4096; // 64 MiB if it were all buffered
    const probe = new ProbeChatModel({ tokens, tokenSize });
    const harness = await startGateway({}, { models: [probeEntry(probe)] });
    try {
      const { port } = new URL(harness.url);
      const request = http.request({ host: '127.0.0.1', port, path: '/v1/chat/stream', method: 'POST', headers: { ...harness.headers, 'content-type': 'application/json' } });
      request.end(JSON.stringify({ message: 'flood' }));
      const response = await new Promise<http.IncomingMessage>((resolve) => request.once('response', resolve));
      response.pause();
      // Wait until production stalls: the gateway stops pulling once the socket is full.
      let last = -1;
      for (let checks = 0; checks < 200 && probe.produced !== last; checks++) {
        last = probe.produced;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      const bufferedBytes = probe.produced * tokenSize;
      assert.ok(probe.produced < tokens / 4, `the gateway pulled ${probe.produced} of ${tokens} tokens for a client that reads nothing`);
      assert.ok(bufferedBytes < 16 * 1024 * 1024, `${bufferedBytes} bytes were produced for a stalled client`);
      let received = 0;
      let done = false;
      const parser = createParser({
        onEvent: (event) => {
          if (event.event === 'message') received++;
          if (event.event === 'done') done = true;
        },
      });
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => parser.feed(chunk));
      response.resume();
      await new Promise((resolve) => response.once('end', resolve));
      assert.equal(received, tokens);
      assert.ok(done);
    } finally {
      await harness.close();
    }
  });
});

test('the simulator stops at once when aborted during its time to first token', async () => {
  const model = new SimulatorChatModel({ ttftMs: 0, tokensPerSecond: 0 });
  const controller = new AbortController();
  const parts = model.stream({ upstreamModelId: 'simulator', messages: [{ role: 'user', content: 'hi' }], simulate: { ttft_ms: 60_000 }, signal: controller.signal });
  const started = performance.now();
  setImmediate(() => controller.abort());
  await assert.rejects(async () => {
    for await (const part of parts) void part;
  }, /abort/i);
  assert.ok(performance.now() - started < 1000);
});
