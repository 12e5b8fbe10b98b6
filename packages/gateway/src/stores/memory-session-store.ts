import { SESSION_TITLE_LENGTH, type SessionListItem, type SessionStore, type SessionSummary, type SessionTurn } from './session-store.js';

interface MemorySession {
  ownerId: string;
  createdAt: string;
  updatedAt: string;
  expiresAt: number;
  turns: SessionTurn[];
}

export interface MemorySessionStoreOptions {
  /** Sessions kept at most; the least recently used goes first. */
  maxSessions: number;
  ttlSeconds: number;
  /** Turns kept per session at most; the oldest go first. */
  maxTurns?: number;
}

/** Sessions in this process's memory, bounded in count and age: for tests and throw-away set-ups. */
export class MemorySessionStore implements SessionStore {
  // A Map iterates in insertion order; re-inserting on use makes the first key the least recently used.
  private readonly sessions = new Map<string, MemorySession>();
  // Where eviction goes on from. A fresh `keys()` iterator would step over every entry deleted since the
  // Map last compacted (V8 leaves holes at the front), which made each eviction cost O(maxSessions): about
  // 7 µs a new session at 10,000 sessions, 17 µs at 100,000 (bench/, docs/benchmarks.md). A kept iterator
  // resumes where it stopped, still skips deleted entries and still reaches re-inserted ones.
  private evictionCursor: MapIterator<string> = this.sessions.keys();

  constructor(private readonly options: MemorySessionStoreOptions) {}

  private find(id: string, ownerId: string): MemorySession | undefined {
    const session = this.sessions.get(id);
    if (!session) return undefined;
    if (session.expiresAt <= Date.now()) {
      this.sessions.delete(id);
      return undefined;
    }
    if (session.ownerId !== ownerId) return undefined;
    this.sessions.delete(id);
    this.sessions.set(id, session);
    return session;
  }

  private insert(id: string, session: MemorySession): void {
    this.sessions.set(id, session);
    while (this.sessions.size > this.options.maxSessions) {
      let oldest = this.evictionCursor.next();
      if (oldest.done) {
        // A finished iterator stays finished, even after new entries arrive: start over.
        this.evictionCursor = this.sessions.keys();
        oldest = this.evictionCursor.next();
      }
      this.sessions.delete(oldest.value as string);
    }
  }

  private fresh(ownerId: string): MemorySession {
    const now = new Date().toISOString();
    return { ownerId, createdAt: now, updatedAt: now, expiresAt: Date.now() + this.options.ttlSeconds * 1000, turns: [] };
  }

  async create(id: string, ownerId: string): Promise<boolean> {
    const existing = this.sessions.get(id);
    if (existing && existing.expiresAt > Date.now()) return false;
    this.insert(id, this.fresh(ownerId));
    return true;
  }

  async list(ownerId: string, limit: number): Promise<SessionListItem[]> {
    const items: SessionListItem[] = [];
    const now = Date.now();
    // Most recently used last in the Map: walk it backwards.
    for (const [id, session] of [...this.sessions].reverse()) {
      if (items.length >= limit) break;
      if (session.ownerId !== ownerId || session.expiresAt <= now) continue;
      const first = session.turns.find((turn) => turn.role === 'user');
      items.push({
        id,
        createdAt: session.createdAt,
        updatedAt: session.updatedAt,
        turnCount: session.turns.length,
        title: first?.content.slice(0, SESSION_TITLE_LENGTH) ?? '',
      });
    }
    return items;
  }

  async get(id: string, ownerId: string): Promise<(SessionSummary & { turns: SessionTurn[] }) | undefined> {
    const session = this.find(id, ownerId);
    if (!session) return undefined;
    return { id, createdAt: session.createdAt, updatedAt: session.updatedAt, turnCount: session.turns.length, turns: [...session.turns] };
  }

  async isWritable(id: string, ownerId: string): Promise<boolean> {
    const session = this.sessions.get(id);
    return !session || session.expiresAt <= Date.now() || session.ownerId === ownerId;
  }

  async recentTurns(id: string, ownerId: string, limit: number): Promise<SessionTurn[]> {
    if (limit <= 0) return [];
    return this.find(id, ownerId)?.turns.slice(-limit) ?? [];
  }

  async append(id: string, ownerId: string, turns: SessionTurn[]): Promise<void> {
    let session = this.find(id, ownerId);
    if (!session) {
      if (!(await this.isWritable(id, ownerId))) return;
      session = this.fresh(ownerId);
      this.insert(id, session);
    }
    session.turns.push(...turns);
    const maxTurns = this.options.maxTurns ?? 1000;
    if (session.turns.length > maxTurns) session.turns.splice(0, session.turns.length - maxTurns);
    session.updatedAt = new Date().toISOString();
    session.expiresAt = Date.now() + this.options.ttlSeconds * 1000;
  }

  async delete(id: string, ownerId: string): Promise<boolean> {
    if (!this.find(id, ownerId)) return false;
    return this.sessions.delete(id);
  }

  async check(): Promise<void> {}

  async close(): Promise<void> {
    this.sessions.clear();
  }
}
