// carbon's MetricCache: metric -> {timestamp: value}, bounded by MAX_CACHE_SIZE datapoints.
// Each metric's pending points are two plain number arrays (timestamps, values) rather than a
// Map per metric: points nearly always arrive in time order, so a store is an append and a take
// needs no sort; at 100k metrics the Maps were most of the main thread's garbage.
// Points handed to the writer stay readable ("in flight") until their write finished, so a
// query never misses a point that was accepted (go-carbon's notConfirmed idea).

export type Point = [timestamp: number, value: number];
export type Listener = (metric: string, points: Point[]) => void;
export type WriteStrategy = 'sorted' | 'max' | 'naive' | 'timesorted';

export interface CacheStats {
  overflow: number;
  queries: number;
}

/**
 * One metric's cache entry: unwritten points in ts/vals[0..n) (`sorted` while every timestamp
 * was bigger than the last) and the batches handed to the writer but not confirmed yet.
 * Entries stay in the map while empty and the arrays keep their capacity: deleting and re-adding
 * 100k keys and arrays every lap kept the Map rehashing and the GC busy. `idleLaps` counts write
 * orders that found an entry empty; after a few it is dropped, so metrics that stopped arriving
 * do not stay forever.
 */
interface Entry {
  ts: number[];
  vals: number[];
  n: number;
  sorted: boolean;
  idleLaps: number;
  inflight: FlatPoints[] | undefined;
}

/** A batch handed to the writer: [t, v, t, v, ...] sorted by time, one value per timestamp. */
export type FlatPoints = Float64Array;

/** Batches are views into shared slabs: one allocation per SLAB values, not one per batch. */
const SLAB = 1 << 16;

export class MetricCache {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<Listener>();
  private fullListeners = new Set<(full: boolean) => void>();
  private _size = 0;
  /** entries with at least one pending point / with a batch in flight */
  private _metrics = 0;
  private _inflight = 0;
  private _full = false;
  private slab = new Float64Array(SLAB);
  private slabUsed = 0;
  readonly stats: CacheStats = { overflow: 0, queries: 0 };
  /**
   * Called when a metric with nothing cached (no pending points, no batch in flight) gets a
   * point: about once per metric and write lap, where a listener runs for every batch.
   */
  onPending?: (metric: string) => void;

  constructor(
    readonly maxSize: number = Infinity,
    readonly strategy: WriteStrategy = 'sorted',
  ) {}

  /** Datapoints waiting to be written (in-flight points excluded, like carbon's cache.size). */
  get size(): number {
    return this._size;
  }

  get metricCount(): number {
    return this._metrics;
  }

  get isFull(): boolean {
    return this._full;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Flow control: called with true when the cache fills up and false once it drained below 95%. */
  onFullChange(fn: (full: boolean) => void): () => void {
    this.fullListeners.add(fn);
    return () => this.fullListeners.delete(fn);
  }

  /**
   * Called after every store that accepted points (the writer's wake-up): once per received
   * batch, where listeners run once per metric of it.
   */
  onStored?: () => void;

  /** Store a batch for one metric; returns the points accepted (same timestamp: last wins). */
  store(metric: string, points: Point[]): number {
    // the listeners get `points` itself unless some were refused
    let accepted: Point[] | undefined;
    for (let i = 0; i < points.length; i++) {
      const p = points[i];
      if (this.storePoint(metric, p[0], p[1])) accepted?.push(p);
      else accepted ??= points.slice(0, i);
    }
    const out = accepted ?? points;
    if (out.length) {
      if (this.listeners.size) this.notify(metric, out);
      this.onStored?.();
    }
    return out.length;
  }

  /**
   * Store the points (metrics[i], ts[i], vals[i]) for i < n, as `store` would one by one; returns
   * the number accepted. The receivers' path: no array per point, one lookup per point, and the
   * points are grouped per metric only when someone listens.
   */
  storeMany(metrics: readonly string[], ts: ArrayLike<number>, vals: ArrayLike<number>, n: number): number {
    const grouped = this.listeners.size ? new Map<string, Point[]>() : undefined;
    let accepted = 0;
    for (let i = 0; i < n; i++) {
      const metric = metrics[i];
      if (!this.storePoint(metric, ts[i], vals[i])) continue;
      accepted++;
      if (grouped) {
        const g = grouped.get(metric);
        if (g) g.push([ts[i], vals[i]]);
        else grouped.set(metric, [[ts[i], vals[i]]]);
      }
    }
    if (grouped) for (const [metric, pts] of grouped) this.notify(metric, pts);
    if (accepted) this.onStored?.();
    return accepted;
  }

  /** One point into its metric's entry; false when refused (MAX_CACHE_SIZE reached). */
  private storePoint(metric: string, t: number, v: number): boolean {
    const m = this.entries.get(metric);
    if (m !== undefined && m.n > 0) {
      const n = m.n;
      if (t <= m.ts[n - 1]) {
        // not after the newest: an existing timestamp is overwritten (searched from the end,
        // where repeats are), anything else is an out-of-order new point
        let j = n - 1;
        while (j >= 0 && m.ts[j] !== t) j--;
        if (j >= 0) {
          m.vals[j] = v;
          return true;
        }
      }
    }
    if (this._size >= this.maxSize) {
      this.stats.overflow++;
      this.setFull(true);
      return false;
    }
    if (m === undefined) {
      this.entries.set(metric, { ts: [t], vals: [v], n: 1, sorted: true, idleLaps: 0, inflight: undefined });
      this._metrics++;
      this.onPending?.(metric);
    } else {
      if (m.n === 0) {
        this._metrics++;
        if (m.inflight === undefined) this.onPending?.(metric);
      } else if (t < m.ts[m.n - 1]) m.sorted = false;
      if (m.n < m.ts.length) {
        m.ts[m.n] = t;
        m.vals[m.n] = v;
      } else {
        m.ts.push(t);
        m.vals.push(v);
      }
      m.n++;
    }
    this._size++;
    return true;
  }

  private notify(metric: string, points: Point[]): void {
    for (const l of this.listeners) {
      try {
        l(metric, points);
      } catch {
        // a listener's failure must not affect ingestion
      }
    }
  }

  private setFull(full: boolean): void {
    if (full === this._full) return;
    this._full = full;
    for (const fn of this.fullListeners) fn(full);
  }

  /** Metrics to write in the next lap, in the order CACHE_WRITE_STRATEGY asks for. */
  writeOrder(): string[] {
    const names: string[] = [];
    const sizes: number[] = [];
    let uniform = true;
    for (const [k, v] of this.entries) {
      const n = v.n;
      if (n === 0) {
        if (++v.idleLaps > 2 && v.inflight === undefined) this.entries.delete(k);
        continue;
      }
      v.idleLaps = 0;
      names.push(k);
      sizes.push(n);
      if (n !== sizes[0]) uniform = false;
    }
    switch (this.strategy) {
      case 'max':
      case 'sorted': {
        // carbon's "max" picks the biggest each time (O(n) scan); a sorted snapshot gives the
        // same order for one lap without the quadratic cost. All queues equally long (typical
        // of a steady stream): insertion order is what a stable sort would give.
        if (uniform) return names;
        const idx = names.map((_, i) => i);
        idx.sort((a, b) => sizes[b] - sizes[a]);
        return idx.map((i) => names[i]);
      }
      case 'timesorted': {
        const mins = names.map((k) => {
          let min = Infinity;
          const e = this.entries.get(k);
          if (e) for (let i = 0; i < e.n; i++) if (e.ts[i] < min) min = e.ts[i];
          return min;
        });
        const idx = names.map((_, i) => i);
        idx.sort((a, b) => mins[a] - mins[b]);
        return idx.map((i) => names[i]);
      }
      default:
        return names;
    }
  }

  /**
   * Remove a metric's points for writing, as one flat sorted batch; they stay visible until
   * `confirm` is called with that batch. Empty (length 0) when the metric has nothing pending.
   */
  take(metric: string): FlatPoints {
    const m = this.entries.get(metric);
    if (!m || m.n === 0) return new Float64Array(0);
    const n = m.n;
    this._size -= n;
    this._metrics--;
    const flat = this.alloc(2 * n);
    if (m.sorted) {
      for (let i = 0; i < n; i++) {
        flat[2 * i] = m.ts[i];
        flat[2 * i + 1] = m.vals[i];
      }
    } else {
      const idx = Array.from({ length: n }, (_, i) => i);
      idx.sort((a, b) => m.ts[a] - m.ts[b]);
      for (let i = 0; i < n; i++) {
        flat[2 * i] = m.ts[idx[i]];
        flat[2 * i + 1] = m.vals[idx[i]];
      }
    }
    m.n = 0;
    m.sorted = true;
    if (m.inflight) m.inflight.push(flat);
    else {
      m.inflight = [flat];
      this._inflight++;
    }
    if (this._full && this._size < this.maxSize * 0.95) this.setFull(false);
    return flat;
  }

  private alloc(len: number): Float64Array {
    if (len > SLAB / 16) return new Float64Array(len);
    if (this.slabUsed + len > SLAB) {
      this.slab = new Float64Array(SLAB);
      this.slabUsed = 0;
    }
    const v = this.slab.subarray(this.slabUsed, this.slabUsed + len);
    this.slabUsed += len;
    return v;
  }

  /** The writer finished (or gave up on) a batch from `take`. */
  confirm(metric: string, batch: FlatPoints): void {
    const m = this.entries.get(metric);
    if (!m?.inflight) return;
    const i = m.inflight.indexOf(batch);
    if (i >= 0) m.inflight.splice(i, 1);
    if (m.inflight.length === 0) {
      m.inflight = undefined;
      this._inflight--;
    }
  }

  /** Does the metric have points not handed to the writer yet? */
  hasPending(metric: string): boolean {
    return (this.entries.get(metric)?.n ?? 0) > 0;
  }

  /** All not-yet-durable points of a metric, in-flight first, pending last (pending wins). */
  get(metric: string): Point[] {
    this.stats.queries++;
    const m = this.entries.get(metric);
    if (!m || (m.n === 0 && !m.inflight)) return [];
    const merged = new Map<number, number>();
    if (m.inflight)
      for (const flat of m.inflight)
        for (let i = 0; i < flat.length; i += 2) merged.set(flat[i], flat[i + 1]);
    for (let i = 0; i < m.n; i++) merged.set(m.ts[i], m.vals[i]);
    return [...merged].sort((a, b) => a[0] - b[0]);
  }

  /** Names of every metric with unwritten points (for find results of not-yet-created files). */
  *metrics(): IterableIterator<string> {
    for (const [k, v] of this.entries) if (v.n > 0) yield k;
  }

  get inflightCount(): number {
    return this._inflight;
  }
}
