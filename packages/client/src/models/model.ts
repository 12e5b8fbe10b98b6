/** A model the gateway serves, as `GET /v1/models` lists it. */
export interface Model {
  /** The id to put in a chat request's `model`. */
  id: string;
  /** The provider that serves it (`simulator`, `bedrock`, a configured OpenAI-compatible server...). */
  ownedBy: string;
  /** What it serves: chat (the chat routes), embeddings or images. Absent from gateways that do not say. */
  kind?: 'chat' | 'embedding' | 'image';
  /** Unix seconds (when the gateway started: its models are configured, not created). */
  created: number;
}
