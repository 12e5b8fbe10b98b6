import type { FastifyBaseLogger } from 'fastify';
import type { UsageOutcome, UsageRecord, UsageSink } from './usage-record.js';

/** Writes each usage record as one structured log line and keeps totals by outcome. */
export class LogUsageSink implements UsageSink {
  readonly totals: Record<UsageOutcome, number> = { completed: 0, partial: 0, failed: 0, cancelled: 0 };

  constructor(private readonly logger: FastifyBaseLogger) {}

  record(record: UsageRecord): void {
    this.totals[record.outcome]++;
    this.logger.info({ usage: record }, 'request finished');
  }

  async flush(): Promise<void> {}
}
