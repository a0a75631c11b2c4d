import { createHash } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MetricNameError, parseMetric, resolveUnder } from '../src/names.js';

describe('metric names to whisper paths', () => {
  it('maps dotted names like carbon', () => {
    expect(parseMetric('a.b.c').relPath).toBe('a/b/c.wsp');
    expect(parseMetric('stats.timers.api.upper_90').relPath).toBe('stats/timers/api/upper_90.wsp');
    expect(parseMetric('caf\u00e9.x').relPath).toBe('caf\u00e9/x.wsp');
  });

  it('normalises tagged names and uses carbon 1.1 hashed paths', () => {
    const p = parseMetric('disk.used;server=web01;datacenter=dc1;rack=a1');
    expect(p.metric).toBe('disk.used;datacenter=dc1;rack=a1;server=web01');
    const h = createHash('sha256').update(p.metric).digest('hex');
    expect(p.relPath).toBe(`_tagged/${h.slice(0, 3)}/${h.slice(3, 6)}/${h}.wsp`);
    expect(p.tags).toEqual({ name: 'disk.used', datacenter: 'dc1', rack: 'a1', server: 'web01' });
    const om = parseMetric('http_requests{method="GET",code="200"}');
    expect(om.metric).toBe('http_requests;code=200;method=GET');
    expect(parseMetric('~~x;a=b').metric).toBe('x;a=b');
    expect(parseMetric('m{a="q\\"uote"}').metric).toBe('m;a=q"uote');
  });

  it('rejects invalid tags like carbon 1.1.7', () => {
    for (const bad of ['x;=v', 'x;k=', 'x;k', 'x;k!=v', 'x;k=~v', ';k=v', '~;k=v', 'x;a^b=c']) {
      expect(() => parseMetric(bad), bad).toThrow(MetricNameError);
    }
  });

  it('never produces a path outside the root', () => {
    const root = '/data/whisper';
    const attempts = [
      '../../etc/passwd',
      '..',
      '.',
      'a..b',
      '.a',
      'a.',
      '/etc/passwd',
      'a/../../b',
      'a\u0000b',
      'a\nb',
      '',
      'x'.repeat(300),
      `${'x.'.repeat(3000)}x`,
      '..;a=b',
      '../x;a=../../y',
    ];
    for (const raw of attempts) {
      let file: string | undefined;
      try {
        file = resolveUnder(root, parseMetric(raw).relPath);
      } catch (e) {
        expect(e).toBeInstanceOf(MetricNameError);
        continue;
      }
      expect(file.startsWith(root + path.sep), raw).toBe(true);
      expect(path.normalize(file)).toBe(file);
    }
  });

  it('random names either map inside the root or are refused', () => {
    const alphabet = ['a', '.', '/', '\\', '\u0000', ';', '=', '~', '{', '}', '"', ' ', 'é', '..'];
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 48271) % 2147483647;
      return seed % n;
    };
    for (let i = 0; i < 5000; i++) {
      let raw = '';
      const len = 1 + rnd(12);
      for (let k = 0; k < len; k++) raw += alphabet[rnd(alphabet.length)];
      try {
        const file = resolveUnder('/r', parseMetric(raw).relPath);
        expect(file.startsWith('/r/')).toBe(true);
        expect(file.split('/').includes('..')).toBe(false);
      } catch (e) {
        expect(e).toBeInstanceOf(MetricNameError);
      }
    }
  });
});
