// Transform group: point-wise maths, derivatives and integrals, re-bucketing (summarize, hitcount,
// smartSummarize), time shifting and null filling, as graphite-web 1.1 computes and names them.

import { parseATTime, tzOffset } from '../attime.js';
import { InputParameterError } from '../errors.js';
import type { Value } from '../series.js';
import { getAggFunc, parseInterval, pyFloat, Series, SORTED_AGG_FUNC_NAMES, xff } from './helpers.js';
import { type EvalContext, type FunctionDef, type ParamDef, registerFunction } from './registry.js';
import {
  checkOutputPoints,
  firstArg,
  floorDiv,
  g,
  positiveInterval,
  pyMod,
  pyRound,
  pyStr,
  safePow,
} from './transform-helpers.js';

const SERIES: ParamDef = { name: 'seriesList', type: 'seriesList', required: true };
const AGG_OPTIONS = [...SORTED_AGG_FUNC_NAMES];
const SHIFT_SUGGESTIONS = ['1h', '6h', '12h', '1d', '2d', '7d', '14d', '30d'];

function def(
  name: string,
  description: string,
  params: ParamDef[],
  fn: FunctionDef['fn'],
  extra: Partial<FunctionDef> = {},
): void {
  registerFunction({ name, group: 'Transform', description, params, fn, ...extra });
}

/** In-place style transform (graphite-web mutates the series): keeps pathExpression = new name. */
function mapValues(
  list: Series[],
  rename: (s: Series) => string,
  f: (v: Value, i: number, s: Series) => Value,
  tag?: (s: Series) => [string, string] | undefined,
): Series[] {
  return list.map((orig) => {
    const s = orig.clone();
    const t = tag?.(s);
    if (t) s.tags[t[0]] = t[1];
    s.name = rename(s);
    s.pathExpression = s.name;
    s.values = s.values.map((v, i) => f(v, i, s));
    return s;
  });
}

/** Copy style transform (graphite-web's series.copy(name=..., values=...)). */
function copied(s: Series, name: string, values: Value[], tag?: [string, string]): Series {
  if (tag) s.tags[tag[0]] = tag[1];
  return s.copy({ name, values });
}

def(
  'scale',
  'Multiplies every value by a constant factor.',
  [SERIES, { name: 'factor', type: 'float', required: true }],
  (_c, list: Series[], factor: number) =>
    mapValues(
      list,
      (s) => `scale(${s.name},${g(factor)})`,
      (v) => (v === null ? null : v * factor),
      () => ['scale', pyFloat(factor)],
    ),
);

def(
  'scaleToSeconds',
  'Scales per-step values to a per-N-seconds rate (value * seconds / step).',
  [SERIES, { name: 'seconds', type: 'float', required: true }],
  (_c, list: Series[], seconds: number) =>
    mapValues(
      list,
      (s) => `scaleToSeconds(${s.name},${Math.trunc(seconds)})`,
      (v, _i, s) => (v === null ? null : pyRound(v * (seconds / s.step), 6)),
      () => ['scaleToSeconds', pyFloat(seconds)],
    ),
);

def(
  'pow',
  'Raises every value to a power.',
  [SERIES, { name: 'factor', type: 'float', required: true }],
  (_c, list: Series[], factor: number) =>
    mapValues(
      list,
      (s) => `pow(${s.name},${g(factor)})`,
      (v) => safePow(v, factor),
      () => ['pow', pyFloat(factor)],
    ),
);

def('exp', 'e raised to the power of every value.', [SERIES], (_c, list: Series[]) =>
  mapValues(
    list,
    (s) => `exp(${s.name})`,
    (v) => (v === null ? null : finiteExp(v)),
    () => ['exp', 'e'],
  ),
);

/** math.exp overflows with an error in graphite-web (HTTP 500); we answer null for that point. */
function finiteExp(v: number): Value {
  const r = Math.exp(v);
  return Number.isFinite(r) ? r : null;
}

def(
  'add',
  'Adds a constant to every value.',
  [SERIES, { name: 'constant', type: 'float', required: true }],
  (_c, list: Series[], constant: number) =>
    mapValues(
      list,
      (s) => `add(${s.name},${Math.trunc(constant)})`,
      (v) => (v === null ? null : v + constant),
      () => ['add', pyFloat(constant)],
    ),
);

def(
  'offset',
  'Adds a constant to every value.',
  [SERIES, { name: 'factor', type: 'float', required: true }],
  (_c, list: Series[], factor: number) =>
    mapValues(
      list,
      (s) => `offset(${s.name},${g(factor)})`,
      (v) => (v === null ? null : v + factor),
      () => ['offset', pyFloat(factor)],
    ),
);

def(
  'offsetToZero',
  'Subtracts the series minimum so its lowest point is 0.',
  [SERIES],
  (_c, list: Series[]) =>
    list.map((orig) => {
      const s = orig.clone();
      const min = minOf(s.values);
      s.tags.offsetToZero = min === null ? 'None' : pyFloat(min);
      s.name = `offsetToZero(${s.name})`;
      s.pathExpression = s.name;
      s.values = s.values.map((v) => (v === null || min === null ? v : v - min));
      return s;
    }),
);

function minOf(values: Value[]): number | null {
  let m: number | null = null;
  for (const v of values) if (v !== null && (m === null || v < m)) m = v;
  return m;
}
function maxOf(values: Value[]): number | null {
  let m: number | null = null;
  for (const v of values) if (v !== null && (m === null || v > m)) m = v;
  return m;
}

def('absolute', 'Absolute value of every point.', [SERIES], (_c, list: Series[]) =>
  mapValues(
    list,
    (s) => `absolute(${s.name})`,
    (v) => (v === null ? null : Math.abs(v)),
    () => ['absolute', '1'],
  ),
);

def('invert', '1/x for every point (0 gives null).', [SERIES], (_c, list: Series[]) =>
  mapValues(
    list,
    (s) => `invert(${s.name})`,
    (v) => safePow(v, -1),
    () => ['invert', '1'],
  ),
);

def('squareRoot', 'Square root of every point (negative values give null).', [SERIES], (_c, list: Series[]) =>
  mapValues(
    list,
    (s) => `squareRoot(${s.name})`,
    (v) => safePow(v, 0.5),
    () => ['squareRoot', '1'],
  ),
);

def('logit', 'log(x / (1 - x)) for every point, null outside (0, 1).', [SERIES], (_c, list: Series[]) =>
  mapValues(
    list,
    (s) => `logit(${s.name})`,
    (v) => {
      if (v === null || v === 1) return null;
      const q = v / (1 - v);
      return q > 0 ? Math.log(q) : null;
    },
    () => ['logit', 'logit'],
  ),
);

def('sigmoid', '1 / (1 + e^-x) for every point.', [SERIES], (_c, list: Series[]) =>
  mapValues(
    list,
    (s) => `sigmoid(${s.name})`,
    (v) => {
      if (v === null) return null;
      const e = finiteExp(-v);
      return e === null ? null : 1 / (1 + e);
    },
    () => ['sigmoid', 'sigmoid'],
  ),
);

def(
  'log',
  'Logarithm of every point in the given base (values <= 0 give null).',
  [SERIES, { name: 'base', type: 'integer', default: 10 }],
  (_c, list: Series[], base?: number) => {
    const b = base ?? 10;
    return list.map((s) =>
      copied(
        s,
        `log(${s.name}, ${pyStr(b)})`,
        s.values.map((v) => (v === null || v <= 0 ? null : Math.log(v) / Math.log(b))),
        ['log', pyStr(b)],
      ),
    );
  },
);

def(
  'round',
  'Rounds every value to the given number of decimals.',
  [SERIES, { name: 'precision', type: 'integer', default: 0 }],
  (_c, list: Series[], precision?: number) =>
    mapValues(
      list,
      (s) => (precision === undefined ? `round(${s.name})` : `round(${s.name},${g(Math.trunc(precision))})`),
      (v) => (v === null ? null : pyRound(v, precision ?? 0)),
      () => ['round', pyStr(precision || 0)],
    ),
);

def('minMax', 'Scales each series to [0, 1] by its own min and max.', [SERIES], (_c, list: Series[]) =>
  list.map((orig) => {
    const s = orig.clone();
    s.name = `minMax(${s.name})`;
    s.pathExpression = s.name;
    const min = minOf(s.values) ?? 0;
    const max = maxOf(s.values) ?? 0;
    s.values = s.values.map((v) => (v === null ? null : max - min === 0 ? 0 : (v - min) / (max - min)));
    return s;
  }),
);

def('isNonNull', '1 where the series has a value, 0 where it is null.', [SERIES], (_c, list: Series[]) =>
  mapValues(
    list,
    (s) => `isNonNull(${s.name})`,
    (v) => (v === null ? 0 : 1),
    () => ['isNonNull', '1'],
  ),
);

def(
  'delay',
  'Shifts values by N steps (later for positive N), padding with nulls.',
  [SERIES, { name: 'steps', type: 'integer', required: true }],
  (_c, list: Series[], steps: number) =>
    list.map((s) => {
      const n = s.values.length;
      // Python slicing, including its corner cases (delay 0 gives an empty series, as in graphite-web).
      const values =
        steps < 0
          ? [...pySlice(s.values, -steps, undefined), ...new Array(Math.min(-steps, n)).fill(null)]
          : [...new Array(Math.min(steps, n)).fill(null), ...pySlice(s.values, 0, -steps)];
      return copied(s, `delay(${s.name},${Math.trunc(steps)})`, values, ['delay', pyStr(steps)]);
    }),
);

/** Python's list[start:stop] with negative indexes. */
function pySlice<T>(a: T[], start: number, stop: number | undefined): T[] {
  const n = a.length;
  const norm = (i: number) => (i < 0 ? Math.max(0, n + i) : Math.min(i, n));
  return a.slice(norm(start), stop === undefined ? n : norm(stop));
}

def('derivative', 'Difference between each point and the previous one.', [SERIES], (_c, list: Series[]) =>
  list.map((s) => {
    let prev: Value = null;
    const values = s.values.map((v) => {
      const out = prev === null || v === null ? null : v - prev;
      prev = v;
      return out;
    });
    return copied(s, `derivative(${s.name})`, values, ['derivative', '1']);
  }),
);

/** graphite-web's _nonNegativeDelta: [delta, new prev]. */
function nonNegativeDelta(
  val: Value,
  prev: Value,
  maxValue: number | undefined,
  minValue: number | undefined,
): [Value, Value] {
  if (maxValue !== undefined && val !== null && val > maxValue) return [null, null];
  if (minValue !== undefined && val !== null && val < minValue) return [null, null];
  if (prev === null || val === null) return [null, val];
  if (val >= prev) return [val - prev, val];
  if (maxValue !== undefined) return [maxValue + 1 + val - prev - (minValue || 0), val];
  if (minValue !== undefined) return [val - minValue, val];
  return [null, val];
}

const MAX_MIN: ParamDef[] = [
  { name: 'maxValue', type: 'float' },
  { name: 'minValue', type: 'float' },
];

def(
  'nonNegativeDerivative',
  'Derivative of a counter, ignoring decreases (or wrapping them at maxValue).',
  [SERIES, ...MAX_MIN],
  (_c, list: Series[], maxValue?: number, minValue?: number) =>
    list.map((s) => {
      let prev: Value = null;
      const values = s.values.map((v) => {
        const [delta, p] = nonNegativeDelta(v, prev, maxValue ?? undefined, minValue ?? undefined);
        prev = p;
        return delta;
      });
      return copied(s, `nonNegativeDerivative(${s.name})`, values, ['nonNegativeDerivative', '1']);
    }),
);

def(
  'perSecond',
  'Per-second rate of a counter (non-negative derivative divided by the step).',
  [SERIES, ...MAX_MIN],
  (_c, list: Series[], maxValue?: number, minValue?: number) =>
    list.map((s) => {
      let prev: Value = null;
      const values = s.values.map((v) => {
        const [delta, p] = nonNegativeDelta(v, prev, maxValue ?? undefined, minValue ?? undefined);
        prev = p;
        return delta === null ? null : pyRound(delta / s.step, 6);
      });
      return copied(s, `perSecond(${s.name})`, values, ['perSecond', '1']);
    }),
);

def('integral', 'Running total of the series (nulls stay null).', [SERIES], (_c, list: Series[]) =>
  list.map((s) => {
    let current = 0;
    const values = s.values.map((v) => {
      if (v === null) return null;
      current += v;
      return current;
    });
    return copied(s, `integral(${s.name})`, values, ['integral', '1']);
  }),
);

def(
  'integralByInterval',
  'Running total that restarts at every interval boundary (counted from the request start).',
  [SERIES, { name: 'intervalUnit', type: 'string', required: true }],
  (ctx: EvalContext, list: Series[], intervalUnit: string) => {
    const duration = Math.trunc(Math.abs(parseInterval(intervalUnit)));
    if (!duration) throw new InputParameterError('integralByInterval: interval must not be zero');
    const startTime = Math.trunc(ctx.startTime);
    return list.map((s) => {
      let t = s.start;
      let current = 0;
      const values = s.values.map((v) => {
        if (floorDiv(t - startTime, duration) !== floorDiv(t - startTime - s.step, duration)) current = 0;
        if (v !== null) current += v;
        t += s.step;
        return current;
      });
      return copied(s, `integralByInterval(${s.name},'${intervalUnit}')`, values, [
        'integralByInterval',
        intervalUnit,
      ]);
    });
  },
);

def(
  'interpolate',
  'Fills interior null runs (up to limit points) by linear interpolation.',
  [SERIES, { name: 'limit', type: 'intOrInf', default: Number.POSITIVE_INFINITY }],
  (_c, list: Series[], limit?: number) => {
    const lim = limit ?? Number.POSITIVE_INFINITY;
    return list.map((orig) => {
      const s = orig.clone();
      s.name = `interpolate(${s.name})`;
      s.pathExpression = s.name;
      const vals = s.values;
      let nones = 0;
      for (let i = 1; i < vals.length; i++) {
        const v = vals[i];
        if (v === null) nones++;
        else if (nones === 0) continue;
        else if (vals[i - nones - 1] === null) nones = 0;
        else {
          if (nones > 0 && nones <= lim) {
            const base = vals[i - nones - 1] as number;
            for (let k = i - nones; k < i; k++) {
              vals[k] = base + ((k - (i - nones - 1)) * (v - base)) / (nones + 1);
            }
          }
          nones = 0;
        }
      }
      return s;
    });
  },
);

def(
  'keepLastValue',
  'Repeats the last value over null runs of up to limit points.',
  [SERIES, { name: 'limit', type: 'intOrInf', default: Number.POSITIVE_INFINITY }],
  (_c, list: Series[], limit?: number) => {
    const lim = limit ?? Number.POSITIVE_INFINITY;
    return list.map((orig) => {
      const s = orig.clone();
      s.name = `keepLastValue(${s.name})`;
      s.pathExpression = s.name;
      const vals = s.values;
      let nones = 0;
      let last: Value = null;
      for (let i = 0; i < vals.length; i++) {
        const v = vals[i];
        if (v === null) nones++;
        else {
          if (nones > 0 && nones <= lim && last !== null) for (let k = i - nones; k < i; k++) vals[k] = last;
          nones = 0;
          last = v;
        }
      }
      if (nones > 0 && nones <= lim && last !== null) {
        for (let k = vals.length - nones; k < vals.length; k++) vals[k] = last;
      }
      return s;
    });
  },
);

def(
  'transformNull',
  'Replaces nulls with a default (only where a reference series has data, if given).',
  [SERIES, { name: 'default', type: 'float', default: 0 }, { name: 'referenceSeries', type: 'seriesList' }],
  (_c, list: Series[], dflt?: number, reference?: Series[]) => {
    const d = dflt ?? 0;
    const dStr = dflt === undefined ? '0' : pyFloat(dflt);
    let defaults: Value[] | undefined;
    if (reference?.length) {
      const len = Math.max(...reference.map((r) => r.values.length));
      defaults = [];
      for (let i = 0; i < len; i++)
        defaults.push(reference.some((r) => (r.values[i] ?? null) !== null) ? d : null);
    }
    return list.map((orig) => {
      const s = orig.clone();
      s.tags.transformNull = dStr;
      if (reference?.length) s.tags.referenceSeries = '1';
      s.name = reference?.length
        ? `transformNull(${s.name},${g(d)},referenceSeries)`
        : `transformNull(${s.name},${g(d)})`;
      s.pathExpression = s.name;
      if (defaults?.length) {
        const len = Math.max(s.values.length, defaults.length);
        const out: Value[] = [];
        for (let i = 0; i < len; i++) {
          const v = s.values[i] ?? null;
          out.push(v === null ? (defaults[i] ?? null) : v);
        }
        s.values = out;
      } else s.values = s.values.map((v) => (v === null ? d : v));
      return s;
    });
  },
);

/** graphite-web's _summarizeValues: buckets from newStart while < newEnd; returns [values, alignedEnd]. */
function summarizeValues(
  s: Series,
  func: string,
  interval: number,
  newStart = s.start,
  newEnd = s.end,
): [Value[], number] {
  const agg = getAggFunc(func);
  const timestamps: number[] = [];
  for (let t = Math.trunc(s.start); t < Math.trunc(s.end); t += Math.trunc(s.step)) timestamps.push(t);
  const data = s.values;
  const intervalPoints = interval / s.step;
  const numPoints = Math.min(timestamps.length, data.length);
  const out: Value[] = [];
  let i = 0;
  let ts = newStart;
  while (ts < newEnd) {
    let start = i;
    let nonNull = 0;
    while (i < numPoints && timestamps[i] < ts + interval) {
      if (timestamps[i] <= ts) start = i;
      if (timestamps[i] >= ts && data[i] !== null) nonNull++;
      i++;
    }
    out.push(xff(nonNull, intervalPoints, s.xFilesFactor) ? agg(data.slice(start, i)) : null);
    ts += interval;
  }
  return [out, ts];
}

function intervalSeconds(intervalString: string): number {
  return positiveInterval(parseInterval(intervalString), intervalString);
}

def(
  'summarize',
  'Re-buckets each series into fixed intervals with an aggregation (epoch-aligned unless alignToFrom).',
  [
    SERIES,
    { name: 'intervalString', type: 'interval', required: true, suggestions: ['10min', '1h', '1d'] },
    { name: 'func', type: 'aggFunc', default: 'sum', options: AGG_OPTIONS },
    { name: 'alignToFrom', type: 'boolean', default: false },
  ],
  (ctx: EvalContext, list: Series[], intervalString: string, func?: string, alignToFrom?: boolean) => {
    const fn = func ?? 'sum';
    const interval = intervalSeconds(intervalString);
    return list.map((s) => {
      let newStart = s.start;
      let newEnd = s.end;
      if (!alignToFrom) {
        newStart = s.start - pyMod(s.start, interval);
        newEnd = s.end - pyMod(s.end, interval) + interval;
      }
      checkOutputPoints(ctx, (newEnd - newStart) / interval);
      const [values, alignedEnd] = summarizeValues(s, fn, interval, newStart, newEnd);
      if (alignToFrom) newEnd = alignedEnd;
      s.tags.summarize = intervalString;
      s.tags.summarizeFunction = fn;
      const name = `summarize(${s.name}, "${intervalString}", "${fn}"${alignToFrom ? ', true' : ''})`;
      return s.copy({ name, start: newStart, end: newEnd, step: interval, values });
    });
  },
);

/** datetime(s.year, ..., tzinfo=s.tzinfo): wall-clock truncation that keeps s's UTC offset. */
function truncateTo(
  epoch: number,
  tz: string,
  unit: 'years' | 'months' | 'days' | 'hours' | 'minutes' | 'seconds',
): number {
  const offset = tzOffset(epoch, tz);
  const d = new Date((Math.floor(epoch) + offset) * 1000);
  const f = [
    d.getUTCFullYear(),
    d.getUTCMonth(),
    d.getUTCDate(),
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
  ];
  const keep = { years: 1, months: 2, days: 3, hours: 4, minutes: 5, seconds: 6 }[unit];
  const defaults = [0, 0, 1, 0, 0, 0];
  const parts = f.map((v, i) => (i < keep ? v : defaults[i]));
  return Date.UTC(parts[0], parts[1], parts[2], parts[3], parts[4], parts[5]) / 1000 - offset;
}

def(
  'hitcount',
  'Treats values as per-second rates and sums the hits falling in each interval.',
  [
    SERIES,
    { name: 'intervalString', type: 'interval', required: true, suggestions: ['10min', '1h', '1d'] },
    { name: 'alignToInterval', type: 'boolean', default: false },
  ],
  async (ctx: EvalContext, list: Series[], intervalString: string, alignToInterval?: boolean) => {
    const interval = Math.trunc(intervalSeconds(intervalString));
    let series = list;
    if (alignToInterval) {
      let startTime = ctx.startTime;
      if (interval >= 86400) startTime = truncateTo(startTime, ctx.tz, 'days');
      else if (interval >= 3600) startTime = truncateTo(startTime, ctx.tz, 'hours');
      else if (interval >= 60) startTime = truncateTo(startTime, ctx.tz, 'minutes');
      series = await ctx.evaluate(firstArg(ctx), { startTime });
      for (const s of series) {
        const count = Math.trunc(floorDiv(s.end - s.start, interval));
        s.end = s.start + count * interval + interval;
      }
    }
    return series.map((s) => {
      const step = Math.trunc(s.step);
      const bucketCount = Math.max(0, Math.ceil((s.end - s.start) / interval));
      checkOutputPoints(ctx, bucketCount);
      const buckets: number[][] = Array.from({ length: bucketCount }, () => []);
      const newStart = Math.trunc(s.end - bucketCount * interval);
      s.values.forEach((v, i) => {
        if (v === null) return;
        const startTime = Math.trunc(s.start + i * step);
        const startBucket = floorDiv(startTime - newStart, interval);
        const startMod = pyMod(startTime - newStart, interval);
        const endTime = startTime + step;
        let endBucket = floorDiv(endTime - newStart, interval);
        let endMod = pyMod(endTime - newStart, interval);
        if (endBucket >= bucketCount) {
          endBucket = bucketCount - 1;
          endMod = interval;
        }
        if (startBucket === endBucket) {
          if (startBucket >= 0) buckets[startBucket].push(v * (endMod - startMod));
        } else {
          if (startBucket >= 0) buckets[startBucket].push(v * (interval - startMod));
          for (let j = startBucket + 1; j < endBucket; j++) if (j >= 0) buckets[j].push(v * interval);
          if (endMod > 0) buckets[endBucket].push(v * endMod);
        }
      });
      const values = buckets.map((b) => (b.length ? b.reduce((a, x) => a + x, 0) : null));
      s.tags.hitcount = intervalString;
      const name = `hitcount(${s.name}, "${intervalString}"${alignToInterval ? ', true' : ''})`;
      return s.copy({ name, start: newStart, step: interval, values });
    });
  },
);

const UNIT_NAMES: Array<[string, string]> = [
  ['s', 'seconds'],
  ['min', 'minutes'],
  ['h', 'hours'],
  ['d', 'days'],
  ['w', 'weeks'],
  ['mon', 'months'],
  ['y', 'years'],
];

def(
  'smartSummarize',
  'summarize with buckets starting at the request start, optionally snapped to a calendar unit.',
  [
    SERIES,
    { name: 'intervalString', type: 'interval', required: true, suggestions: ['10min', '1h', '1d'] },
    { name: 'func', type: 'aggFunc', default: 'sum', options: AGG_OPTIONS },
    {
      name: 'alignTo',
      type: 'string',
      options: [false, null, true, 'days', 'hours', 'minutes', 'months', 'seconds', 'weeks', 'years'],
    },
  ],
  async (ctx: EvalContext, list: Series[], intervalString: string, func?: string, alignTo?: unknown) => {
    const fn = func ?? 'sum';
    let series = list;
    if (typeof alignTo === 'string') {
      const unit = UNIT_NAMES.find(([p]) => alignTo.startsWith(p))?.[1];
      if (!unit) throw new InputParameterError(`Invalid offset unit '${alignTo}'`);
      let startTime: number;
      if (unit === 'weeks') {
        const isoDay = /[A-Za-z]$/.test(alignTo) ? 1 : Number(alignTo[alignTo.length - 1]);
        const offset = tzOffset(ctx.startTime, ctx.tz);
        const weekday = ((new Date((Math.floor(ctx.startTime) + offset) * 1000).getUTCDay() + 6) % 7) + 1;
        let back = weekday - isoDay;
        if (back < 0) back += 7;
        startTime = truncateTo(ctx.startTime, ctx.tz, 'days') - back * 86400;
      } else startTime = truncateTo(ctx.startTime, ctx.tz, unit as 'days');
      series = await ctx.evaluate(firstArg(ctx), { startTime });
    }
    const interval = intervalSeconds(intervalString);
    return series.map((s) => {
      checkOutputPoints(ctx, (s.end - s.start) / interval);
      const [values, alignedEnd] = summarizeValues(s, fn, interval);
      s.tags.smartSummarize = intervalString;
      s.tags.smartSummarizeFunction = fn;
      const name = `smartSummarize(${s.name}, "${intervalString}", "${fn}")`;
      return s.copy({ name, end: alignedEnd, step: interval, values });
    });
  },
);

def(
  'timeShift',
  'Draws the series as it was (or will be) shifted by an interval: re-fetches the shifted window.',
  [
    SERIES,
    { name: 'timeShift', type: 'interval', required: true, suggestions: SHIFT_SUGGESTIONS },
    { name: 'resetEnd', type: 'boolean', default: true },
    { name: 'alignDst', type: 'boolean', default: false },
  ],
  async (ctx: EvalContext, list: Series[], shift: string, resetEnd?: boolean, alignDst?: boolean) => {
    const label = /^[0-9]/.test(shift) ? `-${shift}` : shift;
    const delta = parseInterval(label);
    let startTime = ctx.startTime + delta;
    let endTime = ctx.endTime + delta;
    if (alignDst) {
      const dst = (t: number) =>
        tzOffset(t, ctx.tz) !== Math.min(tzOffset(t - 182 * 86400, ctx.tz), tzOffset(t, ctx.tz));
      const reqStart = dst(ctx.startTime);
      const reqEnd = dst(ctx.endTime);
      const myStart = dst(startTime);
      const myEnd = dst(endTime);
      let dstOffset = 0;
      if (reqStart && reqEnd && !myStart && !myEnd) dstOffset = 3600;
      else if (!reqStart && !reqEnd && myStart && myEnd) dstOffset = -3600;
      startTime += dstOffset;
      endTime += dstOffset;
    }
    if (list.length < 1) return [];
    const first = list[0];
    const shifted = await ctx.evaluate(firstArg(ctx), { startTime, endTime });
    return shifted.map((s) => {
      s.tags.timeShift = label;
      s.name = `timeShift(${s.name}, "${label}")`;
      if (resetEnd ?? true) s.end = first.end;
      else s.end = s.end - s.start + first.start;
      s.start = first.start;
      return s;
    });
  },
);

def(
  'timeStack',
  'One copy of the series per shift multiple in [timeShiftStart, timeShiftEnd), stacked on the current window.',
  [
    SERIES,
    { name: 'timeShiftUnit', type: 'interval', default: '1d', suggestions: SHIFT_SUGGESTIONS },
    { name: 'timeShiftStart', type: 'integer', default: 0 },
    { name: 'timeShiftEnd', type: 'integer', default: 7 },
  ],
  async (ctx: EvalContext, list: Series[], unit?: string, shiftStart?: number, shiftEnd?: number) => {
    let label = unit ?? '1d';
    if (/^[0-9]/.test(label)) label = `-${label}`;
    const delta = parseInterval(label);
    if (list.length < 1) return [];
    const first = list[0];
    const out: Series[] = [];
    for (let shft = Math.trunc(shiftStart ?? 0); shft < Math.trunc(shiftEnd ?? 7); shft++) {
      const shifted = await ctx.evaluate(firstArg(ctx), {
        startTime: ctx.startTime + delta * shft,
        endTime: ctx.endTime + delta * shft,
      });
      for (const s of shifted) {
        s.tags.timeShiftUnit = label;
        s.tags.timeShift = String(shft);
        s.name = `timeShift(${s.name}, ${label}, ${shft})`;
        s.pathExpression = s.name;
        s.start = first.start;
        s.end = first.end;
        out.push(s);
      }
    }
    return out;
  },
);

def(
  'timeSlice',
  'Nulls every point outside [startSliceAt, endSliceAt].',
  [
    SERIES,
    { name: 'startSliceAt', type: 'date', required: true },
    { name: 'endSliceAt', type: 'date', default: 'now' },
  ],
  (ctx: EvalContext, list: Series[], startSliceAt: unknown, endSliceAt?: unknown) => {
    const start = Math.trunc(parseATTime(String(startSliceAt), ctx.tz, ctx.now));
    const end = Math.trunc(parseATTime(String(endSliceAt ?? 'now'), ctx.tz, ctx.now));
    return list.map((orig) => {
      const s = orig.clone();
      s.tags.timeSliceStart = String(start);
      s.tags.timeSliceEnd = String(end);
      s.name = `timeSlice(${s.name}, ${start}, ${end})`;
      // graphite-web walks from the request start, not the series start
      let curr = Math.trunc(ctx.startTime);
      s.values = s.values.map((v) => {
        const out = v === null || curr < start || curr > end ? null : v;
        curr += s.step;
        return out;
      });
      return s;
    });
  },
);

function generator(ctx: EvalContext, name: string, step: number, value: (t: number) => number): Series[] {
  if (!(step > 0)) throw new InputParameterError('step must be a positive integer');
  checkOutputPoints(ctx, (ctx.endTime - ctx.startTime) / step);
  const values: Value[] = [];
  for (let t = ctx.startTime; t < ctx.endTime; t += step) values.push(value(t));
  return [
    new Series({
      name,
      start: Math.trunc(ctx.startTime),
      end: Math.trunc(ctx.endTime),
      step,
      values,
      xFilesFactor: ctx.xFilesFactor,
    }),
  ];
}

def(
  'sinFunction',
  'A sine wave of the given amplitude over the request window (value = sin(timestamp)).',
  [
    { name: 'name', type: 'string', required: true },
    { name: 'amplitude', type: 'integer', default: 1 },
    { name: 'step', type: 'integer', default: 60 },
  ],
  (ctx: EvalContext, name: string, amplitude?: number, step?: number) =>
    generator(ctx, name, step ?? 60, (t) => Math.sin(Math.trunc(t)) * (amplitude ?? 1)),
  { aliases: ['sin'] },
);

def(
  'timeFunction',
  'A series whose value is its own timestamp.',
  [
    { name: 'name', type: 'string', required: true },
    { name: 'step', type: 'integer', default: 60 },
  ],
  (ctx: EvalContext, name: string, step?: number) => generator(ctx, name, step ?? 60, (t) => Math.trunc(t)),
  { aliases: ['time'] },
);

def(
  'compressPeriodicGaps',
  'Re-steps a series stored with a finer step than it is fed at (regular null gaps between points).',
  [SERIES],
  (_c, list: Series[]) =>
    list.map((orig) => {
      const s = orig.clone();
      s.name = `compressPeriodicGaps(${s.name})`;
      s.pathExpression = s.name;
      return compressGaps(s);
    }),
);

/**
 * graphite-web 1.1.10's detection: the distance between the first two truthy values is the guessed
 * period if the third predicted value is present and surrounded by nulls; then summarize(..., 'last').
 */
function compressGaps(s: Series): Series {
  const vals = s.values;
  let first = -1;
  let second = -1;
  for (let i = 0; i < vals.length; i++) {
    if (vals[i]) {
      if (first >= 0) {
        second = i;
        break;
      }
      first = i;
    }
  }
  const guess = second - first;
  const third = second + guess;
  let interval: number | undefined;
  if (
    guess > 1 &&
    third <= vals.length - 2 &&
    vals[third] &&
    vals[third - 1] === null &&
    vals[third + 1] === null
  ) {
    interval = guess * s.step;
  }
  if (interval === undefined) return s;
  const newStart = s.start + first * s.step;
  const [values] = summarizeValues(s, 'last', interval, newStart, s.end);
  return new Series({
    name: s.name,
    start: newStart,
    end: newStart + interval * (values.length - 1),
    step: interval,
    values,
    consolidationFunc: s.consolidationFunc,
    tags: s.tags,
    xFilesFactor: s.xFilesFactor,
    pathExpression: s.pathExpression,
  });
}
