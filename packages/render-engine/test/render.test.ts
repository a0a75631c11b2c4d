import { describe, expect, it } from 'vitest';
import { handleRender, RenderCache } from '../src/index.js';
import { MemoryStorage } from './helpers/memory-storage.js';

const NOW = 1_700_000_000 - (1_700_000_000 % 3600); // hour-aligned
const text = (b: string | Uint8Array) => (typeof b === 'string' ? b : Buffer.from(b).toString('utf8'));

function storage(): MemoryStorage {
  const s = new MemoryStorage();
  const start = NOW - 3600;
  const n = 60;
  s.add(
    'servers.web01.cpu',
    60,
    start,
    Array.from({ length: n }, (_, i) => i),
  );
  s.add(
    'servers.web02.cpu',
    60,
    start,
    Array.from({ length: n }, (_, i) => (i % 10 === 0 ? null : 2 * i)),
  );
  s.add(
    'servers.db01.cpu',
    60,
    start,
    Array.from({ length: n }, () => 5),
  );
  s.add(
    'disk.used;dc=eu;host=a',
    60,
    start,
    Array.from({ length: n }, () => 1),
  );
  s.add(
    'disk.used;dc=us;host=b',
    60,
    start,
    Array.from({ length: n }, () => 3),
  );
  return s;
}

async function render(params: Record<string, string | string[]>, s = storage()) {
  return handleRender({ params, now: NOW }, { storage: s });
}

describe('/render', () => {
  it('plain path JSON: whisper window, names, tags, datapoints', async () => {
    const r = await render({ target: 'servers.web01.cpu', from: '-10min', until: 'now', format: 'json' });
    expect(r.status).toBe(200);
    expect(r.contentType).toBe('application/json');
    const body = JSON.parse(text(r.body));
    expect(body).toHaveLength(1);
    expect(body[0].target).toBe('servers.web01.cpu');
    expect(body[0].tags).toEqual({ name: 'servers.web01.cpu' });
    // (from, until] aligned to the step: from = NOW-600 -> first stamp NOW-540, until NOW -> last NOW
    expect(body[0].datapoints.map((p: number[]) => p[1])).toEqual([
      NOW - 540,
      NOW - 480,
      NOW - 420,
      NOW - 360,
      NOW - 300,
      NOW - 240,
      NOW - 180,
      NOW - 120,
      NOW - 60,
      NOW,
    ]);
    expect(body[0].datapoints[0][0]).toBe(51);
    expect(body[0].datapoints[9][0]).toBe(null); // NOW itself was never written
  });

  it('writes floats like Python (1.0) and nulls as null', async () => {
    const r = await render({ target: 'servers.db01.cpu', from: '-2min', format: 'json' });
    expect(text(r.body)).toBe(
      `[{"target": "servers.db01.cpu", "tags": {"name": "servers.db01.cpu"}, "datapoints": [[5.0, ${NOW - 60}], [null, ${NOW}]]}]`,
    );
  });

  it('globs are sorted by name and sumSeries names its pathExpression', async () => {
    const r = await render({
      target: ['servers.*.cpu', 'sumSeries(servers.*.cpu)'],
      from: '-5min',
      format: 'json',
    });
    const body = JSON.parse(text(r.body));
    expect(body.map((b: { target: string }) => b.target)).toEqual([
      'servers.db01.cpu',
      'servers.web01.cpu',
      'servers.web02.cpu',
      'sumSeries(servers.*.cpu)',
    ]);
    expect(body[3].tags).toEqual({ name: 'sumSeries(servers.*.cpu)', aggregatedBy: 'sum' });
    expect(body[3].datapoints[0][0]).toBe(5 + 56 + 112);
  });

  it('an unmatched pattern yields []', async () => {
    const r = await render({ target: 'nope.*', format: 'json' });
    expect(text(r.body)).toBe('[]');
  });

  it('a bad target is a 400 naming the position', async () => {
    const r = await render({ target: 'sumSeries(a.b', format: 'json' });
    expect(r.status).toBe(400);
    expect(text(r.body)).toContain('position 13');
    const r2 = await render({ target: 'noSuchFunction(a.b)', format: 'json' });
    expect(r2.status).toBe(400);
    expect(text(r2.body)).toContain('unknown function: noSuchFunction');
  });

  it('rejects an empty time range', async () => {
    const r = await render({ target: 'a', from: 'now', until: 'now', format: 'json' });
    expect(r.status).toBe(400);
    expect(text(r.body)).toContain('Invalid empty time range');
  });

  it('jsonp, pretty and noNullPoints', async () => {
    const r = await render({
      target: 'servers.db01.cpu',
      from: '-2min',
      format: 'json',
      jsonp: 'cb',
      noNullPoints: '1',
    });
    expect(r.contentType).toBe('text/javascript');
    expect(text(r.body)).toBe(
      `cb([{"target": "servers.db01.cpu", "tags": {"name": "servers.db01.cpu"}, "datapoints": [[5.0, ${NOW - 60}]]}])`,
    );
    const p = await render({ target: 'servers.db01.cpu', from: '-1min', format: 'json', pretty: '1' });
    expect(text(p.body)).toBe(
      `[\n  {\n    "target": "servers.db01.cpu",\n    "tags": {\n      "name": "servers.db01.cpu"\n    },\n    "datapoints": [\n      [\n        null,\n        ${NOW}\n      ]\n    ]\n  }\n]`,
    );
  });

  it('jsonp is ignored without an explicit format (graphite-web)', async () => {
    const r = await render({ target: 'servers.db01.cpu', from: '-2min', rawData: '1', jsonp: 'cb' });
    expect(r.contentType).toBe('text/plain');
  });

  it('raw and csv formats', async () => {
    const r = await render({ target: 'servers.web02.cpu', from: '-3min', format: 'raw' });
    expect(text(r.body)).toBe(`servers.web02.cpu,${NOW - 120},${NOW + 60},60|116.0,118.0,None\n`);
    const c = await render({ target: 'servers.web02.cpu', from: '-3min', format: 'csv' });
    const d = (t: number) => new Date(t * 1000).toISOString().replace('T', ' ').slice(0, 19);
    expect(text(c.body)).toBe(
      `servers.web02.cpu,${d(NOW - 120)},116.0\r\nservers.web02.cpu,${d(NOW - 60)},118.0\r\nservers.web02.cpu,${d(NOW)},\r\n`,
    );
  });

  it('dygraph and rickshaw formats', async () => {
    const r = await render({ target: 'servers.db01.cpu', from: '-2min', format: 'dygraph' });
    expect(text(r.body)).toBe(
      `{"labels" : ["Time", "servers.db01.cpu"], "data" : [[${NOW - 60}000, 5.0], [${NOW}000, null]]}`,
    );
    const k = await render({ target: 'servers.db01.cpu', from: '-2min', format: 'rickshaw' });
    expect(JSON.parse(text(k.body))).toEqual([
      {
        target: 'servers.db01.cpu',
        datapoints: [
          { x: NOW - 60, y: 5 },
          { x: NOW, y: null },
        ],
      },
    ]);
    const e = await render({ target: 'nothing', format: 'dygraph' });
    expect(text(e.body)).toBe('{}');
  });

  it('pickle and msgpack formats are binary lists of series dicts', async () => {
    const p = await render({ target: 'servers.db01.cpu', from: '-2min', format: 'pickle' });
    expect(p.contentType).toBe('application/pickle');
    const bytes = p.body as Uint8Array;
    expect(bytes[0]).toBe(0x80);
    expect(bytes[bytes.length - 1]).toBe(0x2e);
    const m = await render({ target: 'servers.db01.cpu', from: '-2min', format: 'msgpack' });
    const { decode } = await import('@msgpack/msgpack');
    expect(decode(m.body as Uint8Array)).toEqual([
      {
        name: 'servers.db01.cpu',
        start: NOW - 60,
        end: NOW + 60,
        step: 60,
        values: [5, null],
        pathExpression: 'servers.db01.cpu',
        valuesPerPoint: 1,
        consolidationFunc: 'average',
        xFilesFactor: 0,
      },
    ]);
  });

  it('svg and png graphs', async () => {
    const s = await render({ target: 'servers.*.cpu', from: '-1h', format: 'svg', title: 'CPU' });
    expect(s.contentType).toBe('image/svg+xml');
    expect(text(s.body)).toContain('<polyline');
    expect(text(s.body)).toContain('servers.web01.cpu');
    const p = await render({ target: 'servers.*.cpu', from: '-1h' });
    expect(p.contentType).toBe('image/png');
    expect(
      Buffer.from(p.body as Uint8Array)
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
  });

  it('POST-style repeated targets and target[]', async () => {
    const r = await render({
      'target[]': ['servers.db01.cpu', 'servers.web01.cpu'],
      from: '-1min',
      format: 'json',
    });
    expect(JSON.parse(text(r.body))).toHaveLength(2);
  });

  it('seriesByTag: names, tags and pathExpression', async () => {
    const r = await render({
      target: "sumSeries(seriesByTag('name=disk.used'))",
      from: '-1min',
      format: 'json',
    });
    const body = JSON.parse(text(r.body));
    expect(body[0].target).toBe("sumSeries(seriesByTag('name=disk.used'))");
    expect(body[0].tags).toEqual({ name: 'disk.used', aggregatedBy: 'sum' });
    const t = await render({ target: "seriesByTag('dc=eu')", from: '-1min', format: 'json' });
    expect(JSON.parse(text(t.body))[0].tags).toEqual({ dc: 'eu', host: 'a', name: 'disk.used' });
  });

  it('template() substitutes variables', async () => {
    const r = await render({ target: 'template(servers.$h.cpu, h="db01")', from: '-1min', format: 'json' });
    expect(JSON.parse(text(r.body))[0].target).toBe('servers.db01.cpu');
    const r2 = await render({
      target: 'template(servers.$h.cpu)',
      'template[h]': 'web01',
      from: '-1min',
      format: 'json',
    });
    expect(JSON.parse(text(r2.body))[0].target).toBe('servers.web01.cpu');
  });

  it("Grafana 11.6's aliasSub wrapper", async () => {
    const r = await render({
      target: 'aliasSub(servers.db01.cpu, "(^.*$)", "\\1 A")',
      from: '-1min',
      format: 'json',
    });
    expect(JSON.parse(text(r.body))[0].target).toBe('servers.db01.cpu A');
  });

  it('constantLine(100) health check, named 100.0', async () => {
    const r = await render({
      target: 'constantLine(100)',
      from: '-1h',
      until: 'now',
      format: 'json',
      maxDataPoints: '100',
    });
    const body = JSON.parse(text(r.body));
    expect(body[0].target).toBe('100.0');
    expect(body[0].datapoints).toEqual([
      [100, NOW - 3600],
      [100, NOW - 1800],
      [100, NOW],
    ]);
  });

  it('series-count limit refuses a request instead of exhausting memory', async () => {
    const r = await handleRender(
      { params: { target: 'servers.*.cpu', format: 'json' }, now: NOW },
      { storage: storage(), maxSeries: 2 },
    );
    expect(r.status).toBe(400);
    expect(text(r.body)).toContain('series limit');
  });

  it('caches per cacheTimeout and bypasses with noCache', async () => {
    const s = storage();
    const cache = new RenderCache();
    const params = { target: 'servers.db01.cpu', from: '-2min', format: 'json' };
    const a = await handleRender({ params, now: NOW }, { storage: s, cache });
    expect(a.headers?.['Cache-Control']).toBe('max-age=60');
    s.add(
      'servers.db01.cpu',
      60,
      NOW - 3600,
      Array.from({ length: 60 }, () => 7),
    );
    const b = await handleRender({ params, now: NOW }, { storage: s, cache });
    expect(text(b.body)).toBe(text(a.body));
    const c = await handleRender({ params: { ...params, noCache: '1' }, now: NOW }, { storage: s, cache });
    expect(text(c.body)).toContain('7.0');
    expect(c.headers?.['Cache-Control']).toContain('no-cache');
    const d = await handleRender(
      { params: { ...params, cacheTimeout: '0' }, now: NOW },
      { storage: s, cache },
    );
    expect(text(d.body)).toContain('7.0');
  });
});

describe('/render limits', () => {
  it('datapoint limit', async () => {
    const r = await handleRender(
      { params: { target: 'servers.*.cpu', format: 'json', from: '-1h' }, now: NOW },
      { storage: storage(), maxPoints: 100 },
    );
    expect(r.status).toBe(400);
    expect(text(r.body)).toContain('datapoint limit');
  });
  it('time limit', async () => {
    const slow = storage();
    const orig = slow.fetch.bind(slow);
    slow.fetch = async (...a) => {
      await new Promise((res) => setTimeout(res, 50));
      return orig(...a);
    };
    const r = await handleRender(
      { params: { target: 'servers.*.cpu', format: 'json' }, now: NOW },
      { storage: slow, timeoutMs: 10 },
    );
    expect(r.status).toBe(400);
    expect(text(r.body)).toContain('time limit');
  });
  it('storage failures are a 500, not a crash', async () => {
    const broken = storage();
    broken.find = async () => {
      throw new Error('disk on fire');
    };
    const r = await handleRender(
      { params: { target: 'servers.*.cpu', format: 'json' }, now: NOW },
      { storage: broken },
    );
    expect(r.status).toBe(500);
    expect(text(r.body)).toContain('disk on fire');
  });
});

describe('RenderCache', () => {
  it('expires entries after their TTL and evicts the oldest when full', () => {
    let now = 0;
    const cache = new RenderCache(1000, () => now);
    const res = (body: string) => ({ status: 200, contentType: 'text/plain', body });
    cache.set('a', res('x'.repeat(100)), 10);
    expect(cache.get('a')?.body).toHaveLength(100);
    now = 10_001;
    expect(cache.get('a')).toBeUndefined();
    for (const k of ['a', 'b', 'c', 'd', 'e', 'f']) cache.set(k, res(k.repeat(100)), 60);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('f')).toBeDefined();
    expect(cache.size).toBe(5);
    expect(RenderCache.key({ target: ['x'], from: '-1h' })).toBe(
      RenderCache.key({ from: '-1h', target: ['x'], noCache: '1' }),
    );
    expect(RenderCache.key({ target: ['x'] })).not.toBe(RenderCache.key({ target: ['y'] }));
  });
  it('maxDataPoints=0 is refused', async () => {
    const r = await render({ target: 'servers.db01.cpu', format: 'json', maxDataPoints: '0' });
    expect(r.status).toBe(400);
  });
});

describe('graphs', () => {
  it('graph-only options: dashed, drawAsInfinite, invisible, pixel consolidation', async () => {
    const r = await render({
      target: [
        'dashed(servers.web01.cpu)',
        'drawAsInfinite(servers.db01.cpu)',
        'areaBetween(servers.web0*.cpu)',
      ],
      from: '-1h',
      format: 'svg',
      width: '40',
      areaMode: 'stacked',
    });
    const svg = text(r.body);
    expect(svg).toContain('stroke-dasharray="5"');
    expect(svg).toMatch(/<line x1="[\d.]+" y1="\d+" x2="[\d.]+" y2="\d+" stroke="green"/);
    // 60 points squeezed into a 40 px wide graph: fewer vertices than points
    const first = /<polyline points="([^"]+)"/.exec(svg)?.[1] ?? '';
    expect(first.split(' ').length).toBeLessThan(60);
  });
  it('graphType=pie from literal and evaluated targets, and /functions?type=pie', async () => {
    const r = await render({
      target: ['a:1', 'b:3', 'servers.db01.cpu'],
      graphType: 'pie',
      pieMode: 'maximum',
      format: 'svg',
    });
    expect(r.status).toBe(200);
    expect(text(r.body)).toContain('a (11.1%)');
    expect(text(r.body)).toContain('servers.db01.cpu (55.6%)');
    const png = await render({ target: ['a:1'], graphType: 'pie' });
    expect(png.contentType).toBe('image/png');
    const bad = await render({ target: ['a:x'], graphType: 'pie' });
    expect(bad.status).toBe(400);
    expect((await render({ target: 'x', graphType: 'bar' })).status).toBe(400);
    const { handleFunctions } = await import('../src/index.js');
    const pie = JSON.parse(text(handleFunctions({ params: { type: 'pie' } }).body));
    expect(Object.keys(pie).sort()).toEqual(['average', 'maximum', 'minimum']);
    expect(pie.average.function).toBe('average(series)');
    // pie functions are not series functions
    expect((await render({ target: 'average(servers.db01.cpu)', format: 'json' })).status).toBe(400);
  });
});

describe('format=pdf', () => {
  it('is a well-formed PDF whose xref points at its objects', async () => {
    const r = await render({ target: 'servers.*.cpu', from: '-1h', format: 'pdf' });
    expect(r.contentType).toBe('application/x-pdf');
    const pdf = Buffer.from(r.body as Uint8Array).toString('latin1');
    expect(pdf.startsWith('%PDF-1.4\n')).toBe(true);
    const startxref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(pdf)?.[1]);
    expect(pdf.slice(startxref, startxref + 4)).toBe('xref');
    const entries = [...pdf.slice(startxref).matchAll(/(\d{10}) 00000 n /g)].map((m) => Number(m[1]));
    expect(entries).toHaveLength(5);
    for (const [i, off] of entries.entries()) expect(pdf.slice(off, off + 8)).toBe(`${i + 1} 0 obj\n`);
    expect(pdf).toContain('/Width 330 /Height 250');
  });
});
