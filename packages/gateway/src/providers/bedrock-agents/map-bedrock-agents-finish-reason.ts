import type { StopReason } from '@streamgate/protocol';

/** An agent has no stop reason of its own: it ends its turn, or hands control back to the caller to run a tool. */
export function mapBedrockAgentsFinishReason(returnedControl: boolean): StopReason {
  return returnedControl ? 'tool_use' : 'end_turn';
}
