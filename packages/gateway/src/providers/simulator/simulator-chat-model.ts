import { setTimeout as delay } from 'node:timers/promises';
import type { StopReason } from '@streamgate/protocol';
import { GatewayError } from '../../errors.js';
import type { ChatModel, ChatModelCall, ChatModelPart } from '../chat-model.js';
import { estimateInputTokens } from '../token-estimate.js';
import { simulatorReply } from './simulator-reply.js';

export interface SimulatorDefaults {
  /** Time to first token when a request does not say, in milliseconds. */
  ttftMs: number;
  /** Pace when a request does not say; 0 streams as fast as the client reads. */
  tokensPerSecond: number;
}

/**
 * The built-in model: a deterministic reply, paced by the request's `simulate` knobs. Its waits are
 * the latency it simulates, each cut short by the call's abort signal.
 */
export class SimulatorChatModel implements ChatModel {
  constructor(private readonly defaults: SimulatorDefaults) {}

  async *stream(call: ChatModelCall): AsyncGenerator<ChatModelPart> {
    const knobs = call.simulate ?? {};
    const ttftMs = knobs.ttft_ms ?? this.defaults.ttftMs;
    const tokensPerSecond = knobs.tokens_per_second ?? this.defaults.tokensPerSecond;
    const lastMessage = call.messages[call.messages.length - 1]?.content ?? '';
    const turn = call.messages.filter((message) => message.role === 'user').length;
    const reply = simulatorReply(lastMessage, turn, knobs.output_tokens);
    let length = reply.length;
    let stopReason: StopReason = 'end_turn';
    if (call.maxTokens !== undefined && length > call.maxTokens) {
      length = call.maxTokens;
      stopReason = 'max_tokens';
    }
    const inputTokens = estimateInputTokens(call);

    const start = performance.now();
    const intervalMs = tokensPerSecond > 0 ? 1000 / tokensPerSecond : 0;
    const failAt = knobs.fail_after_tokens;
    for (let index = 0; index <= length; index++) {
      if (index === failAt) {
        throw new GatewayError('upstream_error', `The simulator failed after ${index} tokens, as the request asked.`);
      }
      if (index === length) break;
      // Token i is due at ttft + i * interval; tokens already due go out without a timer.
      const waitMs = start + ttftMs + index * intervalMs - performance.now();
      if (waitMs >= 1) await delay(waitMs, undefined, { signal: call.signal });
      if (call.signal.aborted) return;
      yield { type: 'delta', text: reply.token(index) };
    }
    yield { type: 'finish', stopReason, usage: { inputTokens, outputTokens: length } };
  }
}
