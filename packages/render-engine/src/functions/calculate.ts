// Calculate group: moving windows, percentiles, rolling deviation, regression and Holt-Winters
// forecasting, as graphite-web 1.1 computes and names them (including its window off-by-ones).

import { parseATTime } from '../attime.js';
import { InputParameterError } from '../errors.js';
import type { Value } from '../series.js';
import {
  getAggFunc,
  getPercentile,
  parseInterval,
  pyFloat,
  Series,
  SORTED_AGG_FUNC_NAMES,
  safeAvg,
  xff,
} from './helpers.js';
import { type EvalContext, type FunctionDef, type ParamDef, registerFunction } from './registry.js';
import { checkOutputPoints, constantLineSeries, firstArg, g, pyRound, pyStr } from './transform-helpers.js';

const SERIES: ParamDef = { name: 'seriesList', type: 'seriesList', required: true };
const AGG_OPTIONS = [...SORTED_AGG_FUNC_NAMES];
const WINDOW: ParamDef = {
  name: 'windowSize',
  type: 'intOrInterval',
  required: true,
  suggestions: [5, 7, 10, '1min', '5min', '10min', '30min', '1hour'],
};
const XFF: ParamDef = { name: 'xFilesFactor', type: 'float' };

function def(name: string, description: string, params: ParamDef[], fn: FunctionDef['fn']): void {
  registerFunction({ name, group: 'Calculate', description, params, fn });
}

/** Seconds a window reaches back: a time string, or N points of the largest step. */
function previewSeconds(list: Series[], windowSize: number | string): number {
  if (typeof windowSize === 'string') return Math.abs(parseInterval(windowSize));
  return Math.max(...list.map((s) => s.step)) * Math.trunc(windowSize);
}

/** Python's str.capitalize(). */
const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();

async function movingWindow(
  ctx: EvalContext,
  list: Series[],
  windowSize: number | string,
  func: string,
  xFilesFactor: number | undefined,
): Promise<Series[]> {
  if (!list.length) return [];
  const preview = previewSeconds(list, windowSize);
  const agg = getAggFunc(func);
  const previewList = await ctx.evaluate(firstArg(ctx), { startTime: ctx.startTime - preview });
  const tagName = `moving${capitalize(func)}`;
  return previewList.map((s) => {
    const isStr = typeof windowSize === 'string';
    const name = isStr
      ? `${tagName}(${s.name},"${windowSize}")`
      : `${tagName}(${s.name},${pyStr(windowSize)})`;
    const points = isStr ? Math.floor(preview / s.step) : Math.trunc(windowSize);
    s.tags[tagName] = pyStr(windowSize);
    const effectiveXff = xFilesFactor ?? s.xFilesFactor;
    const values: Value[] = [];
    // graphite-web 1.1.9+ (the docker image's 1.1.10): the window ends at, and includes, the point;
    // 1.1.8 ended it one point earlier
    for (let i = points + 1; i <= s.values.length; i++) {
      const nonNull: number[] = [];
      for (let j = i - points; j < i; j++) {
        const v = s.values[j];
        if (v !== null) nonNull.push(v);
      }
      values.push(nonNull.length && xff(nonNull.length, points, effectiveXff) ? agg(nonNull) : null);
    }
    return s.copy({ name, start: s.start + preview, values });
  });
}

def(
  'movingWindow',
  'Aggregates a sliding window (N points or a time span) ending at each point.',
  [SERIES, WINDOW, { name: 'func', type: 'aggFunc', default: 'average', options: AGG_OPTIONS }, XFF],
  (ctx: EvalContext, list: Series[], windowSize: number | string, func?: string, x?: number) =>
    movingWindow(ctx, list, windowSize, func ?? 'average', x),
);
for (const [name, func, what] of [
  ['movingAverage', 'average', 'mean'],
  ['movingMedian', 'median', 'median'],
  ['movingSum', 'sum', 'sum'],
  ['movingMin', 'min', 'minimum'],
  ['movingMax', 'max', 'maximum'],
] as const) {
  def(
    name,
    `The ${what} of a sliding window (N points or a time span) ending at each point.`,
    [SERIES, WINDOW, XFF],
    (ctx: EvalContext, list: Series[], windowSize: number | string, x?: number) =>
      movingWindow(ctx, list, windowSize, func, x),
  );
}

def(
  'exponentialMovingAverage',
  'Exponential moving average seeded with the mean of the first window.',
  [SERIES, WINDOW],
  async (ctx: EvalContext, list: Series[], windowSize: number | string) => {
    if (!list.length) return [];
    const isStr = typeof windowSize === 'string';
    const preview = previewSeconds(list, windowSize);
    // graphite-web derives the constant from seconds for a time window, from points otherwise
    const constant = 2 / ((isStr ? Math.trunc(preview) : Math.trunc(windowSize as number)) + 1);
    const previewList = await ctx.evaluate(firstArg(ctx), { startTime: ctx.startTime - preview });
    return previewList.map((s) => {
      const name = isStr
        ? `exponentialMovingAverage(${s.name},"${windowSize}")`
        : `exponentialMovingAverage(${s.name},${pyStr(windowSize)})`;
      const points = isStr ? Math.floor(preview / s.step) : Math.trunc(windowSize as number);
      s.tags.exponentialMovingAverage = pyStr(windowSize);
      let ema = safeAvg(s.values.slice(0, points)) || 0;
      const values: Value[] = [pyRound(ema, 6)];
      for (let i = points; i < s.values.length; i++) {
        const v = s.values[i];
        if (v === null) values.push(null);
        else {
          ema = constant * v + (1 - constant) * ema;
          values.push(pyRound(ema, 6));
        }
      }
      return s.copy({ name, start: s.start + preview, values });
    });
  },
);

/** nPercentile for one series: the constant series or undefined (empty input). Tags the input like graphite-web. */
export function nPercentileOf(s: Series, n: number): Series | undefined {
  // graphite-web's `assert n` (an AssertionError there, HTTP 500; a clear 400 here)
  if (n === 0) throw new InputParameterError('The requested percent is required to be greater than 0');
  const present = s.values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  if (!present.length) return undefined;
  const perc = getPercentile(present, n);
  if (perc === null) return undefined;
  s.tags.nPercentile = pyFloat(n);
  const count = Math.trunc((s.end - s.start) / s.step);
  return s.copy({
    name: `nPercentile(${s.name}, ${g(n)})`,
    values: new Array(Math.max(0, count)).fill(perc),
  });
}

def(
  'nPercentile',
  'A constant line at the n-th percentile of each series.',
  [SERIES, { name: 'n', type: 'float', required: true }],
  (_c, list: Series[], n: number) => list.map((s) => nPercentileOf(s, n)).filter((s): s is Series => !!s),
);

def(
  'stdev',
  'Rolling standard deviation over the last N points (null when too few are present).',
  [
    SERIES,
    { name: 'points', type: 'integer', required: true },
    { name: 'windowTolerance', type: 'float', default: 0.1 },
  ],
  (_c, list: Series[], points: number, windowTolerance?: number) => {
    const tolerance = windowTolerance ?? 0.1;
    return list.map((s) => {
      s.tags.stdev = pyStr(points);
      const values: Value[] = [];
      let valid = 0;
      let sum = 0;
      let sumSq = 0;
      s.values.forEach((v, i) => {
        const dropped = i < points ? null : s.values[i - points];
        if (dropped !== null) {
          valid--;
          sum -= dropped;
          sumSq -= dropped ** 2;
        }
        if (v !== null) {
          valid++;
          sum += v;
          sumSq += v ** 2;
        }
        if (valid > 0 && valid / points >= tolerance) {
          const r = Math.sqrt(valid * sumSq - sum ** 2) / valid;
          values.push(Number.isNaN(r) ? null : r);
        } else values.push(null);
      });
      return s.copy({ name: `stdev(${s.name},${Math.trunc(points)})`, values });
    });
  },
);

def(
  'aggregateLine',
  'A horizontal line at an aggregate (average by default) of each series.',
  [
    SERIES,
    { name: 'func', type: 'aggFunc', default: 'average', options: AGG_OPTIONS },
    { name: 'keepStep', type: 'boolean', default: false },
  ],
  (ctx: EvalContext, list: Series[], func?: string, keepStep?: boolean) => {
    const fn = func ?? 'average';
    const agg = getAggFunc(fn);
    const isCount = fn === 'count';
    return list.map((s) => {
      const value = agg(s.values);
      const name =
        value === null ? `aggregateLine(${s.name}, None)` : `aggregateLine(${s.name}, ${g(value)})`;
      if (keepStep) return s.copy({ name, values: new Array(s.values.length).fill(value) });
      const line = constantLineSeries(ctx, value, pyStr(value, !isCount));
      line.name = name;
      line.pathExpression = name;
      return line;
    });
  },
);

def(
  'identity',
  'A series whose value is its own timestamp (step 60).',
  [{ name: 'name', type: 'string', required: true }],
  (ctx: EvalContext, name: string) => {
    const start = Math.trunc(ctx.startTime);
    const end = Math.trunc(ctx.endTime);
    checkOutputPoints(ctx, (end - start) / 60);
    const values: Value[] = [];
    for (let t = start; t < end; t += 60) values.push(t);
    const s = new Series({ name, start, end, step: 60, values, xFilesFactor: ctx.xFilesFactor });
    s.pathExpression = `identity("${name}")`;
    return [s];
  },
);

/** Least-squares [factor, offset] of value against time, or undefined when degenerate. */
function linearRegressionAnalysis(s: Series): [number, number] | undefined {
  let n = 0;
  let sumI = 0;
  let sumV = 0;
  let sumII = 0;
  let sumIV = 0;
  s.values.forEach((v, i) => {
    if (v === null) return;
    n++;
    sumI += i;
    sumV += v;
    sumII += i * i;
    sumIV += i * v;
  });
  const denominator = n * sumII - sumI * sumI;
  if (denominator === 0) return undefined;
  const factor = (n * sumIV - sumI * sumV) / denominator / s.step;
  const offset = (sumII * sumV - sumIV * sumI) / denominator - factor * s.start;
  return [factor, offset];
}

def(
  'linearRegression',
  'The least-squares line fitted over a source window (the request window by default).',
  [SERIES, { name: 'startSourceAt', type: 'date' }, { name: 'endSourceAt', type: 'date' }],
  async (ctx: EvalContext, list: Series[], startSourceAt?: unknown, endSourceAt?: unknown) => {
    const startTime =
      startSourceAt == null ? ctx.startTime : parseATTime(String(startSourceAt), ctx.tz, ctx.now);
    const endTime = endSourceAt == null ? ctx.endTime : parseATTime(String(endSourceAt), ctx.tz, ctx.now);
    const sources = await ctx.evaluate(firstArg(ctx), { startTime, endTime });
    const out: Series[] = [];
    const range = `${Math.trunc(startTime)}, ${Math.trunc(endTime)}`;
    for (let i = 0; i < Math.min(sources.length, list.length); i++) {
      const s = list[i];
      s.tags.linearRegressions = range;
      const fit = linearRegressionAnalysis(sources[i]);
      if (!fit) continue;
      const [factor, offset] = fit;
      const name = `linearRegression(${s.name}, ${range})`;
      const values = s.values.map((_v, k) => offset + (s.start + k * s.step) * factor);
      out.push(
        new Series({
          name,
          start: s.start,
          end: s.end,
          step: s.step,
          values,
          tags: s.tags,
          xFilesFactor: s.xFilesFactor,
        }),
      );
    }
    return out;
  },
);

interface HoltWinters {
  predictions: Value[];
  deviations: Value[];
}

/** graphite-web's holtWintersAnalysis (alpha = gamma = 0.1, beta = 0.0035). */
function holtWintersAnalysis(s: Series, seasonality: string): HoltWinters {
  const alpha = 0.1;
  const gamma = 0.1;
  const beta = 0.0035;
  // graphite-web master clamps the season to 2 points (shorter seasons index past the data)
  const seasonLength = Math.max(2, Math.floor(parseInterval(seasonality) / s.step));
  const intercepts: Value[] = [];
  const slopes: number[] = [];
  const seasonals: number[] = [];
  const predictions: Value[] = [];
  const deviations: number[] = [];
  const lastSeasonal = (i: number) => (i - seasonLength >= 0 ? seasonals[i - seasonLength] : 0);
  const lastDeviation = (i: number) => (i - seasonLength >= 0 ? deviations[i - seasonLength] : 0);
  let nextPred: Value = null;
  s.values.forEach((actual, i) => {
    if (actual === null) {
      intercepts.push(null);
      slopes.push(0);
      seasonals.push(0);
      predictions.push(nextPred);
      deviations.push(0);
      nextPred = null;
      return;
    }
    let lastIntercept: number;
    let lastSlope: number;
    let prediction: Value;
    if (i === 0) {
      lastIntercept = actual;
      lastSlope = 0;
      prediction = actual;
    } else {
      lastIntercept = intercepts[intercepts.length - 1] ?? actual;
      lastSlope = slopes[slopes.length - 1];
      prediction = nextPred;
    }
    const ls = lastSeasonal(i);
    const nextLastSeasonal = lastSeasonal(i + 1);
    const lastSeasonalDev = lastDeviation(i);
    const intercept = alpha * (actual - ls) + (1 - alpha) * (lastIntercept + lastSlope);
    const slope = beta * (intercept - lastIntercept) + (1 - beta) * lastSlope;
    const seasonal = gamma * (actual - intercept) + (1 - gamma) * ls;
    nextPred = intercept + slope + nextLastSeasonal;
    const deviation = gamma * Math.abs(actual - (prediction ?? 0)) + (1 - gamma) * lastSeasonalDev;
    intercepts.push(intercept);
    slopes.push(slope);
    seasonals.push(seasonal);
    predictions.push(prediction);
    deviations.push(deviation);
  });
  return { predictions, deviations };
}

const BOOTSTRAP: ParamDef = {
  name: 'bootstrapInterval',
  type: 'interval',
  default: '7d',
  suggestions: ['7d', '30d'],
};
const SEASONALITY: ParamDef = {
  name: 'seasonality',
  type: 'interval',
  default: '1d',
  suggestions: ['1d', '7d'],
};
const DELTA: ParamDef = { name: 'delta', type: 'integer', default: 3 };

async function bootstrapList(ctx: EvalContext, bootstrapInterval: string): Promise<[Series[], number]> {
  const preview = parseInterval(bootstrapInterval);
  return [await ctx.evaluate(firstArg(ctx), { startTime: ctx.startTime - preview }), preview];
}

def(
  'holtWintersForecast',
  'Holt-Winters forecast of each series, trained over a bootstrap interval before the window.',
  [SERIES, BOOTSTRAP, SEASONALITY],
  async (ctx: EvalContext, _list: Series[], bootstrapInterval?: string, seasonality?: string) => {
    const [previewList, preview] = await bootstrapList(ctx, bootstrapInterval ?? '7d');
    return previewList.map((s) => {
      const { predictions } = holtWintersAnalysis(s, seasonality ?? '1d');
      // graphite-web's analysis tags the input series (a shared dict) with both of its outputs
      s.tags.holtWintersForecast = '1';
      s.tags.holtWintersDeviation = '1';
      const skip = Math.floor(preview / s.step);
      return new Series({
        name: `holtWintersForecast(${s.name})`,
        start: s.start + preview,
        end: s.end,
        step: s.step,
        values: predictions.slice(skip),
        tags: s.tags,
        xFilesFactor: s.xFilesFactor,
      });
    });
  },
);

/** [lower, upper] band series per bootstrap series, named and tagged like graphite-web. */
async function confidenceBands(
  ctx: EvalContext,
  delta: number,
  bootstrapInterval: string,
  seasonality: string,
): Promise<Series[]> {
  const [previewList, preview] = await bootstrapList(ctx, bootstrapInterval);
  const out: Series[] = [];
  for (const s of previewList) {
    const { predictions, deviations } = holtWintersAnalysis(s, seasonality);
    const skip = Math.floor(preview / s.step);
    const forecast = predictions.slice(skip);
    const deviation = deviations.slice(skip);
    const upper: Value[] = [];
    const lower: Value[] = [];
    forecast.forEach((f, i) => {
      const d = deviation[i] ?? null;
      if (f === null || d === null) {
        upper.push(null);
        lower.push(null);
      } else {
        upper.push(f + delta * d);
        lower.push(f - delta * d);
      }
    });
    for (const k of [
      'holtWintersForecast',
      'holtWintersDeviation',
      'holtWintersConfidenceUpper',
      'holtWintersConfidenceLower',
    ]) {
      s.tags[k] = '1';
    }
    const mk = (name: string, values: Value[]) => {
      const band = new Series({
        name,
        start: s.start + preview,
        end: s.end,
        step: s.step,
        values,
        tags: s.tags,
        xFilesFactor: s.xFilesFactor,
      });
      band.pathExpression = s.pathExpression;
      return band;
    };
    out.push(
      mk(`holtWintersConfidenceLower(${s.name})`, lower),
      mk(`holtWintersConfidenceUpper(${s.name})`, upper),
    );
  }
  return out;
}

def(
  'holtWintersConfidenceBands',
  'Upper and lower Holt-Winters confidence bands (forecast +- delta deviations).',
  [SERIES, DELTA, BOOTSTRAP, SEASONALITY],
  (ctx: EvalContext, _list: Series[], delta?: number, bootstrapInterval?: string, seasonality?: string) =>
    confidenceBands(ctx, delta ?? 3, bootstrapInterval ?? '7d', seasonality ?? '1d'),
);

def(
  'holtWintersConfidenceArea',
  'The Holt-Winters confidence bands drawn as a filled area.',
  [SERIES, DELTA, BOOTSTRAP, SEASONALITY],
  async (
    ctx: EvalContext,
    _list: Series[],
    delta?: number,
    bootstrapInterval?: string,
    seasonality?: string,
  ) => {
    const bands = await confidenceBands(ctx, delta ?? 3, bootstrapInterval ?? '7d', seasonality ?? '1d');
    // graphite-web's areaBetween asserts exactly two series
    if (bands.length !== 2) throw new Error('areaBetween series argument must reference *exactly* 2 series');
    const [lower, upper] = bands;
    const tags = { ...upper.tags, holtWintersConfidenceArea: '1' };
    const name = `holtWintersConfidenceArea(${upper.pathExpression})`;
    for (const b of bands) {
      b.tags = tags;
      b.name = name;
      b.pathExpression = name;
      b.options.stacked = true;
    }
    lower.options.invisible = true;
    return bands;
  },
);

def(
  'holtWintersAberration',
  'How far each point lies outside its Holt-Winters confidence bands (0 inside).',
  [SERIES, DELTA, BOOTSTRAP, SEASONALITY],
  async (
    ctx: EvalContext,
    list: Series[],
    delta?: number,
    bootstrapInterval?: string,
    seasonality?: string,
  ) => {
    const bands = await confidenceBands(ctx, delta ?? 3, bootstrapInterval ?? '7d', seasonality ?? '1d');
    const byName = new Map(bands.map((b) => [b.name, b]));
    return list.map((s) => {
      const lower = byName.get(`holtWintersConfidenceLower(${s.name})`);
      const upper = byName.get(`holtWintersConfidenceUpper(${s.name})`);
      if (!lower || !upper) throw new Error(`holtWintersAberration: no bands for ${s.name}`);
      const values = s.values.map((v, i) => {
        if (v === null) return 0;
        const t = s.start + i * s.step;
        const u = bandAt(upper, t);
        const l = bandAt(lower, t);
        if (u !== null && v > u) return v - u;
        if (l !== null && v < l) return v - l;
        return 0;
      });
      s.tags.holtWintersAberration = '1';
      return new Series({
        name: `holtWintersAberration(${s.name})`,
        start: s.start,
        end: s.end,
        step: s.step,
        values,
        tags: s.tags,
        xFilesFactor: s.xFilesFactor,
      });
    });
  },
);

/**
 * The band value covering timestamp t. graphite-web indexes the bands by the series' position, which
 * is the same thing when both share a step and fails (HTTP 500) when the bootstrap fetch came from a
 * coarser archive; looking up by time keeps the identical answers and fixes that case.
 */
function bandAt(band: Series, t: number): Value {
  const i = Math.floor((t - band.start) / band.step);
  return i >= 0 && i < band.values.length ? band.values[i] : null;
}
