import { errorFromResponse } from '../errors/error-from-response.js';
import { abortError, StreamGateError } from '../errors/streamgate-error.js';
import { parseJson } from '../shared/validate.js';

/** A value, or a function giving it (perhaps asynchronously), asked afresh for each request. */
export type Provider<T> = T | (() => T | Promise<T>);

export async function resolveProvider<T>(provider: Provider<T>): Promise<T> {
  return typeof provider === 'function' ? await (provider as () => T | Promise<T>)() : provider;
}

export interface HttpClientOptions {
  /** The gateway's origin (and path prefix, if any), e.g. `https://chat.example.com`; `''` means this page's origin. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <key>`; a function is asked before every request (to refresh a token). */
  apiKey?: Provider<string>;
  /** Extra headers for every request. */
  headers?: Record<string, string>;
  /** A `fetch` to use instead of the global one. */
  fetch?: typeof fetch;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  requestId: string;
  body?: unknown;
  accept?: string;
  /** Headers of this request only (`Last-Event-ID` for a resume). */
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** The HTTP half of the client: the base URL, the credentials, and fetch with StreamGate's errors. */
export class HttpClient {
  readonly baseUrl: string;

  constructor(private readonly options: HttpClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  /** The headers that authenticate a request: for fetch, and for WebSocket upgrades where headers are possible. */
  async authHeaders(): Promise<Record<string, string>> {
    const headers: Record<string, string> = { ...this.options.headers };
    if (this.options.apiKey !== undefined) headers.authorization = `Bearer ${await resolveProvider(this.options.apiKey)}`;
    return headers;
  }

  /**
   * Sends a request and returns the response when it is a 2xx. Throws a StreamGateError otherwise:
   * the gateway's error, `network_error` when it cannot be reached, `cancelled` or `timeout` on abort.
   */
  async send(request: HttpRequest): Promise<Response> {
    const headers: Record<string, string> = {
      ...(await this.authHeaders()),
      ...request.headers,
      accept: request.accept ?? 'application/json',
      // The gateway adopts a well-formed X-Request-Id, so the id is known before the reply starts.
      'x-request-id': request.requestId,
    };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    const fetchFunction = this.options.fetch ?? globalThis.fetch;
    let response: Response;
    try {
      response = await fetchFunction(`${this.baseUrl}${request.path}`, {
        method: request.method,
        headers,
        ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
        ...(request.signal ? { signal: request.signal } : {}),
      });
    } catch (error) {
      if (request.signal?.aborted) throw abortError(request.signal, request.requestId);
      throw new StreamGateError('network_error', `The gateway at ${this.baseUrl || 'this origin'} could not be reached.`, {
        requestId: request.requestId,
        cause: error,
      });
    }
    if (!response.ok) throw await errorFromResponse(response, request.requestId);
    return response;
  }

  /** Sends a request and reads its JSON body with `read`, which returns undefined for a body of the wrong shape. */
  async json<T>(request: HttpRequest, read: (body: unknown) => T | undefined): Promise<T> {
    const response = await this.send(request);
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      if (request.signal?.aborted) throw abortError(request.signal, request.requestId);
      throw new StreamGateError('connection_lost', 'The connection broke while the response was being read.', {
        requestId: request.requestId,
        cause: error,
      });
    }
    const parsed = parseJson(text);
    const value = parsed.ok ? read(parsed.value) : undefined;
    if (value === undefined) {
      throw new StreamGateError('invalid_response', `Unexpected response body from ${request.method} ${request.path}.`, {
        status: response.status,
        requestId: request.requestId,
      });
    }
    return value;
  }
}
