// Differential harness: the same render request answered by graphite-web (Debian 1.1.8, over the
// seeded whisper tree) and by our engine (over the same files through @appliance/whisper), and the
// two format=json answers compared: names, tags, timestamps, values within 1e-9 relative.

import { handleRender } from '../../src/index.js';
import { type GraphiteWeb, startGraphiteWeb } from './graphite-web.js';
import { type SeededTree, seedTree } from './seed.js';
import { WhisperDirStorage } from './whisper-storage.js';

export interface RenderCase {
  target: string | string[];
  /** Defaults: from -2h, until now (relative to the seeded tree's fixed `now`). */
  from?: string;
  until?: string;
  maxDataPoints?: number;
  params?: Record<string, string>;
  /** Both implementations must refuse the request (HTTP 4xx/5xx). */
  error?: boolean;
  /**
   * An intentional difference from graphite-web (listed in docs/render-compat.md): graphite-web
   * fails with HTTP 500 where we answer; the test asserts exactly that.
   */
  gwFails?: string;
  /**
   * An intentional difference where graphite-web answers, but wrongly: our answer to `target` must
   * equal graphite-web's answer to this equivalent target; `note` says why (and the docs list it).
   */
  gwTarget?: string;
  note?: string;
  /**
   * An intentional difference in the answer itself: the comparison must report exactly these
   * differences (so it fails if either side changes); `note` says why.
   */
  expectDifferences?: string[];
  /**
   * graphite-web 1.1.8 computes this function one point late (fixed in 1.1.9, which we follow): our
   * value at index k must equal graphite-web's at k + 1; our last point has no counterpart. `note` says why.
   */
  gwShiftedByOne?: boolean;
  /** Random values (randomWalk): compare names, tags and timestamps only. */
  randomValues?: boolean;
}

export interface Answer {
  status: number;
  body: string;
}

export interface JsonSeries {
  target: string;
  tags: Record<string, string>;
  datapoints: Array<[number | null, number]>;
}

export interface Harness {
  tree: SeededTree;
  gw: GraphiteWeb;
  storage: WhisperDirStorage;
  params(c: RenderCase): URLSearchParams;
  graphiteWeb(c: RenderCase): Promise<Answer>;
  ours(c: RenderCase): Promise<Answer>;
  /** Differences between the two answers (empty when they agree). */
  compare(c: RenderCase): Promise<string[]>;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const tree = await seedTree();
  const gw = await startGraphiteWeb(tree.dir, tree.tagged);
  const storage = new WhisperDirStorage(tree.dir, tree.tagged);

  const params = (c: RenderCase): URLSearchParams => {
    const p = new URLSearchParams();
    for (const t of Array.isArray(c.target) ? c.target : [c.target]) p.append('target', t);
    p.set('from', c.from ?? '-2h');
    p.set('until', c.until ?? 'now');
    p.set('now', String(tree.now));
    p.set('format', 'json');
    if (c.maxDataPoints !== undefined) p.set('maxDataPoints', String(c.maxDataPoints));
    for (const [k, v] of Object.entries(c.params ?? {})) p.set(k, v);
    return p;
  };

  const graphiteWeb = async (c: RenderCase): Promise<Answer> => {
    const res = await fetch(`${gw.url}/render`, {
      method: 'POST',
      body: params(c.gwTarget ? { ...c, target: c.gwTarget } : c),
    });
    return { status: res.status, body: await res.text() };
  };

  const ours = async (c: RenderCase): Promise<Answer> => {
    const p = params(c);
    const merged: Record<string, string | string[]> = {};
    for (const [k, v] of p) {
      const prev = merged[k];
      merged[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
    const res = await handleRender({ params: merged }, { storage, defaultTz: 'UTC' });
    const body = typeof res.body === 'string' ? res.body : Buffer.from(res.body).toString('utf8');
    return { status: res.status, body };
  };

  const compare = async (c: RenderCase): Promise<string[]> => {
    const [a, b] = await Promise.all([graphiteWeb(c), ours(c)]);
    if (c.error) {
      const problems: string[] = [];
      if (a.status < 400) problems.push(`graphite-web answered ${a.status}, expected an error`);
      if (b.status < 400)
        problems.push(`we answered ${b.status}, expected an error: ${b.body.slice(0, 300)}`);
      return problems;
    }
    if (c.gwFails) {
      const problems: string[] = [];
      if (a.status !== 500)
        problems.push(`graphite-web answered ${a.status}; the documented difference (${c.gwFails}) is gone`);
      if (b.status !== 200) problems.push(`we answered ${b.status}: ${b.body.slice(0, 300)}`);
      return problems;
    }
    if (a.status !== 200) return [`graphite-web answered HTTP ${a.status}: ${a.body.slice(0, 300)}`];
    if (b.status !== 200) return [`we answered HTTP ${b.status}: ${b.body.slice(0, 500)}`];
    return diffJson(JSON.parse(a.body) as JsonSeries[], JSON.parse(b.body) as JsonSeries[], {
      randomValues: c.randomValues,
      shift: c.gwShiftedByOne ? 1 : 0,
    });
  };

  return {
    tree,
    gw,
    storage,
    params,
    graphiteWeb,
    ours,
    compare,
    close: () => gw.close(),
  };
}

/** Equal within 1e-9 relative (exact for null and infinities). */
export function sameValue(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return a === b;
  if (a === b) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

const MAX_PROBLEMS = 8;

/** Readable differences between graphite-web's (expected) and our (actual) series lists. */
export function diffJson(
  expected: JsonSeries[],
  actual: JsonSeries[],
  { randomValues = false, shift = 0 }: { randomValues?: boolean; shift?: number } = {},
): string[] {
  const problems: string[] = [];
  const names = (l: JsonSeries[]) => l.map((s) => s.target).join(' | ');
  if (expected.length !== actual.length) {
    problems.push(
      `series count: graphite-web ${expected.length} [${names(expected)}], ours ${actual.length} [${names(actual)}]`,
    );
    return problems;
  }
  expected.forEach((e, i) => {
    const o = actual[i];
    if (e.target !== o.target)
      problems.push(`#${i} name: graphite-web ${JSON.stringify(e.target)}, ours ${JSON.stringify(o.target)}`);
    const et = JSON.stringify(sortKeys(e.tags));
    const ot = JSON.stringify(sortKeys(o.tags));
    if (et !== ot) problems.push(`#${i} ${e.target} tags: graphite-web ${et}, ours ${ot}`);
    if (e.datapoints.length !== o.datapoints.length) {
      const span = (d: JsonSeries['datapoints']) =>
        d.length ? `${d[0][1]}..${d[d.length - 1][1]}` : 'empty';
      problems.push(
        `#${i} ${e.target} points: graphite-web ${e.datapoints.length} (${span(e.datapoints)}), ours ${o.datapoints.length} (${span(o.datapoints)})`,
      );
      return;
    }
    let reported = 0;
    e.datapoints.forEach(([, ets], k) => {
      const [ov, ots] = o.datapoints[k];
      const ev = k + shift < e.datapoints.length ? e.datapoints[k + shift][0] : ov;
      const valueOk = randomValues ? (ev === null) === (ov === null) : sameValue(ev, ov);
      if ((ets !== ots || !valueOk) && reported++ < 3) {
        problems.push(`#${i} ${e.target} point ${k}: graphite-web [${ev}, ${ets}], ours [${ov}, ${ots}]`);
      }
    });
    if (reported > 3) problems.push(`#${i} ${e.target}: ${reported} points differ in all`);
  });
  return problems.slice(0, MAX_PROBLEMS);
}

function sortKeys(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
