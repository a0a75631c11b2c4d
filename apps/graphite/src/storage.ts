// The render engine's Storage over our whisper root, cache and tag/event DB.

import { stat } from 'node:fs/promises';
import type { FindMatch, Storage, StoredEvent, StoredSeries } from '@appliance/render-engine';
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
    let rel: ReturnType<typeof parseMetric>;
    try {
      rel = parseMetric(metric);
    } catch (e) {
      if (e instanceof MetricNameError) return null;
      throw e;
    }
    const file = resolveUnder(this.root, rel.relPath);
    const cached = this.cache.get(rel.metric);
    const info = await this.reader.info(file);
    if (info) {
      const r = await this.reader.fetch(file, from, until, now);
      if (!r) return null;
      const values = [...r.values];
      mergeWithCache(
        cached,
        r.fromTime,
        r.step,
        values,
        info.aggregationMethod,
        info.archives[0].secondsPerPoint,
      );
      return {
        path: rel.metric,
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
    const c = creationFor(this.rules(), rel.metric);
    const w = fetchWindow(c.archives, from, until, now);
    if (!w) return null;
    const values: (number | null)[] = new Array(Math.max(0, (w.untilTime - w.fromTime) / w.step)).fill(null);
    mergeWithCache(cached, w.fromTime, w.step, values, c.aggregationMethod, c.archives[0].secondsPerPoint);
    return {
      path: rel.metric,
      start: w.fromTime,
      end: w.untilTime,
      step: w.step,
      values,
      xFilesFactor: c.xFilesFactor,
      aggregationMethod: c.aggregationMethod,
    };
  }

  async fetch(paths: string[], from: number, until: number, now: number): Promise<StoredSeries[]> {
    const out = await Promise.all(paths.map((p) => this.fetchOne(p, from, until, now)));
    return out.filter((s): s is StoredSeries => s !== null);
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
