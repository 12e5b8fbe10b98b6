import { StreamGateError } from '@streamgate/client';
import { useCallback, useEffect, useRef, useState } from 'react';
import { describeProblem, type Problem } from '../status/describe-problem.js';
import { loadModels, type ModelOption } from './load-models.js';

export interface Models {
  models: ModelOption[];
  /** Why the gateway could not be read: usually `unreachable`. */
  problem: Problem | undefined;
  /** When the next attempt comes, while the gateway is unreachable. */
  retryInMs: number | undefined;
  reload(): void;
}

/**
 * The gateway's models, read at start. While the gateway cannot be reached, it tries again with a
 * growing wait (1 s doubling to 30 s), so the app recovers by itself when the gateway comes back.
 */
export function useModels(baseUrl: string): Models {
  const [models, setModels] = useState<ModelOption[]>([]);
  const [problem, setProblem] = useState<Problem>();
  const [retryInMs, setRetryInMs] = useState<number>();
  const [attempt, setAttempt] = useState(0);
  const failures = useRef(0);
  const reload = useCallback(() => setAttempt((count) => count + 1), []);

  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    loadModels(baseUrl, controller.signal).then(
      (loaded) => {
        failures.current = 0;
        setModels(loaded);
        setProblem(undefined);
        setRetryInMs(undefined);
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        const failure = error instanceof StreamGateError ? error : new StreamGateError('network_error', String(error));
        const wait = Math.min(30_000, 1000 * 2 ** Math.min(failures.current++, 5));
        setProblem(describeProblem(failure));
        setRetryInMs(wait);
        timer = setTimeout(reload, wait);
      },
    );
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [baseUrl, attempt, reload]);

  return { models, problem, retryInMs, reload };
}
