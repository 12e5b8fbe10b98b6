import { randomUUID } from 'node:crypto';
import type { ErrorEvent, StopReason, StreamEvent, Usage } from '@streamgate/protocol';
import { GatewayError, toGatewayError } from '../errors.js';
import type { ChatMessage } from '../providers/chat-model.js';
import { estimateInputTokens, estimateOutputTokens } from '../providers/token-estimate.js';
import { costOf, type ModelPrice, type ModelRegistry, type ResolvedModel } from '../routing/model-registry.js';
import type { SessionStore, SessionTurn } from '../stores/session-store.js';
import type { Admission, AdmissionGrant } from './admission.js';
import type { ChatRequest } from './chat-request.js';
import { ReplyText } from './reply-text.js';
import type { UsageOutcome, UsageRecord, UsageSink } from './usage-record.js';

export interface ChatEngineOptions {
  registry: ModelRegistry;
  sessions: SessionStore;
  usage: UsageSink;
  /** Earlier turns sent to the model as context. */
  historyTurns: number;
  /** Told about failures that are the gateway's own fault (`internal_error`). */
  onInternalError?: (error: unknown, requestId: string) => void;
  /**
   * Told when the session store failed to keep a request's turns. A completed request that named its
   * session then ends with an `error` event instead of `done`; one that named none is not failed for it.
   */
  onTurnsNotKept?: (error: unknown, requestId: string, sessionId: string) => void;
  /** Allowed models, budgets, token and concurrency limits; absent: every request is admitted. */
  admission?: Admission;
}

/** An admitted request: its ids, and its events to pull. */
export interface ChatStream extends AsyncIterable<StreamEvent> {
  readonly requestId: string;
  readonly sessionId: string;
  readonly model: string;
}

interface ActiveRequest {
  controller: AbortController;
  finished: Promise<void>;
}

interface Billing {
  provider: string;
  price: ModelPrice | undefined;
}

/** How a stream ended, for its usage record and session turns. */
interface Ending {
  billed: Billing;
  usage: Usage;
  upstreamLatencyMs: number | undefined;
  reply: string;
  /** Text deltas streamed (the reply itself is empty when no turn is kept). */
  deltas: number;
  ttftMs: number | null;
  admittedAt: number;
  startedAt: string;
  outcome: UsageOutcome;
  failure: GatewayError | undefined;
}

const round = (value: number) => Math.round(value * 100) / 100;

/**
 * ChatRequest -> stream of events. Admits (model, session), streams from the provider, keeps the
 * session and writes exactly one usage record, whatever way the stream ends. No HTTP in here: the
 * Node server and the Lambda handlers share it.
 */
export class ChatEngine {
  private readonly active = new Set<ActiveRequest>();
  private draining = false;

  constructor(private readonly options: ChatEngineOptions) {}

  /** Requests streaming now. */
  get activeCount(): number {
    return this.active.size;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /**
   * Admits a request. Throws a GatewayError (unknown model, foreign session, shutting down) before
   * anything is streamed; after that, every failure is an `error` event. `signal` aborts the model call.
   */
  async open(request: ChatRequest, signal: AbortSignal): Promise<ChatStream> {
    const admittedAt = performance.now();
    if (this.draining) throw new GatewayError('shutting_down');
    const resolved = this.options.registry.resolve(request.model);
    const sessionId = request.sessionId ?? randomUUID();
    const ownerId = request.caller.keyId;
    if (request.sessionId !== undefined && !(await this.options.sessions.isWritable(sessionId, ownerId))) {
      throw new GatewayError('session_not_found', `No session "${sessionId}" belongs to this key.`);
    }
    // A new session has no history: a request naming none does not need the store to be up.
    const history: ChatMessage[] =
      request.history ?? (request.sessionId === undefined ? [] : await this.options.sessions.recentTurns(sessionId, ownerId, this.options.historyTurns));
    // Last, so that nothing can fail between taking a grant (a concurrency slot) and the stream that returns it.
    const grant = await this.options.admission?.admit(request, resolved);
    const events = this.run(request, signal, resolved, sessionId, history, admittedAt, grant);
    return { requestId: request.requestId, sessionId, model: resolved.id, [Symbol.asyncIterator]: () => events };
  }

  private async *run(
    request: ChatRequest,
    signal: AbortSignal,
    resolved: ResolvedModel,
    sessionId: string,
    history: ChatMessage[],
    admittedAt: number,
    grant: AdmissionGrant | undefined,
  ): AsyncGenerator<StreamEvent> {
    const controller = new AbortController();
    const forwardAbort = () => controller.abort(signal.reason);
    if (signal.aborted) forwardAbort();
    else signal.addEventListener('abort', forwardAbort, { once: true });
    let markFinished!: () => void;
    const entry: ActiveRequest = { controller, finished: new Promise((resolve) => (markFinished = resolve)) };
    this.active.add(entry);

    const messages: ChatMessage[] = history
      .filter((turn) => turn.content.length > 0)
      .map((turn) => ({ role: turn.role, content: turn.content }));
    messages.push({ role: 'user', content: request.message });
    const startedAt = new Date().toISOString();
    // Kept only for the session turn: a request that keeps none holds no text at all, however long.
    const reply = request.keepTurns === false ? undefined : new ReplyText();
    let deltas = 0;
    let outputCharacters = 0;
    let ttftMs: number | null = null;
    let finish: { stopReason: StopReason; usage: Usage; upstreamLatencyMs?: number } | undefined;
    // Who is billed: the model's own provider and price, unless a router says a fallback served.
    let billed: Billing = { provider: resolved.provider, price: resolved.price };
    let outcome: UsageOutcome | undefined;
    let failure: GatewayError | undefined;
    // The usage record and the session turns are written before the last event goes out, so that a
    // client that reads the history right after `done` or `error` finds this turn in it.
    // What the model reported, or an estimate where it reported nothing (it failed, or was cut off).
    const usageSoFar = (): Usage =>
      finish?.usage ?? { inputTokens: estimateInputTokens({ system: request.system, messages }), outputTokens: estimateOutputTokens(outputCharacters) };
    let settled = false;
    // Resolves to the error that kept the turns out of a session the caller named, if one did.
    const settle = async (): Promise<GatewayError | undefined> => {
      if (settled) return undefined;
      settled = true;
      return this.finish(request, resolved, sessionId, grant, {
        billed,
        usage: usageSoFar(),
        upstreamLatencyMs: finish?.upstreamLatencyMs,
        reply: reply?.toString() ?? '',
        deltas,
        ttftMs,
        admittedAt,
        startedAt,
        outcome: outcome ?? 'cancelled',
        failure,
      });
    };

    try {
      yield { type: 'start', requestId: request.requestId, model: resolved.id, sessionId };
      const parts = resolved.model.stream({
        upstreamModelId: resolved.upstreamModelId,
        messages,
        system: request.system,
        maxTokens: request.maxTokens,
        temperature: request.temperature,
        simulate: request.simulate,
        sessionId,
        userId: request.caller.keyId,
        ...(request.providerOptions ? { providerOptions: request.providerOptions } : {}),
        ...(request.whole ? { whole: true } : {}),
        signal: controller.signal,
      });
      for await (const part of parts) {
        // Over HTTP/2 an aborted SDK stream ends without throwing: the signal is the truth.
        if (controller.signal.aborted) break;
        if (part.type === 'delta') {
          if (part.text.length === 0) continue;
          ttftMs ??= performance.now() - admittedAt;
          reply?.add(part.text);
          deltas++;
          outputCharacters += part.text.length;
          yield { type: 'delta', text: part.text };
        } else if (part.type === 'trace') {
          yield { type: 'trace', data: part.data };
        } else if (part.type === 'route') {
          billed = { provider: part.provider, price: part.price };
        } else {
          finish = part;
        }
      }
      if (controller.signal.aborted) {
        outcome = 'cancelled';
        failure = abortReason(controller.signal);
        await settle();
        yield errorEvent(failure);
        return;
      }
      outcome = 'completed';
      const usage = usageSoFar();
      const totalMs = performance.now() - admittedAt;
      const unkept = await settle();
      if (unkept) {
        yield errorEvent(unkept);
        return;
      }
      yield {
        type: 'done',
        stopReason: finish?.stopReason ?? 'end_turn',
        usage,
        metrics: {
          ttftMs: ttftMs === null ? null : round(ttftMs),
          totalMs: round(totalMs),
          outputTokensPerSecond: totalMs > 0 ? round((usage.outputTokens * 1000) / totalMs) : 0,
        },
      };
    } catch (error) {
      if (controller.signal.aborted) {
        outcome = 'cancelled';
        failure = abortReason(controller.signal);
      } else {
        failure = toGatewayError(error);
        outcome = deltas > 0 ? 'partial' : 'failed';
        if (failure.code === 'internal_error') this.options.onInternalError?.(error, request.requestId);
      }
      await settle();
      yield errorEvent(failure);
    } finally {
      signal.removeEventListener('abort', forwardAbort);
      // The consumer may have stopped pulling (its client went away): the model call stops with it.
      if (!controller.signal.aborted && outcome !== 'completed') {
        controller.abort(new GatewayError('cancelled', 'The client went away.'));
      }
      outcome ??= 'cancelled';
      try {
        await settle();
      } finally {
        this.active.delete(entry);
        markFinished();
      }
    }
  }

  /**
   * Keeps the turns, then records usage; resolves to the error that kept them out of a session the
   * caller named. The turns go first so that the usage record says what the client saw: a completed
   * reply whose turns could not be kept ends with an `error` event, and is accounted as such.
   */
  private async finish(request: ChatRequest, resolved: ResolvedModel, sessionId: string, grant: AdmissionGrant | undefined, ending: Ending): Promise<GatewayError | undefined> {
    const { billed, usage, ttftMs, startedAt } = ending;
    const unkept = await this.keepTurns(request, resolved, sessionId, ending);
    const outcome: UsageOutcome = unkept && ending.outcome === 'completed' ? (ending.deltas > 0 ? 'partial' : 'failed') : ending.outcome;
    const failure = unkept && ending.outcome === 'completed' ? unkept : ending.failure;
    const record: UsageRecord = {
      requestId: request.requestId,
      keyId: request.caller.keyId,
      ...(request.caller.userId !== undefined ? { userId: request.caller.userId } : {}),
      sessionId,
      model: resolved.id,
      provider: billed.provider,
      transport: request.transport,
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      ttftMs: ttftMs === null ? null : round(ttftMs),
      totalMs: round(performance.now() - ending.admittedAt),
      ...(ending.upstreamLatencyMs !== undefined ? { upstreamLatencyMs: ending.upstreamLatencyMs } : {}),
      outcome,
      ...(failure ? { errorCode: failure.code } : {}),
      costUsd: costOf(billed.price, usage.inputTokens, usage.outputTokens),
      startedAt,
    };
    this.options.usage.record(record);
    grant?.finish(record);
    return unkept;
  }

  /** Appends the request's two turns to its session; the error, when the caller named the session and it failed. */
  private async keepTurns(request: ChatRequest, resolved: ResolvedModel, sessionId: string, ending: Ending): Promise<GatewayError | undefined> {
    if (request.keepTurns === false) return undefined;
    const outcome = ending.outcome;
    const status: SessionTurn['status'] = outcome === 'completed' ? 'complete' : outcome === 'cancelled' ? 'cancelled' : 'failed';
    try {
      await this.options.sessions.append(sessionId, request.caller.keyId, [
        { role: 'user', content: request.message, createdAt: ending.startedAt, requestId: request.requestId, status: 'complete' },
        { role: 'assistant', content: ending.reply, createdAt: new Date().toISOString(), requestId: request.requestId, status, model: resolved.id },
      ]);
      return undefined;
    } catch (error) {
      this.options.onTurnsNotKept?.(error, request.requestId, sessionId);
      // A caller that named its session must learn that its history lacks this turn (an `error` event
      // instead of `done`); one that named none asked for no history, and its reply stands.
      return request.sessionId !== undefined ? toGatewayError(error) : undefined;
    }
  }

  /**
   * Stops admitting, waits up to `timeoutMs` for running streams to end, then aborts the rest with a
   * `shutting_down` error. Resolves true when every stream ended by itself.
   */
  async drain(timeoutMs: number): Promise<boolean> {
    this.draining = true;
    if (await this.waitForIdle(timeoutMs)) return true;
    for (const entry of this.active) entry.controller.abort(new GatewayError('shutting_down'));
    return false;
  }

  /** Resolves true once no request is streaming, or false after `timeoutMs`. */
  async waitForIdle(timeoutMs: number): Promise<boolean> {
    if (this.active.size === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const idle = Promise.all([...this.active].map((entry) => entry.finished)).then(() => this.waitForIdle(timeoutMs));
    const result = await Promise.race([idle, deadline]);
    clearTimeout(timer);
    return result;
  }
}

/** Dollars, from the model's per-million-token prices; rounded to a millionth of a cent. */
function abortReason(signal: AbortSignal): GatewayError {
  return signal.reason instanceof GatewayError ? signal.reason : new GatewayError('cancelled');
}

function errorEvent(error: GatewayError): ErrorEvent {
  return { type: 'error', code: error.code, message: error.message, retryable: error.retryable };
}
