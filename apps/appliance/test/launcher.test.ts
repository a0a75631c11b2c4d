// The README's run command, for real: the launcher starts every built service, each answers its
// health check, and Ctrl-C (SIGINT) stops them all, exit 0, nothing left running.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { probe } from '../src/health.js';
import { availableServices, serviceSpecs, settingsFromEnv } from '../src/services.js';

const root = resolve(import.meta.dirname, '../../..');
const launcher = join(root, 'apps/appliance/dist/main.js');

/** A port free for both TCP and UDP on loopback (statsd and carbon use the same number for both). */
async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((res, rej) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const { port } = srv.address() as { port: number };
        srv.close(() => res(port));
      });
      srv.on('error', rej);
    });
    const udpFree = await new Promise<boolean>((res) => {
      const sock = createSocket('udp4');
      sock.on('error', () => res(false));
      sock.bind(port, '127.0.0.1', () => sock.close(() => res(true)));
    });
    if (udpFree) return port;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function childPids(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((s) => Number(s.trim()))
      .filter((n) => n > 0);
  } catch {
    return [];
  }
}

describe('pnpm start launcher', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'appliance-launcher-'));
  let proc: ChildProcess | undefined;
  afterAll(() => {
    if (proc?.pid && alive(proc.pid)) process.kill(proc.pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts every built service healthy within 10 s and stops cleanly on Ctrl-C', async () => {
    expect(existsSync(launcher), 'launcher is built').toBe(true);
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      DATA_DIR: dataDir,
      STATSD_PORT: String(await freePort()),
      STATSD_MGMT_PORT: String(await freePort()),
      STATSD_PROMETHEUS_PORT: String(await freePort()),
      CARBON_LINE_PORT: String(await freePort()),
      CARBON_PICKLE_PORT: String(await freePort()),
      GRAPHITE_HTTP_PORT: String(await freePort()),
      DEMO_API_PORT: String(await freePort()),
    };
    const specs = availableServices(serviceSpecs(settingsFromEnv(env, root)));
    expect(specs.present.map((s) => s.name)).toEqual(['graphite', 'statsd', 'demo-api']);

    const started = Date.now();
    proc = spawn(process.execPath, [launcher], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    proc.stdout?.on('data', (d) => (output += d));
    proc.stderr?.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((res) => proc?.on('exit', (code) => res(code)));

    await expect
      .poll(() => output.includes('Appliance is up'), { timeout: 10_000, interval: 100 })
      .toBe(true);
    expect(Date.now() - started).toBeLessThan(10_000);
    for (const spec of specs.present) expect(await probe(spec.health), `${spec.name} healthy`).toBe(true);
    // Logs are prefixed by service name.
    for (const spec of specs.present) expect(output).toMatch(new RegExp(`^${spec.name}\\s*\\| `, 'm'));

    const children = childPids(proc.pid!);
    expect(children.length).toBe(specs.present.length);

    const stopAt = Date.now();
    process.kill(proc.pid!, 'SIGINT');
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 5_000))]);
    expect(code, output).toBe(0);
    expect(Date.now() - stopAt).toBeLessThan(5_000);
    for (const pid of children) expect(alive(pid), `service pid ${pid} still running`).toBe(false);
  }, 30_000);
});
