import http from 'node:http';
import https from 'node:https';
import { openAiCompatibleError, openAiCompatibleHttpError } from './openai-compatible-error.js';

export interface OpenAiCompatibleServer {
  /** Base URL up to the version, e.g. `http://127.0.0.1:8000/v1`. */
  baseUrl: string;
  apiKey?: string;
  /** Extra headers for every request (an organization, a gateway's own key header). */
  headers?: Readonly<Record<string, string>>;
  /** Name used in error messages and logs. */
  name: string;
}

/** An upstream's answer: its status, and its body as the bytes arrive. */
export interface UpstreamResponse {
  status: number;
  ok: boolean;
  body: AsyncIterable<Uint8Array>;
}

const MAX_ERROR_BODY = 64 * 1024;

// Connections to upstreams are kept open between requests, whatever the Node version's global default.
const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };

/**
 * `POST {baseUrl}{path}` with a JSON body; a non-2xx answer is thrown as a GatewayError.
 *
 * node:http rather than `fetch`: this is on the path of every chat request, and fetch's WHATWG
 * layers (Request, Headers, web streams, a transferable AbortSignal) cost about as much CPU per
 * request as the rest of the gateway (see docs/benchmarks.md). The abort signal still ends the call at once.
 */
export async function postJson(server: OpenAiCompatibleServer, path: string, body: unknown, signal: AbortSignal, accept = 'application/json'): Promise<UpstreamResponse> {
  const url = new URL(`${server.baseUrl.replace(/\/+$/, '')}${path}`);
  const payload = Buffer.from(JSON.stringify(body));
  let response: http.IncomingMessage;
  try {
    response = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const request = (url.protocol === 'https:' ? https : http).request(url, {
        method: 'POST',
        agent: url.protocol === 'https:' ? agents['https:'] : agents['http:'],
        headers: {
          'content-type': 'application/json',
          'content-length': payload.length,
          accept,
          ...(server.apiKey ? { authorization: `Bearer ${server.apiKey}` } : {}),
          ...server.headers,
        },
        signal,
      });
      request.once('response', resolve);
      request.once('error', reject);
      request.end(payload);
    });
  } catch (error) {
    throw openAiCompatibleError(error, server.name);
  }
  const status = response.statusCode ?? 0;
  const answer: UpstreamResponse = { status, ok: status >= 200 && status < 300, body: response };
  if (!answer.ok) throw openAiCompatibleHttpError(status, await readText(answer, MAX_ERROR_BODY), server.name);
  return answer;
}

/** A body's text, up to `limit` bytes (the rest is dropped, the connection released). */
export async function readText(response: UpstreamResponse, limit: number): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body) {
      chunks.push(chunk);
      size += chunk.byteLength;
      if (size >= limit) break;
    }
  } catch {
    // A body cut short still says what it managed to.
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, limit);
}
