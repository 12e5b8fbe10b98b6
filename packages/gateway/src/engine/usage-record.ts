import type { Transport } from './chat-request.js';

/**
 * `completed`: the model finished; `partial`: it failed after producing text; `failed`: it failed before;
 * `cancelled`: the client went away or cancelled, or the gateway shut down.
 */
export type UsageOutcome = 'completed' | 'partial' | 'failed' | 'cancelled';

/** Exactly one per admitted request. */
export interface UsageRecord {
  requestId: string;
  keyId: string;
  /** The end user, for JWT callers. */
  userId?: string;
  sessionId: string;
  model: string;
  provider: string;
  transport: Transport;
  inputTokens: number;
  outputTokens: number;
  ttftMs: number | null;
  totalMs: number;
  /** The upstream's own latency, where it reports one (Bedrock's `metadata.metrics.latencyMs`). */
  upstreamLatencyMs?: number;
  outcome: UsageOutcome;
  errorCode?: string;
  /** Cost in US dollars from the model's prices (0 when the model has none). */
  costUsd: number;
  startedAt: string;
}

/** Where usage records go. `record` must not block: sinks that write somewhere slow batch in the background. */
export interface UsageSink {
  record(record: UsageRecord): void;
  /** Writes out whatever is pending; called on shutdown. */
  flush(): Promise<void>;
}
