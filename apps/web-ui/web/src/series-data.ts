// Pure data handling for charts (no DOM): aligning render series on one time axis and appending live
// points into the aligned columns. `null` is a gap (drawn as a break); `undefined` is "no sample at this
// timestamp" from aligning series with different steps (uPlot spans it).
import type { RenderSeries } from './api.js';

export type Column = Array<number | null | undefined>;
/** [timestamps, series 1 values, series 2 values, ...] */
export type Aligned = [number[], ...Column[]];

function clean(v: number | null): number | null {
  return v === null || !Number.isFinite(v) ? null : v;
}

export function alignSeries(series: RenderSeries[]): Aligned {
  if (series.length === 0) return [[]];
  const xs0 = series[0].datapoints.map((p) => p[1]);
  const same = series.every(
    (s) => s.datapoints.length === xs0.length && s.datapoints.every((p, i) => p[1] === xs0[i]),
  );
  if (same) return [xs0, ...series.map((s) => s.datapoints.map((p) => clean(p[0])))];
  const xs = [...new Set(series.flatMap((s) => s.datapoints.map((p) => p[1])))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const columns = series.map((s) => {
    const col: Column = new Array(xs.length).fill(undefined);
    for (const [v, ts] of s.datapoints) col[index.get(ts)!] = clean(v);
    return col;
  });
  return [xs, ...columns];
}

/** Indices of values with no neighbour on either side: they draw no line segment. */
export function isolatedIndices(ys: Column): number[] {
  const out: number[] = [];
  for (let i = 0; i < ys.length; i++) {
    if (ys[i] == null) continue;
    if (ys[i - 1] == null && ys[i + 1] == null) out.push(i);
  }
  return out;
}

const MAX_FILL_SLOTS = 1000;

/**
 * Writes live points of series `idx` into the aligned data, in place. Timestamps are quantised to the
 * chart's step like whisper does (last write wins); later slots are appended, with the slots between
 * left undefined; slots older than `windowSeconds` before the newest are dropped.
 */
export function appendPoints(
  data: Aligned,
  idx: number,
  points: Array<[number, number]>,
  windowSeconds: number,
): void {
  const xs = data[0];
  const step = xs.length >= 2 ? xs[xs.length - 1] - xs[xs.length - 2] : 1;
  const push = (ts: number, value: number | null | undefined) => {
    xs.push(ts);
    for (let s = 1; s < data.length; s++) (data[s] as Column).push(s === idx + 1 ? value : undefined);
  };
  for (const [ts, raw] of points) {
    if (!Number.isFinite(ts)) continue;
    const value = Number.isFinite(raw) ? raw : null;
    const slot = step > 0 ? ts - (((ts % step) + step) % step) : ts;
    let pos = xs.length - 1;
    while (pos >= 0 && xs[pos] > slot) pos--;
    if (pos >= 0 && xs[pos] === slot) {
      data[idx + 1][pos] = value;
    } else if (pos === xs.length - 1) {
      let last = xs.length > 0 ? xs[xs.length - 1] : slot;
      if (step > 0 && (slot - last) / step <= MAX_FILL_SLOTS) {
        for (last += step; last < slot; last += step) {
          xs.push(last);
          for (let s = 1; s < data.length; s++) (data[s] as Column).push(undefined);
        }
      }
      push(slot, value);
    }
    // Older points that fall between existing slots cannot be placed; the next render shows them.
  }
  if (xs.length === 0) return;
  const cutoff = xs[xs.length - 1] - windowSeconds;
  let drop = 0;
  while (drop < xs.length - 1 && xs[drop] < cutoff) drop++;
  if (drop > 0) for (const col of data) col.splice(0, drop);
}
