import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/** A free TCP port on loopback (for children that must be told their port up front). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface Child {
  process: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

/** Spawns a node script with env; collects its output; stop() sends SIGTERM (then SIGKILL). */
export function spawnNode(script: string, args: string[], env: Record<string, string>): Child {
  return spawnProcess(process.execPath, [script, ...args], env);
}

/** Spawns a program with env; collects its output; stop() sends SIGTERM (then SIGKILL). */
export function spawnProcess(command: string, args: string[], env: Record<string, string>): Child {
  const child = spawn(command, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  return {
    process: child,
    output: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(killer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** Polls an HTTP URL until it answers 200 (or throws after timeoutMs). */
export async function waitForHttp(url: string, timeoutMs = 30_000, child?: Child): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {}
    if (child && child.process.exitCode !== null) {
      throw new Error(`process exited (${child.process.exitCode}) before ${url} was up:\n${child.output()}`);
    }
    if (Date.now() > deadline)
      throw new Error(`${url} not up after ${timeoutMs} ms\n${child?.output() ?? ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const demoApiCli = () => fileURLToPath(import.meta.resolve('@appliance/demo-api/cli'));
