// carbon's writer: drains the cache metric by metric (CACHE_WRITE_STRATEGY), one updateMany
// per metric with all of its pending points, creating files on first write, rate-limited by
// MAX_UPDATES_PER_SECOND and MAX_CREATES_PER_MINUTE. The actual file I/O runs in worker threads
// (WritePool), so ingest never waits on the disk.

import path from 'node:path';
import type { Logger } from 'pino';
import type { FlatPoints, MetricCache } from './cache.js';
import { parseMetric, resolveUnder } from './names.js';
import { creationFor, type StorageRules } from './schemas.js';
import type { WriteJob } from './whisper-io.js';
import type { JobResult } from './write-worker.js';

export interface WriterSettings {
  maxUpdatesPerSecond: number;
  maxCreatesPerMinute: number;
  /** used instead of both limits while draining on shutdown */
  maxUpdatesPerSecondOnShutdown: number;
  sparseCreate: boolean;
  /** lanes, each with one job (rate-limited) or a chunk of CHUNK jobs outstanding at a time */
  concurrency: number;
}

export interface WriterStats {
  committedPoints: number;
  updateOperations: number;
  creates: number;
  droppedCreates: number;
  errors: number;
  updateTimes: number[];
}

export interface JobRunner {
  /** results in the order of the jobs; a failure is a result with `error`, never a rejection */
  runMany(jobs: readonly WriteJob[], createAllowed: readonly boolean[]): Promise<JobResult[]>;
}

/** One metric's job in a chunk, with what settling it needs. */
interface Prepared {
  metric: string;
  points: FlatPoints;
  job: WriteJob;
  known: boolean;
  createAllowed: boolean;
}

class TokenBucket {
  private tokens: number;
  private last = performance.now();
  constructor(
    private capacity: number,
    private fillPerSecond: number,
  ) {
    this.tokens = capacity;
  }
  setRate(capacity: number, fillPerSecond: number): void {
    this.capacity = capacity;
    this.fillPerSecond = fillPerSecond;
    this.tokens = Math.min(this.tokens, capacity);
  }
  private refill(): void {
    const now = performance.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.fillPerSecond);
    this.last = now;
  }
  refund(): void {
    this.tokens = Math.min(this.capacity, this.tokens + 1);
  }
  tryDrain(): boolean {
    if (!Number.isFinite(this.capacity)) return true;
    this.refill();
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }
  /** ms until a token is available */
  wait(): number {
    this.refill();
    return this.tokens >= 1 ? 0 : ((1 - this.tokens) / this.fillPerSecond) * 1000;
  }
}

/** jobs a lane submits at once when updates are not rate-limited */
const CHUNK = 128;

export class Writer {
  readonly stats: WriterStats = {
    committedPoints: 0,
    updateOperations: 0,
    creates: 0,
    droppedCreates: 0,
    errors: 0,
    updateTimes: [],
  };
  /**
   * Metrics whose file is known to exist (spares name parsing on later writes). Only tagged
   * names keep their file (a hash of the name); an untagged name that passed parseMetric maps
   * to its file by replacing dots, see knownFile.
   */
  private readonly existing = new Set<string>();
  private readonly taggedFiles = new Map<string, string>();
  private readonly rootPrefix: string;
  private readonly updates: TokenBucket;
  private readonly createsBucket: TokenBucket;
  private running = false;
  private stopping = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  /** lanes waiting for an update token (see pause) */
  private readonly sleepers = new Set<() => void>();
  /** called after a metric's first file was created (or its points were dropped) */
  onSettled?: (metric: string) => void;

  constructor(
    private readonly root: string,
    private readonly cache: MetricCache,
    private readonly runner: JobRunner,
    private readonly rules: () => StorageRules,
    private readonly settings: WriterSettings,
    private readonly log: Logger,
  ) {
    const abs = path.resolve(root);
    this.rootPrefix = abs.endsWith(path.sep) ? abs : abs + path.sep;
    this.updates = new TokenBucket(settings.maxUpdatesPerSecond, settings.maxUpdatesPerSecond);
    this.createsBucket = new TokenBucket(settings.maxCreatesPerMinute, settings.maxCreatesPerMinute / 60);
  }

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** Has this metric been written (so its file exists, as far as the writer knows)? */
  isKnown(metric: string): boolean {
    return this.existing.has(metric);
  }

  /** Sleep ms (at most setTimeout's limit), or until the rate limits change. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.min(Math.max(1, ms), 2 ** 31 - 1));
      this.sleepers.add(done);
    });
  }

  /** Nudge an idle writer (new data arrived). */
  poke(): void {
    this.wake?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      const order = this.cache.writeOrder();
      if (order.length === 0) {
        if (this.stopping) break;
        await new Promise<void>((r) => {
          this.wake = r;
          setTimeout(r, 200);
        });
        this.wake = undefined;
        continue;
      }
      await this.drain(order);
    }
  }

  private async drain(order: string[]): Promise<void> {
    let next = 0;
    // Without an update limit each lane hands the pool a chunk of jobs at once: they reach the
    // workers as a few large messages, not one round trip per metric, and are settled together.
    // With a limit every job waits for its token, one at a time.
    const limited = Number.isFinite(this.settings.maxUpdatesPerSecond);
    const chunk = limited ? 1 : CHUNK;
    const lane = async () => {
      while (next < order.length && this.running) {
        // wait for a token; drainAndStop and stop wake the waiters
        if (limited) {
          while (this.running && !this.updates.tryDrain()) await this.pause(this.updates.wait());
          if (!this.running) break;
          if (next >= order.length) {
            this.updates.refund(); // another lane took the last metric meanwhile
            break;
          }
        }
        const batch: Prepared[] = [];
        for (let k = 0; k < chunk && next < order.length; k++) {
          const p = this.prepare(order[next++]);
          if (p) batch.push(p);
        }
        if (batch.length > 0) await this.write(batch);
      }
    };
    const lanes: Promise<void>[] = [];
    for (let i = 0; i < Math.max(1, this.settings.concurrency); i++) lanes.push(lane());
    await Promise.all(lanes);
  }

  /** A metric's write job: its points taken from the cache, its file, its create spec. */
  private prepare(metric: string): Prepared | undefined {
    const points = this.cache.take(metric);
    if (points.length === 0) {
      this.cache.confirm(metric, points);
      return undefined;
    }
    const known = this.existing.has(metric);
    let file = known ? this.knownFile(metric) : undefined;
    if (file === undefined) {
      try {
        file = resolveUnder(this.root, parseMetric(metric).relPath);
      } catch (e) {
        this.stats.errors++;
        this.log.error({ metric }, `cannot map metric to a file: ${(e as Error).message}`);
        this.cache.confirm(metric, points);
        return undefined;
      }
    }
    const job: WriteJob = { file, points: dedupe(points) };
    let createAllowed = false;
    if (!known) {
      // the worker checks existence; it may only create when a create token is available
      job.create = { ...creationFor(this.rules(), metric), sparse: this.settings.sparseCreate };
      // take the token now (jobs run concurrently); give it back if the file already existed
      createAllowed = this.createsBucket.tryDrain();
    }
    return { metric, points, job, known, createAllowed };
  }

  /** Run a chunk of jobs, then count each one and release its points from the cache. */
  private async write(batch: Prepared[]): Promise<void> {
    const results = await this.runner.runMany(
      batch.map((p) => p.job),
      batch.map((p) => p.createAllowed),
    );
    for (let i = 0; i < batch.length; i++) this.settle(batch[i], results[i]);
  }

  private settle({ metric, points, job, known, createAllowed }: Prepared, res: JobResult): void {
    if (createAllowed && !res.created) this.createsBucket.refund();
    if (res.error) {
      this.stats.errors++;
      this.log.error({ metric, err: res.error }, 'error writing metric');
    } else if (res.droppedCreate) {
      this.stats.droppedCreates++;
    } else {
      if (res.created) this.stats.creates++;
      if (!known) {
        this.existing.add(metric);
        if (metric.includes(';')) this.taggedFiles.set(metric, job.file);
      }
      this.stats.updateOperations++;
      this.stats.committedPoints += job.points.length / 2;
      if (res.ms !== undefined) this.stats.updateTimes.push(res.ms);
      if (this.stats.updateTimes.length > 100_000) this.stats.updateTimes.splice(0, 50_000);
    }
    this.cache.confirm(metric, points);
    if (job.create) this.onSettled?.(metric);
  }

  /**
   * The file of a metric in `existing`: for an untagged name parseMetric's relPath is the name
   * with dots as separators (its nodes are non-empty and have no '/' or '.'), and resolveUnder
   * of that under an absolute root is plain concatenation.
   */
  private knownFile(metric: string): string | undefined {
    if (metric.includes(';')) return this.taggedFiles.get(metric);
    return `${this.rootPrefix}${metric.replaceAll('.', path.sep)}.wsp`;
  }

  /** Write out everything cached (SIGTERM), using the on-shutdown rate limit, then stop. */
  async drainAndStop(): Promise<void> {
    const r = this.settings.maxUpdatesPerSecondOnShutdown;
    this.updates.setRate(r, r);
    this.createsBucket.setRate(r, r);
    for (const wake of [...this.sleepers]) wake();
    this.stopping = true;
    this.poke();
    await this.loop;
    // a final lap for points that arrived while the loop was finishing
    this.running = true;
    while (this.cache.size > 0) await this.drain(this.cache.writeOrder());
    this.running = false;
  }

  stop(): void {
    this.running = false;
    for (const wake of [...this.sleepers]) wake();
    this.poke();
  }
}

/**
 * carbon de-duplicates with a dict before update_many: the last value per timestamp wins. The
 * cache already keeps one value per timestamp and hands them over sorted; whisper truncates
 * timestamps to integers, and truncation keeps the order, so equal truncated stamps are
 * neighbours. The cache's own batch is returned as is when nothing changes (the usual case:
 * whole-second stamps); it is only read from here on, so sharing it is safe.
 */
function dedupe(points: FlatPoints): Float64Array {
  let clean = true;
  for (let i = 0; i < points.length && clean; i += 2) {
    if (points[i] !== Math.trunc(points[i]) || (i > 0 && points[i] === points[i - 2])) clean = false;
  }
  if (clean) return points;
  const out = new Float64Array(points.length);
  let n = 0;
  for (let i = 0; i < points.length; i += 2) {
    const ts = Math.trunc(points[i]);
    if (n > 0 && out[n - 2] === ts) out[n - 1] = points[i + 1];
    else {
      out[n++] = ts;
      out[n++] = points[i + 1];
    }
  }
  return n === out.length ? out : out.slice(0, n);
}
