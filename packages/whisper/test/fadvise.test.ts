// setFadviseRandom: updates and creates advise the kernel against readahead (python whisper's
// FADVISE_RANDOM). Checked on the page cache itself: after a file's pages are dropped, an
// update with the advice brings back only the pages it reads and writes; without it, the
// kernel's readahead brings back more (how much depends on the disk's read_ahead_kb).
import { execFileSync } from 'node:child_process';
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as w from '../src/index.js';

const NOW = 1_700_000_000;
const PAGE = 4096;
// docker-graphite-statsd's default schema: 3.2 MB files, an update touches all three archives
const ARCHIVES = [
  { secondsPerPoint: 10, points: 2160 },
  { secondsPerPoint: 60, points: 8640 },
  { secondsPerPoint: 600, points: 262800 },
];
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'whisper-fadvise-'));
});
afterAll(() => {
  w.setFadviseRandom(false);
  rmSync(dir, { recursive: true, force: true });
});

/** Bytes of the file in the page cache, as util-linux's fincore(1) counts them (mincore). */
function resident(file: string): number {
  return Number(
    execFileSync('fincore', ['--bytes', '--noheadings', '--output', 'RES', file], {
      encoding: 'utf8',
    }).trim(),
  );
}

/** Write the file's dirty pages back and drop them all from the page cache. */
function evict(file: string): void {
  const fd = openSync(file, 'r+');
  try {
    fsyncSync(fd);
    w.dropCachedPages(fd);
  } finally {
    closeSync(fd);
  }
}

/** A written (not sparse) file with a point in every archive, out of the page cache. */
function coldFile(name: string): string {
  const f = join(dir, name);
  w.createSync(f, ARCHIVES, { sparse: false });
  w.updateManySync(f, [[NOW - 3600, 1]], NOW);
  evict(f);
  return f;
}

/** Page cache brought in by one update of a cold file: points an hour later (new pages). */
function cachedByUpdate(random: boolean, name: string): number {
  expect(w.setFadviseRandom(random)).toBe(random);
  const f = coldFile(name);
  expect(resident(f)).toBe(0);
  w.updateManySync(
    f,
    Array.from({ length: 10 }, (_, i) => [NOW - 100 + i * 10, i] as [number, number]),
    NOW,
  );
  return resident(f);
}

describe('fadvise', () => {
  it('is available on Linux (the addon is built on install)', () => {
    expect(w.fadviseSupport()).toEqual({ available: true });
  });

  it('an update of a cold file caches only the pages it touches with FADVISE_RANDOM, more without', () => {
    const advised = cachedByUpdate(true, 'random.wsp');
    const plain = cachedByUpdate(false, 'plain.wsp');
    // header + archive 0's base and slot, archive 1's base and slot, archive 2's base and slot:
    // at most six pages, at least two (header and archive 0)
    expect(advised).toBeGreaterThanOrEqual(2 * PAGE);
    expect(advised).toBeLessThanOrEqual(6 * PAGE);
    expect(plain).toBeGreaterThan(advised);
  });

  it('the file is the same either way', () => {
    w.setFadviseRandom(true);
    const a = coldFile('same-a.wsp');
    w.setFadviseRandom(false);
    const b = coldFile('same-b.wsp');
    w.updateManySync(a, [[NOW - 50, 7]], NOW);
    w.setFadviseRandom(true);
    w.updateManySync(b, [[NOW - 50, 7]], NOW);
    expect(w.fetchSync(a, NOW - 7200, NOW)).toEqual(w.fetchSync(b, NOW - 7200, NOW));
  });

  it('dropCachedPages reports a bad fd', () => {
    expect(() => w.dropCachedPages(1_000_000)).toThrow(/errno 9/);
  });
});
