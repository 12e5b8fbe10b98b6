import { GatewayError, toGatewayError } from '../errors.js';
import type { MediaModelEntry } from '../routing/media-models.js';
import { costOf } from '../routing/model-registry.js';
import type { Admission } from './admission.js';
import type { Caller, Transport } from './chat-request.js';
import type { UsageOutcome, UsageSink } from './usage-record.js';

export interface MediaEngineOptions {
  usage: UsageSink;
  /** The same admission as chat: allowed models, budgets, token and concurrency limits. */
  admission?: Admission;
  /** Longest an embedding or image call may take. */
  timeoutMs: number;
  /** True once the gateway stops admitting work (a drain has begun). */
  isDraining?: () => boolean;
}

/** One embedding or image call as the engine sees it, whichever route it came over. */
export interface MediaRequest {
  requestId: string;
  caller: Caller;
  /** The id or alias the client named, if any: a key allowed an alias may use it. */
  model?: string;
  transport: Transport;
}

/** The model entry a media call runs on. */
export type MediaEntry = Pick<MediaModelEntry<unknown>, 'id' | 'provider' | 'price'>;

/** What a media call returns: its result and the input tokens it was billed for. */
export interface MediaCallResult<T> {
  result: T;
  inputTokens: number;
}

/**
 * Embedding and image calls: admitted like chat (a key limited to some models cannot reach others, its
 * budget and limits count them), aborted when the caller's signal fires or the time limit passes, and
 * accounted with exactly one usage record however they end (sessionless: `sessionId` is empty).
 * No HTTP in here, like the chat engine.
 */
export class MediaEngine {
  constructor(private readonly options: MediaEngineOptions) {}

  async run<T>(request: MediaRequest, entry: MediaEntry, signal: AbortSignal, call: (signal: AbortSignal) => Promise<MediaCallResult<T>>): Promise<T> {
    if (this.options.isDraining?.()) throw new GatewayError('shutting_down');
    const grant = await this.options.admission?.admit({ caller: request.caller, model: request.model }, entry);
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), this.options.timeoutMs);
    const startedAt = new Date().toISOString();
    const began = performance.now();
    let inputTokens = 0;
    let outcome: UsageOutcome = 'failed';
    let errorCode: string | undefined;
    try {
      // The caller may have gone while admission was deciding: then the call never starts.
      if (signal.aborted) throw signal.reason;
      const done = await call(AbortSignal.any([signal, timeout.signal]));
      inputTokens = done.inputTokens;
      outcome = 'completed';
      return done.result;
    } catch (error) {
      let failure = toGatewayError(error);
      if (signal.aborted) {
        outcome = 'cancelled';
        failure = signal.reason instanceof GatewayError ? signal.reason : new GatewayError('cancelled');
      } else if (timeout.signal.aborted) {
        failure = new GatewayError('upstream_timeout', `The model did not answer within ${this.options.timeoutMs} ms.`);
      }
      errorCode = failure.code;
      throw failure;
    } finally {
      clearTimeout(timer);
      const record = {
        requestId: request.requestId,
        keyId: request.caller.keyId,
        ...(request.caller.userId !== undefined ? { userId: request.caller.userId } : {}),
        sessionId: '',
        model: entry.id,
        provider: entry.provider,
        transport: request.transport,
        inputTokens,
        outputTokens: 0,
        ttftMs: null,
        totalMs: Math.round((performance.now() - began) * 100) / 100,
        outcome,
        ...(errorCode ? { errorCode } : {}),
        costUsd: costOf(entry.price, inputTokens, 0),
        startedAt,
      };
      this.options.usage.record(record);
      grant?.finish(record);
    }
  }
}
