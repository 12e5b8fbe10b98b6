import { z } from 'zod';
import { GatewayError } from '../../errors.js';
import type { ChatModelPart } from '../chat-model.js';
import { parseJson } from '../parse-json.js';

/**
 * One `data:` payload of an AgentCore runtime's event stream as a part. Agents send what they like;
 * the common shapes are understood:
 * - a JSON string (`data: "Hello"`, what BedrockAgentCoreApp sends for a yielded string) or plain text -> text;
 * - an object with a string `data` (Strands' text events), `text`, `content` or `delta` -> text;
 * - an object with `error` (BedrockAgentCoreApp's failure event) -> an `upstream_error`;
 * - an object with `event` (Strands' raw model events, whose text also comes as a `data` event) -> dropped;
 * - any other object -> a `trace` part (tool calls, lifecycle events).
 */
export function agentCoreEventPart(data: string): ChatModelPart | undefined {
  const parsed = parseJson(data, z.unknown());
  if (!parsed.success) return data.length > 0 ? { type: 'delta', text: data } : undefined;
  const value = parsed.data;
  if (typeof value === 'string') return value.length > 0 ? { type: 'delta', text: value } : undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { type: 'trace', data: { type: 'agent_event', event: value } };
  const record = value as Record<string, unknown>;
  if (record.error !== undefined) {
    const message = typeof record.error === 'string' ? record.error : JSON.stringify(record.error);
    throw new GatewayError('upstream_error', `The AgentCore agent failed: ${message.slice(0, 500)}`, { retryable: false });
  }
  for (const field of ['data', 'text', 'content', 'delta'] as const) {
    const text = record[field];
    if (typeof text === 'string') return text.length > 0 ? { type: 'delta', text } : undefined;
  }
  if ('event' in record) return undefined;
  return { type: 'trace', data: { type: 'agent_event', event: record } };
}

/** A JSON body (a runtime that does not stream) as the reply's text. */
export function agentCoreJsonReply(body: string): string {
  const parsed = parseJson(body, z.unknown());
  if (!parsed.success) return body;
  const value = parsed.data;
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    if (record.error !== undefined) {
      throw new GatewayError('upstream_error', `The AgentCore agent failed: ${String(typeof record.error === 'string' ? record.error : JSON.stringify(record.error)).slice(0, 500)}`, { retryable: false });
    }
    for (const field of ['result', 'response', 'output', 'text', 'content', 'message']) {
      const text = textOf(record[field]);
      if (text !== undefined) return text;
    }
  }
  return JSON.stringify(value);
}

/** Text from a string, or from a Bedrock-style message (`{role, content: [{text}]}`). */
function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null) return undefined;
  const content = (value as { content?: unknown }).content;
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    const texts = content.map((block) => (typeof block === 'object' && block !== null ? (block as { text?: unknown }).text : undefined));
    if (texts.every((text) => typeof text === 'string')) return texts.join('');
  }
  return undefined;
}
