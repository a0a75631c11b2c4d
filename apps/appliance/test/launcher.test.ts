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

const handedOut = new Set<number>();

/**
 * A port free for both TCP and UDP on loopback (statsd and carbon use the same number for both),
 * never one already handed out: the kernel may offer a just-closed port again.
 */
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
    if (udpFree && !handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
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

  async function portsEnv(): Promise<Record<string, string>> {
    return {
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
  }

  function launch(cmd: string, args: string[], env: Record<string, string>) {
    // own process group, as a terminal would give it
    const p = spawn(cmd, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    proc = p;
    const out = { text: '' };
    p.stdout?.on('data', (d) => (out.text += d));
    p.stderr?.on('data', (d) => (out.text += d));
    const exited = new Promise<number | null>((res) => p.on('exit', (code) => res(code)));
    return { p, out, exited };
  }

  it('starts every built service healthy within 10 s and stops cleanly on Ctrl-C', async () => {
    expect(existsSync(launcher), 'launcher is built').toBe(true);
    const env = await portsEnv();
    const specs = availableServices(serviceSpecs(settingsFromEnv(env, root)));
    expect(specs.present.map((s) => s.name)).toEqual(['graphite', 'statsd', 'demo-api']);

    const started = Date.now();
    const { p, out, exited } = launch(process.execPath, [launcher], env);
    while (!out.text.includes('Appliance is up') && Date.now() - started < 10_000 && p.exitCode === null) {
      await new Promise((r) => setTimeout(r, 50));
    }
    // the launcher's own log says which service was slow or failed
    expect(out.text.includes('Appliance is up'), out.text).toBe(true);
    expect(Date.now() - started, out.text).toBeLessThan(10_000);
    for (const spec of specs.present) expect(await probe(spec.health), `${spec.name} healthy`).toBe(true);
    // Logs are prefixed by service name.
    for (const spec of specs.present) expect(out.text).toMatch(new RegExp(`^${spec.name}\\s*\\| `, 'm'));

    const children = childPids(p.pid!);
    expect(children.length).toBe(specs.present.length);

    const stopAt = Date.now();
    process.kill(p.pid!, 'SIGINT');
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 5_000))]);
    expect(code, out.text).toBe(0);
    expect(Date.now() - stopAt).toBeLessThan(5_000);
    for (const pid of children) expect(alive(pid), `service pid ${pid} still running`).toBe(false);
  }, 30_000);

  it('`pnpm start`: if pnpm itself is killed, the launcher notices and still stops every service cleanly', async () => {
    const env = await portsEnv();
    const { p, out } = launch('pnpm', ['start'], env);
    await expect
      .poll(() => out.text.includes('Appliance is up'), { timeout: 90_000, interval: 200 })
      .toBe(true);
    const launcherPids = childPids(p.pid!);
    expect(launcherPids.length, 'pnpm runs the launcher directly (exec)').toBe(1);
    const services = childPids(launcherPids[0]!);
    expect(services.length).toBe(3);

    // SIGKILL: pnpm gets no chance to pass anything on; the launcher sees its parent go
    process.kill(p.pid!, 'SIGKILL');
    const gone = [...launcherPids, ...services];
    await expect.poll(() => gone.filter(alive), { timeout: 5_000, interval: 100 }).toEqual([]);
    await expect.poll(() => out.text, { timeout: 2_000 }).toContain('"clean":true');
    expect(out.text).toContain('parent process exited');
  }, 120_000);
});
