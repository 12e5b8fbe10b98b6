import type { StopReason, Usage } from '@streamgate/protocol';

/** The gateway's stop reason as OpenAI's `finish_reason`. */
export function mapFinishReason(stopReason: StopReason): string {
  switch (stopReason) {
    case 'max_tokens':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'content_filtered':
      return 'content_filter';
    default:
      return 'stop';
  }
}

export interface OpenAiUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export function openAiUsage(usage: Usage): OpenAiUsage {
  return { prompt_tokens: usage.inputTokens, completion_tokens: usage.outputTokens, total_tokens: usage.inputTokens + usage.outputTokens };
}

export interface OpenAiToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/**
 * A `tool_use` trace (`{type, tool_use_id, name, input}`, as every provider reports tool calls) as an
 * OpenAI tool call; undefined for other traces (agent steps have no place in OpenAI's format).
 */
export function toolCallOf(data: unknown, fallbackId: string): OpenAiToolCall | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const trace = data as { type?: unknown; tool_use_id?: unknown; name?: unknown; input?: unknown };
  if (trace.type !== 'tool_use' || typeof trace.name !== 'string') return undefined;
  const id = typeof trace.tool_use_id === 'string' && trace.tool_use_id ? trace.tool_use_id : fallbackId;
  const argumentsText = typeof trace.input === 'string' ? trace.input : JSON.stringify(trace.input ?? {});
  return { id, type: 'function', function: { name: trace.name, arguments: argumentsText } };
}

/**
 * Frames the `data:` events of one streamed chat completion. What every chunk shares (id, created,
 * model) is serialized once per stream; each delta serializes only its own text.
 */
export class ChunkFramer {
  private readonly head: string;
  private readonly tail: string;
  private readonly usageTail: string;
  private readonly usagePrefix: string;
  private roleSent = false;

  constructor(id: string, created: number, model: string, includeUsage: boolean) {
    const shared = `{"id":${JSON.stringify(id)},"object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(model)},"system_fingerprint":null,"choices":`;
    this.head = `data: ${shared}[{"index":0,"delta":`;
    this.usageTail = includeUsage ? ',"usage":null' : '';
    this.tail = `,"logprobs":null,"finish_reason":null}]${this.usageTail}}\n\n`;
    this.usagePrefix = `data: ${shared}[],"usage":`;
  }

  /** The first delta also says who speaks, as OpenAI's does. */
  private role(): string {
    if (this.roleSent) return '';
    this.roleSent = true;
    return '"role":"assistant",';
  }

  content(text: string): string {
    return `${this.head}{${this.role()}"content":${JSON.stringify(text)}}${this.tail}`;
  }

  toolCall(index: number, call: OpenAiToolCall): string {
    return `${this.head}{${this.role()}"content":null,"tool_calls":[${JSON.stringify({ index, ...call })}]}${this.tail}`;
  }

  finish(stopReason: StopReason): string {
    const opening = this.roleSent ? '' : `${this.head}{${this.role()}"content":""}${this.tail}`;
    return `${opening}${this.head}{},"logprobs":null,"finish_reason":"${mapFinishReason(stopReason)}"}]${this.usageTail}}\n\n`;
  }

  /** The extra last chunk of `stream_options.include_usage`: no choices, the request's usage. */
  usage(usage: Usage): string {
    return `${this.usagePrefix}${JSON.stringify(openAiUsage(usage))}}\n\n`;
  }
}

export const DONE_EVENT = 'data: [DONE]\n\n';
