import { TextDecoder } from 'node:util';
import { GatewayError } from '../errors.js';

export interface ServerSentEvent {
  event?: string;
  data: string;
  id?: string;
}

/** An event larger than this is not a token stream: the upstream is broken or hostile. */
const MAX_EVENT_BYTES = 4 * 1024 * 1024;

/**
 * Incremental `text/event-stream` parsing (the WHATWG rules: `\n`, `\r\n` or `\r` line ends, `data:`
 * lines joined with `\n`, comments ignored, one optional space after the colon). Bytes go in as they
 * arrive; complete events come out at once, so nothing waits for the end of the body.
 */
export class ServerSentEventDecoder {
  private readonly decoder = new TextDecoder('utf-8');
  private buffer = '';
  private data: string[] = [];
  private event: string | undefined;
  private id: string | undefined;
  private pendingCarriageReturn = false;

  push(bytes: Uint8Array | string): ServerSentEvent[] {
    const text = typeof bytes === 'string' ? bytes : this.decoder.decode(bytes, { stream: true });
    return this.consume(text, false);
  }

  /** Events still pending when the body ends (a last event without its blank line counts). */
  end(): ServerSentEvent[] {
    return this.consume(`${this.decoder.decode()}\n\n`, true);
  }

  private consume(text: string, final: boolean): ServerSentEvent[] {
    const events: ServerSentEvent[] = [];
    let input = text;
    if (this.pendingCarriageReturn && input.startsWith('\n')) input = input.slice(1);
    this.pendingCarriageReturn = false;
    this.buffer += input;
    let start = 0;
    for (let index = 0; index < this.buffer.length; index++) {
      const character = this.buffer[index];
      if (character !== '\n' && character !== '\r') continue;
      const line = this.buffer.slice(start, index);
      if (character === '\r') {
        if (index + 1 < this.buffer.length) {
          if (this.buffer[index + 1] === '\n') index++;
        } else if (!final) this.pendingCarriageReturn = true;
      }
      start = index + 1;
      const event = this.line(line);
      if (event) events.push(event);
    }
    this.buffer = this.buffer.slice(start);
    if (this.buffer.length + this.data.reduce((sum, line) => sum + line.length, 0) > MAX_EVENT_BYTES) {
      throw new GatewayError('upstream_bad_response', `An upstream event is larger than ${MAX_EVENT_BYTES} bytes.`);
    }
    return events;
  }

  private line(line: string): ServerSentEvent | undefined {
    if (line === '') {
      if (this.data.length === 0) {
        this.event = undefined;
        return undefined;
      }
      const event: ServerSentEvent = { data: this.data.join('\n'), ...(this.event ? { event: this.event } : {}), ...(this.id ? { id: this.id } : {}) };
      this.data = [];
      this.event = undefined;
      return event;
    }
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id') this.id = value;
    return undefined;
  }
}
