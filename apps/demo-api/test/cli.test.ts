import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { optionsFromEnv } from '../src/config.js';
import { runLoad, startDemoApi } from '../src/index.js';
import { captureUdp } from './udp-capture.js';

const dist = (file: string) => fileURLToPath(new URL(`../dist/${file}`, import.meta.url));

function readPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buf += chunk.toString();
      for (const line of buf.split('\n')) {
        try {
          const rec = JSON.parse(line) as { msg?: string; port?: number };
          if (rec.msg === 'listening' && rec.port) resolve(rec.port);
        } catch {}
      }
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}`)));
  });
}

describe('configuration', () => {
  it('reads the launcher env contract', () => {
    const o = optionsFromEnv({
      HOST: '0.0.0.0',
      PORT: '8001',
      STATSD_HOST: 'statsd',
      STATSD_PORT: '9125',
      METRICS_STYLE: 'DogStatsD',
      DEMO_TIME_SCALE: '0.5',
    });
    expect(o).toMatchObject({
      host: '0.0.0.0',
      port: 8001,
      statsdHost: 'statsd',
      statsdPort: 9125,
      metricsStyle: 'dogstatsd',
      timeScale: 0.5,
    });
    expect(optionsFromEnv({})).toMatchObject({
      host: '127.0.0.1',
      port: 8000,
      statsdPort: 8125,
      metricsStyle: 'graphite',
    });
  });

  it('rejects bad values', () => {
    expect(() => optionsFromEnv({ METRICS_STYLE: 'influx' })).toThrow(/METRICS_STYLE/);
    expect(() => optionsFromEnv({ PORT: 'eighty' })).toThrow(/PORT/);
  });
});

describe('command line', () => {
  it('cli.js starts from env, serves, and exits 0 on SIGTERM', async () => {
    const statsd = await captureUdp();
    const child = spawn(process.execPath, [dist('cli.js')], {
      env: { ...process.env, PORT: '0', STATSD_PORT: String(statsd.port), METRICS_STYLE: 'dogstatsd' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const port = await readPort(child);
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    await fetch(`http://127.0.0.1:${port}/`);
    await statsd.waitFor((l) => l.startsWith('flask.request_status_total:1|c|#'));
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    await statsd.close();
  });

  it('cli.js refuses a bad METRICS_STYLE with exit 1', async () => {
    const child = spawn(process.execPath, [dist('cli.js')], {
      env: { ...process.env, PORT: '0', METRICS_STYLE: 'nope' },
      stdio: 'ignore',
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
  });
});

describe('load driver', () => {
  it('runLoad walks the tutorial endpoints in order, bounded by request count', async () => {
    const api = await startDemoApi({
      port: 0,
      statsdPort: 9,
      timeScale: 0.001,
      logger: pino({ level: 'silent' }),
    });
    const summary = await runLoad({ baseUrl: api.url, durationMs: 20_000, maxRequests: 20, pauseMs: 0 });
    await api.close();
    expect(summary.requests).toBe(20);
    expect(summary.errors).toBe(0);
    expect(summary.byPath).toEqual({
      '/': 4,
      '/io_task': 4,
      '/cpu_task': 4,
      '/random_sleep': 4,
      '/random_status': 4,
    });
    const ok = (summary.byStatus[200] ?? 0) + (summary.byStatus[300] ?? 0);
    expect(ok).toBeGreaterThanOrEqual(16);
  });

  it('runLoad stops at the duration and counts connection errors', async () => {
    const summary = await runLoad({ baseUrl: 'http://127.0.0.1:9', durationMs: 300, pauseMs: 50 });
    expect(summary.requests).toBe(0);
    expect(summary.errors).toBeGreaterThan(0);
    expect(summary.elapsedMs).toBeLessThan(3000);
  });

  it('load.js prints a JSON summary', async () => {
    const api = await startDemoApi({
      port: 0,
      statsdPort: 9,
      timeScale: 0.001,
      logger: pino({ level: 'silent' }),
    });
    const child = spawn(
      process.execPath,
      [dist('load.js'), '--base-url', api.url, '-n', '10', '--pause', '0'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    const [code] = await once(child, 'exit');
    await api.close();
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ requests: 10, errors: 0 });
  });
});
