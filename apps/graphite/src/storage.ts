// The render engine's Storage over our whisper root, cache and tag/event DB.

import { stat } from 'node:fs/promises';
import type { FindMatch, Storage, StoredEvent, StoredSeries } from '@appliance/render-engine';
import { fetchMany as whisperFetchMany } from '@appliance/whisper';
import type { MetricCache } from './cache.js';
import type { Finder } from './finder.js';
import { MetricNameError, parseMetric, resolveUnder } from './names.js';
import { creationFor, type StorageRules } from './schemas.js';
import type { TagDb } from './tagdb.js';
import type { FetchResult, FileInfo } from './whisper-io.js';
import { fetchWindow, mergeWithCache } from './whisper-window.js';

export interface WhisperReader {
  info(file: string): Promise<FileInfo | null>;
  fetch(file: string, from: number, until: number, now: number): Promise<FetchResult | null>;
  /**
   * info + fetch of every file in one batch: `info === null` is "not on disk", `error` is what
   * info/fetch would have thrown. Optional: without it the storage uses @appliance/whisper's
   * fetchMany (the same engine the daemon's info/fetch wrap).
   */
  fetchMany?(files: string[], from: number, until: number, now: number): Promise<ReadItem[]>;
}

export interface ReadItem {
  info: FileInfo | null;
  result: FetchResult | null;
  error?: Error;
}

export class GraphiteStorage implements Storage {
  constructor(
    private readonly root: string,
    private readonly cache: MetricCache,
    private readonly finder: Finder,
    private readonly tagdb: TagDb,
    private readonly reader: WhisperReader,
    private readonly rules: () => StorageRules,
  ) {}

  async find(pattern: string): Promise<FindMatch[]> {
    const nodes = await this.finder.find(pattern);
    return nodes.map((n) => ({ path: n.path, isLeaf: n.isLeaf }));
  }

  async fetchOne(metric: string, from: number, until: number, now: number): Promise<StoredSeries | null> {
    return (await this.fetchMetrics([metric], from, until, now))[0];
  }

  async fetch(paths: string[], from: number, until: number, now: number): Promise<StoredSeries[]> {
    const out = await this.fetchMetrics(paths, from, until, now);
    return out.filter((s): s is StoredSeries => s !== null);
  }

  /** Every metric's window in one whisper batch (one header+slots read per file), merged with the cache. */
  private async fetchMetrics(
    metrics: string[],
    from: number,
    until: number,
    now: number,
  ): Promise<Array<StoredSeries | null>> {
    const names: Array<ReturnType<typeof parseMetric> | null> = metrics.map((m) => {
      try {
        return parseMetric(m);
      } catch (e) {
        if (e instanceof MetricNameError) return null;
        throw e;
      }
    });
    const files: string[] = [];
    // the cache is read before the files (as before batching): a point the writer flushes
    // meanwhile is then either in this snapshot or already on disk when we read
    const cached: Array<Array<[number, number]>> = [];
    for (const rel of names) {
      if (!rel) continue;
      files.push(resolveUnder(this.root, rel.relPath));
      cached.push(this.cache.get(rel.metric));
    }
    const items = files.length === 0 ? [] : await this.readMany(files, from, until, now);
    let k = 0;
    return names.map((rel) => {
      if (!rel) return null;
      const item = items[k];
      const points = cached[k++];
      if (item.error) throw item.error;
      return this.toSeries(rel.metric, item, points, from, until, now);
    });
  }

  private readMany(files: string[], from: number, until: number, now: number): Promise<ReadItem[]> {
    if (this.reader.fetchMany) return this.reader.fetchMany(files, from, until, now);
    return whisperFetchMany(files, from, until, now);
  }

  private toSeries(
    metric: string,
    item: ReadItem,
    cached: Array<[number, number]>,
    from: number,
    until: number,
    now: number,
  ): StoredSeries | null {
    const { info, result: r } = item;
    if (info) {
      if (!r) return null;
      // the values array is fresh per read, so the cache merge may write into it
      const values = r.values;
      mergeWithCache(
        cached,
        r.fromTime,
        r.step,
        values,
        info.aggregationMethod,
        info.archives[0].secondsPerPoint,
      );
      return {
        path: metric,
        start: r.fromTime,
        end: r.untilTime,
        step: r.step,
        values,
        xFilesFactor: info.xFilesFactor,
        aggregationMethod: info.aggregationMethod,
      };
    }
    if (cached.length === 0) return null;
    // not on disk yet: answer from the cache with the archives the file will get
    const c = creationFor(this.rules(), metric);
    const w = fetchWindow(c.archives, from, until, now);
    if (!w) return null;
    const values: (number | null)[] = new Array(Math.max(0, (w.untilTime - w.fromTime) / w.step)).fill(null);
    mergeWithCache(cached, w.fromTime, w.step, values, c.aggregationMethod, c.archives[0].secondsPerPoint);
    return {
      path: metric,
      start: w.fromTime,
      end: w.untilTime,
      step: w.step,
      values,
      xFilesFactor: c.xFilesFactor,
      aggregationMethod: c.aggregationMethod,
    };
  }

  /** graphite-web's WhisperReader.get_intervals: (now - maxRetention, max(mtime, start)). */
  async intervals(metric: string, now: number): Promise<Array<{ start: number; end: number }>> {
    try {
      const file = resolveUnder(this.root, parseMetric(metric).relPath);
      const [info, st] = await Promise.all([this.reader.info(file), stat(file)]);
      if (!info) return [];
      const start = now - info.maxRetention;
      return [{ start, end: Math.max(st.mtimeMs / 1000, start) }];
    } catch {
      return [];
    }
  }

  async findSeriesByTags(expressions: string[]): Promise<string[]> {
    return this.tagdb.findSeries(expressions);
  }

  async events(from: number, until: number, tags: string[]): Promise<StoredEvent[]> {
    return this.tagdb.findEvents(from, until, tags);
  }
}
