import type { ChunkTiming } from '@streamgate/client';

/** One point of an arrival curve: this many characters had arrived this long after the request. */
export interface ArrivalPoint {
  atMs: number;
  characters: number;
}

export interface ChartBox {
  width: number;
  height: number;
  /** Room for the axes' labels: left and bottom. */
  left: number;
  bottom: number;
  top: number;
  right: number;
}

export interface ChartScale {
  xMaxMs: number;
  yMaxCharacters: number;
  x(atMs: number): number;
  y(characters: number): number;
  xTicks: number[];
  yTicks: number[];
}

/** The characters received over time: a point per chunk, from (0, 0) when the request was issued. */
export function arrivalPoints(chunks: readonly ChunkTiming[]): ArrivalPoint[] {
  const points: ArrivalPoint[] = [{ atMs: 0, characters: 0 }];
  let characters = 0;
  for (const chunk of chunks) {
    characters += chunk.characters;
    points.push({ atMs: chunk.atMs, characters });
  }
  return points;
}

/** Scales that fit every curve (and every run's end, `endsMs`) in the box, with round ticks. */
export function chartScale(curves: readonly ArrivalPoint[][], endsMs: readonly number[], box: ChartBox): ChartScale {
  const lastTime = Math.max(1, ...endsMs, ...curves.flatMap((points) => points.map((point) => point.atMs)));
  const lastCount = Math.max(1, ...curves.flatMap((points) => points.map((point) => point.characters)));
  const xTicks = roundTicks(lastTime);
  const yTicks = roundTicks(lastCount);
  const xMaxMs = xTicks[xTicks.length - 1]!;
  const yMaxCharacters = yTicks[yTicks.length - 1]!;
  const plotWidth = box.width - box.left - box.right;
  const plotHeight = box.height - box.top - box.bottom;
  return {
    xMaxMs,
    yMaxCharacters,
    x: (atMs) => round(box.left + (atMs / xMaxMs) * plotWidth),
    y: (characters) => round(box.top + plotHeight - (characters / yMaxCharacters) * plotHeight),
    xTicks,
    yTicks,
  };
}

/**
 * An SVG path that steps: flat while nothing arrives, straight up when a chunk does. Carried on
 * flat to `endMs` (the end of the stream), so a run's last stretch of silence shows.
 */
export function stepPath(points: readonly ArrivalPoint[], scale: ChartScale, endMs?: number): string {
  if (points.length === 0) return '';
  const [first, ...rest] = points;
  let path = `M${scale.x(first!.atMs)} ${scale.y(first!.characters)}`;
  for (const point of rest) path += ` H${scale.x(point.atMs)} V${scale.y(point.characters)}`;
  const last = points[points.length - 1]!;
  if (endMs !== undefined && endMs > last.atMs) path += ` H${scale.x(endMs)}`;
  return path;
}

/** 0 and round steps (1, 2 or 5 times a power of ten) up to at least `maximum`: about five ticks. */
export function roundTicks(maximum: number): number[] {
  const rough = maximum / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((factor) => factor * power).find((candidate) => candidate >= rough) ?? 10 * power;
  const count = Math.ceil(maximum / step);
  return Array.from({ length: count + 1 }, (_, index) => round(index * step));
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
