// The path every received datapoint takes (carbon's metricReceived + the cache pipeline):
// NaN dropped, timestamp -1 means now, MIN_TIMESTAMP_RESOLUTION rounding, name validation and
// normalisation, then the cache. Receivers hand whole batches in so listeners see batches.

import type { Logger } from 'pino';
import type { MetricCache, Point } from './cache.js';
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

export class Ingest {
  readonly stats: IngestStats = { metricsReceived: 0, invalidLines: 0, invalidNames: 0, nanDropped: 0 };
  private readonly seenTagged = new Set<string>();
  private lastNameLog = 0;
  /** raw name -> canonical name; bounded so a stream of unique names cannot grow it forever */
  private readonly canonical = new Map<string, string | null>();

  constructor(private readonly opts: IngestOptions) {}

  private canonicalName(raw: string): string | null {
    const hit = this.canonical.get(raw);
    if (hit !== undefined) return hit;
    let name: string | null;
    try {
      const p = parseMetric(raw);
      name = p.metric;
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
    if (this.canonical.size > 1_000_000) this.canonical.clear();
    this.canonical.set(raw, name);
    return name;
  }

  /** Returns the number of points that entered the cache. */
  accept(points: RawPoint[]): number {
    const res = this.opts.minTimestampResolution;
    const byMetric = new Map<string, Point[]>();
    for (const [raw, ts0, value] of points) {
      if (Number.isNaN(value)) {
        this.stats.nanDropped++;
        continue;
      }
      if (!Number.isFinite(ts0)) {
        this.stats.invalidLines++;
        continue;
      }
      let ts = ts0;
      if (Math.trunc(ts) === -1) ts = this.opts.now ? this.opts.now() : Date.now() / 1000;
      if (res > 0) ts = Math.floor(Math.trunc(ts) / res) * res;
      const metric = this.canonicalName(raw);
      if (metric === null) {
        this.stats.invalidNames++;
        continue;
      }
      this.stats.metricsReceived++;
      const list = byMetric.get(metric);
      if (list) list.push([ts, value]);
      else byMetric.set(metric, [[ts, value]]);
    }
    let n = 0;
    for (const [metric, pts] of byMetric) n += this.opts.cache.store(metric, pts);
    return n;
  }

  /** Metrics stored directly (self-metrics): they bypass metricsReceived like carbon's. */
  storeInternal(metric: string, ts: number, value: number): void {
    this.opts.cache.store(metric, [[ts, value]]);
  }
}
