// Real clients: hot-shots (Node) and Debian's python3-statsd. What they put on the wire is
// captured and replayed to Etsy statsd and to us (identical flushes expected), and each
// client also sends live to our daemon.

import { execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import StatsD from 'hot-shots';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { startStatsd } from '../src/index.js';
import { runSideBySide } from './helpers/differential.js';
import { fakeCarbon, sleep, waitFor } from './helpers/net.js';

/** Listens on a UDP port and collects the datagrams a client sends. */
async function capture(send: (port: number) => Promise<void>): Promise<string[]> {
  const sock = dgram.createSocket('udp4');
  const got: string[] = [];
  sock.on('message', (m) => got.push(m.toString()));
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  await send(sock.address().port);
  await sleep(200);
  sock.close();
  return got;
}

async function hotShots(port: number): Promise<void> {
  const c = new StatsD({ host: '127.0.0.1', port, prefix: 'hs.', errorHandler: () => {} });
  const done = (f: (cb: () => void) => void) => new Promise<void>((r) => f(() => r()));
  await done((cb) => c.increment('requests', 1, cb));
  await done((cb) => c.increment('requests', 5, cb));
  await done((cb) => c.decrement('requests', 2, cb));
  await done((cb) => c.increment('sampled', 1, 0.999999, cb));
  await done((cb) => c.timing('latency', 42, cb));
  await done((cb) => c.timing('latency', 58.5, cb));
  await done((cb) => c.histogram('size', 512, cb));
  await done((cb) => c.distribution('dist', 3, cb));
  await done((cb) => c.gauge('temp', 21.5, cb));
  await done((cb) => c.gaugeDelta('temp', -1.5, cb));
  await done((cb) => c.set('users', 'alice', cb));
  await done((cb) => c.set('users', 'bob', cb));
  await done((cb) => c.set('users', 'alice', cb));
  await done((cb) => c.increment('tagged', 1, ['env:prod', 'region:eu'], cb));
  await done((cb) => c.timing('tagged.latency', 7, ['env:prod'], cb));
  await new Promise<void>((r) => c.close(() => r()));
}

function pythonStatsd(port: number): Promise<void> {
  const script = `
import statsd
c = statsd.StatsClient('127.0.0.1', ${port}, prefix='py')
c.incr('requests')
c.incr('requests', 4)
c.decr('requests')
c.timing('latency', 12.345)
c.timing('latency', 100)
c.gauge('temp', 20)
c.gauge('temp', 3, delta=True)
c.gauge('neg', -7)
c.set('users', 'carol')
c.set('users', 'dave')
with c.pipeline() as p:
    p.incr('piped', 2)
    p.timing('piped.t', 5)
    p.gauge('piped.g', 1.25)
`;
  execFileSync('/usr/bin/python3', ['-c', script]);
  return Promise.resolve();
}

describe.concurrent('real clients', () => {
  it('hot-shots output flushes identically on Etsy statsd and ours', { timeout: 120_000 }, async () => {
    const packets = await capture(hotShots);
    expect(packets.join('\n')).toContain('hs.tagged:1|c|#env:prod,region:eu');
    const r = await runSideBySide({ graphite: { legacyNamespace: false } }, packets);
    expect(r.ours[0]).toEqual(r.etsy[0]);
    expect(r.ours[0]).toEqual(
      expect.arrayContaining([
        'stats.counters.hs.requests.count 4',
        'stats.timers.hs.latency.mean 50.25',
        'stats.gauges.hs.temp 20',
        'stats.sets.hs.users.count 2',
        'stats.counters.hs.tagged.count;env=prod;region=eu 1',
      ]),
    );
  });

  it('python3-statsd output flushes identically on Etsy statsd and ours', { timeout: 120_000 }, async () => {
    const packets = await capture(pythonStatsd);
    expect(packets.join('\n')).toContain('py.latency:12.345000|ms');
    const r = await runSideBySide({ graphite: { legacyNamespace: false } }, packets);
    expect(r.ours[0]).toEqual(r.etsy[0]);
    expect(r.ours[0]).toEqual(
      expect.arrayContaining([
        'stats.counters.py.requests.count 4',
        'stats.gauges.py.temp 23',
        'stats.gauges.py.neg -7',
        'stats.counters.py.piped.count 2',
        'stats.sets.py.users.count 2',
      ]),
    );
  });

  it('both clients send live to our daemon', async () => {
    const carbon = await fakeCarbon();
    const d = await startStatsd(
      {
        address: '127.0.0.1',
        port: 0,
        mgmt_port: 0,
        flushInterval: 60_000,
        graphiteHost: '127.0.0.1',
        graphitePort: carbon.port,
      },
      { logger: pino({ level: 'silent' }) },
    );
    try {
      await hotShots(d.port);
      await pythonStatsd(d.port);
      await sleep(100);
      await d.flush();
      await waitFor(() => carbon.lines.some((l) => l.startsWith('stats_counts.py.piped 2 ')), 3000, 'flush');
      expect(carbon.lines.some((l) => l.startsWith('stats_counts.hs.requests 4 '))).toBe(true);
      expect(carbon.lines.some((l) => l.startsWith('stats.timers.py.latency.upper 100 '))).toBe(true);
    } finally {
      await d.close();
      await carbon.close();
    }
  });
});
