import { createHash, randomBytes } from 'node:crypto';
import type { StreamEvent } from '@streamgate/protocol';
import { GatewayError } from '../errors.js';
import type { RetainedEvent, StreamRetention } from '../stores/streams/stream-retention.js';
import type { ChatStream } from './chat-engine.js';

export interface StreamRunOptions {
  retention: StreamRetention;
  /** The run's key in the retention store (see `retentionId`): request ids are the clients' and may repeat across keys. */
  retentionId: string;
  /** How long the model call goes on after the last client left; 0: it stops at once. */
  graceMs: number;
  /** Runs to the end with nobody connected. */
  background: boolean;
  /** How far (in events) a connected client may fall behind before the model is held back. */
  windowEvents: number;
  /** Asked when the grace ends: is a client following this stream from another instance? */
  isFollowedElsewhere?: (requestId: string) => Promise<boolean>;
}

interface Follower {
  /** The last seq this client has taken. */
  position: number;
}

/** Events read from the store at once when a client resumes from before the in-memory window. */
const CATCH_UP_BATCH = 256;

/**
 * One streamed request, running on its own: it pulls the engine's events, numbers them (`start` is 0),
 * retains them and hands them to whoever follows, now or after a reconnect. A connected client that
 * falls `windowEvents` behind holds the model back (backpressure, as before); with nobody connected
 * the run goes on for the resume grace (or to the end, in the background) and its events wait in the
 * retention store. No HTTP in here: every transport follows runs the same way.
 */
export class StreamRun {
  readonly requestId: string;
  readonly sessionId: string;
  readonly model: string;
  readonly ownerKeyId: string;
  /** Given only to the client that started the run (in its `start` event): resumes this stream alone, without a key. */
  readonly resumeToken: string;
  /** Resolves once the run has ended and its last event is retained. */
  readonly finished: Promise<void>;
  private window: RetainedEvent[] = [];
  private nextSeq = 0;
  private ended = false;
  private readonly followers = new Set<Follower>();
  private changed = deferred();
  private room = deferred();
  private graceTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly stream: ChatStream,
    private readonly controller: AbortController,
    ownerKeyId: string,
    private readonly options: StreamRunOptions,
  ) {
    this.requestId = stream.requestId;
    this.sessionId = stream.sessionId;
    this.model = stream.model;
    this.ownerKeyId = ownerKeyId;
    this.resumeToken = newResumeToken(ownerKeyId);
    options.retention.open(options.retentionId, { ownerKeyId, background: options.background, resumeTokenHash: hashResumeToken(this.resumeToken) });
    this.finished = this.pump();
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** The lowest seq still in memory: a follower from before it catches up from the retention store. */
  get windowStart(): number {
    return this.window[0]?.seq ?? this.nextSeq;
  }

  /** The seq of the last event so far (-1 before the first). */
  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  get followerCount(): number {
    return this.followers.size;
  }

  /** Stops the model call at once (an explicit cancel, a shutdown). */
  cancel(reason: GatewayError): void {
    this.controller.abort(reason);
  }

  /**
   * The events after `afterSeq` (-1: all), then the live ones until the last. While iterating, this
   * client counts as connected; when the last one stops, the resume grace begins.
   */
  async *follow(afterSeq: number, signal: AbortSignal): AsyncGenerator<RetainedEvent> {
    const follower: Follower = { position: afterSeq };
    this.followers.add(follower);
    clearTimeout(this.graceTimer);
    try {
      while (!signal.aborted) {
        const windowStart = this.window[0]?.seq ?? this.nextSeq;
        if (follower.position + 1 < windowStart) {
          for (const entry of await this.catchUp(follower.position, windowStart)) {
            yield entry;
            follower.position = entry.seq;
          }
          continue;
        }
        const entry = this.window[follower.position + 1 - windowStart];
        if (entry) {
          yield entry;
          follower.position = entry.seq;
          this.room.resolve();
          continue;
        }
        if (this.ended) return;
        await raceAbort(this.changed.promise, signal);
      }
    } finally {
      this.followers.delete(follower);
      this.room.resolve();
      if (this.followers.size === 0) this.startGrace();
    }
  }

  /** Events between `position` and the window, from the retention store; a hole there is a `stream_gap`. */
  private async catchUp(position: number, windowStart: number): Promise<RetainedEvent[]> {
    const retained = await this.options.retention.read(this.options.retentionId, position, CATCH_UP_BATCH);
    if (!retained || retained.firstSeq > position + 1) {
      throw new GatewayError('stream_gap', `Events after ${position} of request ${this.requestId} are no longer retained (the oldest kept is ${retained?.firstSeq ?? 'none'}).`);
    }
    return retained.events.filter((entry) => entry.seq < windowStart);
  }

  private async pump(): Promise<void> {
    try {
      for await (const event of this.stream) {
        this.push(event);
        // A connected client too far behind holds the model back; a cancel or shutdown still gets through.
        while (this.slowestLag() >= this.options.windowEvents && !this.controller.signal.aborted) {
          this.room = deferred();
          await raceAbort(this.room.promise, this.controller.signal);
        }
      }
    } finally {
      this.ended = true;
      clearTimeout(this.graceTimer);
      this.options.retention.end(this.options.retentionId);
      this.changed.resolve();
    }
  }

  /** How many events the slowest connected client has still to take. */
  private slowestLag(): number {
    let lag = 0;
    for (const follower of this.followers) lag = Math.max(lag, this.nextSeq - 1 - follower.position);
    return lag;
  }

  private push(event: StreamEvent): void {
    const entry = { seq: this.nextSeq++, event };
    this.window.push(entry);
    // The window keeps what connected clients may still need: at most twice the bound, trimmed in halves.
    if (this.window.length > 2 * this.options.windowEvents) this.window = this.window.slice(-this.options.windowEvents);
    this.options.retention.append(this.options.retentionId, entry);
    const changed = this.changed;
    this.changed = deferred();
    changed.resolve();
  }

  private startGrace(): void {
    if (this.ended || this.options.background || this.controller.signal.aborted) return;
    const abandon = () => this.controller.abort(new GatewayError('cancelled', 'The client went away and did not resume within the grace period.'));
    if (this.options.graceMs <= 0) {
      abandon();
      return;
    }
    clearTimeout(this.graceTimer);
    this.graceTimer = setTimeout(() => {
      if (this.followers.size > 0 || this.ended) return;
      const elsewhere = this.options.isFollowedElsewhere?.(this.options.retentionId) ?? Promise.resolve(false);
      void elsewhere
        .catch(() => false)
        .then((followed) => {
          if (this.followers.size > 0 || this.ended) return;
          if (followed) this.startGrace();
          else abandon();
        });
    }, this.options.graceMs);
    this.graceTimer.unref();
  }
}

/** How a resume token is kept and compared: its SHA-256, never the token. */
export function hashResumeToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Where a request's events are kept: its id within its owner's, so that two keys' `r1` never meet and
 * another key's resume finds nothing. Opaque and of fixed length, whatever the key id holds.
 */
export function retentionId(ownerKeyId: string, requestId: string): string {
  return createHash('sha256').update(ownerKeyId).update('\n').update(requestId).digest('base64url').slice(0, 32);
}

/** A resume token: the owner's key id (which stream to look in), then a random secret. */
function newResumeToken(ownerKeyId: string): string {
  return `${Buffer.from(ownerKeyId).toString('base64url')}.${randomBytes(24).toString('base64url')}`;
}

/** The owner's key id a resume token names, or undefined when it is not one. */
export function resumeTokenOwner(token: string): string | undefined {
  const dot = token.indexOf('.');
  if (dot <= 0) return undefined;
  const owner = Buffer.from(token.slice(0, dot), 'base64url').toString('utf8');
  return owner.length > 0 && owner.length <= 256 ? owner : undefined;
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

function raceAbort(promise: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done, { once: true });
    void promise.then(done);
  });
}
