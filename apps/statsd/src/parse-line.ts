// The Etsy statsd 0.9 line grammar, applied to an Aggregator. Differences from Etsy, all on
// input Etsy mishandles: DogStatsD `|c:`, `|e:`, `|card:` and `|T` fields are understood
// (Etsy glues them into the last tag or counts bad lines), events and service checks are
// parsed instead of counted as bad, tags are canonicalised (see tags.ts), and rates that
// crash Etsy (`@+0.5`) are bad lines.

import type { Aggregator } from './aggregator.js';
import { parseEvent, parseServiceCheck, type ServiceCheck, type StatsdEvent } from './dogstatsd.js';
import { parseSampleRate } from './numeric.js';
import { sanitizeKey } from './sanitize.js';
import { canonicalTaggedKey } from './tags.js';

export interface IngestHooks {
  onBadLine?(fields: string[], line: string): void;
  onEvent?(event: StatsdEvent): void;
  onServiceCheck?(check: ServiceCheck): void;
  onLine?(line: string): void;
}

export interface IngestStats {
  badLines: number;
  lastMsgSeen: number;
  events: number;
  serviceChecks: number;
}

/** Is `field` (after the type) a DogStatsD extension field rather than Etsy data? */
function isExtensionField(field: string): boolean {
  const c0 = field.charCodeAt(0);
  if (c0 === 84 /* T */) return field.length > 1 && /^T\d+$/.test(field);
  return field.startsWith('c:') || field.startsWith('e:') || field.startsWith('card:');
}

/**
 * Removes DogStatsD extension fields (`|c:id`, `|T123`, ...) from the part before the tags.
 * Only for single-sample lines: in Etsy's multi-value form `a:1|ms:2|c` a `c:`-looking
 * piece is a type followed by the next value.
 */
function stripExtensions(metric: string): string {
  const firstBar = metric.indexOf('|');
  if (firstBar === -1 || metric.indexOf('|', firstBar + 1) === -1) return metric;
  const segments = metric.split('|');
  let kept = 2;
  for (let i = 1; i < segments.length; i++) {
    const s = segments[i];
    if (i >= 2 && isExtensionField(s)) continue;
    if (s.includes(':')) return metric; // multi-value form
    if (i >= 2) segments[kept++] = s;
  }
  if (kept === segments.length) return metric;
  segments.length = kept;
  return segments.join('|');
}

export class EtsyLineParser {
  readonly stats: IngestStats = {
    badLines: 0,
    lastMsgSeen: Math.round(Date.now() / 1000),
    events: 0,
    serviceChecks: 0,
  };

  constructor(
    private readonly agg: Aggregator,
    public keyNameSanitize: boolean,
    private readonly hooks: IngestHooks = {},
  ) {}

  /** One datagram or TCP chunk: lines split on `\n` only (a `\r` stays, as in Etsy). */
  handlePacket(text: string): void {
    const agg = this.agg;
    agg.pendingPackets++;
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      const end = nl === -1 ? text.length : nl;
      if (end > start) this.handleLine(start === 0 && nl === -1 ? text : text.slice(start, end));
      if (nl === -1) break;
      start = nl + 1;
    }
    this.stats.lastMsgSeen = Math.round(Date.now() / 1000);
  }

  handleLine(line: string): void {
    const agg = this.agg;
    agg.pendingLines++;
    this.hooks.onLine?.(line);

    if (line.charCodeAt(0) === 95 /* _ */) {
      if (line.startsWith('_e{')) {
        const event = parseEvent(line);
        if (event !== undefined) {
          this.stats.events++;
          this.hooks.onEvent?.(event);
          return;
        }
      } else if (line.startsWith('_sc|')) {
        const check = parseServiceCheck(line);
        if (check !== undefined) {
          this.stats.serviceChecks++;
          this.hooks.onServiceCheck?.(check);
          return;
        }
      }
    }

    let metric = line;
    let tagText = '';
    const hash = line.indexOf('|#');
    if (hash !== -1) {
      metric = line.slice(0, hash);
      const after = hash + 2;
      const nextHash = line.indexOf('|#', after);
      tagText = nextHash === -1 ? line.slice(after) : line.slice(after, nextHash);
      // DogStatsD fields after the tags (`|c:id|T123`) are not part of the last tag.
      const bar = tagText.indexOf('|');
      if (bar !== -1) tagText = tagText.slice(0, bar);
    }
    metric = stripExtensions(metric);

    const colon = metric.indexOf(':');
    let key = colon === -1 ? metric : metric.slice(0, colon);
    if (tagText.length > 0) {
      for (const tag of tagText.split(',')) key += ';' + tag.replace(';', '_').replace(':', '=');
    }
    if (this.keyNameSanitize) key = sanitizeKey(key);
    if (key.includes(';')) key = canonicalTaggedKey(key);

    if (colon === -1) {
      this.bad(['1'], line);
      return;
    }
    let fieldStart = colon + 1;
    for (;;) {
      const next = metric.indexOf(':', fieldStart);
      this.handleValue(key, next === -1 ? metric.slice(fieldStart) : metric.slice(fieldStart, next), line);
      if (next === -1) break;
      fieldStart = next + 1;
    }
  }

  private handleValue(key: string, valueField: string, line: string): void {
    // Fields are `value|type|rate|...`; parsed by hand (no split) on this hot path.
    const bar1 = valueField.indexOf('|');
    if (bar1 === -1) {
      this.bad([valueField], line);
      return;
    }
    const value = valueField.slice(0, bar1);
    const bar2 = valueField.indexOf('|', bar1 + 1);
    const type = bar2 === -1 ? valueField.slice(bar1 + 1) : valueField.slice(bar1 + 1, bar2);
    let rate = 1;
    if (bar2 !== -1) {
      const bar3 = valueField.indexOf('|', bar2 + 1);
      const r = parseSampleRate(bar3 === -1 ? valueField.slice(bar2 + 1) : valueField.slice(bar2 + 1, bar3));
      if (r === undefined) {
        this.bad(valueField.split('|'), line);
        return;
      }
      rate = r;
    }
    // Validation sees the raw type; dispatch sees it trimmed (Etsy's order).
    const num = Number(value);
    const valid = type === 's' || (value.length > 0 && !Number.isNaN(num) && (type !== 'ms' || num >= 0));
    if (!valid) {
      this.bad(valueField.split('|'), line);
      return;
    }

    const agg = this.agg;
    if (type === 'c') {
      agg.increment(key, rate === 1 ? num : num * (1 / rate));
      return;
    }
    const t = type === 'ms' || type === 'g' || type === 's' ? type : type.trim();
    if (t === 'ms') agg.timing(key, num, 1 / rate);
    else if (t === 'g') agg.gauge(key, value);
    else if (t === 's') agg.setMember(key, value || '0');
    else agg.increment(key, num * (1 / rate));
  }

  private bad(fields: string[], line: string): void {
    const agg = this.agg;
    agg.pendingBad++;
    this.stats.badLines++;
    this.hooks.onBadLine?.(fields, line);
  }
}
