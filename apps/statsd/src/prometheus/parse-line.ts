// statsd_exporter's line grammar (pkg/line): DogStatsD tags and value packing, name-embedded
// SignalFx/Librato/InfluxDB tags, sample rates, and its error reasons.

import { escapeMetricName } from './escape.js';

export type ExporterEventType = 'counter' | 'gauge' | 'observer';

export interface ExporterEvent {
  type: ExporterEventType;
  name: string;
  value: number;
  relative: boolean;
  labels: Map<string, string>;
}

export interface LineStats {
  sampleErrors(reason: string): void;
  samples(n: number): void;
  tags(): void;
  tagErrors(): void;
}

const GO_FLOAT =
  /^[+-]?(?:(?:\d+(?:_\d+)*(?:\.(?:\d+(?:_\d+)*)?)?|\.\d+(?:_\d+)*)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)$/i;

/** Go's strconv.ParseFloat for the decimal forms statsd clients send. */
export function parseGoFloat(s: string): number | undefined {
  if (!GO_FLOAT.test(s)) return undefined;
  const t = s.replace(/_/g, '').toLowerCase();
  if (t.endsWith('nan')) return Number.NaN;
  if (t.includes('inf')) return t.startsWith('-') ? -Infinity : Infinity;
  return Number(t);
}

function parseDogTags(text: string, labels: Map<string, string>, stats: LineStats): void {
  for (let tag of text.split(',')) {
    if (tag.startsWith('#')) tag = tag.slice(1);
    const colon = tag.indexOf(':');
    if (colon < 1 || colon === tag.length - 1) {
      stats.tagErrors();
      continue;
    }
    labels.set(escapeMetricName(tag.slice(0, colon)), tag.slice(colon + 1));
  }
}

function parseKvTags(text: string, sep: string, labels: Map<string, string>, stats: LineStats): void {
  for (const tag of text.split(sep)) {
    const eq = tag.indexOf('=');
    if (eq < 1 || eq === tag.length - 1) {
      stats.tagErrors();
      continue;
    }
    labels.set(escapeMetricName(tag.slice(0, eq)), tag.slice(eq + 1));
  }
}

/** Name-embedded tags; returns the bare name, or undefined for a mixed-style error. */
function parseNameTags(name: string, labels: Map<string, string>, stats: LineStats): string {
  const open = name.indexOf('[');
  const close = name.indexOf(']');
  if (open !== -1 && close > open) {
    parseKvTags(name.slice(open + 1, close), ',', labels, stats);
    return name.slice(0, open) + name.slice(close + 1);
  }
  const hash = name.indexOf('#');
  if (hash !== -1) {
    parseKvTags(name.slice(hash + 1), ',', labels, stats);
    return name.slice(0, hash);
  }
  const comma = name.indexOf(',');
  if (comma !== -1) {
    parseKvTags(name.slice(comma + 1), ',', labels, stats);
    return name.slice(0, comma);
  }
  return name;
}

export function parseExporterLine(line: string, stats: LineStats): ExporterEvent[] {
  if (line.length === 0) return [];
  const colon = line.indexOf(':');
  if (colon < 1 || line.includes('\uFFFD')) {
    stats.sampleErrors('malformed_line');
    return [];
  }
  const baseLabels = new Map<string, string>();
  let name = line.slice(0, colon);
  const rest = line.slice(colon + 1);
  const hasDogTags = rest.includes('|#');
  const bareName = parseNameTags(name, baseLabels, stats);
  if (bareName !== name && hasDogTags) {
    stats.sampleErrors('mixed_tagging_styles');
    return [];
  }
  name = bareName;

  const parts = rest.split('|');
  if (parts.length < 2) {
    stats.sampleErrors('not_enough_parts_after_colon');
    return [];
  }
  let samples: string[];
  if (parts[0].includes(':')) {
    const type = parts[1];
    if (type !== 'ms' && type !== 'h' && type !== 'd') {
      stats.sampleErrors('invalid_extended_aggregate_type');
      return [];
    }
    const suffix = parts.slice(1).join('|');
    samples = parts[0].split(':').map((v) => `${v}|${suffix}`);
  } else if (hasDogTags) samples = [rest];
  else samples = rest.split(':');

  const events: ExporterEvent[] = [];
  sampleLoop: for (const sample of samples) {
    stats.samples(1);
    const components = sample.split('|');
    if (components.length < 2 || components.length > 6) {
      stats.sampleErrors('malformed_component');
      continue;
    }
    const valueText = components[0];
    const type = components[1];
    const relative = valueText.startsWith('+') || valueText.startsWith('-');
    let value = parseGoFloat(valueText);
    if (value === undefined) {
      stats.sampleErrors('malformed_value');
      continue;
    }
    let repeat = 1;
    const labels = new Map(baseLabels);
    for (let i = 2; i < components.length; i++) {
      const c = components[i];
      if (c.length === 0) {
        stats.sampleErrors('malformed_component');
        continue sampleLoop;
      }
      switch (c[0]) {
        case '@': {
          let rate = parseGoFloat(c.slice(1));
          if (rate === undefined) {
            stats.sampleErrors('invalid_sample_factor');
            rate = 1;
          }
          if (rate === 0) rate = 1;
          if (type === 'c') value /= rate;
          else if (type === 'ms' || type === 'h' || type === 'd') repeat = Math.trunc(1 / rate);
          break;
        }
        case '#':
          parseDogTags(c.slice(1), labels, stats);
          break;
        case 'c':
          if (c.startsWith('c:') && c.length > 2) labels.set('container_id', c.slice(2));
          else {
            stats.sampleErrors('malformed_container_id');
          }
          break;
        case 'T':
          break;
        default:
          stats.sampleErrors('invalid_sample_factor');
          continue sampleLoop;
      }
    }
    if (labels.size > 0) stats.tags();
    let evType: ExporterEventType;
    if (type === 'c') evType = 'counter';
    else if (type === 'g') evType = 'gauge';
    else if (type === 'ms') {
      evType = 'observer';
      value /= 1000;
    } else if (type === 'h' || type === 'd') evType = 'observer';
    else {
      stats.sampleErrors('illegal_event');
      continue;
    }
    for (let r = 0; r < repeat; r++) events.push({ type: evType, name, value, relative, labels });
  }
  return events;
}
