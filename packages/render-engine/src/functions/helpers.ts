// Shared helpers for function files: graphite-web's safe* aggregations, aggFunc names, LCM
// normalisation, node/tag keys, interval parsing and Python-style number formatting.

import { parseTimeOffset } from '../attime.js';
import { InputParameterError } from '../errors.js';
import { type ParsedExpr, parseTarget } from '../grammar.js';
import { type PackedValues, Series, type Value } from '../series.js';

export { pyFloat, pyG, pyNum, pyRepr } from '../pyformat.js';

const nonNull = (values: Value[]): number[] => values.filter((v): v is number => v !== null);

// The hot aggregations loop without allocating (they run once per row of every aggregate).
export function safeSum(values: Value[]): Value {
  let sum = 0;
  let any = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== null) {
      sum += v;
      any = true;
    }
  }
  return any ? sum : null;
}
export function safeDiff(values: Value[]): Value {
  let r: number | null = null;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null) continue;
    r = r === null ? v : r + -v;
  }
  return r;
}
export function safeLen(values: Value[]): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== null) n++;
  return n;
}
export function safeDiv(a: Value, b: Value): Value {
  if (a === null || b === null || b === 0) return null;
  return a / b;
}
export function safeMul(values: Value[]): Value {
  if (values.some((v) => v === null)) return null;
  return (values as number[]).reduce((a, b) => a * b);
}
export function safeSubtract(a: Value, b: Value): Value {
  return a === null || b === null ? null : a - b;
}
export function safeAvg(values: Value[]): Value {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== null) {
      sum += v;
      n++;
    }
  }
  return n ? sum / n : null;
}
export function safeAvgZero(values: Value[]): Value {
  if (!values.length) return null;
  return values.reduce<number>((a, b) => a + (b ?? 0), 0) / values.length;
}
export function safeMedian(values: Value[]): Value {
  const v = nonNull(values).sort((a, b) => a - b);
  if (!v.length) return null;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 === 0 ? (v[mid - 1] + v[mid]) / 2 : v[mid];
}
export function safeStdDev(values: Value[]): Value {
  const v = nonNull(values);
  if (!v.length) return null;
  const avg = v.reduce((a, b) => a + b, 0) / v.length;
  let sum = 0;
  for (const x of v) sum += (x - avg) * (x - avg);
  return Math.sqrt(sum / v.length);
}
export function safeLast(values: Value[]): Value {
  for (let i = values.length - 1; i >= 0; i--) if (values[i] !== null) return values[i];
  return null;
}
export function safeMin(values: Value[]): Value {
  let m: number | null = null;
  for (const v of values) if (v !== null && (m === null || v < m)) m = v;
  return m;
}
export function safeMax(values: Value[]): Value {
  let m: number | null = null;
  for (const v of values) if (v !== null && (m === null || v > m)) m = v;
  return m;
}
export function safeAbs(v: Value): Value {
  return v === null ? null : Math.abs(v);
}

export type AggFunc = (values: Value[]) => Value;

/** graphite-web's aggFuncs (functions/aggfuncs.py). */
export const AGG_FUNCS: Record<string, AggFunc> = {
  average: safeAvg,
  avg_zero: safeAvgZero,
  median: safeMedian,
  sum: safeSum,
  min: safeMin,
  max: safeMax,
  diff: safeDiff,
  stddev: safeStdDev,
  count: (v) => safeLen(v),
  range: (v) => safeSubtract(safeMax(v), safeMin(v)),
  multiply: safeMul,
  last: safeLast,
};
export const AGG_FUNC_ALIASES: Record<string, string> = {
  rangeOf: 'range',
  avg: 'average',
  total: 'sum',
  current: 'last',
};

/** The names an aggFunc parameter accepts, sorted as graphite-web lists them in `options`. */
export const AGG_FUNC_NAMES = [...Object.keys(AGG_FUNCS), ...Object.keys(AGG_FUNC_ALIASES)];

/** The same names sorted, as graphite-web writes them in a function parameter's `options`. */
export const SORTED_AGG_FUNC_NAMES: readonly string[] = [...AGG_FUNC_NAMES].sort();

/** Looks up an aggregation by name (aliases too); throws InputParameterError like getAggFunc. */
export function getAggFunc(func: string, rawFunc?: string): AggFunc {
  const f = AGG_FUNCS[func] ?? AGG_FUNCS[AGG_FUNC_ALIASES[func] ?? ''];
  if (!f) throw new InputParameterError(`Unsupported aggregation function: ${rawFunc ?? func}`);
  return f;
}

/** The canonical aggregation name for a name or alias (`avg` -> `average`), as getAggFunc resolves it. */
export function getAggFuncName(func: string): string {
  return AGG_FUNCS[func] ? func : (AGG_FUNC_ALIASES[func] ?? func);
}

/** Accepts `sumSeries` style names too (deprecated form), returning the bare name. */
export function stripSeriesSuffix(func: string): string {
  return func.endsWith('Series') ? func.slice(0, -6) : func;
}

export function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}
export function lcm(a: number, b: number): number {
  if (a === b) return a;
  if (a < b) [a, b] = [b, a];
  return (a / gcd(a, b)) * b;
}

/** xff check: at least one value and nonNull/total >= xff. */
export function xff(nonNullCount: number, total: number, xFilesFactor: number): boolean {
  if (!nonNullCount || !total) return false;
  return nonNullCount / total >= xFilesFactor;
}
export function xffValues(values: Value[], xFilesFactor: number): boolean {
  if (!values.length) return false;
  return xff(safeLen(values), values.length, xFilesFactor);
}

export interface Normalized {
  series: Series[];
  start: number;
  end: number;
  step: number;
}

/**
 * graphite-web's normalize(): common step = LCM, every input consolidated by step/ownStep
 * (mutating valuesPerPoint, as graphite-web does), start = min, end = max trimmed to the step.
 * Returns undefined for an empty input (graphite-web's NormalizeEmptyResultError -> no series).
 */
export function normalize(seriesLists: Series[][]): Normalized | undefined {
  const series = seriesLists.flat();
  if (!series.length) return undefined;
  const step = series.map((s) => s.step).reduce(lcm);
  for (const s of series) s.valuesPerPoint = Math.floor(step / s.step);
  const start = Math.min(...series.map((s) => s.start));
  let end = Math.max(...series.map((s) => s.end));
  end -= (end - start) % step;
  return { series, start, end, step };
}

/** Rows of positionally aligned (consolidated) values: zip-longest over the inputs. */
export function zipLongest(series: Series[]): Value[][] {
  const cols = series.map((s) => s.consolidatedValues());
  const len = Math.max(0, ...cols.map((c) => c.length));
  const rows: Value[][] = [];
  for (let i = 0; i < len; i++) rows.push(cols.map((c) => (i < c.length ? c[i] : null)));
  return rows;
}

/** Calls fn for every zip-longest row, reusing one row buffer (fn must not keep it). */
export function forEachRow(series: Series[], fn: (row: Value[], index: number) => void): void {
  const n = series.length;
  // packed columns (valuesPerPoint 1) are read in place rather than boxed for the whole request
  const packs: Array<PackedValues | undefined> = new Array(n);
  const cols: Value[][] = new Array(n);
  const lens: number[] = new Array(n);
  let len = 0;
  for (let j = 0; j < n; j++) {
    const s = series[j];
    const p = s.valuesPerPoint <= 1 ? s.packed : undefined;
    packs[j] = p;
    cols[j] = p ? [] : s.consolidatedValues();
    lens[j] = p ? p.data.length : cols[j].length;
    if (lens[j] > len) len = lens[j];
  }
  const row: Value[] = new Array(n);
  for (let i = 0; i < len; i++) {
    for (let j = 0; j < n; j++) {
      if (i >= lens[j]) row[j] = null;
      else {
        const p = packs[j];
        row[j] = p ? (p.nulls[i] ? null : p.data[i]) : cols[j][i];
      }
    }
    fn(row, i);
  }
}

/**
 * aggregate()'s rows for sum/average/min/max/count when every series is a packed column at
 * valuesPerPoint 1: accumulated column by column (the same additions in the same order as the
 * row-wise safe* functions, so the same floats), without boxing a value. undefined otherwise.
 */
export function aggregateColumns(series: Series[], func: string, xFilesFactor: number): Value[] | undefined {
  if (func !== 'sum' && func !== 'average' && func !== 'min' && func !== 'max' && func !== 'count') return;
  const packs: PackedValues[] = [];
  let len = 0;
  for (const s of series) {
    const p = s.valuesPerPoint <= 1 ? s.packed : undefined;
    if (!p) return;
    packs.push(p);
    if (p.data.length > len) len = p.data.length;
  }
  const acc = new Float64Array(len);
  const cnt = new Uint32Array(len);
  const isMin = func === 'min';
  for (const { data, nulls } of packs) {
    for (let i = 0; i < data.length; i++) {
      if (nulls[i]) continue;
      const v = data[i];
      if (func === 'min' || func === 'max') {
        // safeMin/safeMax: the first value, then strictly smaller/larger ones (NaN sticks first)
        if (cnt[i] === 0 || (isMin ? v < acc[i] : v > acc[i])) acc[i] = v;
      } else acc[i] += v;
      cnt[i]++;
    }
  }
  const out: Value[] = new Array(len);
  for (let i = 0; i < len; i++) {
    if (!xff(cnt[i], series.length, xFilesFactor)) out[i] = null;
    else if (func === 'average') out[i] = acc[i] / cnt[i];
    else if (func === 'count') out[i] = cnt[i];
    else out[i] = acc[i];
  }
  return out;
}

/**
 * graphite-web's _getPercentile (NIST: nearest rank, or interpolated), the one implementation
 * every percentile function uses. Python's list indexing is kept, so a negative n counts from the
 * top as it does there. Where graphite-web indexes past the end with an IndexError (HTTP 500) we
 * differ: an n over 100 is a clear 400, and n = 100 interpolated is the maximum.
 */
export function getPercentile(points: Value[], n: number, interpolate = false): Value {
  const sorted = points.filter((p): p is number => p !== null).sort((a, b) => a - b);
  if (!sorted.length) return null;
  const fractionalRank = (n / 100) * (sorted.length + 1);
  let rank = Math.trunc(fractionalRank);
  const rankFraction = fractionalRank - rank;
  if (!interpolate) rank += Math.ceil(rankFraction);
  if (rank - 1 > sorted.length) throw new InputParameterError(`Percentile out of range: ${n}`);
  let percentile: number;
  if (rank === 0) percentile = sorted[0];
  else if (rank - 1 === sorted.length) percentile = sorted[sorted.length - 1];
  else percentile = pyIndex(sorted, rank - 1);
  if (interpolate && rank < sorted.length) percentile += rankFraction * (pyIndex(sorted, rank) - percentile);
  return percentile;
}

/** Python list indexing: negative counts from the end; out of range is an input error here. */
function pyIndex(a: number[], i: number): number {
  const k = i < 0 ? a.length + i : i;
  if (k < 0 || k >= a.length) throw new InputParameterError('Percentile out of range');
  return a[k];
}

/** Distinct pathExpressions in first-seen order joined by ',' (formatPathExpressions). */
export function formatPathExpressions(series: Series[]): string {
  const seen: string[] = [];
  for (const s of series) if (!seen.includes(s.pathExpression)) seen.push(s.pathExpression);
  return seen.join(',');
}

/** The first metric path inside a function-shaped name (descending through first arguments). */
export function firstPathExpression(name: string): string | undefined {
  let expr: ParsedExpr;
  try {
    expr = parseTarget(name);
  } catch {
    return undefined;
  }
  for (;;) {
    if (expr.type === 'path') return expr.path;
    if (expr.type === 'call' && expr.args.length) expr = expr.args[0];
    else if (expr.type === 'template') expr = expr.expr;
    else return undefined;
  }
}

/** getNodeOrTag: an integer picks a dot element (negative from the end) of the name before ';', else a tag. */
export function nodeOrTag(series: Series, n: unknown, pathExpression?: string): string {
  if (typeof n === 'number' && Number.isInteger(n)) {
    const nodes = (pathExpression ?? series.name).split(';')[0].split('.');
    const idx = n < 0 ? nodes.length + n : n;
    if (idx >= 0 && idx < nodes.length) return nodes[idx];
  }
  return series.tags[String(n)] ?? '';
}

/** aggKey: the nodes/tags of a series joined by '.', using the inner path for function-shaped names. */
export function aggKey(series: Series, nodes: unknown[], pathExpression?: string): string {
  let pe = pathExpression;
  if (pe === undefined && series.name.endsWith(')')) pe = firstPathExpression(series.name);
  return nodes.map((n) => nodeOrTag(series, n, pe)).join('.');
}

/** Interval strings like '1h', '-5min', '1h30min' in seconds (sign kept). Rejects 'm'. */
export function parseInterval(value: string): number {
  return parseTimeOffset(String(value));
}

/** Python's re.sub replacement template (`\1`, `\g<1>`, `\g<name>`, `\n` escapes) to a function. */
export function pyReplacer(template: string): (match: RegExpExecArray | RegExpMatchArray) => string {
  return (m) => {
    let out = '';
    for (let i = 0; i < template.length; i++) {
      const c = template[i];
      if (c !== '\\' || i + 1 >= template.length) {
        out += c;
        continue;
      }
      const d = template[i + 1];
      if (d === '0') {
        // Python: \0 starts an octal escape, not a group reference
        const oct = /^[0-7]{1,3}/.exec(template.slice(i + 1))?.[0] ?? '0';
        out += String.fromCharCode(Number.parseInt(oct, 8));
        i += oct.length;
      } else if (/[0-9]/.test(d)) {
        let num = d;
        if (/[0-9]/.test(template[i + 2] ?? '')) num += template[i + 2];
        if (Number(num) >= m.length && num.length === 2) num = d;
        if (Number(num) >= m.length) throw new InputParameterError(`invalid group reference ${num}`);
        out += m[Number(num)] ?? '';
        i += num.length;
      } else if (d === 'g' && template[i + 2] === '<') {
        const close = template.indexOf('>', i + 3);
        if (close < 0) throw new InputParameterError('missing >, unterminated name');
        const ref = template.slice(i + 3, close);
        const v = /^\d+$/.test(ref) ? m[Number(ref)] : m.groups?.[ref];
        if (v === undefined && !(/^\d+$/.test(ref) && Number(ref) < m.length)) {
          throw new InputParameterError(`unknown group name '${ref}'`);
        }
        out += v ?? '';
        i = close;
      } else {
        const esc: Record<string, string> = {
          n: '\n',
          t: '\t',
          r: '\r',
          '\\': '\\',
          a: '\x07',
          f: '\f',
          v: '\v',
          b: '\b',
        };
        if (d in esc) out += esc[d];
        else out += `\\${d}`;
        i++;
      }
    }
    return out;
  };
}

/** Translates a Python regex to a JS one (named groups `(?P<n>...)`, backrefs `(?P=n)`). */
export function pyRegex(pattern: string, flagsIn = ''): RegExp {
  let flags = flagsIn;
  let body = pattern;
  // leading inline flags such as (?i) or (?is): JS only takes them as RegExp flags
  const inline = /^\(\?([aiLmsux]+)\)/.exec(body);
  if (inline) {
    body = body.slice(inline[0].length);
    for (const f of inline[1]) if ('ims'.includes(f) && !flags.includes(f)) flags += f;
  }
  body = body.replace(/\\A/g, '^').replace(/\\Z/g, '$');
  const js = body
    .replace(/\(\?P<([A-Za-z_][A-Za-z0-9_]*)>/g, '(?<$1>')
    .replace(/\(\?P=([A-Za-z_][A-Za-z0-9_]*)\)/g, '\\k<$1>');
  try {
    return new RegExp(js, flags);
  } catch (e) {
    throw new InputParameterError(`Invalid regular expression ${pattern}: ${(e as Error).message}`);
  }
}

/** Python re.sub(pattern, repl, s) for all matches. */
export function pySub(pattern: string, repl: string, s: string): string {
  const re = pyRegex(pattern, 'g');
  const rep = pyReplacer(repl);
  return s.replace(re, (...args) => {
    const hasGroups = typeof args[args.length - 1] === 'object';
    const groups = hasGroups ? args[args.length - 1] : undefined;
    const captures = args.slice(0, hasGroups ? -3 : -2) as string[];
    const m = Object.assign([...captures], { groups }) as unknown as RegExpMatchArray;
    return rep(m);
  });
}

/** Python re.search semantics (unanchored). */
export function pySearch(pattern: string, s: string): boolean {
  return pyRegex(pattern).test(s);
}

/** Copies a series under a new name with tags kept, pathExpression = new name (TimeSeries.copy). */
export function renamed(s: Series, name: string): Series {
  const c = s.clone();
  c.name = name;
  return c;
}

export { Series };
