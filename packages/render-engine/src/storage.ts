// The contract between the render engine and a store. apps/graphite implements Storage over
// whisper files plus its in-memory cache; the engine never touches disk or HTTP itself.

import type { PackedValues } from './series.js';

/** One node returned by a find: a branch (directory) or a leaf (a series). */
export interface FindMatch {
  /** Full dotted path, e.g. `stats.timers.api.mean`. */
  path: string;
  isLeaf: boolean;
}

/** A series as read from the store: whisper fetch semantics (fromTime, untilTime, step). */
export interface StoredSeries {
  /** Metric name; tagged series in canonical `name;tag1=v1;tag2=v2` form (tags sorted). */
  path: string;
  start: number;
  end: number;
  step: number;
  /** The values, boxed; or `packed` instead (preferred for large reads: no per-point objects). */
  values?: (number | null)[];
  packed?: PackedValues;
  /** From the whisper header: graphite-web 1.1 uses them when consolidating. */
  xFilesFactor: number;
  aggregationMethod: string;
}

/** A graphite-web event (Grafana annotation). `when` is epoch seconds. */
export interface StoredEvent {
  id: number;
  when: number;
  what: string;
  data: string;
  tags: string[];
}

export interface Storage {
  /** Glob find (`*`, `?`, `[..]`, `{a,b}` per node), as graphite-web's finders answer it. */
  find(pattern: string, range?: { from: number; until: number }): Promise<FindMatch[]>;
  /**
   * Optional, for renders: the leaf paths matching a glob, where a path may also be one with no
   * data (fetch leaves it out). Lets a store skip per-leaf existence checks that the fetch
   * repeats anyway. Without it the engine uses `find`'s leaves.
   */
  findLeaves?(pattern: string, range?: { from: number; until: number }): Promise<string[]>;
  /** Fetch leaves; `now` picks the whisper archive exactly as whisper.fetch does. Cache points merged. */
  fetch(paths: string[], from: number, until: number, now: number): Promise<StoredSeries[]>;
  /** seriesByTag: tag expressions (`name=x`, `tag!=v`, `tag=~re`, `tag!=~re`) to canonical series names. */
  findSeriesByTags(expressions: string[]): Promise<string[]>;
  /** events(): events in [from, until] matching all of `tags` (all events when empty). */
  events(from: number, until: number, tags: string[]): Promise<StoredEvent[]>;
}

/** `/render` request: query string and form body merged (repeated keys become arrays). */
export interface RenderRequest {
  params: Record<string, string | string[] | undefined>;
  /** Wall-clock override for tests; otherwise `now` param or the current time. */
  now?: number;
}

export interface RenderResponse {
  status: number;
  contentType: string;
  body: string | Uint8Array;
  headers?: Record<string, string>;
}
