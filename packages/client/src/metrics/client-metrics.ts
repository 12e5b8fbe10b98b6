/** When one chunk of text arrived, and how long it was. */
export interface ChunkTiming {
  /** Milliseconds since the request was issued. */
  atMs: number;
  /** Characters in the chunk. */
  characters: number;
}

/**
 * Timings measured by the client, from the moment the request was issued (so they include the
 * network and the transport's own overhead, unlike the gateway's `metrics`).
 */
export interface ClientMetrics {
  /** Wall-clock time the request was issued, in milliseconds since the epoch. */
  startedAt: number;
  /** Time to the first chunk of text; null until (or if never) one arrives. */
  ttftMs: number | null;
  /** Time to the end of the stream (done, error or cancel); null while it runs. */
  totalMs: number | null;
  /**
   * Output tokens divided by total time: the gateway's token count when the stream completed,
   * else the chunk count. Null while the stream runs.
   */
  outputTokensPerSecond: number | null;
  /** Chunks of text received. REST delivers the whole reply as one chunk. */
  chunkCount: number;
  /** Every chunk's arrival, in order: the data for a chart of token arrival. */
  chunks: readonly ChunkTiming[];
}
