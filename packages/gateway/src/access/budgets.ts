import type { Caller } from '../engine/chat-request.js';
import { GatewayError } from '../errors.js';
import type { BudgetPeriod, KeyBudget } from '../stores/keys/key-store.js';
import type { LimitBackend } from './rate-limit/limit-backend.js';

/** The spend the usage store has recorded for a key since a time (for loading a counter). */
export type SpendSource = (keyId: string, since: string) => Promise<number>;

const DAY_MS = 24 * 3600 * 1000;

/** The current period of a budget: its name (for the counter), start and end, in UTC. */
export function budgetPeriod(period: BudgetPeriod, now = new Date()): { id: string; start: Date; end: Date } {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth();
  if (period === 'day') {
    const start = new Date(Date.UTC(year, month, now.getUTCDate()));
    return { id: start.toISOString().slice(0, 10), start, end: new Date(start.getTime() + DAY_MS) };
  }
  if (period === 'month') {
    const start = new Date(Date.UTC(year, month, 1));
    return { id: start.toISOString().slice(0, 7), start, end: new Date(Date.UTC(year, month + 1, 1)) };
  }
  return { id: 'total', start: new Date(0), end: new Date(now.getTime() + 366 * DAY_MS) };
}

/**
 * Budgets: a key whose spend in the current period has reached its budget is refused with
 * `budget_exceeded` at admission. The spend is a counter in the limit backend (Redis: shared by every
 * instance), loaded from the usage store the first time a period is checked and increased by each
 * usage record. Streams already running finish, so spend can pass the budget by what they cost.
 */
export class BudgetTracker {
  constructor(
    private readonly backend: LimitBackend,
    private readonly loadSpend: SpendSource,
  ) {}

  private counter(caller: Caller, budget: KeyBudget) {
    const period = budgetPeriod(budget.period);
    return { bucket: `spend:${caller.keyId}:${period.id}`, period, ttlMs: period.end.getTime() - Date.now() + DAY_MS };
  }

  async check(caller: Caller): Promise<void> {
    const budget = caller.budget;
    if (!budget || caller.admin) return;
    const { bucket, period, ttlMs } = this.counter(caller, budget);
    let spent = await this.backend.getSpend(bucket);
    if (spent === undefined) {
      let loaded: number;
      try {
        loaded = await this.loadSpend(caller.keyId, period.start.toISOString());
      } catch (error) {
        throw new GatewayError('dependency_unavailable', "The usage store is unavailable, so this key's budget cannot be checked; retry shortly.", { cause: error });
      }
      await this.backend.initSpend(bucket, loaded, ttlMs);
      spent = (await this.backend.getSpend(bucket)) ?? loaded;
    }
    if (spent >= budget.usd) {
      throw new GatewayError('budget_exceeded', `This key has spent $${spent.toFixed(4)} of its $${budget.usd} ${budget.period === 'total' ? 'total' : `${budget.period}ly`} budget.`, {
        details: { budget_usd: budget.usd, spent_usd: Number(spent.toFixed(6)), period: budget.period, ...(budget.period === 'total' ? {} : { resets_at: period.end.toISOString() }) },
      });
    }
  }

  /** Adds a finished request's cost to its key's counter. */
  async add(caller: Caller, costUsd: number): Promise<void> {
    if (!caller.budget || caller.admin || !(costUsd > 0)) return;
    const { bucket, ttlMs } = this.counter(caller, caller.budget);
    await this.backend.addSpend(bucket, costUsd, ttlMs);
  }
}
