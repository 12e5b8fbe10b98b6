import type { SessionSummary } from '@streamgate/client';

/** A conversation in the side list; its history lives in the gateway. */
export type SessionEntry = Pick<SessionSummary, 'sessionId' | 'title' | 'updatedAt'>;

/**
 * The list after a reply started in `entry.sessionId`: that session first, keeping the title the
 * gateway gave it (the start of its first message), or this one for a session new to the list.
 */
export function touchSession(entries: readonly SessionEntry[], entry: SessionEntry): SessionEntry[] {
  const existing = entries.find((session) => session.sessionId === entry.sessionId);
  const touched = { ...entry, title: existing?.title || entry.title };
  return [touched, ...entries.filter((session) => session.sessionId !== entry.sessionId)];
}

/** The gateway's list, under the sessions this page started while it was being read. */
export function withListed(current: readonly SessionEntry[], listed: readonly SessionEntry[]): SessionEntry[] {
  const listedIds = new Set(listed.map((session) => session.sessionId));
  return [...current.filter((session) => !listedIds.has(session.sessionId)), ...listed];
}

export function withoutSession(entries: readonly SessionEntry[], sessionId: string): SessionEntry[] {
  return entries.filter((session) => session.sessionId !== sessionId);
}

/** A title for a session from its first message, until the gateway's own is read: one line, at most 60 characters. */
export function titleFrom(message: string): string {
  const line = message.replace(/\s+/g, ' ').trim();
  return line.length > 60 ? `${line.slice(0, 59)}…` : line || 'New chat';
}
