import { StreamGateError, type Model, type StreamGateClient } from '@streamgate/client';
import { useCallback, useEffect, useRef, useState } from 'react';
import { describeProblem, type Problem } from '../status/describe-problem.js';

export interface Models {
  models: Model[];
  /** Why the gateway could not be read: usually `unreachable`. */
  problem: Problem | undefined;
  /** When the next attempt comes, while the gateway is unreachable. */
  retryInMs: number | undefined;
  reload(): void;
}

/**
 * The gateway's models (`GET /v1/models`), read at start. While the gateway cannot be reached, it
 * tries again with a growing wait (1 s doubling to 30 s), so the app recovers by itself when the
 * gateway comes back; a refused key is not retried.
 */
export function useModels(client: StreamGateClient): Models {
  const [models, setModels] = useState<Model[]>([]);
  const [problem, setProblem] = useState<Problem>();
  const [retryInMs, setRetryInMs] = useState<number>();
  const [attempt, setAttempt] = useState(0);
  const failures = useRef(0);
  const reload = useCallback(() => setAttempt((count) => count + 1), []);

  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    client.models({ signal: controller.signal }).then(
      (loaded) => {
        failures.current = 0;
        setModels(loaded);
        setProblem(undefined);
        setRetryInMs(undefined);
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        const failure = describeProblem(error instanceof StreamGateError ? error : new StreamGateError('network_error', String(error)));
        setProblem(failure);
        if (!failure.retryable) return;
        const wait = failure.retryAfterMs ?? Math.min(30_000, 1000 * 2 ** Math.min(failures.current++, 5));
        setRetryInMs(wait);
        timer = setTimeout(reload, wait);
      },
    );
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [client, attempt, reload]);

  return { models, problem, retryInMs, reload };
}
