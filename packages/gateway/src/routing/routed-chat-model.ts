import type { ErrorCode } from '@streamgate/protocol';
import { GatewayError, toGatewayError } from '../errors.js';
import type { ChatModel, ChatModelCall, ChatModelPart } from '../providers/chat-model.js';
import type { Provider } from '../providers/provider.js';
import type { ModelPrice } from './model-registry.js';
import { backoffDelayMs, waitUnlessAborted } from './backoff.js';

/** One upstream a public model may send a request to. */
export interface RouteTarget {
  provider: Provider;
  upstreamModelId: string;
  model: ChatModel;
  /** Share of traffic relative to the model's other targets. */
  weight: number;
}

export interface RoutePolicy {
  retries: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** No first part within this long: the attempt fails with `upstream_timeout` (and may be retried). */
  firstTokenTimeoutMs: number;
  /** The whole call, first part to last. */
  timeoutMs: number;
}

/** Where the router reports failed attempts (a pino child logger fits). */
export interface RouteLogger {
  warn(details: Record<string, unknown>, message: string): void;
}

/** Failures worth another attempt before the first token: throttling, 5xx, refused connections, timeouts. */
const RETRYABLE: ReadonlySet<ErrorCode> = new Set(['upstream_throttled', 'upstream_unavailable', 'upstream_error', 'upstream_timeout', 'upstream_bad_response']);

type Opened =
  | { ok: true; iterator: AsyncIterator<ChatModelPart>; first: IteratorResult<ChatModelPart>; finish: () => void; controller: AbortController }
  | { ok: false; error: GatewayError }
  | { ok: false; aborted: true };

/**
 * A public model: a weighted choice between targets, retries with jittered backoff and then the
 * fallback models, all only until the first part has been produced. After that a failure ends the
 * stream: nothing already sent is sent again, and nothing is lost silently.
 */
export class RoutedChatModel implements ChatModel {
  private fallbacks: readonly RoutedChatModel[] = [];

  constructor(
    readonly id: string,
    readonly targets: readonly RouteTarget[],
    private readonly policy: RoutePolicy,
    private readonly options: { random?: () => number; logger?: RouteLogger; price?: ModelPrice } = {},
  ) {
    if (targets.length === 0 || !targets.some((target) => target.weight > 0)) throw new Error(`Model "${id}" has no target with a weight above 0`);
  }

  /** Fallbacks are other public models; theirs are not followed in turn, so chains cannot loop. */
  setFallbacks(models: readonly RoutedChatModel[]): void {
    this.fallbacks = models;
  }

  /** The kinds of upstream a call may reach: its targets' and its fallbacks' (what a request may ask depends on them). */
  providerTypes(): Set<string> {
    return new Set([this, ...this.fallbacks].flatMap((model) => model.targets.map((target) => target.provider.type)));
  }

  /** A target drawn by weight. */
  pick(random: () => number = this.options.random ?? Math.random): RouteTarget {
    const total = this.targets.reduce((sum, target) => sum + target.weight, 0);
    let point = random() * total;
    for (const target of this.targets) {
      if (target.weight <= 0) continue;
      point -= target.weight;
      if (point < 0) return target;
    }
    return this.targets.findLast((target) => target.weight > 0)!;
  }

  async *stream(call: ChatModelCall): AsyncGenerator<ChatModelPart> {
    let lastError: GatewayError | undefined;
    for (const route of [this as RoutedChatModel, ...this.fallbacks]) {
      const target = route.pick();
      for (let attempt = 0; attempt <= route.policy.retries; attempt++) {
        if (attempt > 0) {
          const waitMs = backoffDelayMs(attempt, route.policy.retryBaseMs, route.policy.retryMaxMs, this.options.random);
          if (!(await waitUnlessAborted(waitMs, call.signal))) return;
        }
        if (call.signal.aborted) return;
        const opened = await route.open(target, call);
        if (!opened.ok) {
          if ('aborted' in opened) return;
          lastError = opened.error;
          target.provider.health.failed(opened.error.code, opened.error.message);
          const retryable = opened.error.retryable && RETRYABLE.has(opened.error.code);
          this.options.logger?.warn(
            { model: this.id, route: route.id, provider: target.provider.name, upstream: target.upstreamModelId, attempt, code: opened.error.code, willRetry: retryable },
            `upstream failed before its first token: ${opened.error.message}`,
          );
          if (!retryable) throw opened.error;
          continue;
        }
        target.provider.health.succeeded();
        const price = route.options.price;
        yield { type: 'route', model: route.id, provider: target.provider.name, upstreamModelId: target.upstreamModelId, ...(price ? { price } : {}) };
        yield* route.rest(opened, target, call);
        return;
      }
    }
    throw lastError ?? new GatewayError('upstream_error');
  }

  /** Starts one attempt and waits for its first part, at most `firstTokenTimeoutMs`. */
  private async open(target: RouteTarget, call: ChatModelCall): Promise<Opened> {
    const controller = new AbortController();
    const forward = () => controller.abort(call.signal.reason);
    call.signal.addEventListener('abort', forward, { once: true });
    const timeout = (kind: string, ms: number) => () =>
      controller.abort(new GatewayError('upstream_timeout', `${target.provider.name} sent ${kind} within ${ms} ms.`));
    const totalTimer = setTimeout(timeout('no complete reply', this.policy.timeoutMs), this.policy.timeoutMs);
    // A whole reply is its own first part: it gets the time a whole reply may take.
    const firstTokenMs = call.whole ? this.policy.timeoutMs : this.policy.firstTokenTimeoutMs;
    const firstTimer = setTimeout(timeout('nothing', firstTokenMs), firstTokenMs);
    const finish = () => {
      clearTimeout(totalTimer);
      clearTimeout(firstTimer);
      call.signal.removeEventListener('abort', forward);
    };
    const iterator = target.model.stream({ ...call, upstreamModelId: target.upstreamModelId, signal: controller.signal })[Symbol.asyncIterator]();
    let first: IteratorResult<ChatModelPart>;
    try {
      first = await iterator.next();
    } catch (error) {
      finish();
      controller.abort();
      if (call.signal.aborted) return { ok: false, aborted: true };
      return { ok: false, error: timeoutReason(controller.signal) ?? toGatewayError(error) };
    }
    clearTimeout(firstTimer);
    if (call.signal.aborted) {
      finish();
      await iterator.return?.();
      return { ok: false, aborted: true };
    }
    // A provider stops quietly when its signal fires: a timeout is told apart by the signal's reason.
    const timedOut = timeoutReason(controller.signal);
    if (timedOut) {
      finish();
      return { ok: false, error: timedOut };
    }
    return { ok: true, iterator, first, finish, controller };
  }

  /** Passes on the first part and the rest; a failure now is the stream's end, never a retry. */
  private async *rest(opened: Extract<Opened, { ok: true }>, target: RouteTarget, call: ChatModelCall): AsyncGenerator<ChatModelPart> {
    const { iterator, controller } = opened;
    let completed = false;
    try {
      if (opened.first.done) {
        completed = true;
        return;
      }
      yield opened.first.value;
      while (true) {
        let next: IteratorResult<ChatModelPart>;
        try {
          next = await iterator.next();
        } catch (error) {
          if (call.signal.aborted) return;
          const failure = timeoutReason(controller.signal) ?? toGatewayError(error);
          target.provider.health.failed(failure.code, failure.message);
          throw failure;
        }
        if (next.done) break;
        yield next.value;
      }
      if (call.signal.aborted) return;
      const timedOut = timeoutReason(controller.signal);
      if (timedOut) {
        target.provider.health.failed(timedOut.code, timedOut.message);
        throw timedOut;
      }
      completed = true;
    } finally {
      opened.finish();
      if (!completed) {
        controller.abort(call.signal.aborted ? call.signal.reason : new GatewayError('cancelled'));
        await iterator.return?.();
      }
    }
  }
}

function timeoutReason(signal: AbortSignal): GatewayError | undefined {
  return signal.aborted && signal.reason instanceof GatewayError && signal.reason.code === 'upstream_timeout' ? signal.reason : undefined;
}
