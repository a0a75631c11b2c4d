// The fast read path: cached read-only fds (must never serve a replaced or deleted file, and must
// see every in-place write at once, from any writer) and the batch API fetchMany/fetchManySync,
// checked against python whisper's fetch/info on the same files.
import { copyFileSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import * as w from '../src/index.js';
import { readFdCacheSize } from '../src/readfd.js';
import { hexOf, Oracle, rng } from './oracle.js';

let dir: string;
let oracle: Oracle;
let n = 0;
const file = () => join(dir, `p${n++}.wsp`);
const NOW = 1_700_000_000;
const SCHEMA = [
  { secondsPerPoint: 10, points: 360 },
  { secondsPerPoint: 60, points: 1440 },
  { secondsPerPoint: 600, points: 1000 },
];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'whisper-readpath-'));
  oracle = new Oracle();
});
afterAll(() => {
  oracle.close();
  w.clearReadFdCache();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  w.setReadFdCacheSize(256);
});

const hexes = (r: w.FetchResult | null) =>
  r ? [r.fromTime, r.untilTime, r.step, r.values.map((v) => (v === null ? null : hexOf(v)))] : null;
/** A packed answer as the boxed one would read (null where the mask says so). */
const hexesPacked = (r: w.PackedFetchResult | null) =>
  r
    ? hexes({
        fromTime: r.fromTime,
        untilTime: r.untilTime,
        step: r.step,
        values: Array.from(r.values.data, (v, i) => (r.values.nulls[i] ? null : v)),
      })
    : null;
async function pyFetch(path: string, from: number, until: number, now: number) {
  const r = await oracle.call({ op: 'fetch', path, from, until, now });
  if (!r.ok) return `error ${r.type}`;
  const x = r.result as [number, number, number, ([string, string] | null)[]] | null;
  return x ? [x[0], x[1], x[2], x[3].map((v) => (v ? v[0] : null))] : null;
}
/** Every reader of ours must give python's answer for this window. */
async function expectAllAgree(path: string, from: number, until: number, now = NOW) {
  const want = await pyFetch(path, from, until, now);
  expect(hexes(await w.fetch(path, from, until, now))).toEqual(want);
  expect(hexes(w.fetchSync(path, from, until, now))).toEqual(want);
  expect(hexes((await w.fetchMany([path], from, until, now))[0]!.result)).toEqual(want);
  expect(hexes(w.fetchManySync([path], from, until, now)[0]!.result)).toEqual(want);
  expect(hexesPacked((await w.fetchManyPacked([path], from, until, now))[0]!.result)).toEqual(want);
  expect(hexesPacked(w.fetchManyPackedSync([path], from, until, now)[0]!.result)).toEqual(want);
}
function fill(path: string, value: number, now = NOW) {
  const pts: [number, number][] = [];
  for (let t = now - 86400; t <= now; t += 60) pts.push([t, value + (t % 7)]);
  w.updateManySync(path, pts, now);
}

describe('cached read fds', () => {
  it('see in-place writes at once: ours (sync, async, worker thread) and python', async () => {
    const p = file();
    w.createSync(p, SCHEMA, { sparse: true });
    await expectAllAgree(p, NOW - 3600, NOW); // the fd is cached from here on
    fill(p, 1);
    await expectAllAgree(p, NOW - 3600, NOW);
    await w.updateMany(p, [[NOW - 30, 42.5]], NOW);
    await expectAllAgree(p, NOW - 3600, NOW);
    const worker = new w.WhisperWorker();
    try {
      await worker.updateMany(p, [[NOW - 20, -7]], NOW);
    } finally {
      await worker.close();
    }
    await expectAllAgree(p, NOW - 3600, NOW);
    const r = await oracle.call({ op: 'update_many', path: p, points: [[NOW - 10, hexOf(99)]], now: NOW });
    expect(r.ok).toBe(true);
    await expectAllAgree(p, NOW - 3600, NOW);
    expect((await w.fetch(p, NOW - 60, NOW, NOW))!.values).toEqual([null, null, 42.5, -7, 99, 7]);
    // the header changes in place too
    w.setAggregationMethodSync(p, 'max');
    expect((await w.info(p)).aggregationMethod).toBe('max');
    expect((await w.fetchMany([p], NOW - 60, NOW, NOW))[0]!.info!.aggregationMethod).toBe('max');
    expect(w.infoSync(p).aggregationMethod).toBe('max');
  });

  it('never serve a file replaced behind them (rename over, delete and re-create)', async () => {
    const p = file();
    const other = file();
    w.createSync(p, SCHEMA, { sparse: true });
    fill(p, 1);
    w.createSync(other, [{ secondsPerPoint: 60, points: 2000 }], { aggregationMethod: 'sum' });
    fill(other, 1000);
    for (const read of ['async', 'sync'] as const) {
      const tmp = `${p}.tmp`;
      expect((read === 'async' ? await w.info(p) : w.infoSync(p)).archives.length).toBe(3);
      // whisper-resize style: a new file renamed over the old one, same size class
      copyFileSync(other, tmp);
      renameSync(tmp, p);
      const i = read === 'async' ? await w.info(p) : w.infoSync(p);
      expect([i.archives.length, i.aggregationMethod]).toEqual([1, 'sum']);
      await expectAllAgree(p, NOW - 7200, NOW);
      // deleted: gone for every reader, as for python
      rmSync(p);
      await expect(w.fetch(p, NOW - 60, NOW, NOW)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect(() => w.fetchSync(p, NOW - 60, NOW, NOW)).toThrow(/No such file/);
      await expect(w.info(p)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect((await w.fetchMany([p], NOW - 60, NOW, NOW))[0]).toEqual({ path: p, info: null, result: null });
      expect(w.fetchManySync([p], NOW - 60, NOW, NOW)[0]).toEqual({ path: p, info: null, result: null });
      // re-created with the first layout
      w.createSync(p, SCHEMA, { sparse: true });
      fill(p, 5);
      expect((read === 'async' ? await w.info(p) : w.infoSync(p)).archives.length).toBe(3);
      await expectAllAgree(p, NOW - 7200, NOW);
    }
  });

  it('stay bounded, and eviction during reads in flight never mixes files up', async () => {
    const paths = Array.from({ length: 12 }, () => file());
    paths.forEach((p, i) => {
      w.createSync(p, SCHEMA, { sparse: true });
      fill(p, i * 100);
    });
    const want = paths.map((p) => hexes(w.fetchSync(p, NOW - 86400, NOW, NOW)));
    for (const size of [0, 1, 3]) {
      w.setReadFdCacheSize(size);
      expect(readFdCacheSize()).toBeLessThanOrEqual(size);
      for (let round = 0; round < 3; round++) {
        const [many, single] = await Promise.all([
          w.fetchMany(paths, NOW - 86400, NOW, NOW),
          Promise.all(paths.map((p) => w.fetch(p, NOW - 86400, NOW, NOW))),
        ]);
        expect(many.map((m) => hexes(m.result))).toEqual(want);
        expect(single.map(hexes)).toEqual(want);
        expect(w.fetchManySync(paths, NOW - 86400, NOW, NOW).map((m) => hexes(m.result))).toEqual(want);
        expect(readFdCacheSize()).toBeLessThanOrEqual(size);
      }
    }
  });
  it('a closed WhisperWorker leaves none of its cached read fds open', async () => {
    const paths = Array.from({ length: 5 }, () => file());
    for (const p of paths) w.createSync(p, SCHEMA, { sparse: true });
    const open = () => readdirSync('/proc/self/fd').length;
    const before = open();
    const worker = new w.WhisperWorker();
    await worker.ready();
    const withThread = open();
    for (const p of paths) expect(await worker.fetch(p, NOW - 60, NOW, NOW)).not.toBeNull();
    expect(open()).toBe(withThread + paths.length);
    await worker.close();
    expect(open()).toBeLessThanOrEqual(before);
  });
});

describe('fetchMany / fetchManySync', () => {
  it('answer like info + fetch per path, and like python, for random windows (also in a WhisperWorker)', async () => {
    const r = rng(8);
    const worker = new w.WhisperWorker();
    onTestFinished(() => worker.close());
    const paths = Array.from({ length: 6 }, () => file());
    paths.forEach((p, i) => {
      w.createSync(p, SCHEMA, { sparse: i % 2 === 0, aggregationMethod: w.AGGREGATION_METHODS[i]! });
      if (i !== 5) fill(p, i); // the last one stays empty
    });
    const missing = join(dir, 'missing.wsp');
    const corrupt = file();
    writeFileSync(corrupt, Buffer.alloc(40, 0xff));
    const all = [...paths, missing, corrupt];
    for (let k = 0; k < 25; k++) {
      const now = NOW + r.int(-600, 600);
      const from = now - r.pick([60, 3600, 21600, 86400, 30 * 86400, 2000 * 86400]) + r.int(-90, 90);
      const until = r.chance(0.2) ? from + r.int(0, 5) : now - r.int(0, 4000);
      if (from > until) continue;
      const many = await w.fetchMany(all, from, until, now);
      const manySync = w.fetchManySync(all, from, until, now);
      const manyWorker = await worker.fetchMany(all, from, until, now);
      const packed = await w.fetchManyPacked(all, from, until, now);
      const packedSync = w.fetchManyPackedSync(all, from, until, now);
      for (const [i, p] of paths.entries()) {
        const want = await pyFetch(p, from, until, now);
        const pyInfo = (await oracle.call({ op: 'info', path: p })).result as Record<string, unknown>;
        for (const m of [many[i]!, manySync[i]!, manyWorker[i]!]) {
          expect(m.path).toBe(p);
          expect(hexes(m.result)).toEqual(want);
          expect(m.info).toEqual(w.infoSync(p));
          expect([m.info!.aggregationMethod, m.info!.maxRetention]).toEqual([
            pyInfo.aggregationMethod,
            pyInfo.maxRetention,
          ]);
        }
        for (const m of [packed[i]!, packedSync[i]!]) {
          expect(m.path).toBe(p);
          expect(hexesPacked(m.result)).toEqual(want);
          expect(m.info).toEqual(w.infoSync(p));
        }
      }
      for (const m of [packed, packedSync]) {
        expect(m[6]).toEqual({ path: missing, info: null, result: null });
        expect(m[7]!.error?.code).toBe('CORRUPT');
      }
      for (const m of [many, manySync, manyWorker]) {
        expect(m[6]).toEqual({ path: missing, info: null, result: null });
        expect(m[7]!.error).toBeInstanceOf(w.WhisperError);
        expect(m[7]!.error!.code).toBe('CORRUPT');
      }
    }
  });

  it('report a bad time interval per path, like fetch throws it', async () => {
    const p = file();
    w.createSync(p, SCHEMA, { sparse: true });
    const worker = new w.WhisperWorker();
    onTestFinished(() => worker.close());
    expect((await worker.fetchMany([p], NOW, NOW - 10, NOW))[0]!.error?.code).toBe('INVALID_TIME_INTERVAL');
    const [m] = await w.fetchMany([p], NOW, NOW - 10, NOW);
    expect(m!.error?.code).toBe('INVALID_TIME_INTERVAL');
    expect(w.fetchManySync([p], NOW, NOW - 10, NOW)[0]!.error?.code).toBe('INVALID_TIME_INTERVAL');
    await expect(w.fetch(p, NOW, NOW - 10, NOW)).rejects.toMatchObject({ code: 'INVALID_TIME_INTERVAL' });
  });
});
