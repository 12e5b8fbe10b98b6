import type { RetainedEvent } from '../stores/streams/stream-retention.js';

/**
 * The events of a run as its starting client sees them: the `start` event carries the resume token
 * (never retained, so no one who resumes later receives it).
 */
export async function* withResumeToken(events: AsyncIterable<RetainedEvent>, resumeToken: string): AsyncGenerator<RetainedEvent> {
  for await (const entry of events) {
    yield entry.event.type === 'start' ? { seq: entry.seq, event: { ...entry.event, resumeToken } } : entry;
  }
}
