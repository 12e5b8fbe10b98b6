import type { Problem } from '../status/describe-problem.js';
import { ProblemNotice } from '../status/problem-notice.js';
import type { SessionEntry } from './session-entries.js';

export interface SessionListProps {
  sessions: readonly SessionEntry[];
  /** Why the list could not be read from the gateway. */
  problem?: Problem | undefined;
  onReload?: () => void;
  activeId: string | undefined;
  onOpen(sessionId: string): void;
  onDelete(sessionId: string): void;
  onNew(): void;
}

/** The key's conversations, newest first; each opens its history from the gateway. */
export function SessionList({ sessions, problem, onReload, activeId, onOpen, onDelete, onNew }: SessionListProps) {
  return (
    <nav className="session-list" aria-label="Sessions">
      <button type="button" className="new-chat" onClick={onNew}>
        New chat
      </button>
      {problem && <ProblemNotice problem={problem} {...(onReload ? { onRetry: onReload } : {})} />}
      {sessions.length === 0 && !problem && <p className="hint">Your conversations appear here.</p>}
      <ul>
        {sessions.map((session) => (
          <li key={session.sessionId} className={session.sessionId === activeId ? 'active' : undefined}>
            <button type="button" className="session-open" onClick={() => onOpen(session.sessionId)} aria-current={session.sessionId === activeId ? 'true' : undefined}>
              <span className="session-title">{session.title || 'New chat'}</span>
              <time dateTime={session.updatedAt}>{new Date(session.updatedAt).toLocaleString()}</time>
            </button>
            <button type="button" className="session-delete link" aria-label={`Delete "${session.title || 'New chat'}"`} onClick={() => onDelete(session.sessionId)}>
              ×
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
