// Python semantics the Transform/Calculate/Filter Data functions need beyond helpers.ts: round(),
// str() of tag values, floor division/modulo, math.pow's error cases, constantLine's shape.

import { InputParameterError, LimitExceededError } from '../errors.js';
import type { Value } from '../series.js';
import { pyFloat, pyG, Series } from './helpers.js';
import type { EvalContext } from './registry.js';

/** Python's round(x, n): correctly rounded decimal, exact ties to even. */
export function pyRound(x: number, n = 0): number {
  if (!Number.isFinite(x)) return x;
  if (n < 0) {
    const f = 10 ** -n;
    return roundHalfEven(x / f) * f;
  }
  if (Math.abs(x) >= 1e21 || n > 90) return x;
  if (n <= 22) {
    // Far from a tie toFixed's rounding is already Python's: skip the 60-digit expansion.
    // (|y| < 2^31 keeps the product's error under 2^-22, well inside the 1e-6 margin.)
    const y = x * 10 ** n;
    if (Math.abs(y) < 2 ** 31 && Math.abs(Math.abs(y - Math.trunc(y)) - 0.5) > 1e-6) {
      // Math.round(y) is then the exact decimal's integer k, and k / 10^n (both exact doubles,
      // one correctly rounded division) is the double nearest k·10^-n: what Number(toFixed) gives
      const r = Math.round(y) / 10 ** n;
      return r === 0 && x < 0 ? -0 : r;
    }
  }
  const exact = x.toFixed(Math.min(100, n + 60));
  const dot = exact.indexOf('.');
  const tail = exact.slice(dot + 1 + n);
  if (/^50*$/.test(tail)) {
    // An exact tie: Python keeps the even neighbour, toFixed would round away from zero.
    const truncated = exact.slice(0, n === 0 ? dot : dot + 1 + n);
    const lastDigit = Number(truncated[truncated.length - 1]);
    if (lastDigit % 2 === 0) return Number(truncated);
  }
  const r = Number(x.toFixed(n));
  return r === 0 && x < 0 ? -0 : r;
}

function roundHalfEven(x: number): number {
  const fl = Math.floor(x);
  const diff = x - fl;
  if (diff > 0.5) return fl + 1;
  if (diff < 0.5) return fl;
  return fl % 2 === 0 ? fl : fl + 1;
}

/** Python str() of an argument/tag value: floats as repr ('2.0'), ints bare, None, True/False. */
export function pyStr(v: unknown, isFloat = false): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') {
    if (isFloat || !Number.isInteger(v)) return pyFloat(v);
    return String(v);
  }
  return String(v);
}

/** `%g` for an optional float argument (graphite-web formats names with it). */
export const g = (x: number): string => pyG(x);

/** Python's `a // b` and `a % b` (floor semantics for negatives). */
export const floorDiv = (a: number, b: number): number => Math.floor(a / b);
export const pyMod = (a: number, b: number): number => a - b * Math.floor(a / b);

/** safePow: None for None, math domain errors and overflow (math.pow raises, graphite-web catches). */
export function safePow(a: Value, b: number | null): Value {
  if (a === null || b === null) return null;
  if (a === 0 && b < 0) return null;
  const r = a ** b;
  if (Number.isNaN(r)) return null;
  if (!Number.isFinite(r) && Number.isFinite(a) && Number.isFinite(b)) return null;
  return r;
}

/** graphite-web's constantLine(value) body: three points at start, middle and end of the request. */
export function constantLineSeries(ctx: EvalContext, value: number | null, valueStr: string): Series {
  const start = Math.trunc(ctx.startTime);
  const end = Math.trunc(ctx.endTime);
  const step = Math.trunc((end - start) / 2);
  const s = new Series({
    name: valueStr,
    start,
    end,
    step,
    values: [value, value, value],
    xFilesFactor: ctx.xFilesFactor,
  });
  s.pathExpression = `constantLine(${valueStr})`;
  return s;
}

/**
 * Refuses a function output that would be too large (a 1 s summarize or generator over years) before
 * allocating it; the request's datapoint budget is the limit.
 */
export function checkOutputPoints(ctx: EvalContext, count: number): void {
  const max = ctx.shared?.maxPoints ?? 50_000_000;
  if (!Number.isFinite(count) || count > max) {
    throw new LimitExceededError(
      `A function would produce more than ${max} datapoints (datapoint limit exceeded)`,
    );
  }
}

/** A re-bucketing interval must be positive (graphite-web loops forever on a negative one). */
export function positiveInterval(seconds: number, text: string): number {
  if (!(seconds > 0)) throw new InputParameterError(`Invalid interval: ${text} (must be positive)`);
  return seconds;
}

/** Values as Python sees a float result: NaN is a failed operation (None). */
export const finiteOrNull = (x: number): Value => (Number.isNaN(x) ? null : x);

/** The unevaluated first argument of the current call (for functions that re-fetch it). */
export function firstArg(ctx: EvalContext) {
  const arg = ctx.call?.args[0];
  if (!arg) throw new Error('function called without its call context');
  return arg;
}
