import { useEffect, useState } from 'react';

/**
 * Whole seconds left until `durationMs` from now has passed (0 once it has), counting down once a
 * second; a new `startedAt` starts a new countdown.
 */
export function useCountdown(durationMs: number | undefined, startedAt: number): number {
  const remaining = () => (durationMs === undefined ? 0 : Math.max(0, Math.ceil((startedAt + durationMs - Date.now()) / 1000)));
  const [seconds, setSeconds] = useState(remaining);
  useEffect(() => {
    setSeconds(remaining());
    if (durationMs === undefined) return;
    const timer = setInterval(() => {
      const left = remaining();
      setSeconds(left);
      if (left === 0) clearInterval(timer);
    }, 250);
    return () => clearInterval(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [durationMs, startedAt]);
  return seconds;
}
