// Updates open their file with O_NOATIME: a read-modify-write must not also write the inode's
// access time (a journalled inode update per whisper update on a relatime mount).
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as w from '../src/index.js';

let dir: string;
const NOW = 1_700_000_000;
const OLD = 1_000_000_000; // seconds: an atime well before the file's mtime

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'whisper-noatime-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fileWithOldAtime(name: string): string {
  const f = join(dir, name);
  w.createSync(
    f,
    [
      { secondsPerPoint: 10, points: 360 },
      { secondsPerPoint: 60, points: 100 },
    ],
    {
      sparse: true,
    },
  );
  w.updateManySync(f, [[NOW - 60, 1]], NOW);
  utimesSync(f, OLD, OLD + 100);
  return f;
}

/** Does a plain read update atime here? (relatime: yes when atime <= mtime; noatime: never) */
function plainReadTouchesAtime(): boolean {
  const f = fileWithOldAtime('control.wsp');
  const fd = openSync(f, 'r');
  readSync(fd, Buffer.alloc(64), 0, 64, 0);
  closeSync(fd);
  return statSync(f).atimeMs !== OLD * 1000;
}

describe('updates leave atime alone', () => {
  it('sync and async update/updateMany change mtime but not atime; reads by queries still do', async (ctx) => {
    if (!plainReadTouchesAtime()) ctx.skip(); // a noatime mount: nothing to tell apart
    const two: Array<[number, number]> = [
      [NOW - 50, 2],
      [NOW - 40, 3],
    ];
    const writes: Array<[string, (f: string) => unknown]> = [
      ['updateManySync', (f) => w.updateManySync(f, two, NOW)],
      ['updateMany', (f) => w.updateMany(f, two, NOW)],
      ['updateSync', (f) => w.updateSync(f, 2, NOW - 50, NOW)],
      ['update', (f) => w.update(f, 2, NOW - 50, NOW)],
    ];
    for (const [name, write] of writes) {
      const f = fileWithOldAtime(`${name}.wsp`);
      await write(f);
      const st = statSync(f);
      expect([name, st.atimeMs]).toEqual([name, OLD * 1000]);
      expect(st.mtimeMs).toBeGreaterThan((OLD + 100) * 1000);
      const got = w.fetchSync(f, NOW - 70, NOW, NOW);
      expect(got?.values.slice(0, 2)).toEqual([1, 2]);
      // the query's read is an ordinary one and records the access
      expect(statSync(f).atimeMs).not.toBe(OLD * 1000);
    }
  });
});
