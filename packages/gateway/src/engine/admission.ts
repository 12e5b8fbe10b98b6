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
  /** `request.model` is what the caller named (an alias, say); `model.id` what it resolved to. */
  admit(request: AdmissionRequest, model: { readonly id: string }): Promise<AdmissionGrant>;
}

/** What admission looks at: who asks, and for which model by the name they used. Chat and media calls alike. */
export type AdmissionRequest = Pick<ChatRequest, 'caller' | 'model'>;
