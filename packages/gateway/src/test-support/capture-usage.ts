import type { UsageRecord, UsageSink } from '../engine/usage-record.js';

/** A usage sink that keeps every record and lets a test wait for one, with a deadline. */
export class CapturingUsageSink implements UsageSink {
  readonly records: UsageRecord[] = [];
  private waiters: { predicate: (record: UsageRecord) => boolean; resolve: (record: UsageRecord) => void }[] = [];

  record(record: UsageRecord): void {
    this.records.push(record);
    for (const waiter of [...this.waiters]) {
      if (waiter.predicate(record)) {
        this.waiters = this.waiters.filter((candidate) => candidate !== waiter);
        waiter.resolve(record);
      }
    }
  }

  async flush(): Promise<void> {}

  /** The first record (already written or still to come) that matches, or a rejection after `timeoutMs`. */
  waitFor(predicate: (record: UsageRecord) => boolean, timeoutMs = 5_000): Promise<UsageRecord> {
    const existing = this.records.find(predicate);
    if (existing) return Promise.resolve(existing);
    return new Promise<UsageRecord>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((candidate) => candidate.resolve !== done);
        reject(new Error(`no matching usage record within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (record: UsageRecord) => {
        clearTimeout(timer);
        resolve(record);
      };
      this.waiters.push({ predicate, resolve: done });
    });
  }
}
