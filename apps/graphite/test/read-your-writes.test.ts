// Points still in the cache are merged into every read, as graphite-web's merge_with_cache does
// with carbonlink: over what is on disk (same step: the cached value wins), into a coarser
// archive (consolidated with the metric's aggregation method), and for a metric with no file yet.
// The writer is held back with MAX_UPDATES_PER_SECOND so the points stay cached while we read.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fetchSync } from '@appliance/whisper';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { GraphiteServer } from '../src/index.js';
import { sendTcp, startTestGraphite, waitFor } from './helpers/refs.js';

type Answer = Array<{ target: string; datapoints: Array<[number | null, number]> }>;

let dir: string;
let root: string;
let g: GraphiteServer;
// minute-aligned, 10 minutes back: inside archive 0 (10s:6h) of the default schema
const BASE = Math.floor(Date.now() / 1000 / 60) * 60 - 600;

function start(settings: Record<string, number>): Promise<GraphiteServer> {
  return startTestGraphite({
    storageDir: root,
    dbPath: path.join(dir, 'g.db'),
    linePort: 0,
    httpPort: 0,
    settings,
  });
}

async function render(target: string, from: number, until: number): Promise<Answer> {
  const q = new URLSearchParams({ target, from: String(from), until: String(until), format: 'json' });
  const res = await fetch(`http://127.0.0.1:${g.httpPort}/render?${q}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Answer;
}

const valuesAt = (a: Answer, times: number[]) =>
  times.map((t) => a[0]?.datapoints.find(([, ts]) => ts === t)?.[0]);

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'graphite-ryw-'));
  root = path.join(dir, 'whisper');
  // phase 1: points written through to disk (close() drains the cache)
  g = await start({});
  await sendTcp(
    g.linePort!,
    [
      `rw.disk 1 ${BASE}`,
      `rw.disk 2 ${BASE + 10}`,
      `rw.disk 3 ${BASE + 20}`,
      // a full minute of 10s points, so it propagates to the 1-minute archive (xff 0.5)
      ...[0, 10, 20, 30, 40, 50].map((s) => `rw.coarse 100 ${BASE - 60 + s}`),
    ]
      .map((l) => `${l}\n`)
      .join(''),
  );
  await waitFor(
    () => g.cache.size === 0 && existsSync(path.join(root, 'rw', 'coarse.wsp')),
    20_000,
    'phase 1 on disk',
  );
  await g.close();
  // phase 2: a writer that may not write, so everything sent now stays in the cache
  g = await start({ maxUpdatesPerSecond: 1e-6 });
  await sendTcp(
    g.linePort!,
    [
      `rw.disk 20 ${BASE + 10}`, // replaces the value on disk
      `rw.disk 4 ${BASE + 30}`, // newer than anything on disk
      `rw.fresh 7 ${BASE + 40}`, // no file at all yet
      `rw.coarse 10 ${BASE}`, // two raw points in one minute of a coarser archive
      `rw.coarse 30 ${BASE + 10}`,
    ]
      .map((l) => `${l}\n`)
      .join(''),
  );
  await waitFor(() => g.cache.size === 5, 10_000, 'phase 2 points cached');
}, 60_000);

let closed = false;
afterAll(async () => {
  if (!closed) await g?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('keeps the phase 2 points in the cache only', () => {
  expect(existsSync(path.join(root, 'rw', 'fresh.wsp'))).toBe(false);
  expect(g.cache.get('rw.disk').length).toBe(2);
});

it('merges cached points over the file at the same step: the cached value wins', async () => {
  // whisper's window starts one step after `from`
  const a = await render('rw.disk', BASE - 10, BASE + 50);
  expect(a.map((s) => s.target)).toEqual(['rw.disk']);
  expect(valuesAt(a, [BASE, BASE + 10, BASE + 20, BASE + 30, BASE + 40])).toEqual([1, 20, 3, 4, null]);
});

it('answers a metric that has no file yet from the cache, with the archives it will get', async () => {
  const a = await render('rw.fresh', BASE + 10, BASE + 60);
  expect(a.map((s) => s.target)).toEqual(['rw.fresh']);
  expect(a[0].datapoints[1][1] - a[0].datapoints[0][1]).toBe(10); // 10s:6h, the default schema's first archive
  expect(valuesAt(a, [BASE + 30, BASE + 40, BASE + 50])).toEqual([null, 7, null]);
  // globs and aggregates see it too
  const sum = await render('sumSeries(rw.*)', BASE + 30, BASE + 50);
  expect(sum[0].datapoints.find(([, t]) => t === BASE + 40)?.[0]).toBe(7);
});

it('consolidates cached points into a coarser archive with the aggregation method (average)', async () => {
  // 7 hours back is past archive 0's 6h: whisper answers from the 1-minute archive
  const a = await render('rw.coarse', BASE - 7 * 3600, BASE + 60);
  const points = new Map(a[0].datapoints.map(([v, t]) => [t, v]));
  expect(a[0].datapoints[1][1] - a[0].datapoints[0][1]).toBe(60);
  expect(points.get(BASE - 60)).toBe(100); // propagated to the 1-minute archive on disk in phase 1
  expect(points.get(BASE)).toBe(20); // (10 + 30) / 2, from the cache
});

it('close() writes the held-back points promptly, at the on-shutdown rate (carbon: MAX_UPDATES_PER_SECOND_ON_SHUTDOWN)', async () => {
  const t0 = Date.now();
  await g.close();
  closed = true;
  expect(Date.now() - t0).toBeLessThan(10_000);
  const fresh = fetchSync(path.join(root, 'rw', 'fresh.wsp'), BASE + 30, BASE + 50);
  expect(fresh?.values).toEqual([7, null]);
  const disk = fetchSync(path.join(root, 'rw', 'disk.wsp'), BASE - 10, BASE + 30);
  expect(disk?.values).toEqual([1, 20, 3, 4]);
}, 30_000);
