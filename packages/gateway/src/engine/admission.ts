import type { ResolvedModel } from '../routing/model-registry.js';
import type { ChatRequest } from './chat-request.js';
import type { UsageRecord } from './usage-record.js';

/** What an admitted request holds (a concurrency slot, say) until it ends. */
export interface AdmissionGrant {
  /** Called once, with the request's usage record, however the stream ended. */
  finish(record: UsageRecord): void;
}

/**
 * Decides whether a request may run (allowed models, budgets, token and concurrency limits): throws
 * a GatewayError to refuse it before anything is streamed.
 */
export interface Admission {
  admit(request: ChatRequest, model: ResolvedModel): Promise<AdmissionGrant>;
}
