export type { Session, SessionTurn } from '@streamgate/protocol';

/** A session just created, with no turns yet. */
export interface CreatedSession {
  sessionId: string;
  createdAt: string;
}
