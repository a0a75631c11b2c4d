// Health probes: an HTTP GET that answers 2xx, or statsd's admin `health` command answering "up".
import { connect } from 'node:net';
import type { HealthCheck } from './services.js';

function probeHttp(url: string, timeoutMs: number): Promise<boolean> {
  return fetch(url, { signal: AbortSignal.timeout(timeoutMs) })
    .then((res) => res.ok)
    .catch(() => false);
}

function probeAdmin(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    let answer = '';
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('connect', () => socket.write('health\n'));
    socket.on('data', (chunk) => {
      answer += chunk.toString('utf8');
      if (answer.includes('\n')) done(/health:\s*up/.test(answer));
    });
    socket.on('error', () => done(false));
    socket.on('close', () => done(/health:\s*up/.test(answer)));
  });
}

export function probe(check: HealthCheck, timeoutMs = 1000): Promise<boolean> {
  return check.kind === 'http'
    ? probeHttp(check.url, timeoutMs)
    : probeAdmin(check.host, check.port, timeoutMs);
}

/** Polls until healthy or the deadline passes. */
export async function waitHealthy(
  check: HealthCheck,
  deadlineMs: number,
  isAlive: () => boolean,
): Promise<boolean> {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until && isAlive()) {
    if (await probe(check)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}
