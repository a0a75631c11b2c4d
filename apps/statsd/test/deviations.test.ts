// Where we intentionally differ from Etsy statsd (docs/statsd.md lists them). Each case
// states what Etsy does and asserts what we do; the crash cases also run against Etsy.

import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { Aggregator } from '../src/aggregator.js';
import { EtsyLineParser } from '../src/parse-line.js';
import { startEtsy } from './helpers/etsy.js';
import { type FakeCarbon, fakeCarbon, freePort, sendUdp, sleep, waitFor } from './helpers/net.js';

function ingest(lines: string[]) {
  const agg = new Aggregator({
    prefixStats: 'statsd',
    deleteCounters: false,
    deleteTimers: false,
    deleteSets: false,
    deleteGauges: false,
    gaugesMaxTTL: 1,
  });
  const events: unknown[] = [];
  const checks: unknown[] = [];
  const p = new EtsyLineParser(agg, true, {
    onEvent: (e) => events.push(e),
    onServiceCheck: (c) => checks.push(c),
  });
  for (const l of lines) p.handlePacket(l);
  agg.syncInternal();
  return { agg, p, events, checks, bad: agg.counters.get('statsd.bad_lines_seen') };
}

describe('deviations from Etsy statsd', () => {
  it('sorts tags so one tag set is one bucket', () => {
    const { agg } = ingest(['x:1|c|#b:2,a:1', 'x:2|c|#a:1,b:2', 'y;z=1;a=2:1|c']);
    expect(agg.counters.get('x;a=1;b=2')).toBe(3);
    expect(agg.counters.get('y;a=2;z=1')).toBe(1);
  });

  it('writes valueless tags as tag=true and drops empty tags and values (carbon rejects them)', () => {
    const { agg } = ingest([
      'v:1|c|#role,env:prod',
      'w:1|c|#a:1,,b:2',
      'e:1|c|#k:',
      'n;:1|c',
      'val:1|c|#val;1',
    ]);
    expect(agg.counters.get('v;env=prod;role=true')).toBe(1);
    expect(agg.counters.get('w;a=1;b=2')).toBe(1);
    expect(agg.counters.get('e')).toBe(1);
    expect(agg.counters.get('n')).toBe(1);
    expect(agg.counters.get('val;val_1=true')).toBe(1);
  });

  it('understands DogStatsD container id, timestamp and other extension fields', () => {
    const { agg, bad } = ingest([
      'full:5|ms|@0.5|#env:prod,role:web|c:abc123|T1656581400',
      'e1:1|c|c:abc',
      'e2:1|c|T1656581400',
      'e3:2|g|card:low|e:it-false',
    ]);
    expect(agg.timers.get('full;env=prod;role=web')).toEqual([5]);
    expect(agg.timerCounters.get('full;env=prod;role=web')).toBe(2);
    expect(agg.counters.get('e1')).toBe(1);
    expect(agg.counters.get('e2')).toBe(1);
    expect(agg.gauges.get('e3')).toBe(2);
    expect(bad).toBe(0);
  });

  it('keeps the multi-value form where a field looks like an extension', () => {
    const { agg } = ingest(['m:1|ms:2|c:3|c']);
    expect(agg.timers.get('m')).toEqual([1]);
    expect(agg.counters.get('m')).toBe(5);
  });

  it('parses events and service checks instead of counting them as bad lines', () => {
    const { events, checks, bad, p } = ingest([
      '_e{5,4}:title|text',
      '_e{6,12}:Deploy|line1\\nline2|d:1700000000|h:web1|p:low|t:warning|#env:prod,svc',
      '_sc|db.up|0|d:1700000000|h:db1|#env:prod|m:all good m\\: fine',
      '_e{50,4}:short|text',
      '_sc|x|9',
    ]);
    expect(events).toEqual([
      { title: 'title', text: 'text', tags: [] },
      {
        title: 'Deploy',
        text: 'line1\nline2',
        timestamp: 1700000000,
        hostname: 'web1',
        priority: 'low',
        alertType: 'warning',
        tags: ['env:prod', 'svc'],
      },
    ]);
    expect(checks).toEqual([
      {
        name: 'db.up',
        status: 0,
        timestamp: 1700000000,
        hostname: 'db1',
        tags: ['env:prod'],
        message: 'all good m: fine',
      },
    ]);
    expect(p.stats.events).toBe(2);
    expect(p.stats.serviceChecks).toBe(1);
    expect(bad).toBe(2);
  });

  it('keeps Object.prototype names as ordinary buckets', () => {
    const { agg } = ingest([
      'toString:1|ms',
      '__proto__:1|c',
      'constructor:2|c',
      'hasOwnProperty:3|g',
      'valueOf:x|s',
    ]);
    expect(agg.timers.get('toString')).toEqual([1]);
    expect(agg.counters.get('__proto__')).toBe(1);
    expect(agg.counters.get('constructor')).toBe(2);
    expect(agg.gauges.get('hasOwnProperty')).toBe(3);
    expect(agg.sets.get('valueOf')?.size).toBe(1);
  });

  it('counts rates that crash Etsy as bad lines', () => {
    const { agg, bad } = ingest(['r1:1|c|@+0.5', 'r2:1|c|@ 0.5', 'r3:1|ms|@Infinity', 'ok:1|c']);
    expect(bad).toBe(3);
    expect(agg.counters.get('ok')).toBe(1);
    expect(agg.counters.has('r1')).toBe(false);
  });

  describe('inputs that kill Etsy statsd 0.9.0', () => {
    const carbons: FakeCarbon[] = [];
    afterAll(async () => {
      for (const c of carbons) await c.close();
    });
    for (const line of ['crash:1|c|@+0.5', 'toString:1|ms']) {
      it(`Etsy exits on ${JSON.stringify(line)}; we count it and go on`, async () => {
        const carbon = await fakeCarbon();
        carbons.push(carbon);
        const port = await freePort();
        const mgmt = await freePort();
        const etsy = await startEtsy({
          port,
          mgmt_port: mgmt,
          graphiteHost: '127.0.0.1',
          graphitePort: carbon.port,
        });
        try {
          const exited = new Promise<number | null>((r) => etsy.proc.once('exit', (code) => r(code)));
          await sendUdp(port, [line]);
          const code = await Promise.race([exited, sleep(3000).then(() => 'alive' as const)]);
          expect(code).toBe(1);
        } finally {
          await etsy.stop();
        }
        const { startStatsd } = await import('../src/index.js');
        const ours = await startStatsd(
          {
            address: '127.0.0.1',
            port: 0,
            mgmt_port: 0,
            graphiteHost: '127.0.0.1',
            graphitePort: carbon.port,
          },
          { logger: pino({ level: 'silent' }) },
        );
        try {
          await sendUdp(ours.port, [line, 'after:1|c']);
          await sleep(100);
        } finally {
          await ours.close();
        }
        await waitFor(
          () => carbon.lines.some((l) => l.startsWith('stats_counts.after 1 ')),
          3000,
          'our flush',
        );
      });
    }
  });
});
