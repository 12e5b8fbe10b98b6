import type { CreatedSessionBody, SessionBody, SessionSummaryBody, SessionTurnBody } from '@streamgate/protocol';
import type { CallOptions } from '../chat/chat-request.js';
import type { HttpClient } from '../http/http-client.js';
import { createRequestId } from '../shared/request-id.js';
import { isFiniteNumber, isRecord } from '../shared/validate.js';
import type { CreatedSession, Session, SessionSummary, SessionTurn } from './session.js';

export interface ListSessionsOptions extends CallOptions {
  /** At most this many, 1 to 500 (the gateway's default: 50). */
  limit?: number;
}

/**
 * Conversation history kept by the gateway. A session belongs to the key that created it; chat
 * requests name it with `sessionId`. Every method throws a StreamGateError on failure
 * (`session_not_found` for an unknown or foreign session).
 *
 * @example
 * ```ts
 * const { sessionId } = await client.sessions.create();
 * await client.chat({ message: 'Remember: blue.', sessionId });
 * const session = await client.sessions.get(sessionId);
 * console.log(session.turns.map((turn) => `${turn.role}: ${turn.content}`));
 * await client.sessions.delete(sessionId);
 * ```
 */
export class SessionsApi {
  constructor(private readonly http: HttpClient) {}

  /** Creates an empty session. */
  create(options: CallOptions = {}): Promise<CreatedSession> {
    return this.http.json({ method: 'POST', path: '/api/v1/sessions', requestId: createRequestId(), signal: options.signal }, (body) => {
      if (!isRecord(body) || typeof body.session_id !== 'string' || typeof body.created_at !== 'string') return undefined;
      const created = body as unknown as CreatedSessionBody;
      return { sessionId: created.session_id, createdAt: created.created_at };
    });
  }

  /**
   * The caller's sessions, most recently used first, without their turns.
   *
   * @example
   * ```ts
   * const sessions = await client.sessions.list({ limit: 20 });
   * for (const { sessionId, title, turnCount } of sessions) console.log(sessionId, title || 'New chat', turnCount);
   * ```
   */
  list(options: ListSessionsOptions = {}): Promise<SessionSummary[]> {
    const path = options.limit === undefined ? '/v1/sessions' : `/v1/sessions?limit=${encodeURIComponent(options.limit)}`;
    return this.http.json({ method: 'GET', path, requestId: createRequestId(), signal: options.signal }, readSessionList);
  }

  /** A session with its history. */
  get(sessionId: string, options: CallOptions = {}): Promise<Session> {
    const path = `/v1/sessions/${encodeURIComponent(sessionId)}`;
    return this.http.json({ method: 'GET', path, requestId: createRequestId(), signal: options.signal }, readSession);
  }

  /** Deletes a session and its history. */
  async delete(sessionId: string, options: CallOptions = {}): Promise<void> {
    const path = `/v1/sessions/${encodeURIComponent(sessionId)}`;
    await this.http.json({ method: 'DELETE', path, requestId: createRequestId(), signal: options.signal }, (body) =>
      isRecord(body) && body.deleted === true ? true : undefined,
    );
  }
}

function readSessionList(value: unknown): SessionSummary[] | undefined {
  if (!isRecord(value) || !Array.isArray(value.sessions)) return undefined;
  const sessions = value.sessions.map(readSessionSummary);
  return sessions.some((session) => session === undefined) ? undefined : (sessions as SessionSummary[]);
}

function readSessionSummary(value: unknown): SessionSummary | undefined {
  if (!isRecord(value)) return undefined;
  const body = value as unknown as SessionSummaryBody;
  if (typeof body.session_id !== 'string' || typeof body.title !== 'string' || typeof body.created_at !== 'string') return undefined;
  if (typeof body.updated_at !== 'string' || !isFiniteNumber(body.turn_count)) return undefined;
  return { sessionId: body.session_id, title: body.title, createdAt: body.created_at, updatedAt: body.updated_at, turnCount: body.turn_count };
}

function readSession(value: unknown): Session | undefined {
  if (!isRecord(value) || !Array.isArray(value.turns)) return undefined;
  const body = value as unknown as SessionBody;
  if (typeof body.session_id !== 'string' || typeof body.created_at !== 'string' || typeof body.updated_at !== 'string') return undefined;
  const turns = body.turns.map(readTurn);
  if (turns.some((turn) => turn === undefined)) return undefined;
  return { sessionId: body.session_id, createdAt: body.created_at, updatedAt: body.updated_at, turns: turns as SessionTurn[] };
}

function readTurn(value: unknown): SessionTurn | undefined {
  if (!isRecord(value)) return undefined;
  const turn = value as unknown as SessionTurnBody;
  if (typeof turn.content !== 'string' || typeof turn.request_id !== 'string' || typeof turn.created_at !== 'string') return undefined;
  if (turn.role !== 'user' && turn.role !== 'assistant') return undefined;
  if (turn.status !== 'complete' && turn.status !== 'failed' && turn.status !== 'cancelled') return undefined;
  return {
    role: turn.role,
    content: turn.content,
    createdAt: turn.created_at,
    requestId: turn.request_id,
    status: turn.status,
    ...(typeof turn.model === 'string' ? { model: turn.model } : {}),
  };
}
