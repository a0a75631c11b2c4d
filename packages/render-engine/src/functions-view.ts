// `/functions` and `/functions/<name>`: graphite-web's function index, the JSON Grafana's
// function editor reads (param names, types, defaults, options).

import type { PyValue } from './encoders.js';
import { pyJsonDumps } from './formats.js';
import './functions/index.js';
import { AGG_FUNC_NAMES } from './functions/helpers.js';
import {
  aggregatorNames,
  type FunctionDef,
  getFunction,
  listFunctions,
  type ParamDef,
} from './functions/registry.js';
import { SIGNATURES } from './functions/signatures.js';
import { pyNum, pyRepr } from './pyformat.js';
import type { RenderResponse } from './storage.js';

export interface FunctionsRequest {
  /** `/functions/<name>` when set. */
  name?: string;
  method?: string;
  params: Record<string, string | string[] | undefined>;
}

function pyLiteral(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return v === Number.POSITIVE_INFINITY ? 'inf' : pyNum(v);
  if (typeof v === 'string') return pyRepr(v);
  return String(v);
}

/** The Python-style signature graphite-web shows, e.g. `summarize(seriesList, intervalString, func='sum')`. */
export function signature(name: string, params: ParamDef[]): string {
  const parts = params.map((p) => {
    if (p.multiple) return `*${p.name}`;
    if (p.required) return p.name;
    return `${p.name}=${pyLiteral(p.default)}`;
  });
  // Python puts *args after defaulted params; keep graphite-web's ordering as declared
  return `${name}(${parts.join(', ')})`;
}

/** Python's str() of an option value, the sort key graphite-web uses. */
function pyStrKey(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  return String(v);
}

function paramJson(p: ParamDef): { [k: string]: PyValue } {
  const out: { [k: string]: PyValue } = { name: p.name, type: p.type };
  if (p.required) out.required = true;
  if (p.default !== undefined && p.default !== null) out.default = p.default as PyValue;
  if (p.multiple) out.multiple = true;
  let options = p.options ?? [];
  if (p.type === 'aggFunc') options = [...options, ...AGG_FUNC_NAMES];
  if (p.type === 'aggOrSeriesFunc') options = [...options, ...AGG_FUNC_NAMES, ...aggregatorNames()];
  if (options.length) {
    out.options = [...new Set(options)].sort((a, b) =>
      pyStrKey(a) < pyStrKey(b) ? -1 : pyStrKey(a) > pyStrKey(b) ? 1 : 0,
    ) as PyValue[];
  }
  if (p.suggestions?.length) out.suggestions = p.suggestions as PyValue[];
  return out;
}

export function functionInfo(name: string, def: FunctionDef): { [k: string]: PyValue } {
  return {
    name,
    function: SIGNATURES[name] ?? signature(name, def.params),
    description: def.description,
    module: 'graphite.render.functions',
    group: def.group,
    params: def.params.map(paramJson),
  };
}

function sortKeysDeep(v: PyValue): PyValue {
  if (Array.isArray(v)) return v.map(sortKeysDeep);
  if (v && typeof v === 'object' && !(v.constructor && v.constructor.name === 'PyFloat')) {
    const out: { [k: string]: PyValue } = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeysDeep((v as { [k: string]: PyValue })[k]);
    return out;
  }
  return v;
}

function json(status: number, value: PyValue, params: FunctionsRequest['params']): RenderResponse {
  const pretty = last(params, 'pretty');
  let text = pretty ? pyJsonDumps(sortKeysDeep(value), 4) : pyJsonDumps(value);
  // graphite-web writes infinite defaults as 1e9999 (Grafana parses that)
  text = text.replace(/Infinity([,}\]\n ])/g, '1e9999$1');
  const jsonp = last(params, 'jsonp');
  if (jsonp) return { status, contentType: 'text/javascript', body: `${jsonp}(${text})` };
  return { status, contentType: 'application/json', body: text };
}

function last(params: FunctionsRequest['params'], key: string): string | undefined {
  const v = params[key];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

export function handleFunctions(req: FunctionsRequest): RenderResponse {
  if (req.method && req.method.toUpperCase() !== 'GET')
    return { status: 405, contentType: 'text/html', body: '' };
  const pie = last(req.params, 'type') === 'pie';
  if (req.name !== undefined) {
    const def = getFunction(req.name);
    if (!def || Boolean(def.pie) !== pie)
      return json(404, { error: `Function not found: ${req.name}` }, req.params);
    return json(200, functionInfo(req.name, def), req.params);
  }
  const grouped = ['1', 'true'].includes((last(req.params, 'grouped') ?? '').toLowerCase());
  const group = last(req.params, 'group');
  const result: { [k: string]: PyValue } = {};
  for (const [name, def] of listFunctions(pie)) {
    if (group !== undefined && group !== def.group) continue;
    const info = functionInfo(name, def);
    if (grouped) {
      const g = (result[def.group] ??= {}) as { [k: string]: PyValue };
      g[name] = info;
    } else result[name] = info;
  }
  return json(200, result, req.params);
}
