// The writer's thread pool: chunks of jobs spread over the workers come back as results in job
// order (a failed job fails alone), and a worker that dies fails its jobs instead of hanging them.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fetchSync } from '@appliance/whisper';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { WriteJob } from '../src/whisper-io.js';
import { WritePool } from '../src/write-pool.js';

let dir: string;
const NOW = Math.floor(Date.now() / 10_000) * 10;
const create = {
  archives: [{ secondsPerPoint: 10, points: 360, retention: 3600 }],
  xFilesFactor: 0,
  aggregationMethod: 'average',
  sparse: true,
};

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'graphite-pool-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Job i writes i % 5 + 1 points, values i*100 + k, into its own new file. */
function jobs(prefix: string, n: number): WriteJob[] {
  return Array.from({ length: n }, (_, i) => {
    const pts: number[] = [];
    for (let k = 0; k <= i % 5; k++) pts.push(NOW - 600 + k * 10, i * 100 + k);
    return { file: path.join(dir, prefix, `m${i}.wsp`), points: Float64Array.from(pts), create };
  });
}

it('runs a chunk over all workers and answers in job order; a failing job fails alone', async () => {
  const pool = new WritePool(3);
  try {
    mkdirSync(path.join(dir, 'a'));
    const js = jobs('a', 150); // more than one message per worker
    // job 7's file is a directory: that update fails
    mkdirSync(js[7].file);
    const res = await pool.runMany(
      js,
      js.map(() => true),
    );
    expect(res).toHaveLength(150);
    res.forEach((r, i) => {
      if (i === 7) expect(r.error).toBeTruthy();
      else {
        expect([i, r.error, r.created]).toEqual([i, undefined, true]);
        expect(r.ms).toBeGreaterThanOrEqual(0);
        const got = fetchSync(js[i].file, NOW - 610, NOW - 600 + 50, NOW);
        expect(got?.values.slice(0, (i % 5) + 1)).toEqual(
          Array.from({ length: (i % 5) + 1 }, (_, k) => i * 100 + k),
        );
      }
    });
    // createAllowed=false: the file is not made, the job says so
    const [refused] = await pool.runMany(jobs('a-no', 1), [false]);
    expect(refused).toEqual(expect.objectContaining({ created: false, droppedCreate: true }));
  } finally {
    await pool.close();
  }
});

it('a worker that dies fails its outstanding jobs and is replaced', async () => {
  const pool = new WritePool(2);
  try {
    mkdirSync(path.join(dir, 'b'));
    const js = jobs('b', 100);
    const pending = pool.runMany(
      js,
      js.map(() => true),
    );
    await (
      pool as unknown as { slots: Array<{ worker: { terminate(): Promise<number> } }> }
    ).slots[0].worker.terminate();
    const res = await pending; // settles: no job is left hanging
    expect(res).toHaveLength(100);
    // the worker was still starting up: its share failed, the other worker's succeeded
    expect(res.some((r) => r.error)).toBe(true);
    for (const r of res) if (r.error) expect(r.error).toMatch(/^write worker failed/);
    // the pool works on with a new worker: every job of a new chunk succeeds
    mkdirSync(path.join(dir, 'c'));
    const again = await pool.runMany(
      jobs('c', 40),
      Array.from({ length: 40 }, () => true),
    );
    expect(again.filter((r) => r.error)).toEqual([]);
  } finally {
    await pool.close();
  }
});
