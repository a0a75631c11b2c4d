import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpuTask, pickSleepSeconds, pickStatus, RANDOM_STATUSES } from '../src/endpoints.js';
import { type DemoApi, startDemoApi } from '../src/index.js';
import { seededRandom } from '../src/random.js';
import { captureUdp, chiSquare, type UdpCapture } from './udp-capture.js';

const logger = pino({ level: 'silent' });
// Chi-square critical values at p = 0.001 (df 3 and df 5): the seeded samples must pass these.
const CHI2_DF3_P001 = 16.27;
const CHI2_DF5_P001 = 20.52;

describe('demo API endpoints', () => {
  let statsd: UdpCapture;
  let api: DemoApi;
  const timeScale = 0.05;

  beforeAll(async () => {
    statsd = await captureUdp();
    api = await startDemoApi({ port: 0, statsdPort: statsd.port, timeScale, seed: 42, logger });
  });
  afterAll(async () => {
    await api.close();
    await statsd.close();
  });

  it('/ says hello', async () => {
    const res = await fetch(`${api.url}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('Hello, World!');
  });

  it('/io_task waits the fixed 2 s (scaled)', async () => {
    const t0 = performance.now();
    const res = await fetch(`${api.url}/io_task`);
    const elapsed = performance.now() - t0;
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('IO bound task finish!');
    expect(elapsed).toBeGreaterThanOrEqual(2000 * timeScale - 2);
  });

  it('/cpu_task runs the loop and answers 200', async () => {
    const res = await fetch(`${api.url}/cpu_task`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('CPU bound task finish!');
    // The loop's result is what Python's sum(i**3 for i in range(10000)) gives.
    expect(cpuTask(10_000)).toBe(((9999 * 10000) / 2) ** 2);
  });

  it('/random_sleep sleeps a whole number of seconds in [0, 5] (scaled)', async () => {
    for (let i = 0; i < 6; i++) {
      const t0 = performance.now();
      const res = await fetch(`${api.url}/random_sleep`);
      const elapsed = performance.now() - t0;
      const seconds = Number(res.headers.get('x-sleep-seconds'));
      expect(res.status).toBe(200);
      expect(Number.isInteger(seconds) && seconds >= 0 && seconds <= 5).toBe(true);
      expect(elapsed).toBeGreaterThanOrEqual(seconds * 1000 * timeScale - 2);
    }
  });

  it('/random_status follows 60/10/20/10 over HTTP (seeded, chi-square)', async () => {
    const counts = new Map<number, number>();
    for (let i = 0; i < 400; i++) {
      const res = await fetch(`${api.url}/random_status`);
      expect(await res.text()).toBe('random status');
      counts.set(res.status, (counts.get(res.status) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([200, 300, 400, 500]);
    const observed = [200, 300, 400, 500].map((s) => counts.get(s) ?? 0);
    expect(chiSquare(observed, [0.6, 0.1, 0.2, 0.1])).toBeLessThan(CHI2_DF3_P001);
  });

  it('/health answers 200 and is not counted in the request metrics', async () => {
    const before = statsd.lines.length;
    const res = await fetch(`${api.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok' });
    await new Promise((r) => setTimeout(r, 100));
    expect(statsd.lines.slice(before).filter((l) => l.includes('health'))).toEqual([]);
  });

  it('unknown paths answer 404', async () => {
    const res = await fetch(`${api.url}/does/not/exist`);
    expect(res.status).toBe(404);
  });
});

describe('random choices', () => {
  it('pickStatus matches the tutorial list exactly in the long run', () => {
    const random = seededRandom(7);
    const counts = { 200: 0, 300: 0, 400: 0, 500: 0 } as Record<number, number>;
    const n = 100_000;
    for (let i = 0; i < n; i++) counts[pickStatus(random)]++;
    expect(
      chiSquare([counts[200], counts[300], counts[400], counts[500]], [0.6, 0.1, 0.2, 0.1]),
    ).toBeLessThan(CHI2_DF3_P001);
    expect(RANDOM_STATUSES.filter((s) => s === 200)).toHaveLength(6);
  });

  it('pickSleepSeconds is uniform over 0..5', () => {
    const random = seededRandom(11);
    const counts = [0, 0, 0, 0, 0, 0];
    for (let i = 0; i < 60_000; i++) counts[pickSleepSeconds(random)]++;
    expect(chiSquare(counts, Array(6).fill(1 / 6))).toBeLessThan(CHI2_DF5_P001);
    const mean = counts.reduce((acc, c, s) => acc + c * s, 0) / 60_000;
    expect(mean).toBeCloseTo(2.5, 1);
  });

  it('a seed makes the random endpoints reproducible', async () => {
    const sequence = async () => {
      const api = await startDemoApi({ port: 0, statsdPort: 9, seed: 1234, logger });
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) statuses.push((await fetch(`${api.url}/random_status`)).status);
      await api.close();
      return statuses;
    };
    const a = await sequence();
    expect(await sequence()).toEqual(a);
    expect(new Set(a).size).toBeGreaterThan(1);
  });
});
