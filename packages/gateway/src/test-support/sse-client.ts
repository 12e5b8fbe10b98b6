import { createParser, type EventSourceMessage } from 'eventsource-parser';

export interface SseItem {
  /** `comment` for `: ...` lines, else the event name. */
  kind: 'event' | 'comment';
  event?: string;
  id?: string;
  data?: Record<string, unknown>;
  comment?: string;
  /** performance.now() when the item was parsed. */
  at: number;
}

/**
 * POSTs to an SSE endpoint with fetch and yields each event and comment as it arrives, parsed by
 * eventsource-parser. Non-2xx responses throw with their JSON body attached.
 */
export async function* postSse(url: string, body: unknown, headers: Record<string, string>, signal?: AbortSignal): AsyncGenerator<SseItem> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
  yield* readSse(response);
}

/** GETs an SSE endpoint (a resume) and yields its events and comments, as postSse does. */
export async function* getSse(url: string, headers: Record<string, string>, signal?: AbortSignal): AsyncGenerator<SseItem> {
  yield* readSse(await fetch(url, { headers, ...(signal ? { signal } : {}) }));
}

async function* readSse(response: Response): AsyncGenerator<SseItem> {
  if (!response.ok || !response.body) {
    const error = new Error(`HTTP ${response.status}`) as Error & { status: number; body: unknown };
    error.status = response.status;
    error.body = await response.json();
    throw error;
  }
  const queue: SseItem[] = [];
  const parser = createParser({
    onEvent: (message: EventSourceMessage) =>
      queue.push({ kind: 'event', event: message.event ?? 'message', id: message.id, data: JSON.parse(message.data), at: performance.now() }),
    onComment: (comment) => queue.push({ kind: 'comment', comment: comment.trim(), at: performance.now() }),
  });
  const decoder = new TextDecoder();
  for await (const chunk of response.body) {
    parser.feed(decoder.decode(chunk, { stream: true }));
    while (queue.length > 0) yield queue.shift()!;
  }
}

/** Every event (not comment) of a stream, in order. */
export async function collectSse(url: string, body: unknown, headers: Record<string, string>): Promise<SseItem[]> {
  const items: SseItem[] = [];
  for await (const item of postSse(url, body, headers)) if (item.kind === 'event') items.push(item);
  return items;
}

/** The `seq` of an SSE event, from its `id: <request_id>:<seq>`. */
export const seqOf = (item: { id?: string }): number => Number(item.id!.slice(item.id!.lastIndexOf(':') + 1));

/** The text of the `message` events among `items`. */
export const sseText = (items: readonly { event?: string; data?: Record<string, unknown> }[]): string =>
  items.filter((item) => item.event === 'message').map((item) => item.data!.content as string).join('');

/** Every event (not comment) until the stream ends. */
export async function readEvents(items: AsyncGenerator<SseItem>): Promise<SseItem[]> {
  const seen: SseItem[] = [];
  for await (const item of items) if (item.kind === 'event') seen.push(item);
  return seen;
}

/** Reads events until one with `seq >= stopAfterSeq`, then drops the connection (aborts `controller`). */
export async function readUntilSeq(items: AsyncGenerator<SseItem>, controller: AbortController, stopAfterSeq: number): Promise<SseItem[]> {
  const seen: SseItem[] = [];
  for await (const item of items) {
    if (item.kind !== 'event') continue;
    seen.push(item);
    if (seqOf(item) >= stopAfterSeq) break;
  }
  controller.abort();
  return seen;
}
