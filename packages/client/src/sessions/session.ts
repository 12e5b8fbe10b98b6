/** One message of a conversation, as the gateway stores it. */
export interface SessionTurn {
  role: 'user' | 'assistant';
  content: string;
  /** ISO 8601. */
  createdAt: string;
  requestId: string;
  /** For assistant turns: whether the reply completed, failed part-way or was cancelled. */
  status: 'complete' | 'failed' | 'cancelled';
  model?: string;
}

/** A session and its history, oldest turn first. */
export interface Session {
  sessionId: string;
  createdAt: string;
  updatedAt: string;
  turns: SessionTurn[];
}

export interface CreatedSession {
  sessionId: string;
  createdAt: string;
}
