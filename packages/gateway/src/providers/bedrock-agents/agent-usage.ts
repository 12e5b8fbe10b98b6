import type { Usage } from '@streamgate/protocol';

interface UsageLike {
  inputTokens?: number;
  outputTokens?: number;
}

/**
 * Token counts from an agent's traces: each model invocation of the orchestration, pre- and
 * post-processing, routing and knowledge-base steps reports `modelInvocationOutput.metadata.usage`.
 * Their sum is what the agent spent on the request.
 */
export class AgentUsage {
  private inputTokens = 0;
  private outputTokens = 0;
  private seen = false;

  add(trace: unknown): void {
    this.walk(trace, 0);
  }

  private walk(value: unknown, depth: number): void {
    if (depth > 6 || typeof value !== 'object' || value === null) return;
    const record = value as Record<string, unknown>;
    const output = record.modelInvocationOutput as { metadata?: { usage?: UsageLike } } | undefined;
    const usage = output?.metadata?.usage;
    if (usage) {
      this.seen = true;
      this.inputTokens += usage.inputTokens ?? 0;
      this.outputTokens += usage.outputTokens ?? 0;
    }
    for (const [key, child] of Object.entries(record)) if (key !== 'modelInvocationOutput') this.walk(child, depth + 1);
  }

  /** The summed usage, or undefined when no trace reported any (traces turned off). */
  total(): Usage | undefined {
    return this.seen ? { inputTokens: this.inputTokens, outputTokens: this.outputTokens } : undefined;
  }
}
