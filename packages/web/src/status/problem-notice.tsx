import { useMemo } from 'react';
import type { Problem } from './describe-problem.js';
import { useCountdown } from './use-countdown.js';

export interface ProblemNoticeProps {
  problem: Problem;
  /** Offered when the problem is retryable; for a rate limit, once the wait is over. */
  onRetry?: () => void;
  retryLabel?: string;
}

/** A problem, what it means and what to do: the title, the detail, and a retry (after the wait). */
export function ProblemNotice({ problem, onRetry, retryLabel = 'Retry' }: ProblemNoticeProps) {
  const shownAt = useMemo(() => Date.now(), [problem]);
  const waitSeconds = useCountdown(problem.retryAfterMs, shownAt);
  const canRetry = onRetry !== undefined && problem.retryable && problem.kind !== 'unauthorized';
  return (
    <div className={`problem problem-${problem.kind}`} role={problem.kind === 'cancelled' ? 'status' : 'alert'} data-problem={problem.kind}>
      <strong className="problem-title">{problem.title}</strong>
      <span className="problem-detail">{problem.detail}</span>
      {problem.kind === 'rate_limited' && waitSeconds > 0 && <span className="problem-wait">Wait {waitSeconds} s</span>}
      {canRetry && (
        <button type="button" className="secondary" onClick={onRetry} disabled={waitSeconds > 0}>
          {waitSeconds > 0 ? `${retryLabel} in ${waitSeconds} s` : retryLabel}
        </button>
      )}
    </div>
  );
}
