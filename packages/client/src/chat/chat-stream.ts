import type { StartEvent, StreamEvent } from '@streamgate/protocol';
import { abortError, StreamGateError } from '../errors/streamgate-error.js';
import type { ClientMetrics } from '../metrics/client-metrics.js';
import { MetricsRecorder } from '../metrics/metrics-recorder.js';
import { EventQueue } from '../shared/event-queue.js';
import { createRequestId } from '../shared/request-id.js';
import type { ChatRequest, Transport } from './chat-request.js';
import type { ChatResult } from './chat-result.js';
import type { ChatStreamEvent, ResumedEvent } from './chat-stream-event.js';

/**
 * One chat request in flight, over any transport: an async iterable of its events, plus the
 * outcome as a promise. The request is already on its way when you get this object; iterating is
 * optional (events are kept until read), and leaving a `for await` loop early cancels the request.
 *
 * @example
 * ```ts
 * const stream = client.stream({ message: 'Hello', transport: 'sse' }, { signal });
 * for await (const event of stream) {
 *   if (event.type === 'delta') render(event.text);
 * }
 * const result = await stream.result; // never rejects
 * if (result.status === 'failed') showError(result.error, result.text);
 * console.log(result.metrics.ttftMs, result.metrics.chunkCount);
 * ```
 */
export interface ChatStream extends AsyncIterable<ChatStreamEvent> {
  readonly requestId: string;
  readonly transport: Transport;
  /** Resolves once the stream has ended, however it ended. Never rejects. */
  readonly result: Promise<ChatResult>;
  /** The client's measurements so far (final once `result` resolves). */
  readonly metrics: ClientMetrics;
  /**
   * Breaks the connection the reply streams on, as a network failure would, to try out resuming
   * (the web app's comparison does): SSE aborts its fetch, WebSocket drops its socket (and with it
   * every request the socket carries). The client then resumes as after a real drop. Does nothing
   * before the reply has started streaming, after it has ended, or over REST.
   */
  dropConnection(): void;
}

/**
 * The transport-facing side of a ChatStream: transports push what the gateway sends, or fail it;
 * this class keeps the text, the metrics, the single terminal event and the cancellation.
 */
export class ChatStreamController {
  readonly stream: ChatStream;
  private readonly recorder = new MetricsRecorder();
  private readonly queue: EventQueue<ChatStreamEvent>;
  private readonly texts: string[] = [];
  private readonly cancelHandlers: (() => void)[] = [];
  private dropHandler: (() => void) | undefined;
  private started: StartEvent | undefined;
  private resolveResult!: (result: ChatResult) => void;
  private finished = false;
  private readonly abortListener = () => this.cancel();

  constructor(
    readonly requestId: string,
    readonly transport: Transport,
    private readonly signal?: AbortSignal,
  ) {
    this.queue = new EventQueue(() => this.cancel());
    const result = new Promise<ChatResult>((resolve) => (this.resolveResult = resolve));
    const recorder = this.recorder;
    const queue = this.queue;
    this.stream = {
      requestId,
      transport,
      result,
      get metrics() {
        return recorder.snapshot();
      },
      dropConnection: () => {
        if (!this.finished) this.dropHandler?.();
      },
      [Symbol.asyncIterator]: () => queue[Symbol.asyncIterator](),
    };
    if (signal?.aborted) this.cancel();
    else signal?.addEventListener('abort', this.abortListener, { once: true });
  }

  /** True once the stream has its outcome: transports stop reading and sending. */
  get ended(): boolean {
    return this.finished;
  }

  /** Runs when the client cancels, so that the transport can tell the gateway (or abort its fetch). */
  onCancel(handler: () => void): void {
    this.cancelHandlers.push(handler);
  }

  /** What `stream.dropConnection()` does on this transport. */
  onDrop(handler: () => void): void {
    this.dropHandler = handler;
  }

  /** The transport picked the stream up again after a lost connection; the events that follow continue it. */
  resumed(transport: ResumedEvent['transport'], replayed: number | null): void {
    if (!this.finished) this.queue.push({ type: 'resumed', transport, replayed });
  }

  /** An event from the gateway. `done` and `error` end the stream. */
  push(event: StreamEvent): void {
    if (this.finished) return;
    switch (event.type) {
      case 'start':
        this.started = event;
        this.queue.push(event);
        return;
      case 'delta':
        this.texts.push(event.text);
        this.recorder.chunk(event.text.length);
        this.queue.push(event);
        return;
      case 'trace':
        this.queue.push(event);
        return;
      case 'done':
        this.recorder.finish(event.usage.outputTokens);
        this.queue.push(event);
        this.end({
          status: 'complete',
          ...this.base(),
          sessionId: this.started?.sessionId ?? '',
          model: this.started?.model ?? '',
          stopReason: event.stopReason,
          usage: event.usage,
          serverMetrics: event.metrics,
        });
        return;
      case 'error':
        this.fail(
          new StreamGateError(event.code, event.message, {
            retryable: event.retryable,
            requestId: this.requestId,
            ...(event.retryAfterMs !== undefined ? { retryAfterMs: event.retryAfterMs } : {}),
          }),
        );
    }
  }

  /** Ends the stream with an error event; what was received stays in the result. */
  fail(error: StreamGateError): void {
    if (this.finished) return;
    this.recorder.finish();
    this.queue.push({ type: 'error', code: error.code, message: error.message, retryable: error.retryable, error });
    const status = error.code === 'cancelled' ? 'cancelled' : 'failed';
    this.end({ status, ...this.base(), error });
  }

  /** The client gave up on the request (its signal fired, or the reader left the loop). */
  cancel(): void {
    if (this.finished) return;
    for (const handler of this.cancelHandlers) handler();
    this.fail(abortError(this.signal, this.requestId));
  }

  private base() {
    return {
      transport: this.transport,
      requestId: this.requestId,
      sessionId: this.started?.sessionId,
      model: this.started?.model,
      text: this.texts.join(''),
      metrics: this.recorder.snapshot(),
    };
  }

  private end(result: ChatResult): void {
    this.finished = true;
    this.signal?.removeEventListener('abort', this.abortListener);
    this.queue.end();
    this.resolveResult(result);
  }
}

/** The gateway's rule for request ids (REQUEST_ID_PATTERN in @streamgate/protocol, whose runtime pulls in zod). */
const REQUEST_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * The controller for a new request, with its id: the caller's, checked here (over HTTP the gateway
 * would silently replace a malformed one), or a fresh one.
 */
export function openChatStream(request: ChatRequest, transport: Transport, signal: AbortSignal | undefined): ChatStreamController {
  const requestId = request.requestId ?? createRequestId();
  const controller = new ChatStreamController(requestId, transport, signal);
  if (!REQUEST_ID_PATTERN.test(requestId)) {
    controller.fail(new StreamGateError('invalid_request', 'requestId must be 1-128 characters of A-Z, a-z, 0-9, "-" or "_".', { requestId, retryable: false }));
  }
  return controller;
}
