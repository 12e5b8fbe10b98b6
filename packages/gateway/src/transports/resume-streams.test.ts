import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CapturingUsageSink } from '../test-support/capture-usage.js';
import { ProbeChatModel, probeEntry } from '../test-support/probe-model.js';
import { getSse, postSse, readEvents, readUntilSeq, seqOf, sseText, type SseItem } from '../test-support/sse-client.js';
import { startGateway, type TestGateway } from '../test-support/start-gateway.js';
import { TestSocket, type Frame } from '../test-support/ws-client.js';
import { SimulatorChatModel } from '../providers/simulator/simulator-chat-model.js';

const OTHER_KEY = 'sg-other-key-0123456789abcdef';
const simulator = { id: 'simulator', provider: 'simulator', upstreamModelId: 'simulator', model: new SimulatorChatModel({ ttftMs: 0, tokensPerSecond: 0 }) };
/** 40 tokens over about 400 ms: long enough to drop the connection mid-way. */
const paced = { ttft_ms: 0, tokens_per_second: 100, output_tokens: 40 };


describe('resumable streams (memory retention)', () => {
  let harness: TestGateway;
  const usage = new CapturingUsageSink();
  const probe = new ProbeChatModel({ tokens: 1_000_000, intervalMs: 5 });
  const fastProbe = new ProbeChatModel({ tokens: 1_000_000 });
  before(async () => {
    harness = await startGateway(
      { API_KEYS: `sg-test-key-0123456789abcdef,${OTHER_KEY}`, STREAM_RESUME_GRACE_MS: '5000', STREAM_RETENTION_MAX_EVENTS: '50', HEARTBEAT_INTERVAL_MS: '1000' },
      { models: [simulator, probeEntry(probe), probeEntry(fastProbe, 'fast-probe')], usage },
    );
  });
  after(() => harness.close());

  const start = (body: Record<string, unknown>, controller: AbortController) =>
    postSse(`${harness.url}/v1/chat/stream`, { message: 'resume me', simulate: paced, ...body }, harness.headers, controller.signal);

  test('SSE: a dropped stream resumes with Last-Event-ID: every event once, in order, one usage record, one session turn', async () => {
    const first = new AbortController();
    const before = await readUntilSeq(start({ session_id: 'resumed-chat' }, first), first, 5);
    const requestId = before[0]!.data!.request_id as string;
    const after = await readEvents(getSse(`${harness.url}/v1/chat/stream/${requestId}`, { ...harness.headers, 'last-event-id': `${requestId}:5` }));
    const seqs = [...before, ...after].map(seqOf);
    assert.deepEqual(seqs, seqs.map((_, index) => index), 'no event missing or repeated');
    assert.equal(after.at(-1)!.event, 'done');
    const whole = await readEvents(postSse(`${harness.url}/v1/chat/stream`, { message: 'resume me', simulate: { ...paced, tokens_per_second: 0 } }, harness.headers));
    assert.equal(sseText([...before, ...after]), sseText(whole), 'the same reply as one unbroken stream');
    const records = usage.records.filter((record) => record.requestId === requestId);
    assert.deepEqual(records.map((record) => record.outcome), ['completed']);
    const session = await harness.gateway.app.inject({ method: 'GET', url: '/v1/sessions/resumed-chat', headers: harness.headers });
    assert.equal(session.json().turns.length, 2, 'one user turn and one reply');
  });

  test('SSE: ?after= resumes too, and no position replays from the start', async () => {
    const first = new AbortController();
    const before = await readUntilSeq(start({}, first), first, 2);
    const requestId = before[0]!.data!.request_id as string;
    const fromAfter = await readEvents(getSse(`${harness.url}/v1/chat/stream/${requestId}?after=2`, harness.headers));
    assert.equal(seqOf(fromAfter[0]!), 3);
    const fromStart = await readEvents(getSse(`${harness.url}/v1/chat/stream/${requestId}`, harness.headers));
    assert.equal(seqOf(fromStart[0]!), 0);
    assert.equal(fromStart[0]!.event, 'start');
    assert.equal(fromStart[0]!.data!.resume_token, undefined, 'the resume token is only for the client that started the stream');
    assert.equal(sseText(fromStart), sseText([...before, ...fromAfter]));
  });

  test("SSE: the start event's resume token resumes without a key (for EventSource), and that stream only", async () => {
    const first = new AbortController();
    const before = await readUntilSeq(start({}, first), first, 1);
    const { request_id: requestId, resume_token: token } = before[0]!.data! as { request_id: string; resume_token: string };
    assert.ok(token);
    const resumed = await readEvents(getSse(`${harness.url}/v1/chat/stream/${requestId}?resume_token=${encodeURIComponent(token)}&after=1`, {}));
    assert.equal(resumed.at(-1)!.event, 'done');
    const other = await fetch(`${harness.url}/v1/chat/stream/someone-elses?resume_token=${encodeURIComponent(token)}`);
    assert.equal(other.status, 404);
    assert.equal(((await other.json()) as { error: { code: string } }).error.code, 'stream_not_found');
    const forged = await fetch(`${harness.url}/v1/chat/stream/${requestId}?resume_token=${encodeURIComponent(`${token.split('.')[0]}.forged`)}`);
    assert.equal(forged.status, 404);
  });

  test('WebSocket: a resume frame on another socket continues the request with its original seq', async () => {
    const first = await TestSocket.open(`${harness.wsUrl}/v1/ws/chat`, harness.headers);
    first.send({ message: 'over a socket', request_id: 'ws-resume', simulate: paced });
    await first.next((frame) => frame.request_id === 'ws-resume' && frame.seq === 4);
    const before = first.frames.filter((frame: Frame) => frame.request_id === 'ws-resume');
    first.socket.terminate();
    const lastSeen = Math.max(...before.map((frame: Frame) => frame.seq as number));
    const second = await TestSocket.open(`${harness.wsUrl}/v1/ws/chat`, harness.headers);
    second.send({ type: 'resume', request_id: 'ws-resume', after_seq: lastSeen });
    const answered = await second.request('ws-resume');
    assert.equal(answered[0]!.event, 'resumed', 'a resume is answered first, with what was already there');
    assert.ok((answered[0]!.replayed as number) >= 0);
    const after = answered.slice(1);
    const seqs = [...before, ...after].map((frame: Frame) => frame.seq as number);
    assert.deepEqual(seqs, seqs.map((_, index) => index));
    assert.equal(after.at(-1)!.event, 'done');
    second.close();
  });

  test('nobody resumes within the grace: the model call is aborted and accounted as cancelled with its partial usage', async () => {
    const graceful = await startGateway({ STREAM_RESUME_GRACE_MS: '150' }, { models: [probeEntry(probe)], usage });
    try {
      const controller = new AbortController();
      const seen = await readUntilSeq(postSse(`${graceful.url}/v1/chat/stream`, { message: 'abandon me', model: 'probe' }, graceful.headers, controller.signal), controller, 3);
      const requestId = seen[0]!.data!.request_id as string;
      probe.abortedAt = undefined;
      const droppedAt = performance.now();
      const abortedAt = await probe.aborted();
      assert.ok(abortedAt - droppedAt >= 100, `the call went on for the grace (${abortedAt - droppedAt} ms)`);
      const record = await usage.waitFor((entry) => entry.requestId === requestId);
      assert.equal(record.outcome, 'cancelled');
      assert.ok(record.outputTokens >= 3, 'the partial usage is billed');
    } finally {
      await graceful.close();
    }
  });

  test('an explicit cancel stops the model call at once, whoever follows the stream', async () => {
    const controller = new AbortController();
    const items = postSse(`${harness.url}/v1/chat/stream`, { message: 'cancel me', model: 'probe' }, harness.headers, controller.signal);
    const first = (await items.next()).value as SseItem;
    const requestId = first.data!.request_id as string;
    probe.abortedAt = undefined;
    const cancelledAt = performance.now();
    const cancel = await fetch(`${harness.url}/v1/requests/${requestId}/cancel`, { method: 'POST', headers: harness.headers });
    assert.equal(cancel.status, 200);
    assert.ok((await probe.aborted()) - cancelledAt < 100);
    let last: SseItem | undefined;
    for await (const item of items) if (item.kind === 'event') last = item;
    assert.deepEqual([last!.event, last!.data!.code], ['error', 'cancelled']);
    const again = await fetch(`${harness.url}/v1/requests/${requestId}/cancel`, { method: 'POST', headers: harness.headers });
    assert.equal(again.status, 404);
  });

  test('"background": true runs to the end with nobody connected; GET /v1/requests/{id} has the result', async () => {
    const controller = new AbortController();
    const seen = await readUntilSeq(start({ background: true, simulate: { ...paced, output_tokens: 20 } }, controller), controller, 0);
    const requestId = seen[0]!.data!.request_id as string;
    await usage.waitFor((entry) => entry.requestId === requestId && entry.outcome === 'completed');
    const status = await harness.gateway.app.inject({ method: 'GET', url: `/v1/requests/${requestId}`, headers: harness.headers });
    assert.equal(status.statusCode, 200, status.body);
    const body = status.json();
    assert.equal(body.status, 'completed');
    assert.equal(body.usage.output_tokens, 20);
    assert.match(body.message, /^You said: "resume me"/);
    const other = await harness.gateway.app.inject({ method: 'GET', url: `/v1/requests/${requestId}`, headers: { 'x-api-key': OTHER_KEY } });
    assert.equal(other.json().error.code, 'stream_not_found');
  });

  test('bad resumes get clear errors: another key, a malformed Last-Event-ID, a position past the end, an unknown id, a trimmed gap', async () => {
    const controller = new AbortController();
    const seen = await readUntilSeq(start({ simulate: { ...paced, tokens_per_second: 0, output_tokens: 80 } }, controller), controller, 0);
    const requestId = seen[0]!.data!.request_id as string;
    await usage.waitFor((entry) => entry.requestId === requestId);
    const resume = (headers: Record<string, string>, query = '') =>
      harness.gateway.app.inject({ method: 'GET', url: `/v1/chat/stream/${requestId}${query}`, headers });
    const codes = {
      otherKey: (await resume({ 'x-api-key': OTHER_KEY })).json().error.code,
      malformed: (await resume({ ...harness.headers, 'last-event-id': 'garbage' })).json().error.code,
      otherStreamsId: (await resume({ ...harness.headers, 'last-event-id': 'another:3' })).json().error.code,
      pastTheEnd: (await resume(harness.headers, '?after=5000')).json().error.code,
      unknown: (await harness.gateway.app.inject({ method: 'GET', url: '/v1/chat/stream/never-was', headers: harness.headers })).json().error.code,
      // 80 tokens and a cap of 50 events: the beginning is gone.
      gap: (await resume(harness.headers, '?after=2')).json().error.code,
      noKey: (await resume({})).json().error.code,
    };
    assert.deepEqual(codes, {
      otherKey: 'stream_not_found',
      malformed: 'invalid_request',
      otherStreamsId: 'invalid_request',
      pastTheEnd: 'invalid_request',
      unknown: 'stream_not_found',
      gap: 'stream_gap',
      noKey: 'unauthorized',
    });
    // A stream still running here that has outgrown the cap: the gap is an HTTP error before anything streams.
    const running = new AbortController();
    const runningItems = postSse(`${harness.url}/v1/chat/stream`, { message: 'long', model: 'fast-probe' }, harness.headers, running.signal);
    const runningId = ((await runningItems.next()).value as SseItem).data!.request_id as string;
    // Past the retention cap (50) and past what the run keeps in memory for its followers (512).
    const reader = (async () => {
      for await (const item of runningItems) if (item.kind === 'event' && seqOf(item) > 1200) break;
    })();
    await reader;
    const midRunGap = await harness.gateway.app.inject({ method: 'GET', url: `/v1/chat/stream/${runningId}?after=1`, headers: harness.headers });
    assert.deepEqual([midRunGap.statusCode, midRunGap.json().error.code], [410, 'stream_gap']);
    await fetch(`${harness.url}/v1/requests/${runningId}/cancel`, { method: 'POST', headers: harness.headers });
    running.abort();
    const tail = await readEvents(getSse(`${harness.url}/v1/chat/stream/${requestId}?after=70`, harness.headers));
    assert.equal(tail.at(-1)!.event, 'done', 'what is still retained can be resumed');
    const socket = await TestSocket.open(`${harness.wsUrl}/v1/ws/chat`, harness.headers);
    socket.send({ type: 'resume', request_id: 'never-was', after_seq: 0 });
    const [refused] = await socket.request('never-was');
    assert.deepEqual([refused!.event, refused!.code], ['error', 'stream_not_found']);
    socket.send({ type: 'resume', request_id: 'bad-position', after_seq: 'x' });
    const [invalid] = await socket.request('bad-position');
    assert.equal(invalid!.code, 'invalid_request');
    socket.send({ message: 'the socket still works', request_id: 'fine', simulate: { ttft_ms: 0, tokens_per_second: 0 } });
    assert.equal((await socket.request('fine')).at(-1)!.event, 'done');
    socket.close();
  });
});
