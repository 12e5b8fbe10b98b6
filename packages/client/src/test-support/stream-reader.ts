import type { ChatStream, ChatStreamEvent } from '../index.js';

/**
 * Reads a chat stream a step at a time, so that a test can act mid-stream (cut a connection) and read
 * on. It never calls the iterator's `return()`, which would cancel the request as leaving a loop does.
 */
export class StreamReader {
  readonly events: ChatStreamEvent[] = [];
  private readonly iterator: AsyncIterator<ChatStreamEvent>;

  constructor(stream: ChatStream) {
    this.iterator = stream[Symbol.asyncIterator]();
  }

  /** Deltas read so far. */
  get deltaCount(): number {
    return this.events.filter((event) => event.type === 'delta').length;
  }

  /** Reads until an event matches (it is returned); throws if the stream ends first. */
  async until(matches: (event: ChatStreamEvent) => boolean): Promise<ChatStreamEvent> {
    for (let next = await this.iterator.next(); !next.done; next = await this.iterator.next()) {
      this.events.push(next.value);
      if (matches(next.value)) return next.value;
    }
    throw new Error(`The stream ended first, after ${this.events.map((event) => event.type).join(', ')}.`);
  }

  /** Reads until `count` deltas have been read in all. */
  async deltas(count: number): Promise<void> {
    if (this.deltaCount >= count) return;
    await this.until(() => this.deltaCount >= count);
  }

  /** Reads the rest of the stream; returns every event read. */
  async toEnd(): Promise<ChatStreamEvent[]> {
    for (let next = await this.iterator.next(); !next.done; next = await this.iterator.next()) this.events.push(next.value);
    return this.events;
  }
}
