// Differential tests against the real graphite-web (Debian 1.1.8) reading the same whisper
// files we wrote: metrics find/expand/index, render (json, csv, raw), tags and events.
// Bodies must be byte-identical unless noted.

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphiteServer } from '../src/index.js';
import { type GraphiteWeb, sendTcp, startGraphiteWeb, startTestGraphite } from './helpers/refs.js';

const NOW = Math.floor(Date.now() / 1000 / 60) * 60;

function seed(): string {
  const lines: string[] = [];
  const names = [
    'servers.web-01.cpu.user',
    'servers.web-01.cpu.system',
    'servers.web-02.cpu.user',
    'servers.db-01.disk.used',
    'stats.timers.api.latency.upper_90',
    'stats.timers.api.latency.lower',
    'stats.timers.api.latency.count',
    'stats_counts.api.requests',
    'stats.gauges.queue',
    'single',
    'a+b.c%20d',
  ];
  for (const [i, n] of names.entries()) {
    for (let t = NOW - 8 * 3600; t <= NOW; t += 10) {
      if ((t / 10 + i) % 13 === 0) continue;
      const v = ((t / 10) % 50) * (i % 3 === 0 ? -1 : 1) + i / 7;
      lines.push(`${n} ${v} ${t}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

let dir: string;
let ours: GraphiteServer;
let gw: GraphiteWeb;
let oursUrl: string;

async function both(urlPath: string, init?: RequestInit) {
  const [a, b] = await Promise.all([fetch(gw.url + urlPath, init), fetch(oursUrl + urlPath, init)]);
  return {
    theirs: { status: a.status, body: await a.text(), type: a.headers.get('content-type') },
    mine: { status: b.status, body: await b.text(), type: b.headers.get('content-type') },
  };
}

async function same(urlPath: string, init?: RequestInit) {
  const { theirs, mine } = await both(urlPath, init);
  expect({ urlPath, ...mine }).toEqual({ urlPath, ...theirs });
  return theirs;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'graphite-web-diff-'));
  const root = path.join(dir, 'whisper');
  // write the data, drain, then serve the same files
  const writer = await startTestGraphite({ storageDir: root, linePort: 0, dbPath: path.join(dir, 'w.db') });
  await sendTcp(writer.linePort!, seed());
  await new Promise((r) => setTimeout(r, 300));
  await writer.close();
  [ours, gw] = await Promise.all([
    startTestGraphite({ storageDir: root, httpPort: 0, dbPath: path.join(dir, 'ours.db') }),
    startGraphiteWeb(path.join(dir, 'gw'), root),
  ]);
  oursUrl = `http://127.0.0.1:${ours.httpPort}`;
}, 120_000);

afterAll(async () => {
  await Promise.all([ours?.close(), gw?.stop()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('/metrics/find', () => {
  const queries = [
    '*',
    'servers.*',
    'servers.*.*',
    'servers.web-0[12].cpu.*',
    'servers.web-0[!1].cpu.*',
    'servers.{web-01,db-01}.*',
    'servers.web-0?.cpu.user',
    'servers.web-01.cpu.user',
    'stats.timers.api.latency.*',
    'stats*.*',
    'nothing.here.*',
    'single',
    'a+b.*',
  ];
  for (const q of queries) {
    it(`treejson, completer, nodelist: ${q}`, async () => {
      const e = encodeURIComponent(q);
      const r = await same(`/metrics/find?query=${e}`);
      expect(r.status).toBe(200);
      await same(`/metrics/find?query=${e}&wildcards=1`);
      // equal names: graphite-web keeps directory order (file-system dependent), we sort by path
      const c = await both(`/metrics/find?query=${e}&format=completer`);
      const norm = (b: string) => {
        const m = JSON.parse(b).metrics as Array<{ name: string; path?: string }>;
        return m.sort((x, y) => (x.name + (x.path ?? '') < y.name + (y.path ?? '') ? -1 : 1));
      };
      expect(c.mine.status).toBe(c.theirs.status);
      expect(norm(c.mine.body)).toEqual(norm(c.theirs.body));
      await same(`/metrics/find?query=${e}&format=nodelist&position=0`);
      await same(`/metrics/find/?query=${e}&leavesOnly=1&format=treejson`);
    });
    it(`json format (intervals compared by shape): ${q}`, async () => {
      const { theirs, mine } = await both(`/metrics/find?query=${encodeURIComponent(q)}&format=json`);
      const strip = (s: string) =>
        JSON.parse(s).map((n: { intervals?: unknown[] }) => ({ ...n, intervals: n.intervals?.length }));
      expect(strip(mine.body)).toEqual(strip(theirs.body));
    });
  }

  it("accepts Grafana's unencoded POST body", async () => {
    const init = {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'query=servers.*.cpu.*',
    };
    const r = await same(`/metrics/find?from=${NOW - 3600}&until=${NOW}`, init);
    expect(JSON.parse(r.body).length).toBe(2);
  });

  it('rejects a missing query and a bad format like graphite-web', async () => {
    const a = await both('/metrics/find');
    expect(a.mine.status).toBe(a.theirs.status);
    const b = await both('/metrics/find?query=*&format=bogus');
    expect(b.mine.status).toBe(b.theirs.status);
    expect(b.mine.body).toBe(b.theirs.body);
  });
});

describe('/metrics/expand and index.json', () => {
  it('expand, grouped and leaves-only', async () => {
    await same('/metrics/expand?query=servers.*.cpu.*');
    await same('/metrics/expand?query=servers.*&query=stats.*');
    await same('/metrics/expand?query=servers.*&query=servers.web-01.*&groupByExpr=1');
    await same('/metrics/expand?query=servers.*.*&leavesOnly=1');
  });
  it('index.json', async () => {
    const r = await same('/metrics/index.json');
    expect(JSON.parse(r.body).length).toBe(11);
  });
});

describe('/render over the same files', () => {
  const targets = [
    'servers.web-01.cpu.user',
    'servers.*.cpu.user',
    'servers.{web-01,db-01}.*.*',
    'stats.timers.api.latency.*',
    'nothing.*',
  ];
  for (const t of targets) {
    for (const range of ['from=-1h', 'from=-7h', `from=${NOW - 1800}&until=${NOW - 600}`]) {
      it(`json ${t} ${range}`, async () => {
        await same(`/render?target=${encodeURIComponent(t)}&${range}&now=${NOW}&format=json`);
        await same(
          `/render?target=${encodeURIComponent(t)}&${range}&now=${NOW}&format=json&maxDataPoints=37`,
        );
      });
    }
    it(`csv and raw ${t}`, async () => {
      await same(`/render?target=${encodeURIComponent(t)}&from=-20min&now=${NOW}&format=csv`);
      await same(`/render?target=${encodeURIComponent(t)}&from=-20min&now=${NOW}&format=raw`);
    });
  }
  it('POST form body merged with the query string', async () => {
    await same(`/render?format=json&now=${NOW}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `target=servers.web-01.cpu.user&target=single&from=-30min&maxDataPoints=10`,
    });
  });
});
