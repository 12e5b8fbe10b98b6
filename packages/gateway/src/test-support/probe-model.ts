import { setTimeout as delay } from 'node:timers/promises';
import type { ChatModel, ChatModelCall, ChatModelPart } from '../providers/chat-model.js';
import type { ModelEntry } from '../routing/model-registry.js';

export interface ProbeOptions {
  /** Tokens to stream (default 1000). */
  tokens?: number;
  /** Milliseconds between tokens (default 0: as fast as they are pulled). */
  intervalMs?: number;
  /** Characters per token (default 6). */
  tokenSize?: number;
}

/**
 * A model for tests that records what the gateway did to it: each call, how many parts were pulled,
 * and when its abort signal fired.
 */
export class ProbeChatModel implements ChatModel {
  readonly calls: ChatModelCall[] = [];
  produced = 0;
  /** performance.now() when the latest call's signal fired. */
  abortedAt: number | undefined;
  private abortWaiters: (() => void)[] = [];
  private firstPartWaiters: (() => void)[] = [];

  constructor(private readonly options: ProbeOptions = {}) {}

  /** Resolves when a call's signal has fired (at once if one already has). */
  aborted(): Promise<number> {
    if (this.abortedAt !== undefined) return Promise.resolve(this.abortedAt);
    return new Promise((resolve) => this.abortWaiters.push(() => resolve(this.abortedAt!)));
  }

  /** Resolves when the first part of a call has been pulled. */
  started(): Promise<void> {
    if (this.produced > 0) return Promise.resolve();
    return new Promise((resolve) => this.firstPartWaiters.push(resolve));
  }

  async *stream(call: ChatModelCall): AsyncGenerator<ChatModelPart> {
    this.calls.push(call);
    call.signal.addEventListener(
      'abort',
      () => {
        this.abortedAt = performance.now();
        for (const waiter of this.abortWaiters.splice(0)) waiter();
      },
      { once: true },
    );
    const tokens = this.options.tokens ?? 1000;
    const token = 'x'.repeat(Math.max(1, (this.options.tokenSize ?? 6) - 1)) + ' ';
    for (let index = 0; index < tokens; index++) {
      if (this.options.intervalMs) await delay(this.options.intervalMs, undefined, { signal: call.signal });
      if (call.signal.aborted) return;
      this.produced++;
      if (this.produced === 1) for (const waiter of this.firstPartWaiters.splice(0)) waiter();
      yield { type: 'delta', text: token };
    }
    yield { type: 'finish', stopReason: 'end_turn', usage: { inputTokens: 1, outputTokens: tokens } };
  }
}

export function probeEntry(model: ProbeChatModel, id = 'probe'): ModelEntry {
  return { id, provider: 'probe', upstreamModelId: id, model };
}
