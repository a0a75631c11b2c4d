import { runLoad } from '@appliance/demo-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildHeadersImage,
  ComposeProject,
  dockerReady,
  pruneBuildStages,
  removeImage,
} from '../src/compose.js';
import { grafanaRender, hasData, promHasData, promQuery } from '../src/grafana-requests.js';
import { freePort, waitForHttp } from '../src/processes.js';

// Builds every image with the stand-in base images (docker-offline.sh), starts each compose
// variant without Grafana (no image can be had here), drives the demo API, and checks the
// metrics arrive in graphite's render API and in Prometheus. Torn down with `down --rmi local -v`.
const ready = await dockerReady();
const MINUTES = 60_000;

// Off CI a machine without Docker skips the smoke test; CI installs the engine, so there a
// missing engine is a failure, not a silent skip.
it.runIf(process.env.CI === 'true')('a Docker engine and docker-compose are ready in CI', () => {
  expect(ready).toBe(true);
});

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2000));
  }
}

// After both variants: the build stages were shared between them as layer cache.
afterAll(async () => {
  if (ready) await pruneBuildStages();
}, 10 * MINUTES);

async function ports(names: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const n of names) out[n] = String(await freePort());
  return out;
}

describe.runIf(ready)('compose smoke test (Graphite variant)', () => {
  let project: ComposeProject;
  let env: Record<string, string>;

  beforeAll(async () => {
    env = {
      COMPOSE_PROJECT_NAME: `stacktest-graphite-${process.pid}`,
      BIND_ADDRESS: '127.0.0.1',
      STATSD_FLUSH_INTERVAL: '2000',
      DEMO_TIME_SCALE: '0.05',
      ...(await ports([
        'DEMO_API_PORT',
        'GRAPHITE_HTTP_PORT',
        'CARBON_LINE_PORT',
        'CARBON_PICKLE_PORT',
        'STATSD_ADMIN_PORT',
        'STATSD_UDP_PORT',
      ])),
    };
    env.GRAPHITE_TEST_NODE_IMAGE = await buildHeadersImage();
    project = new ComposeProject(['docker-compose.yml', 'docker-compose.test.yml'], env);
    await project.run(['build', 'graphite', 'statsd', 'demo-api'], 20 * MINUTES);
    await project.run(['up', '-d', 'graphite', 'statsd', 'demo-api'], 5 * MINUTES);
  }, 30 * MINUTES);

  afterAll(async () => {
    await project?.down();
    if (env?.GRAPHITE_TEST_NODE_IMAGE) await removeImage(env.GRAPHITE_TEST_NODE_IMAGE);
  }, 10 * MINUTES);

  it('demo-api traffic reaches graphite through statsd', async () => {
    const api = `http://127.0.0.1:${env.DEMO_API_PORT}`;
    const web = `http://127.0.0.1:${env.GRAPHITE_HTTP_PORT}`;
    try {
      await waitForHttp(`${api}/health`, 3 * MINUTES);
      await waitForHttp(`${web}/health`, MINUTES);
      const summary = await runLoad({ baseUrl: api, durationMs: 10_000, pauseMs: 50 });
      expect(summary.requests).toBeGreaterThan(20);
      const series = await until(
        'request counts in graphite',
        async () => {
          const r = await grafanaRender(web, 'stats_counts.flask.request_total.get.*.*');
          return hasData(r.series) ? r.series : undefined;
        },
        2 * MINUTES,
      );
      expect(series.map((s) => s.target).join(' ')).toContain(
        'stats_counts.flask.request_total.get.root.200',
      );
      const timer = await grafanaRender(web, 'stats.timers.flask.request_duration.get.io_task.mean');
      expect(hasData(timer.series)).toBe(true);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${await project.logs(['graphite', 'statsd', 'demo-api'])}`);
    }
  });
});

describe.runIf(ready)('compose smoke test (Prometheus variant)', () => {
  let project: ComposeProject;
  let env: Record<string, string>;

  beforeAll(async () => {
    env = {
      COMPOSE_PROJECT_NAME: `stacktest-exporter-${process.pid}`,
      BIND_ADDRESS: '127.0.0.1',
      DEMO_TIME_SCALE: '0.05',
      ...(await ports(['DEMO_API_PORT', 'EXPORTER_INGEST_PORT', 'EXPORTER_PORT', 'PROMETHEUS_PORT'])),
    };
    project = new ComposeProject(['docker-compose.exporter.yml', 'docker-compose.exporter.test.yml'], env);
    await project.run(['build', 'statsd', 'demo-api'], 20 * MINUTES);
    await project.run(['up', '-d', 'statsd', 'prometheus', 'demo-api'], 5 * MINUTES);
  }, 30 * MINUTES);

  afterAll(async () => {
    await project?.down();
  }, 10 * MINUTES);

  it('demo-api traffic reaches Prometheus through the exporter', async () => {
    const api = `http://127.0.0.1:${env.DEMO_API_PORT}`;
    const prom = `http://127.0.0.1:${env.PROMETHEUS_PORT}`;
    try {
      await waitForHttp(`${api}/health`, 3 * MINUTES);
      await waitForHttp(`${prom}/-/ready`, MINUTES);
      const summary = await runLoad({ baseUrl: api, durationMs: 8000, pauseMs: 50 });
      expect(summary.requests).toBeGreaterThan(20);
      const exposition = await (await fetch(`http://127.0.0.1:${env.EXPORTER_PORT}/metrics`)).text();
      expect(exposition).toContain('flask_request_status_total{');
      await until(
        'flask series in Prometheus',
        async () => {
          const r = await promQuery(
            prom,
            'sum(flask_request_status_total{app_name="flask-monitoring"})',
            true,
          );
          return promHasData(r) ? true : undefined;
        },
        2 * MINUTES,
      );
      const q = await promQuery(prom, 'flask_request_duration_seconds_count{endpoint="/io_task"}', true);
      expect(promHasData(q)).toBe(true);
    } catch (err) {
      throw new Error(
        `${(err as Error).message}\n${await project.logs(['statsd', 'prometheus', 'demo-api'])}`,
      );
    }
  });
});
