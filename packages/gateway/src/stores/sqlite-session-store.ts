import { GatewayError } from '../errors.js';
import { isStorageFailure, openSqlite, probeWrite } from './sqlite-database.js';
import type { SqliteDatabase } from './sqlite-driver.js';
import { SESSION_TITLE_LENGTH, type SessionListItem, type SessionStore, type SessionSummary, type SessionTurn } from './session-store.js';

const MIGRATIONS = [
  `CREATE TABLE sessions (
     id TEXT PRIMARY KEY,
     owner_id TEXT NOT NULL,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL,
     expires_at INTEGER NOT NULL
   );
   CREATE INDEX sessions_expires_at ON sessions (expires_at);
   CREATE TABLE session_turns (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
     role TEXT NOT NULL,
     content TEXT NOT NULL,
     created_at TEXT NOT NULL,
     request_id TEXT NOT NULL,
     status TEXT NOT NULL,
     model TEXT
   );
   CREATE INDEX session_turns_session ON session_turns (session_id, seq);`,
  `CREATE INDEX sessions_owner_updated ON sessions (owner_id, updated_at);`,
];

interface TurnRow {
  role: SessionTurn['role'];
  content: string;
  created_at: string;
  request_id: string;
  status: SessionTurn['status'];
  model: string | null;
}

interface SessionRow {
  owner_id: string;
  created_at: string;
  updated_at: string;
  expires_at: number;
}

const EXPIRY_SWEEP_INTERVAL_MS = 10 * 60 * 1000;

function toTurn(row: TurnRow): SessionTurn {
  const turn: SessionTurn = {
    role: row.role,
    content: row.content,
    createdAt: row.created_at,
    requestId: row.request_id,
    status: row.status,
  };
  if (row.model !== null) turn.model = row.model;
  return turn;
}

/**
 * Sessions in a SQLite file (WAL mode), so that history survives a restart on a single machine.
 * better-sqlite3 is synchronous; each statement here is an indexed write or read of one session,
 * well under a millisecond, so the event loop is not held.
 */
export class SqliteSessionStore implements SessionStore {
  private readonly database: SqliteDatabase;
  private readonly statements;
  private readonly sweepTimer: NodeJS.Timeout;
  /** Why the last write failed, until one succeeds again: the disk is full or read-only. */
  private writeFailure: string | undefined;

  constructor(private readonly options: { file: string; ttlSeconds: number }) {
    this.database = openSqlite(options.file, MIGRATIONS);
    const database = this.database;
    this.statements = {
      session: database.prepare<[string], SessionRow>('SELECT owner_id, created_at, updated_at, expires_at FROM sessions WHERE id = ?'),
      insert: database.prepare(
        'INSERT INTO sessions (id, owner_id, created_at, updated_at, expires_at) VALUES (?, ?, ?, ?, ?)',
      ),
      touch: database.prepare('UPDATE sessions SET updated_at = ?, expires_at = ? WHERE id = ?'),
      turns: database.prepare<[string], TurnRow>(
        'SELECT role, content, created_at, request_id, status, model FROM session_turns WHERE session_id = ? ORDER BY seq',
      ),
      recentTurns: database.prepare<[string, number], TurnRow>(
        `SELECT * FROM (SELECT seq, role, content, created_at, request_id, status, model FROM session_turns
           WHERE session_id = ? ORDER BY seq DESC LIMIT ?) ORDER BY seq`,
      ),
      appendTurn: database.prepare(
        'INSERT INTO session_turns (session_id, role, content, created_at, request_id, status, model) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      list: database.prepare<[number, string, number, number], { id: string; created_at: string; updated_at: string; turn_count: number; title: string | null }>(
        `SELECT s.id, s.created_at, s.updated_at,
           (SELECT COUNT(*) FROM session_turns t WHERE t.session_id = s.id) AS turn_count,
           (SELECT substr(t.content, 1, ?) FROM session_turns t WHERE t.session_id = s.id AND t.role = 'user' ORDER BY t.seq LIMIT 1) AS title
         FROM sessions s WHERE s.owner_id = ? AND s.expires_at > ? ORDER BY s.updated_at DESC, s.rowid DESC LIMIT ?`,
      ),
      delete: database.prepare('DELETE FROM sessions WHERE id = ?'),
      sweep: database.prepare('DELETE FROM sessions WHERE expires_at <= ?'),
    };
    this.sweepTimer = setInterval(() => {
      try {
        this.write(() => this.statements.sweep.run(Date.now()));
      } catch {
        // Kept in writeFailure, shown by /ready; the next sweep tries again.
      }
    }, EXPIRY_SWEEP_INTERVAL_MS);
    this.sweepTimer.unref();
  }

  /** The live session row, or undefined when it is missing or expired. */
  private live(id: string): SessionRow | undefined {
    const row = this.statements.session.get(id);
    return row && row.expires_at > Date.now() ? row : undefined;
  }

  /**
   * Runs a write. A disk that cannot take it (full, read-only) is `dependency_unavailable`, as an
   * unreachable Redis is, and is remembered so that `/ready` shows it and session-bound requests are
   * refused before they start until the disk takes writes again.
   */
  private write<T>(operation: () => T): T {
    try {
      const result = operation();
      this.writeFailure = undefined;
      return result;
    } catch (error) {
      if (!isStorageFailure(error)) throw error;
      this.writeFailure = `${(error as { code: string }).code}: ${(error as Error).message}`;
      throw this.unavailable(error);
    }
  }

  private unavailable(cause: unknown): GatewayError {
    return new GatewayError('dependency_unavailable', `The session store (SQLite) cannot write (${this.writeFailure}); retry shortly.`, { cause });
  }

  /** After a failed write: writes again (a probe) before the next session-bound request is admitted. */
  private ensureWritable(): void {
    if (this.writeFailure !== undefined) this.write(() => probeWrite(this.database));
  }

  private expiry(): number {
    return Date.now() + this.options.ttlSeconds * 1000;
  }

  async create(id: string, ownerId: string): Promise<boolean> {
    if (this.live(id)) return false;
    const now = new Date().toISOString();
    this.write(() =>
      this.database.transaction(() => {
        this.statements.delete.run(id);
        this.statements.insert.run(id, ownerId, now, now, this.expiry());
      })(),
    );
    return true;
  }

  async list(ownerId: string, limit: number): Promise<SessionListItem[]> {
    return this.statements.list.all(SESSION_TITLE_LENGTH, ownerId, Date.now(), limit).map((row) => ({
      id: row.id,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      turnCount: row.turn_count,
      title: row.title ?? '',
    }));
  }

  async get(id: string, ownerId: string): Promise<(SessionSummary & { turns: SessionTurn[] }) | undefined> {
    const row = this.live(id);
    if (!row || row.owner_id !== ownerId) return undefined;
    const turns = this.statements.turns.all(id).map(toTurn);
    return { id, createdAt: row.created_at, updatedAt: row.updated_at, turnCount: turns.length, turns };
  }

  async isWritable(id: string, ownerId: string): Promise<boolean> {
    this.ensureWritable();
    const row = this.live(id);
    return !row || row.owner_id === ownerId;
  }

  async recentTurns(id: string, ownerId: string, limit: number): Promise<SessionTurn[]> {
    if (limit <= 0) return [];
    const row = this.live(id);
    if (!row || row.owner_id !== ownerId) return [];
    return this.statements.recentTurns.all(id, limit).map(toTurn);
  }

  async append(id: string, ownerId: string, turns: SessionTurn[]): Promise<void> {
    const now = new Date().toISOString();
    this.write(() => this.appendNow(id, ownerId, turns, now));
  }

  private appendNow(id: string, ownerId: string, turns: SessionTurn[], now: string): void {
    this.database.transaction(() => {
      const row = this.live(id);
      if (row && row.owner_id !== ownerId) return;
      if (row) this.statements.touch.run(now, this.expiry(), id);
      else {
        this.statements.delete.run(id);
        this.statements.insert.run(id, ownerId, now, now, this.expiry());
      }
      for (const turn of turns) {
        this.statements.appendTurn.run(id, turn.role, turn.content, turn.createdAt, turn.requestId, turn.status, turn.model ?? null);
      }
    })();
  }

  async delete(id: string, ownerId: string): Promise<boolean> {
    const row = this.live(id);
    if (!row || row.owner_id !== ownerId) return false;
    this.write(() => this.statements.delete.run(id));
    return true;
  }

  /** Reads, and writes (a probe): a full or read-only disk shows on `/ready` as `dependency_unavailable`. */
  async check(): Promise<void> {
    this.database.prepare('SELECT 1').get();
    this.write(() => probeWrite(this.database));
  }

  async close(): Promise<void> {
    clearInterval(this.sweepTimer);
    if (this.database.open) this.database.close();
  }
}
