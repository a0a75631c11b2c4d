// Differential test against the real carbon-cache (Debian graphite-carbon 1.1.7): the same
// plaintext and pickle streams go to both; afterwards every whisper file must exist in both
// trees with the same header and the same stored points in every archive.

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphiteServer } from '../src/index.js';
import {
  type Carbon,
  listWsp,
  pickleFrame,
  pyPickle,
  sendTcp,
  startCarbon,
  startTestGraphite,
  wspContent,
} from './helpers/refs.js';

const NOW = Math.floor(Date.now() / 1000);

function lineStream(): string {
  const lines: string[] = [];
  const names = [
    'stats.api.requests',
    'stats_counts.api.requests',
    'stats.timers.api.latency.lower',
    'stats.timers.api.latency.upper',
    'stats.timers.api.latency.upper_90',
    'stats.timers.api.latency.sum',
    'stats.timers.api.latency.count',
    'stats.gauges.queue.depth',
    'servers.web-01.cpu.user',
    'servers.web-02.cpu.user',
    'unicode.caf\u00e9.temp',
    'disk.used;datacenter=dc1;server=web01',
    'http_requests{method="GET",code="200"}',
  ];
  let k = 0;
  for (const [i, name] of names.entries()) {
    // two hours of 10 s points with gaps; values: negatives, zero, spikes, tiny and huge
    for (let t = NOW - 7200 + i; t <= NOW; t += 10) {
      k++;
      if (k % 7 === 0) continue;
      const v = [0, -3.5, 1e-7, 12345678901234, 42, 0.1, -0][k % 7];
      lines.push(`${name} ${v} ${t}`);
    }
  }
  // duplicates: the last value received for a timestamp wins
  lines.push(`dup.metric 1 ${NOW - 100}`, `dup.metric 2 ${NOW - 100}`, `dup.metric 3 ${NOW - 100}`);
  // fractional timestamps are floored (MIN_TIMESTAMP_RESOLUTION = 1), float syntax like Python's
  lines.push(
    `frac.metric 1_000 ${NOW - 55.9}`,
    `frac.metric +.5 ${NOW - 44.2}`,
    `frac.metric 1e3 ${NOW - 33}`,
  );
  // NaN is dropped, inf is stored
  lines.push(`nan.metric nan ${NOW - 20}`, `nan.metric 7 ${NOW - 30}`, `inf.metric inf ${NOW - 20}`);
  // too old for every archive: dropped by whisper
  lines.push(`old.metric 5 ${NOW - 1800 * 86400}`, `old.metric 6 ${NOW - 60}`);
  // invalid lines are ignored, the connection stays usable
  lines.push('', 'only two', 'a b c d', 'x.y notanumber 1', `x.y 1 notatime`, `good.after.bad 9 ${NOW - 10}`);
  // whitespace variants and CRLF
  lines.push(`tabs.metric\t3\t${NOW - 10}\r`, `  spaced.metric   4   ${NOW - 10}  `);
  return `${lines.join('\n')}\n`;
}

function picklePoints(): Array<[string, number, number | string]> {
  const pts: Array<[string, number, number | string]> = [];
  for (let t = NOW - 3600; t <= NOW; t += 10) {
    pts.push(['pickled.float', t + 0.0, Math.sin(t)]);
    pts.push(['pickled.intval', t, t % 17]);
    pts.push(['pickled.stringval', t, String((t % 5) * 1.5)]);
  }
  pts.push(['pickled.nan', NOW - 10, Number.NaN]);
  pts.push(['pickled.tagged;env=prod', NOW - 10, 3]);
  return pts;
}

describe('same streams into carbon-cache and into us', () => {
  let dir: string;
  let carbon: Carbon;
  let ours: GraphiteServer;
  let ourRoot: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'graphite-carbon-diff-'));
    carbon = await startCarbon(path.join(dir, 'carbon'));
    ourRoot = path.join(dir, 'ours', 'whisper');
    ours = await startTestGraphite({ storageDir: ourRoot, linePort: 0, picklePort: 0 });
    const lines = lineStream();
    const pts = picklePoints();
    // three frames with different protocols, statsd-style hand-written protocol 0 as well
    const frames = Buffer.concat([
      pickleFrame(await pyPickle(pts.slice(0, 300), 0)),
      pickleFrame(await pyPickle(pts.slice(300, 600), 2)),
      pickleFrame(await pyPickle(pts.slice(600), 5)),
      pickleFrame(Buffer.from(`(l(S'statsd.style'\n(L${NOW - 10}L\nS'2.5'\ntta.`, 'latin1')),
      pickleFrame(Buffer.from('garbage that is not a pickle')),
      pickleFrame(Buffer.from(`(l(S'after.garbage'\n(L${NOW - 10}L\nS'1'\ntta.`, 'latin1')),
    ]);
    await Promise.all([
      sendTcp(carbon.linePort, lines),
      sendTcp(ours.linePort!, lines),
      sendTcp(carbon.picklePort, frames),
      sendTcp(ours.picklePort!, frames),
    ]);
    // both write everything they hold on SIGTERM / close
    await new Promise((r) => setTimeout(r, 1000));
    await Promise.all([carbon.stop(), ours.close()]);
  }, 120_000);

  afterAll(async () => {
    await carbon?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('creates the same set of files', () => {
    const theirs = listWsp(carbon.whisperDir);
    const mine = listWsp(ourRoot);
    expect(theirs.length).toBeGreaterThan(20);
    expect(mine).toEqual(theirs);
  });

  it('stores identical headers and points in every archive of every file', () => {
    for (const f of listWsp(carbon.whisperDir)) {
      const a = wspContent(path.join(carbon.whisperDir, f));
      const b = wspContent(path.join(ourRoot, f));
      expect({ f, c: b }).toEqual({ f, c: a });
    }
  });
});
