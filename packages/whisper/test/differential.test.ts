import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as w from '../src/index.js';
import { pyFloatStr } from '../src/pyfmt.js';
import { METHODS, randomArchives, randomBatch, randomValue } from './gen.js';
import { hexOf, Oracle, type OracleReply, rng } from './oracle.js';

let oracle: Oracle;
let dir: string;
let worker: w.WhisperWorker;
beforeAll(async () => {
  oracle = new Oracle();
  dir = mkdtempSync(join(tmpdir(), 'whisper-diff-'));
  worker = new w.WhisperWorker();
  await worker.ready();
}, 180_000); // the worker compiles the TypeScript sources on start: slow on a loaded machine
afterAll(async () => {
  oracle.close();
  await worker.close();
  rmSync(dir, { recursive: true, force: true });
});

type PyVal = [string, string] | null;
function sameValues(ours: (number | null)[], py: PyVal[]): void {
  expect(ours.length).toBe(py.length);
  for (let i = 0; i < ours.length; i++) {
    const o = ours[i]!;
    const p = py[i]!;
    if (p === null || o === null) {
      expect(o, `value ${i}`).toBe(p);
      continue;
    }
    expect(hexOf(o), `value ${i}`).toBe(p[0]);
    expect(pyFloatStr(o)).toBe(p[1]);
  }
}

/** Run `ours`; python's reply must agree on success/failure (and the message where python has one). */
async function both(ours: () => unknown, py: OracleReply, pyMessageMatters = true): Promise<unknown> {
  let result: unknown;
  let err: unknown;
  try {
    result = await ours();
  } catch (e) {
    err = e;
  }
  if (py.ok) {
    if (err) throw err;
    return result;
  }
  expect(err, `python failed with ${py.type}: ${py.message}`).toBeInstanceOf(w.WhisperError);
  if (pyMessageMatters) expect((err as w.WhisperError).message).toBe(py.message);
  return undefined;
}

async function compareFetch(
  ours: string,
  theirs: string,
  from: number,
  until: number | undefined,
  now: number,
  select?: number,
) {
  const py = await oracle.call({ op: 'fetch', path: theirs, from, until, now, select });
  const res = (await both(() => w.fetch(ours, from, until, now, select), py)) as
    | w.FetchResult
    | null
    | undefined;
  if (!py.ok) return;
  const r = py.result as [number, number, number, PyVal[]] | null;
  if (r === null) {
    expect(res).toBeNull();
    return;
  }
  expect(res).not.toBeNull();
  expect([res!.fromTime, res!.untilTime, res!.step]).toEqual(r.slice(0, 3));
  sameValues(res!.values, r[3]);
  // the sync path reads the same
  expect(w.fetchSync(ours, from, until, now, select)).toEqual(res);
  expect(await worker.fetch(ours, from, until, now, select)).toEqual(res);
}

const CASES = 300;

describe('differential: random workloads against python whisper 1.1.4', () => {
  it(`${CASES} seeded cases give byte-identical files and identical fetches`, async () => {
    for (let c = 0; c < CASES; c++) {
      const r = rng(1000 + c);
      const archives = randomArchives(r);
      const method = r.pick(METHODS);
      const xff = r.pick([0, 0, 0.2, 0.3, 0.5, 0.5, 0.75, 1]);
      // the three write paths in rotation: in-thread async, sync, worker thread
      const mode = (['async', 'sync', 'worker'] as const)[c % 3]!;
      const sync = mode === 'sync';
      const ours = join(dir, `o${c}.wsp`);
      const theirs = join(dir, `p${c}.wsp`);
      const sparse = r.chance(0.3);
      const pyCreate = await oracle.call({
        op: 'create',
        path: theirs,
        archives: archives.map((a) => [a.secondsPerPoint, a.points]),
        xff,
        method,
        sparse,
      });
      expect(pyCreate.ok, pyCreate.message).toBe(true);
      const opts = { xFilesFactor: xff, aggregationMethod: method, sparse };
      if (sync) w.createSync(ours, archives, opts);
      else await w.create(ours, archives, opts);
      const ctx = `case ${c} ${JSON.stringify({ archives, method, xff, mode })}`;
      expect(readFileSync(ours).equals(readFileSync(theirs)), ctx).toBe(true);

      const maxRet = Math.max(...archives.map((a) => a.secondsPerPoint * a.points));
      let now = 1_700_000_000 + r.int(0, 100000);
      const steps = r.int(1, 12);
      for (let s = 0; s < steps; s++) {
        now += r.pick([0, 1, archives[0]!.secondsPerPoint, r.int(0, maxRet), r.int(0, 3 * maxRet)]);
        const kind = r.next();
        if (kind < 0.65) {
          const pts = randomBatch(r, archives, now, r.chance(0.15));
          const py = await oracle.call({
            op: 'update_many',
            path: theirs,
            points: pts.map(([t, v]) => [t, hexOf(v)]),
            now,
          });
          await both(
            () =>
              mode === 'sync'
                ? w.updateManySync(ours, pts, now)
                : mode === 'worker'
                  ? worker.updateMany(ours, pts, now)
                  : w.updateMany(ours, pts, now),
            py,
          );
        } else if (kind < 0.9) {
          const t = r.chance(0.5) ? now - r.int(-3, maxRet + 3) : r.chance(0.5) ? now : undefined;
          const v = randomValue(r);
          const py = await oracle.call({ op: 'update', path: theirs, value: hexOf(v), ts: t, now });
          await both(
            () =>
              mode === 'sync'
                ? w.updateSync(ours, v, t, now)
                : mode === 'worker'
                  ? worker.update(ours, v, t, now)
                  : w.update(ours, v, t, now),
            py,
          );
        } else if (kind < 0.95) {
          const m = r.pick(METHODS);
          const x = r.chance(0.5) ? r.pick([0, 0.1, 0.42, 1]) : undefined;
          const py = await oracle.call({ op: 'set_agg', path: theirs, method: m, xff: x });
          const old = await both(() => w.setAggregationMethod(ours, m, x), py);
          expect(old).toBe(py.result);
        } else {
          const x = r.pick([0, 0.2, 0.3, 0.5, 0.9, 1]);
          const py = await oracle.call({ op: 'set_xff', path: theirs, xff: x });
          const old = (await both(() => w.setXFilesFactor(ours, x), py)) as number;
          expect(pyFloatStr(old)).toBe(py.result);
        }
        const a = readFileSync(ours);
        const b = readFileSync(theirs);
        if (!a.equals(b)) {
          let i = 0;
          while (a[i] === b[i]) i++;
          expect.fail(`${ctx}: files differ after step ${s} (first difference at byte ${i})`);
        }
        // fetches: default archive choice, explicit archives, odd ranges
        for (let q = 0; q < 3; q++) {
          const from = now - r.int(-5, maxRet + 20);
          const until = r.chance(0.2) ? undefined : from + r.int(0, maxRet);
          const select = r.chance(0.25) ? r.pick(archives).secondsPerPoint : undefined;
          await compareFetch(ours, theirs, from, until, now, select);
        }
      }
      const pi = await oracle.call({ op: 'info', path: theirs });
      const oi = await w.info(ours);
      const { xFilesFactor, ...rest } = pi.result as Record<string, unknown>;
      expect({ ...oi, xFilesFactor: pyFloatStr(oi.xFilesFactor) }).toEqual({
        ...rest,
        xFilesFactor,
        fileSize: oi.fileSize,
      });
      rmSync(ours);
      rmSync(theirs);
    }
  }, 300_000);
});

describe('differential: carbon-like streams on the docker schema', () => {
  it('consecutive flushes (10s:6h,1m:7d,10m:5y) stay byte-identical on every write path', async () => {
    const archives = [
      { secondsPerPoint: 10, points: 2160 },
      { secondsPerPoint: 60, points: 10080 },
      { secondsPerPoint: 600, points: 262800 },
    ];
    for (let c = 0; c < 6; c++) {
      const r = rng(5000 + c);
      const mode = (['async', 'sync', 'worker'] as const)[c % 3]!;
      const method = r.pick(METHODS);
      const xff = r.pick([0, 0.5, 1]);
      const ours = join(dir, `carbon-o${c}.wsp`);
      const theirs = join(dir, `carbon-p${c}.wsp`);
      const py = await oracle.call({
        op: 'create',
        path: theirs,
        archives: archives.map((a) => [a.secondsPerPoint, a.points]),
        xff,
        method,
        sparse: true,
      });
      expect(py.ok, py.message).toBe(true);
      w.createSync(ours, archives, { xFilesFactor: xff, aggregationMethod: method, sparse: true });
      let now = 1_700_000_000 + r.int(0, 599);
      for (let step = 0; step < 25; step++) {
        // a flush: the last minute's points (statsd every 10 s), sometimes late or repeated ones
        now += r.pick([60, 60, 60, 600, 3600]);
        const pts: Array<[number, number]> = [];
        for (let t = now - 50; t <= now; t += 10) if (!r.chance(0.1)) pts.push([t, randomValue(r)]);
        if (r.chance(0.3)) pts.push([now - r.int(60, 7200), randomValue(r)]);
        if (r.chance(0.2) && pts.length) pts.push([pts[0]![0], randomValue(r)]);
        const reply = await oracle.call({
          op: 'update_many',
          path: theirs,
          points: pts.map(([t, v]) => [t, hexOf(v)]),
          now,
        });
        expect(reply.ok, reply.message).toBe(true);
        if (mode === 'sync') w.updateManySync(ours, pts, now);
        else if (mode === 'worker') await worker.updateMany(ours, pts, now);
        else await w.updateMany(ours, pts, now);
        const a = readFileSync(ours);
        const b = readFileSync(theirs);
        if (!a.equals(b)) {
          let i = 0;
          while (a[i] === b[i]) i++;
          expect.fail(`case ${c} (${mode}, ${method}, xff ${xff}): step ${step} differs at byte ${i}`);
        }
      }
      for (const span of [3600, 86400, 7 * 86400]) await compareFetch(ours, theirs, now - span, now, now);
      rmSync(ours);
      rmSync(theirs);
    }
  }, 300_000);
});
