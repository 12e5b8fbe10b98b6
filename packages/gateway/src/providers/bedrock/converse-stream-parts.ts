import type { ContentBlock, ConverseStreamOutput, StopReason as BedrockStopReason, TokenUsage } from '@aws-sdk/client-bedrock-runtime';
import { z } from 'zod';
import { GatewayError } from '../../errors.js';
import type { ChatModelPart } from '../chat-model.js';
import { parseJson } from '../parse-json.js';
import { bedrockStreamException } from './bedrock-error.js';
import { mapBedrockFinishReason } from './map-bedrock-finish-reason.js';

const EXCEPTION_MEMBERS = [
  'internalServerException',
  'modelStreamErrorException',
  'validationException',
  'throttlingException',
  'serviceUnavailableException',
] as const;

/** A tool call the model made, as the `trace` data clients receive. */
export interface ToolUseTrace {
  type: 'tool_use';
  tool_use_id: string;
  name: string;
  input: unknown;
}

interface OpenBlock {
  toolUse?: { toolUseId: string; name: string; input: string[] };
  reasoning?: string[];
}

/**
 * ConverseStream events -> chat model parts. Text deltas pass straight through; a tool-use block
 * becomes one `trace` part when it closes (its JSON input arrives in pieces); reasoning text
 * becomes a `trace` part per block. `messageStop` and `metadata` make the closing `finish`.
 */
export class ConverseStreamParts {
  private readonly blocks = new Map<number, OpenBlock>();
  private stopReason: BedrockStopReason | undefined;
  private usage: TokenUsage | undefined;
  private latencyMs: number | undefined;

  *accept(event: ConverseStreamOutput): Generator<ChatModelPart> {
    if (event.contentBlockDelta) {
      const { contentBlockIndex = 0, delta } = event.contentBlockDelta;
      if (delta?.text !== undefined) {
        if (delta.text.length > 0) yield { type: 'delta', text: delta.text };
      } else if (delta?.toolUse) {
        this.blocks.get(contentBlockIndex)?.toolUse?.input.push(delta.toolUse.input ?? '');
      } else if (delta?.reasoningContent?.text !== undefined) {
        const block = this.block(contentBlockIndex);
        (block.reasoning ??= []).push(delta.reasoningContent.text);
      }
    } else if (event.contentBlockStart) {
      const { contentBlockIndex = 0, start } = event.contentBlockStart;
      if (start?.toolUse) {
        this.block(contentBlockIndex).toolUse = { toolUseId: start.toolUse.toolUseId ?? '', name: start.toolUse.name ?? '', input: [] };
      }
    } else if (event.contentBlockStop) {
      const index = event.contentBlockStop.contentBlockIndex ?? 0;
      const block = this.blocks.get(index);
      this.blocks.delete(index);
      if (block?.toolUse) yield { type: 'trace', data: toolUseTrace(block.toolUse.toolUseId, block.toolUse.name, block.toolUse.input.join('')) };
      if (block?.reasoning) yield { type: 'trace', data: { type: 'reasoning', text: block.reasoning.join('') } };
    } else if (event.messageStop) {
      this.stopReason = event.messageStop.stopReason;
    } else if (event.metadata) {
      this.usage = event.metadata.usage;
      this.latencyMs = event.metadata.metrics?.latencyMs;
    } else {
      for (const member of EXCEPTION_MEMBERS) {
        if (member in event && event[member as keyof ConverseStreamOutput]) {
          throw bedrockStreamException(member, event[member as keyof ConverseStreamOutput] as { message?: string });
        }
      }
    }
  }

  /** The closing part. A stream that ends before `messageStop` was cut off: that is an error, not a reply. */
  finish(): ChatModelPart {
    if (this.stopReason === undefined) {
      throw new GatewayError('upstream_bad_response', 'The Bedrock stream ended before its messageStop event.');
    }
    return {
      type: 'finish',
      stopReason: mapBedrockFinishReason(this.stopReason),
      usage: { inputTokens: this.usage?.inputTokens ?? 0, outputTokens: this.usage?.outputTokens ?? 0 },
      ...(this.latencyMs !== undefined ? { upstreamLatencyMs: this.latencyMs } : {}),
    };
  }

  private block(index: number): OpenBlock {
    let block = this.blocks.get(index);
    if (!block) this.blocks.set(index, (block = {}));
    return block;
  }
}

export function toolUseTrace(toolUseId: string, name: string, input: unknown): ToolUseTrace {
  let parsed = input;
  if (typeof input === 'string') {
    // A model may stop inside its tool input (max_tokens): then the client gets the text as it came.
    const result = input.length > 0 ? parseJson(input, z.unknown()) : { success: true as const, data: {} };
    if (result.success) parsed = result.data;
  }
  return { type: 'tool_use', tool_use_id: toolUseId, name, input: parsed };
}

/** Converse (not streamed) output content -> parts: all text as one delta, each tool use as a trace. */
export function* contentParts(content: readonly ContentBlock[]): Generator<ChatModelPart> {
  const text = content.map((block) => block.text ?? '').join('');
  for (const block of content) {
    if (block.reasoningContent?.reasoningText?.text) yield { type: 'trace', data: { type: 'reasoning', text: block.reasoningContent.reasoningText.text } };
  }
  if (text.length > 0) yield { type: 'delta', text };
  for (const block of content) {
    if (block.toolUse) yield { type: 'trace', data: toolUseTrace(block.toolUse.toolUseId ?? '', block.toolUse.name ?? '', block.toolUse.input) };
  }
}
