import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { SimulatorChatModel } from '../../providers/simulator/simulator-chat-model.js';
import { ProbeChatModel, probeEntry } from '../../test-support/probe-model.js';
import { startGateway, type TestGateway } from '../../test-support/start-gateway.js';
import { TestSocket, type Frame } from '../../test-support/ws-client.js';

const fast = { ttft_ms: 0, tokens_per_second: 0 };
const simulator = { id: 'simulator', provider: 'simulator', upstreamModelId: 'simulator', model: new SimulatorChatModel({ ttftMs: 0, tokensPerSecond: 0 }) };

describe('WS /v1/ws/chat', () => {
  let harness: TestGateway;
  const probe = new ProbeChatModel({ intervalMs: 5 });
  before(async () => {
    harness = await startGateway(
      // No resume grace here: losing a socket stops its model calls at once (resume-streams.test.ts covers the grace).
      { BODY_LIMIT_BYTES: '2048', WS_MAX_CONCURRENT_REQUESTS: '12', HEARTBEAT_INTERVAL_MS: '50', STREAM_RESUME_GRACE_MS: '0' },
      { models: [simulator, probeEntry(probe)] },
    );
  });
  after(() => harness.close());
  const open = () => TestSocket.open(`${harness.wsUrl}/v1/ws/chat`, harness.headers);

  test('says connected first, with the heartbeat interval and how many requests may run at once', async () => {
    const client = await open();
    const first = await client.next(() => true);
    assert.equal(first.event, 'connected');
    assert.equal(first.heartbeat_interval_ms, 50);
    assert.equal(first.max_concurrent_requests, 12);
    client.close();
  });

  test('runs many requests at once on one socket, each tagged with its id and its own sequence, without cross-talk', async () => {
    const client = await open();
    const ids = Array.from({ length: 10 }, (_, index) => `req-${index}`);
    for (const id of ids) client.send({ message: `question ${id}`, request_id: id, simulate: { ttft_ms: 0, tokens_per_second: 400, output_tokens: 12 } });
    const results = await Promise.all(ids.map((id) => client.request(id)));
    for (const [index, frames] of results.entries()) {
      const id = ids[index]!;
      assert.deepEqual(frames.map((frame) => frame.event), ['start', ...Array(12).fill('message'), 'done']);
      assert.deepEqual(frames.map((frame) => frame.seq), frames.map((_, position) => position));
      const text = frames.filter((frame) => frame.event === 'message').map((frame) => frame.content).join('');
      assert.ok(text.startsWith(`You said: "question ${id}".`), text);
    }
    // They really interleaved: the first request was not finished before the last one started.
    const order = client.frames.map((frame) => `${frame.request_id}:${frame.event}`);
    assert.ok(order.indexOf('req-0:done') > order.indexOf('req-9:start'));
    client.close();
  });

  test('a cancel frame aborts the model call within 100 ms and ends the request with a cancelled error', async () => {
    const client = await open();
    client.send({ message: 'long', model: 'probe', request_id: 'to-cancel' });
    await client.next((frame) => frame.request_id === 'to-cancel' && frame.event === 'message');
    probe.abortedAt = undefined;
    const sentAt = performance.now();
    client.send({ type: 'cancel', request_id: 'to-cancel' });
    const abortedAt = await probe.aborted();
    assert.ok(abortedAt - sentAt < 100, `aborted after ${abortedAt - sentAt} ms`);
    const frames = await client.request('to-cancel');
    assert.equal(frames.at(-1)!.code, 'cancelled');
    client.send({ message: 'still here', request_id: 'after', simulate: fast });
    assert.equal((await client.request('after')).at(-1)!.event, 'done');
    client.close();
  });

  test('with no resume grace, closing the socket aborts its running model calls within 100 ms', async () => {
    const client = await open();
    client.send({ message: 'long', model: 'probe', request_id: 'orphan' });
    await client.next((frame) => frame.request_id === 'orphan' && frame.event === 'message');
    probe.abortedAt = undefined;
    const closedAt = performance.now();
    client.socket.terminate();
    const abortedAt = await probe.aborted();
    assert.ok(abortedAt - closedAt < 100, `aborted after ${abortedAt - closedAt} ms`);
  });

  test('bad frames get error events, and the socket and its neighbours keep working', async () => {
    const client = await open();
    const neighbour = await open();
    client.send('this is not json');
    assert.equal((await client.next((frame) => frame.event === 'error')).code, 'malformed_json');
    client.socket.send(Buffer.from([1, 2, 3]), { binary: true });
    assert.ok(await client.next((frame) => frame.code === 'unsupported_frame'));
    client.send({ type: 'subscribe', request_id: 'weird' });
    const unknown = await client.next((frame) => frame.code === 'unsupported_message_type');
    assert.equal(unknown.request_id, 'weird');
    client.send({ message: '', request_id: 'empty' });
    assert.equal((await client.next((frame) => frame.request_id === 'empty')).code, 'invalid_request');
    client.send({ message: 'hi', session_id: 'no spaces allowed', request_id: 'badsession' });
    assert.equal((await client.next((frame) => frame.request_id === 'badsession')).code, 'invalid_session_id');
    client.send({ type: 'cancel', request_id: 'never-started' });
    assert.equal((await client.next((frame) => frame.request_id === 'never-started')).code, 'request_not_found');
    client.send({ message: 'hi', model: 'unknown-model', request_id: 'nomodel' });
    assert.equal((await client.next((frame) => frame.request_id === 'nomodel')).code, 'model_not_found');
    client.send([1, 2]);
    assert.ok(await client.next((frame) => frame.event === 'error' && frame.code === 'invalid_request' && frame.request_id === undefined));

    client.send({ message: 'fine now', request_id: 'ok', simulate: fast });
    assert.equal((await client.request('ok')).at(-1)!.event, 'done');
    neighbour.send({ message: 'me too', request_id: 'n1', simulate: fast });
    assert.equal((await neighbour.request('n1')).at(-1)!.event, 'done');
    client.close();
    neighbour.close();
  });

  test('an oversized frame closes the socket with 1009', async () => {
    const client = await open();
    client.send({ message: 'x'.repeat(4096) });
    assert.equal((await client.closed).code, 1009);
  });

  test('a reused request id and too many concurrent requests are refused', async () => {
    const client = await open();
    const slow = { ttft_ms: 10_000, tokens_per_second: 0 };
    for (let index = 0; index < 12; index++) client.send({ message: 'wait', request_id: `busy-${index}`, simulate: slow });
    await client.next((frame) => frame.request_id === 'busy-11' && frame.event === 'start');
    client.send({ message: 'again', request_id: 'busy-0' });
    assert.equal((await client.next((frame) => frame.request_id === 'busy-0' && frame.event === 'error')).code, 'duplicate_request_id');
    client.send({ message: 'one more', request_id: 'overflow' });
    const refused = await client.next((frame) => frame.request_id === 'overflow');
    assert.equal(refused.code, 'too_many_requests_on_connection');
    assert.equal(refused.retryable, true);
    client.close();
  });

  test('answers ping frames with pong, and pings the client at the heartbeat interval', async () => {
    const client = await open();
    client.send({ type: 'ping' });
    const pong = await client.next((frame) => frame.event === 'pong');
    assert.equal(typeof pong.timestamp, 'number');
    await new Promise((resolve) => client.socket.once('ping', resolve));
    client.close();
  });

  test('drops a peer that stops answering pings', async () => {
    const socket = new WebSocket(`${harness.wsUrl}/v1/ws/chat`, { headers: harness.headers, autoPong: false });
    const closed = new Promise<number>((resolve) => socket.once('close', resolve));
    assert.equal(await closed, 1006);
  });

  test('a client that stops reading holds its stream back, then gets every token', async () => {
    const tokens = 2048;
    const bigProbe = new ProbeChatModel({ tokens, tokenSize: 16 * 1024 });
    const local = await startGateway({}, { models: [probeEntry(bigProbe)] });
    try {
      const client = await TestSocket.open(`${local.wsUrl}/v1/ws/chat`, local.headers);
      await client.next((frame) => frame.event === 'connected');
      client.socket.pause();
      client.send({ message: 'flood', request_id: 'flood' });
      await bigProbe.started();
      let last = -1;
      for (let checks = 0; checks < 200 && bigProbe.produced !== last; checks++) {
        last = bigProbe.produced;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      assert.ok(bigProbe.produced < tokens / 4, `the gateway pulled ${bigProbe.produced} of ${tokens} tokens for a client that reads nothing`);
      client.socket.resume();
      const frames: Frame[] = await client.request('flood');
      assert.equal(frames.filter((frame) => frame.event === 'message').length, tokens);
      assert.equal(frames.at(-1)!.event, 'done');
      client.close();
    } finally {
      await local.close();
    }
  });
});

describe('WS /ws/sessions/{session_id}/chat', () => {
  let harness: TestGateway;
  before(async () => {
    harness = await startGateway();
  });
  after(() => harness.close());

  test('is bound to its session: connected names it, and every turn lands in it', async () => {
    const client = await TestSocket.open(`${harness.wsUrl}/ws/sessions/my-session-1/chat`, harness.headers);
    const connected = await client.next(() => true);
    assert.deepEqual([connected.event, connected.session_id], ['connected', 'my-session-1']);
    client.send({ message: 'one', request_id: 'a', simulate: fast });
    await client.request('a');
    client.send({ message: 'two', request_id: 'b', simulate: fast });
    const second = await client.request('b');
    assert.equal(second[0]!.session_id, 'my-session-1');
    assert.match(second.filter((frame) => frame.event === 'message').map((frame) => frame.content).join(''), /turn 2\./);
    client.send({ message: 'elsewhere', session_id: 'other', request_id: 'c' });
    assert.equal((await client.next((frame) => frame.request_id === 'c')).code, 'invalid_request');
    const history = await harness.gateway.app.inject({ method: 'GET', url: '/v1/sessions/my-session-1', headers: harness.headers });
    assert.equal(history.json().turns.length, 4);
    client.close();
  });

  test('refuses a bad session id, a missing key and a plain GET before any upgrade', async () => {
    await assert.rejects(TestSocket.open(`${harness.wsUrl}/ws/sessions/bad%20id/chat`, harness.headers), (error: { status: number; body: string }) => {
      return error.status === 400 && JSON.parse(error.body).error.code === 'invalid_session_id';
    });
    await assert.rejects(TestSocket.open(`${harness.wsUrl}/v1/ws/chat`), (error: { status: number; body: string }) => {
      return error.status === 401 && JSON.parse(error.body).error.code === 'unauthorized';
    });
    const plain = await fetch(`${harness.url}/v1/ws/chat`, { headers: harness.headers });
    assert.equal(plain.status, 426);
    assert.equal(((await plain.json()) as { error: { code: string } }).error.code, 'upgrade_required');
  });
});
