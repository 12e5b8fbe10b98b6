import type { FastifyBaseLogger } from 'fastify';
import type { Admission, AdmissionGrant, AdmissionRequest } from '../engine/admission.js';
import type { Caller } from '../engine/chat-request.js';
import { GatewayError } from '../errors.js';
import type { BudgetTracker } from './budgets.js';
import type { RateLimiter } from './rate-limit/rate-limiter.js';

/**
 * The engine's admission for keys and users: the key's allowed models, its budget, then its token and
 * concurrency limits (requests per window are counted earlier, per HTTP request or WebSocket frame).
 */
export class AccessAdmission implements Admission {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly budgets: BudgetTracker,
    private readonly logger: FastifyBaseLogger,
  ) {}

  async admit(request: AdmissionRequest, model: { readonly id: string }): Promise<AdmissionGrant> {
    const caller = request.caller;
    // A WebSocket outlives the check at its upgrade: a JWT or key past its expiry starts nothing new
    // (the socket also re-checks a managed key with the key store before each request).
    if (caller.expiresAt !== undefined && caller.expiresAt <= Date.now()) throw credentialExpired(caller);
    const allowed = caller.allowedModels;
    if (allowed && !allowed.includes(model.id) && !(request.model !== undefined && allowed.includes(request.model))) {
      throw new GatewayError('model_not_allowed', `This key may not use "${model.id}"; it may use ${allowed.join(', ') || 'no model'}.`, {
        details: { allowed_models: allowed },
      });
    }
    await this.budgets.check(caller);
    const lease = await this.limiter.admitStream(caller);
    return {
      finish: (record) => {
        lease?.release(record.inputTokens + record.outputTokens);
        this.budgets.add(caller, record.costUsd).catch((error: unknown) => this.logger.warn({ err: error, keyId: caller.keyId }, 'could not count spend towards a budget'));
      },
    };
  }
}

export function credentialExpired(caller: Caller): GatewayError {
  const at = new Date(caller.expiresAt ?? Date.now()).toISOString();
  return caller.keyId.startsWith('jwt:')
    ? new GatewayError('token_expired', `The bearer token expired at ${at}; connect again with a fresh one.`)
    : new GatewayError('key_expired', `API key ${caller.keyId} (this secret) stopped working at ${at}.`);
}
