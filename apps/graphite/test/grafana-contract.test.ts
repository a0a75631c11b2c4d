// Grafana contract suite (issue 6): replays the HTTP requests Grafana's Graphite datasource sends,
// in both modes, against our server seeded with the demo dashboards' metric names, and checks the
// answers the way Grafana consumes them. Sources (grafana/grafana, 11.6+/12.x):
//   FE  = public/app/plugins/datasource/graphite/datasource.ts (browser/frontend mode)
//   GF  = public/app/plugins/datasource/graphite/gfunc.ts (parseFuncDefs, /functions loader)
//   BE  = pkg/tsdb/graphite/{query.go,healthcheck.go,resource_handler.go,types.go,null_float.go}
// Response rules: ../shared/reference/graphite-api.md sections 1, 2.5-2.8, 5.3, 6 and 9.

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphiteServer } from '../src/index.js';
import { sendTcp, startTestGraphite, waitFor } from './helpers/refs.js';

const STEP = 10; // finest default retention (10s:6h)
// whole minutes, so Grafana's "from is exclusive" one-second nudge does not apply unless asked for
const NOW = Math.floor(Date.now() / 1000 / 60) * 60;
const SEED_FROM = NOW - 2 * 3600;

// ---------------------------------------------------------------- seeded data (demo dashboards' names)

const METHODS = ['GET', 'POST'];
const ENDPOINTS = ['index', 'api_items'];
const STATUSES = ['200', '404', '500'];
const TIMER_STATS = ['mean', 'median', 'upper_90', 'upper'];
const AGENTS = ['graphite-a', 'graphite-b'];
const TAGGED = [
  'disk.used;datacenter=dc1;rack=a1;server=web01',
  'disk.used;datacenter=dc1;rack=a2;server=web02',
  'disk.used;datacenter=dc2;rack=b1;server=db01',
  'cpu.load;datacenter=dc1;server=web01',
];
const DEPLOYS = [NOW - 1800, NOW - 600];

const k = (t: number) => t / STEP;
function rate(m: number, e: number, s: number, t: number): number {
  return (m + 1) * 10 + (e + 1) * 3 + s * 2 + (k(t) % 3);
}
function duration(m: number, e: number, st: number, t: number): number {
  return 5 * (m + 1) + 20 * e + st * 7 + (k(t) % 4) / 2;
}
const inFlight = (t: number) => (k(t) % 5) + 0.25;
const hasInFlight = (t: number) => k(t) % 7 !== 0; // gaps -> null
const agentValue = (a: number, t: number) => 100 * (a + 1) + (k(t) % 10);
const taggedValue = (i: number, t: number) => 10 * (i + 1) + (k(t) % 2);

function seedLines(): string {
  const lines: string[] = [];
  for (let t = SEED_FROM; t <= NOW; t += STEP) {
    METHODS.forEach((m, mi) => {
      ENDPOINTS.forEach((e, ei) => {
        STATUSES.forEach((s, si) => {
          const v = rate(mi, ei, si, t);
          lines.push(`stats.flask.request_total.${m}.${e}.${s} ${v} ${t}`);
          lines.push(`stats_counts.flask.request_total.${m}.${e}.${s} ${v * STEP} ${t}`);
        });
        TIMER_STATS.forEach((st, sti) => {
          lines.push(`stats.timers.flask.request_duration.${m}.${e}.${st} ${duration(mi, ei, sti, t)} ${t}`);
        });
      });
    });
    if (hasInFlight(t)) lines.push(`stats.gauges.flask.requests_in_flight ${inFlight(t)} ${t}`);
    AGENTS.forEach((a, ai) => {
      lines.push(`carbon.agents.${a}.metricsReceived ${agentValue(ai, t)} ${t}`);
      lines.push(`carbon.agents.${a}.cache.size ${agentValue(ai, t) * 2} ${t}`);
    });
    TAGGED.forEach((name, i) => {
      lines.push(`${name} ${taggedValue(i, t)} ${t}`);
    });
    lines.push(`stats_counts.demo.deploys ${DEPLOYS.includes(t) ? 1 : 0} ${t}`);
  }
  return `${lines.join('\n')}\n`;
}

let dir: string;
let server: GraphiteServer;
let base: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'graphite-grafana-contract-'));
  const common = {
    storageDir: path.join(dir, 'whisper'),
    dbPath: path.join(dir, 'appliance.db'),
  };
  // ingest over the line protocol, drain to whisper, then serve the files (as web-diff does)
  const writer = await startTestGraphite({ ...common, linePort: 0, httpPort: 0 });
  await sendTcp(writer.linePort!, seedLines());
  const wurl = `http://127.0.0.1:${writer.httpPort}`;
  await waitFor(async () => {
    const r = await fetch(
      `${wurl}/render?target=stats_counts.demo.deploys&from=${NOW - 60}&until=${NOW}&format=json`,
    );
    const j = (await r.json()) as Array<{ datapoints: Array<[number | null, number]> }>;
    return j[0]?.datapoints.at(-1)?.[0] === 0;
  });
  await writer.close();
  server = await startTestGraphite({ ...common, httpPort: 0 });
  base = `http://127.0.0.1:${server.httpPort}`;
  // events, as `curl -X POST /events/ -d '{...}'` from a deploy script would post them
  const events = [
    { what: 'deploy api v1', tags: ['deploy'], when: DEPLOYS[0], data: 'build 41' },
    { what: 'deploy api v2', tags: 'deploy release', when: DEPLOYS[1] + 0.75, data: 'build 42' },
    { what: 'maintenance', tags: ['ops'], when: NOW - 900, data: '' },
    { what: 'old deploy', tags: ['deploy'], when: NOW - 8 * 3600, data: 'too old' },
  ];
  for (const e of events) {
    const r = await fetch(`${base}/events/`, { method: 'POST', body: JSON.stringify(e) });
    expect(r.status).toBe(200);
  }
}, 60_000);

afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// ---------------------------------------------------------------- Grafana request builders

interface Replayed {
  method: 'GET' | 'POST' | 'OPTIONS';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

async function send(
  req: Replayed,
): Promise<{ status: number; type: string | null; text: string; headers: Headers }> {
  const r = await fetch(base + req.path, { method: req.method, headers: req.headers, body: req.body });
  return { status: r.status, type: r.headers.get('content-type'), text: await r.text(), headers: r.headers };
}

const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };

/** FE translateTime for a DateTime: epoch seconds; with a seconds part, from -1 s and until +1 s. */
function translateTime(epochMs: number, roundUp: boolean): number {
  let s = Math.floor(epochMs / 1000);
  if (new Date(epochMs).getUTCSeconds()) s += roundUp ? 1 : -1;
  return s;
}

/** FE translateTime for a raw range string ('now-6h' -> '-6h', 'now-15m' -> '-15min'). */
function translateRaw(raw: string): string {
  if (raw === 'now') return 'now';
  return raw.substring(3).replace('m', 'min').replace('M', 'mon');
}

/** templateSrv.replace with Graphite's default 'glob' format: one value as-is, several as {a,b}, All -> allValue. */
function interpolate(target: string, vars: Record<string, string[] | 'All'>, allValue = '*'): string {
  return target.replace(/\$(\w+)/g, (m, name: string) => {
    const v = vars[name];
    if (v === undefined) return m;
    if (v === 'All') return allValue;
    return v.length === 1 ? v[0] : `{${v.join(',')}}`;
  });
}

interface FeQuery {
  refId: string;
  target: string;
  hide?: boolean;
}

/**
 * FE query() + buildGraphiteParams(): every target wrapped in aliasSub(..., "(^.*$)", "\1 <refId>"),
 * variables interpolated, quoted 'Nm' intervals -> 'Nmin', #X references replaced by the ORIGINAL
 * (unwrapped) text of query X, hidden queries resolved but not sent, then from/until/format/maxDataPoints.
 */
function feRender(
  queries: FeQuery[],
  opts: { fromMs: number; toMs: number; maxDataPoints: number; vars?: Record<string, string[] | 'All'> },
): Replayed {
  const vars = opts.vars ?? {};
  const original: Record<string, string> = {};
  const targets: Record<string, string> = {};
  for (const q of queries) {
    original[q.refId] = q.target;
    const wrapped = `aliasSub(${q.target}, "(^.*$)", "\\1 ${q.refId.replaceAll(' ', '_')}")`;
    targets[q.refId] = interpolate(wrapped, vars).replace(/'(\d+)m'/gi, (m) =>
      m.replace('m', 'min').replace('M', 'mon'),
    );
  }
  const parts: string[] = [];
  for (const q of queries) {
    const expand = (_m: string, ref: string): string =>
      ref === q.refId ? targets[ref] : original[ref].replace(/#([A-Z])/g, expand);
    const value = interpolate(targets[q.refId].replace(/#([A-Z])/g, expand), vars);
    if (!q.hide) parts.push(`target=${encodeURIComponent(value)}`);
  }
  parts.push(`from=${translateTime(opts.fromMs, false)}`);
  parts.push(`until=${translateTime(opts.toMs, true)}`);
  parts.push('format=json');
  parts.push(`maxDataPoints=${opts.maxDataPoints}`);
  return {
    method: 'POST',
    path: '/render',
    // proxy mode adds the tracing headers (FE addTracingHeaders)
    headers: { ...FORM, 'X-Dashboard-Id': '7', 'X-Panel-Id': '3', 'X-Panel-Plugin-Id': 'timeseries' },
    body: parts.join('&'),
  };
}

interface Frame {
  refId: string;
  name: string;
  times: number[];
  values: Array<number | null>;
  tags: Record<string, string | number>;
}

/** FE convertResponseToDataFrames: array (or {series}), pop the refId off the space-split target, ts * 1000. */
function feFrames(text: string): Frame[] {
  const data = JSON.parse(text);
  const series = data.series ?? data;
  if (!Array.isArray(series)) throw new Error('Missing series in result');
  return series.map(
    (s: { target: string; datapoints: Array<[number | null, number]>; tags: Frame['tags'] }) => {
      const split = s.target.split(' ');
      const refId = split.length > 1 ? (split.pop() ?? '') : '';
      return {
        refId,
        name: split.join(' '),
        times: s.datapoints.map((p) => p[1] * 1000),
        values: s.datapoints.map((p) => p[0]),
        tags: s.tags,
      };
    },
  );
}

/** Go url.Values.Encode(): keys sorted, QueryEscape (space -> '+'). */
function goEncode(values: Record<string, string>): string {
  const esc = (s: string) =>
    encodeURIComponent(s)
      .replace(/%20/g, '+')
      .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return Object.keys(values)
    .sort()
    .map((key) => `${esc(key)}=${esc(values[key])}`)
    .join('&');
}

/** BE createGraphiteRequest: one POST per refId, targetFull ?? target with the 'Nm' fix, no aliasSub. */
function beRender(target: string, fromS: number, untilS: number, maxDataPoints: number): Replayed {
  const fixed = target
    .replace(/'(\d+)m'/g, (m) => m.replaceAll('m', 'min'))
    .replace(/'(\d+)M'/g, (m) => m.replaceAll('M', 'mon'));
  return {
    method: 'POST',
    path: '/render',
    headers: FORM,
    body: goEncode({
      from: String(fromS),
      until: String(untilS),
      format: 'json',
      maxDataPoints: String(maxDataPoints),
      target: fixed,
    }),
  };
}

/** Grafana's fetch serializeParams: repeated keys for arrays, encodeURIComponent, undefined dropped. */
function feQueryString(params: Record<string, string | number | string[] | undefined>): string {
  const out: string[] = [];
  for (const [key, v] of Object.entries(params)) {
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v])
      out.push(`${encodeURIComponent(key)}=${encodeURIComponent(one)}`);
  }
  return out.join('&');
}

// ---------------------------------------------------------------- Go's strict decoding (BE types.go)

type Lossless = null | boolean | string | { num: string } | Lossless[] | { obj: Record<string, Lossless> };

/** JSON parser that keeps number literals, so integer-ness and range can be checked like Go does. */
function parseLossless(text: string): Lossless {
  let i = 0;
  const ws = () => {
    while (/\s/.test(text[i] ?? '')) i++;
  };
  const fail = (what: string): never => {
    throw new Error(`invalid JSON at ${i}: ${what}`);
  };
  const value = (): Lossless => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: Record<string, Lossless> = {};
      ws();
      if (text[i] === '}') {
        i++;
        return { obj };
      }
      for (;;) {
        ws();
        const key = value();
        if (typeof key !== 'string') fail('object key');
        ws();
        if (text[i++] !== ':') fail('colon');
        obj[key as string] = value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i++] === '}') return { obj };
        else fail('object end');
      }
    }
    if (c === '[') {
      i++;
      const arr: Lossless[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(value());
        ws();
        if (text[i] === ',') i++;
        else if (text[i++] === ']') return arr;
        else fail('array end');
      }
    }
    if (c === '"') {
      const m = /^"(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"/.exec(text.slice(i));
      if (!m) fail('string');
      i += m![0].length;
      return JSON.parse(m![0]) as string;
    }
    for (const [lit, v] of [
      ['null', null],
      ['true', true],
      ['false', false],
    ] as const) {
      if (text.startsWith(lit, i)) {
        i += lit.length;
        return v;
      }
    }
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) fail(`unexpected ${JSON.stringify(text.slice(i, i + 10))}`); // NaN, Infinity tokens land here
    i += m![0].length;
    return { num: m![0] };
  };
  const v = value();
  ws();
  if (i !== text.length) fail('trailing data');
  return v;
}

const isNum = (v: Lossless): v is { num: string } => v !== null && typeof v === 'object' && 'num' in v;
const isObj = (v: Lossless): v is { obj: Record<string, Lossless> } =>
  v !== null && typeof v === 'object' && 'obj' in v;

/** encoding/json field lookup: exact name first, then case-insensitive. */
function field(o: { obj: Record<string, Lossless> }, name: string): Lossless | undefined {
  if (name in o.obj) return o.obj[name];
  const hit = Object.keys(o.obj).find((key) => key.toLowerCase() === name.toLowerCase());
  return hit === undefined ? undefined : o.obj[hit];
}

function goFloat64(v: Lossless, where: string): number {
  if (!isNum(v)) throw new Error(`${where}: cannot unmarshal ${JSON.stringify(v)} into float64`);
  const n = Number(v.num);
  if (!Number.isFinite(n)) throw new Error(`${where}: cannot unmarshal number ${v.num} into float64`);
  return n;
}
/** null_float.go Float: number or null (invalid); anything else is an error. */
const goNullFloat = (v: Lossless, where: string): number | null => (v === null ? null : goFloat64(v, where));
function goInt(v: Lossless | undefined, where: string): number {
  if (v === undefined || v === null) return 0;
  if (!isNum(v) || !/^-?\d+$/.test(v.num))
    throw new Error(`${where}: cannot unmarshal ${JSON.stringify(v)} into int`);
  return Number(v.num);
}
function goString(v: Lossless | undefined, where: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new Error(`${where}: cannot unmarshal ${JSON.stringify(v)} into string`);
  return v;
}
function goSlice(v: Lossless | undefined, where: string): Lossless[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new Error(`${where}: cannot unmarshal into slice`);
  return v;
}
function goStruct(v: Lossless, where: string): { obj: Record<string, Lossless> } {
  if (v === null) return { obj: {} };
  if (!isObj(v)) throw new Error(`${where}: cannot unmarshal into struct`);
  return v;
}

interface GoSeries {
  target: string;
  points: Array<[number | null, number]>;
  tags: Record<string, string>;
}

/** []TargetResponseDTO + toDataFrames: null timestamps are errors; only string/float64 tags survive. */
function goDecodeRender(text: string): GoSeries[] {
  return goSlice(parseLossless(text), 'render').map((el, n) => {
    const o = goStruct(el, `[${n}]`);
    const points = goSlice(field(o, 'datapoints'), `[${n}].datapoints`).map((p, j) => {
      const pair = goSlice(p, `[${n}].datapoints[${j}]`);
      const value = pair[0] === undefined ? null : goNullFloat(pair[0], `[${n}].datapoints[${j}][0]`);
      const ts = pair[1] === undefined ? null : goNullFloat(pair[1], `[${n}].datapoints[${j}][1]`);
      if (ts === null) throw new Error('failed to parse data point timestamp');
      return [value, Math.trunc(ts)] as [number | null, number];
    });
    const tags: Record<string, string> = {};
    const rawTags = field(o, 'tags');
    if (rawTags !== undefined && rawTags !== null) {
      for (const [key, tv] of Object.entries(goStruct(rawTags, `[${n}].tags`).obj)) {
        if (typeof tv === 'string') tags[key] = tv;
        else if (isNum(tv)) tags[key] = String(goFloat64(tv, `[${n}].tags.${key}`));
      }
    }
    return { target: goString(field(o, 'target'), `[${n}].target`), points, tags };
  });
}

/** []GraphiteMetricsFindResponse: text/id strings, allowChildren/expandable/leaf ints. */
function goDecodeFind(text: string) {
  return goSlice(parseLossless(text), 'find').map((el, n) => {
    const o = goStruct(el, `[${n}]`);
    return {
      text: goString(field(o, 'text'), 'text'),
      id: goString(field(o, 'id'), 'id'),
      allowChildren: goInt(field(o, 'allowChildren'), 'allowChildren'),
      expandable: goInt(field(o, 'expandable'), 'expandable'),
      leaf: goInt(field(o, 'leaf'), 'leaf'),
    };
  });
}

/** []GraphiteEventsResponse: when int64, what/data strings, tags []string. */
function goDecodeEvents(text: string) {
  return goSlice(parseLossless(text), 'events').map((el, n) => {
    const o = goStruct(el, `[${n}]`);
    return {
      when: goInt(field(o, 'when'), 'when'),
      what: goString(field(o, 'what'), 'what'),
      tags: goSlice(field(o, 'tags'), 'tags').map((t) => goString(t, 'tags[]')),
      data: goString(field(o, 'data'), 'data'),
    };
  });
}

/** GraphiteMetricsExpandResponse: {results: []string}. */
function goDecodeExpand(text: string): string[] {
  const o = goStruct(parseLossless(text), 'expand');
  return goSlice(field(o, 'results'), 'results').map((r) => goString(r, 'results[]'));
}

// ---------------------------------------------------------------- expectations from the seed

/** Whisper window for (from, until]: first slot after from, last slot at until. */
function slots(fromS: number, untilS: number): number[] {
  const out: number[] = [];
  for (let t = fromS - (fromS % STEP) + STEP; t <= untilS; t += STEP) out.push(t);
  return out;
}
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const FROM_1H = NOW - 3600;

describe('decoder self-check (the Go rules can fail)', () => {
  it('rejects what Grafana backend mode rejects', () => {
    expect(() => goDecodeRender('[{"target":"a","datapoints":[[1e9999,1]]}]')).toThrow(/1e9999/);
    expect(() => goDecodeRender('[{"target":"a","datapoints":[[NaN,1]]}]')).toThrow(/invalid JSON/);
    expect(() => goDecodeRender('[{"target":"a","datapoints":[["1",1]]}]')).toThrow(/float64/);
    expect(() => goDecodeRender('[{"target":"a","datapoints":[[1,null]]}]')).toThrow(/timestamp/);
    expect(() => goDecodeFind('[{"text":"a","leaf":true}]')).toThrow(/into int/);
    expect(() => goDecodeEvents('[{"when":1.5,"what":"x","tags":[]}]')).toThrow(/into int/);
    expect(() => goDecodeEvents('[{"when":1,"what":"x","tags":"a b"}]')).toThrow(/slice/);
    expect(
      goDecodeRender('[{"target":"a","datapoints":[[null,10],[2.5,20]],"tags":{"n":1,"x":true}}]'),
    ).toEqual([
      {
        target: 'a',
        points: [
          [null, 10],
          [2.5, 20],
        ],
        tags: { n: '1' },
      },
    ]);
  });
});

// ---------------------------------------------------------------- health checks

describe('health check (testDatasource)', () => {
  it('frontend: constantLine(100) over now-1h, maxDataPoints 300, any parseable series', async () => {
    // FE testDatasource: refId A, range now-1h..now, maxDataPoints 300, through query()
    const toMs = NOW * 1000 + 17_000; // a clock with seconds: until moves 1 s later, from 1 s earlier
    const req = feRender([{ refId: 'A', target: 'constantLine(100)' }], {
      fromMs: toMs - 3600_000,
      toMs,
      maxDataPoints: 300,
    });
    expect(req.body).toBe(
      `target=${encodeURIComponent('aliasSub(constantLine(100), "(^.*$)", "\\1 A")')}&from=${NOW - 3600 + 16}&until=${NOW + 18}&format=json&maxDataPoints=300`,
    );
    const r = await send(req);
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^application\/json/);
    const frames = feFrames(r.text);
    expect(frames.length).toBe(1);
    expect(frames[0]).toMatchObject({ refId: 'A', name: '100.0' });
    expect(frames[0].values.length).toBe(3); // start, middle, end, as graphite-web draws it
    expect(new Set(frames[0].values)).toEqual(new Set([100]));
    expect(frames[0].times[0]).toBe((NOW - 3600 + 16) * 1000);
  });

  it('backend: CheckHealth posts constantLine(100) with maxDataPoints 100 and decodes strictly', async () => {
    const until = Math.floor(Date.now() / 1000);
    const r = await send(beRender('constantLine(100)', until - 3600, until, 100));
    expect(r.status).toBe(200);
    const series = goDecodeRender(r.text);
    expect(series.map((s) => s.target)).toEqual(['100.0']);
    expect(series[0].points.every(([v, t]) => v === 100 && Number.isInteger(t))).toBe(true);
  });
});

// ---------------------------------------------------------------- panel queries

describe('/render from the frontend (form POST, aliasSub-wrapped, refIds)', () => {
  it('the Flask dashboard: groupByNode with $method/$endpoint = All, two refIds, #A reference, hidden query', async () => {
    const req = feRender(
      [
        { refId: 'A', target: "groupByNode(stats.flask.request_total.$method.$endpoint.*, 5, 'sum')" },
        { refId: 'B', target: 'sumSeries(#A)' },
        { refId: 'C', target: 'stats.gauges.flask.requests_in_flight', hide: true },
        { refId: 'D', target: 'asPercent(#B, sumSeries(stats.flask.request_total.$method.$endpoint.*))' },
      ],
      {
        fromMs: FROM_1H * 1000,
        toMs: NOW * 1000,
        maxDataPoints: 1200,
        vars: { method: 'All', endpoint: 'All' },
      },
    );
    // #A resolves to A's original text, not its aliasSub wrapper; C is not sent
    expect(decodeURIComponent(req.body!.split('&')[1].slice(7))).toBe(
      `aliasSub(sumSeries(groupByNode(stats.flask.request_total.*.*.*, 5, 'sum')), "(^.*$)", "\\1 B")`,
    );
    expect(req.body!.match(/target=/g)?.length).toBe(3);
    const r = await send(req);
    expect(r.status).toBe(200);
    expect(r.type).toBe('application/json');
    const frames = feFrames(r.text);
    const times = slots(FROM_1H, NOW);
    const byStatus = (si: number) =>
      times.map((t) => sum(METHODS.flatMap((_, mi) => ENDPOINTS.map((_e, ei) => rate(mi, ei, si, t)))));
    expect(frames.map((f) => [f.refId, f.name])).toEqual([
      ['A', '200'],
      ['A', '404'],
      ['A', '500'],
      // names as graphite-web 1.1.8 gives them for these targets (checked by hand against it)
      ['B', 'sumSeries(sumSeries(stats.flask.request_total.*.*.*))'],
      [
        'D',
        'asPercent(sumSeries(sumSeries(stats.flask.request_total.*.*.*)),sumSeries(stats.flask.request_total.*.*.*))',
      ],
    ]);
    for (const [si] of STATUSES.entries()) {
      expect(frames[si].times).toEqual(times.map((t) => t * 1000));
      expect(frames[si].values).toEqual(byStatus(si));
    }
    expect(frames[3].values).toEqual(times.map((_, j) => sum(STATUSES.map((_s, si) => byStatus(si)[j]))));
    expect(frames[4].values.every((v) => v !== null && Math.abs(v - 100) < 1e-9)).toBe(true);
  });

  it("multi-value variables become {a,b} globs; alias() names keep spaces; '5m' is rewritten to '5min'", async () => {
    const req = feRender(
      [
        {
          refId: 'A',
          target:
            "alias(maxSeries(stats.timers.flask.request_duration.$method.$endpoint.upper_90), 'p90 (worst endpoint)')",
        },
        {
          refId: 'B',
          target:
            "alias(summarize(stats_counts.flask.request_total.$method.$endpoint.200, '5m', 'sum', true), 'per 5m')",
        },
      ],
      {
        fromMs: FROM_1H * 1000,
        toMs: NOW * 1000,
        maxDataPoints: 800,
        vars: { method: ['GET', 'POST'], endpoint: ['index'] },
      },
    );
    expect(req.body).toContain(encodeURIComponent('request_duration.{GET,POST}.index.upper_90'));
    expect(req.body).toContain(encodeURIComponent("'5min'"));
    const frames = feFrames((await send(req)).text);
    // one summarize per matched series (GET, POST), both renamed by alias()
    expect(frames.map((f) => [f.refId, f.name])).toEqual([
      ['A', 'p90 (worst endpoint)'],
      ['B', 'per 5m'],
      ['B', 'per 5m'],
    ]);
    const times = slots(FROM_1H, NOW);
    // upper_90 is TIMER_STATS[2]; POST (mi 1) dominates
    expect(frames[0].values).toEqual(times.map((t) => Math.max(duration(0, 0, 2, t), duration(1, 0, 2, t))));
    // summarize alignToFrom=true: buckets of 300 s from the first slot
    for (const mi of [0, 1]) {
      const buckets = new Map<number, number>();
      for (const t of times) {
        const b = times[0] + Math.floor((t - times[0]) / 300) * 300;
        buckets.set(b, (buckets.get(b) ?? 0) + rate(mi, 0, 0, t) * STEP);
      }
      expect(frames[1 + mi].times).toEqual([...buckets.keys()].map((t) => t * 1000));
      expect(frames[1 + mi].values).toEqual([...buckets.values()]);
    }
  });

  it('gaps come back as null (never NaN tokens) and consolidate per maxDataPoints with aligned buckets', async () => {
    const req = feRender(
      [{ refId: 'A', target: "alias(stats.gauges.flask.requests_in_flight, 'in flight')" }],
      {
        fromMs: FROM_1H * 1000,
        toMs: NOW * 1000,
        maxDataPoints: 1000,
      },
    );
    const r = await send(req);
    expect(r.text).not.toMatch(/NaN|Infinity/);
    const f = feFrames(r.text)[0];
    const times = slots(FROM_1H, NOW);
    expect(f.values).toEqual(times.map((t) => (hasInFlight(t) ? inFlight(t) : null)));
    expect(f.values.filter((v) => v === null).length).toBe(times.filter((t) => !hasInFlight(t)).length);

    // 360 raw points into 100: 4 per bucket (40 s), stamps multiples of 40, bucket T = raw (T-10 .. T+20)
    const small = await send(
      feRender([{ refId: 'A', target: 'stats.gauges.flask.requests_in_flight' }], {
        fromMs: FROM_1H * 1000,
        toMs: NOW * 1000,
        maxDataPoints: 100,
      }),
    );
    const c = feFrames(small.text)[0];
    expect(c.values.length).toBeLessThanOrEqual(100);
    expect(c.times.every((t) => (t / 1000) % 40 === 0)).toBe(true);
    for (const [j, tMs] of c.times.entries()) {
      const T = tMs / 1000;
      const raw = [T - 10, T, T + 10, T + 20]
        .filter((t) => times.includes(t) && hasInFlight(t))
        .map(inFlight);
      if (raw.length) expect(c.values[j]).toBeCloseTo(sum(raw) / raw.length, 12);
      else expect(c.values[j]).toBeNull();
    }
  });

  it('seriesByTag targets carry string tags Grafana turns into labels', async () => {
    const frames = feFrames(
      (
        await send(
          feRender([{ refId: 'A', target: "seriesByTag('name=disk.used', 'datacenter=dc1')" }], {
            fromMs: (NOW - 300) * 1000,
            toMs: NOW * 1000,
            maxDataPoints: 500,
          }),
        )
      ).text,
    );
    expect(frames.map((f) => [f.refId, f.name])).toEqual([
      ['A', 'disk.used;datacenter=dc1;rack=a1;server=web01'],
      ['A', 'disk.used;datacenter=dc1;rack=a2;server=web02'],
    ]);
    expect(frames[0].tags).toEqual({ name: 'disk.used', datacenter: 'dc1', rack: 'a1', server: 'web01' });
    expect(frames[1].values).toEqual(slots(NOW - 300, NOW).map((t) => taggedValue(1, t)));
  });

  it('errors: a bad function is a 400 whose body Grafana shows as the message', async () => {
    const r = await send(
      feRender([{ refId: 'A', target: 'noSuchFunction(stats.gauges.flask.requests_in_flight)' }], {
        fromMs: FROM_1H * 1000,
        toMs: NOW * 1000,
        maxDataPoints: 100,
      }),
    );
    expect(r.status).toBe(400);
    expect(r.text).toContain('noSuchFunction');
    expect(r.text.startsWith('<body')).toBe(false);
  });
});

describe('/render from the backend (Go, one POST per refId, strict decoding)', () => {
  it('dashboard targets decode into TargetResponseDTO with integer timestamps and null gaps', async () => {
    const targets = [
      "groupByNodes(stats.flask.request_total.*.*.*, 'sum', 3, 4)",
      "alias(consolidateBy(sumSeries(stats_counts.flask.request_total.*.*.*), 'sum'), 'requests')",
      'aliasByNode(stats.timers.flask.request_duration.*.*.mean, 4, 5)',
      "alias(stats.gauges.flask.requests_in_flight, 'in flight')",
      'aliasByNode(carbon.agents.*.cache.size, 2, 4)',
      "seriesByTag('name=disk.used')",
    ];
    const times = slots(FROM_1H, NOW);
    const decoded = new Map<string, GoSeries[]>();
    for (const t of targets) {
      const req = beRender(t, FROM_1H, NOW, 1536);
      expect(req.body!.startsWith('format=json&from=')).toBe(true);
      const r = await send(req);
      expect(r.status).toBe(200);
      decoded.set(t, goDecodeRender(r.text));
    }
    const nodes = decoded.get(targets[0])!;
    expect(nodes.map((s) => s.target)).toEqual(
      ['GET.index', 'GET.api_items', 'POST.index', 'POST.api_items'].sort(),
    );
    const getIndex = nodes.find((s) => s.target === 'GET.index')!;
    expect(getIndex.points).toEqual(times.map((t) => [sum(STATUSES.map((_, si) => rate(0, 0, si, t))), t]));
    const req = decoded.get(targets[1])!;
    expect(req.map((s) => s.target)).toEqual(['requests']);
    expect(req[0].points[0][0]).toBe(
      sum(
        METHODS.flatMap((_, mi) =>
          ENDPOINTS.flatMap((_e, ei) => STATUSES.map((_s, si) => rate(mi, ei, si, times[0]) * STEP)),
        ),
      ),
    );
    expect(decoded.get(targets[2])!.map((s) => s.target)).toEqual([
      'GET.api_items',
      'GET.index',
      'POST.api_items',
      'POST.index',
    ]);
    const gaps = decoded.get(targets[3])![0].points;
    expect(gaps.filter(([v]) => v === null).map(([, t]) => t)).toEqual(times.filter((t) => !hasInFlight(t)));
    expect(decoded.get(targets[4])!.map((s) => s.target)).toEqual(AGENTS.map((a) => `${a}.size`));
    const tagged = decoded.get(targets[5])!;
    expect(tagged.map((s) => s.tags)).toEqual([
      { datacenter: 'dc1', name: 'disk.used', rack: 'a1', server: 'web01' },
      { datacenter: 'dc1', name: 'disk.used', rack: 'a2', server: 'web02' },
      { datacenter: 'dc2', name: 'disk.used', rack: 'b1', server: 'db01' },
    ]);
  });

  it('division by zero stays null; infinity is 1e9999 exactly as graphite-web writes it (which Go rejects)', async () => {
    const zero = await send(
      beRender('divideSeries(stats.gauges.flask.requests_in_flight, constantLine(0))', NOW - 300, NOW, 100),
    );
    expect(zero.status).toBe(200);
    expect(goDecodeRender(zero.text)[0].points.every(([v]) => v === null)).toBe(true);
    // graphite-web compatibility (reference 2.5 and 9.5): browsers parse 1e9999 as Infinity, Go does not
    const inf = await send(
      beRender('scale(scale(stats.gauges.flask.requests_in_flight, 1e308), 10)', NOW - 60, NOW, 100),
    );
    expect(inf.text).toContain('1e9999');
    expect(JSON.parse(inf.text)[0].datapoints.some(([v]: [number]) => v === Number.POSITIVE_INFINITY)).toBe(
      true,
    );
    expect(() => goDecodeRender(inf.text)).toThrow(/1e9999/);
  });
});

// ---------------------------------------------------------------- editor autocompletes and variables

describe('/metrics/find (editor segments, variables, browse)', () => {
  it('frontend POST with an unencoded body and from/until in the URL', async () => {
    // FE requestMetricFind: data `query=${query}` (not encoded), params from/until
    const r = await send({
      method: 'POST',
      path: `/metrics/find?${feQueryString({ from: FROM_1H, until: NOW })}`,
      headers: FORM,
      body: 'query=stats.flask.request_total.*',
    });
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^application\/json/);
    expect(r.headers.get('cache-control')).toBe('no-cache');
    const items = goDecodeFind(r.text);
    expect(items).toEqual(
      METHODS.map((m) => ({
        text: m,
        id: `stats.flask.request_total.${m}`,
        allowChildren: 1,
        expandable: 1,
        leaf: 0,
      })),
    );
  });

  it('the dashboard variable chain: $method = All, then $endpoint from stats.flask.request_total.$method.*', async () => {
    const q = interpolate('stats.flask.request_total.$method.*', { method: 'All' });
    const r = await send({
      method: 'POST',
      path: `/metrics/find?from=${FROM_1H}&until=${NOW}`,
      headers: FORM,
      body: `query=${q}`,
    });
    // FE maps to {text, expandable}; duplicates across methods collapse on the server
    expect(
      JSON.parse(r.text).map((m: { text: string; expandable: number }) => ({
        text: m.text,
        expandable: !!m.expandable,
      })),
    ).toEqual(['api_items', 'index'].map((text) => ({ text, expandable: true })));
    // multi-value {GET,POST} glob and a leaf level; `+` or spaces can arrive verbatim in the body
    const leaves = await send({
      method: 'POST',
      path: '/metrics/find',
      headers: FORM,
      body: 'query=stats.timers.flask.request_duration.{GET,POST}.index.*',
    });
    expect(goDecodeFind(leaves.text).map((m) => [m.text, m.leaf])).toEqual(
      [...TIMER_STATS].sort().map((s) => [s, 1]),
    );
    const agents = await send({
      method: 'POST',
      path: '/metrics/find',
      headers: FORM,
      body: 'query=carbon.agents.*',
    });
    expect(goDecodeFind(agents.text).map((m) => m.text)).toEqual(AGENTS);
  });

  it('editor root segment: * plus tag autocomplete merged as "tag: <name>", _tagged removed', async () => {
    const [find, tags] = await Promise.all([
      send({
        method: 'POST',
        path: `/metrics/find?from=${FROM_1H}&until=${NOW}`,
        headers: FORM,
        body: 'query=*',
      }),
      send({
        method: 'GET',
        path: `/tags/autoComplete/tags?${feQueryString({ expr: [], limit: 5000, from: FROM_1H, until: NOW })}`,
      }),
    ]);
    const roots = (JSON.parse(find.text) as Array<{ text: string }>)
      .map((m) => m.text)
      .filter((t) => t !== '_tagged');
    // tagged series live only under _tagged/, so they appear as tags, not as tree roots
    expect(roots).toEqual(['carbon', 'stats', 'stats_counts']);
    expect((JSON.parse(tags.text) as string[]).map((t) => `tag: ${t}`)).toEqual(
      ['datacenter', 'name', 'rack', 'server'].map((t) => `tag: ${t}`),
    );
  });

  it('backend resource call: POST form body properly encoded, decoded into integer flags', async () => {
    // BE handleMetricsFind: url.Values{query}.Encode(); from/until are built but never attached to the URL
    const r = await send({
      method: 'POST',
      path: '/metrics/find',
      headers: FORM,
      body: goEncode({ query: 'stats.flask.request_total.GET.index.*' }),
    });
    expect(goDecodeFind(r.text)).toEqual(
      STATUSES.map((s) => ({
        text: s,
        id: `stats.flask.request_total.GET.index.${s}`,
        allowChildren: 0,
        expandable: 0,
        leaf: 1,
      })),
    );
  });
});

describe('/metrics/expand (expand(...) variables)', () => {
  it('frontend GET and backend GET both get {results: [full paths]}', async () => {
    const fe = await send({
      method: 'GET',
      path: `/metrics/expand?${feQueryString({ query: 'carbon.agents.*.cache.size', from: FROM_1H, until: NOW })}`,
      headers: FORM, // FE sends this header on the GET too
    });
    expect(fe.status).toBe(200);
    expect(goDecodeExpand(fe.text)).toEqual(AGENTS.map((a) => `carbon.agents.${a}.cache.size`));
    const be = await send({
      method: 'GET',
      path: `/metrics/expand?${goEncode({ from: String(FROM_1H), query: 'stats.flask.request_total.{GET,POST}.index.500', until: String(NOW) })}`,
    });
    expect(goDecodeExpand(be.text)).toEqual(METHODS.map((m) => `stats.flask.request_total.${m}.index.500`));
  });
});

describe('tag autocomplete (seriesByTag editor, tags()/tag_values() variables)', () => {
  it('editor: tag keys narrowed by the other expressions, with a prefix', async () => {
    const r = await send({
      method: 'GET',
      path: `/tags/autoComplete/tags?${feQueryString({ expr: ['name=disk.used'], tagPrefix: 'r', limit: 5000, from: FROM_1H, until: NOW })}`,
    });
    expect(r.status).toBe(200);
    expect(r.type).toBe('application/json');
    expect(JSON.parse(r.text)).toEqual(['rack']);
    const all = await send({
      method: 'GET',
      path: `/tags/autoComplete/tags?${feQueryString({ expr: ['name=disk.used'], limit: 5000 })}`,
    });
    expect(JSON.parse(all.text)).toEqual(['datacenter', 'rack', 'server']);
  });

  it('editor: values for a tag, narrowed, with a prefix, and via a regex expression (a regex-formatted variable)', async () => {
    const values = async (params: Record<string, string | string[] | number>) =>
      JSON.parse(
        (await send({ method: 'GET', path: `/tags/autoComplete/values?${feQueryString(params)}` })).text,
      );
    expect(await values({ expr: ['name=disk.used'], tag: 'server', limit: 5000 })).toEqual([
      'db01',
      'web01',
      'web02',
    ]);
    expect(
      await values({ expr: ['name=disk.used'], tag: 'server', valuePrefix: 'web', limit: 5000 }),
    ).toEqual(['web01', 'web02']);
    expect(
      await values({ expr: ['datacenter=~(dc1|dc3)', 'name=disk.used'], tag: 'rack', limit: 5000 }),
    ).toEqual(['a1', 'a2']);
  });

  it('variables: tags(expr) and tag_values(tag, expr...) go to autoComplete with limit 10000', async () => {
    // FE metricFindQuery: tag_values(<tag>, <expr>, ...) split on commas outside {...}
    const tv = 'tag_values(server, datacenter=dc1, name=~disk.*)';
    const args = /^tag_values\((.*)\)$/
      .exec(tv)![1]
      .split(/,(?![^{]*\})/)
      .filter(Boolean);
    const r1 = await send({
      method: 'GET',
      path: `/tags/autoComplete/values?${feQueryString({ expr: args.slice(1).map((a) => a.trim()), tag: args[0].trim(), limit: 10000 })}`,
    });
    expect(JSON.parse(r1.text)).toEqual(['web01', 'web02']);
    const t = 'tags(server=web01)';
    const exprs = /^tags\((.*)\)$/.exec(t)![1].split(',').filter(Boolean);
    const r2 = await send({
      method: 'GET',
      path: `/tags/autoComplete/tags?${feQueryString({ expr: exprs, limit: 10000 })}`,
    });
    expect(JSON.parse(r2.text)).toEqual(['datacenter', 'name', 'rack']);
    // tags() with no expression: every tag name
    const r3 = await send({
      method: 'GET',
      path: `/tags/autoComplete/tags?${feQueryString({ limit: 10000 })}`,
    });
    expect(JSON.parse(r3.text)).toEqual(['datacenter', 'name', 'rack', 'server']);
  });

  it('a missing tag is a 400 {"error": ...}, not a 500', async () => {
    const r = await send({ method: 'GET', path: '/tags/autoComplete/values?expr=name%3Ddisk.used' });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text)).toHaveProperty('error');
  });
});

// ---------------------------------------------------------------- /functions and /version

describe('/functions and /version (editor bootstrap)', () => {
  it('/version is a semver >= 1.1, so Grafana enables tags and the function index', async () => {
    const r = await send({ method: 'GET', path: '/version' });
    expect(r.status).toBe(200);
    // fetched without responseType: JSON.parse fails, the text is kept, then semver-validated (trimmed)
    expect(() => JSON.parse(r.text)).toThrow();
    const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(r.text.trim());
    expect(m).not.toBeNull();
    expect(Number(m![1]) * 100 + Number(m![2])).toBeGreaterThanOrEqual(101);
  });

  it('/functions parses as JSON (no bare Infinity) and has what parseFuncDefs needs', async () => {
    const r = await send({ method: 'GET', path: '/functions' });
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^application\/json/);
    expect(r.text).not.toMatch(/\bInfinity\b|\bNaN\b/);
    // FE fetches as text and patches `"default": Infinity` before parsing; our text needs no patch
    const defs = JSON.parse(r.text.replace(/"default": ?Infinity/g, '"default": 1e9999')) as Record<
      string,
      { name: string; group: string; description?: string; params: Array<Record<string, unknown>> }
    >;
    const TYPES = new Set(
      'boolean date float integer interval intOrInterval intOrInf node nodeOrTag series seriesList seriesLists string tag any aggFunc aggOrSeriesFunc'.split(
        ' ',
      ),
    );
    for (const [name, def] of Object.entries(defs)) {
      expect(def.name).toBe(name);
      expect(typeof def.group).toBe('string');
      expect(Array.isArray(def.params)).toBe(true);
      for (const p of def.params) {
        expect(typeof p.name).toBe('string');
        expect(TYPES.has(p.type as string)).toBe(true);
        if (p.options !== undefined) expect(Array.isArray(p.options)).toBe(true);
        if (p.suggestions !== undefined) expect(Array.isArray(p.suggestions)).toBe(true);
      }
    }
    // every function the demo dashboards use is present and takes a seriesList first (not "fake")
    for (const name of [
      'alias',
      'aliasByNode',
      'aliasSub',
      'asPercent',
      'consolidateBy',
      'groupByNode',
      'groupByNodes',
      'maxSeries',
      'sumSeries',
      'summarize',
    ]) {
      expect(defs[name], name).toBeDefined();
      expect(/^seriesLists?$/.test(defs[name].params[0].type as string), name).toBe(true);
    }
    // generators are "fake" functions in the editor: first param not a seriesList
    expect(defs.constantLine.params[0].type).not.toMatch(/^seriesList/);
    expect(defs.seriesByTag.params[0].type).not.toMatch(/^seriesList/);
    // param mapping the editor relies on: node/nodeOrTag indices, aggFunc options, intervals for summarize
    const gbn = defs.groupByNode.params;
    expect(gbn[1]).toMatchObject({ name: 'nodeNum', type: 'nodeOrTag', required: true });
    expect(gbn[2].name).toBe('callback');
    expect(['aggFunc', 'aggOrSeriesFunc']).toContain(gbn[2].type);
    expect(gbn[2].options).toEqual(expect.arrayContaining(['sum', 'average', 'max']));
    expect(defs.summarize.params[1]).toMatchObject({
      name: 'intervalString',
      type: 'interval',
      required: true,
    });
    expect(defs.aliasByNode.params[1]).toMatchObject({ type: 'nodeOrTag', multiple: true });
    // a `default` survives toString() and Graph-group functions exist to be hidden
    expect(Object.values(defs).some((d) => d.group === 'Graph')).toBe(true);
    expect(defs.summarize.params[2]).toMatchObject({ name: 'func', default: 'sum' });
  });
});

// ---------------------------------------------------------------- annotations

describe('annotations', () => {
  it('frontend events: GET /events/get_data with raw range and space-joined tags', async () => {
    // FE events(): tags = target.tags.join(' '); `&tags=${tags}` unencoded, the browser turns ' ' into %20
    const url = new URL(
      `${base}/events/get_data?from=${translateRaw('now-6h')}&until=${translateRaw('now')}&tags=deploy`,
    );
    expect(url.search).toBe('?from=-6h&until=now&tags=deploy');
    const r = await send({ method: 'GET', path: url.pathname + url.search });
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^application\/json/);
    const events = JSON.parse(r.text) as Array<{
      when: number;
      what: string;
      tags: string[];
      data: string;
      id: number;
    }>;
    // FE annotation shape: {time: when*1000, title: what, tags, text: data}
    expect(events.map((e) => ({ time: e.when * 1000, title: e.what, tags: e.tags, text: e.data }))).toEqual([
      { time: DEPLOYS[0] * 1000, title: 'deploy api v1', tags: ['deploy'], text: 'build 41' },
      { time: DEPLOYS[1] * 1000, title: 'deploy api v2', tags: ['deploy', 'release'], text: 'build 42' },
    ]);
    expect(events.every((e) => Number.isInteger(e.id))).toBe(true);
    const two = new URL(
      `${base}/events/get_data?from=${translateRaw('now-15m')}&until=now&tags=deploy release`,
    );
    expect(two.search).toBe('?from=-15min&until=now&tags=deploy%20release');
    const both = JSON.parse((await send({ method: 'GET', path: two.pathname + two.search })).text);
    expect(both.map((e: { what: string }) => e.what)).toEqual(['deploy api v2']);
  });

  it('backend events resource: Go-encoded query, strict decode (integer when, []string tags)', async () => {
    const r = await send({
      method: 'GET',
      path: `/events/get_data?${goEncode({ from: String(NOW - 3600), until: String(NOW), tags: 'deploy release' })}`,
    });
    expect(goDecodeEvents(r.text)).toEqual([
      { when: DEPLOYS[1], what: 'deploy api v2', tags: ['deploy', 'release'], data: 'build 42' },
    ]);
    const noTags = await send({
      method: 'GET',
      path: `/events/get_data?${goEncode({ from: String(NOW - 3600), until: String(NOW) })}`,
    });
    expect(goDecodeEvents(noTags.text).map((e) => e.what)).toEqual([
      'deploy api v1',
      'maintenance',
      'deploy api v2',
    ]);
  });

  it('target annotations: /render with maxDataPoints 100, every truthy point marks a time', async () => {
    const req = feRender([{ refId: 'Anno', target: 'stats_counts.demo.deploys' }], {
      fromMs: FROM_1H * 1000,
      toMs: NOW * 1000,
      maxDataPoints: 100,
    });
    const frames = feFrames((await send(req)).text);
    expect(frames.map((f) => [f.refId, f.name])).toEqual([['Anno', 'stats_counts.demo.deploys']]);
    const marks = frames[0].times.filter((_, j) => frames[0].values[j]);
    // 360 points -> 4 per bucket of 40 s; the bucket stamped T holds raw points T-10 .. T+20
    const spp = 40;
    expect(marks).toEqual(DEPLOYS.map((d) => Math.floor((d + STEP) / spp) * spp * 1000));
  });
});

// ---------------------------------------------------------------- CORS (browser/direct access)

describe('CORS, as the docker image nginx allows direct browser access', () => {
  it('preflight for a render POST with basic auth', async () => {
    const r = await send({
      method: 'OPTIONS',
      path: '/render',
      headers: {
        Origin: 'http://grafana.example:3000',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,content-type',
      },
    });
    expect(r.status).toBeLessThan(300);
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
    expect(r.headers.get('access-control-allow-methods')).toMatch(/POST/);
    expect(r.headers.get('access-control-allow-methods')).toMatch(/GET/);
    const allowed = (r.headers.get('access-control-allow-headers') ?? '').toLowerCase();
    expect(allowed).toContain('authorization');
    expect(allowed).toContain('content-type');
  });

  it('Access-Control-Allow-Origin on data, find, tags, events, functions and version answers', async () => {
    const origin = { Origin: 'http://grafana.example:3000' };
    const reqs: Replayed[] = [
      { ...beRender('constantLine(1)', NOW - 60, NOW, 10), headers: { ...FORM, ...origin } },
      { method: 'POST', path: '/metrics/find', headers: { ...FORM, ...origin }, body: 'query=*' },
      { method: 'GET', path: '/tags/autoComplete/tags?limit=1', headers: origin },
      { method: 'GET', path: '/events/get_data?from=-1h&until=now', headers: origin },
      { method: 'GET', path: '/functions', headers: origin },
      { method: 'GET', path: '/version', headers: origin },
    ];
    for (const q of reqs) {
      const r = await send(q);
      expect([q.path, r.status, r.headers.get('access-control-allow-origin')]).toEqual([q.path, 200, '*']);
    }
  });
});
