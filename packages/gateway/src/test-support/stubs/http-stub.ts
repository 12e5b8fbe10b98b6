import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { runSteps, type StubOutcome, type StubStep } from './stub-step.js';

/** A request an HTTP/1.1 stub received, with a promise of how it ended. */
export interface HttpStubRequest {
  method: string;
  /** The path without the query, still URL-encoded. */
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  /** The body parsed as JSON, or the text when it is not JSON. */
  body: any;
  outcome: Promise<StubOutcome>;
}

/** A whole JSON body, or a body written step by step (SSE, chunked text). */
export type HttpStubReply =
  | { status?: number; headers?: Record<string, string>; json: unknown }
  | { status?: number; headers?: Record<string, string>; contentType: string; steps: readonly StubStep<string | Uint8Array>[] };

export interface HttpStub {
  url: string;
  requests: HttpStubRequest[];
  close(): Promise<void>;
}

/**
 * An HTTP/1.1 server on 127.0.0.1 that answers each request as `answer` says, writing streamed
 * bodies step by step so that a test can hold the rest of a reply back and see whether the caller hung up.
 */
export async function startHttpStub(answer: (request: HttpStubRequest) => HttpStubReply | Promise<HttpStubReply>): Promise<HttpStub> {
  const requests: HttpStubRequest[] = [];
  const server = http.createServer(async (incoming, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown = raw;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {}
    let finished = false;
    const closed = new Promise<void>((resolve) => response.once('close', () => resolve()));
    const outcome = closed.then(() => ({ closedByClient: !finished && !response.writableFinished }));
    const url = new URL(incoming.url ?? '/', 'http://stub');
    const request: HttpStubRequest = { method: incoming.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: incoming.headers, body, outcome };
    requests.push(request);
    const reply = await answer(request);
    if (response.destroyed) return;
    if ('json' in reply) {
      finished = true;
      response.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
      response.end(JSON.stringify(reply.json));
      return;
    }
    response.writeHead(reply.status ?? 200, { 'content-type': reply.contentType, ...reply.headers });
    response.flushHeaders();
    const completed = await runSteps(reply.steps, {
      send: (payload) => response.write(payload),
      destroy: () => {
        finished = true;
        // What was sent goes out first, as over a real connection that is cut: the body ends mid-way.
        const socket = response.socket;
        if (socket) socket.end(() => response.destroy());
        else response.destroy();
      },
      closed,
      isClosed: () => response.destroyed,
    });
    if (completed && !response.destroyed) {
      finished = true;
      response.end();
    }
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** One Server-Sent Event: `data:` lines (JSON unless a string is given), with an optional name. */
export function sseEvent(data: unknown, event?: string): string {
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  return `${event ? `event: ${event}\n` : ''}${text
    .split('\n')
    .map((line) => `data: ${line}`)
    .join('\n')}\n\n`;
}
