/** One message of a conversation, as `GET /v1/sessions/{id}` returns it. */
export interface SessionTurnBody {
  role: 'user' | 'assistant';
  content: string;
  /** ISO 8601. */
  created_at: string;
  request_id: string;
  /** For assistant turns: whether the reply completed, failed part-way or was cancelled. */
  status: 'complete' | 'failed' | 'cancelled';
  model?: string;
}

/** The body of `GET /v1/sessions/{id}`. */
export interface SessionBody {
  session_id: string;
  created_at: string;
  updated_at: string;
  turns: SessionTurnBody[];
}

/** One session in the body of `GET /v1/sessions`. */
export interface SessionSummaryBody {
  session_id: string;
  /** The start of the first message. */
  title: string;
  created_at: string;
  updated_at: string;
  turn_count: number;
}

/** The body of `GET /v1/sessions`: the caller's sessions, most recently used first. */
export interface SessionListBody {
  sessions: SessionSummaryBody[];
}

/** The body of `POST /api/v1/sessions` (201). */
export interface CreatedSessionBody {
  session_id: string;
  created_at: string;
}

/** The body of `DELETE /v1/sessions/{id}`. */
export interface DeletedSessionBody {
  session_id: string;
  deleted: true;
}

/** One message of a conversation, in the camelCase form that TypeScript code (store, client) works with. */
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

/** A session and its history, oldest turn first (camelCase form of {@link SessionBody}). */
export interface Session {
  sessionId: string;
  createdAt: string;
  updatedAt: string;
  turns: SessionTurn[];
}
