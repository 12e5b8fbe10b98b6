import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RunCoordination } from '../../engine/stream-runs.js';

/** A follower's mark lives this long and is renewed three times within it. */
const FOLLOWING_TTL_MS = 15_000;
const CANCEL_CHANNEL = 'streamgate:stream-cancel';

/**
 * What instances sharing Redis tell each other about streams: a follower on another instance renews a
 * short-lived mark (`SET ... PX`), which the owner reads before it gives up on a stream at the end of
 * the resume grace; a cancel is published on one channel that every instance subscribes to.
 */
export class RedisRunCoordination implements RunCoordination {
  private readonly instance = randomUUID();
  private readonly subscriber: Redis;
  private readonly listeners: ((id: string) => void)[] = [];
  private readonly marks = new Set<NodeJS.Timeout>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'streamgate:stream:',
  ) {
    // Subscribed from the start, so a cancel from another instance reaches a run of this one.
    this.subscriber = redis.duplicate({ lazyConnect: true, enableOfflineQueue: true, commandTimeout: undefined });
    this.subscriber.on('message', (_channel: string, id: string) => this.listeners.forEach((listener) => listener(id)));
    this.subscriber.on('error', () => undefined);
    void this.subscriber
      .connect()
      .then(() => this.subscriber.subscribe(CANCEL_CHANNEL))
      .catch(() => undefined);
  }

  private followedKey(id: string): string {
    return `${this.prefix}{${id}}:followed`;
  }

  following(id: string): () => void {
    const mark = () => void this.redis.set(this.followedKey(id), this.instance, 'PX', FOLLOWING_TTL_MS).catch(() => undefined);
    mark();
    const timer = setInterval(mark, FOLLOWING_TTL_MS / 3);
    timer.unref();
    this.marks.add(timer);
    return () => {
      clearInterval(timer);
      this.marks.delete(timer);
    };
  }

  async isFollowedElsewhere(id: string): Promise<boolean> {
    return (await this.redis.exists(this.followedKey(id))) === 1;
  }

  async requestCancel(id: string): Promise<void> {
    await this.redis.publish(CANCEL_CHANNEL, id);
  }

  onCancel(listener: (id: string) => void): void {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {
    for (const timer of this.marks) clearInterval(timer);
    this.marks.clear();
    this.subscriber.disconnect();
  }
}
