import type { ChunkTiming, ClientMetrics } from './client-metrics.js';

const round = (value: number) => Math.round(value * 100) / 100;

/** Clocks, replaceable in tests: a monotonic one for durations and a wall clock for `startedAt`. */
export interface Clocks {
  monotonic: () => number;
  wall: () => number;
}

const DEFAULT_CLOCKS: Clocks = { monotonic: () => performance.now(), wall: () => Date.now() };

/** Records one request's timings; created at the moment the request is issued. */
export class MetricsRecorder {
  private readonly origin: number;
  private readonly startedAt: number;
  private readonly chunks: ChunkTiming[] = [];
  private totalMs: number | null = null;
  private outputTokensPerSecond: number | null = null;

  constructor(private readonly clocks: Clocks = DEFAULT_CLOCKS) {
    this.origin = clocks.monotonic();
    this.startedAt = clocks.wall();
  }

  /** A chunk of text arrived now. */
  chunk(characters: number): void {
    if (this.totalMs !== null) return;
    this.chunks.push({ atMs: round(this.clocks.monotonic() - this.origin), characters });
  }

  /** The stream ended now; `outputTokens` is the gateway's count when it reported one. */
  finish(outputTokens?: number): void {
    if (this.totalMs !== null) return;
    const totalMs = this.clocks.monotonic() - this.origin;
    const tokens = outputTokens ?? this.chunks.length;
    this.totalMs = round(totalMs);
    this.outputTokensPerSecond = totalMs > 0 ? round((tokens * 1000) / totalMs) : 0;
  }

  snapshot(): ClientMetrics {
    return {
      startedAt: this.startedAt,
      ttftMs: this.chunks[0]?.atMs ?? null,
      totalMs: this.totalMs,
      outputTokensPerSecond: this.outputTokensPerSecond,
      chunkCount: this.chunks.length,
      chunks: [...this.chunks],
    };
  }
}
