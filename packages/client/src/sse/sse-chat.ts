import { toWireBody, type ChatRequest } from '../chat/chat-request.js';
import type { ChatStreamController } from '../chat/chat-stream.js';
import { StreamGateError } from '../errors/streamgate-error.js';
import type { HttpClient, HttpRequest } from '../http/http-client.js';
import { asStreamGateError } from '../rest/rest-chat.js';
import { backoffDelay, type ResolvedReconnectOptions } from '../websocket/backoff.js';
import { readEventStream, type BodyOutcome, type StreamPosition } from './read-event-stream.js';

/**
 * `POST /v1/chat/stream`, read with `fetch` (EventSource cannot POST a body or send headers).
 * Errors before the stream starts are the gateway's JSON errors. Once the gateway has answered, the
 * request runs on its own there: a body that breaks or ends without `done` or `error` is picked up
 * again with `GET /v1/chat/stream/{id}` and `Last-Event-ID` (with backoff, `resume.maxAttempts`
 * times in a row at most), or without `resume` ends as `connection_lost` (retryable).
 */
export function chatOverSse(http: HttpClient, request: ChatRequest, controller: ChatStreamController, resume: ResolvedReconnectOptions | undefined): void {
  if (controller.ended) return;
  const chat = new SseChat(http, controller, resume);
  chat.run(request).catch((error: unknown) => controller.fail(asStreamGateError(error, controller.requestId)));
}

class SseChat {
  /** Aborted by a cancel: ends the fetch in progress and the wait before the next. */
  private readonly cancelled = new AbortController();
  /** The fetch in progress: aborted by a cancel or `dropConnection()`. */
  private connection = new AbortController();
  private reading = false;
  private readonly position: StreamPosition = { lastSeq: -1, taken: 0, unnumbered: false };

  constructor(
    private readonly http: HttpClient,
    private readonly controller: ChatStreamController,
    private readonly resume: ResolvedReconnectOptions | undefined,
  ) {
    const { requestId } = controller;
    controller.onCancel(() => {
      // Closing the connection alone would leave the model running for the gateway's resume grace:
      // say "cancel" first, then hang up.
      http
        .send({ method: 'POST', path: `/v1/requests/${encodeURIComponent(requestId)}/cancel`, requestId })
        .then((response) => response.body?.cancel())
        .catch(() => undefined);
      this.cancelled.abort();
      this.connection.abort();
    });
    controller.onDrop(() => {
      if (this.reading) this.connection.abort();
    });
  }

  async run(request: ChatRequest): Promise<void> {
    const { controller } = this;
    let response = await this.open({ method: 'POST', path: '/v1/chat/stream', body: toWireBody(request) });
    let failures = 0;
    for (;;) {
      const takenBefore = this.position.taken;
      const outcome = await this.read(response);
      if (controller.ended) return;
      if (this.position.taken > takenBefore) failures = 0;
      const lost = lostError(outcome, controller.requestId);
      // Without event ids, a resume could only start over and repeat the text.
      if (!this.resume || this.position.unnumbered) throw lost;
      let lastFailure: StreamGateError = lost;
      for (;;) {
        if (failures >= this.resume.maxAttempts) throw gaveUp(lost, failures, lastFailure);
        await this.wait(Math.max(backoffDelay(failures, this.resume), lastFailure.retryAfterMs ?? 0));
        failures++;
        if (controller.ended) return;
        try {
          response = await this.open({ method: 'GET', path: `/v1/chat/stream/${encodeURIComponent(controller.requestId)}`, headers: this.lastEventId() });
          break;
        } catch (error) {
          if (controller.ended) return;
          // The gateway's refusal (stream_not_found, stream_gap, a refused key) ends the stream with it.
          if (!(error instanceof StreamGateError) || !error.retryable) throw error;
          lastFailure = error;
        }
      }
      controller.resumed('sse', replayedOf(response));
    }
  }

  /** Sends one request of the stream (the POST, or a resume) and checks that an event stream came back. */
  private async open(request: Omit<HttpRequest, 'requestId' | 'accept' | 'signal'>): Promise<Response> {
    const { requestId } = this.controller;
    this.connection = new AbortController();
    const response = await this.http.send({ ...request, requestId, accept: 'text/event-stream', signal: this.connection.signal });
    if (!response.body || !(response.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
      void response.body?.cancel().catch(() => undefined);
      throw new StreamGateError('invalid_response', 'The gateway did not answer with an event stream.', { status: response.status, requestId });
    }
    return response;
  }

  private async read(response: Response): Promise<BodyOutcome> {
    this.reading = true;
    try {
      return await readEventStream(response.body!, this.controller, this.position);
    } finally {
      this.reading = false;
    }
  }

  private lastEventId(): Record<string, string> {
    const { lastSeq } = this.position;
    return lastSeq < 0 ? {} : { 'last-event-id': `${this.controller.requestId}:${lastSeq}` };
  }

  /** Waits before the next attempt; a cancel ends the wait at once. */
  private wait(delayMs: number): Promise<void> {
    const { signal } = this.cancelled;
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, delayMs);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

function lostError(outcome: BodyOutcome, requestId: string): StreamGateError {
  if (outcome.broken) {
    return new StreamGateError('connection_lost', 'The event stream broke before the reply was complete.', { requestId, cause: outcome.cause });
  }
  return new StreamGateError('connection_lost', 'The event stream ended before the reply was complete.', { requestId });
}

function gaveUp(lost: StreamGateError, attempts: number, lastFailure: StreamGateError): StreamGateError {
  if (attempts === 0) return lost;
  return new StreamGateError('connection_lost', `${lost.message.slice(0, -1)} and could not be resumed in ${attempts} attempts: ${lastFailure.message}`, {
    requestId: lost.requestId,
    cause: lastFailure,
  });
}

/** The gateway's `x-replayed-events`; null when it is absent or unreadable (a cross-origin response that does not expose it). */
function replayedOf(response: Response): number | null {
  const header = response.headers.get('x-replayed-events');
  const replayed = header === null ? Number.NaN : Number(header);
  return Number.isInteger(replayed) && replayed >= 0 ? replayed : null;
}
