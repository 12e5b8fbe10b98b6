import type { SseItem } from './sse-client.js';

/** One SSE event as a test reads it: its name and its parsed data. */
export interface ReceivedEvent {
  event: string;
  data: any;
}

function received(item: SseItem): ReceivedEvent {
  return { event: item.event ?? 'message', data: item.data };
}

/** The text of a stream's `message` events, joined: what a user reads. */
export function replyText(events: readonly ReceivedEvent[]): string {
  return events
    .filter((event) => event.event === 'message')
    .map((event) => String(event.data?.content ?? ''))
    .join('');
}

/** Events only (no heartbeat comments), until the stream ends, at most `limit`. */
export async function eventsOf(stream: AsyncIterable<SseItem>, limit = 10_000): Promise<ReceivedEvent[]> {
  const events: ReceivedEvent[] = [];
  for await (const item of stream) {
    if (item.kind !== 'event') continue;
    events.push(received(item));
    if (events.length > limit) throw new Error(`more than ${limit} events`);
  }
  return events;
}

/** The next event (skipping comments), or undefined at the end. */
export async function nextEvent(stream: AsyncIterator<SseItem>): Promise<ReceivedEvent | undefined> {
  for (let result = await stream.next(); !result.done; result = await stream.next()) {
    if (result.value.kind === 'event') return received(result.value);
  }
  return undefined;
}
