// carbon's knobs: MAX_CREATES_PER_MINUTE drops points of metrics it may not create (counted),
// MAX_CACHE_SIZE bounds memory (overflow counted) without hurting the daemon.

import { execFileSync } from 'node:child_process';
import { closeSync, fsyncSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dropCachedPages } from '@appliance/whisper';
import { expect, it } from 'vitest';
import type { GraphiteServer } from '../src/index.js';
import { listWsp, sendTcp, startTestGraphite, waitFor } from './helpers/refs.js';

async function withDaemon(
  settings: Record<string, number | boolean>,
  fn: (g: GraphiteServer, root: string) => Promise<void>,
) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'graphite-limits-'));
  const root = path.join(dir, 'whisper');
  const g = await startTestGraphite({
    storageDir: root,
    dbPath: path.join(dir, 'g.db'),
    linePort: 0,
    httpPort: 0,
    settings,
  });
  try {
    await fn(g, root);
  } finally {
    await g.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

it('MAX_CREATES_PER_MINUTE: only that many new files, the rest dropped and counted', async () => {
  await withDaemon({ maxCreatesPerMinute: 3 }, async (g, root) => {
    const now = Math.floor(Date.now() / 1000);
    await sendTcp(g.linePort!, Array.from({ length: 10 }, (_, i) => `new.m${i} 1 ${now}`).join('\n') + '\n');
    const health = async () =>
      (await (await fetch(`http://127.0.0.1:${g.httpPort}/health`)).json()) as {
        writer: { creates: number; droppedCreates: number };
      };
    await waitFor(
      async () => {
        const h = await health();
        return h.writer.creates + h.writer.droppedCreates === 10;
      },
      20_000,
      'all 10 metrics handled',
    );
    const h = await health();
    expect(h.writer.creates).toBe(3);
    expect(h.writer.droppedCreates).toBe(7);
    expect(listWsp(root)).toHaveLength(3);
  });
}, 60_000);

it('MAX_CACHE_SIZE: points beyond it are dropped and counted, the daemon keeps serving', async () => {
  // a writer held back by MAX_UPDATES_PER_SECOND lets the cache fill up
  await withDaemon({ maxCacheSize: 500, maxUpdatesPerSecond: 1 }, async (g) => {
    const now = Math.floor(Date.now() / 1000);
    const lines = Array.from(
      { length: 5000 },
      (_, i) => `flood.m${i % 50} ${i} ${now - 20000 + i * 10}`,
    ).join('\n');
    // flow control pauses the socket while the cache is full, so do not wait for the send
    void sendTcp(g.linePort!, `${lines}\n`).catch(() => {});
    await waitFor(() => g.cache.stats.overflow > 0 || g.cache.size >= 500, 20_000, 'cache to fill');
    expect(g.cache.size).toBeLessThanOrEqual(500);
    const r = await fetch(`http://127.0.0.1:${g.httpPort}/health`);
    expect(r.status).toBe(200);
  });
}, 60_000);

it('render cache: off by default (a repeated query sees new points), on when the request sets cacheTimeout', async () => {
  await withDaemon({}, async (g) => {
    const now = Math.floor(Date.now() / 1000);
    const url = (extra: string) =>
      `http://127.0.0.1:${g.httpPort}/render?target=live.cached&from=-5min&format=json&now=${now}${extra}`;
    const total = async (extra: string) => {
      const body = (await (await fetch(url(extra))).json()) as Array<{
        datapoints: Array<[number | null, number]>;
      }>;
      return body.flatMap((s) => s.datapoints).reduce((sum, [v]) => sum + (v ?? 0), 0);
    };
    await sendTcp(g.linePort!, `live.cached 1 ${now - 60}\n`);
    await waitFor(async () => (await total('')) === 1, 10_000, 'first point visible');
    expect(await total('&cacheTimeout=600')).toBe(1);

    await sendTcp(g.linePort!, `live.cached 2 ${now - 30}\n`);
    // same request, no cacheTimeout: read-your-writes
    await waitFor(async () => (await total('')) === 3, 10_000, 'second point visible');
    // the request that asked for caching gets its stored answer until it expires, unless noCache
    expect(await total('&cacheTimeout=600')).toBe(1);
    expect(await total('&cacheTimeout=600&noCache=1')).toBe(3);
  });
});

/** nice values of this process's threads (Linux /proc; null elsewhere) */
function threadNices(): number[] | null {
  try {
    return readdirSync('/proc/self/task').map((t) => {
      const stat = readFileSync(`/proc/self/task/${t}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(') ') + 2).split(' ')[16]);
    });
  } catch {
    return null;
  }
}

it('WRITER_NICE: the writer threads run at that nice value, ingest keeps the daemon priority', async (ctx) => {
  const before = threadNices();
  if (!before) ctx.skip(); // no per-thread priorities to look at
  const mine = os.getPriority();
  await withDaemon({ writerNice: 7, writerThreads: 2 }, async (g) => {
    await waitFor(
      () => threadNices()!.filter((n) => n === mine + 7).length === 2,
      10_000,
      'two writer threads reniced',
    );
    expect(os.getPriority()).toBe(mine);
    // and they write: a point sent now reaches its file
    const now = Math.floor(Date.now() / 1000);
    await sendTcp(g.linePort!, `nice.m 1 ${now}\n`);
    await waitFor(
      async () =>
        (
          (await (await fetch(`http://127.0.0.1:${g.httpPort}/health`)).json()) as {
            writer: { committedPoints: number };
          }
        ).writer.committedPoints === 1,
      10_000,
      'the point written',
    );
  });
}, 60_000);

/** Bytes of a file in the page cache (util-linux's fincore, from mincore). */
function resident(file: string): number {
  const out = execFileSync('fincore', ['--bytes', '--noheadings', '--output', 'RES', file], {
    encoding: 'utf8',
  });
  return Number(out.trim());
}

/** Page cache a writer update brings back for a file whose pages were all dropped. */
async function cachedByWriterUpdate(fadviseRandom: boolean): Promise<number> {
  let cached = -1;
  await withDaemon({ whisperFadviseRandom: fadviseRandom }, async (g, root) => {
    const committed = async () =>
      (
        (await (await fetch(`http://127.0.0.1:${g.httpPort}/health`)).json()) as {
          writer: { committedPoints: number };
        }
      ).writer.committedPoints;
    const now = Math.floor(Date.now() / 1000);
    await sendTcp(g.linePort!, `fadvise.m 1 ${now - 3600}\n`);
    await waitFor(async () => (await committed()) === 1, 10_000, 'the file created');
    const file = path.join(root, 'fadvise', 'm.wsp');
    const fd = openSync(file, 'r+');
    try {
      fsyncSync(fd);
      dropCachedPages(fd);
    } finally {
      closeSync(fd);
    }
    expect(resident(file)).toBe(0);
    // an hour later: new pages in every archive, as for any file the cache has not seen lately
    await sendTcp(
      g.linePort!,
      Array.from({ length: 10 }, (_, i) => `fadvise.m ${i} ${now - 100 + i * 10}`).join('\n') + '\n',
    );
    await waitFor(async () => (await committed()) === 11, 10_000, 'the update written');
    cached = resident(file);
  });
  return cached;
}

it('WHISPER_FADVISE_RANDOM: a writer update of a cold file brings back only the pages it touches', async () => {
  const PAGE = 4096;
  const advised = await cachedByWriterUpdate(true);
  // header and archive 0, archive 1's and archive 2's pages: no readahead around them
  expect(advised).toBeGreaterThanOrEqual(2 * PAGE);
  expect(advised).toBeLessThanOrEqual(6 * PAGE);
  // carbon's default (off): the kernel's readahead brings back more than the update needs
  expect(await cachedByWriterUpdate(false)).toBeGreaterThan(advised);
}, 60_000);
