import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DemoApi, startDemoApi } from '../src/index.js';
import { captureUdp, type UdpCapture } from './udp-capture.js';

const logger = pino({ level: 'silent' });
const numberRe = '(\\d+(?:\\.\\d+)?)';

describe('metrics on the wire', () => {
  let statsd: UdpCapture;
  let api: DemoApi | undefined;

  beforeEach(async () => {
    statsd = await captureUdp();
  });
  afterEach(async () => {
    await api?.close();
    api = undefined;
    await statsd.close();
  });

  it('graphite style: hierarchical names with method, endpoint and status, no tags', async () => {
    api = await startDemoApi({ port: 0, statsdPort: statsd.port, timeScale: 0.05, seed: 3, logger });
    await statsd.waitFor((l) => l === 'flask.info.flask-monitoring:1|g');
    await fetch(`${api.url}/`);
    await fetch(`${api.url}/io_task`);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await fetch(`${api.url}/random_status`)).status);
    await fetch(`${api.url}/missing`);

    await statsd.waitFor((l) => l === 'flask.request_total.get.root.200:1|c');
    await statsd.waitFor((l) => l === 'flask.request_total.get.not_found.404:1|c');
    for (const status of new Set(statuses)) {
      await statsd.waitFor((l) => l === `flask.request_total.get.random_status.${status}:1|c`);
    }
    const io = await statsd.waitFor((l) => l.startsWith('flask.request_duration.get.io_task:'));
    const ioMs = Number(
      new RegExp(`^flask\\.request_duration\\.get\\.io_task:${numberRe}\\|ms$`).exec(io)?.[1],
    );
    expect(ioMs).toBeGreaterThanOrEqual(100 - 2);
    await statsd.waitFor((l) => /^flask\.request_duration\.get\.not_found:[\d.]+\|ms$/.test(l));
    await statsd.waitFor((l) => l === 'flask.requests_in_flight:1|g');
    await statsd.waitFor((l) => l === 'flask.requests_in_flight:0|g');

    // Counting: one counter line per request, all with valid Graphite nodes and no tags.
    const counters = statsd.lines.filter((l) => l.startsWith('flask.request_total.'));
    expect(counters).toHaveLength(13);
    for (const line of statsd.lines) {
      expect(line).not.toContain('|#');
      expect(line).not.toContain('$');
      expect(line).toMatch(/^[A-Za-z0-9_.-]+:[\d.]+\|(c|ms|g)$/);
    }
  });

  it('dogstatsd style: the tutorial flask_* names with app_name, method, endpoint, status tags', async () => {
    api = await startDemoApi({
      port: 0,
      statsdPort: statsd.port,
      metricsStyle: 'dogstatsd',
      timeScale: 0.05,
      logger,
    });
    await statsd.waitFor((l) => l === 'flask.info:1|g|#app_name:flask-monitoring');
    await fetch(`${api.url}/`);
    await fetch(`${api.url}/io_task`);
    const status = (await fetch(`${api.url}/random_status`)).status;
    await fetch(`${api.url}/nothing/here`);

    await statsd.waitFor(
      (l) =>
        l === 'flask.request_status_total:1|c|#app_name:flask-monitoring,method:GET,endpoint:/,status:200',
    );
    await statsd.waitFor(
      (l) =>
        l ===
        `flask.request_status_total:1|c|#app_name:flask-monitoring,method:GET,endpoint:/random_status,status:${status}`,
    );
    await statsd.waitFor(
      (l) =>
        l ===
        'flask.request_status_total:1|c|#app_name:flask-monitoring,method:GET,endpoint:not_found,status:404',
    );
    const io = await statsd.waitFor(
      (l) => l.startsWith('flask.request_duration_seconds:') && l.includes('io_task'),
    );
    const m = new RegExp(
      `^flask\\.request_duration_seconds:${numberRe}\\|ms\\|#app_name:flask-monitoring,method:GET,endpoint:/io_task$`,
    ).exec(io);
    expect(m).not.toBeNull();
    // Milliseconds on the wire (use_ms=True in the tutorial), the exporter turns them into seconds.
    expect(Number(m?.[1])).toBeGreaterThanOrEqual(100 - 2);
    await statsd.waitFor((l) => l === 'flask.requests_in_flight:0|g|#app_name:flask-monitoring');
  });

  it('re-sends the app-info gauge so it survives a statsd restart', async () => {
    api = await startDemoApi({ port: 0, statsdPort: statsd.port, infoIntervalMs: 40, logger });
    await new Promise((r) => setTimeout(r, 300));
    const infos = statsd.lines.filter((l) => l === 'flask.info.flask-monitoring:1|g');
    expect(infos.length).toBeGreaterThanOrEqual(3);
  });

  it('an unreachable statsd never breaks the API', async () => {
    api = await startDemoApi({ port: 0, statsdHost: 'no-such-host.invalid', statsdPort: 8125, logger });
    for (let i = 0; i < 5; i++) expect((await fetch(`${api.url}/`)).status).toBe(200);
  });
});
