// Timer statistics exactly as Etsy computes them (lib/process_metrics.js semantics): same
// operation order so the floating-point results are bit-identical, same stat order. Stats
// are emitted straight to a callback with reused scratch buffers: a flush of 100k timers
// allocates no per-timer objects.

export interface HistogramRule {
  metric: string;
  bins: (number | string)[];
}

export interface TimerStatsOptions {
  percentThreshold: number[];
  histogram: HistogramRule[];
  /** Whitelist of stat names (`calculatedTimerMetrics`); empty = all. */
  calculated: string[];
  flushIntervalMs: number;
}

/** `sub` is the histogram bin name when `stat` is `histogram`. */
export type StatSink = (stat: string, sub: string | undefined, value: number) => void;

const PERCENT_STAT = /_(top)?\d+$/;

interface Pct {
  pct: number;
  names: [count: string, mean: string, bound: string, sum: string, sumSquares: string];
}

export class TimerStats {
  private readonly pcts: Pct[] = [];
  private readonly allowedCache = new Map<string, boolean>();
  private cumul = new Float64Array(64);
  private cumulSq = new Float64Array(64);
  private readonly perSecond: number;

  constructor(private readonly o: TimerStatsOptions) {
    this.perSecond = o.flushIntervalMs / 1000;
    // A repeated percentile overwrote the same object keys in Etsy: emit it once.
    const seen = new Set<string>();
    for (const pct of o.percentThreshold) {
      const p = String(pct).replace('.', '_').replace('-', 'top');
      if (seen.has(p)) continue;
      seen.add(p);
      this.pcts.push({
        pct,
        names: [
          `count_${p}`,
          `mean_${p}`,
          `${pct > 0 ? 'upper_' : 'lower_'}${p}`,
          `sum_${p}`,
          `sum_squares_${p}`,
        ],
      });
    }
  }

  private allowed(name: string): boolean {
    const calc = this.o.calculated;
    if (calc.length === 0) return true;
    let ok = this.allowedCache.get(name);
    if (ok === undefined) {
      ok = calc.includes(name.replace(PERCENT_STAT, '_percent'));
      this.allowedCache.set(name, ok);
    }
    return ok;
  }

  private put(out: StatSink, name: string, value: number): void {
    if (this.allowed(name)) out(name, undefined, value);
  }

  /** Emits the stats of one timer. `values` is sorted in place. */
  emit(key: string, values: number[], count: number, out: StatSink): void {
    const n = values.length;
    if (n === 0) {
      this.put(out, 'count_ps', 0);
      this.put(out, 'count', 0);
      return;
    }
    if (n > 1) values.sort((a, b) => a - b);
    const min = values[0];
    const max = values[n - 1];
    if (this.cumul.length < n) {
      const size = Math.max(n, this.cumul.length * 2);
      this.cumul = new Float64Array(size);
      this.cumulSq = new Float64Array(size);
    }
    const cumul = this.cumul;
    const cumulSq = this.cumulSq;
    cumul[0] = min;
    cumulSq[0] = min * min;
    for (let i = 1; i < n; i++) {
      cumul[i] = values[i] + cumul[i - 1];
      cumulSq[i] = values[i] * values[i] + cumulSq[i - 1];
    }

    let sum = min;
    let sumSquares = min * min;
    let mean = min;
    let boundary = max;
    for (const { pct, names } of this.pcts) {
      let inThreshold = n;
      if (n > 1) {
        inThreshold = Math.round((Math.abs(pct) / 100) * n);
        if (inThreshold === 0) continue;
        if (pct > 0) {
          boundary = values[inThreshold - 1];
          sum = cumul[inThreshold - 1];
          sumSquares = cumulSq[inThreshold - 1];
        } else {
          boundary = values[n - inThreshold];
          // Etsy reads index -1 (undefined -> NaN) when all samples are in the top group.
          const before = n - inThreshold - 1;
          sum = cumul[n - 1] - (before >= 0 ? cumul[before] : Number.NaN);
          sumSquares = cumulSq[n - 1] - (before >= 0 ? cumulSq[before] : Number.NaN);
        }
        mean = sum / inThreshold;
      }
      this.put(out, names[0], inThreshold);
      this.put(out, names[1], mean);
      this.put(out, names[2], boundary);
      this.put(out, names[3], sum);
      this.put(out, names[4], sumSquares);
    }

    sum = cumul[n - 1];
    sumSquares = cumulSq[n - 1];
    mean = sum / n;
    let sumOfDiffs = 0;
    for (let i = 0; i < n; i++) sumOfDiffs += (values[i] - mean) * (values[i] - mean);
    const mid = Math.floor(n / 2);
    const median = n % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;

    this.put(out, 'std', Math.sqrt(sumOfDiffs / n));
    this.put(out, 'upper', max);
    this.put(out, 'lower', min);
    this.put(out, 'count', count);
    this.put(out, 'count_ps', count / this.perSecond);
    this.put(out, 'sum', sum);
    this.put(out, 'sum_squares', sumSquares);
    this.put(out, 'mean', mean);
    this.put(out, 'median', median);

    let bins: (number | string)[] | undefined;
    for (const rule of this.o.histogram) {
      if (key.includes(String(rule.metric))) {
        bins = rule.bins ?? [];
        break;
      }
    }
    if (bins === undefined || bins.length === 0 || !this.allowed('histogram')) return;
    let i = 0;
    for (const bound of bins) {
      let freq = 0;
      // biome-ignore lint/suspicious/noDoubleEquals: Etsy compares bins loosely ('inf', numeric strings)
      for (; i < n && (bound == 'inf' || values[i] < (bound as number)); i++) freq++;
      out('histogram', `bin_${String(bound).replace('.', '_')}`, freq);
    }
  }
}
