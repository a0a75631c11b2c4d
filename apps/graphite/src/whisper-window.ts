// whisper.fetch's choice of archive and window, for series that only exist in the cache so far
// (and for merging cached points into a fetch result the way graphite-web does).

import type { PackedValues } from '@appliance/render-engine';
import type { ArchiveSpec } from '@appliance/whisper';

export interface FetchWindow {
  fromTime: number;
  untilTime: number;
  step: number;
}

export function fetchWindow(
  archives: ArchiveSpec[],
  from: number,
  until: number,
  now: number,
): FetchWindow | null {
  from = Math.trunc(from);
  until = Math.trunc(until);
  now = Math.trunc(now);
  const maxRetention = Math.max(...archives.map((a) => a.secondsPerPoint * a.points));
  const oldest = now - maxRetention;
  if (from > now || until < oldest) return null;
  if (from < oldest) from = oldest;
  if (until > now) until = now;
  const diff = now - from;
  const archive = archives.find((a) => a.secondsPerPoint * a.points >= diff) ?? archives[archives.length - 1];
  const step = archive.secondsPerPoint;
  const fromInterval = Math.floor(from / step) * step + step;
  let untilInterval = Math.floor(until / step) * step + step;
  if (fromInterval === untilInterval) untilInterval += step;
  return { fromTime: fromInterval, untilTime: untilInterval, step };
}

/** graphite-web's readers.utils.merge_with_cache, into a packed column. */
export function mergeWithCache(
  cached: Array<[number, number]>,
  start: number,
  step: number,
  values: PackedValues,
  func: string,
  rawStep: number,
): void {
  const len = values.data.length;
  const set = (i: number, v: number) => {
    values.data[i] = v;
    values.nulls[i] = 0;
  };
  if (cached.length === 0) return;
  if (rawStep > 1) {
    // keep the last cached value per raw interval
    const byRaw = new Map<number, number>();
    for (const [t, v] of cached) byRaw.set(t - (((t % rawStep) + rawStep) % rawStep), v);
    cached = [...byRaw].sort((a, b) => a[0] - b[0]);
  }
  if (rawStep && rawStep !== step) {
    const buckets = new Map<number, number[]>();
    for (const [t, v] of cached) {
      const interval = t - (((t % step) + step) % step);
      const b = buckets.get(interval);
      if (b) b.push(v);
      else buckets.set(interval, [v]);
    }
    for (const [interval, vals] of buckets) {
      const i = Math.floor((interval - start) / step);
      if (i < 0 || i >= len) continue;
      set(i, consolidate(func, vals));
    }
    return;
  }
  for (const [t, v] of cached) {
    const interval = t - (((t % step) + step) % step);
    const i = Math.floor((interval - start) / step);
    if (i < 0 || i >= len) continue;
    set(i, v);
  }
}

function consolidate(func: string, vals: number[]): number {
  switch (func) {
    case 'sum':
      return vals.reduce((a, b) => a + b, 0);
    case 'max':
      return pick(vals, (b, a) => b > a);
    case 'min':
      return pick(vals, (b, a) => b < a);
    case 'last':
      return vals[vals.length - 1];
    default:
      return vals.reduce((a, b) => a + b, 0) / vals.length;
  }
}

/** Python's max()/min() semantics: the first element survives comparisons with NaN. */
function pick(vals: number[], better: (b: number, a: number) => boolean): number {
  let m = vals[0];
  for (const v of vals) if (better(v, m)) m = v;
  return m;
}
