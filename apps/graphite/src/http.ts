// graphite-web's HTTP API on fastify: metrics find/expand/index, render and functions (via the
// render engine), tags, events, version and health. Parameters are merged like Django does.

import {
  handleFunctions,
  handleRender,
  parseATTime,
  RenderCache,
  type RenderResponse,
} from '@appliance/render-engine';
import cors from '@fastify/cors';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Finder, Node } from './finder.js';
import { merge, type Params, param, parseMultipart, parseUrlEncoded, queryParams, toRecord } from './form.js';
import { MetricNameError } from './names.js';
import { pyDumps } from './pyjson.js';
import type { GraphiteStorage } from './storage.js';
import { type TagDb, TagQueryError } from './tagdb.js';

export const GRAPHITE_VERSION = '1.1.10';

export interface HttpDeps {
  finder: Finder;
  storage: GraphiteStorage;
  tagdb: TagDb;
  log: Logger;
  health: () => Record<string, unknown>;
  /** tagged series registered over HTTP must be indexed like ingested ones */
  timeZone?: string;
  /** Seconds a /render answer is reused when the request sets no cacheTimeout (0: only on request). */
  defaultCacheDuration?: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    params_: Params;
  }
}

class HttpError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

function sendJson(req: FastifyRequest, reply: FastifyReply, data: unknown, status = 200): FastifyReply {
  // graphite-web's json_response_for: ASCII-escaped only when the client asked for exactly JSON
  const accept = req.headers.accept ?? 'application/json';
  const ensureAscii = accept === 'application/json';
  const pretty = Boolean(param(req.params_, 'pretty'));
  let body = pyDumps(data, { ensureAscii, indent: pretty ? 2 : undefined, sortKeys: pretty });
  let type = 'application/json';
  const jsonp = param(req.params_, 'jsonp');
  if (jsonp) {
    body = `${jsonp}(${body})`;
    type = 'text/javascript';
  }
  if (!ensureAscii) type += ';charset=utf-8';
  return reply.code(status).header('content-type', type).send(Buffer.from(body));
}

/** graphite.util.jsonResponse: JSON body, `{"error": msg}` with 400/500 on failure. */
function jsonView(fn: (req: FastifyRequest) => unknown | Promise<unknown>) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    let data: unknown;
    try {
      data = await fn(req);
    } catch (e) {
      const status =
        e instanceof HttpError
          ? e.status
          : e instanceof TagQueryError || e instanceof MetricNameError || e instanceof RangeError
            ? 400
            : 500;
      if (status === 500) req.log.error({ err: e }, 'request failed');
      data = { error: (e as Error).message };
      return sendTagJson(req, reply, data, status);
    }
    if (data === METHOD_NOT_ALLOWED) return reply.code(405).type('text/html; charset=utf-8').send('');
    return sendTagJson(req, reply, data, 200);
  };
}

function sendTagJson(req: FastifyRequest, reply: FastifyReply, data: unknown, status: number): FastifyReply {
  const pretty = Boolean(param(req.params_, 'pretty'));
  let body = pyDumps(data, { indent: pretty ? 2 : undefined, sortKeys: pretty });
  let type = 'application/json';
  const jsonp = param(req.params_, 'jsonp');
  if (jsonp) {
    body = `${jsonp}(${body})`;
    type = 'text/javascript';
  }
  return reply.code(status).header('content-type', type).send(Buffer.from(body));
}

const METHOD_NOT_ALLOWED = Symbol('405');

function sendRender(reply: FastifyReply, res: RenderResponse): FastifyReply {
  // set verbatim: reply.type() would append a charset graphite-web does not send
  reply.code(res.status).header('content-type', res.contentType);
  for (const [k, v] of Object.entries(res.headers ?? {})) reply.header(k, v);
  // a Buffer body keeps fastify from rewriting the content type (it appends a charset to strings)
  return reply.send(Buffer.from(res.body));
}

function intParam(p: Params, k: string, dflt: number): number {
  const v = param(p, k);
  if (v === undefined) return dflt;
  const n = Number.parseInt(v, 10);
  if (Number.isNaN(n) || !/^\s*[+-]?\d+\s*$/.test(v))
    throw new HttpError(`Invalid int value ${v} for param ${k}`, 400);
  return n;
}

function listParam(p: Params, k: string): string[] {
  const v = p.get(k);
  if (v?.length) return v;
  return p.get(`${k}[]`) ?? [];
}

function treeJson(nodes: Node[], basePath: string, wildcards: boolean): unknown[] {
  const branch = { allowChildren: 1, expandable: 1, leaf: 0 };
  const leaf = { allowChildren: 0, expandable: 0, leaf: 1 };
  const results: unknown[] = [];
  if (nodes.length > 1 && wildcards) {
    results.push({ text: '*', id: `${basePath}*`, ...(nodes.some((n) => !n.isLeaf) ? branch : leaf) });
  }
  const found = new Set<string>();
  const branches: unknown[] = [];
  const leaves: unknown[] = [];
  for (const n of nodes) {
    if (found.has(n.name)) continue;
    found.add(n.name);
    const entry = { text: unquotePlus(n.name), id: basePath + n.name };
    if (n.isLeaf) leaves.push({ ...entry, ...leaf });
    else branches.push({ ...entry, ...branch });
  }
  return [...results, ...branches, ...leaves];
}

function unquotePlus(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s.replace(/\+/g, ' ');
  }
}

export async function buildHttp(deps: HttpDeps): Promise<FastifyInstance> {
  const app = Fastify({
    // request logs at info would drown the daemon's own logs
    loggerInstance: deps.log.child({ component: 'http' }, { level: 'warn' }),
    bodyLimit: 64 << 20,
  }) as unknown as FastifyInstance;
  // the docker image's nginx answers every origin
  await app.register(cors, {
    origin: '*',
    methods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
    allowedHeaders: ['origin', 'authorization', 'accept', 'content-type', 'x-requested-with'],
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.decorateRequest('params_', null as unknown as Params);
  app.addHook('preHandler', async (req) => {
    const q = queryParams(req.url);
    let body: Params = new Map();
    const ct = String(req.headers['content-type'] ?? '');
    if (req.method === 'POST' && Buffer.isBuffer(req.body)) {
      if (ct.startsWith('multipart/form-data')) body = parseMultipart(req.body, ct);
      else if (!ct.startsWith('application/json')) body = parseUrlEncoded(req.body.toString('utf8'));
    }
    req.params_ = merge(q, body);
  });

  const tz = deps.timeZone ?? 'UTC';

  app.get('/health', async () => deps.health());
  app.get('/version', async (_req, reply) =>
    reply.type('text/html; charset=utf-8').send(`${GRAPHITE_VERSION}\n`),
  );
  app.get('/version/', async (_req, reply) =>
    reply.type('text/html; charset=utf-8').send(`${GRAPHITE_VERSION}\n`),
  );

  // ---- metrics ----
  const find = async (req: FastifyRequest, reply: FastifyReply) => {
    const p = req.params_;
    const format = param(p, 'format') ?? 'treejson';
    let query = param(p, 'query');
    try {
      if (query === undefined) throw new HttpError("Missing required parameter 'query'", 400);
      if (query === '') throw new HttpError("Required parameter 'query' is empty", 400);
      const wildcards = intParam(p, 'wildcards', 0) !== 0;
      const leavesOnly = intParam(p, 'leavesOnly', 0) !== 0;
      const automaticVariants = intParam(p, 'automatic_variants', 0) !== 0;
      const position = intParam(p, 'position', -1);
      const basePath = query.includes('.') ? `${query.slice(0, query.lastIndexOf('.'))}.` : '';
      if (format === 'completer') {
        query = query.replaceAll('..', '*.');
        if (!query.endsWith('*')) query += '*';
        if (automaticVariants) {
          query = query
            .split('.')
            .map((part) => (part.includes(',') && !part.includes('{') ? `{${part}}` : part))
            .join('.');
        }
      }
      let nodes = await deps.finder.find(query);
      if (leavesOnly) nodes = nodes.filter((n) => n.isLeaf);
      reply.header('Pragma', 'no-cache').header('Cache-Control', 'no-cache');
      switch (format) {
        case 'treejson':
          return sendJson(req, reply, treeJson(nodes, basePath, wildcards));
        case 'completer': {
          const metrics: unknown[] = nodes.map((n) => ({
            path: n.isLeaf ? n.path : `${n.path}.`,
            name: n.name,
            is_leaf: n.isLeaf ? '1' : '0',
          }));
          if (metrics.length > 1 && wildcards) metrics.push({ name: '*' });
          return sendJson(req, reply, { metrics });
        }
        case 'nodelist': {
          const set = new Set<string>();
          for (const n of nodes) {
            const parts = n.path.split('.');
            const v = parts[position < 0 ? parts.length + position : position];
            if (v !== undefined) set.add(v);
          }
          return sendJson(req, reply, { nodes: [...set].sort() });
        }
        case 'json': {
          const now = Date.now() / 1000;
          const out = await Promise.all(
            nodes.map(async (n) => {
              const info: Record<string, unknown> = { path: n.path, is_leaf: n.isLeaf };
              if (n.isLeaf) info.intervals = await deps.storage.intervals(n.path, now);
              return info;
            }),
          );
          out.sort((a, b) =>
            (a.path as string) < (b.path as string) ? -1 : (a.path as string) > (b.path as string) ? 1 : 0,
          );
          return sendJson(req, reply, out);
        }
        default:
          return reply.code(400).type('text/plain').send("Invalid value for 'format' parameter");
      }
    } catch (e) {
      if (e instanceof HttpError) return reply.code(e.status).type('text/plain').send(e.message);
      throw e;
    }
  };
  for (const url of ['/metrics/find', '/metrics/find/', '/metrics', '/metrics/'])
    app.route({ method: ['GET', 'POST'], url, handler: find });

  const expand = async (req: FastifyRequest, reply: FastifyReply) => {
    const p = req.params_;
    const groupByExpr = intParam(p, 'groupByExpr', 0) !== 0;
    const leavesOnly = intParam(p, 'leavesOnly', 0) !== 0;
    const results: Record<string, string[]> = {};
    for (const q of p.get('query') ?? []) {
      const set = new Set<string>(results[q] ?? []);
      for (const n of await deps.finder.find(q)) if (n.isLeaf || !leavesOnly) set.add(n.path);
      results[q] = [...set].sort();
    }
    reply.header('Pragma', 'no-cache').header('Cache-Control', 'no-cache');
    if (groupByExpr) return sendJson(req, reply, { results });
    return sendJson(req, reply, { results: [...new Set(Object.values(results).flat())].sort() });
  };
  for (const url of ['/metrics/expand', '/metrics/expand/'])
    app.route({ method: ['GET', 'POST'], url, handler: expand });

  const index = async (req: FastifyRequest, reply: FastifyReply) => {
    try {
      return sendJson(req, reply, await deps.finder.index());
    } catch (e) {
      req.log.error({ err: e }, 'index failed');
      return sendJson(req, reply, [], 500);
    }
  };
  for (const url of ['/metrics/index.json', '/metrics/index.json/'])
    app.route({ method: ['GET', 'POST'], url, handler: index });

  // ---- render and functions (render engine) ----
  const renderCache = new RenderCache();
  const render = async (req: FastifyRequest, reply: FastifyReply) => {
    const res = await handleRender(
      { params: toRecord(req.params_) },
      {
        storage: deps.storage,
        defaultTz: tz,
        cache: renderCache,
        defaultCacheTimeout: deps.defaultCacheDuration ?? 0,
      },
    );
    return sendRender(reply, res);
  };
  for (const url of ['/render', '/render/']) app.route({ method: ['GET', 'POST'], url, handler: render });
  const functions = async (req: FastifyRequest<{ Params: { name?: string } }>, reply: FastifyReply) => {
    const res = handleFunctions({ name: req.params.name, method: req.method, params: toRecord(req.params_) });
    return sendRender(reply, res);
  };
  for (const url of ['/functions', '/functions/', '/functions/:name', '/functions/:name/']) {
    app.route({ method: ['GET', 'POST'], url, handler: functions });
  }

  // ---- tags ----
  const tags = deps.tagdb;
  const route = (url: string, methods: string[], fn: (req: FastifyRequest) => unknown) => {
    const handler = jsonView((req) => (methods.includes(req.method) ? fn(req) : METHOD_NOT_ALLOWED));
    for (const u of [url, `${url}/`])
      app.route({ method: ['GET', 'POST', 'DELETE', 'PUT'], url: u, handler });
  };
  const limitOf = (p: Params, dflt?: number): number | undefined => {
    const v = param(p, 'limit');
    if (v === undefined || v === '') return dflt;
    if (!/^\s*[+-]?\d+\s*$/.test(v))
      throw new HttpError(`invalid literal for int() with base 10: '${v}'`, 400);
    return Number.parseInt(v, 10);
  };
  route('/tags/tagSeries', ['POST'], (req) => {
    const path = param(req.params_, 'path');
    if (!path) throw new HttpError('no path specified', 400);
    return tags.tagSeries(path);
  });
  route('/tags/tagMultiSeries', ['POST'], (req) => {
    const paths = listParam(req.params_, 'path');
    if (!paths.length) throw new HttpError('no paths specified', 400);
    return paths.map((p) => tags.tagSeries(p));
  });
  route('/tags/delSeries', ['POST'], (req) => {
    const paths = listParam(req.params_, 'path');
    if (!paths.length) throw new HttpError('no path specified', 400);
    for (const p of paths) tags.delSeries(p);
    return true;
  });
  route('/tags/findSeries', ['GET', 'POST'], (req) => {
    const exprs = listParam(req.params_, 'expr');
    if (!exprs.length) throw new HttpError('no tag expressions specified', 400);
    return tags.findSeries(exprs);
  });
  route('/tags/autoComplete/tags', ['GET', 'POST'], (req) => {
    const p = req.params_;
    return tags.autoCompleteTags(listParam(p, 'expr'), param(p, 'tagPrefix') || undefined, limitOf(p, 100)!);
  });
  route('/tags/autoComplete/values', ['GET', 'POST'], (req) => {
    const p = req.params_;
    const tag = param(p, 'tag');
    if (!tag) throw new HttpError('no tag specified', 400);
    return tags.autoCompleteValues(
      listParam(p, 'expr'),
      tag,
      param(p, 'valuePrefix') || undefined,
      limitOf(p, 100)!,
    );
  });
  route('/tags', ['GET'], (req) => {
    const q = queryParams(req.url);
    return tags.listTags(param(q, 'filter') || undefined, limitOf(q));
  });
  const tagDetails = jsonView((req) => {
    if (req.method !== 'GET') return METHOD_NOT_ALLOWED;
    const { tag } = req.params as { tag: string };
    return tags.getTag(tag, param(req.params_, 'filter') || undefined, limitOf(req.params_));
  });
  app.route({ method: ['GET', 'POST'], url: '/tags/:tag', handler: tagDetails });
  app.route({ method: ['GET', 'POST'], url: '/tags/:tag/', handler: tagDetails });

  // ---- events ----
  const postEvent = async (req: FastifyRequest, reply: FastifyReply) => {
    let ev: unknown;
    try {
      ev = JSON.parse(Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '');
    } catch {
      return reply
        .code(400)
        .type('application/json')
        .send(pyDumps({ error: 'invalid JSON body' }));
    }
    if (ev === null || typeof ev !== 'object' || Array.isArray(ev)) {
      return reply
        .code(400)
        .type('application/json')
        .send(pyDumps({ error: 'event must be a JSON object' }));
    }
    const e = ev as Record<string, unknown>;
    let tagList: string[] = [];
    if (Array.isArray(e.tags)) tagList = e.tags.map(String);
    else if (typeof e.tags === 'string') tagList = e.tags.split(/\s+/).filter(Boolean);
    else if (e.tags !== undefined && e.tags !== null) {
      return reply
        .code(400)
        .type('application/json')
        .send(pyDumps({ error: '"tags" must be an array or space-separated string' }));
    }
    if (typeof e.what !== 'string') {
      return reply
        .code(400)
        .type('application/json')
        .send(pyDumps({ error: '"what" must be a string' }));
    }
    const when = e.when === undefined ? Date.now() / 1000 : Number(e.when);
    if (!Number.isFinite(when))
      return reply
        .code(400)
        .type('application/json')
        .send(pyDumps({ error: 'invalid "when"' }));
    const data = e.data === undefined || e.data === null ? '' : String(e.data);
    tags.addEvent(when, e.what.slice(0, 255), data, tagList);
    return reply.code(200).type('text/html; charset=utf-8').send('');
  };
  app.post('/events', postEvent);
  app.post('/events/', postEvent);
  const getData = async (req: FastifyRequest, reply: FastifyReply) => {
    // only the query string selects events (graphite-web reads request.GET)
    const q = queryParams(req.url);
    const now = Date.now() / 1000;
    let from = 0;
    let until = now;
    try {
      const f = param(q, 'from');
      const u = param(q, 'until');
      if (f !== undefined) from = parseATTime(f, tz, now);
      if (u !== undefined) until = parseATTime(u, tz, now);
    } catch (e) {
      return reply
        .code(400)
        .type('application/json')
        .send(pyDumps({ error: (e as Error).message }));
    }
    const tagsParam = param(q, 'tags');
    const tagList = tagsParam !== undefined ? tagsParam.split(' ') : [];
    const events = tags.findEvents(from, until, tagList, param(q, 'set')).map((e) => ({
      when: e.when,
      what: e.what,
      data: e.data,
      tags: e.tags,
      id: e.id,
    }));
    const body = pyDumps(events);
    const jsonp = param(req.params_, 'jsonp');
    if (jsonp) return reply.type('text/javascript').send(`${jsonp}(${body})`);
    return reply.type('application/json').send(body);
  };
  for (const url of ['/events/get_data', '/events/get_data/'])
    app.route({ method: ['GET', 'POST'], url, handler: getData });
  const eventDetail = async (req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => {
    const id = Number(req.params.id);
    if (!/^\d+$/.test(req.params.id)) return reply.code(404).send('');
    if (req.method === 'DELETE') {
      return tags.deleteEvent(id)
        ? reply.code(200).send('')
        : reply
            .code(404)
            .type('application/json')
            .send(pyDumps({ error: 'Event matching query does not exist' }));
    }
    const e = tags.getEvent(id);
    if (!e)
      return reply
        .code(404)
        .type('application/json')
        .send(pyDumps({ error: 'Event matching query does not exist' }));
    const iso = new Date(e.when * 1000).toISOString().replace('.000Z', 'Z');
    return reply
      .type('application/json')
      .send(pyDumps({ id: e.id, when: iso, what: e.what, data: e.data, tags: e.tags }));
  };
  for (const url of ['/events/:id', '/events/:id/'])
    app.route({ method: ['GET', 'DELETE'], url, handler: eventDetail });

  return app;
}
