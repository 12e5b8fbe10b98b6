import { useCallback, useEffect, useState } from 'react';
import { keyFingerprint, SessionIndex, type SessionEntry } from './session-index.js';

export interface Sessions {
  entries: SessionEntry[];
  save(sessionId: string, title: string): void;
  remove(sessionId: string): void;
}

/**
 * The key's list of sessions, kept in localStorage under a hash of the key. Where Web Crypto is
 * missing (plain HTTP on a remote host) the list lives in this tab's sessionStorage instead.
 */
export function useSessionIndex(apiKey: string): Sessions {
  const [index, setIndex] = useState<SessionIndex>();
  const [entries, setEntries] = useState<SessionEntry[]>([]);
  useEffect(() => {
    let current = true;
    void keyFingerprint(apiKey).then((fingerprint) => {
      if (!current) return;
      const created = fingerprint ? new SessionIndex(storage('localStorage'), fingerprint) : new SessionIndex(storage('sessionStorage'), 'tab');
      setIndex(created);
      setEntries(created.list());
    });
    return () => {
      current = false;
    };
  }, [apiKey]);
  const save = useCallback(
    (sessionId: string, title: string) => index && setEntries(index.save({ sessionId, title, updatedAt: new Date().toISOString() })),
    [index],
  );
  const remove = useCallback((sessionId: string) => index && setEntries(index.remove(sessionId)), [index]);
  return { entries, save, remove };
}

function storage(name: 'localStorage' | 'sessionStorage'): Storage | undefined {
  try {
    return globalThis[name];
  } catch {
    return undefined;
  }
}
