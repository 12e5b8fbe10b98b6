/** One text-to-image request. */
export interface ImageCall {
  upstreamModelId: string;
  prompt: string;
  negativePrompt?: string;
  width?: number;
  height?: number;
  seed?: number;
  /** How strictly the image follows the prompt (Titan and Nova Canvas: 1.1 to 10). */
  cfgScale?: number;
  quality?: 'standard' | 'premium';
  signal: AbortSignal;
}

export interface ImageResult {
  /** Base64-encoded PNG. */
  image: string;
}

/** A text-to-image model. Failures are thrown as GatewayError, like chat models. */
export interface ImageModel {
  generate(call: ImageCall): Promise<ImageResult>;
}
