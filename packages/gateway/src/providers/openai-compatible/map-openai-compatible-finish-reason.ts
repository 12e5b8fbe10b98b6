import type { StopReason } from '@streamgate/protocol';

/** OpenAI's `finish_reason` as the gateway's stop reason. */
export function mapOpenAiCompatibleFinishReason(reason: string | null | undefined): StopReason {
  switch (reason) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'content_filter':
      return 'content_filtered';
    default:
      return 'end_turn';
  }
}
