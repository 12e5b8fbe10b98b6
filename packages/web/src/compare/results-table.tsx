import { formatMs } from '../chat/metrics-line.js';
import { TRANSPORT_NAMES } from '../chat/transports.js';
import { ProblemNotice } from '../status/problem-notice.js';
import { ResumedNotice } from '../status/resumed-notice.js';
import { TRANSPORT_COLORS } from './arrival-chart.js';
import type { TransportRun } from './run-comparison.js';

/** Each transport's time to first token, total time, tokens per second and chunk count. */
export function ResultsTable({ runs }: { runs: readonly TransportRun[] }) {
  return (
    <table className="results">
      <thead>
        <tr>
          <th scope="col">Transport</th>
          <th scope="col">Status</th>
          <th scope="col">First token</th>
          <th scope="col">Total</th>
          <th scope="col">Tokens/s</th>
          <th scope="col">Chunks</th>
          <th scope="col">Characters</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((run) => (
          <tr key={run.transport} data-transport={run.transport} data-status={run.status}>
            <th scope="row">
              <span className="swatch" style={{ background: TRANSPORT_COLORS[run.transport] }} />
              {TRANSPORT_NAMES[run.transport]}
            </th>
            <td>
              {run.status}
              {run.resumes && <ResumedNotice resumes={run.resumes} />}
              {run.problem && run.problem.kind !== 'cancelled' && <ProblemNotice problem={run.problem} />}
            </td>
            <td data-metric="ttft">{run.metrics?.ttftMs != null ? formatMs(run.metrics.ttftMs) : '–'}</td>
            <td data-metric="total">{run.metrics?.totalMs != null ? formatMs(run.metrics.totalMs) : '–'}</td>
            <td data-metric="rate">{run.metrics?.outputTokensPerSecond != null ? run.metrics.outputTokensPerSecond.toFixed(1) : '–'}</td>
            <td data-metric="chunks">{run.metrics?.chunkCount ?? '–'}</td>
            <td data-metric="characters">{run.text.length}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
