// Prometheus families and series with statsd_exporter's semantics: cumulative counters,
// gauges (set/add), summaries over a sliding max_age window in age buckets (quantiles NaN
// when the window is empty; _sum/_count lifetime), histograms; type and label-set conflicts
// are refused (and counted) instead of breaking /metrics; per-series TTL.

import type { Quantile } from './mapper.js';

export type FamilyType = 'counter' | 'gauge' | 'summary' | 'histogram';

interface AgeBucket {
  start: number;
  values: number[];
  seen: number;
}

interface Series {
  labels: [string, string][];
  value: number;
  sum: number;
  count: number;
  bucketCounts?: number[];
  ages?: AgeBucket[];
  lastUpdate: number;
  ttlMs: number;
}

interface Family {
  name: string;
  type: FamilyType;
  help: string;
  labelKey: string;
  series: Map<string, Series>;
  buckets?: number[];
  quantiles?: Quantile[];
  maxAgeMs?: number;
}

export interface ObserveOptions {
  help: string;
  ttlMs: number;
  buckets?: number[];
  quantiles?: Quantile[];
  maxAgeMs?: number;
}

const AGE_BUCKETS = 5;
const MAX_SAMPLES_PER_AGE_BUCKET = 4096;

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function labelText(labels: [string, string][], extra?: [string, string]): string {
  const all = extra ? [...labels, extra] : labels;
  if (all.length === 0) return '';
  return `{${all.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}`;
}

export class Registry {
  private families = new Map<string, Family>();
  /** `_sum`, `_count`, `_bucket` names taken by summaries and histograms. */
  private reserved = new Map<string, string>();
  /** Series ever created, per type (statsd_exporter_metrics_total never decreases either). */
  readonly created: Record<FamilyType, number> = { counter: 0, gauge: 0, summary: 0, histogram: 0 };

  /** Returns the series, or undefined (conflict) — the caller counts the conflict. */
  private series(
    name: string,
    type: FamilyType,
    labels: Map<string, string>,
    o: ObserveOptions,
    now: number,
  ): Series | undefined {
    const sorted = [...labels.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const labelKey = sorted.map(([k]) => k).join(',');
    let fam = this.families.get(name);
    if (fam === undefined) {
      if (this.reserved.has(name)) return undefined;
      const suffixes =
        type === 'summary' ? ['_sum', '_count'] : type === 'histogram' ? ['_sum', '_count', '_bucket'] : [];
      if (suffixes.some((s) => this.families.has(name + s) || this.reserved.has(name + s))) return undefined;
      fam = { name, type, help: o.help, labelKey, series: new Map() };
      if (type === 'histogram') fam.buckets = [...(o.buckets ?? [])].sort((a, b) => a - b);
      if (type === 'summary') {
        fam.quantiles = o.quantiles;
        fam.maxAgeMs = o.maxAgeMs;
      }
      this.families.set(name, fam);
      for (const s of suffixes) this.reserved.set(name + s, name);
    } else if (fam.type !== type || fam.labelKey !== labelKey) return undefined;
    const seriesKey = sorted.map(([, v]) => v).join('\u0000');
    let s = fam.series.get(seriesKey);
    if (s === undefined) {
      s = { labels: sorted, value: 0, sum: 0, count: 0, lastUpdate: now, ttlMs: o.ttlMs };
      if (type === 'histogram') s.bucketCounts = new Array(fam.buckets!.length).fill(0);
      if (type === 'summary') s.ages = [];
      fam.series.set(seriesKey, s);
      this.created[type]++;
    }
    s.lastUpdate = now;
    s.ttlMs = o.ttlMs;
    return s;
  }

  counterAdd(
    name: string,
    labels: Map<string, string>,
    v: number,
    o: ObserveOptions,
    now = Date.now(),
  ): boolean {
    const s = this.series(name, 'counter', labels, o, now);
    if (s === undefined) return false;
    s.value += v;
    return true;
  }

  gauge(
    name: string,
    labels: Map<string, string>,
    v: number,
    relative: boolean,
    o: ObserveOptions,
    now = Date.now(),
  ): boolean {
    const s = this.series(name, 'gauge', labels, o, now);
    if (s === undefined) return false;
    s.value = relative ? s.value + v : v;
    return true;
  }

  observe(
    name: string,
    type: 'summary' | 'histogram',
    labels: Map<string, string>,
    v: number,
    o: ObserveOptions,
    now = Date.now(),
  ): boolean {
    const fam = this.families.get(name);
    const s = this.series(name, type, labels, o, now);
    if (s === undefined) return false;
    s.sum += v;
    s.count++;
    if (type === 'histogram') {
      const bounds = (fam ?? this.families.get(name)!).buckets!;
      for (let i = 0; i < bounds.length; i++) if (v <= bounds[i]) s.bucketCounts![i]++;
    } else {
      const maxAge = (fam ?? this.families.get(name)!).maxAgeMs ?? 600_000;
      const width = maxAge / AGE_BUCKETS;
      const ages = s.ages!;
      let cur = ages[ages.length - 1];
      if (cur === undefined || now >= cur.start + width) {
        cur = { start: now - ((now - (cur?.start ?? now)) % width), values: [], seen: 0 };
        ages.push(cur);
        while (ages.length > 0 && ages[0].start + maxAge <= now) ages.shift();
      }
      cur.seen++;
      if (cur.values.length < MAX_SAMPLES_PER_AGE_BUCKET) cur.values.push(v);
      else {
        // Reservoir sampling keeps the bucket's memory bounded under heavy traffic.
        const j = Math.floor(Math.random() * cur.seen);
        if (j < MAX_SAMPLES_PER_AGE_BUCKET) cur.values[j] = v;
      }
    }
    return true;
  }

  /** Deletes series idle longer than their TTL. */
  sweep(now = Date.now()): void {
    for (const [name, fam] of this.families) {
      for (const [k, s] of fam.series) if (s.ttlMs > 0 && now - s.lastUpdate > s.ttlMs) fam.series.delete(k);
      if (fam.series.size === 0) {
        this.families.delete(name);
        for (const [r, owner] of this.reserved) if (owner === name) this.reserved.delete(r);
      }
    }
  }

  render(now = Date.now()): string {
    const names = [...this.families.keys()].sort();
    let out = '';
    for (const name of names) out += renderFamily(this.families.get(name)!, now);
    return out;
  }
}

function renderFamily(f: Family, now: number): string {
  let out = `# HELP ${f.name} ${escapeHelp(f.help)}\n# TYPE ${f.name} ${f.type}\n`;
  const series = [...f.series.values()].sort((a, b) => {
    const ka = labelText(a.labels);
    const kb = labelText(b.labels);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  for (const s of series) {
    const lt = labelText(s.labels);
    if (f.type === 'counter' || f.type === 'gauge') {
      out += `${f.name}${lt} ${formatValue(s.value)}\n`;
    } else if (f.type === 'histogram') {
      for (let i = 0; i < f.buckets!.length; i++) {
        out += `${f.name}_bucket${labelText(s.labels, ['le', formatValue(f.buckets![i])])} ${s.bucketCounts![i]}\n`;
      }
      out += `${f.name}_bucket${labelText(s.labels, ['le', '+Inf'])} ${s.count}\n`;
      out += `${f.name}_sum${lt} ${formatValue(s.sum)}\n${f.name}_count${lt} ${s.count}\n`;
    } else {
      const maxAge = f.maxAgeMs ?? 600_000;
      const window: number[] = [];
      for (const a of s.ages!) if (a.start + maxAge > now) for (const v of a.values) window.push(v);
      window.sort((a, b) => a - b);
      for (const q of f.quantiles ?? []) {
        const v =
          window.length === 0
            ? Number.NaN
            : window[Math.max(0, Math.min(window.length - 1, Math.ceil(q.quantile * window.length) - 1))];
        out += `${f.name}${labelText(s.labels, ['quantile', String(q.quantile)])} ${formatValue(v)}\n`;
      }
      out += `${f.name}_sum${lt} ${formatValue(s.sum)}\n${f.name}_count${lt} ${s.count}\n`;
    }
  }
  return out;
}
