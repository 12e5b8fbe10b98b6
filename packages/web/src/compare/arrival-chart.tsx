import type { Transport } from '@streamgate/client';
import { TRANSPORT_NAMES } from '../chat/transports.js';
import { formatMs } from '../chat/metrics-line.js';
import { arrivalPoints, chartScale, stepPath, type ChartBox } from './chart-geometry.js';
import type { TransportRun } from './run-comparison.js';

const BOX: ChartBox = { width: 720, height: 280, left: 56, bottom: 40, top: 12, right: 16 };

export const TRANSPORT_COLORS: Record<Transport, string> = { websocket: '#2563eb', sse: '#16a34a', rest: '#d97706' };

/**
 * When the text arrived, per transport: characters received against milliseconds since the request
 * was issued. A step up is a chunk; REST's one step comes at the very end.
 */
export function ArrivalChart({ runs }: { runs: readonly TransportRun[] }) {
  const drawn = runs.filter((run) => run.metrics && run.metrics.chunks.length > 0);
  const curves = drawn.map((run) => arrivalPoints(run.metrics!.chunks));
  const scale = chartScale(curves, drawn.map((run) => run.metrics!.totalMs ?? 0), BOX);
  const plotBottom = BOX.height - BOX.bottom;
  return (
    <figure className="arrival-chart">
      <svg viewBox={`0 0 ${BOX.width} ${BOX.height}`} role="img" aria-label="Characters received over time, per transport">
        {scale.yTicks.map((tick) => (
          <g key={`y${tick}`}>
            <line x1={BOX.left} x2={BOX.width - BOX.right} y1={scale.y(tick)} y2={scale.y(tick)} className="grid" />
            <text x={BOX.left - 8} y={scale.y(tick) + 4} textAnchor="end">
              {tick}
            </text>
          </g>
        ))}
        {scale.xTicks.map((tick) => (
          <text key={`x${tick}`} x={scale.x(tick)} y={plotBottom + 18} textAnchor="middle">
            {formatMs(tick)}
          </text>
        ))}
        <text x={BOX.left} y={BOX.height - 4} className="axis-title">
          time since the request was issued
        </text>
        <text x={12} y={BOX.top + 8} className="axis-title" transform={`rotate(-90 12 ${BOX.top + 8})`} textAnchor="end">
          characters
        </text>
        {drawn.map((run, index) => (
          <path
            key={run.transport}
            d={stepPath(curves[index]!, scale, run.metrics!.totalMs ?? undefined)}
            fill="none"
            stroke={TRANSPORT_COLORS[run.transport]}
            strokeWidth={2}
            data-transport={run.transport}
          />
        ))}
      </svg>
      <figcaption>
        {runs.map((run) => (
          <span key={run.transport} className="legend">
            <span className="swatch" style={{ background: TRANSPORT_COLORS[run.transport] }} />
            {TRANSPORT_NAMES[run.transport]}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
