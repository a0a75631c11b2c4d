// Turns a flush snapshot into Graphite lines in Etsy's order and formats, and hands them to
// the carbon client in chunks, yielding to the event loop between chunks so UDP ingest is
// never held up for long by a big flush.

import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { type CarbonPoint, encodeCarbonPickle } from '@appliance/pickle/encode';
import type { Snapshot } from './aggregator.js';
import type { CarbonClient } from './carbon-client.js';
import type { GraphitePaths } from './graphite-paths.js';
import { TimerStats, type TimerStatsOptions } from './timer-stats.js';

export interface GraphiteBackendOptions {
  paths: GraphitePaths;
  flushCounts: boolean;
  protocol: 'text' | 'pickle';
  timer: TimerStatsOptions;
  /** Lines per chunk between event-loop yields. */
  chunkLines?: number;
}

const EMPTY: number[] = [];

/** One chunk of output, built directly in its wire form (text) or as pickle points. */
class Batch {
  lines = 0;
  text = '';
  readonly points: CarbonPoint[] | undefined;
  private readonly lineEnd: string;

  constructor(
    pickle: boolean,
    readonly ts: number,
  ) {
    this.points = pickle ? [] : undefined;
    this.lineEnd = ` ${ts}\n`;
  }

  add(path: string, value: number): void {
    this.lines++;
    if (this.points !== undefined) this.points.push({ path, timestamp: this.ts, value });
    else this.text += path + ' ' + String(value) + this.lineEnd;
  }
}

export class GraphiteBackend {
  // Values reported with each flush are those of the previous flush (as in Etsy).
  lastFlush: number;
  flushTime = 0;
  flushLength = 0;

  private readonly timerStats: TimerStats;

  constructor(
    private readonly o: GraphiteBackendOptions,
    private readonly carbon: CarbonClient | undefined,
    startupTime: number,
  ) {
    this.lastFlush = startupTime;
    this.timerStats = new TimerStats(o.timer);
  }

  get lastException(): number {
    return this.carbon?.lastException ?? 0;
  }

  /** Formats and sends one flush; resolves when all chunks are handed to the client. */
  async flush(s: Snapshot, ts: number): Promise<{ processingMs: number }> {
    const calcStart = Date.now();
    const { paths, flushCounts } = this.o;
    const chunkLines = this.o.chunkLines ?? 10_000;
    const perSecond = this.o.timer.flushIntervalMs / 1000;
    const pickle = this.o.protocol === 'pickle';
    let processingMs = 0;
    let bytes = 0;
    let batch = new Batch(pickle, ts);
    const emit = async (force: boolean) => {
      if (!force && batch.lines < chunkLines) return;
      bytes += this.send(batch);
      batch = new Batch(pickle, ts);
      if (!force) await yieldToLoop();
    };

    for (let i = 0; i < s.counterKeys.length; i++) {
      const key = s.counterKeys[i];
      const value = s.counterValues[i];
      const rate = value / perSecond;
      if (paths.legacy) {
        batch.add(paths.format(paths.counter, key), rate);
        if (flushCounts) batch.add(paths.format(['stats_counts'], key), value);
      } else {
        const [h, t] = paths.split(paths.counter, key);
        batch.add(`${h}.rate${t}`, rate);
        if (flushCounts) batch.add(`${h}.count${t}`, value);
      }
      await emit(false);
    }
    let head = '';
    let tail = '';
    const sink = (stat: string, sub: string | undefined, value: number) => {
      batch.add(sub === undefined ? `${head}.${stat}${tail}` : `${head}.${stat}.${sub}${tail}`, value);
    };
    for (let i = 0; i < s.timerKeys.length; i++) {
      const key = s.timerKeys[i];
      [head, tail] = paths.split(paths.timer, key);
      const t0 = performance.now();
      this.timerStats.emit(key, s.timerValues[i], s.timerCounts[i], sink);
      s.timerValues[i] = EMPTY;
      processingMs += performance.now() - t0;
      await emit(false);
    }
    for (let i = 0; i < s.gaugeKeys.length; i++) {
      batch.add(paths.format(paths.gauge, s.gaugeKeys[i]), s.gaugeValues[i]);
      await emit(false);
    }
    for (let i = 0; i < s.setKeys.length; i++) {
      batch.add(paths.format(paths.set, s.setKeys[i], 'count'), s.setSizes[i]);
      await emit(false);
    }
    const numStats = s.counterKeys.length + s.timerKeys.length + s.gaugeKeys.length + s.setKeys.length;
    batch.add(paths.internal('numStats'), numStats);
    batch.add(paths.internal('graphiteStats', 'calculationtime'), Date.now() - calcStart);
    batch.add(paths.internal('processing_time'), Math.round(processingMs));
    const writeStart = Date.now();
    const wallTs = Math.round(writeStart / 1000);
    bytes += this.send(batch);
    batch = new Batch(pickle, wallTs);
    batch.add(paths.internal('graphiteStats', 'last_exception'), this.lastException);
    batch.add(paths.internal('graphiteStats', 'last_flush'), this.lastFlush);
    batch.add(paths.internal('graphiteStats', 'flush_time'), this.flushTime);
    batch.add(paths.internal('graphiteStats', 'flush_length'), this.flushLength);
    // Ours: the carbon queue, so an outage shows up in Graphite once it is back.
    batch.add(paths.internal('graphiteStats', 'queued_bytes'), this.carbon?.pendingBytes ?? 0);
    batch.add(paths.internal('graphiteStats', 'dropped_lines'), this.carbon?.droppedLines ?? 0);
    bytes += this.send(batch);
    this.flushTime = Date.now() - writeStart;
    this.flushLength = bytes;
    this.lastFlush = Math.round(Date.now() / 1000);
    return { processingMs };
  }

  private send(batch: Batch): number {
    const n = batch.lines;
    if (n === 0 || this.carbon === undefined) return 0;
    let data: Buffer;
    if (batch.points !== undefined) {
      // Frames of at most 500 points: carbon refuses pickle messages over 1 MiB.
      const frames: Buffer[] = [];
      for (let start = 0; start < n; start += 500) {
        const frame = encodeCarbonPickle(batch.points.slice(start, start + 500));
        frames.push(Buffer.from(frame.buffer, frame.byteOffset, frame.length));
      }
      data = Buffer.concat(frames);
    } else data = Buffer.from(batch.text);
    this.carbon.write(data, n);
    return data.length;
  }
}
