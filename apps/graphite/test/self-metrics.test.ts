// carbon's self-metrics: carbon.agents.<host>-a.<stat>, stored through the cache every interval.

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { sendTcp, startTestGraphite, waitFor } from './helpers/refs.js';

it('records carbon.agents.<host>-a.* like carbon-cache', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'graphite-self-'));
  const g = await startTestGraphite({
    storageDir: path.join(dir, 'whisper'),
    dbPath: path.join(dir, 'g.db'),
    linePort: 0,
    httpPort: 0,
    settings: { carbonMetricInterval: 1 },
  });
  try {
    const now = Math.floor(Date.now() / 1000);
    await sendTcp(g.linePort!, `a.b 1 ${now}\na.c 2 ${now}\n`);
    const host = os.hostname().replaceAll('.', '_');
    const base = `carbon.agents.${host}-a`;
    const url = `http://127.0.0.1:${g.httpPort}`;
    await waitFor(
      async () => {
        const r = await fetch(`${url}/metrics/expand?query=${base}.*&leavesOnly=1`);
        const { results } = (await r.json()) as { results: string[] };
        return results.includes(`${base}.metricsReceived`) && results.includes(`${base}.pointsPerUpdate`);
      },
      20_000,
      'self-metrics',
    );
    const r = await fetch(`${url}/render?target=${base}.metricsReceived&from=-1min&format=json`);
    const [series] = (await r.json()) as Array<{ datapoints: Array<[number | null, number]> }>;
    const values = series.datapoints.map((d) => d[0]).filter((v) => v !== null);
    // counters are per interval: the two points show up once, later intervals count 0
    expect(values.some((v) => v === 2)).toBe(true);
    for (const stat of [
      'cache.size',
      'cache.queues',
      'committedPoints',
      'updateOperations',
      'creates',
      'errors',
      'memUsage',
      'cpuUsage',
    ]) {
      const e = await fetch(`${url}/metrics/expand?query=${base}.${stat}`);
      expect(((await e.json()) as { results: string[] }).results, stat).toEqual([`${base}.${stat}`]);
    }
  } finally {
    await g.close();
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
