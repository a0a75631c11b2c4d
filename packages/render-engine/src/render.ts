// `/render`: parameters and times parsed as graphite-web's parseOptions does, targets evaluated,
// the chosen format rendered, responses cached per cacheTimeout/noCache.

import { isValidTimeZone, parseATTime } from './attime.js';
import { InputParameterError } from './errors.js';
import { createContext, evaluateTargets } from './evaluator.js';
import {
  renderCsv,
  renderDygraph,
  renderJson,
  renderMsgpack,
  renderPickle,
  renderRaw,
  renderRickshaw,
} from './formats.js';
import './functions/index.js';
import { type EvalContext, getPieFunction } from './functions/registry.js';
import { type PieSlice, renderGraph, renderPie } from './graph-render.js';
import { RenderCache } from './render-cache.js';
import type { Series } from './series.js';
import type { RenderRequest, RenderResponse, Storage } from './storage.js';

export interface RenderOptions {
  storage: Storage;
  /** Response cache shared between requests; omit to disable caching. */
  cache?: RenderCache;
  /** Default time zone (graphite-web's TIME_ZONE setting). */
  defaultTz?: string;
  /** Per-request limits. */
  maxSeries?: number;
  maxPoints?: number;
  timeoutMs?: number;
  /** Default cacheTimeout in seconds (graphite-web's DEFAULT_CACHE_DURATION). */
  defaultCacheTimeout?: number;
}

type Params = RenderRequest['params'];

/** Last value of a parameter (Django QueryDict semantics), undefined when absent. */
function last(params: Params, key: string): string | undefined {
  const v = params[key];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v[v.length - 1] : v;
}
function all(params: Params, key: string): string[] {
  const v = params[key];
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}
const has = (params: Params, key: string) => params[key] !== undefined;

function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function badRequest(message: string, targets: string[]): RenderResponse {
  let msg = `Invalid parameters (${message})`;
  if (targets.length) msg += `; targets: "${targets.join(', ')}"`;
  return { status: 400, contentType: 'text/html', body: escapeHtml(msg) };
}

export interface ParsedRenderRequest {
  targets: string[];
  /** `line` (default) or `pie` (always an image, like graphite-web). */
  graphType: string;
  pieMode: string;
  format: string;
  jsonp?: string;
  pretty: boolean;
  noCache: boolean;
  cacheTimeout: number;
  maxDataPoints?: number;
  noNullPoints: boolean;
  tz: string;
  now: number;
  startTime: number;
  endTime: number;
  xFilesFactor: number;
  template: Record<string, string>;
  graphOptions: Record<string, string>;
}

/** graphite-web's parseOptions (the parts that matter outside image rendering). */
export function parseRenderParams(
  req: RenderRequest,
  opts: Pick<RenderOptions, 'defaultTz' | 'defaultCacheTimeout'> = {},
): ParsedRenderRequest {
  const p = req.params;
  let targets = all(p, 'target');
  if (!targets.length) targets = all(p, 'target[]');
  targets = targets.filter((t) => t.trim() !== '');
  const template: Record<string, string> = {};
  for (const k of Object.keys(p)) {
    if (k.startsWith('template[') && k.endsWith(']')) template[k.slice(9, -1)] = last(p, k) as string;
  }
  let format = 'png';
  if (has(p, 'pickle')) format = 'pickle';
  if (has(p, 'rawData')) format = 'raw';
  let jsonp: string | undefined;
  if (has(p, 'format')) {
    format = last(p, 'format') as string;
    if (has(p, 'jsonp')) jsonp = last(p, 'jsonp');
  }
  const cacheRaw = last(p, 'cacheTimeout');
  let cacheTimeout = opts.defaultCacheTimeout ?? 60;
  if (cacheRaw !== undefined) {
    if (!/^\s*[+-]?\d+\s*$/.test(cacheRaw))
      throw new InputParameterError(`invalid literal for int() with base 10: '${cacheRaw}'`);
    cacheTimeout = Number(cacheRaw);
  }
  const mdp = last(p, 'maxDataPoints');
  // graphite-web divides by it (ZeroDivisionError -> 500); refuse it plainly
  if (mdp !== undefined && /^\d+$/.test(mdp) && Number(mdp) === 0)
    throw new InputParameterError('maxDataPoints must be at least 1');
  const tzParam = last(p, 'tz');
  const tz = tzParam !== undefined && isValidTimeZone(tzParam) ? tzParam : (opts.defaultTz ?? 'UTC');
  const wall = req.now ?? Date.now() / 1000;
  const nowParam = last(p, 'now');
  const now = nowParam !== undefined ? parseATTime(nowParam, tz, wall) : Math.floor(wall);
  const untilParam = last(p, 'until');
  const fromParam = last(p, 'from');
  const until = untilParam !== undefined ? parseATTime(untilParam, tz, now) : now;
  const from = fromParam !== undefined ? parseATTime(fromParam, tz, now) : parseATTime('-1d', tz, now);
  const startTime = Math.min(from, until);
  const endTime = Math.max(from, until);
  if (startTime === endTime) throw new InputParameterError('Invalid empty time range');
  const xffRaw = last(p, 'xFilesFactor');
  const xFilesFactor = xffRaw !== undefined ? Number(xffRaw) : 0;
  if (Number.isNaN(xFilesFactor))
    throw new InputParameterError(`could not convert string to float: '${xffRaw}'`);
  const graphOptions: Record<string, string> = {};
  for (const k of Object.keys(p)) graphOptions[k] = last(p, k) as string;
  const graphType = last(p, 'graphType') ?? 'line';
  if (graphType !== 'line' && graphType !== 'pie') {
    throw new InputParameterError(`Invalid graphType '${graphType}', must be one of ['line', 'pie']`);
  }
  return {
    targets,
    graphType,
    pieMode: last(p, 'pieMode') ?? 'average',
    format,
    jsonp,
    pretty: Boolean(last(p, 'pretty')),
    noCache: has(p, 'noCache') || cacheTimeout === 0,
    cacheTimeout,
    maxDataPoints: mdp !== undefined && /^\d+$/.test(mdp) ? Number(mdp) : undefined,
    noNullPoints: has(p, 'noNullPoints'),
    tz,
    now,
    startTime,
    endTime,
    xFilesFactor,
    template,
    graphOptions,
  };
}

/** graphType=pie data: literal `name:value` targets, or one pieMode value per evaluated series. */
async function pieSlices(ctx: EvalContext, r: ParsedRenderRequest): Promise<PieSlice[]> {
  const out: PieSlice[] = [];
  const fn = getPieFunction(r.pieMode);
  if (!fn) throw new InputParameterError(`Received request for unknown pie function: ${r.pieMode}`);
  for (const target of r.targets) {
    if (target.includes(':')) {
      const i = target.indexOf(':');
      const value = Number(target.slice(i + 1));
      if (target.slice(i + 1).trim() === '' || Number.isNaN(value))
        throw new InputParameterError(`Invalid target '${target}'`);
      out.push({ name: target.slice(0, i), value });
      continue;
    }
    for (const s of await evaluateTargets(ctx, [target])) {
      const [v] = await fn.fn(ctx, s);
      out.push({ name: s.name, value: v?.values[0] ?? 0 });
    }
  }
  return out;
}

function withJsonp(body: string, jsonp: string | undefined, contentType: string): RenderResponse {
  if (jsonp !== undefined) return { status: 200, contentType: 'text/javascript', body: `${jsonp}(${body})` };
  return { status: 200, contentType, body };
}

/** Formats evaluated series as the request asked. */
export function formatResponse(data: Series[], r: ParsedRenderRequest): RenderResponse {
  switch (r.format) {
    case 'json':
      return withJsonp(
        renderJson(data, { pretty: r.pretty, noNullPoints: r.noNullPoints, maxDataPoints: r.maxDataPoints }),
        r.jsonp,
        'application/json',
      );
    case 'csv':
      return { status: 200, contentType: 'text/csv', body: renderCsv(data, r.tz) };
    case 'raw':
      return { status: 200, contentType: 'text/plain', body: renderRaw(data) };
    case 'pickle':
      return { status: 200, contentType: 'application/pickle', body: renderPickle(data) };
    case 'msgpack':
      return { status: 200, contentType: 'application/x-msgpack', body: renderMsgpack(data) };
    case 'dygraph':
      return withJsonp(renderDygraph(data), r.jsonp, 'application/json');
    case 'rickshaw':
      return withJsonp(renderRickshaw(data, r.pretty), r.jsonp, 'application/json');
    default:
      return renderGraph(data, r);
  }
}

function cacheHeaders(ttl: number, useCache: boolean, nowMs: number): Record<string, string> {
  if (!useCache) {
    return {
      'Cache-Control': 'max-age=0, no-cache, no-store, must-revalidate, private',
      Expires: new Date(nowMs).toUTCString(),
    };
  }
  return { 'Cache-Control': `max-age=${ttl}`, Expires: new Date(nowMs + ttl * 1000).toUTCString() };
}

/** Handles one `/render` request. Never throws: bad input is a 400, anything else a 500. */
export async function handleRender(req: RenderRequest, opts: RenderOptions): Promise<RenderResponse> {
  const rawTargets = all(req.params, 'target');
  let parsed: ParsedRenderRequest;
  try {
    parsed = parseRenderParams(req, opts);
  } catch (e) {
    return badRequest((e as Error).message, rawTargets);
  }
  const useCache = !parsed.noCache && opts.cache !== undefined;
  const key = useCache ? RenderCache.key(req.params, req.now) : '';
  if (useCache) {
    const hit = opts.cache?.get(key);
    if (hit) return hit;
  }
  try {
    const ctx = createContext({
      startTime: parsed.startTime,
      endTime: parsed.endTime,
      now: parsed.now,
      tz: parsed.tz,
      storage: opts.storage,
      xFilesFactor: parsed.xFilesFactor,
      templateParams: parsed.template,
      maxSeries: opts.maxSeries,
      maxPoints: opts.maxPoints,
      timeoutMs: opts.timeoutMs,
    });
    let response: RenderResponse;
    if (parsed.graphType === 'pie') {
      response = renderPie(await pieSlices(ctx, parsed), parsed);
    } else {
      const data = await evaluateTargets(ctx, parsed.targets);
      response = formatResponse(data, parsed);
    }
    response.headers = { ...response.headers, ...cacheHeaders(parsed.cacheTimeout, useCache, Date.now()) };
    if (useCache) opts.cache?.set(key, response, parsed.cacheTimeout);
    return response;
  } catch (e) {
    if (e instanceof InputParameterError) return badRequest(e.message, parsed.targets);
    return {
      status: 500,
      contentType: 'text/plain',
      body: `Internal error while rendering: ${(e as Error)?.message ?? String(e)}`,
    };
  }
}
