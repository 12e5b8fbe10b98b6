import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Transport } from '../../engine/chat-request.js';
import type { UsageSink } from '../../engine/usage-record.js';
import { GatewayError, toGatewayError } from '../../errors.js';
import type { MediaModelEntry } from '../../routing/media-models.js';
import { costOf } from '../../routing/model-registry.js';
import { abortOnClientClose } from '../rest/abort-on-close.js';

/**
 * Runs one embedding or image call: aborted when the client goes away or the time limit passes, and
 * accounted with one usage record whatever happens (sessionless: `sessionId` is empty).
 */
export async function runMediaCall<T>(
  request: FastifyRequest,
  reply: FastifyReply,
  options: { usage: UsageSink; entry: Pick<MediaModelEntry<unknown>, 'id' | 'provider' | 'price'>; timeoutMs: number; transport?: Transport },
  call: (signal: AbortSignal) => Promise<{ result: T; inputTokens: number }>,
): Promise<T> {
  const clientSignal = abortOnClientClose(reply);
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = AbortSignal.any([clientSignal, timeout]);
  const startedAt = new Date().toISOString();
  const began = performance.now();
  let inputTokens = 0;
  let outcome: 'completed' | 'failed' | 'cancelled' = 'failed';
  let errorCode: string | undefined;
  try {
    const done = await call(signal);
    inputTokens = done.inputTokens;
    outcome = 'completed';
    return done.result;
  } catch (error) {
    let failure = toGatewayError(error);
    if (timeout.aborted && !clientSignal.aborted) failure = new GatewayError('upstream_timeout', `The model did not answer within ${options.timeoutMs} ms.`);
    if (clientSignal.aborted) outcome = 'cancelled';
    errorCode = failure.code;
    throw failure;
  } finally {
    options.usage.record({
      requestId: request.id,
      keyId: request.caller.keyId,
      ...(request.caller.userId !== undefined ? { userId: request.caller.userId } : {}),
      sessionId: '',
      model: options.entry.id,
      provider: options.entry.provider,
      transport: options.transport ?? 'rest',
      inputTokens,
      outputTokens: 0,
      ttftMs: null,
      totalMs: Math.round((performance.now() - began) * 100) / 100,
      outcome,
      ...(errorCode ? { errorCode } : {}),
      costUsd: costOf(options.entry.price, inputTokens, 0),
      startedAt,
    });
  }
}
