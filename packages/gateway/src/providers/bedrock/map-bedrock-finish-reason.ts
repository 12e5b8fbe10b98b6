import type { StopReason } from '@streamgate/protocol';

/**
 * Bedrock's `stopReason` as the gateway's. Guardrail interventions count as `content_filtered`; a
 * full context window as `max_tokens`; malformed model output or tool use as `end_turn` (the text
 * produced so far is all there is).
 */
export function mapBedrockFinishReason(reason: string | undefined): StopReason {
  switch (reason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'max_tokens';
    case 'stop_sequence':
      return 'stop_sequence';
    case 'tool_use':
      return 'tool_use';
    case 'content_filtered':
    case 'guardrail_intervened':
      return 'content_filtered';
    default:
      return 'end_turn';
  }
}
