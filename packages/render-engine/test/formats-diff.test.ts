// Every /render output format against graphite-web on the same whisper files: text formats must be
// byte-identical, pickle and msgpack must decode to the same structures.

import { execFileSync } from 'node:child_process';
import { decode } from '@msgpack/msgpack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleRender } from '../src/index.js';
import { type Harness, startHarness } from './support/harness.js';

const TARGETS = [
  'stats.gauges.app.temperature',
  'misc.sparse',
  'misc.extremes',
  'hosts.a.disk.*',
  'sumSeries(hosts.*.disk.read)',
  "seriesByTag('name=disk.used')",
  'group(stats.gauges.app.temperature,debian.load.shortterm)',
  'consolidateBy(stats.timers.api.latency.*,"max")',
  'does.not.exist',
];

interface Variant {
  name: string;
  params: Record<string, string>;
  binary?: 'pickle' | 'msgpack';
}
const VARIANTS: Variant[] = [
  { name: 'json', params: { format: 'json' } },
  { name: 'json pretty', params: { format: 'json', pretty: '1' } },
  { name: 'json jsonp noNullPoints', params: { format: 'json', jsonp: 'cb', noNullPoints: '1' } },
  { name: 'json maxDataPoints 50', params: { format: 'json', maxDataPoints: '50' } },
  { name: 'json maxDataPoints 1', params: { format: 'json', maxDataPoints: '1' } },
  { name: 'csv', params: { format: 'csv' } },
  { name: 'csv tz', params: { format: 'csv', tz: 'America/New_York' } },
  { name: 'raw', params: { format: 'raw' } },
  { name: 'rawData', params: { rawData: '1' } },
  { name: 'dygraph', params: { format: 'dygraph' } },
  { name: 'rickshaw', params: { format: 'rickshaw' } },
  { name: 'pickle', params: { format: 'pickle' }, binary: 'pickle' },
  { name: 'msgpack', params: { format: 'msgpack' }, binary: 'msgpack' },
];

function unpickle(buf: Buffer): unknown {
  const script =
    'import sys, pickle, json, math\nv = pickle.loads(sys.stdin.buffer.read())\nprint(json.dumps(v))';
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', script], { input: buf }).toString());
}

describe('output formats: ours vs graphite-web 1.1.8', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  for (const v of VARIANTS) {
    it(v.name, async () => {
      const problems: string[] = [];
      let compared = 0;
      for (const target of TARGETS) {
        const p = h.params({ target, from: '-30min', params: v.params });
        if (!('format' in v.params)) p.delete('format');
        const res = await fetch(`${h.gw.url}/render`, { method: 'POST', body: p });
        const theirs = Buffer.from(await res.arrayBuffer());
        const params: Record<string, string | string[]> = {};
        for (const [k, val] of p) params[k] = val;
        const ours = await handleRender({ params }, { storage: h.storage, defaultTz: 'UTC' });
        const mine = Buffer.from(typeof ours.body === 'string' ? Buffer.from(ours.body) : ours.body);
        compared += theirs.length;
        if (v.name === 'dygraph' && target.startsWith('group(')) {
          // documented difference: graphite-web's dygraph fails on series of different lengths
          if (res.status !== 500 || ours.status !== 200)
            problems.push(`${target}: expected gw 500 / ours 200`);
          continue;
        }
        if (res.status !== ours.status)
          problems.push(`${target}: status ${res.status} vs ours ${ours.status}`);
        const theirType = (res.headers.get('content-type') ?? '').split(';')[0];
        if (theirType !== ours.contentType)
          problems.push(`${target}: content-type ${theirType} vs ours ${ours.contentType}`);
        if (v.binary === 'pickle') {
          const a = JSON.stringify(unpickle(theirs));
          const b = JSON.stringify(unpickle(mine));
          if (a !== b)
            problems.push(`${target}: pickle differs\n  gw   ${a.slice(0, 300)}\n  ours ${b.slice(0, 300)}`);
        } else if (v.binary === 'msgpack') {
          const a = JSON.stringify(decode(theirs));
          const b = JSON.stringify(decode(mine));
          if (a !== b)
            problems.push(`${target}: msgpack differs\n  gw   ${a.slice(0, 300)}\n  ours ${b.slice(0, 300)}`);
        } else if (!theirs.equals(mine)) {
          const a = theirs.toString();
          const b = mine.toString();
          let i = 0;
          while (i < a.length && a[i] === b[i]) i++;
          problems.push(
            `${target}: differs at byte ${i}\n  gw   …${a.slice(Math.max(0, i - 60), i + 80)}\n  ours …${b.slice(Math.max(0, i - 60), i + 80)}`,
          );
        }
      }
      expect(problems).toEqual([]);
      expect(compared).toBeGreaterThan(1000);
    });
  }
});
