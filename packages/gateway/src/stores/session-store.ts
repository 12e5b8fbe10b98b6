import type { SessionTurn } from '@streamgate/protocol';

/** One message of a conversation, as stored and as `GET /v1/sessions/{id}` returns it (the protocol's type). */
export type { SessionTurn };

export interface SessionSummary {
  id: string;
  createdAt: string;
  updatedAt: string;
  turnCount: number;
}

/** A session as listed: its summary and the start of its first message, for a title. */
export interface SessionListItem extends SessionSummary {
  title: string;
}

/** Characters of the first user message a listed session shows as its title. */
export const SESSION_TITLE_LENGTH = 80;

/**
 * Conversation history, owned by the caller that created it: a session belongs to one owner,
 * and every method treats another owner's session as absent.
 */
export interface SessionStore {
  /** Creates an empty session; false if the id is already taken. */
  create(id: string, ownerId: string): Promise<boolean>;
  /** The owner's sessions, most recently used first, at most `limit`. */
  list(ownerId: string, limit: number): Promise<SessionListItem[]>;
  get(id: string, ownerId: string): Promise<(SessionSummary & { turns: SessionTurn[] }) | undefined>;
  /**
   * Whether `ownerId` may write to the session: true when it is theirs or does not exist yet.
   * The engine checks this before a request is admitted.
   */
  isWritable(id: string, ownerId: string): Promise<boolean>;
  /** The last `limit` turns, oldest first. */
  recentTurns(id: string, ownerId: string, limit: number): Promise<SessionTurn[]>;
  /** Appends turns, creating the session if needed. */
  append(id: string, ownerId: string, turns: SessionTurn[]): Promise<void>;
  /** Deletes the session and its history; false when there was none. */
  delete(id: string, ownerId: string): Promise<boolean>;
  /** Throws when the store cannot serve (for `/ready`). */
  check(): Promise<void>;
  close(): Promise<void>;
}
