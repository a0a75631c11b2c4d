// storage-schemas.conf and storage-aggregation.conf: first matching section wins (file order),
// patterns are unanchored regex searches over the full (canonical) metric name.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type ArchiveSpec, parseRetentionsLenient, validateArchiveList } from '@appliance/whisper';
import { parseIni } from './ini.js';

export interface Schema {
  name: string;
  pattern: RegExp;
  archives: ArchiveSpec[];
}

export interface AggregationRule {
  name: string;
  pattern: RegExp;
  xFilesFactor?: number;
  aggregationMethod?: string;
}

export const AGGREGATION_METHODS = ['average', 'sum', 'last', 'max', 'min', 'avg_zero', 'absmax', 'absmin'];

/** graphite-project/docker-graphite-statsd's files, used when no conf dir is given. */
export const DEFAULT_SCHEMAS_CONF = `[carbon]
pattern = ^carbon\\.
retentions = 10s:6h,1m:90d

[default_1min_for_1day]
pattern = .*
retentions = 10s:6h,1m:6d,10m:1800d
`;

export const DEFAULT_AGGREGATION_CONF = `[min]
pattern = \\.lower$
xFilesFactor = 0.1
aggregationMethod = min

[max]
pattern = \\.upper(_\\d+)?$
xFilesFactor = 0.1
aggregationMethod = max

[sum]
pattern = \\.sum$
xFilesFactor = 0
aggregationMethod = sum

[count]
pattern = \\.count$
xFilesFactor = 0
aggregationMethod = sum

[count_legacy]
pattern = ^stats_counts.*
xFilesFactor = 0
aggregationMethod = sum

[default_average]
pattern = .*
xFilesFactor = 0.3
aggregationMethod = average
`;

/** Python `re` syntax that JS spells differently. */
export function pyRegex(src: string): RegExp {
  return new RegExp(src.replace(/\(\?P<(\w+)>/g, '(?<$1>').replace(/\(\?P=(\w+)\)/g, '\\k<$1>'));
}

export interface SchemaWarnings {
  warn: (msg: string) => void;
}

export function parseSchemas(text: string, log?: SchemaWarnings): Schema[] {
  const out: Schema[] = [];
  for (const s of parseIni(text)) {
    const pattern = s.values.get('pattern');
    const retentions = s.values.get('retentions');
    if (pattern === undefined || retentions === undefined) {
      log?.warn(`storage-schemas: section [${s.name}] lacks pattern or retentions, skipped`);
      continue;
    }
    try {
      // whisper's reading of each item; where carbon's stricter one differs, carbon would not
      // start, so say so rather than refuse what whisper (and we) can store
      const { archives, carbonErrors } = parseRetentionsLenient(retentions);
      for (const err of carbonErrors)
        log?.warn(`storage-schemas: [${s.name}] carbon-cache would refuse ${err}`);
      out.push({ name: s.name, pattern: pyRegex(pattern), archives: validateArchiveList(archives) });
    } catch (e) {
      log?.warn(`Invalid schemas found in ${s.name}: ${(e as Error).message}`);
    }
  }
  // carbon's built-in fallback: 1 minute for 7 days
  out.push({ name: 'default', pattern: /(?:)/, archives: [{ secondsPerPoint: 60, points: 10080 }] });
  return out;
}

export function parseAggregation(text: string, log?: SchemaWarnings): AggregationRule[] {
  const out: AggregationRule[] = [];
  for (const s of parseIni(text)) {
    const pattern = s.values.get('pattern');
    if (pattern === undefined) {
      log?.warn(`storage-aggregation: section [${s.name}] lacks pattern, skipped`);
      continue;
    }
    const rule: AggregationRule = { name: s.name, pattern: pyRegex(pattern) };
    const xff = s.values.get('xfilesfactor');
    if (xff !== undefined) {
      const v = Number(xff.trim());
      if (xff.trim() === '' || !Number.isFinite(v) || v < 0 || v > 1) {
        log?.warn(`Invalid schemas found in ${s.name}.`);
        continue;
      }
      rule.xFilesFactor = v;
    }
    const method = s.values.get('aggregationmethod');
    if (method !== undefined) {
      if (!AGGREGATION_METHODS.includes(method.trim())) {
        log?.warn(`Invalid schemas found in ${s.name}: unknown aggregationMethod ${method}`);
        continue;
      }
      rule.aggregationMethod = method.trim();
    }
    out.push(rule);
  }
  return out;
}

export interface StorageRules {
  schemas: Schema[];
  aggregation: AggregationRule[];
}

export interface Creation {
  archives: ArchiveSpec[];
  xFilesFactor: number;
  aggregationMethod: string;
}

/** Load from a carbon conf dir (missing aggregation file = whisper defaults), or the image defaults. */
export function loadRules(confDir: string | undefined, log?: SchemaWarnings): StorageRules {
  if (!confDir) {
    return {
      schemas: parseSchemas(DEFAULT_SCHEMAS_CONF, log),
      aggregation: parseAggregation(DEFAULT_AGGREGATION_CONF, log),
    };
  }
  const schemas = parseSchemas(readFileSync(path.join(confDir, 'storage-schemas.conf'), 'utf8'), log);
  let aggText = '';
  try {
    aggText = readFileSync(path.join(confDir, 'storage-aggregation.conf'), 'utf8');
  } catch {
    // optional file
  }
  return { schemas, aggregation: parseAggregation(aggText, log) };
}

export function creationFor(rules: StorageRules, metric: string): Creation {
  const schema = rules.schemas.find((s) => s.pattern.test(metric))!;
  const agg = rules.aggregation.find((a) => a.pattern.test(metric));
  return {
    archives: schema.archives,
    xFilesFactor: agg?.xFilesFactor ?? 0.5,
    aggregationMethod: agg?.aggregationMethod ?? 'average',
  };
}
