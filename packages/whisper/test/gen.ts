import type { AggregationMethod, ArchiveSpec } from '../src/index.js';
import type { Rng } from './oracle.js';

export const METHODS: AggregationMethod[] = [
  'average',
  'sum',
  'last',
  'max',
  'min',
  'avg_zero',
  'absmax',
  'absmin',
];

/** A valid random archive list (small, so rings wrap often). */
export function randomArchives(r: Rng): ArchiveSpec[] {
  const n = r.int(1, 4);
  const out: ArchiveSpec[] = [];
  let spp = r.pick([1, 1, 2, 5, 10, 60]);
  let minPoints = 1;
  let prevRet = 0;
  for (let i = 0; i < n; i++) {
    const nextFactor = r.pick([2, 3, 4, 5, 6, 10]);
    const lowPoints = Math.max(i + 1 < n ? nextFactor : 1, minPoints, Math.floor(prevRet / spp) + 1);
    const points = lowPoints + r.int(0, 30);
    out.push({ secondsPerPoint: spp, points });
    prevRet = spp * points;
    minPoints = 1;
    spp *= nextFactor;
  }
  return out;
}

export function randomValue(r: Rng): number {
  const k = r.next();
  if (k < 0.4) return r.int(-100, 1000);
  if (k < 0.75) return (r.next() - 0.3) * 10 ** r.int(-8, 12);
  if (k < 0.8) return 0;
  if (k < 0.83) return -0;
  if (k < 0.86) return Number.NaN;
  if (k < 0.88) return r.pick([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
  if (k < 0.9) return r.pick([1e300, -1e-300, 5e-324, 0.1, 1 / 3]);
  return r.int(0, 1) + r.next();
}

/**
 * A batch of points around `now`: contiguous runs, gaps, duplicates, shuffles, old points
 * past retention, and (when `future`) points ahead of now. Future batches stay inside half
 * the first ring on each side, so python's run-overflow bug (docs) is never triggered.
 */
export function randomBatch(
  r: Rng,
  archives: ArchiveSpec[],
  now: number,
  future: boolean,
): Array<[number, number]> {
  const ret0 = archives[0]!.secondsPerPoint * archives[0]!.points;
  const maxRet = Math.max(...archives.map((a) => a.secondsPerPoint * a.points));
  const pts: Array<[number, number]> = [];
  const count = r.int(1, r.chance(0.2) ? 200 : 40);
  const step = r.pick([1, archives[0]!.secondsPerPoint, archives[0]!.secondsPerPoint * r.int(1, 3), 7]);
  const span = future ? Math.floor(ret0 / 2) : Math.floor(maxRet * (r.chance(0.2) ? 1.3 : 0.5));
  let t = now - r.int(0, span);
  for (let i = 0; i < count; i++) {
    if (future) {
      t = now + r.int(-Math.floor(ret0 / 2) + 1, Math.max(0, Math.floor(ret0 / 2) - 1));
    } else if (r.chance(0.1)) t = now - r.int(0, span);
    else t += step;
    pts.push([t, randomValue(r)]);
    if (r.chance(0.08)) pts.push([t, randomValue(r)]); // duplicate timestamp
    if (r.chance(0.05)) pts.push([t + r.int(1, 3), randomValue(r)]); // same slot, different raw ts
  }
  if (!future) for (let i = 0; i < pts.length; i++) if (pts[i]![0] > now) pts[i]![0] = now - r.int(0, 5);
  if (r.chance(0.3)) {
    for (let i = pts.length - 1; i > 0; i--) {
      const j = r.int(0, i);
      [pts[i], pts[j]] = [pts[j]!, pts[i]!];
    }
  } else if (r.chance(0.1)) pts.reverse();
  return pts;
}
