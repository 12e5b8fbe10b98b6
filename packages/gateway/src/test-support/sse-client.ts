import { createParser, type EventSourceMessage } from 'eventsource-parser';

export interface ReceivedEvent {
  event: string;
  data: any;
}

/**
 * POSTs a JSON body and reads the Server-Sent Events of the answer as they arrive, with a real
 * socket and a real parser. Every read is bounded by `timeoutMs`; `abort()` hangs up like a browser tab closing.
 */
export async function openSse(url: string, body: unknown, headers: Record<string, string>, timeoutMs = 10_000) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`SSE read timed out after ${timeoutMs} ms`)), timeoutMs);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: controller.signal,
  });
  const queue: ReceivedEvent[] = [];
  const parser = createParser({
    onEvent: (message: EventSourceMessage) => queue.push({ event: message.event ?? 'message', data: JSON.parse(message.data) }),
  });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let ended = false;

  /** The next event, or undefined at the end of the body. */
  const next = async (): Promise<ReceivedEvent | undefined> => {
    while (queue.length === 0 && !ended) {
      const { value, done } = await reader.read();
      if (done) ended = true;
      else parser.feed(decoder.decode(value, { stream: true }));
    }
    return queue.shift();
  };

  /** Every remaining event until the body ends (at most `limit`). */
  const rest = async (limit = 10_000): Promise<ReceivedEvent[]> => {
    const events: ReceivedEvent[] = [];
    for (let event = await next(); event !== undefined; event = await next()) {
      events.push(event);
      if (events.length > limit) throw new Error(`more than ${limit} events`);
    }
    clearTimeout(timer);
    return events;
  };

  return {
    response,
    next,
    rest,
    abort: () => {
      clearTimeout(timer);
      controller.abort();
    },
  };
}

/** The text of `message` events, joined. */
export function textOf(events: readonly ReceivedEvent[]): string {
  return events
    .filter((event) => event.event === 'message')
    .map((event) => event.data.content as string)
    .join('');
}
