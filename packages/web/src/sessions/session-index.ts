/** A conversation the app knows of; its history lives in the gateway. */
export interface SessionEntry {
  sessionId: string;
  /** The first message, shortened. */
  title: string;
  /** ISO 8601. */
  updatedAt: string;
}

type Storage = Pick<globalThis.Storage, 'getItem' | 'setItem' | 'removeItem'>;

const LIMIT = 50;

/**
 * The sessions one key has used from this browser, newest first. The gateway keeps the histories
 * but cannot list a key's sessions, so the app remembers their ids and titles (never the key:
 * entries are filed under a hash of it, so another key sees its own list).
 *
 * @example
 * ```ts
 * const index = new SessionIndex(localStorage, await keyFingerprint(key));
 * index.save({ sessionId, title: 'Hello', updatedAt: new Date().toISOString() });
 * ```
 */
export class SessionIndex {
  private readonly name: string;

  constructor(
    private readonly storage: Storage | undefined,
    scope: string,
  ) {
    this.name = `streamgate.sessions.${scope}`;
  }

  list(): SessionEntry[] {
    let text: string | null | undefined;
    try {
      text = this.storage?.getItem(this.name);
    } catch {
      return [];
    }
    if (!text) return [];
    try {
      const value: unknown = JSON.parse(text);
      return Array.isArray(value) ? value.filter(isEntry) : [];
    } catch {
      return [];
    }
  }

  /** Adds or updates a session and moves it to the top; the oldest beyond 50 are forgotten. */
  save(entry: SessionEntry): SessionEntry[] {
    const existing = this.list().find((session) => session.sessionId === entry.sessionId);
    const saved = { ...entry, title: existing?.title || entry.title };
    return this.write([saved, ...this.list().filter((session) => session.sessionId !== entry.sessionId)].slice(0, LIMIT));
  }

  remove(sessionId: string): SessionEntry[] {
    return this.write(this.list().filter((session) => session.sessionId !== sessionId));
  }

  private write(entries: SessionEntry[]): SessionEntry[] {
    try {
      this.storage?.setItem(this.name, JSON.stringify(entries));
    } catch {
      // Full or disabled storage: the list lasts as long as the page.
    }
    return entries;
  }
}

/** A title for a session from its first message: one line, at most 60 characters. */
export function titleFrom(message: string): string {
  const line = message.replace(/\s+/g, ' ').trim();
  return line.length > 60 ? `${line.slice(0, 59)}…` : line || 'New chat';
}

/**
 * A name to file a key's sessions under that does not reveal the key: the first 16 hex digits of
 * its SHA-256. Undefined where Web Crypto is missing (plain HTTP on a remote host).
 */
export async function keyFingerprint(key: string): Promise<string | undefined> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return undefined;
  const digest = await subtle.digest('SHA-256', new TextEncoder().encode(key));
  return Array.from(new Uint8Array(digest).slice(0, 8), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function isEntry(value: unknown): value is SessionEntry {
  const entry = value as SessionEntry;
  return typeof entry === 'object' && entry !== null && typeof entry.sessionId === 'string' && typeof entry.title === 'string' && typeof entry.updatedAt === 'string';
}
