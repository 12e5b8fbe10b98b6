import type { StopReason } from '@streamgate/protocol';

/** An AgentCore runtime is the agent's own code: it reports no stop reason, so a reply that ends, ends its turn. */
export function mapAgentCoreFinishReason(): StopReason {
  return 'end_turn';
}
