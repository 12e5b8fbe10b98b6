import type { SimulateOptions } from '@streamgate/protocol';

export type Transport = 'rest' | 'sse' | 'websocket';

/** Who is asking: the identity that owns sessions and is billed in usage records. */
export interface Caller {
  /** A stable, non-secret id of the API key (a prefix of its hash). */
  keyId: string;
}

/** A chat request as the engine sees it, whichever transport it came over. */
export interface ChatRequest {
  requestId: string;
  message: string;
  sessionId?: string;
  model?: string;
  system?: string;
  maxTokens?: number;
  temperature?: number;
  simulate?: SimulateOptions;
  caller: Caller;
  transport: Transport;
}
