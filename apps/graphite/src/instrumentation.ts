// carbon's self-metrics: every CARBON_METRIC_INTERVAL seconds, points named
// `<prefix>.agents.<host>-a.<stat>` go straight into the cache. Counters are per interval.

import os from 'node:os';
import type { MetricCache } from './cache.js';
import type { Ingest } from './ingest.js';
import type { ReceiverStats } from './receivers.js';
import type { Writer } from './writer.js';

export class Instrumentation {
  private timer?: NodeJS.Timeout;
  private last = {
    received: 0,
    committed: 0,
    updates: 0,
    creates: 0,
    dropped: 0,
    errors: 0,
    overflow: 0,
    queries: 0,
  };
  private lastCpu = process.cpuUsage();
  private lastTime = process.hrtime.bigint();
  readonly base: string;

  constructor(
    private readonly cache: MetricCache,
    private readonly ingest: Ingest,
    private readonly writer: Writer,
    private readonly receivers: ReceiverStats,
    prefix: string,
    private readonly intervalSeconds: number,
  ) {
    this.base = `${prefix}.agents.${os.hostname().replaceAll('.', '_')}-a`;
  }

  start(): void {
    if (this.intervalSeconds > 0) {
      this.timer = setInterval(() => this.record(), this.intervalSeconds * 1000);
      this.timer.unref();
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Current values (also used by /health). */
  snapshot(): Record<string, number> {
    const w = this.writer.stats;
    const s = this.ingest.stats;
    const d = (k: keyof typeof this.last, v: number) => v - this.last[k];
    const updates = d('updates', w.updateOperations);
    const committed = d('committed', w.committedPoints);
    const out: Record<string, number> = {
      'cache.size': this.cache.size,
      'cache.queues': this.cache.metricCount,
      'cache.overflow': d('overflow', this.cache.stats.overflow),
      'cache.queries': d('queries', this.cache.stats.queries),
      updateOperations: updates,
      committedPoints: committed,
      creates: d('creates', w.creates),
      droppedCreates: d('dropped', w.droppedCreates),
      errors: d('errors', w.errors),
      metricsReceived: d('received', s.metricsReceived),
      activeConnections: this.receivers.activeConnections,
      blacklistMatches: 0,
      whitelistRejects: 0,
      memUsage: process.memoryUsage.rss(),
    };
    if (committed > 0 && updates > 0) out.pointsPerUpdate = committed / updates;
    const times = w.updateTimes;
    if (times.length) out.avgUpdateTime = times.reduce((a, b) => a + b, 0) / times.length / 1000;
    const cpu = process.cpuUsage(this.lastCpu);
    const t = process.hrtime.bigint();
    const elapsedUs = Number(t - this.lastTime) / 1000;
    out.cpuUsage = elapsedUs > 0 ? ((cpu.user + cpu.system) / elapsedUs) * 100 : 0;
    return out;
  }

  record(): void {
    const snap = this.snapshot();
    const now = Math.floor(Date.now() / 1000);
    for (const [k, v] of Object.entries(snap)) this.ingest.storeInternal(`${this.base}.${k}`, now, v);
    const w = this.writer.stats;
    this.last = {
      received: this.ingest.stats.metricsReceived,
      committed: w.committedPoints,
      updates: w.updateOperations,
      creates: w.creates,
      dropped: w.droppedCreates,
      errors: w.errors,
      overflow: this.cache.stats.overflow,
      queries: this.cache.stats.queries,
    };
    w.updateTimes.length = 0;
    this.lastCpu = process.cpuUsage();
    this.lastTime = process.hrtime.bigint();
  }
}
