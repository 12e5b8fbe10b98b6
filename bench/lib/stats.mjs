/** Nearest-rank percentile of an ascending array (p in 0..100); null when empty (it crosses IPC as JSON). */
export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** p50, p90, p99, max and count of a list of samples (milliseconds). */
export function summarize(samples) {
  const sorted = Float64Array.from(samples).sort();
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : null,
  };
}

/** Difference of two numbers that may be missing (null): null then. */
export const minus = (a, b) => (Number.isFinite(a) && Number.isFinite(b) ? a - b : null);

export const formatMs = (value) => (Number.isFinite(value) ? value.toFixed(Math.abs(value) < 10 ? 2 : 1) : 'n/a');
export const formatSignedMs = (value) => (Number.isFinite(value) ? `${value >= 0 ? '+' : ''}${formatMs(value)}` : 'n/a');
export const formatInteger = (value) => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a');
export const formatKiB = (bytes) => (Number.isFinite(bytes) ? `${(bytes / 1024).toFixed(1)} KiB` : 'n/a');

/** A Markdown table (also readable in a terminal). */
export function markdownTable(header, rows) {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => String(row[column]).length)));
  const line = (cells) => `| ${cells.map((cell, column) => String(cell).padEnd(widths[column])).join(' | ')} |`;
  return [line(header), `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`, ...rows.map(line)].join('\n');
}
