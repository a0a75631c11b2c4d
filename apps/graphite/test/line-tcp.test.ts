// The plaintext TCP receiver reassembles lines however the stream is cut into reads: a line split
// over several reads is parsed once, whole; a line over Twisted's limit drops only its connection,
// after the points before it were stored.

import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { GraphiteServer } from '../src/index.js';
import { MAX_LINE_LENGTH } from '../src/line-protocol.js';
import { startTestGraphite, waitFor } from './helpers/refs.js';

let dir: string;
let g: GraphiteServer;
const seen = new Map<string, Array<[number, number]>>();

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'graphite-line-tcp-'));
  g = await startTestGraphite({
    storageDir: path.join(dir, 'whisper'),
    dbPath: path.join(dir, 'g.db'),
    linePort: 0,
  });
  g.subscribe((metric, points) => {
    const list = seen.get(metric) ?? [];
    list.push(...points);
    seen.set(metric, list);
  });
});

afterAll(async () => {
  await g.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Write `data` in pieces of 1..maxPiece bytes, yielding now and then so they arrive as separate reads. */
async function sendInPieces(data: Buffer, maxPiece: number, seed: number): Promise<net.Socket> {
  const sock = net.connect(g.linePort!, '127.0.0.1');
  sock.setNoDelay(true);
  sock.on('error', () => {});
  await new Promise((r) => sock.once('connect', r));
  let s = seed;
  const rand = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
  for (let off = 0, k = 0; off < data.length && !sock.destroyed; k++) {
    const len = 1 + Math.floor(rand() * maxPiece);
    sock.write(data.subarray(off, off + len));
    off += len;
    if (k % 8 === 0) await new Promise((r) => setTimeout(r, 1));
  }
  return sock;
}

it('a stream cut into random pieces yields every line once, whole', async () => {
  const ts = 1_700_000_000;
  const lines: string[] = [];
  for (let i = 0; i < 3000; i++) lines.push(`split.m${i % 37}.n${i % 11} ${i}.5 ${ts + i}`);
  const sock = await sendInPieces(Buffer.from(`${lines.join('\n')}\n`), 200, 7);
  sock.end();
  await waitFor(() => [...seen.values()].reduce((n, l) => n + l.length, 0) >= 3000);
  for (let i = 0; i < 3000; i++) {
    const pts = seen.get(`split.m${i % 37}.n${i % 11}`) ?? [];
    expect(pts.filter(([t]) => t === ts + i)).toEqual([[ts + i, i + 0.5]]);
  }
  expect([...seen.keys()].filter((k) => k.startsWith('split.')).length).toBe(37 * 11);
});

it('a line longer than the limit, split over reads, drops that connection only', async () => {
  const ts = 1_700_000_000;
  const before = 'long.before 1 1700000000\n';
  const long = `long.${'x'.repeat(MAX_LINE_LENGTH)} 2 ${ts}\n`;
  const sock = await sendInPieces(Buffer.from(before + long), 1000, 3);
  await new Promise((r) => (sock.destroyed ? r(null) : sock.once('close', r)));
  expect(seen.get('long.before')).toEqual([[ts, 1]]);
  expect([...seen.keys()].some((k) => k.startsWith('long.x'))).toBe(false);
  // another client on a new connection is served as before
  const ok = await sendInPieces(Buffer.from(`long.after 3 ${ts}\n`), 4, 5);
  ok.end();
  await waitFor(() => seen.has('long.after'));
  expect(seen.get('long.after')).toEqual([[ts, 3]]);
});
