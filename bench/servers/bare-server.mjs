#!/usr/bin/env node
// The floor: a bare `node:http` server (SSE and blocking chat) and a bare `ws` server (WebSocket) that
// write the same events, with the same framing and the same `simulate` pacing, as the gateway, and
// nothing else (no routing framework, no validation library, no sessions, no logging). Whatever time
// the gateway takes beyond this server's is what the gateway adds on this machine.
//
// Also usable as a stand-alone mock when comparing another gateway: same endpoints, same knobs.
//   PORT=8100 API_KEYS=bench-key node bench/servers/bare-server.mjs
import { randomUUID, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { WebSocketServer } from 'ws';
import { replyTokens } from './reply-tokens.mjs';

const host = process.env.HOST || '127.0.0.1';
const port = Number(process.env.PORT ?? 8100);
const apiKey = Buffer.from((process.env.API_KEYS ?? 'bench-key').split(',')[0].trim());
const bodyLimitBytes = Number(process.env.BODY_LIMIT_BYTES ?? 1024 * 1024);

const authorized = (headers) => {
  const presented = headers['x-api-key'];
  if (typeof presented !== 'string') return false;
  const buffer = Buffer.from(presented);
  return buffer.length === apiKey.length && timingSafeEqual(buffer, apiKey);
};

/**
 * One simulated reply, paced like the gateway's simulator: token i is due at ttft + i / tokens_per_second
 * after the start; tokens already due go out at once, without a timer.
 */
function streamReply(body, onToken, onDone) {
  const simulate = body.simulate ?? {};
  const ttftMs = simulate.ttft_ms ?? 0;
  const tokensPerSecond = simulate.tokens_per_second ?? 0;
  const tokens = replyTokens(body.message, simulate.output_tokens);
  const intervalMs = tokensPerSecond > 0 ? 1000 / tokensPerSecond : 0;
  const start = performance.now();
  let index = 0;
  let timer;
  const pump = () => {
    timer = undefined;
    while (index < tokens.length) {
      const waitMs = start + ttftMs + index * intervalMs - performance.now();
      if (waitMs >= 1) {
        timer = setTimeout(pump, waitMs);
        return;
      }
      onToken(tokens[index++]);
    }
    const totalMs = performance.now() - start;
    onDone({
      status: 'complete',
      stop_reason: 'end_turn',
      usage: { input_tokens: Math.ceil(body.message.length / 4), output_tokens: tokens.length },
      metrics: { ttft_ms: ttftMs, total_ms: Math.round(totalMs * 100) / 100, output_tokens_per_second: 0 },
    });
  };
  pump();
  return () => timer && clearTimeout(timer);
}

function readJson(request, callback) {
  const chunks = [];
  let size = 0;
  request.on('data', (chunk) => {
    size += chunk.length;
    if (size <= bodyLimitBytes) chunks.push(chunk);
  });
  request.on('end', () => {
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      body = undefined;
    }
    callback(size <= bodyLimitBytes && body && typeof body.message === 'string' && body.message.length > 0 ? body : undefined);
  });
}

function sendJson(response, status, value) {
  const text = JSON.stringify(value);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

function chatStream(request, response, body) {
  const requestId = randomUUID();
  const sessionId = body.session_id ?? randomUUID();
  response.socket?.setNoDelay(true);
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    'x-request-id': requestId,
    'x-session-id': sessionId,
  });
  let seq = 0;
  const write = (event, data) => response.write(`id: ${requestId}:${seq++}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  write('start', { request_id: requestId, session_id: sessionId, model: 'simulator' });
  const cancel = streamReply(
    body,
    (token) => write('message', { content: token }),
    (done) => {
      write('done', done);
      response.end();
    },
  );
  response.once('close', cancel);
}

function chat(request, response, body) {
  const requestId = randomUUID();
  const sessionId = body.session_id ?? randomUUID();
  const chunks = [];
  const cancel = streamReply(
    body,
    (token) => chunks.push(token),
    (done) => {
      sendJson(response, 200, {
        message: chunks.join(''),
        session_id: sessionId,
        model: 'simulator',
        request_id: requestId,
        stop_reason: done.stop_reason,
        usage: done.usage,
        metrics: done.metrics,
      });
    },
  );
  response.once('close', cancel);
}

const server = http.createServer((request, response) => {
  const pathname = request.url.split('?', 1)[0];
  if (request.method === 'GET' && (pathname === '/health' || pathname === '/ready')) {
    return sendJson(response, 200, { status: 'ok' });
  }
  if (request.method !== 'POST' || (pathname !== '/v1/chat' && pathname !== '/v1/chat/stream')) {
    return sendJson(response, 404, { code: 'not_found', message: `No route ${request.method} ${pathname}.` });
  }
  if (!authorized(request.headers)) return sendJson(response, 401, { code: 'unauthorized', message: 'A valid API key is required.' });
  readJson(request, (body) => {
    if (!body) return sendJson(response, 400, { code: 'invalid_request', message: 'Send a JSON body with a non-empty "message".' });
    if (pathname === '/v1/chat') chat(request, response, body);
    else chatStream(request, response, body);
  });
});
server.keepAliveTimeout = 72_000;

const sockets = new WebSocketServer({ noServer: true, maxPayload: bodyLimitBytes });
server.on('upgrade', (request, socket, head) => {
  if (request.url.split('?', 1)[0] !== '/v1/ws/chat' || !authorized(request.headers)) {
    socket.end('HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\n\r\n');
    return;
  }
  sockets.handleUpgrade(request, socket, head, (websocket) => acceptSocket(websocket));
});

function acceptSocket(websocket) {
  const cancels = new Map();
  const send = (frame) => websocket.send(JSON.stringify(frame));
  websocket.on('close', () => {
    for (const cancel of cancels.values()) cancel();
  });
  websocket.on('message', (data) => {
    let frame;
    try {
      frame = JSON.parse(data.toString());
    } catch {
      return send({ event: 'error', code: 'malformed_json', message: 'The frame is not valid JSON.', retryable: false });
    }
    if (frame.type === 'ping') return send({ event: 'pong', timestamp: Date.now() });
    if (typeof frame.message !== 'string' || frame.message.length === 0) {
      return send({ event: 'error', request_id: frame.request_id, code: 'invalid_request', message: 'message is required.', retryable: false });
    }
    const requestId = frame.request_id ?? randomUUID();
    const sessionId = frame.session_id ?? randomUUID();
    let seq = 0;
    send({ event: 'start', request_id: requestId, seq: seq++, session_id: sessionId, model: 'simulator' });
    const cancel = streamReply(
      frame,
      (token) => send({ event: 'message', request_id: requestId, seq: seq++, content: token }),
      (done) => {
        cancels.delete(requestId);
        send({ event: 'done', request_id: requestId, seq: seq++, ...done });
      },
    );
    cancels.set(requestId, cancel);
  });
  send({ event: 'connected', connection_id: randomUUID(), heartbeat_interval_ms: 0 });
}

server.listen(port, host, () => {
  const address = server.address();
  if (process.env.BENCH_QUIET !== '1') process.stdout.write(`bare server on http://${host}:${address.port}\n`);
});

const stop = () => {
  for (const websocket of sockets.clients) websocket.terminate();
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
