import { WhisperError } from './errors.js';

/** Aggregation type ids as stored in the file (1..8). */
export const AGG_AVERAGE = 1;
export const AGG_SUM = 2;
export const AGG_LAST = 3;
export const AGG_MAX = 4;
export const AGG_MIN = 5;
export const AGG_AVG_ZERO = 6;
export const AGG_ABSMAX = 7;
export const AGG_ABSMIN = 8;

/**
 * Aggregate the interval held in `vals[0..n)` with `known[i]` marking known slots, exactly as
 * python whisper's aggregate() over the known values (and, for avg_zero, all neighbours).
 * Python semantics matter: sum starts from int 0 (so -0.0 sums to 0.0), max/min keep the first
 * element unless a later one compares strictly greater/less (NaN order dependence), absmax/absmin
 * keep the first of ties. No allocation: callers reuse the arrays.
 */
export function aggregateInterval(type: number, vals: Float64Array, known: Uint8Array, n: number): number {
  switch (type) {
    case AGG_AVERAGE:
    case AGG_SUM: {
      let s = 0;
      let c = 0;
      for (let i = 0; i < n; i++) {
        if (known[i]) {
          s += vals[i]!;
          c++;
        }
      }
      return type === AGG_SUM ? s : s / c;
    }
    case AGG_LAST: {
      for (let i = n - 1; i >= 0; i--) if (known[i]) return vals[i]!;
      return Number.NaN;
    }
    case AGG_MAX:
    case AGG_MIN:
    case AGG_ABSMAX:
    case AGG_ABSMIN: {
      let have = false;
      let best = 0;
      for (let i = 0; i < n; i++) {
        if (!known[i]) continue;
        const v = vals[i]!;
        if (!have) {
          best = v;
          have = true;
        } else if (
          type === AGG_MAX
            ? v > best
            : type === AGG_MIN
              ? v < best
              : type === AGG_ABSMAX
                ? Math.abs(v) > Math.abs(best)
                : Math.abs(v) < Math.abs(best)
        ) {
          best = v;
        }
      }
      return best;
    }
    case AGG_AVG_ZERO: {
      let s = 0;
      // python: [x or 0 for x in neighbours]: unknown and 0.0 both count as int 0
      for (let i = 0; i < n; i++) if (known[i] && vals[i] !== 0) s += vals[i]!;
      return s / n;
    }
    default:
      throw new WhisperError('INVALID_AGGREGATION_METHOD', `Unrecognized aggregation method ${type}`);
  }
}

/** Convenience form over plain values (known values only; avg_zero needs the neighbour list). */
export function aggregate(method: string, knownValues: number[], neighborValues?: (number | null)[]): number {
  const types: Record<string, number> = {
    average: 1,
    sum: 2,
    last: 3,
    max: 4,
    min: 5,
    avg_zero: 6,
    absmax: 7,
    absmin: 8,
  };
  const t = types[method];
  if (t === undefined) {
    throw new WhisperError('INVALID_AGGREGATION_METHOD', `Unrecognized aggregation method ${method}`);
  }
  if (t === AGG_AVG_ZERO) {
    if (!neighborValues || neighborValues.length === 0) {
      throw new WhisperError('INVALID_AGGREGATION_METHOD', 'Using avg_zero without neighborValues');
    }
    const n = neighborValues.length;
    const vals = Float64Array.from(neighborValues, (v) => v ?? 0);
    const known = Uint8Array.from(neighborValues, (v) => (v === null ? 0 : 1));
    return aggregateInterval(t, vals, known, n);
  }
  const vals = Float64Array.from(knownValues);
  const known = new Uint8Array(vals.length).fill(1);
  return aggregateInterval(t, vals, known, vals.length);
}
