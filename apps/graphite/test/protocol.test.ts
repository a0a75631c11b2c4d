import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { MetricCache } from '../src/cache.js';
import { expandBraces } from '../src/finder.js';
import { globMatcher } from '../src/glob.js';
import { Ingest } from '../src/ingest.js';
import { parseLine } from '../src/line-protocol.js';
import { pickleToPoints } from '../src/receivers.js';
import {
  creationFor,
  DEFAULT_AGGREGATION_CONF,
  DEFAULT_SCHEMAS_CONF,
  parseAggregation,
  parseSchemas,
} from '../src/schemas.js';

describe('plaintext line parsing (carbon rules)', () => {
  it('accepts Python float syntax and exactly three fields', () => {
    expect(parseLine('a.b 1.5 1700000000')).toEqual(['a.b', 1700000000, 1.5]);
    expect(parseLine('  a.b\t1_000\t1700000000.9 \r')).toEqual(['a.b', 1700000000.9, 1000]);
    expect(parseLine('a nan 1')?.[2]).toBeNaN();
    expect(parseLine('a -Infinity 1')?.[2]).toBe(-Infinity);
    expect(parseLine('a +.5 1e9')).toEqual(['a', 1e9, 0.5]);
    for (const bad of ['', 'a 1', 'a 1 2 3', 'a x 1', 'a 1 x', 'a 1_ 1', 'a 0x10 1', 'a 1..2 1']) {
      expect(parseLine(bad), bad).toBeUndefined();
    }
  });

  it('never throws on random input', () => {
    let seed = 3;
    const rnd = (n: number) => {
      seed = (seed * 48271) % 2147483647;
      return seed % n;
    };
    const chars = 'ab.1 \t-+e_nainf;=\u00e9\u0000\r';
    for (let i = 0; i < 20000; i++) {
      let s = '';
      for (let k = rnd(30); k > 0; k--) s += chars[rnd(chars.length)];
      const r = parseLine(s);
      if (r) expect(r).toHaveLength(3);
    }
  });
});

describe('ingest pipeline', () => {
  const make = (max = Infinity) => {
    const cache = new MetricCache(max);
    const ingest = new Ingest({
      cache,
      log: pino({ level: 'silent' }),
      minTimestampResolution: 1,
      now: () => 1700000123.7,
    });
    return { cache, ingest };
  };

  it('drops NaN, maps -1 to now, floors timestamps, keeps the last value per timestamp', () => {
    const { cache, ingest } = make();
    ingest.accept([
      ['a', 1700000000.9, 1],
      ['a', 1700000000.2, 2],
      ['a', -1, 3],
      ['a', 1700000010, Number.NaN],
      ['b;x=1', 5, Infinity],
      ['../evil', 5, 1],
    ]);
    expect(cache.get('a')).toEqual([
      [1700000000, 2],
      [1700000123, 3],
    ]);
    expect(cache.get('b;x=1')).toEqual([[5, Infinity]]);
    expect(ingest.stats).toMatchObject({ metricsReceived: 4, nanDropped: 1, invalidNames: 1 });
  });

  it('bounds the cache (overflow counted) and keeps popped points readable until confirmed', () => {
    const { cache, ingest } = make(3);
    ingest.accept([
      ['a', 1, 1],
      ['a', 2, 2],
      ['b', 1, 1],
      ['b', 2, 2],
      ['a', 1, 9],
    ]);
    expect(cache.size).toBe(3);
    expect(cache.stats.overflow).toBe(1);
    expect(cache.get('a')).toEqual([
      [1, 9],
      [2, 2],
    ]);
    const taken = cache.take('a');
    expect([...taken]).toEqual([1, 9, 2, 2]);
    expect(cache.size).toBe(1);
    // in flight to the writer, the points stay readable until confirmed
    expect(cache.get('a')).toEqual([
      [1, 9],
      [2, 2],
    ]);
    cache.confirm('a', taken);
    expect(cache.get('a')).toEqual([]);
  });

  it('notifies subscribers with each accepted batch', () => {
    const { cache, ingest } = make();
    const seen: Array<[string, number]> = [];
    const off = cache.subscribe((m, pts) => seen.push([m, pts.length]));
    ingest.accept([
      ['a', 1, 1],
      ['a', 2, 1],
      ['b', 1, 1],
    ]);
    off();
    ingest.accept([['a', 3, 1]]);
    expect(seen).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
  });

  it('onPending: once when an idle metric gets points, not while points wait or are in flight', () => {
    const { cache, ingest } = make();
    const seen: string[] = [];
    cache.onPending = (m) => seen.push(m);
    ingest.accept([
      ['a', 1, 1],
      ['a', 2, 1],
      ['b', 1, 1],
    ]);
    ingest.accept([['a', 3, 1]]); // still pending
    expect(seen).toEqual(['a', 'b']);
    const batch = cache.take('a');
    expect(cache.hasPending('a')).toBe(false);
    ingest.accept([['a', 4, 1]]); // a batch is in flight: not idle
    expect(seen).toEqual(['a', 'b']);
    expect(cache.hasPending('a')).toBe(true);
    cache.confirm('a', batch);
    cache.confirm('a', cache.take('a'));
    ingest.accept([['a', 5, 1]]); // idle again
    expect(seen).toEqual(['a', 'b', 'a']);
  });

  it('sorted write order: biggest queues first', () => {
    const { cache, ingest } = make();
    ingest.accept([
      ['small', 1, 1],
      ['big', 1, 1],
      ['big', 2, 1],
      ['mid', 1, 1],
    ]);
    expect(cache.writeOrder()[0]).toBe('big');
  });
});

describe('pickle payloads', () => {
  it('takes (name, (ts, value)) items, string values, skips malformed ones', () => {
    const bad: string[] = [];
    const pts = pickleToPoints(
      [
        ['a', [1, 2]],
        ['b', [1, '3.5']],
        ['c', [1]],
        ['d', [1, 'x']],
        [5, [1, 2]],
        'junk',
        [new TextEncoder().encode('bytes.name'), [1, 2]],
      ],
      (m) => bad.push(m),
    );
    expect(pts).toEqual([
      ['a', 1, 2],
      ['b', 1, 3.5],
      ['bytes.name', 1, 2],
    ]);
    expect(bad.length).toBe(3);
    expect(pickleToPoints({ not: 'a list' }, (m) => bad.push(m))).toEqual([]);
  });
});

describe('storage-schemas and storage-aggregation', () => {
  const rules = {
    schemas: parseSchemas(DEFAULT_SCHEMAS_CONF),
    aggregation: parseAggregation(DEFAULT_AGGREGATION_CONF),
  };
  it('first match wins, docker-graphite-statsd defaults', () => {
    expect(creationFor(rules, 'carbon.agents.x.cpuUsage').archives).toEqual([
      { secondsPerPoint: 10, points: 2160 },
      { secondsPerPoint: 60, points: 129600 },
    ]);
    expect(creationFor(rules, 'stats.timers.x.upper_90')).toMatchObject({
      aggregationMethod: 'max',
      xFilesFactor: 0.1,
    });
    expect(creationFor(rules, 'stats.timers.x.lower')).toMatchObject({ aggregationMethod: 'min' });
    expect(creationFor(rules, 'stats_counts.x')).toMatchObject({ aggregationMethod: 'sum', xFilesFactor: 0 });
    expect(creationFor(rules, 'stats.x')).toMatchObject({ aggregationMethod: 'average', xFilesFactor: 0.3 });
    expect(creationFor(rules, 'stats.x').archives.map((a) => a.points)).toEqual([2160, 8640, 259200]);
  });
  it('carbon.conf syntax details: case-insensitive keys, colon separators, comments, fallback', () => {
    const s = parseSchemas('# c\n[a]\nPATTERN: ^x\\.\nRetentions = 1m:1d\n\n[broken]\npattern = y\n');
    expect(s.map((x) => x.name)).toEqual(['a', 'default']);
    expect(s[1].archives).toEqual([{ secondsPerPoint: 60, points: 10080 }]);
    // whisper's units ("min") are stored as whisper reads them; carbon's refusal is a warning.
    // An invalid archive list (same precision twice) drops the section, as carbon does.
    const warnings: string[] = [];
    const lenient = parseSchemas(
      '[m]\npattern = ^m\\.\nretentions = 1min:1d\n[bad]\npattern = b\nretentions = 1m:1d,60:100\n',
      {
        warn: (m) => warnings.push(m),
      },
    );
    expect(lenient.map((x) => [x.name, x.archives])).toEqual([
      ['m', [{ secondsPerPoint: 60, points: 1440 }]],
      ['default', [{ secondsPerPoint: 60, points: 10080 }]],
    ]);
    expect(warnings).toEqual([
      expect.stringMatching(/^storage-schemas: \[m\] carbon-cache would refuse 1min:1d: /),
      expect.stringMatching(
        /^Invalid schemas found in bad: A Whisper database may not be configured having two archives with the same precision/,
      ),
    ]);
    const a = parseAggregation(
      '[x]\npattern = \\.p$\nxFilesFactor = 2\n[y]\npattern = .*\naggregationMethod = bogus\n',
    );
    expect(a).toEqual([]);
  });
});

describe('globs', () => {
  it('per-node *, ?, [..], [!..], {a,b}', () => {
    const m = (p: string, n: string) => globMatcher(p)(n);
    expect(m('a.*.c', 'a.b.c')).toBe(true);
    expect(m('a.*', 'a.b.c')).toBe(false);
    expect(m('a.b?', 'a.bc')).toBe(true);
    expect(m('a.[b-d]x', 'a.cx')).toBe(true);
    expect(m('a.[!b-d]x', 'a.cx')).toBe(false);
    expect(m('cpu-{user,sys}*', 'cpu-sys2')).toBe(true);
    expect(m('a.{b,c{d,e}}', 'a.ce')).toBe(true);
    expect(expandBraces('a.{b.c,d}.e')).toEqual(['a.b.c.e', 'a.d.e']);
  });
});
