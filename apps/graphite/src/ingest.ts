// The path every received datapoint takes (carbon's metricReceived + the cache pipeline):
// NaN dropped, timestamp -1 means now, MIN_TIMESTAMP_RESOLUTION rounding, name validation and
// normalisation, then the cache. Receivers hand whole batches in (one per read from a socket).

import type { Logger } from 'pino';
import type { MetricCache } from './cache.js';
import { MetricNameError, parseMetric } from './names.js';

export interface IngestStats {
  metricsReceived: number;
  invalidLines: number;
  invalidNames: number;
  nanDropped: number;
}

export type RawPoint = [name: string, timestamp: number, value: number];

export interface IngestOptions {
  cache: MetricCache;
  log: Logger;
  /** carbon's MIN_TIMESTAMP_RESOLUTION (docker/Debian: 1). 0 keeps fractional timestamps. */
  minTimestampResolution: number;
  /** Called once per newly seen tagged series (canonical name, tags). */
  onTagged?: (metric: string, tags: Record<string, string>) => void;
  now?: () => number;
}

/** Batch arrays up to this length are kept for the next batch. */
const BATCH_KEEP = 1 << 16;

export class Ingest {
  readonly stats: IngestStats = { metricsReceived: 0, invalidLines: 0, invalidNames: 0, nanDropped: 0 };
  private readonly seenTagged = new Set<string>();
  private lastNameLog = 0;
  /** raw name -> canonical name; bounded so a stream of unique names cannot grow it forever */
  private readonly canonical = new Map<string, string | null>();

  constructor(private readonly opts: IngestOptions) {}

  /**
   * The canonical name of a received name, null when it is invalid (counted by `add`).
   * `remember`: keep the answer in this object's own table (callers with their own, like the
   * line receiver's NameTable, pass false so 100k names are not held twice).
   */
  canonicalName(raw: string, remember = true): string | null {
    const hit = this.canonical.get(raw);
    if (hit !== undefined) return hit;
    let name: string | null;
    try {
      const p = parseMetric(raw);
      // the usual already-canonical name: keep one string, not two equal ones
      name = p.metric === raw ? raw : p.metric;
      if (p.tags && !this.seenTagged.has(name)) {
        this.seenTagged.add(name);
        this.opts.onTagged?.(name, p.tags);
      }
    } catch (e) {
      if (!(e instanceof MetricNameError)) throw e;
      name = null;
      const now = Date.now();
      if (now - this.lastNameLog > 1000) {
        this.lastNameLog = now;
        this.opts.log.warn({ metric: raw.slice(0, 400) }, `invalid metric name: ${e.message}`);
      }
    }
    if (!remember) return name;
    if (this.canonical.size > 1_000_000) this.canonical.clear();
    this.canonical.set(raw, name);
    return name;
  }

  /**
   * The batch being collected by `add`, as parallel arrays (no object per point), reused from
   * one flush to the next; `flush` hands it to the cache.
   */
  private batchMetrics: string[] = [];
  private batchTs: number[] = [];
  private batchVals: number[] = [];
  private batchSize = 0;

  /** One received point into the current batch; `flush` hands the batch to the cache. */
  add(raw: string, ts: number, value: number): void {
    // the checks run in carbon's order: a NaN value is dropped before the name is looked at
    if (Number.isNaN(value) || !Number.isFinite(ts)) this.addResolved(null, ts, value);
    else this.addResolved(this.canonicalName(raw), ts, value);
  }

  /** `add` for a name already resolved by `canonicalName` (null: invalid). */
  addResolved(metric: string | null, ts0: number, value: number): void {
    if (Number.isNaN(value)) {
      this.stats.nanDropped++;
      return;
    }
    if (!Number.isFinite(ts0)) {
      this.stats.invalidLines++;
      return;
    }
    if (metric === null) {
      this.stats.invalidNames++;
      return;
    }
    let ts = ts0;
    if (Math.trunc(ts) === -1) ts = this.opts.now ? this.opts.now() : Date.now() / 1000;
    const res = this.opts.minTimestampResolution;
    if (res > 0) ts = Math.floor(Math.trunc(ts) / res) * res;
    this.stats.metricsReceived++;
    const i = this.batchSize++;
    this.batchMetrics[i] = metric;
    this.batchTs[i] = ts;
    this.batchVals[i] = value;
  }

  /** Store the batch collected by `add`; returns the number of points that entered the cache. */
  flush(): number {
    const n = this.batchSize;
    if (n === 0) return 0;
    this.batchSize = 0;
    const stored = this.opts.cache.storeMany(this.batchMetrics, this.batchTs, this.batchVals, n);
    // a one-off huge batch (a big pickle frame) should not pin its arrays
    if (n > BATCH_KEEP) {
      this.batchMetrics = [];
      this.batchTs = [];
      this.batchVals = [];
    }
    return stored;
  }

  /** Returns the number of points that entered the cache. */
  accept(points: RawPoint[]): number {
    for (const [raw, ts, value] of points) this.add(raw, ts, value);
    return this.flush();
  }

  /** Metrics stored directly (self-metrics): they bypass metricsReceived like carbon's. */
  storeInternal(metric: string, ts: number, value: number): void {
    this.opts.cache.store(metric, [[ts, value]]);
  }
}
