import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  dashboardQueries,
  dashboardVariables,
  graphiteEventAnnotations,
  interpolateAll,
} from '@appliance/dashboards';
import { type DemoApi, runLoad, startDemoApi } from '@appliance/demo-api';
import { type GraphiteServer, startGraphite } from '@appliance/graphite';
import { type StatsdHandle, startStatsd } from '@appliance/statsd';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionedAlertQueries, provisionedDashboards } from '../src/dashboards-on-disk.js';
import {
  grafanaRender,
  graphiteEvents,
  graphiteFind,
  hasData,
  promHasData,
  promQuery,
} from '../src/grafana-requests.js';
import { type Child, freePort, spawnProcess, waitForHttp } from '../src/processes.js';

const silent = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(500);
  }
}

/** Drives the demo API: the tutorial's round (seeded, sleeps scaled) plus some 404s. */
async function driveLoad(api: DemoApi) {
  const summary = await runLoad({ baseUrl: api.url, durationMs: 8000, concurrency: 2, pauseMs: 20 });
  for (let i = 0; i < 3; i++) await fetch(`${api.url}/no/such/page`);
  expect(summary.errors).toBe(0);
  // The seed makes the status mix deterministic; the dashboards' 5xx/4xx panels need both.
  expect(summary.byStatus[500]).toBeGreaterThan(0);
  expect(summary.byStatus[400]).toBeGreaterThan(0);
  return summary;
}

describe('Graphite variant: demo-api -> statsd -> graphite, every dashboard query has data', () => {
  let dir: string;
  let graphite: GraphiteServer;
  let statsd: StatsdHandle;
  let api: DemoApi;
  let web: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'stack-graphite-'));
    // One-second slots to match the test's one-second flushes: with the default 10 s finest
    // retention, later (idle, zero-filled) flushes in the same slot overwrite the busy ones.
    const conf = path.join(dir, 'conf');
    await mkdir(conf);
    await writeFile(
      path.join(conf, 'storage-schemas.conf'),
      '[everything]\npattern = .*\nretentions = 1s:1h\n',
    );
    graphite = await startGraphite({
      storageDir: path.join(dir, 'whisper'),
      confDir: conf,
      dbPath: path.join(dir, 'graphite.sqlite'),
      bind: '127.0.0.1',
      linePort: 0,
      udpPort: null,
      picklePort: null,
      httpPort: 0,
      ui: false,
      env: {},
      settings: { carbonMetricInterval: 1 },
      logger: silent,
    });
    web = `http://127.0.0.1:${graphite.httpPort}`;
    statsd = await startStatsd(
      {
        address: '127.0.0.1',
        mgmt_address: '127.0.0.1',
        port: 0,
        mgmt_port: 0,
        graphiteHost: '127.0.0.1',
        graphitePort: graphite.linePort,
        graphiteWebPort: graphite.httpPort,
        flushInterval: 1000,
      },
      { logger: silent },
    );
    api = await startDemoApi({
      port: 0,
      statsdPort: statsd.port,
      timeScale: 0.01,
      seed: 11,
      infoIntervalMs: 1000,
      logger: silent,
    });
    await driveLoad(api);
    // An event for the dashboard's annotation query (what a deploy script would post).
    const ev = await fetch(`${web}/events/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ what: 'deploy demo-api', tags: ['deploy'], data: 'pipeline test' }),
    });
    expect(ev.ok).toBe(true);
    // Two more flushes, then the timer fields and self-metrics must be on disk or in cache.
    await sleep(2500);
    await until('timer data in graphite', async () => {
      const r = await grafanaRender(web, 'stats.timers.flask.request_duration.get.io_task.upper_90');
      return hasData(r.series) ? true : undefined;
    });
    await until('carbon self-metrics', async () => {
      const r = await grafanaRender(web, 'carbon.agents.*.committedPoints');
      return hasData(r.series) ? true : undefined;
    });
  });

  afterAll(async () => {
    await api?.close();
    await statsd?.close();
    await graphite?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('every Graphite target of every provisioned dashboard parses and returns data', async () => {
    const dashboards = await provisionedDashboards('graphite');
    expect(dashboards.map((d) => d.file)).toEqual(['flask-monitoring.json', 'statsd-carbon-internals.json']);
    let checked = 0;
    for (const { file, doc } of dashboards) {
      const vars = dashboardVariables(doc);
      for (const q of dashboardQueries(doc)) {
        const target = interpolateAll(q.query, vars);
        const r = await grafanaRender(web, target, q.refId);
        const where = `${file} / ${q.panel} / ${q.refId}: ${target}`;
        expect.soft(r.status, `${where}\n${r.body.slice(0, 300)}`).toBe(200);
        expect.soft(hasData(r.series), `${where} has no data`).toBe(true);
        // Grafana splits the refId back off the name it asked aliasSub to append.
        for (const s of r.series) expect.soft(s.target.endsWith(` ${q.refId}`), where).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(25);
  });

  it('every Graphite template variable query finds values', async () => {
    for (const { file, doc } of await provisionedDashboards('graphite')) {
      const vars = dashboardVariables(doc);
      for (const v of vars) {
        const found = await graphiteFind(web, interpolateAll(v.query, vars));
        expect.soft(found.length, `${file} variable ${v.name}: ${v.query}`).toBeGreaterThan(0);
      }
    }
    const methods = await graphiteFind(web, 'stats.flask.request_total.*');
    expect(methods.map((m) => m.text)).toEqual(['get']);
    const endpoints = (await graphiteFind(web, 'stats.flask.request_total.get.*')).map((m) => m.text).sort();
    expect(endpoints).toEqual(['cpu_task', 'io_task', 'not_found', 'random_sleep', 'random_status', 'root']);
  });

  it('the events annotation returns the posted event', async () => {
    const [doc] = (await provisionedDashboards('graphite')).map((d) => d.doc);
    const annotations = graphiteEventAnnotations(doc);
    expect(annotations.length).toBeGreaterThan(0);
    for (const tags of annotations) {
      const events = await graphiteEvents(web, tags);
      expect(events).toEqual([expect.objectContaining({ what: 'deploy demo-api' })]);
    }
  });

  it('the alert rule query returns data', async () => {
    const queries = await provisionedAlertQueries('graphite');
    expect(queries.length).toBe(1);
    for (const target of queries) {
      const r = await grafanaRender(web, target);
      expect(r.status).toBe(200);
      expect(hasData(r.series)).toBe(true);
    }
  });
});

describe('Prometheus variant: demo-api -> statsd (exporter mode) -> real Prometheus, every query has data', () => {
  let dir: string;
  let statsd: StatsdHandle;
  let api: DemoApi;
  let prometheus: Child;
  let prom: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'stack-prometheus-'));
    statsd = await startStatsd(
      {
        mode: 'exporter',
        address: '127.0.0.1',
        port: 0,
        mgmt_port: null,
        prometheusPort: 0,
        prometheusAddress: '127.0.0.1',
      },
      { logger: silent },
    );
    const udp = statsd.servers.find((s) => s.kind === 'udp');
    api = await startDemoApi({
      port: 0,
      statsdPort: udp?.port ?? statsd.port,
      metricsStyle: 'dogstatsd',
      timeScale: 0.01,
      seed: 11,
      logger: silent,
    });
    const promPort = await freePort();
    prom = `http://127.0.0.1:${promPort}`;
    await writeFile(
      path.join(dir, 'prometheus.yml'),
      [
        'global:',
        '  scrape_interval: 1s',
        'scrape_configs:',
        '  - job_name: statsd-exporter',
        '    static_configs:',
        `      - targets: ["127.0.0.1:${statsd.prometheusPort}"]`,
        '',
      ].join('\n'),
    );
    prometheus = spawnProcess(
      '/usr/bin/prometheus',
      [
        `--config.file=${path.join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(dir, 'tsdb')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
        '--log.level=warn',
      ],
      {},
    );
    await waitForHttp(`${prom}/-/ready`, 60_000, prometheus);
    await driveLoad(api);
    await until('flask series in Prometheus', async () => {
      const r = await promQuery(prom, 'rate(flask_request_duration_seconds_count[1m])', true);
      return promHasData(r) ? true : undefined;
    });
  });

  afterAll(async () => {
    await api?.close();
    await prometheus?.stop();
    await statsd?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('every PromQL query of the provisioned dashboard returns data', async () => {
    const dashboards = await provisionedDashboards('prometheus');
    let checked = 0;
    for (const { file, doc } of dashboards) {
      for (const q of dashboardQueries(doc)) {
        const expr = q.query.replaceAll('$app_name', 'flask-monitoring');
        const r = await promQuery(prom, expr, q.instant);
        const where = `${file} / ${q.panel} / ${q.refId}: ${expr}`;
        expect.soft(r.status, `${where} ${r.error ?? ''}`).toBe('success');
        expect.soft(promHasData(r), `${where} has no data`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(11);
  });

  it('the app_name variable resolves from flask_info', async () => {
    const [{ doc }] = await provisionedDashboards('prometheus');
    const [v] = dashboardVariables(doc);
    const m = /^label_values\((\w+), (\w+)\)$/.exec(v.query);
    expect(m).not.toBeNull();
    const res = await fetch(`${prom}/api/v1/label/${m?.[2]}/values?match[]=${m?.[1]}`);
    expect(((await res.json()) as { data: string[] }).data).toEqual(['flask-monitoring']);
  });

  it('the alert rule query returns data', async () => {
    for (const expr of await provisionedAlertQueries('prometheus')) {
      const r = await promQuery(prom, expr, true);
      expect(r.status).toBe('success');
      expect(promHasData(r)).toBe(true);
    }
  });
});
