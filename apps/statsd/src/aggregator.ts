// Per-interval metric state with Etsy's semantics, kept in Maps (Etsy's plain objects make
// `toString`, `__proto__` or `constructor` keys crash or vanish). Ingest is O(1) per sample;
// `snapshot()` copies values out and resets in one synchronous pass, so everything costly
// at flush time (sorting, maths, formatting, I/O) runs on the snapshot while ingest goes on.

import { jsObjectKeyOrder } from './js-order.js';

export interface AggregatorOptions {
  prefixStats: string;
  deleteCounters: boolean;
  deleteTimers: boolean;
  deleteSets: boolean;
  deleteGauges: boolean;
  gaugesMaxTTL: number;
}

export interface Snapshot {
  counterKeys: string[];
  counterValues: number[];
  timerKeys: string[];
  /** Raw samples of each timer (owned by the snapshot, unsorted). */
  timerValues: number[][];
  timerCounts: number[];
  gaugeKeys: string[];
  gaugeValues: number[];
  setKeys: string[];
  setSizes: number[];
}

const PROTECTED_COUNTERS = ['packets_received', 'metrics_received', 'bad_lines_seen'];

export class Aggregator {
  readonly counters = new Map<string, number>();
  readonly timers = new Map<string, number[]>();
  readonly timerCounters = new Map<string, number>();
  readonly gauges = new Map<string, number>();
  readonly gaugesTTL = new Map<string, number>();
  readonly sets = new Map<string, Set<string>>();

  readonly badLinesKey: string;
  readonly packetsKey: string;
  readonly metricsKey: string;
  readonly lagKey: string;

  constructor(public options: AggregatorOptions) {
    const p = options.prefixStats;
    this.badLinesKey = `${p}.bad_lines_seen`;
    this.packetsKey = `${p}.packets_received`;
    this.metricsKey = `${p}.metrics_received`;
    this.lagKey = `${p}.timestamp_lag`;
    // Created first, so they lead the counters in flush order (as in Etsy).
    this.counters.set(this.badLinesKey, 0);
    this.counters.set(this.packetsKey, 0);
    this.counters.set(this.metricsKey, 0);
  }

  // The three self-counters are bumped for every packet and line: plain fields, folded
  // into the counters map whenever it is read (snapshot, admin).
  pendingPackets = 0;
  pendingLines = 0;
  pendingBad = 0;

  syncInternal(): void {
    if (this.pendingBad > 0) this.increment(this.badLinesKey, this.pendingBad);
    if (this.pendingPackets > 0) this.increment(this.packetsKey, this.pendingPackets);
    if (this.pendingLines > 0) this.increment(this.metricsKey, this.pendingLines);
    this.pendingBad = this.pendingPackets = this.pendingLines = 0;
  }

  increment(key: string, by: number): void {
    // `|| 0`: like Etsy, a NaN (falsy) counter starts again from zero.
    this.counters.set(key, (this.counters.get(key) || 0) + by);
  }

  timing(key: string, value: number, count: number): void {
    let values = this.timers.get(key);
    if (values === undefined) {
      values = [];
      this.timers.set(key, values);
      this.timerCounters.set(key, 0);
    }
    values.push(value);
    this.timerCounters.set(key, (this.timerCounters.get(key) ?? 0) + count);
  }

  /** `raw` is the value text: a leading sign on an existing non-zero gauge means a delta. */
  gauge(key: string, raw: string): void {
    if (this.options.deleteGauges) this.gaugesTTL.set(key, this.options.gaugesMaxTTL);
    const current = this.gauges.get(key);
    const c0 = raw.charCodeAt(0);
    if (current && (c0 === 43 || c0 === 45)) this.gauges.set(key, current + Number(raw));
    else this.gauges.set(key, Number(raw));
  }

  setMember(key: string, member: string): void {
    let set = this.sets.get(key);
    if (set === undefined) {
      set = new Set();
      this.sets.set(key, set);
    }
    set.add(member);
  }

  numStats(): number {
    return this.counters.size + this.timers.size + this.gauges.size + this.sets.size;
  }

  /** Copies the interval's values out, then resets or deletes as the delete* options say. */
  snapshot(): Snapshot {
    this.syncInternal();
    const o = this.options;
    const counterKeys = jsObjectKeyOrder(this.counters);
    const counterValues = new Array<number>(counterKeys.length);
    for (let i = 0; i < counterKeys.length; i++) {
      const k = counterKeys[i];
      counterValues[i] = this.counters.get(k)!;
      if (o.deleteCounters && !PROTECTED_COUNTERS.some((p) => k.includes(p))) this.counters.delete(k);
      else this.counters.set(k, 0);
    }

    const timerKeys = jsObjectKeyOrder(this.timers);
    const timerValues = new Array<number[]>(timerKeys.length);
    const timerCounts = new Array<number>(timerKeys.length);
    for (let i = 0; i < timerKeys.length; i++) {
      const k = timerKeys[i];
      timerValues[i] = this.timers.get(k)!;
      timerCounts[i] = this.timerCounters.get(k) ?? 0;
      if (o.deleteTimers) {
        this.timers.delete(k);
        this.timerCounters.delete(k);
      } else {
        this.timers.set(k, []);
        this.timerCounters.set(k, 0);
      }
    }

    const gaugeKeys = jsObjectKeyOrder(this.gauges);
    const gaugeValues = gaugeKeys.map((k) => this.gauges.get(k)!);
    if (o.deleteGauges) {
      for (const [k, ttl] of this.gaugesTTL) {
        if (ttl - 1 < 1) {
          this.gauges.delete(k);
          this.gaugesTTL.delete(k);
        } else this.gaugesTTL.set(k, ttl - 1);
      }
    }

    const setKeys = jsObjectKeyOrder(this.sets);
    const setSizes = new Array<number>(setKeys.length);
    for (let i = 0; i < setKeys.length; i++) {
      const k = setKeys[i];
      setSizes[i] = this.sets.get(k)!.size;
      if (o.deleteSets) this.sets.delete(k);
      else this.sets.set(k, new Set());
    }

    return {
      counterKeys,
      counterValues,
      timerKeys,
      timerValues,
      timerCounts,
      gaugeKeys,
      gaugeValues,
      setKeys,
      setSizes,
    };
  }
}
