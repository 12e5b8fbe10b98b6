import type { RetainedStream, StreamRetention } from './stream-retention.js';

/**
 * `STREAM_RETENTION=off`: nothing is kept, so no reply text sits in a store after it was sent. A stream
 * can then be resumed only on the instance that runs it and only within its in-memory window; the
 * resume grace and background runs still work.
 */
export class NoStreamRetention implements StreamRetention {
  readonly shared = false;
  open(): void {}
  append(): void {}
  end(): void {}
  async read(): Promise<RetainedStream | undefined> {
    return undefined;
  }
  async waitForMore(): Promise<void> {}
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}
