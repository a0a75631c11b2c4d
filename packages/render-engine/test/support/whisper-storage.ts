// A Storage over a plain whisper directory tree, read with @appliance/whisper: the same files
// graphite-web reads, so both sides of a differential test see identical data. Glob find follows
// graphite-web's standard finder (per-element fnmatch with `{a,b}` expansion, dot-files skipped);
// tagged series live under `_tagged/` (carbon's hashed layout) and are matched by tag expressions.

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fetch as whisperFetch, info as whisperInfo } from '@appliance/whisper';
import type { FindMatch, Storage, StoredEvent, StoredSeries } from '../../src/storage.js';

/** Expands `{a,b}` groups (nested, several per element) into plain fnmatch patterns. */
export function expandBraces(pattern: string): string[] {
  const open = pattern.indexOf('{');
  if (open < 0) return [pattern];
  let depth = 0;
  for (let i = open; i < pattern.length; i++) {
    if (pattern[i] === '{') depth++;
    else if (pattern[i] === '}' && --depth === 0) {
      const inner = pattern.slice(open + 1, i);
      const alternatives: string[] = [];
      let level = 0;
      let last = 0;
      for (let j = 0; j < inner.length; j++) {
        if (inner[j] === '{') level++;
        else if (inner[j] === '}') level--;
        else if (inner[j] === ',' && level === 0) {
          alternatives.push(inner.slice(last, j));
          last = j + 1;
        }
      }
      alternatives.push(inner.slice(last));
      const rest = pattern.slice(i + 1);
      return alternatives.flatMap((a) => expandBraces(pattern.slice(0, open) + a + rest));
    }
  }
  return [pattern];
}

/** Python fnmatch.translate for one element: `*`, `?`, `[...]`, `[!...]`. */
export function fnmatchRegex(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close < 0) re += '\\[';
      else {
        let body = pattern.slice(i + 1, close);
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^(?:${re})$`, 's');
}

const hasWildcard = (s: string) => /[*?[{]/.test(s);

/** carbon's two layouts for a tagged series, hashed file name first (its default), as graphite-web tries them. */
export function taggedPaths(dir: string, name: string): string[] {
  const digest = createHash('sha256').update(name).digest('hex');
  const base = join(dir, '_tagged', digest.slice(0, 3), digest.slice(3, 6));
  return [join(base, `${digest}.wsp`), join(base, `${name.replaceAll('.', '_DOT_')}.wsp`)];
}

interface TagExpr {
  tag: string;
  op: string;
  spec: string;
}

function parseTagExpr(expr: string): TagExpr {
  const m = /^([^;!=]+)(!?=~?)([^;]*)$/.exec(expr);
  if (!m) throw new Error(`Invalid tagspec ${expr}`);
  return { tag: m[1], op: m[2], spec: m[3] };
}

function tagMatches(e: TagExpr, value: string | undefined): boolean {
  if (e.op === '=') return e.spec === '' ? value === undefined : value === e.spec;
  if (e.op === '!=') return e.spec === '' ? value !== undefined : value !== e.spec;
  const re = new RegExp(e.spec.startsWith('^') ? e.spec : `^(${e.spec})`);
  const hit = re.test(value ?? '');
  return e.op === '=~' ? hit : !hit;
}

function tagsOf(canonical: string): Record<string, string> {
  const [name, ...pairs] = canonical.split(';');
  const tags: Record<string, string> = { name };
  for (const p of pairs) {
    const eq = p.indexOf('=');
    tags[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return tags;
}

export class WhisperDirStorage implements Storage {
  /** `tagged`: the canonical names registered in the tag index (what carbon sends to tagMultiSeries). */
  constructor(
    readonly dir: string,
    readonly tagged: string[] = [],
  ) {}

  private filePath(path: string): string {
    if (!path.includes(';')) return join(this.dir, ...path.split('.')) + '.wsp';
    const candidates = taggedPaths(this.dir, path);
    return candidates.find((p) => existsSync(p)) ?? candidates[0];
  }

  async find(pattern: string): Promise<FindMatch[]> {
    if (pattern.includes(';')) {
      return existsSync(this.filePath(pattern)) ? [{ path: pattern, isLeaf: true }] : [];
    }
    const out = new Map<string, FindMatch>();
    for (const p of expandBraces(pattern)) this.walk(this.dir, [], p.split('.'), out);
    return [...out.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  private walk(dir: string, prefix: string[], parts: string[], out: Map<string, FindMatch>): void {
    const [head, ...rest] = parts;
    const last = rest.length === 0;
    const candidates: string[] = [];
    if (!hasWildcard(head)) candidates.push(head);
    else {
      let entries: string[];
      try {
        entries = readdirSync(dir);
      } catch {
        return;
      }
      const re = fnmatchRegex(head);
      for (const e of entries) {
        if (e.startsWith('.')) continue;
        const base = e.endsWith('.wsp') ? e.slice(0, -4) : e;
        if (re.test(base)) candidates.push(base);
      }
    }
    for (const name of new Set(candidates)) {
      const sub = join(dir, name);
      const path = [...prefix, name];
      if (last) {
        if (existsSync(`${sub}.wsp`)) out.set(path.join('.'), { path: path.join('.'), isLeaf: true });
        else if (existsSync(sub) && statSync(sub).isDirectory() && !out.has(path.join('.'))) {
          out.set(path.join('.'), { path: path.join('.'), isLeaf: false });
        }
      } else if (existsSync(sub) && statSync(sub).isDirectory()) this.walk(sub, path, rest, out);
    }
  }

  async fetch(paths: string[], from: number, until: number, now: number): Promise<StoredSeries[]> {
    const got = await Promise.all(
      paths.map(async (path): Promise<StoredSeries | undefined> => {
        const file = this.filePath(path);
        if (!existsSync(file)) return undefined;
        const [data, header] = await Promise.all([whisperFetch(file, from, until, now), whisperInfo(file)]);
        if (!data) return undefined;
        return {
          path,
          start: data.fromTime,
          end: data.untilTime,
          step: data.step,
          // packed columns, as apps/graphite's storage hands them over (the engine's fast paths)
          packed: {
            data: Float64Array.from(data.values, (v) => v ?? 0),
            nulls: Uint8Array.from(data.values, (v) => (v === null ? 1 : 0)),
          },
          xFilesFactor: header.xFilesFactor,
          aggregationMethod: header.aggregationMethod,
        };
      }),
    );
    return got.filter((s): s is StoredSeries => s !== undefined);
  }

  async findSeriesByTags(expressions: string[]): Promise<string[]> {
    const exprs = expressions.map(parseTagExpr);
    if (exprs.every((e) => tagMatches(e, undefined))) {
      throw new Error('At least one tagspec must not match the empty string');
    }
    return this.tagged
      .filter((n) => {
        const tags = tagsOf(n);
        return exprs.every((e) => tagMatches(e, tags[e.tag]));
      })
      .sort();
  }

  async events(): Promise<StoredEvent[]> {
    // The seeded tree has no events; graphite-web's event DB in the harness is empty too.
    return [];
  }
}
