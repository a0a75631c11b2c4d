// Finds metrics and branches under the whisper root the way graphite-web's standard finder
// does: per-node globbing, directories are branches, `*.wsp` files are leaves, dot-entries
// hidden. Names that only exist in the cache so far are found too (read-your-writes).

import { type Dirent, stat as statCb } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { globMatcher, hasWildcards, nodeMatcher, splitPattern } from './glob.js';
import { parseMetric } from './names.js';

export interface Node {
  path: string;
  name: string;
  isLeaf: boolean;
}

const MAX_EXPANSIONS = 10_000;

/** Expand `{a,b}` groups over the whole pattern (they may contain dots), like expand_braces. */
export function expandBraces(pattern: string): string[] {
  const open = findTopBrace(pattern);
  if (!open) return [pattern];
  const { start, end, alts } = open;
  const out: string[] = [];
  for (const alt of alts) {
    for (const e of expandBraces(pattern.slice(0, start) + alt + pattern.slice(end + 1))) {
      out.push(e);
      if (out.length > MAX_EXPANSIONS) throw new Error('pattern expands to too many alternatives');
    }
  }
  return [...new Set(out)];
}

function findTopBrace(p: string): { start: number; end: number; alts: string[] } | undefined {
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '\\') {
      i++;
      continue;
    }
    if (p[i] !== '{') continue;
    let depth = 0;
    let start = i + 1;
    const alts: string[] = [];
    for (let j = i; j < p.length; j++) {
      if (p[j] === '\\') {
        j++;
        continue;
      }
      if (p[j] === '{') depth++;
      else if (p[j] === '}') {
        depth--;
        if (depth === 0) {
          alts.push(p.slice(start, j));
          return { start: i, end: j, alts };
        }
      } else if (p[j] === ',' && depth === 1) {
        alts.push(p.slice(start, j));
        start = j + 1;
      }
    }
    return undefined;
  }
  return undefined;
}

/** Entries in the kernel's order, like Python's os.listdir (fs.readdir would sort them). */
async function readDir(dir: string): Promise<Dirent[]> {
  const out: Dirent[] = [];
  try {
    const d = await fs.opendir(dir, { bufferSize: 256 });
    for await (const e of d) out.push(e);
  } catch {
    // a missing or unreadable directory has no entries
  }
  return out;
}

/** The callback stat: a glob over N directories stats 2N paths, and fs/promises costs more per call. */
function statKind(p: string): Promise<'dir' | 'file' | undefined> {
  return new Promise((resolve) => {
    statCb(p, (err, s) =>
      resolve(err ? undefined : s.isDirectory() ? 'dir' : s.isFile() ? 'file' : undefined),
    );
  });
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function unescapeNode(n: string): string {
  return n.replace(/\\(.)/g, '$1');
}

export class Finder {
  constructor(
    readonly root: string,
    /** Untagged metric names that have cached points but maybe no file yet. */
    private readonly cachedNames: () => Iterable<string>,
    /** Does the cache hold points for this (canonical) metric? */
    private readonly hasCached: (metric: string) => boolean = () => false,
  ) {}

  /**
   * All nodes matching the pattern, in graphite-web's order: depth-first, directory-listing
   * order within a directory, leaves before branches at the last level; then stably sorted by
   * node name (what find_view does). A path can be reported as a branch and as a leaf.
   */
  async find(pattern: string): Promise<Node[]> {
    const found = new Map<string, Node>();
    await this.collect(pattern, false, (n) => {
      const key = `${n.path}\0${n.isLeaf ? 1 : 0}`;
      if (!found.has(key)) found.set(key, n);
    });
    // graphite-web leaves equal names in directory-listing order, which differs from one file
    // system to the next; we break those ties by path so answers are reproducible
    return [...found.values()].sort((a, b) => cmp(a.name, b.name) || cmp(a.path, b.path));
  }

  /** Every node matching the pattern, from the disk and the cache, unsorted (may repeat). */
  private async collect(pattern: string, optimistic: boolean, add: (n: Node) => void): Promise<void> {
    // a tagged series is looked up at its hashed location, like graphite-web's finder does
    if (pattern.includes(';') && !pattern.startsWith('_tagged.')) {
      for (const n of await this.findTagged(pattern)) add(n);
      return;
    }
    // braces spanning dots must be expanded over the whole pattern first
    const patterns = /\{[^}]*\.[^}]*\}/.test(pattern) ? expandBraces(pattern) : [pattern];
    for (const p of patterns) {
      const nodes = splitPattern(p);
      if (nodes.some((n) => n === '')) continue;
      // the cache's names are taken before the disk walk: a name leaves that list only once its
      // file exists, so a file created during the walk is still found in one of the two
      const cached: Node[] = [];
      this.matchCached(nodes, (n) => cached.push(n));
      for (const n of await this.walk(this.root, [], nodes, optimistic)) add(n);
      for (const n of cached) add(n);
    }
  }

  private async findTagged(raw: string): Promise<Node[]> {
    let parsed: ReturnType<typeof parseMetric>;
    try {
      parsed = parseMetric(raw);
    } catch {
      return [];
    }
    const onDisk = (await statKind(path.join(this.root, parsed.relPath))) === 'file';
    if (!onDisk && !this.hasCached(parsed.metric)) return [];
    return [{ path: parsed.metric, name: parsed.metric, isLeaf: true }];
  }

  /**
   * Leaf paths a render should fetch: like find's leaves, except that an exact last node is
   * returned without checking its file, because the fetch that follows reads it anyway and
   * drops what is missing. Saves two stats per series on every render.
   */
  async leafCandidates(pattern: string): Promise<string[]> {
    const out = new Set<string>();
    await this.collect(pattern, true, (n) => {
      if (n.isLeaf) out.add(n.path);
    });
    return [...out];
  }

  private async walk(dir: string, prefix: string[], nodes: string[], optimistic: boolean): Promise<Node[]> {
    const [node, ...rest] = nodes;
    const last = rest.length === 0;
    if (!hasWildcards(node)) {
      const name = unescapeNode(node);
      if (name.startsWith('.') || name.includes('/')) return [];
      const sub = path.join(dir, name);
      // an exact inner node needs no stat of its own: if it is not a directory, every path
      // below it fails to stat or list, which gives the same empty answer
      if (!last) return this.walk(sub, [...prefix, name], rest, optimistic);
      if (optimistic) return [{ path: [...prefix, name].join('.'), name, isLeaf: true }];
      const [kind, fileKind] = await Promise.all([statKind(sub), statKind(`${sub}.wsp`)]);
      const out: Node[] = [];
      const p = [...prefix, name].join('.');
      if (fileKind === 'file') out.push({ path: p, name, isLeaf: true });
      if (kind === 'dir') out.push({ path: p, name, isLeaf: false });
      return out;
    }
    const match = nodeMatcher(node);
    const entries = await readDir(dir);
    const leaves: Node[] = [];
    const branches: Node[] = [];
    const deeper: Promise<Node[]>[] = [];
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      if (e.isDirectory()) {
        if (!match(e.name)) continue;
        if (last) branches.push({ path: [...prefix, e.name].join('.'), name: e.name, isLeaf: false });
        else deeper.push(this.walk(path.join(dir, e.name), [...prefix, e.name], rest, optimistic));
      } else if (last && e.isFile() && e.name.endsWith('.wsp')) {
        const name = e.name.slice(0, -4);
        if (match(name)) leaves.push({ path: [...prefix, name].join('.'), name, isLeaf: true });
      }
    }
    if (!last) return (await Promise.all(deeper)).flat();
    return [...leaves, ...branches];
  }

  private matchCached(nodes: string[], add: (n: Node) => void): void {
    const depth = nodes.length;
    const matchers = nodes.map(nodeMatcher);
    for (const metric of this.cachedNames()) {
      const parts = metric.split('.');
      if (parts.length < depth) continue;
      let ok = true;
      for (let i = 0; i < depth && ok; i++) ok = matchers[i](parts[i]);
      if (!ok) continue;
      const p = parts.slice(0, depth).join('.');
      add({ path: p, name: parts[depth - 1], isLeaf: parts.length === depth });
    }
  }

  /** Every leaf metric path (`/metrics/index.json`). */
  async index(): Promise<string[]> {
    const out: string[] = [];
    const visit = async (dir: string, prefix: string): Promise<void> => {
      const entries = await readDir(dir);
      for (const e of entries) {
        if (e.name.startsWith('.')) continue;
        if (e.isDirectory()) await visit(path.join(dir, e.name), `${prefix}${e.name}.`);
        else if (e.isFile() && e.name.endsWith('.wsp')) out.push(prefix + e.name.slice(0, -4));
      }
    };
    await visit(this.root, '');
    const all = new Set(out);
    for (const m of this.cachedNames()) all.add(m);
    return [...all].sort();
  }
}

export { globMatcher };
