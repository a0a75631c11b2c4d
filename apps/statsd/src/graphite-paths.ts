// Graphite metric paths for each bucket, in legacy or non-legacy namespace mode (Etsy's
// backends/graphite.js rules: prefixes, `""` prefixes omitted, globalSuffix, then `;tags`).

import { sanitizeKey } from './sanitize.js';

export interface GraphiteNamespaceOptions {
  legacyNamespace?: boolean;
  globalPrefix?: string;
  prefixCounter?: string;
  prefixTimer?: string;
  prefixGauge?: string;
  prefixSet?: string;
  globalSuffix?: string;
}

export class GraphitePaths {
  readonly legacy: boolean;
  readonly global: string[];
  readonly counter: string[];
  readonly timer: string[];
  readonly gauge: string[];
  readonly set: string[];
  readonly suffix: string;

  constructor(
    ns: GraphiteNamespaceOptions,
    readonly prefixStats: string,
    /** keyNameSanitize: when off at ingest, the name part is sanitised here. */
    private readonly keysSanitized: boolean,
  ) {
    this.legacy = ns.legacyNamespace ?? true;
    this.suffix = ns.globalSuffix !== undefined ? `.${ns.globalSuffix}` : '';
    if (this.legacy) {
      this.global = ['stats'];
      this.counter = ['stats'];
      this.timer = ['stats', 'timers'];
      this.gauge = ['stats', 'gauges'];
      this.set = ['stats', 'sets'];
    } else {
      const g = ns.globalPrefix ?? 'stats';
      const base = g !== '' ? [g] : [];
      const withPrefix = (p: string | undefined, dflt: string) => {
        const v = p ?? dflt;
        return v !== '' ? [...base, v] : [...base];
      };
      this.global = base;
      this.counter = withPrefix(ns.prefixCounter, 'counters');
      this.timer = withPrefix(ns.prefixTimer, 'timers');
      this.gauge = withPrefix(ns.prefixGauge, 'gauges');
      this.set = withPrefix(ns.prefixSet, 'sets');
    }
  }

  /** `namespace.key.stat...` + suffix + `;tags`. */
  format(namespace: string[], key: string, ...stats: string[]): string {
    const semi = key.indexOf(';');
    let name = semi === -1 ? key : key.slice(0, semi);
    const tags = semi === -1 ? '' : key.slice(semi);
    if (!this.keysSanitized) name = sanitizeKey(name);
    let path = namespace.length > 0 ? `${namespace.join('.')}.${name}` : name;
    for (const s of stats) path += `.${s}`;
    return path + this.suffix + tags;
  }

  /** `[head, tail]` so that a stat's path is `head + '.' + stat + tail` (as `format`). */
  split(namespace: string[], key: string): [string, string] {
    const semi = key.indexOf(';');
    let name = semi === -1 ? key : key.slice(0, semi);
    const tags = semi === -1 ? '' : key.slice(semi);
    if (!this.keysSanitized) name = sanitizeKey(name);
    return [namespace.length > 0 ? `${namespace.join('.')}.${name}` : name, this.suffix + tags];
  }

  /** Paths of the statsd self-metrics (numStats, calculationtime, processing_time, graphiteStats.*). */
  internal(...parts: string[]): string {
    if (this.legacy) {
      if (parts.length === 1 && parts[0] === 'numStats') return `${this.prefixStats}.numStats${this.suffix}`;
      return `stats.${this.prefixStats}.${parts.join('.')}${this.suffix}`;
    }
    return this.format(this.global, this.prefixStats, ...parts);
  }
}
