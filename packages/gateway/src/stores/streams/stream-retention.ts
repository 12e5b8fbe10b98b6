import type { StreamEvent } from '@streamgate/protocol';

/** One event of a request's stream with its position (`start` is 0). */
export interface RetainedEvent {
  seq: number;
  event: StreamEvent;
}

/** Who a retained stream belongs to and how it runs. */
export interface StreamHeader {
  /** The key that started the request: the only one that may resume it. */
  ownerKeyId: string;
  /** Runs to the end with nobody connected. */
  background: boolean;
  /**
   * SHA-256 (hex) of the stream's resume token: a secret given to the client that started it, which lets
   * a browser's `EventSource` (which cannot send headers) resume this one stream, and nothing else.
   */
  resumeTokenHash: string;
}

/** What is retained of a request: events after the position asked for, and where the retained range starts. */
export interface RetainedStream {
  header: StreamHeader;
  /** The lowest seq still retained (0 unless the stream outgrew the per-stream cap). */
  firstSeq: number;
  /** The seq the next event will have: one past the last retained. */
  nextSeq: number;
  /** The request has ended: its last event (`done` or `error`) is retained. */
  ended: boolean;
  events: RetainedEvent[];
}

/**
 * Where streamed requests' events are kept while they run and for a while after they end, so that a
 * client can resume: in this process (`memory`, bounded) or in Redis Streams (shared by every instance).
 * Appends are fire-and-forget: a store that writes somewhere slow batches them in the background, so
 * retention stays off the stream's hot path.
 */
export interface StreamRetention {
  /** True when every instance sees the same streams (Redis): a resume may reach any of them. */
  readonly shared: boolean;
  open(requestId: string, header: StreamHeader): void;
  append(requestId: string, entry: RetainedEvent): void;
  /** The request ended (its last event appended): kept for the retention period from now. */
  end(requestId: string): void;
  /** Events with seq > `afterSeq`, at most `limit`; undefined when nothing is retained under this id. */
  read(requestId: string, afterSeq: number, limit: number): Promise<RetainedStream | undefined>;
  /**
   * Resolves once events after `afterSeq` may exist or the stream may have ended (or `signal` fires, or
   * `timeoutMs` passes): for following a stream that runs on another instance.
   */
  waitForMore(requestId: string, afterSeq: number, timeoutMs: number, signal: AbortSignal): Promise<void>;
  /** Writes out what is pending (shutdown, tests). */
  flush(): Promise<void>;
  close(): Promise<void>;
}
