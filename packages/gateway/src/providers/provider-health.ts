import type { ErrorCode } from '@streamgate/protocol';
import type { ProviderState } from './provider.js';

const DEGRADING: ReadonlySet<ErrorCode> = new Set(['upstream_throttled', 'upstream_unavailable', 'upstream_timeout', 'upstream_error', 'upstream_bad_response']);
const FAILING: ReadonlySet<ErrorCode> = new Set(['upstream_access_denied', 'upstream_not_found']);

export interface HealthSnapshot {
  lastSuccessAt?: string;
  lastError?: { code: ErrorCode; message: string; at: string };
  consecutiveFailures: number;
}

/**
 * What the last calls to a provider did, for `/ready`: a provider whose last call was refused for
 * its credentials is `error`, one that is throttled or failing is `degraded`, until a call succeeds.
 */
export class ProviderHealth {
  private snapshot: HealthSnapshot = { consecutiveFailures: 0 };

  succeeded(): void {
    this.snapshot = { ...this.snapshot, lastSuccessAt: new Date().toISOString(), consecutiveFailures: 0 };
  }

  failed(code: ErrorCode, message: string): void {
    if (!DEGRADING.has(code) && !FAILING.has(code)) return;
    this.snapshot = {
      ...this.snapshot,
      lastError: { code, message, at: new Date().toISOString() },
      consecutiveFailures: this.snapshot.consecutiveFailures + 1,
    };
  }

  get current(): HealthSnapshot {
    return this.snapshot;
  }

  /** The provider's own check, worsened by what recent calls saw. */
  combine(state: ProviderState): ProviderState {
    if (state.status !== 'ok' || this.snapshot.consecutiveFailures === 0 || !this.snapshot.lastError) return state;
    const { code, message } = this.snapshot.lastError;
    return { status: FAILING.has(code) ? 'error' : 'degraded', message: `last call failed: ${code}: ${message}` };
  }
}
