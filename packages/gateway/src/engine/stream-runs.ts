import { GatewayError } from '../errors.js';
import type { RetainedEvent, StreamRetention } from '../stores/streams/stream-retention.js';
import type { ChatStream } from './chat-engine.js';
import type { Caller } from './chat-request.js';
import { retentionId, StreamRun } from './stream-run.js';

/**
 * What instances sharing a retention store tell each other (Redis): that a client follows a stream
 * from elsewhere (so its owner does not give up on it at the end of the grace), and cancels.
 */
export interface RunCoordination {
  /** Marks `requestId` as followed from this instance until the returned function is called. */
  following(requestId: string): () => void;
  isFollowedElsewhere(requestId: string): Promise<boolean>;
  /** Asks whichever instance runs `requestId` to cancel it. */
  requestCancel(requestId: string): Promise<void>;
  /** Called with each request id some instance asked to cancel. */
  onCancel(listener: (requestId: string) => void): void;
  close(): Promise<void>;
}

export interface StreamRunsOptions {
  retention: StreamRetention;
  graceMs: number;
  windowEvents: number;
  coordination?: RunCoordination;
}

/** A resume that was accepted: its ids and its events (those after the position asked for, then live). */
export interface Resumption {
  requestId: string;
  /** Events the client will receive before the live ones (for the SDK's `resumed` event). */
  replayed: number;
  events: AsyncIterable<RetainedEvent>;
}

/** How long a follower of a stream running on another instance waits for news before it looks again. */
const REMOTE_WAIT_MS = 5_000;
const REMOTE_BATCH = 256;

/**
 * The streamed requests of this instance, and resuming any retained stream: one that runs here is
 * followed live from memory; one that ran or runs elsewhere (shared retention) is read from the
 * store and followed as it grows.
 */
export class StreamRuns {
  private readonly runs = new Map<string, StreamRun>();
  /** Every follower's own signal, so that a draining instance can let go of its clients at once. */
  private readonly followers = new Set<AbortController>();

  constructor(private readonly options: StreamRunsOptions) {
    options.coordination?.onCancel((id) => this.runs.get(id)?.cancel(new GatewayError('cancelled', 'Cancelled by the client.')));
  }

  get retention(): StreamRetention {
    return this.options.retention;
  }

  get activeCount(): number {
    return this.runs.size;
  }

  /** Runs an admitted stream on its own; `controller` is the one whose signal the engine's model call follows. */
  start(stream: ChatStream, controller: AbortController, caller: Caller, background: boolean): StreamRun {
    const { coordination } = this.options;
    const id = retentionId(caller.keyId, stream.requestId);
    const run = new StreamRun(stream, controller, caller.keyId, {
      retention: this.options.retention,
      retentionId: id,
      graceMs: this.options.graceMs,
      background,
      windowEvents: this.options.windowEvents,
      ...(coordination ? { isFollowedElsewhere: (requestId: string) => coordination.isFollowedElsewhere(requestId) } : {}),
    });
    this.runs.set(id, run);
    void run.finished.finally(() => {
      if (this.runs.get(id) === run) this.runs.delete(id);
    });
    return run;
  }

  /** Follows a run of this instance from `afterSeq`, as a client of this instance's drain. */
  follow(run: StreamRun, afterSeq: number, signal: AbortSignal): AsyncIterable<RetainedEvent> {
    return this.tracked(signal, (own) => run.follow(afterSeq, own));
  }

  /**
   * Checks that `caller` may resume `requestId` from `afterSeq` (-1: from the start), then returns its
   * events. Throws `stream_not_found` (unknown, another key's, or expired), `stream_gap` (the events
   * after `afterSeq` are no longer all retained) or `invalid_request` (a position past the last event).
   */
  async resume(requestId: string, caller: Caller, afterSeq: number, signal: AbortSignal): Promise<Resumption> {
    const id = retentionId(caller.keyId, requestId);
    const run = this.runs.get(id);
    if (run) {
      if (afterSeq > run.lastSeq) throw pastTheEnd(requestId, afterSeq, run.lastSeq);
      if (afterSeq + 1 < run.windowStart) {
        // Said before the stream starts (an HTTP error), not found part-way.
        const retained = await this.options.retention.read(id, afterSeq, 0);
        if (!retained || retained.firstSeq > afterSeq + 1) throw gap(requestId, afterSeq, retained?.firstSeq);
      }
      return { requestId, replayed: run.lastSeq - afterSeq, events: this.follow(run, afterSeq, signal) };
    }
    const retained = await this.options.retention.read(id, afterSeq, REMOTE_BATCH);
    if (!retained || retained.header.ownerKeyId !== caller.keyId) throw notFound(requestId);
    if (afterSeq >= retained.nextSeq) throw pastTheEnd(requestId, afterSeq, retained.nextSeq - 1);
    if (afterSeq + 1 < retained.firstSeq) throw gap(requestId, afterSeq, retained.firstSeq);
    return { requestId, replayed: retained.nextSeq - 1 - afterSeq, events: this.tracked(signal, (own) => this.followRetained(id, requestId, afterSeq, own)) };
  }

  /** What is retained of `caller`'s request (status, text and usage are rebuilt from it), or undefined. */
  retained(requestId: string, caller: Caller, limit: number): ReturnType<StreamRetention['read']> {
    return this.options.retention.read(retentionId(caller.keyId, requestId), -1, limit);
  }

  /** Cancels a run of this instance, or asks the instance that runs it. False when no such run is known for this key. */
  async cancel(requestId: string, caller: Caller): Promise<boolean> {
    const id = retentionId(caller.keyId, requestId);
    const run = this.runs.get(id);
    if (run) {
      run.cancel(new GatewayError('cancelled', 'Cancelled by the client.'));
      return true;
    }
    const { coordination } = this.options;
    if (!coordination) return false;
    const retained = await this.options.retention.read(id, -1, 0);
    if (!retained || retained.header.ownerKeyId !== caller.keyId || retained.ended) return false;
    await coordination.requestCancel(id);
    return true;
  }

  /** Lets go of every client at once (they resume elsewhere); the runs go on. */
  disconnectFollowers(): void {
    for (const controller of this.followers) controller.abort(new GatewayError('shutting_down'));
  }

  /** Waits (up to `timeoutMs`) for every run of this instance to end. */
  async waitForRuns(timeoutMs: number): Promise<boolean> {
    if (this.runs.size === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const all = Promise.all([...this.runs.values()].map((run) => run.finished)).then(() => true);
    const result = await Promise.race([all, deadline]);
    clearTimeout(timer);
    return result;
  }

  private async *tracked(signal: AbortSignal, events: (signal: AbortSignal) => AsyncIterable<RetainedEvent>): AsyncGenerator<RetainedEvent> {
    const own = new AbortController();
    const forward = () => own.abort(signal.reason);
    if (signal.aborted) forward();
    else signal.addEventListener('abort', forward, { once: true });
    this.followers.add(own);
    try {
      yield* events(own.signal);
    } finally {
      signal.removeEventListener('abort', forward);
      this.followers.delete(own);
    }
  }

  /** A stream that is not running here: what the store holds, then what it gains, until its last event. */
  private async *followRetained(id: string, requestId: string, afterSeq: number, signal: AbortSignal): AsyncGenerator<RetainedEvent> {
    const stopFollowing = this.options.coordination?.following(id);
    let position = afterSeq;
    try {
      while (!signal.aborted) {
        const retained = await this.options.retention.read(id, position, REMOTE_BATCH);
        if (!retained) throw notFound(requestId);
        if (position + 1 < retained.firstSeq) throw new GatewayError('stream_gap', `Events after ${position} of request ${requestId} were trimmed before they could be sent.`);
        for (const entry of retained.events) {
          yield entry;
          position = entry.seq;
        }
        if (retained.events.length > 0) continue;
        if (retained.ended) return;
        await this.options.retention.waitForMore(id, position, REMOTE_WAIT_MS, signal);
      }
    } finally {
      stopFollowing?.();
    }
  }
}

function notFound(requestId: string): GatewayError {
  return new GatewayError('stream_not_found', `No retained stream "${requestId}" belongs to this key: it never existed here, belongs to another key, or its retention ended.`);
}

function gap(requestId: string, afterSeq: number, firstSeq: number | undefined): GatewayError {
  return new GatewayError('stream_gap', `Events after ${afterSeq} of request ${requestId} are no longer retained (the oldest kept is ${firstSeq ?? 'none'}).`);
}

function pastTheEnd(requestId: string, afterSeq: number, lastSeq: number): GatewayError {
  return new GatewayError('invalid_request', `Position ${afterSeq} is past the last event of request ${requestId} (${lastSeq}).`, {
    details: [{ path: 'after_seq', message: `at most ${lastSeq}` }],
  });
}
