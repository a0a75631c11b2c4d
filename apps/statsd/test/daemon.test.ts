// The daemon as a whole: TCP framing, admin interface, carbon outages, pickle, events,
// IPv6, and the CLI's config handling and SIGTERM flush.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { type StatsdHandle, startStatsd } from '../src/index.js';
import { adminCommand, fakeCarbon, freePort, sendUdp, sleep, waitFor } from './helpers/net.js';

const silent = pino({ level: 'silent' });
const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'statsd-daemon-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function withDaemon<T>(
  config: Record<string, unknown>,
  f: (d: StatsdHandle) => Promise<T>,
): Promise<T> {
  const d = await startStatsd(
    { address: '127.0.0.1', port: 0, mgmt_port: 0, flushInterval: 60_000, ...config },
    { logger: silent },
  );
  try {
    return await f(d);
  } finally {
    await d.close();
  }
}

function tcpSend(port: number, chunks: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = net.createConnection(port, '127.0.0.1', async () => {
      for (const ch of chunks) {
        c.write(ch);
        await sleep(20);
      }
      c.end();
    });
    c.on('close', () => resolve());
    c.on('error', reject);
  });
}

describe('TCP ingest', () => {
  it('frames on newlines across chunks and keeps an unterminated last line at close', async () => {
    await withDaemon({ servers: [{ server: './servers/tcp', address: '127.0.0.1', port: 0 }] }, async (d) => {
      await tcpSend(d.servers[0].port, ['t1:1|c\nt2:', '2|c\nt3:3|c']);
      await sleep(100);
      const out = await adminCommand(d.mgmtPort!, 'counters\n');
      expect(out).toContain('t1: 1');
      expect(out).toContain('t2: 2');
      expect(out).toContain('t3: 3');
    });
  });

  it('runs UDP and TCP servers side by side', async () => {
    await withDaemon(
      {
        servers: [
          { server: './servers/udp', address: '127.0.0.1', port: 0 },
          { server: './servers/tcp', address: '127.0.0.1', port: 0 },
        ],
      },
      async (d) => {
        await sendUdp(d.servers[0].port, ['u:1|c']);
        await tcpSend(d.servers[1].port, ['t:1|c\n']);
        await sleep(100);
        const out = await adminCommand(d.mgmtPort!, 'counters\n');
        expect(out).toMatch(/u: 1/);
        expect(out).toMatch(/t: 1/);
      },
    );
  });
});

describe('IPv6', () => {
  it('receives UDP on ::1', async () => {
    await withDaemon({ address: '::1' }, async (d) => {
      await sendUdp(d.port, ['v6:4|c'], '::1');
      await sleep(100);
      expect(await adminCommand(d.mgmtPort!, 'counters\n')).toContain('v6: 4');
    });
  });
});

describe('admin interface', () => {
  it('answers every command in Etsy formats', async () => {
    await withDaemon({ healthStatus: 'up' }, async (d) => {
      await sendUdp(d.port, ['c1:1|c\ngrp.a:2|c\ngrp.b:3|c\ntm:5|ms\ntm:7|ms\ngg:4|g\nss:a|s\nss:b|s\nbad']);
      await sleep(100);
      const port = d.mgmtPort!;
      expect(await adminCommand(port, 'help\n')).toBe(
        'Commands: stats, counters, timers, gauges, sets, delcounters, deltimers, delgauges, delsets, health, config, quit\n\n',
      );
      expect(await adminCommand(port, 'timers\n')).toBe('{ tm: [ 5, 7 ] }\nEND\n\n');
      expect(await adminCommand(port, 'gauges\n')).toBe('{ gg: 4 }\nEND\n\n');
      expect(await adminCommand(port, 'sets\n')).toBe("{ ss: [ 'a', 'b' ] }\nEND\n\n");
      const counters = await adminCommand(port, 'counters\n');
      expect(counters).toContain("'statsd.bad_lines_seen': 1");
      expect(counters).toContain("'grp.a': 2");
      const stats = await adminCommand(port, 'stats\n');
      expect(stats).toMatch(/^uptime: \d+\nmessages\.last_msg_seen: \d+\nmessages\.bad_lines_seen: 1\n/);
      expect(stats).toContain('graphite.flush_length: 0\n');
      expect(stats.endsWith('END\n\n')).toBe(true);
      expect(await adminCommand(port, 'delcounters c1 nope grp.*\n')).toBe(
        'deleted: c1\nmetric nope not found\ndeleted: grp.a\ndeleted: grp.b\nEND\n\n',
      );
      expect(await adminCommand(port, 'delsets ss\n')).toBe('deleted: ss\nEND\n\n');
      expect(await adminCommand(port, 'health\n')).toBe('health: up\n');
      expect(await adminCommand(port, 'health down\n')).toBe('health: down\n');
      expect(await adminCommand(port, 'health\r\n')).toBe('health: down\n');
      expect(await adminCommand(port, 'health UP\n')).toBe('health: up\n');
      expect(await adminCommand(port, 'bogus\n')).toBe('ERROR\n');
      const config = await adminCommand(port, 'config\n');
      expect(config).toContain('\nflushInterval: 60000\n');
      expect(config).toContain('gaugesMaxTTL: 1\n');
      expect(await adminCommand(port, 'quit\n')).toBe('');
    });
  });
});

describe('carbon output', () => {
  it('keeps flushes across a carbon outage and sends them when carbon is back', async () => {
    const port = await freePort();
    await withDaemon(
      { graphiteHost: '127.0.0.1', graphitePort: port, graphite: { legacyNamespace: false } },
      async (d) => {
        await sendUdp(d.port, ['during.outage:5|c']);
        await sleep(50);
        await d.flush();
        await sleep(300);
        const carbon = await fakeCarbon(port);
        try {
          await sendUdp(d.port, ['after.outage:1|c']);
          await sleep(50);
          await d.flush();
          await waitFor(
            () => carbon.lines.some((l) => l.startsWith('stats.counters.after.outage.count 1 ')),
            5000,
            'lines',
          );
          expect(carbon.lines.some((l) => l.startsWith('stats.counters.during.outage.count 5 '))).toBe(true);
        } finally {
          await carbon.close();
        }
      },
    );
  });

  it('drops the oldest data when the queue is full and reports it', async () => {
    const port = await freePort();
    await withDaemon(
      {
        graphiteHost: '127.0.0.1',
        graphitePort: port,
        graphiteMaxQueueBytes: 2000,
        graphite: { legacyNamespace: false },
      },
      async (d) => {
        await sendUdp(d.port, [Array.from({ length: 50 }, (_, i) => `k${i}:1|c`).join('\n')]);
        await sleep(50);
        await d.flush();
        await d.flush();
        const carbon = await fakeCarbon(port);
        try {
          await d.flush();
          await waitFor(
            () => carbon.lines.some((l) => /graphiteStats\.dropped_lines [1-9]/.test(l)),
            5000,
            'drops',
          );
        } finally {
          await carbon.close();
        }
      },
    );
  });

  it('bounds memory when carbon accepts but never reads', async () => {
    const stalled = new Set<net.Socket>();
    const server = net.createServer((c) => {
      c.pause();
      stalled.add(c);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as net.AddressInfo).port;
    try {
      await withDaemon(
        {
          graphiteHost: '127.0.0.1',
          graphitePort: port,
          graphiteMaxQueueBytes: 256 * 1024,
          graphite: { legacyNamespace: false },
        },
        async (d) => {
          const keys = Array.from({ length: 2000 }, (_, i) => `slow.key.with.a.long.name.${i}:1|c`);
          for (let i = 0; i < keys.length; i += 50) await sendUdp(d.port, [keys.slice(i, i + 50).join('\n')]);
          await sleep(100);
          for (let i = 0; i < 60; i++) await d.flush();
          const stats = await adminCommand(d.mgmtPort!, 'stats\n');
          const dropped = Number(/graphite\.dropped_lines: (\d+)/.exec(stats)?.[1]);
          const queued = Number(/graphite\.queued_bytes: (\d+)/.exec(stats)?.[1]);
          expect(dropped).toBeGreaterThan(0);
          // What the kernel socket buffers took plus our bounded queue: nowhere near 60 flushes.
          expect(queued).toBeLessThan(2 * 256 * 1024);
        },
      );
    } finally {
      for (const c of stalled) c.destroy();
      server.close();
    }
  });

  it('speaks the pickle protocol (decoded by CPython)', async () => {
    const carbon = await fakeCarbon();
    try {
      await withDaemon(
        {
          graphiteHost: '127.0.0.1',
          graphitePicklePort: carbon.port,
          graphiteProtocol: 'pickle',
          graphite: { legacyNamespace: false },
        },
        async (d) => {
          await sendUdp(d.port, ['pk.a:3|c\npk.t:2|ms|#env:prod']);
          await sleep(50);
          await d.flush();
          await waitFor(() => carbon.raw.length > 0, 3000, 'pickle data');
          await sleep(100);
        },
      );
      const data = Buffer.concat(carbon.raw);
      const { execFileSync } = await import('node:child_process');
      const script = [
        'import pickle, struct, sys',
        'data = sys.stdin.buffer.read()',
        'i = 0',
        'while i < len(data):',
        '    (n,) = struct.unpack("!L", data[i:i+4])',
        '    for path, (ts, v) in pickle.loads(data[i+4:i+4+n]):',
        '        print(path, v)',
        '    i += 4 + n',
      ].join('\n');
      const out = execFileSync('/usr/bin/python3', ['-c', script], { input: data }).toString();
      expect(out).toContain('stats.counters.pk.a.count 3\n');
      expect(out).toContain('stats.timers.pk.t.upper;env=prod 2\n');
    } finally {
      await carbon.close();
    }
  });

  it('posts DogStatsD events to the graphite events API', async () => {
    const received: unknown[] = [];
    const web = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        received.push({ method: req.method, url: req.url, body: JSON.parse(body) });
        res.writeHead(200).end('{}');
      });
    });
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', () => r()));
    const webPort = (web.address() as net.AddressInfo).port;
    const carbon = await fakeCarbon();
    try {
      await withDaemon(
        { graphiteHost: '127.0.0.1', graphitePort: carbon.port, graphiteWebPort: webPort },
        async (d) => {
          await sendUdp(d.port, ['_e{6,6}:Deploy|v1.2.3|d:1700000000|t:info|#env:prod']);
          await waitFor(() => received.length > 0, 3000, 'event');
        },
      );
      expect(received[0]).toEqual({
        method: 'POST',
        url: '/events/',
        body: { what: 'Deploy', tags: ['env:prod', 'alert_type:info'], data: 'v1.2.3', when: 1700000000 },
      });
    } finally {
      await carbon.close();
      web.close();
    }
  });
});

describe('CLI', () => {
  it('reads an Etsy JS-literal config, prints server is up, flushes the partial interval on SIGTERM', async () => {
    const carbon = await fakeCarbon();
    const port = await freePort();
    const cfg = join(tmp, 'etsy.js');
    writeFileSync(
      cfg,
      `/* Etsy-style config: comments, unquoted keys, leading commas */
{ graphitePort: ${carbon.port}
, graphiteHost: "127.0.0.1"
, port: ${port}
, mgmt_port: 0
, address: '127.0.0.1'
, flushInterval: 60000 // long: only the shutdown flush will happen
, percentThreshold: [90, -10]
, graphite: { legacyNamespace: false, globalSuffix: \`sfx\` }
, backends: [ "./backends/graphite" ]
}
`,
    );
    const child = spawn(process.execPath, [CLI, cfg], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, STATSD_PROMETHEUS_PORT: '0' },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    try {
      await waitFor(() => out.includes('server is up'), 10_000, 'server is up');
      await sendUdp(port, ['cli.count:7|c']);
      await sleep(100);
      const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGTERM');
      expect(await exit).toBe(0);
      await waitFor(
        () => carbon.lines.some((l) => l.startsWith('stats.counters.cli.count.count.sfx 7 ')),
        3000,
        'shutdown flush',
      );
      expect(JSON.parse(out.split('\n').find((l) => l.includes('server is up'))!).name).toBe('statsd');
    } finally {
      child.kill('SIGKILL');
      await carbon.close();
    }
  });

  it('runs with the launcher env only: UDP and TCP ingest, Graphite and /metrics, SIGINT flush', async () => {
    const carbon = await fakeCarbon();
    const port = await freePort();
    const promPort = await freePort();
    const child = spawn(process.execPath, [CLI], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        STATSD_BIND: '127.0.0.1',
        STATSD_PORT: String(port),
        STATSD_MGMT_PORT: '0',
        STATSD_GRAPHITE_HOST: '127.0.0.1',
        STATSD_GRAPHITE_PORT: String(carbon.port),
        STATSD_PROMETHEUS_PORT: String(promPort),
        STATSD_FLUSH_INTERVAL: '60000',
      },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    try {
      await waitFor(() => out.includes('server is up'), 10_000, 'server is up');
      await sendUdp(port, ['env.udp:2|c']);
      await tcpSend(port, ['env.tcp:3|c\n']);
      await sleep(100);
      const metrics = await (await fetch(`http://127.0.0.1:${promPort}/metrics`)).text();
      expect(metrics).toContain('\nenv_udp 2\n');
      expect(metrics).toContain('\nenv_tcp 3\n');
      const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGINT');
      expect(await exit).toBe(0);
      await waitFor(() => carbon.lines.some((l) => l.startsWith('stats_counts.env.tcp 3 ')), 3000, 'flush');
      expect(carbon.lines.some((l) => l.startsWith('stats_counts.env.udp 2 '))).toBe(true);
    } finally {
      child.kill('SIGKILL');
      await carbon.close();
    }
  });

  it('refuses configs that would need evaluation', async () => {
    const cfg = join(tmp, 'evil.js');
    writeFileSync(cfg, `{ graphiteHost: require('os').hostname(), port: 0 }\n`);
    const child = spawn(process.execPath, [CLI, cfg], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    try {
      const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
      expect(code).toBe(1);
      expect(out).toContain('CallExpression is not allowed');
    } finally {
      // a regression would leave a daemon on Etsy's default ports behind
      child.kill('SIGKILL');
    }
  });

  it('takes env overrides and YAML configs; flags beat env', async () => {
    const cfg = join(tmp, 'c.yaml');
    writeFileSync(cfg, 'port: 1\nmgmt_port: 0\nflushInterval: 60000\nbackends: []\n');
    const port = await freePort();
    const promPort = await freePort();
    const child = spawn(process.execPath, [CLI, cfg, '--port', String(port)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        STATSD_PORT: '2',
        STATSD_BIND: '127.0.0.1',
        STATSD_PROMETHEUS_PORT: String(promPort),
      },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    try {
      await waitFor(() => out.includes('server is up'), 10_000, 'server is up');
      expect(out).toContain(`udp://127.0.0.1:${port}`);
      const res = await fetch(`http://127.0.0.1:${promPort}/health`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('up\n');
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });
});
