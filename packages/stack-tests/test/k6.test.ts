import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Child, demoApiCli, freePort, REPO, spawnNode, waitForHttp } from '../src/processes.js';
import { resetState, state, stopWorker } from './k6-shim/runtime.js';
import { evaluateThresholds } from './k6-shim/thresholds.js';

// The k6 scripts run here through the k6 API shim in test/k6-shim (test infrastructure; k6 itself
// cannot be installed on these machines) against the real demo API in a child process.

interface K6Script {
  default: () => void;
  options?: {
    thresholds?: Record<string, string[]>;
    iterations?: number;
    scenarios?: Record<string, unknown>;
  };
  pickEndpoint?: (random: number) => { name: string };
}

const load = (name: string): Promise<K6Script> => import(pathToFileURL(`${REPO}k6/${name}`).href);

describe('k6 scripts against the real demo API', () => {
  let api: Child;
  let baseUrl: string;

  beforeAll(async () => {
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    // Sleeps scaled down 50x so /io_task and /random_sleep keep their shape but the test stays short.
    api = spawnNode(demoApiCli(), [], {
      PORT: String(port),
      STATSD_PORT: '9',
      DEMO_TIME_SCALE: '0.02',
      DEMO_SEED: '5',
      LOG_LEVEL: 'warn',
    });
    await waitForHttp(`${baseUrl}/health`, 30_000, api);
    (globalThis as { __ENV?: Record<string, string> }).__ENV = { BASE_URL: baseUrl };
  });
  afterAll(async () => {
    await stopWorker();
    await api?.stop();
  });
  beforeEach(() => resetState());

  it('tutorial.js: every endpoint in turn, then sleep(0.5)', async () => {
    const script = await load('tutorial.js');
    expect(script.options).toBeUndefined();
    script.default();
    script.default();
    const paths = state.requests.map((r) => new URL(r.url).pathname);
    const round = ['/', '/io_task', '/cpu_task', '/random_sleep', '/random_status'];
    expect(paths).toEqual([...round, ...round]);
    expect(state.sleeps).toEqual([0.5, 0.5]);
    expect(state.requests.every((r) => r.url.startsWith(baseUrl))).toBe(true);
    expect(state.requests.slice(0, 4).every((r) => r.status === 200)).toBe(true);
    expect([200, 300, 400, 500]).toContain(state.requests[4].status);
  });

  it('smoke.js: all checks pass and its thresholds hold', async () => {
    const script = await load('smoke.js');
    const iterations = script.options?.iterations ?? 1;
    for (let i = 0; i < iterations; i++) script.default();
    expect(state.requests).toHaveLength(5 * iterations);
    expect(state.checks.length).toBe(10 * iterations);
    expect(state.checks.filter((c) => !c.pass)).toEqual([]);
    expect(evaluateThresholds(script.options?.thresholds ?? {}, state)).toEqual([]);
  });

  it('ramping.js: weighted endpoints, tagged requests, thresholds hold', async () => {
    resetState(0.05);
    const script = await load('ramping.js');
    for (let i = 0; i < 120; i++) script.default();
    const byName = new Map<string, number>();
    for (const r of state.requests) byName.set(r.tags.name, (byName.get(r.tags.name) ?? 0) + 1);
    expect([...byName.keys()].sort()).toEqual([
      'cpu_task',
      'io_task',
      'random_sleep',
      'random_status',
      'root',
    ]);
    expect(state.checks.filter((c) => !c.pass)).toEqual([]);
    // 400/500 from /random_status are declared expected, so nothing counts as failed.
    expect(state.requests.filter((r) => r.failed)).toEqual([]);
    expect(state.requests.some((r) => r.status >= 400)).toBe(true);
    expect(evaluateThresholds(script.options?.thresholds ?? {}, state)).toEqual([]);
  });

  it('ramping.js: the weighted pick follows its weights and the ramp ends at zero', async () => {
    const script = await load('ramping.js');
    const counts = new Map<string, number>();
    const n = 10_000;
    for (let i = 0; i < n; i++) {
      const e = script.pickEndpoint?.((i + 0.5) / n);
      counts.set(e?.name ?? '', (counts.get(e?.name ?? '') ?? 0) + 1);
    }
    expect(Object.fromEntries(counts)).toEqual({
      root: 3000,
      io_task: 1000,
      cpu_task: 2500,
      random_sleep: 1000,
      random_status: 2500,
    });
    const ramp = script.options?.scenarios?.ramp as { executor: string; stages: Array<{ target: number }> };
    expect(ramp.executor).toBe('ramping-vus');
    expect(ramp.stages.at(-1)?.target).toBe(0);
    // Every per-endpoint threshold names a tag value the requests really carry.
    const names = ['root', 'io_task', 'cpu_task', 'random_sleep', 'random_status'];
    for (const key of Object.keys(script.options?.thresholds ?? {})) {
      const m = /\{name:([^}]+)\}/.exec(key);
      if (m) expect(names).toContain(m[1]);
    }
  });

  it('the shim counts k6-style failures: tutorial.js keeps the default expected statuses', async () => {
    resetState(0.1);
    const script = await load('tutorial.js');
    for (let i = 0; i < 12; i++) script.default();
    const rs = state.requests.filter((r) => r.url.endsWith('/random_status'));
    for (const r of rs) expect(r.failed).toBe(r.status >= 400);
  });
});
