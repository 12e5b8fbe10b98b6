import { StreamGateError, type StreamGateClient } from '@streamgate/client';
import { useCallback, useEffect, useState } from 'react';
import { describeProblem, type Problem } from '../status/describe-problem.js';
import { titleFrom, touchSession, withListed, withoutSession, type SessionEntry } from './session-entries.js';

const LIMIT = 50;

export interface Sessions {
  entries: SessionEntry[];
  /** Why the list could not be read. */
  problem: Problem | undefined;
  /** A reply started in a session: it moves to the top (and joins the list when new). */
  save(sessionId: string, message: string): void;
  remove(sessionId: string): void;
  reload(): void;
}

/**
 * The key's sessions, most recently used first, from the gateway (`GET /v1/sessions`): the same list
 * in every browser with the key. Read when the key is set and on `reload()`; kept up to date in
 * between from what this page does, without asking again.
 */
export function useSessions(client: StreamGateClient, onProblem: (problem: Problem) => void): Sessions {
  const [entries, setEntries] = useState<SessionEntry[]>([]);
  const [problem, setProblem] = useState<Problem>();
  const [attempt, setAttempt] = useState(0);
  const reload = useCallback(() => setAttempt((count) => count + 1), []);

  useEffect(() => {
    const controller = new AbortController();
    client.sessions.list({ limit: LIMIT, signal: controller.signal }).then(
      (listed) => {
        setEntries((current) => withListed(current, listed));
        setProblem(undefined);
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        const failure = describeProblem(error instanceof StreamGateError ? error : new StreamGateError('network_error', String(error)));
        setProblem(failure);
        if (failure.kind === 'unauthorized') onProblem(failure);
      },
    );
    return () => controller.abort();
  }, [client, attempt, onProblem]);

  const save = useCallback(
    (sessionId: string, message: string) =>
      setEntries((current) => touchSession(current, { sessionId, title: titleFrom(message), updatedAt: new Date().toISOString() }).slice(0, LIMIT)),
    [],
  );
  const remove = useCallback((sessionId: string) => setEntries((current) => withoutSession(current, sessionId)), []);
  return { entries, problem, save, remove, reload };
}
