import { randomUUID } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { appendFile, mkdir, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { FastifyBaseLogger } from 'fastify';
import type { UsageRecord, UsageSink } from '../../engine/usage-record.js';
import type { StoredUsage, UsageStore } from './usage-store.js';

export interface UsageWriterOptions {
  store: UsageStore;
  /** Records per insert. */
  batchSize: number;
  /** How often pending records are written (sooner when a batch fills). */
  flushIntervalMs: number;
  /** Records held in memory; beyond this the oldest go to the spool file. */
  bufferLimit: number;
  /** JSON-lines file for records the store could not take in time (outage, shutdown); replayed when it can. */
  spoolFile?: string;
  /**
   * Where records go when the spool file cannot be written either (its disk is full or read-only): on
   * another file system, by default under the OS's temporary folder. Replayed like the spool file.
   */
  fallbackSpoolFile?: string;
  logger: FastifyBaseLogger;
}

export interface UsageWriterStats {
  status: 'ok' | 'degraded';
  /** Records accepted since start. */
  recorded: number;
  /** Records the store confirmed (spool replays included). */
  written: number;
  /** Records in memory waiting for the store. */
  pending: number;
  /** Records moved to the spool file since start, and those of them (or of earlier runs) not replayed yet. */
  spooled: number;
  spoolPending: boolean;
  failedAttempts: number;
  /** Records lost: only when the spool file itself could not be written. */
  dropped: number;
  lastError?: string;
}

const MAX_BACKOFF_MS = 30_000;

/**
 * The UsageSink in front of a UsageStore: `record()` only appends to a buffer; batches are written in
 * the background, retried with backoff while the store is down, moved to a spool file when the buffer
 * is full or at shutdown, and replayed from it once the store answers. Every record has a unique id
 * and inserts skip ids already stored, so a retried or replayed batch never counts twice.
 */
export class UsageWriter implements UsageSink {
  private buffer: StoredUsage[] = [];
  private inFlight = 0;
  private writing: Promise<void> | undefined;
  private spoolWrites: Promise<void> = Promise.resolve();
  private spoolPending: boolean;
  private retryAt = 0;
  private consecutiveFailures = 0;
  private closed = false;
  private readonly timer: NodeJS.Timeout;
  private readonly counters = { recorded: 0, written: 0, spooled: 0, failedAttempts: 0, dropped: 0 };
  private lastError: string | undefined;

  constructor(private readonly options: UsageWriterOptions) {
    this.spoolPending = this.spoolFiles().some((file) => existsSync(file) || existsSync(`${file}.replay`));
    this.timer = setInterval(() => this.kick(), options.flushIntervalMs);
    this.timer.unref();
    if (this.spoolPending) this.kick();
  }

  record(record: UsageRecord): void {
    this.counters.recorded++;
    this.options.logger.info({ usage: record }, 'request finished');
    this.buffer.push({ ...record, id: randomUUID() });
    if (this.buffer.length >= this.options.batchSize) this.kick();
    if (this.buffer.length > this.options.bufferLimit) {
      // Keep the newest half of the buffer in memory; the rest waits on disk.
      this.spill(this.buffer.splice(0, this.buffer.length - Math.floor(this.options.bufferLimit / 2)));
    }
  }

  stats(): UsageWriterStats {
    return {
      status: this.consecutiveFailures > 0 ? 'degraded' : 'ok',
      ...this.counters,
      pending: this.buffer.length + this.inFlight,
      spoolPending: this.spoolPending,
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  /** Writes what is pending now (used before reporting usage, so a caller sees its own requests). */
  async sync(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (let round = 0; round < 10 && this.buffer.length + this.inFlight > 0 && Date.now() < deadline && this.consecutiveFailures === 0; round++) {
      this.kick();
      await this.writing;
    }
  }

  /** On shutdown: one last attempt to write everything; what the store does not take goes to the spool file. */
  async flush(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.writing;
    this.retryAt = 0;
    this.consecutiveFailures = 0;
    await this.writeOut(false);
    if (this.buffer.length > 0) this.spill(this.buffer.splice(0));
    await this.spoolWrites;
  }

  /** The spool files, most preferred first. */
  private spoolFiles(): string[] {
    return [this.options.spoolFile, this.options.fallbackSpoolFile].filter((file): file is string => file !== undefined);
  }

  private kick(): void {
    if (this.writing || Date.now() < this.retryAt) return;
    if (this.buffer.length === 0 && !this.spoolPending) return;
    this.writing = this.writeOut(!this.closed).finally(() => (this.writing = undefined));
  }

  private async writeOut(replay: boolean): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, this.options.batchSize);
      this.inFlight = batch.length;
      try {
        await this.options.store.insert(batch);
        this.counters.written += batch.length;
        this.succeeded();
      } catch (error) {
        this.buffer.unshift(...batch);
        this.failed(error);
        return;
      } finally {
        this.inFlight = 0;
      }
    }
    if (!replay || !this.spoolPending) return;
    let pending = false;
    for (const file of this.spoolFiles()) {
      if (!(await this.replaySpool(file))) return;
      pending ||= existsSync(file);
    }
    this.spoolPending = pending;
  }

  private succeeded(): void {
    if (this.consecutiveFailures > 0) this.options.logger.info({ written: this.counters.written }, 'usage store is back; writing pending records');
    this.consecutiveFailures = 0;
    this.lastError = undefined;
  }

  private failed(error: unknown): void {
    this.counters.failedAttempts++;
    this.consecutiveFailures++;
    this.lastError = (error as Error).message;
    const backoff = Math.min(MAX_BACKOFF_MS, this.options.flushIntervalMs * 2 ** Math.min(this.consecutiveFailures - 1, 10));
    this.retryAt = Date.now() + backoff;
    if (this.consecutiveFailures === 1 || this.consecutiveFailures % 10 === 0) {
      this.options.logger.warn({ err: error, pending: this.buffer.length, retryInMs: backoff }, 'usage store write failed; records kept and retried');
    }
  }

  private spill(records: StoredUsage[]): void {
    const files = this.spoolFiles();
    if (files.length === 0) {
      this.counters.dropped += records.length;
      this.options.logger.error({ dropped: records.length }, 'usage buffer full and no spool file: records dropped');
      return;
    }
    const lines = records.map((record) => JSON.stringify(record)).join('\n') + '\n';
    this.spoolWrites = this.spoolWrites.then(async () => {
      let lastError: unknown;
      for (const file of files) {
        try {
          await mkdir(path.dirname(file), { recursive: true });
          await appendFile(file, lines, { mode: 0o600 });
          this.counters.spooled += records.length;
          this.spoolPending = true;
          this.options.logger.warn({ records: records.length, file }, 'usage records spooled to disk until the store takes them');
          return;
        } catch (error) {
          lastError = error;
          this.options.logger.warn({ err: error, file }, 'could not spool usage records to this file');
        }
      }
      this.counters.dropped += records.length;
      this.options.logger.error({ err: lastError, dropped: records.length }, 'could not spool usage records anywhere: dropped');
    });
  }

  /**
   * Claims a spool file (rename: new spills start a new one) and inserts it batch by batch. Resolves
   * false when the store failed (the claimed file stays for the next attempt).
   */
  private async replaySpool(file: string): Promise<boolean> {
    const claimed = `${file}.replay`;
    await this.spoolWrites;
    try {
      if (!existsSync(claimed)) {
        if (!existsSync(file)) return true;
        await rename(file, claimed);
      }
      const lines = createInterface({ input: createReadStream(claimed, 'utf8'), crlfDelay: Infinity });
      let batch: StoredUsage[] = [];
      for await (const line of lines) {
        if (line.trim() === '') continue;
        try {
          batch.push(JSON.parse(line) as StoredUsage);
        } catch {
          this.counters.dropped++;
        }
        if (batch.length >= this.options.batchSize) {
          await this.options.store.insert(batch);
          this.counters.written += batch.length;
          batch = [];
        }
      }
      if (batch.length > 0) {
        await this.options.store.insert(batch);
        this.counters.written += batch.length;
      }
      await unlink(claimed);
      this.succeeded();
      this.options.logger.info({ file }, 'spooled usage records written to the store');
      return true;
    } catch (error) {
      // The claimed file stays; inserts are idempotent, so the next attempt may safely start over.
      this.failed(error);
      return false;
    }
  }
}
