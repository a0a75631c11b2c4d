// The daemon as a process: SIGTERM under load writes every accepted point; kill -9 mid-write
// leaves only files python whisper can read; hostile clients (fuzzed lines and pickles,
// over-long lines, huge frames) never take it down or hurt other clients.

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  freePort,
  listWsp,
  PY,
  pickleFrame,
  sendTcp,
  waitFor,
  waitPort,
  wspContent,
} from './helpers/refs.js';

const CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.js');
const dirs: string[] = [];
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Daemon {
  child: ChildProcess;
  root: string;
  line: number;
  pickle: number;
  http: number;
  logs: () => string;
  exited: Promise<number | null>;
}

async function daemon(): Promise<Daemon> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'graphite-robust-'));
  dirs.push(dir);
  const [line, pickle, http] = [await freePort(), await freePort(), await freePort()];
  const root = path.join(dir, 'whisper');
  const child = spawn(
    process.execPath,
    [
      CLI,
      '--storage-dir',
      root,
      '--line-port',
      `${line}`,
      '--pickle-port',
      `${pickle}`,
      '--http-port',
      `${http}`,
    ],
    {
      env: { ...process.env, GRAPHITE_DB: path.join(dir, 'g.db'), GRAPHITE_CARBON_METRIC_INTERVAL: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  await waitPort(http);
  return { child, root, line, pickle, http, logs: () => out, exited };
}

/** Streams distinct points (each its own archive-0 slot) until stopped; returns lines written. */
function load(port: number, metrics: number, now: number) {
  let stop = false;
  let written = 0;
  const done = new Promise<number>((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let k = 0;
    const pump = () => {
      while (!stop && k < 2000 * metrics) {
        const m = k % metrics;
        const age = Math.floor(k / metrics) * 10;
        k++;
        written++;
        if (!s.write(`load.m${m} ${k} ${now - 20000 + age}\n`)) return;
      }
      if (stop || k >= 2000 * metrics) s.end();
    };
    s.on('connect', pump);
    s.on('drain', pump);
    s.on('error', () => resolve(written));
    s.on('close', () => resolve(written));
  });
  return { stop: () => (stop = true), done };
}

function archive0Points(root: string): number {
  let n = 0;
  for (const f of listWsp(root)) {
    const c = wspContent(path.join(root, f)) as { archives: Array<{ slots: unknown[] }> };
    n += c.archives[0].slots.length;
  }
  return n;
}

describe('shutdown and crash safety', () => {
  it('SIGTERM under load: every point it accepted is on disk, exit code 0', async () => {
    const d = await daemon();
    const now = Math.floor(Date.now() / 1000);
    const l = load(d.line, 200, now);
    await waitFor(
      async () => {
        const h = (await (await fetch(`http://127.0.0.1:${d.http}/health`)).json()) as { received: number };
        return h.received > 20_000;
      },
      60_000,
      'load to arrive',
    );
    d.child.kill('SIGTERM');
    l.stop();
    expect(await d.exited).toBe(0);
    await l.done;
    const stopped = d
      .logs()
      .split('\n')
      .find((x) => x.includes('cache drained'));
    expect(stopped).toBeDefined();
    const { metricsReceived, errors } = JSON.parse(stopped!);
    expect(metricsReceived).toBeGreaterThan(20_000);
    expect(errors).toBe(0);
    expect(archive0Points(d.root)).toBe(metricsReceived);
  }, 90_000);

  it('kill -9 while writing: every file passes python whisper info and fetch', async () => {
    const d = await daemon();
    const now = Math.floor(Date.now() / 1000);
    const l = load(d.line, 1000, now);
    await waitFor(async () => listWsp(d.root).length > 200, 60_000, 'files to appear');
    d.child.kill('SIGKILL');
    l.stop();
    await d.exited;
    await l.done;
    const files = listWsp(d.root);
    expect(files.length).toBeGreaterThan(200);
    const script = `
import sys, os, time, whisper
bad = 0
n = 0
for dp, dn, fn in os.walk(sys.argv[1]):
    for f in fn:
        if f.startswith('.') or not f.endswith('.wsp'):
            continue
        p = os.path.join(dp, f)
        n += 1
        try:
            whisper.info(p)['archives'][0]
            whisper.fetch(p, time.time() - 86400)
        except Exception as e:
            bad += 1
            print('BAD', p, e)
print(n, bad)
`;
    const out = execFileSync(PY, ['-c', script, d.root]).toString().trim().split('\n').pop()!;
    expect(out).toBe(`${files.length} 0`);
  }, 90_000);
});

describe('hostile clients', () => {
  it('fuzzed lines, fuzzed pickles, over-long lines and huge frames do not hurt a good client', async () => {
    const d = await daemon();
    const now = Math.floor(Date.now() / 1000);
    let seed = 11;
    const rnd = (n: number) => {
      seed = (seed * 48271) % 2147483647;
      return seed % n;
    };
    const junk = (len: number) => Buffer.from(Array.from({ length: len }, () => rnd(256)));
    const attacks: Promise<unknown>[] = [];
    for (let i = 0; i < 30; i++) {
      attacks.push(sendTcp(d.line, junk(5000)).catch(() => {}));
      attacks.push(sendTcp(d.pickle, Buffer.concat([pickleFrame(junk(300)), junk(50)])).catch(() => {}));
    }
    // mutated valid pickles (protocol 2), GLOBAL/REDUCE payloads, truncated frames
    const valid = execFileSync(PY, [
      '-c',
      `import pickle,sys; sys.stdout.buffer.write(pickle.dumps([('fz.a', (${now}, 1.0))]*20, protocol=2))`,
    ]);
    for (let i = 0; i < 100; i++) {
      const b = Buffer.from(valid);
      for (let k = 0; k < 3; k++) b[rnd(b.length)] = rnd(256);
      attacks.push(sendTcp(d.pickle, pickleFrame(b)).catch(() => {}));
    }
    attacks.push(
      sendTcp(
        d.pickle,
        pickleFrame(Buffer.from("cos\nsystem\n(S'touch /tmp/graphite-pwned'\ntR.", 'latin1')),
      ).catch(() => {}),
    );
    attacks.push(sendTcp(d.line, `long.line ${'9'.repeat(20000)} ${now}\n`).catch(() => {}));
    const huge = Buffer.alloc(4);
    huge.writeUInt32BE(2 ** 31);
    attacks.push(sendTcp(d.pickle, huge).catch(() => {}));
    // UDP junk too
    const dgram = await import('node:dgram');
    const u = dgram.createSocket('udp4');
    for (let i = 0; i < 50; i++) u.send(junk(500), d.line, '127.0.0.1');
    u.send(`udp.good 5 ${now}\n`, d.line, '127.0.0.1');
    await Promise.all(attacks);
    await sendTcp(d.line, `good.metric 42 ${now}\n`);
    await waitFor(
      async () => {
        const r = await fetch(
          `http://127.0.0.1:${d.http}/render?target=good.metric&target=udp.good&from=-1min&format=json`,
        );
        const j = (await r.json()) as Array<{ datapoints: Array<[number | null, number]> }>;
        return j.length === 2 && j.every((s) => s.datapoints.some(([v]) => v !== null));
      },
      10_000,
      'good points to be readable',
    );
    expect(d.child.exitCode).toBeNull();
    expect(() => execFileSync('test', ['-e', '/tmp/graphite-pwned'])).toThrow();
    d.child.kill('SIGTERM');
    expect(await d.exited).toBe(0);
    const bad = listWsp(d.root).filter((f) => f.includes('..'));
    expect(bad).toEqual([]);
    u.close();
  }, 90_000);
});
