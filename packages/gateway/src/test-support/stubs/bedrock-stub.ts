import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { eventFrame } from './event-stream-frames.js';
import { runSteps, type StubOutcome, type StubStep } from './stub-step.js';

export type BedrockOperation = 'converse-stream' | 'converse' | 'invoke' | 'invoke-agent';

/** A request the stub received, with a promise of how it ended. */
export interface BedrockStubRequest {
  operation: BedrockOperation;
  /** Decoded from the path (model ids arrive URL-encoded: `...v1%3A0`). */
  modelId?: string;
  agentId?: string;
  agentAliasId?: string;
  sessionId?: string;
  path: string;
  headers: http2.IncomingHttpHeaders;
  body: any;
  outcome: Promise<StubOutcome>;
}

/** What to answer: an HTTP error before any event, a JSON body, or a stream of event-stream frames. */
export type BedrockStubReply =
  | { error: { status: number; type: string; message?: string } }
  | { json: unknown }
  | { steps: readonly StubStep<Uint8Array>[] };

export interface BedrockStub {
  /** `http://127.0.0.1:PORT`, for the SDK client's `endpoint`. */
  url: string;
  requests: BedrockStubRequest[];
  close(): Promise<void>;
}

const ROUTES: { pattern: RegExp; operation: BedrockOperation }[] = [
  { pattern: /^\/model\/([^/]+)\/converse-stream$/, operation: 'converse-stream' },
  { pattern: /^\/model\/([^/]+)\/converse$/, operation: 'converse' },
  { pattern: /^\/model\/([^/]+)\/invoke$/, operation: 'invoke' },
  { pattern: /^\/agents\/([^/]+)\/agentAliases\/([^/]+)\/sessions\/([^/]+)\/text$/, operation: 'invoke-agent' },
];

/**
 * A Bedrock runtime and Agents runtime endpoint on 127.0.0.1 speaking HTTP/2 cleartext, as the
 * SDK clients do by default: ConverseStream and InvokeAgent answer with real event-stream frames.
 * `answer` decides each reply; `requests` records what arrived and whether the caller hung up.
 *
 * @example
 * const stub = await startBedrockStub(() => ({ steps: converseStreamSteps(['Hello', ' world']) }));
 * const client = new BedrockRuntimeClient({ endpoint: stub.url, region: 'us-east-1', credentials });
 */
export async function startBedrockStub(answer: (request: BedrockStubRequest) => BedrockStubReply | Promise<BedrockStubReply>): Promise<BedrockStub> {
  const requests: BedrockStubRequest[] = [];
  const sessions = new Set<http2.ServerHttp2Session>();
  const server = http2.createServer();
  server.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  server.on('stream', (stream, headers) => {
    const path = String(headers[':path'] ?? '').split('?', 1)[0]!;
    const route = ROUTES.map((candidate) => ({ ...candidate, match: candidate.pattern.exec(path) })).find((candidate) => candidate.match);
    const chunks: Buffer[] = [];
    let settle!: (outcome: StubOutcome) => void;
    const outcome = new Promise<StubOutcome>((resolve) => (settle = resolve));
    let finished = false;
    const closed = new Promise<void>((resolve) => stream.once('close', () => resolve()));
    closed.then(() => settle({ closedByClient: !finished }));
    stream.on('error', () => {});
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', async () => {
      if (!route) {
        finished = true;
        stream.respond({ ':status': 404, 'content-type': 'application/json', 'x-amzn-errortype': 'UnknownOperationException' });
        stream.end('{"message":"unknown operation"}');
        return;
      }
      const match = route.match!;
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = raw;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {}
      const request: BedrockStubRequest = {
        operation: route.operation,
        path,
        headers,
        body,
        outcome,
        ...(route.operation === 'invoke-agent'
          ? { agentId: decodeURIComponent(match[1]!), agentAliasId: decodeURIComponent(match[2]!), sessionId: decodeURIComponent(match[3]!) }
          : { modelId: decodeURIComponent(match[1]!) }),
      };
      requests.push(request);
      const reply = await answer(request);
      if (stream.closed || stream.destroyed) return;
      if ('error' in reply) {
        finished = true;
        stream.respond({
          ':status': reply.error.status,
          'content-type': 'application/json',
          'x-amzn-errortype': `${reply.error.type}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
        });
        stream.end(JSON.stringify({ message: reply.error.message ?? reply.error.type }));
        return;
      }
      if ('json' in reply) {
        finished = true;
        stream.respond({ ':status': 200, 'content-type': 'application/json' });
        stream.end(JSON.stringify(reply.json));
        return;
      }
      const headersOut: http2.OutgoingHttpHeaders = { ':status': 200, 'content-type': 'application/vnd.amazon.eventstream' };
      if (route.operation === 'invoke-agent') {
        headersOut['x-amzn-bedrock-agent-content-type'] = 'application/json';
        headersOut['x-amz-bedrock-agent-session-id'] = request.sessionId;
      }
      stream.respond(headersOut);
      const completed = await runSteps(reply.steps, {
        send: (frame) => stream.write(frame),
        destroy: () => {
          finished = true;
          // The frames already sent go out first (a write's callback runs once it is flushed), then the reset.
          stream.write(new Uint8Array(0), () => stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR));
        },
        closed,
        isClosed: () => stream.closed || stream.destroyed,
      });
      if (completed && !stream.closed) {
        finished = true;
        stream.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const session of sessions) session.destroy();
        server.close(() => resolve());
      }),
  };
}

/** ConverseStream frames for a text reply: messageStart, one delta per piece, messageStop, metadata. */
export function converseStreamSteps(
  pieces: readonly string[],
  options: { stopReason?: string; inputTokens?: number; outputTokens?: number; latencyMs?: number } = {},
): StubStep<Uint8Array>[] {
  const inputTokens = options.inputTokens ?? 10;
  const outputTokens = options.outputTokens ?? pieces.length;
  return [
    { send: eventFrame('messageStart', { role: 'assistant' }) },
    ...pieces.map((text) => ({ send: eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { text } }) })),
    { send: eventFrame('contentBlockStop', { contentBlockIndex: 0 }) },
    { send: eventFrame('messageStop', { stopReason: options.stopReason ?? 'end_turn' }) },
    {
      send: eventFrame('metadata', {
        usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens },
        metrics: { latencyMs: options.latencyMs ?? 42 },
      }),
    },
  ];
}

/**
 * ConverseStream frames paced like a model: the first delta after `ttftMs`, then one every
 * `intervalMs`. For benchmarks; tests hold replies back with `wait` steps instead of time.
 */
export function pacedConverseStreamSteps(pieces: readonly string[], pace: { ttftMs: number; intervalMs: number }): StubStep<Uint8Array>[] {
  const steps = converseStreamSteps(pieces);
  const paced: StubStep<Uint8Array>[] = [steps[0]!];
  pieces.forEach((_, index) => {
    const delayMs = index === 0 ? pace.ttftMs : pace.intervalMs;
    if (delayMs > 0) paced.push({ delayMs });
    paced.push(steps[index + 1]!);
  });
  return [...paced, ...steps.slice(pieces.length + 1)];
}

/** Frames recorded as `[eventType, body]` pairs (the `__fixtures__` files) as stub steps. */
export function framesFromFixture(fixture: readonly (readonly [string, unknown])[]): StubStep<Uint8Array>[] {
  return fixture.map(([eventType, body]) => ({ send: eventFrame(eventType, body) }));
}

/** InvokeAgent frames: `chunk` events carry base64 bytes, `trace` events carry the agent's steps. */
export function agentChunkFrame(text: string): Uint8Array {
  return eventFrame('chunk', { bytes: Buffer.from(text, 'utf8').toString('base64') });
}

export function agentTraceFrame(trace: unknown, ids: { agentId?: string; agentAliasId?: string; sessionId?: string } = {}): Uint8Array {
  return eventFrame('trace', {
    agentId: ids.agentId ?? 'AGENT12345',
    agentAliasId: ids.agentAliasId ?? 'ALIAS12345',
    sessionId: ids.sessionId ?? 'session',
    eventTime: new Date().toISOString(),
    trace,
  });
}
