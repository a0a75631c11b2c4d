// statsd_exporter's mapping file (YAML): glob and regex matches, name/label templates with
// $n, observer type, buckets, quantiles, ttl, drop actions, match_metric_type, scale.

import { parseYaml } from '../config-file.js';
import type { ExporterEventType } from './parse-line.js';

export interface Quantile {
  quantile: number;
  error: number;
}

export interface MappingResult {
  action: 'map' | 'drop';
  name: string;
  labels: Map<string, string>;
  help: string | undefined;
  observerType: 'summary' | 'histogram';
  buckets: number[];
  quantiles: Quantile[];
  maxAgeMs: number;
  ttlMs: number;
  honorLabels: boolean;
  scale: number | undefined;
}

interface Rule {
  match: string;
  matchType: 'glob' | 'regex';
  glob?: string[];
  regex?: RegExp;
  name: string;
  labels: [string, string][];
  help?: string;
  matchMetricType?: 'counter' | 'gauge' | 'observer';
  observerType?: 'summary' | 'histogram';
  buckets?: number[];
  quantiles?: Quantile[];
  maxAgeMs?: number;
  ttlMs?: number;
  action: 'map' | 'drop';
  honorLabels: boolean;
  scale?: number;
}

export interface MappingConfig {
  rules: Rule[];
  defaults: {
    observerType: 'summary' | 'histogram';
    matchType: 'glob' | 'regex';
    buckets: number[];
    quantiles: Quantile[];
    maxAgeMs: number;
    ttlMs: number;
  };
}

export const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
export const DEFAULT_QUANTILES: Quantile[] = [
  { quantile: 0.5, error: 0.05 },
  { quantile: 0.9, error: 0.01 },
  { quantile: 0.99, error: 0.001 },
];

export function parseDuration(v: unknown): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return v * 1000;
  const text = String(v).trim();
  if (text === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s|us|µs|ns)/gy;
  let total = 0;
  let pos = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const n = Number(m[1]);
    const unit = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, µs: 0.001, ns: 0.000001 }[m[2]]!;
    total += n * unit;
    pos = re.lastIndex;
  }
  if (pos !== text.length || pos === 0) throw new Error(`invalid duration ${text}`);
  return total;
}

const NAME_TEMPLATE = /^([a-zA-Z_]|\$\{?\d+\}?)([a-zA-Z0-9_]|\$\{?\d+\}?)*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function quantiles(v: unknown): Quantile[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v.map((q: { quantile: number; error?: number }) => ({
    quantile: Number(q.quantile),
    error: Number(q.error ?? 0.01),
  }));
}

export function parseMappingConfig(text: string): MappingConfig {
  const doc = (parseYaml(text) ?? {}) as Record<string, unknown>;
  const d = (doc.defaults ?? {}) as Record<string, unknown>;
  const dSummary = (d.summary_options ?? {}) as Record<string, unknown>;
  const dHist = (d.histogram_options ?? {}) as Record<string, unknown>;
  const defaults: MappingConfig['defaults'] = {
    observerType: d.observer_type === 'histogram' ? 'histogram' : 'summary',
    matchType: d.match_type === 'regex' ? 'regex' : 'glob',
    buckets: Array.isArray(dHist.buckets)
      ? dHist.buckets.map(Number)
      : Array.isArray(d.buckets)
        ? d.buckets.map(Number)
        : DEFAULT_BUCKETS,
    quantiles: quantiles(dSummary.quantiles) ?? quantiles(d.quantiles) ?? DEFAULT_QUANTILES,
    maxAgeMs: dSummary.max_age !== undefined ? parseDuration(dSummary.max_age) : 600_000,
    ttlMs: parseDuration(d.ttl),
  };
  const rules: Rule[] = [];
  for (const [i, m] of ((doc.mappings ?? []) as Record<string, unknown>[]).entries()) {
    const where = `mapping ${i + 1}`;
    const match = String(m.match ?? '');
    if (match === '') throw new Error(`${where}: match is required`);
    const matchType =
      m.match_type === 'regex' ? 'regex' : m.match_type === 'glob' ? 'glob' : defaults.matchType;
    const action = m.action === 'drop' ? 'drop' : 'map';
    const name = String(m.name ?? '');
    if (action === 'map' && !NAME_TEMPLATE.test(name))
      throw new Error(`${where}: invalid metric name "${name}"`);
    const labels = Object.entries((m.labels ?? {}) as Record<string, unknown>).map(([k, v]) => {
      if (!LABEL_NAME.test(k)) throw new Error(`${where}: invalid label name "${k}"`);
      return [k, String(v)] as [string, string];
    });
    const summary = (m.summary_options ?? undefined) as Record<string, unknown> | undefined;
    const hist = (m.histogram_options ?? undefined) as Record<string, unknown> | undefined;
    if (summary !== undefined && hist !== undefined)
      throw new Error(`${where}: cannot have both summary and histogram options`);
    const rule: Rule = {
      match,
      matchType,
      name,
      labels,
      help: m.help !== undefined ? String(m.help) : undefined,
      action,
      honorLabels: Boolean(m.honor_labels),
    };
    if (matchType === 'glob') {
      const parts = match.split('.');
      for (const p of parts) {
        if (p !== '*' && (p.includes('*') || p === '')) throw new Error(`${where}: invalid glob "${match}"`);
      }
      rule.glob = parts;
    } else rule.regex = new RegExp(match);
    const mt = m.match_metric_type;
    if (mt === 'counter' || mt === 'gauge' || mt === 'observer') rule.matchMetricType = mt;
    const ot = m.observer_type ?? m.timer_type;
    if (ot === 'histogram' || ot === 'summary') rule.observerType = ot;
    const buckets = hist?.buckets ?? m.buckets;
    if (Array.isArray(buckets)) rule.buckets = buckets.map(Number);
    rule.quantiles = quantiles(summary?.quantiles) ?? quantiles(m.quantiles);
    if (summary?.max_age !== undefined) rule.maxAgeMs = parseDuration(summary.max_age);
    if (m.ttl !== undefined) rule.ttlMs = parseDuration(m.ttl);
    if (m.scale !== undefined) rule.scale = Number(m.scale);
    rules.push(rule);
  }
  // Glob rules are always tried before regex rules (statsd_exporter's FSM first).
  rules.sort((a, b) => (a.matchType === b.matchType ? 0 : a.matchType === 'glob' ? -1 : 1));
  return { rules, defaults };
}

function expand(template: string, groups: readonly string[]): string {
  return template.replace(
    /\$\{(\d+)\}|\$(\d+)/g,
    (_, a: string | undefined, b: string | undefined) => groups[Number(a ?? b)] ?? '',
  );
}

export class Mapper {
  private cache = new Map<string, MappingResult | null>();
  cacheGets = 0;
  cacheHits = 0;

  constructor(
    readonly config: MappingConfig,
    private readonly cacheSize = 1000,
  ) {}

  get cacheLength(): number {
    return this.cache.size;
  }

  /** The mapping for a StatsD name and event type, or undefined when no rule matches. */
  map(name: string, type: ExporterEventType): MappingResult | undefined {
    const key = `${type}\u0000${name}`;
    this.cacheGets++;
    const cached = this.cache.get(key);
    if (cached !== undefined) {
      this.cacheHits++;
      this.cache.delete(key);
      this.cache.set(key, cached);
      return cached ?? undefined;
    }
    const result = this.lookup(name, type);
    this.cache.set(key, result ?? null);
    if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
    return result;
  }

  private lookup(name: string, type: ExporterEventType): MappingResult | undefined {
    const d = this.config.defaults;
    const parts = name.split('.');
    for (const rule of this.config.rules) {
      if (rule.matchMetricType !== undefined && rule.matchMetricType !== type) continue;
      let groups: string[] | undefined;
      if (rule.glob !== undefined) {
        if (rule.glob.length !== parts.length) continue;
        const caps = [name];
        let ok = true;
        for (let i = 0; i < parts.length; i++) {
          if (rule.glob[i] === '*') caps.push(parts[i]);
          else if (rule.glob[i] !== parts[i]) {
            ok = false;
            break;
          }
        }
        if (ok) groups = caps;
      } else {
        const m = rule.regex!.exec(name);
        if (m !== null) groups = [...m].map((g) => g ?? '');
      }
      if (groups === undefined) continue;
      return {
        action: rule.action,
        name: expand(rule.name, groups),
        labels: new Map(rule.labels.map(([k, v]) => [k, expand(v, groups)])),
        help: rule.help,
        observerType: rule.observerType ?? d.observerType,
        buckets: rule.buckets ?? d.buckets,
        quantiles: rule.quantiles ?? d.quantiles,
        maxAgeMs: rule.maxAgeMs ?? d.maxAgeMs,
        ttlMs: rule.ttlMs ?? d.ttlMs,
        honorLabels: rule.honorLabels,
        scale: rule.scale,
      };
    }
    return undefined;
  }
}
