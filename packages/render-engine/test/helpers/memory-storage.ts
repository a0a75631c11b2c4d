// An in-memory Storage for unit tests: whisper's fetch window semantics over fixed-step point maps,
// graphite's per-node glob matching, tag expressions and events.

import type { FindMatch, Storage, StoredEvent, StoredSeries } from '../../src/storage.js';

export interface MemSeries {
  step: number;
  /** timestamp -> value */
  points: Map<number, number>;
  xFilesFactor?: number;
  aggregationMethod?: string;
}

function globToRegex(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') re += '[^.]*';
    else if (c === '?') re += '[^.]';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 1);
      if (close < 0) re += '\\[';
      else {
        let body = glob.slice(i + 1, close);
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        re += `[${body}]`;
        i = close;
      }
    } else if (c === '{') {
      const close = glob.indexOf('}', i + 1);
      const alts = glob.slice(i + 1, close).split(',');
      re += `(?:${alts.map((a) => a.replace(/[.+^$()|\\]/g, '\\$&').replace(/\*/g, '[^.]*')).join('|')})`;
      i = close;
    } else re += c.replace(/[.+^$()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export class MemoryStorage implements Storage {
  series = new Map<string, MemSeries>();
  eventList: StoredEvent[] = [];
  calls = { find: 0, fetch: 0 };

  add(path: string, step: number, start: number, values: (number | null)[]): this {
    const points = new Map<number, number>();
    values.forEach((v, i) => {
      if (v !== null) points.set(start + i * step, v);
    });
    this.series.set(path, { step, points });
    return this;
  }

  async find(pattern: string): Promise<FindMatch[]> {
    this.calls.find++;
    const parts = pattern.split('.');
    const res = parts.map(globToRegex);
    const out = new Map<string, FindMatch>();
    for (const path of this.series.keys()) {
      if (path.includes(';')) {
        if (path === pattern) out.set(path, { path, isLeaf: true });
        continue;
      }
      const nodes = path.split('.');
      if (nodes.length < parts.length) continue;
      if (!res.every((r, i) => r.test(nodes[i]))) continue;
      const p = nodes.slice(0, parts.length).join('.');
      out.set(p, { path: p, isLeaf: nodes.length === parts.length });
    }
    return [...out.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
  }

  async fetch(paths: string[], from: number, until: number): Promise<StoredSeries[]> {
    this.calls.fetch++;
    const out: StoredSeries[] = [];
    for (const path of paths) {
      const s = this.series.get(path);
      if (!s) continue;
      const start = from - (from % s.step) + s.step;
      const end = until - (until % s.step) + s.step;
      const values: (number | null)[] = [];
      for (let t = start; t < end; t += s.step) values.push(s.points.get(t) ?? null);
      out.push({
        path,
        start,
        end,
        step: s.step,
        values,
        xFilesFactor: s.xFilesFactor ?? 0.5,
        aggregationMethod: s.aggregationMethod ?? 'average',
      });
    }
    return out;
  }

  async findSeriesByTags(expressions: string[]): Promise<string[]> {
    const parsed = expressions.map((e) => {
      const m = /^([^;!=]+)(!?=~?)([^;]*)$/.exec(e);
      if (!m) throw new Error(`Invalid tagspec ${e}`);
      return { tag: m[1], op: m[2], spec: m[3] };
    });
    const out: string[] = [];
    for (const path of this.series.keys()) {
      const [name, ...rest] = path.split(';');
      const tags: Record<string, string> = { name };
      for (const kv of rest) {
        const i = kv.indexOf('=');
        tags[kv.slice(0, i)] = kv.slice(i + 1);
      }
      const ok = parsed.every(({ tag, op, spec }) => {
        const v = tags[tag] ?? '';
        const re = () => new RegExp(spec.startsWith('^') ? spec : `^(${spec})`);
        if (op === '=') return v === spec;
        if (op === '!=') return v !== spec;
        if (op === '=~') return re().test(v);
        return !re().test(v);
      });
      if (ok) out.push(path);
    }
    return out.sort();
  }

  async events(from: number, until: number, tags: string[]): Promise<StoredEvent[]> {
    return this.eventList.filter(
      (e) => e.when >= from && e.when <= until && tags.every((t) => e.tags.includes(t)),
    );
  }
}
