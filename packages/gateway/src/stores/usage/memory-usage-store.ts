import type { StoredUsage, UsageQuery, UsageStore, UsageSummary } from './usage-store.js';

/** Usage in process memory, for tests and trials; keeps the newest `limit` records. */
export class MemoryUsageStore implements UsageStore {
  readonly records: StoredUsage[] = [];
  private readonly ids = new Set<string>();

  constructor(private readonly limit = 100_000) {}

  async insert(records: readonly StoredUsage[]): Promise<void> {
    for (const record of records) {
      if (this.ids.has(record.id)) continue;
      this.ids.add(record.id);
      this.records.push(record);
    }
    while (this.records.length > this.limit) this.ids.delete(this.records.shift()!.id);
  }

  async summarize(query: UsageQuery): Promise<UsageSummary[]> {
    const groups = new Map<string, UsageSummary>();
    for (const record of this.records) {
      if (record.startedAt < query.from || record.startedAt >= query.to) continue;
      if (query.keyId !== undefined && record.keyId !== query.keyId) continue;
      const parts = {
        ...(query.groupBy.includes('key') ? { keyId: record.keyId } : {}),
        ...(query.groupBy.includes('model') ? { model: record.model } : {}),
        ...(query.groupBy.includes('day') ? { day: record.startedAt.slice(0, 10) } : {}),
      };
      const name = JSON.stringify([parts.keyId, parts.model, parts.day]);
      let group = groups.get(name);
      if (!group) {
        group = { ...parts, requests: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, outcomes: { completed: 0, partial: 0, failed: 0, cancelled: 0 } };
        groups.set(name, group);
      }
      group.requests++;
      group.inputTokens += record.inputTokens;
      group.outputTokens += record.outputTokens;
      group.costUsd = Math.round((group.costUsd + record.costUsd) * 1e8) / 1e8;
      group.outcomes[record.outcome]++;
    }
    return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, group]) => group);
  }

  async spend(keyId: string, since: string): Promise<number> {
    return this.records.filter((record) => record.keyId === keyId && record.startedAt >= since).reduce((sum, record) => sum + record.costUsd, 0);
  }

  async check(): Promise<void> {}

  async close(): Promise<void> {}
}
