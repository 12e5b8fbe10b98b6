/**
 * The mock OpenAI-compatible upstream every variant of the comparison calls: `POST /v1/chat/completions`
 * answers at once, as a whole `chat.completion` or as SSE (a role chunk, TOKENS content chunks each
 * in its own write, a finish chunk, a usage chunk when asked, `[DONE]`). Its own process, loopback only;
 * it tells its port to the parent over IPC (or prints it), and exits on SIGTERM, when its parent goes
 * away, or after `--lifetime-ms`.
 *
 *   node --import tsx bench/openai-compare/mock-upstream.ts --port 0 --tokens 20
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { port: { type: 'string', default: '0' }, tokens: { type: 'string', default: '20' }, 'lifetime-ms': { type: 'string', default: '1800000' } },
});
const tokens = Number(values.tokens);
const CREATED = 1_700_000_000;

const chunk = (delta: string, finishReason: string | null = null) =>
  `data: {"id":"chatcmpl-mock","object":"chat.completion.chunk","created":${CREATED},"model":"mock-model","choices":[{"index":0,"delta":${delta},"logprobs":null,"finish_reason":${finishReason === null ? 'null' : `"${finishReason}"`}}]}\n\n`;
const ROLE_CHUNK = chunk('{"role":"assistant","content":""}');
const TOKEN_CHUNKS = Array.from({ length: tokens }, (_, index) => chunk(`{"content":"tok${index} "}`));
const FINISH_CHUNK = chunk('{}', 'stop');
const USAGE_CHUNK = `data: {"id":"chatcmpl-mock","object":"chat.completion.chunk","created":${CREATED},"model":"mock-model","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":${tokens},"total_tokens":${12 + tokens}}}\n\n`;
const COMPLETION = JSON.stringify({
  id: 'chatcmpl-mock',
  object: 'chat.completion',
  created: CREATED,
  model: 'mock-model',
  choices: [{ index: 0, message: { role: 'assistant', content: TOKEN_CHUNKS.map((_, index) => `tok${index} `).join('') }, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 12, completion_tokens: tokens, total_tokens: 12 + tokens },
});

function stream(response: http.ServerResponse, includeUsage: boolean): void {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  response.write(ROLE_CHUNK);
  let index = 0;
  // One write per token, each in a later turn of the event loop, so that the caller sees a stream, not one packet.
  const next = () => {
    if (response.destroyed) return;
    if (index < TOKEN_CHUNKS.length) {
      response.write(TOKEN_CHUNKS[index++]);
      setImmediate(next);
      return;
    }
    response.end(`${FINISH_CHUNK}${includeUsage ? USAGE_CHUNK : ''}data: [DONE]\n\n`);
  };
  setImmediate(next);
}

const server = http.createServer((request, response) => {
  if (request.method === 'GET') {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(request.url === '/v1/models' ? '{"object":"list","data":[{"id":"mock-model","object":"model","created":0,"owned_by":"mock"}]}' : '{"status":"ok"}');
    return;
  }
  const chunks: Buffer[] = [];
  request.on('data', (data: Buffer) => chunks.push(data));
  request.on('end', () => {
    let body: { stream?: boolean; stream_options?: { include_usage?: boolean } };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      response.writeHead(400, { 'content-type': 'application/json' });
      response.end('{"error":{"message":"bad JSON","type":"invalid_request_error","param":null,"code":null}}');
      return;
    }
    if (body.stream) stream(response, body.stream_options?.include_usage === true);
    else {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(COMPLETION);
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(values.port), '127.0.0.1', () => {
  const port = (server.address() as AddressInfo).port;
  if (process.send) process.send({ port });
  else process.stdout.write(`${JSON.stringify({ port })}\n`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('disconnect', stop);
setTimeout(() => process.exit(0), Number(values['lifetime-ms'])).unref();
