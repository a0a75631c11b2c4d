// Evaluates parsed targets against a Storage: prefetch of every path, argument conversion by the
// functions' param types (as graphite-web's validateParams does), per-request limits.

import { InputParameterError, LimitExceededError } from './errors.js';
import { type EvalContext, getFunction, type ParamDef } from './functions/registry.js';
import { SIGNATURES } from './functions/signatures.js';
import { collectPaths, type ParsedExpr, parseTarget } from './grammar.js';
import { parseTaggedName, Series } from './series.js';
import type { Storage, StoredSeries } from './storage.js';

export interface EvalOptions {
  startTime: number;
  endTime: number;
  now: number;
  tz: string;
  storage: Storage;
  xFilesFactor?: number;
  templateParams?: Record<string, string>;
  /** Most series a request may fetch in total (default 100000). */
  maxSeries?: number;
  /** Wall-clock budget of a request in ms (default 30000). */
  timeoutMs?: number;
  /** Most datapoints a request may fetch in total (default 50 million). */
  maxPoints?: number;
}

type Replacements = Record<string, unknown>;

/** Per-request fetch cache: window -> path expression -> raw stored series. */
type FetchCache = Map<string, Map<string, StoredSeries[]>>;

export function createContext(opts: EvalOptions): EvalContext {
  const cache: FetchCache = new Map();
  const shared = {
    seriesFetched: 0,
    deadline: Date.now() + (opts.timeoutMs ?? 30000),
    maxSeries: opts.maxSeries ?? 100000,
    pointsFetched: 0,
    maxPoints: opts.maxPoints ?? 50_000_000,
  };
  const ctx: EvalContext = {
    startTime: opts.startTime,
    endTime: opts.endTime,
    now: opts.now,
    tz: opts.tz,
    storage: opts.storage,
    xFilesFactor: opts.xFilesFactor ?? 0,
    templateParams: opts.templateParams,
    shared,
    evaluate: (target, overrides) => {
      const sub: EvalContext = { ...ctx, ...overrides, call: undefined };
      return evaluateTargets(sub, [target]);
    },
    fetchPaths: async (paths, startTime, endTime) => {
      const out: Series[] = [];
      const got = await fetchRaw(ctx, cache, paths, startTime, endTime);
      for (const p of paths) out.push(...toSeries(p, got.get(p) ?? [], ctx.xFilesFactor));
      return out;
    },
  };
  (ctx as EvalContext & { _cache: FetchCache })._cache = cache;
  return ctx;
}

function cacheOf(ctx: EvalContext): FetchCache {
  return (ctx as EvalContext & { _cache: FetchCache })._cache;
}

function checkDeadline(ctx: EvalContext): void {
  if (Date.now() > ctx.shared.deadline)
    throw new LimitExceededError('Request took too long to evaluate (time limit exceeded)');
}

/** Tag expressions of a `seriesByTag(...)` call text. */
function tagExpressions(raw: string): string[] {
  const expr = parseTarget(raw);
  if (expr.type !== 'call') return [];
  const exprs = expr.args.map((a) => {
    if (a.type !== 'string') throw new InputParameterError('seriesByTag() arguments must be strings');
    return a.value;
  });
  if (!exprs.length) throw new InputParameterError('seriesByTag(): no tag expressions given');
  if (exprs.every(matchesEmpty))
    throw new InputParameterError('At least one tagspec must not match the empty string');
  return exprs;
}

/** True when a tag expression is satisfied by a series lacking the tag (graphite-web's rule). */
function matchesEmpty(expr: string): boolean {
  const m = /^([^;!=]+)(!?=~?)([^;]*)$/.exec(expr);
  if (!m) throw new InputParameterError(`Invalid tagspec ${expr}`);
  const [, , op, spec] = m;
  if (op === '=') return spec === '';
  if (op === '!=') return spec !== '';
  let re: RegExp;
  try {
    re = new RegExp(spec.startsWith('^') ? spec : `^(${spec})`);
  } catch {
    throw new InputParameterError(`Invalid regular expression in tagspec ${expr}`);
  }
  return op === '=~' ? re.test('') : !re.test('');
}

async function fetchRaw(
  ctx: EvalContext,
  cache: FetchCache,
  patterns: string[],
  startTime: number,
  endTime: number,
): Promise<Map<string, StoredSeries[]>> {
  const key = `${startTime}:${endTime}:${ctx.now}`;
  let window = cache.get(key);
  if (!window) {
    window = new Map();
    cache.set(key, window);
  }
  const missing = patterns.filter((p) => !window.has(p));
  if (missing.length) {
    const leavesByPattern = new Map<string, string[]>();
    await Promise.all(
      missing.map(async (p) => {
        let leaves: string[];
        if (p.startsWith('seriesByTag(')) leaves = await ctx.storage.findSeriesByTags(tagExpressions(p));
        else if (ctx.storage.findLeaves) {
          leaves = await ctx.storage.findLeaves(p, { from: startTime, until: endTime });
        } else {
          const found = await ctx.storage.find(p, { from: startTime, until: endTime });
          leaves = found.filter((m) => m.isLeaf).map((m) => m.path);
        }
        leavesByPattern.set(p, [...new Set(leaves)]);
      }),
    );
    const all = [...new Set([...leavesByPattern.values()].flat())];
    ctx.shared.seriesFetched += all.length;
    if (ctx.shared.seriesFetched > ctx.shared.maxSeries) {
      throw new LimitExceededError(
        `Request fetches more than ${ctx.shared.maxSeries} series (series limit exceeded)`,
      );
    }
    const fetched = all.length ? await ctx.storage.fetch(all, startTime, endTime, ctx.now) : [];
    let points = ctx.shared.pointsFetched ?? 0;
    for (const f of fetched) points += storedLength(f);
    ctx.shared.pointsFetched = points;
    const maxPoints = ctx.shared.maxPoints ?? Number.POSITIVE_INFINITY;
    if (points > maxPoints) {
      throw new LimitExceededError(
        `Request fetches more than ${maxPoints} datapoints (datapoint limit exceeded)`,
      );
    }
    const byPath = new Map(fetched.map((s) => [s.path, s]));
    for (const [p, leaves] of leavesByPattern) {
      window.set(
        p,
        leaves.map((l) => byPath.get(l)).filter((s): s is StoredSeries => s !== undefined),
      );
    }
    checkDeadline(ctx);
  }
  return window;
}

/** Stored series to fresh Series objects named by path, pathExpression = the pattern, sorted by name. */
function toSeries(pattern: string, stored: StoredSeries[], xFilesFactor: number): Series[] {
  const byName = new Map<string, StoredSeries>();
  for (const s of stored) {
    const known = byName.get(s.path);
    if (!known || nulls(known) > nulls(s)) byName.set(s.path, s);
  }
  return [...byName.keys()].sort(pyCompare).map((name) => {
    const s = byName.get(name) as StoredSeries;
    return new Series({
      name,
      start: s.start,
      end: s.end,
      step: s.step,
      // a packed column is never written, so it needs no copy (the fetch cache shares it)
      ...(s.packed ? { packed: s.packed } : { values: (s.values ?? []).slice() }),
      pathExpression: pattern,
      tags: parseTaggedName(name) ?? { name },
      xFilesFactor,
    });
  });
}

function storedLength(s: StoredSeries): number {
  return s.packed ? s.packed.data.length : (s.values?.length ?? 0);
}

function nulls(s: StoredSeries): number {
  let n = 0;
  if (s.packed) for (const x of s.packed.nulls) n += x;
  else for (const v of s.values ?? []) if (v === null) n++;
  return n;
}

/** Python's default string ordering (by code point), not localeCompare. */
export function pyCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Evaluates several targets (strings or parsed) in order, prefetching all their paths first. */
export async function evaluateTargets(
  ctx: EvalContext,
  targets: Array<string | ParsedExpr>,
): Promise<Series[]> {
  const parsed: ParsedExpr[] = [];
  for (const t of targets) {
    if (typeof t === 'string') {
      if (!t.trim()) continue;
      parsed.push(parseTarget(t));
    } else parsed.push(t);
  }
  const paths = new Set<string>();
  for (const p of parsed) collectPaths(p, paths, (x) => substituteTemplate(x, ctx.templateParams));
  if (paths.size) await fetchRaw(ctx, cacheOf(ctx), [...paths], ctx.startTime, ctx.endTime);
  const out: Series[] = [];
  for (const p of parsed) {
    const r = await evaluateExpr(ctx, p);
    if (r instanceof Series) out.push(r);
    else if (Array.isArray(r)) {
      for (const s of r) {
        // e.g. a bare mapSeries() result (a list of lists): graphite-web fails rendering it too
        if (!(s instanceof Series)) throw new Error('target did not evaluate to a list of series');
        out.push(s);
      }
    }
  }
  return out;
}

function substituteTemplate(path: string, params?: Record<string, string>): string {
  if (!params) return path;
  let out = path;
  for (const [k, v] of Object.entries(params)) out = out.split(`$${k}`).join(String(v));
  return out;
}

function scalar(e: ParsedExpr): unknown {
  switch (e.type) {
    case 'number':
      return e.value;
    case 'string':
      return e.value;
    case 'boolean':
      return e.value;
    case 'none':
      return null;
    default:
      throw new InputParameterError('unknown token in target evaluator');
  }
}

async function evaluateExpr(ctx: EvalContext, e: ParsedExpr, replacements?: Replacements): Promise<unknown> {
  checkDeadline(ctx);
  switch (e.type) {
    case 'template': {
      const args: Replacements = {};
      for (const [k, v] of Object.entries(e.kwargs)) args[k] = scalar(v);
      e.args.forEach((a, i) => {
        args[String(i + 1)] = scalar(a);
      });
      Object.assign(args, ctx.templateParams ?? {});
      return evaluateExpr(ctx, e.expr, args);
    }
    case 'path': {
      let expression = e.path;
      if (replacements) {
        for (const [name, val] of Object.entries(replacements)) {
          if (expression === `$${name}`) {
            if (typeof val !== 'string') return val;
            if (/^-?[\d.]+$/.test(val)) return Number(val);
            return val;
          }
          expression = expression.split(`$${name}`).join(String(val));
        }
      }
      return fetchData(ctx, expression);
    }
    case 'call': {
      if (e.name === 'template') {
        throw new InputParameterError('invalid template() syntax, only string/numeric arguments are allowed');
      }
      if (e.name === 'seriesByTag') return fetchData(ctx, e.raw);
      const def = getFunction(e.name);
      if (!def) throw new InputParameterError(`Received request for unknown function: ${e.name}`);
      const args: unknown[] = [];
      for (const a of e.args) args.push(await evaluateExpr(ctx, a, replacements));
      const kwargs: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(e.kwargs)) kwargs[k] = await evaluateExpr(ctx, v, replacements);
      const finalArgs = bindArgs(e.name, def.params, args, kwargs);
      const callCtx: EvalContext = { ...ctx, call: { name: e.name, raw: e.raw, args: e.args } };
      const result = await def.fn(callCtx, ...finalArgs);
      // setXFilesFactor changes the request default for later functions
      ctx.xFilesFactor = callCtx.xFilesFactor;
      if (Array.isArray(result) && result.length > ctx.shared.maxSeries) {
        throw new LimitExceededError(
          `A function returned more than ${ctx.shared.maxSeries} series (series limit exceeded)`,
        );
      }
      return result;
    }
    default:
      return scalar(e);
  }
}

async function fetchData(ctx: EvalContext, pathExpr: string): Promise<Series[]> {
  const got = await fetchRaw(ctx, cacheOf(ctx), [pathExpr], ctx.startTime, ctx.endTime);
  return toSeries(pathExpr, got.get(pathExpr) ?? [], ctx.xFilesFactor);
}

/** Param positions that have a Python default in graphite-web's signature (so "required" is not enforced). */
const pythonDefaults = new Map<string, Set<number>>();
function hasPythonDefault(func: string, index: number): boolean {
  let set = pythonDefaults.get(func);
  if (!set) {
    set = new Set();
    const sig = SIGNATURES[func];
    const inner = sig ? sig.slice(sig.indexOf('(') + 1, sig.lastIndexOf(')')) : '';
    inner.split(/,\s*(?=[A-Za-z_*])/).forEach((part, i) => {
      if (part.includes('=')) set?.add(i);
    });
    pythonDefaults.set(func, set);
  }
  return set.has(index);
}

/**
 * Places keyword args at their params' positions and converts values as validateParams does.
 * graphite-web (ENFORCE_INPUT_VALIDATION off) only logs failed validation and calls the function
 * with the raw arguments: we do the same where that is harmless (a float where an integer was
 * declared, a missing argument the Python signature defaults) and answer 400 otherwise.
 */
export function bindArgs(
  func: string,
  params: ParamDef[],
  args: unknown[],
  kwargs: Record<string, unknown>,
): unknown[] {
  const out = [...args];
  const last = params[params.length - 1];
  if (args.length > params.length && !last?.multiple) {
    throw new InputParameterError(`Too many parameters specified for function "${func}"`);
  }
  for (const [k, v] of Object.entries(kwargs)) {
    const idx = params.findIndex((p) => p.name === k);
    if (idx < 0) throw new InputParameterError(`Unexpected key word arguments: ${k}`);
    if (idx < args.length)
      throw new InputParameterError(`Parameter "${k}" of function "${func}" given twice`);
    while (out.length < idx) out.push(undefined);
    out[idx] = v;
  }
  const converted: unknown[] = [];
  let valid = true;
  for (let i = 0; i < Math.max(out.length, params.length); i++) {
    const p = params[Math.min(i, params.length - 1)];
    if (!p) break;
    const v = out[i];
    if (v === undefined || v === null) {
      if (
        p.required &&
        !p.multiple &&
        i < params.length &&
        p.default === undefined &&
        !hasPythonDefault(func, i)
      ) {
        throw new InputParameterError(`Missing required parameter "${p.name}" for function "${func}"`);
      }
      if (i < out.length) converted[i] = undefined;
      continue;
    }
    try {
      converted[i] = convert(func, p, v);
    } catch (e) {
      const harmless =
        typeof v === 'number' && (p.type === 'integer' || p.type === 'node' || p.type === 'intOrInf');
      if (!harmless) throw e;
      valid = false;
    }
  }
  if (!valid) return out.map((v) => (v === null ? undefined : v));
  return converted;
}

function convert(func: string, p: ParamDef, v: unknown): unknown {
  const bad = (): never => {
    throw new InputParameterError(
      `Invalid "${p.type}" value specified for function "${func}" parameter "${p.name}": ${JSON.stringify(v)}`,
    );
  };
  switch (p.type) {
    case 'seriesList':
    case 'seriesLists':
      if (!Array.isArray(v)) bad();
      return v;
    case 'float':
      if (typeof v === 'number') return v;
      if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
      if (typeof v === 'boolean') return v ? 1 : 0;
      return bad();
    case 'integer':
    case 'node':
      if (typeof v === 'number' && Number.isInteger(v)) return v;
      if (typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v)) return Number(v);
      if (typeof v === 'boolean') return v ? 1 : 0;
      return bad();
    case 'intOrInf':
      if (typeof v === 'number' && (Number.isInteger(v) || v === Number.POSITIVE_INFINITY)) return v;
      return bad();
    case 'boolean':
      if (typeof v === 'boolean') return v;
      if (typeof v === 'string') {
        if (v.toLowerCase() === 'true') return true;
        if (v.toLowerCase() === 'false') return false;
        return bad();
      }
      if (typeof v === 'number') {
        if (v === 0) return false;
        if (v === 1) return true;
        return bad();
      }
      return Boolean(v);
    default:
      return v;
  }
}
