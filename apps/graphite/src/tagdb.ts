// The tag index and the events table, in one SQLite file (better-sqlite3; synchronous, so a
// query sees every series registered before it). Series are also held in memory for matching.
// Table names are ours (graphite_*), so the file can never be confused with graphite-web's DB.

import Database from 'better-sqlite3';
import { formatTagged, parseTagged } from './names.js';
import { anchoredRegex, parseTagExprs, TagQueryError } from './tag-expr.js';

export interface EventRow {
  id: number;
  when: number;
  what: string;
  data: string;
  tags: string[];
}

interface SeriesEntry {
  id: number;
  tags: Record<string, string>;
}

export class TagDb {
  readonly db: Database.Database;
  private readonly series = new Map<string, SeriesEntry>();
  /** tag -> value -> set of series paths */
  private readonly index = new Map<string, Map<string, Set<string>>>();
  private readonly tagIds = new Map<string, number>();
  private readonly valueIds = new Map<string, number>();
  private readonly stmts;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS graphite_tag (id INTEGER PRIMARY KEY, tag TEXT NOT NULL UNIQUE);
      CREATE TABLE IF NOT EXISTS graphite_tagvalue (id INTEGER PRIMARY KEY, value TEXT NOT NULL UNIQUE);
      CREATE TABLE IF NOT EXISTS graphite_series (id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE);
      CREATE TABLE IF NOT EXISTS graphite_seriestag (
        series_id INTEGER NOT NULL REFERENCES graphite_series(id) ON DELETE CASCADE,
        tag_id INTEGER NOT NULL, value_id INTEGER NOT NULL, UNIQUE(series_id, tag_id));
      CREATE TABLE IF NOT EXISTS graphite_event (
        id INTEGER PRIMARY KEY AUTOINCREMENT, "when" INTEGER NOT NULL, what TEXT NOT NULL,
        data TEXT NOT NULL, tags TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS graphite_event_when ON graphite_event("when");
      CREATE TABLE IF NOT EXISTS graphite_seq (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
    `);
    this.db.pragma('foreign_keys = ON');
    this.stmts = {
      insTag: this.db.prepare('INSERT INTO graphite_tag (id, tag) VALUES (?, ?)'),
      insValue: this.db.prepare('INSERT INTO graphite_tagvalue (id, value) VALUES (?, ?)'),
      setSeq: this.db.prepare('INSERT OR REPLACE INTO graphite_seq (name, value) VALUES (?, ?)'),
      insSeries: this.db.prepare('INSERT INTO graphite_series (path) VALUES (?)'),
      insSeriesTag: this.db.prepare(
        'INSERT INTO graphite_seriestag (series_id, tag_id, value_id) VALUES (?, ?, ?)',
      ),
      delSeries: this.db.prepare('DELETE FROM graphite_series WHERE path = ?'),
      insEvent: this.db.prepare('INSERT INTO graphite_event ("when", what, data, tags) VALUES (?, ?, ?, ?)'),
      getEvent: this.db.prepare('SELECT id, "when", what, data, tags FROM graphite_event WHERE id = ?'),
      delEvent: this.db.prepare('DELETE FROM graphite_event WHERE id = ?'),
      eventsIn: this.db.prepare(
        'SELECT id, "when", what, data, tags FROM graphite_event WHERE "when" >= ? AND "when" <= ? ORDER BY "when", id',
      ),
    };
    this.load();
  }

  /**
   * graphite-web's SQLite tag DB spends an id on every tag and value it tries to insert, even
   * when the row exists; we count the same way so `/tags` reports the same ids.
   */
  private readonly seq = { tag: 0, value: 0 };

  private load(): void {
    for (const r of this.db.prepare('SELECT name, value FROM graphite_seq').all() as Array<{
      name: string;
      value: number;
    }>) {
      if (r.name === 'tag' || r.name === 'value') this.seq[r.name] = r.value;
    }
    for (const r of this.db.prepare('SELECT id, tag FROM graphite_tag').all() as Array<{
      id: number;
      tag: string;
    }>) {
      this.tagIds.set(r.tag, r.id);
    }
    for (const r of this.db.prepare('SELECT id, value FROM graphite_tagvalue').all() as Array<{
      id: number;
      value: string;
    }>) {
      this.valueIds.set(r.value, r.id);
      this.seq.value = Math.max(this.seq.value, r.id);
    }
    for (const r of this.db.prepare('SELECT id, path FROM graphite_series').all() as Array<{
      id: number;
      path: string;
    }>) {
      try {
        this.addToMemory(r.path, r.id, parseTagged(r.path).tags);
      } catch {
        // a row we cannot parse is ignored, never fatal
      }
    }
  }

  private addToMemory(path: string, id: number, tags: Record<string, string>): void {
    this.series.set(path, { id, tags });
    for (const [k, v] of Object.entries(tags)) {
      let vals = this.index.get(k);
      if (!vals) this.index.set(k, (vals = new Map()));
      let set = vals.get(v);
      if (!set) vals.set(v, (set = new Set()));
      set.add(path);
    }
  }

  private idFor(
    kind: 'tag' | 'value',
    map: Map<string, number>,
    stmt: Database.Statement,
    key: string,
  ): number {
    const next = ++this.seq[kind];
    let id = map.get(key);
    if (id === undefined) {
      id = next;
      stmt.run(id, key);
      map.set(key, id);
    }
    return id;
  }

  /** Register a series (idempotent). Returns the canonical path. Throws on invalid names. */
  tagSeries(raw: string): string {
    const parsed = parseTagged(raw);
    const path = formatTagged(parsed.tags);
    if (this.series.has(path)) return path;
    const tx = this.db.transaction(() => {
      const id = Number(this.stmts.insSeries.run(path).lastInsertRowid);
      // graphite-web inserts tags in parse order (name last), which fixes the ids it reports
      for (const k of Object.keys(parsed.tags)) {
        const tagId = this.idFor('tag', this.tagIds, this.stmts.insTag, k);
        const valueId = this.idFor('value', this.valueIds, this.stmts.insValue, parsed.tags[k]);
        this.stmts.insSeriesTag.run(id, tagId, valueId);
      }
      this.stmts.setSeq.run('tag', this.seq.tag);
      this.stmts.setSeq.run('value', this.seq.value);
      return id;
    });
    this.addToMemory(path, tx(), parsed.tags);
    return path;
  }

  delSeries(raw: string): void {
    let path: string;
    try {
      path = formatTagged(parseTagged(raw).tags);
    } catch {
      return;
    }
    const entry = this.series.get(path);
    if (!entry) return;
    this.stmts.delSeries.run(path);
    this.series.delete(path);
    for (const [k, v] of Object.entries(entry.tags)) {
      const vals = this.index.get(k);
      const set = vals?.get(v);
      set?.delete(path);
      if (set && set.size === 0) vals!.delete(v);
    }
  }

  has(path: string): boolean {
    return this.series.has(path);
  }

  get seriesCount(): number {
    return this.series.size;
  }

  /** seriesByTag / findSeries: canonical paths, sorted. Throws TagQueryError on bad input. */
  findSeries(exprs: string[]): string[] {
    const parsed = parseTagExprs(exprs);
    // candidates from the most selective expression that requires the tag to be present
    let candidates: Iterable<string> | undefined;
    let best = Infinity;
    for (const e of parsed) {
      if (e.matchesEmpty) continue;
      const vals = this.index.get(e.tag);
      if (!vals) return [];
      if (e.op === '=') {
        const set = vals.get(e.spec);
        if (!set) return [];
        if (set.size < best) {
          best = set.size;
          candidates = set;
        }
      } else {
        let n = 0;
        for (const s of vals.values()) n += s.size;
        if (n < best) {
          best = n;
          const out: string[] = [];
          for (const [v, s] of vals) if (e.test(v)) for (const p of s) out.push(p);
          candidates = out;
          best = out.length;
        }
      }
    }
    const result: string[] = [];
    for (const p of candidates ?? []) {
      const tags = this.series.get(p)?.tags;
      if (!tags) continue;
      if (parsed.every((e) => e.test(tags[e.tag] ?? ''))) result.push(p);
    }
    return [...new Set(result)].sort(cmp);
  }

  /** `/tags`: every known tag, optionally filtered by an anchored regex. */
  listTags(filter?: string, limit?: number): Array<{ id: number; tag: string }> {
    const re = filter ? anchoredRegex(filter) : undefined;
    const out = [...this.tagIds]
      .filter(([t]) => !re || re.test(t))
      .sort((a, b) => cmp(a[0], b[0]))
      .map(([tag, id]) => ({ id, tag }));
    return limit ? out.slice(0, limit) : out;
  }

  listValues(
    tag: string,
    filter?: string,
    limit?: number,
  ): Array<{ id: number; value: string; count: number }> {
    const re = filter ? anchoredRegex(filter) : undefined;
    const vals = this.index.get(tag);
    if (!vals) return [];
    const out = [...vals]
      .filter(([v, s]) => s.size > 0 && (!re || re.test(v)))
      .sort((a, b) => cmp(a[0], b[0]))
      .map(([value, s]) => ({ id: this.valueIds.get(value) ?? 0, value, count: s.size }));
    return limit ? out.slice(0, limit) : out;
  }

  getTag(tag: string, filter?: string, limit?: number) {
    const id = this.tagIds.get(tag);
    if (id === undefined) return null;
    return { id, tag, values: this.listValues(tag, filter, limit) };
  }

  autoCompleteTags(exprs: string[], prefix: string | undefined, limit: number): string[] {
    if (exprs.length === 0) {
      return this.listTags(prefix ? `^(${prefix})` : undefined, limit).map((t) => t.tag);
    }
    const searched = new Set(exprs.map((e) => /^([^;!=]+)/.exec(e)?.[1]?.trim()));
    const result = new Set<string>();
    for (const p of this.findSeries(exprs)) {
      for (const t of Object.keys(this.series.get(p)!.tags)) {
        if (searched.has(t) || (prefix && !t.startsWith(prefix))) continue;
        result.add(t);
      }
    }
    return [...result].sort(cmp).slice(0, limit);
  }

  autoCompleteValues(exprs: string[], tag: string, prefix: string | undefined, limit: number): string[] {
    if (exprs.length === 0) {
      return this.listValues(tag, prefix ? `^(${prefix})` : undefined, limit).map((v) => v.value);
    }
    const result = new Set<string>();
    for (const p of this.findSeries([...exprs, `${tag}!=`])) {
      const v = this.series.get(p)!.tags[tag];
      if (v === undefined || (prefix && !v.startsWith(prefix))) continue;
      result.add(v);
    }
    return [...result].sort(cmp).slice(0, limit);
  }

  // ---- events ----

  addEvent(when: number, what: string, data: string, tags: string[]): number {
    return Number(this.stmts.insEvent.run(Math.trunc(when), what, data, tags.join(' ')).lastInsertRowid);
  }

  getEvent(id: number): EventRow | undefined {
    const r = this.stmts.getEvent.get(id) as RawEvent | undefined;
    return r ? toEvent(r) : undefined;
  }

  deleteEvent(id: number): boolean {
    return this.stmts.delEvent.run(id).changes > 0;
  }

  /** Events in [from, until]; set 'union' = any tag, otherwise all tags (graphite-web's default). */
  findEvents(from: number, until: number, tags: string[], set?: string): EventRow[] {
    const rows = (this.stmts.eventsIn.all(Math.trunc(from), Math.trunc(until)) as RawEvent[]).map(toEvent);
    if (tags.length === 0) return rows;
    if (set === 'union') return rows.filter((e) => tags.some((t) => e.tags.includes(t)));
    return rows.filter((e) => tags.every((t) => e.tags.includes(t)));
  }

  close(): void {
    this.db.close();
  }
}

interface RawEvent {
  id: number;
  when: number;
  what: string;
  data: string;
  tags: string;
}

function toEvent(r: RawEvent): EventRow {
  return { id: r.id, when: r.when, what: r.what, data: r.data, tags: r.tags.split(' ').filter(Boolean) };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export { TagQueryError };
