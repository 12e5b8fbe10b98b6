/** One text to embed. */
export interface EmbeddingCall {
  upstreamModelId: string;
  text: string;
  /** Output size, where the model lets the caller choose (Titan v2: 256, 512 or 1024). */
  dimensions?: number;
  normalize?: boolean;
  signal: AbortSignal;
}

export interface EmbeddingResult {
  embedding: number[];
  inputTokens: number;
}

/** A text embedding model. Failures are thrown as GatewayError, like chat models. */
export interface EmbeddingModel {
  embed(call: EmbeddingCall): Promise<EmbeddingResult>;
}
