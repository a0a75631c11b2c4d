// carbon's MetricCache: metric -> {timestamp: value}, bounded by MAX_CACHE_SIZE datapoints.
// Points handed to the writer stay readable ("in flight") until their write finished, so a
// query never misses a point that was accepted (go-carbon's notConfirmed idea).

export type Point = [timestamp: number, value: number];
export type Listener = (metric: string, points: Point[]) => void;
export type WriteStrategy = 'sorted' | 'max' | 'naive' | 'timesorted';

export interface CacheStats {
  overflow: number;
  queries: number;
}

export class MetricCache {
  private readonly pending = new Map<string, Map<number, number>>();
  private readonly inflight = new Map<string, Point[][]>();
  private readonly listeners = new Set<Listener>();
  private fullListeners = new Set<(full: boolean) => void>();
  private _size = 0;
  private _full = false;
  readonly stats: CacheStats = { overflow: 0, queries: 0 };

  constructor(
    readonly maxSize: number = Infinity,
    readonly strategy: WriteStrategy = 'sorted',
  ) {}

  /** Datapoints waiting to be written (in-flight points excluded, like carbon's cache.size). */
  get size(): number {
    return this._size;
  }

  get metricCount(): number {
    return this.pending.size;
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

  /** Store a batch for one metric; returns the points accepted (same timestamp: last wins). */
  store(metric: string, points: Point[]): number {
    let m = this.pending.get(metric);
    const accepted: Point[] = [];
    for (const p of points) {
      if (m?.has(p[0])) {
        m.set(p[0], p[1]);
        accepted.push(p);
        continue;
      }
      if (this._size >= this.maxSize) {
        this.stats.overflow++;
        this.setFull(true);
        continue;
      }
      if (!m) {
        m = new Map();
        this.pending.set(metric, m);
      }
      m.set(p[0], p[1]);
      this._size++;
      accepted.push(p);
    }
    if (accepted.length && this.listeners.size) {
      for (const l of this.listeners) {
        try {
          l(metric, accepted);
        } catch {
          // a listener's failure must not affect ingestion
        }
      }
    }
    return accepted.length;
  }

  private setFull(full: boolean): void {
    if (full === this._full) return;
    this._full = full;
    for (const fn of this.fullListeners) fn(full);
  }

  /** Metrics to write in the next lap, in the order CACHE_WRITE_STRATEGY asks for. */
  writeOrder(): string[] {
    switch (this.strategy) {
      case 'max':
      case 'sorted': {
        // carbon's "max" picks the biggest each time (O(n) scan); a sorted snapshot gives the
        // same order for one lap without the quadratic cost
        const entries = [...this.pending].map(([k, v]) => [k, v.size] as const);
        entries.sort((a, b) => b[1] - a[1]);
        return entries.map((e) => e[0]);
      }
      case 'timesorted': {
        const entries = [...this.pending].map(([k, v]) => {
          let min = Infinity;
          for (const t of v.keys()) if (t < min) min = t;
          return [k, min] as const;
        });
        entries.sort((a, b) => a[1] - b[1]);
        return entries.map((e) => e[0]);
      }
      default:
        return [...this.pending.keys()];
    }
  }

  /** Remove a metric's points for writing; they stay visible until `confirm` is called. */
  pop(metric: string): Point[] {
    const m = this.pending.get(metric);
    if (!m) return [];
    this.pending.delete(metric);
    this._size -= m.size;
    const pts: Point[] = [...m];
    pts.sort((a, b) => a[0] - b[0]);
    const list = this.inflight.get(metric);
    if (list) list.push(pts);
    else this.inflight.set(metric, [pts]);
    if (this._full && this._size < this.maxSize * 0.95) this.setFull(false);
    return pts;
  }

  /** The writer finished (or gave up on) a popped batch. */
  confirm(metric: string, pts: Point[]): void {
    const list = this.inflight.get(metric);
    if (!list) return;
    const i = list.indexOf(pts);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.inflight.delete(metric);
  }

  /** All not-yet-durable points of a metric, in-flight first, pending last (pending wins). */
  get(metric: string): Point[] {
    this.stats.queries++;
    const fl = this.inflight.get(metric);
    const m = this.pending.get(metric);
    if (!fl && !m) return [];
    const merged = new Map<number, number>();
    if (fl) for (const batch of fl) for (const [t, v] of batch) merged.set(t, v);
    if (m) for (const [t, v] of m) merged.set(t, v);
    return [...merged].sort((a, b) => a[0] - b[0]);
  }

  /** Names of every metric with unwritten points (for find results of not-yet-created files). */
  metrics(): IterableIterator<string> {
    return this.pending.keys();
  }

  get inflightCount(): number {
    return this.inflight.size;
  }
}
