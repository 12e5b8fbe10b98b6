export type { Session, SessionTurn } from '@streamgate/protocol';

/** A session just created, with no turns yet. */
export interface CreatedSession {
  sessionId: string;
  createdAt: string;
}

/** A session as `sessions.list()` gives it: no turns, their count and the start of the first message. */
export interface SessionSummary {
  sessionId: string;
  /** The start of the first message; empty for a session without turns. */
  title: string;
  /** ISO 8601. */
  createdAt: string;
  /** ISO 8601: the last turn, or the creation. */
  updatedAt: string;
  turnCount: number;
}
