import type { DoneEvent, ErrorEvent, StreamEvent } from '@streamgate/protocol';
import type { RetainedEvent } from '../../stores/streams/stream-retention.js';
import { responseMetaOf, type ResponseMeta } from './responses-meta.js';

export type ResponseStatus = 'queued' | 'in_progress' | 'completed' | 'failed' | 'cancelled' | 'incomplete';

/** OpenAI's `output_text` content part. */
interface OutputText {
  type: 'output_text';
  text: string;
  annotations: never[];
  logprobs: never[];
}

/** OpenAI's output message item (the only kind of output item the gateway produces). */
export interface OutputMessage {
  type: 'message';
  id: string;
  status: 'in_progress' | 'completed' | 'incomplete';
  role: 'assistant';
  content: OutputText[];
}

export interface ResponseUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number; cache_write_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

/** OpenAI's `response` object, with the fields its SDKs' types require. */
export interface ResponseObject {
  id: string;
  object: 'response';
  created_at: number;
  status: ResponseStatus;
  background: boolean;
  completed_at: number | null;
  /** `code` is StreamGate's stable code (docs/errors.md), as everywhere on the OpenAI surface. */
  error: { code: string; message: string } | null;
  incomplete_details: { reason: 'max_output_tokens' | 'content_filter' } | null;
  instructions: string | null;
  max_output_tokens: number | null;
  metadata: Record<string, string>;
  model: string;
  output: OutputMessage[];
  parallel_tool_calls: boolean;
  previous_response_id: string | null;
  store: boolean;
  temperature: number | null;
  text: { format: { type: 'text' } };
  tool_choice: 'auto';
  tools: never[];
  top_p: number | null;
  truncation: 'disabled';
  usage: ResponseUsage | null;
}

/** One Server-Sent Event of a streamed response: `event: <type>`, `data: <this>`. */
export interface ResponseStreamEvent {
  type: string;
  sequence_number: number;
  [field: string]: unknown;
}

/** `resp_<request id>`: what clients see of a request. */
export function responseIdOf(requestId: string): string {
  return `resp_${requestId}`;
}

/** The request id inside a response id, or undefined when it is not one. */
export function requestIdOf(responseId: string): string | undefined {
  const match = /^resp_([A-Za-z0-9_-]{1,128})$/.exec(responseId);
  return match?.[1];
}

function usageOf(event: DoneEvent): ResponseUsage {
  const { inputTokens, outputTokens } = event.usage;
  return {
    input_tokens: inputTokens,
    input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
    output_tokens: outputTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: inputTokens + outputTokens,
  };
}

/**
 * A request's retained events -> OpenAI's Responses stream events and response object. Fed every event
 * from `start` (seq 0) on, it numbers its output from 0 as OpenAI does, and since retained events never
 * change, the same stream always gives the same numbers: `starting_after=N` is a replay that skips
 * `sequence_number <= N`. Per retained event:
 *
 * | retained event | Responses events |
 * | --- | --- |
 * | `start` | none |
 * | the response's parameters (a trace, right after `start`) | `response.created`, `response.in_progress`, `response.output_item.added`, `response.content_part.added` |
 * | `delta` | `response.output_text.delta` |
 * | other `trace` | none |
 * | `done` | `response.output_text.done`, `response.content_part.done`, `response.output_item.done`, then `response.completed` (or `response.incomplete` at `max_tokens` / `content_filtered`) |
 * | `error` | the same three, then `response.failed` (status `cancelled` for a cancel) |
 */
export class ResponseTranslator {
  private requestId = '';
  private model = '';
  private meta: ResponseMeta | undefined;
  private text = '';
  private status: ResponseStatus = 'in_progress';
  private usage: ResponseUsage | null = null;
  private error: ResponseObject['error'] = null;
  private incompleteReason: 'max_output_tokens' | 'content_filter' | undefined;
  private completedAt: number | null = null;
  private nextSequence = 0;
  private ended = false;
  private session = '';

  /** The response's session, from its `start` event. */
  get sessionId(): string {
    return this.session;
  }

  /** True once the parameters trace has been seen: the events are a response's. */
  get isResponse(): boolean {
    return this.meta !== undefined;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** The sequence number the next event will have. */
  get sequenceNumber(): number {
    return this.nextSequence;
  }

  /** The Responses events of one retained event, numbered. */
  push({ event }: RetainedEvent): ResponseStreamEvent[] {
    switch (event.type) {
      case 'start':
        this.requestId = event.requestId;
        this.model = event.model;
        this.session = event.sessionId;
        return [];
      case 'trace':
        return this.opening(event);
      case 'delta':
        if (!this.meta) return [];
        this.text += event.text;
        return [this.numbered('response.output_text.delta', { ...this.partPosition(), delta: event.text, logprobs: [] })];
      case 'done':
      case 'error':
        return this.closing(event);
    }
  }

  /** The response object as the events so far make it. */
  response(): ResponseObject {
    const meta = this.meta!;
    const message = this.message();
    return {
      id: responseIdOf(this.requestId),
      object: 'response',
      created_at: meta.created_at,
      status: this.status,
      background: meta.background,
      completed_at: this.completedAt,
      error: this.error,
      incomplete_details: this.incompleteReason ? { reason: this.incompleteReason } : null,
      instructions: meta.instructions,
      max_output_tokens: meta.max_output_tokens,
      metadata: meta.metadata,
      model: this.model,
      output: message ? [message] : [],
      parallel_tool_calls: true,
      previous_response_id: meta.previous_response_id,
      store: meta.store,
      temperature: meta.temperature,
      text: { format: { type: 'text' } },
      tool_choice: 'auto',
      tools: [],
      top_p: null,
      truncation: 'disabled',
      usage: this.usage,
    };
  }

  /** OpenAI's `error` event, for a stream that cannot go on (its events are no longer retained). */
  errorEvent(code: string, message: string): ResponseStreamEvent {
    return { type: 'error', sequence_number: this.nextSequence, code, message, param: null };
  }

  private opening(event: StreamEvent): ResponseStreamEvent[] {
    const meta = responseMetaOf(event);
    if (!meta || this.meta) return [];
    this.meta = meta;
    const snapshot = { ...this.response(), output: [] };
    const itemId = this.itemId();
    return [
      this.numbered('response.created', { response: snapshot }),
      this.numbered('response.in_progress', { response: snapshot }),
      this.numbered('response.output_item.added', { output_index: 0, item: { type: 'message', id: itemId, status: 'in_progress', role: 'assistant', content: [] } }),
      this.numbered('response.content_part.added', { ...this.partPosition(), part: { type: 'output_text', text: '', annotations: [], logprobs: [] } }),
    ];
  }

  private closing(event: DoneEvent | ErrorEvent): ResponseStreamEvent[] {
    if (!this.meta || this.ended) return [];
    this.ended = true;
    let terminal: string;
    if (event.type === 'done') {
      this.usage = usageOf(event);
      this.completedAt = this.meta.created_at + Math.round(event.metrics.totalMs / 1000);
      this.incompleteReason = event.stopReason === 'max_tokens' ? 'max_output_tokens' : event.stopReason === 'content_filtered' ? 'content_filter' : undefined;
      this.status = this.incompleteReason ? 'incomplete' : 'completed';
      terminal = this.incompleteReason ? 'response.incomplete' : 'response.completed';
    } else {
      this.status = event.code === 'cancelled' ? 'cancelled' : 'failed';
      this.error = { code: event.code, message: event.message };
      terminal = 'response.failed';
    }
    const message = this.message()!;
    return [
      this.numbered('response.output_text.done', { ...this.partPosition(), text: this.text, logprobs: [] }),
      this.numbered('response.content_part.done', { ...this.partPosition(), part: message.content[0] }),
      this.numbered('response.output_item.done', { output_index: 0, item: message }),
      this.numbered(terminal, { response: this.response() }),
    ];
  }

  private message(): OutputMessage | undefined {
    if (!this.meta) return undefined;
    const status = this.status === 'completed' ? 'completed' : this.ended ? 'incomplete' : 'in_progress';
    return { type: 'message', id: this.itemId(), status, role: 'assistant', content: [{ type: 'output_text', text: this.text, annotations: [], logprobs: [] }] };
  }

  private itemId(): string {
    return `msg_${this.requestId}`;
  }

  private partPosition() {
    return { item_id: this.itemId(), output_index: 0, content_index: 0 };
  }

  private numbered(type: string, fields: Record<string, unknown>): ResponseStreamEvent {
    return { type, sequence_number: this.nextSequence++, ...fields };
  }
}
