import type { Summary } from './stats.js';

export interface VariantResult {
  name: string;
  ttft: Summary;
  latency: Summary;
  failures: number;
  /** Completed streamed requests per second, and the CPU time the serving process spent on each. */
  requestsPerSecond: Record<number, { perSecond: number; errors: number; cpuMsPerRequest: number }>;
  memory?: { idleMb: number; peakMb: number };
}

export interface Report {
  date: string;
  node: string;
  cpus: number;
  settings: { rounds: number; samplesPerBlock: number; durationMs: number; concurrencies: number[]; tokens: number; logLevel: string };
  variants: VariantResult[];
  profiles?: { streamgate: string; portkey: string };
}

const ms = (value: number) => value.toFixed(2);
const ratio = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}` : '—');
const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');

/** The comparison as a Markdown table: each variant, StreamGate ÷ Portkey, and each target met or missed. */
export function formatReport(report: Report): string {
  const [direct, streamgate, portkey] = report.variants as [VariantResult, VariantResult, VariantResult];
  const added = (variant: VariantResult, metric: 'ttft' | 'latency', p: 'p50' | 'p99') => variant[metric][p] - direct[metric][p];
  const rows: string[] = [
    '| | upstream directly | StreamGate | Portkey | StreamGate ÷ Portkey | target |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const [metric, label] of [
    ['ttft', 'time to first token, streamed'],
    ['latency', 'latency, whole'],
  ] as const) {
    for (const p of ['p50', 'p99'] as const) {
      rows.push(`| ${label} ${p} (ms) | ${ms(direct[metric][p])} | ${ms(streamgate[metric][p])} | ${ms(portkey[metric][p])} | | |`);
    }
    for (const p of ['p50', 'p99'] as const) {
      const ours = added(streamgate, metric, p);
      const theirs = added(portkey, metric, p);
      rows.push(`| **added** ${label} ${p} (ms) | — | ${ms(ours)} | ${ms(theirs)} | ${ratio(ours / theirs)} | ≤ 0.33: ${verdict(ours <= theirs / 3)} |`);
    }
  }
  for (const concurrency of report.settings.concurrencies) {
    const rate = (variant: VariantResult) => variant.requestsPerSecond[concurrency]!.perSecond;
    const quotient = rate(streamgate) / rate(portkey);
    rows.push(
      `| streamed requests/s at concurrency ${concurrency} | ${rate(direct).toFixed(0)} | ${rate(streamgate).toFixed(0)} | ${rate(portkey).toFixed(0)} | ${ratio(quotient)} | ≥ 1.5: ${verdict(quotient >= 1.5)} |`,
    );
  }
  for (const concurrency of report.settings.concurrencies) {
    const cpu = (variant: VariantResult) => variant.requestsPerSecond[concurrency]!.cpuMsPerRequest;
    rows.push(
      `| CPU time of the serving process per streamed request at concurrency ${concurrency} (ms) | ${cpu(direct).toFixed(2)} | ${cpu(streamgate).toFixed(2)} | ${cpu(portkey).toFixed(2)} | ${ratio(cpu(streamgate) / cpu(portkey))} | |`,
    );
  }
  rows.push(`| resident memory after warm-up (MiB) | — | ${streamgate.memory!.idleMb.toFixed(0)} | ${portkey.memory!.idleMb.toFixed(0)} | ${ratio(streamgate.memory!.idleMb / portkey.memory!.idleMb)} | |`);
  const peak = streamgate.memory!.peakMb / portkey.memory!.peakMb;
  rows.push(`| peak resident memory (MiB) | — | ${streamgate.memory!.peakMb.toFixed(0)} | ${portkey.memory!.peakMb.toFixed(0)} | ${ratio(peak)} | ≤ 1: ${verdict(peak <= 1)} |`);
  const errors = report.variants.map((variant) => `${variant.name}: ${failedRequests(variant)}`).join(', ');
  const { settings } = report;
  return [
    ...rows,
    '',
    `${report.date}, Node ${report.node}, ${report.cpus} CPUs. ${settings.rounds} rounds of A-B-C-C-B-A blocks; latency: ${settings.samplesPerBlock} streamed and ${settings.samplesPerBlock} whole requests per block, one at a time (${direct.ttft.n} samples per variant and kind); throughput: ${settings.durationMs} ms per block. Upstream reply: ${settings.tokens} tokens. StreamGate LOG_LEVEL=${settings.logLevel}. Failed requests: ${errors}.`,
  ].join('\n');
}

/** Requests of a variant that failed, in the latency and the throughput blocks together. */
export function failedRequests(variant: VariantResult): number {
  return variant.failures + Object.values(variant.requestsPerSecond).reduce((sum, entry) => sum + entry.errors, 0);
}
