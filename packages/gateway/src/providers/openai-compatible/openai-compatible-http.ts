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

const MAX_ERROR_BODY = 64 * 1024;

/** `POST {baseUrl}{path}` with a JSON body; a non-2xx answer is thrown as a GatewayError. */
export async function postJson(server: OpenAiCompatibleServer, path: string, body: unknown, signal: AbortSignal, accept = 'application/json'): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(`${server.baseUrl.replace(/\/+$/, '')}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept,
        ...(server.apiKey ? { authorization: `Bearer ${server.apiKey}` } : {}),
        ...server.headers,
      },
      body: JSON.stringify(body),
      signal,
    });
  } catch (error) {
    throw openAiCompatibleError(error, server.name);
  }
  if (!response.ok) throw openAiCompatibleHttpError(response.status, await readText(response, MAX_ERROR_BODY), server.name);
  return response;
}

/** A body's text, up to `limit` bytes (the rest is dropped, the connection released). */
export async function readText(response: Response, limit: number): Promise<string> {
  if (!response.body) return '';
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
