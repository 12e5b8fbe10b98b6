import type { SimulateOptions } from '@streamgate/protocol';
import type { ChatMessage } from '../providers/chat-model.js';
import type { KeyBudget, KeyLimits } from '../stores/keys/key-store.js';

/** The surface a request came in on (`openai`: the OpenAI-compatible routes under `/v1`). */
export type Transport = 'rest' | 'sse' | 'websocket' | 'openai';

/** Who is asking: the identity that owns sessions and is billed in usage records. */
export interface Caller {
  /** A stable, non-secret id of the API key (a prefix of its hash, `key_...` for managed keys, `jwt:<user>` for tokens). */
  keyId: string;
  /** The end user, from a JWT's user claim. */
  userId?: string;
  /** The admin credential (`ADMIN_API_KEY`): the admin API, everyone's usage. */
  admin?: boolean;
  /** Models the caller may use; undefined or null: every model. */
  allowedModels?: readonly string[] | null;
  /** Its own limits, over the defaults. */
  limits?: KeyLimits;
  budget?: KeyBudget | null;
  /** When the credential stops working, as known when it was checked (epoch ms): a JWT's `exp`, a key's expiry. */
  expiresAt?: number;
  /**
   * A managed key's secret as the key store indexes it (SHA-256), so that a long-lived WebSocket can
   * check again that the secret still works (not rotated out, key not revoked). Never the secret itself.
   */
  secretHash?: string;
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
  /** Earlier turns supplied by the caller (a proxy route); when set, they are sent instead of the session's history. */
  history?: ChatMessage[];
  /** The client wants the reply at once (see ChatModelCall.whole). */
  whole?: boolean;
  /**
   * false: the caller keeps the conversation itself (an OpenAI client sends it whole every time) and
   * named no session, so the turns are not stored. Default true.
   */
  keepTurns?: boolean;
  /** Provider-specific options, passed through to the model call (see ChatModelCall). */
  providerOptions?: Readonly<Record<string, unknown>>;
  caller: Caller;
  transport: Transport;
}
