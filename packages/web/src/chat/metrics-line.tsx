import type { ClientMetrics, Transport, Usage } from '@streamgate/client';
import { TRANSPORT_NAMES } from './transports.js';

export interface MetricsLineProps {
  transport?: Transport | undefined;
  model?: string | undefined;
  metrics?: ClientMetrics | undefined;
  usage?: Usage | undefined;
}

/** How a reply travelled and how fast: transport, model, first token, total, tokens per second, chunks. */
export function MetricsLine({ transport, model, metrics, usage }: MetricsLineProps) {
  const parts: { name: string; value: string }[] = [];
  if (transport) parts.push({ name: 'transport', value: TRANSPORT_NAMES[transport] });
  if (model) parts.push({ name: 'model', value: model });
  if (metrics?.ttftMs != null) parts.push({ name: 'ttft', value: `first token ${formatMs(metrics.ttftMs)}` });
  if (metrics?.totalMs != null) parts.push({ name: 'total', value: `total ${formatMs(metrics.totalMs)}` });
  if (metrics?.outputTokensPerSecond != null && metrics.chunkCount > 0) parts.push({ name: 'rate', value: `${metrics.outputTokensPerSecond.toFixed(1)} tokens/s` });
  if (metrics && metrics.chunkCount > 0) parts.push({ name: 'chunks', value: `${metrics.chunkCount} ${metrics.chunkCount === 1 ? 'chunk' : 'chunks'}` });
  if (usage) parts.push({ name: 'tokens', value: `${usage.inputTokens} in / ${usage.outputTokens} out` });
  if (parts.length === 0) return null;
  return (
    <div className="metrics-line">
      {parts.map((part) => (
        <span key={part.name} data-metric={part.name}>
          {part.value}
        </span>
      ))}
    </div>
  );
}

/** Milliseconds as people read them: `850 ms`, `1.24 s`. */
export function formatMs(milliseconds: number): string {
  return milliseconds < 1000 ? `${Math.round(milliseconds)} ms` : `${(milliseconds / 1000).toFixed(2)} s`;
}
