// Filter Series: keep or drop whole series by an aggregate, a name regex or a rank.

import { InputParameterError } from '../errors.js';
import type { Series, Value } from '../series.js';
import {
  type AggFunc,
  getAggFunc,
  getPercentile,
  pyRegex,
  pySub,
  safeAvg,
  safeLen,
  safeMax,
  xffValues,
} from './helpers.js';
import { type EvalContext, type ParamDef, registerFunction } from './registry.js';

const SL: ParamDef = { name: 'seriesList', type: 'seriesList', required: true };
const N_INT: ParamDef = { name: 'n', type: 'integer', required: true };
const N_FLOAT: ParamDef = { name: 'n', type: 'float', required: true };

/** graphite-web's keyFunc: a null score sorts as -infinity. */
const score = (f: AggFunc, s: Series): number => f(s.peekConsolidatedValues()) ?? Number.NEGATIVE_INFINITY;

/** Stable sort by key (Python's list.sort, reverse keeps equal items in order). */
export function sortByKey(list: Series[], key: (s: Series) => number | string, reverse = false): Series[] {
  const keyed = list.map((s, i) => ({ s, k: key(s), i }));
  keyed.sort((a, b) => {
    const c = a.k < b.k ? -1 : a.k > b.k ? 1 : 0;
    return (reverse ? -c : c) || a.i - b.i;
  });
  return keyed.map((x) => x.s);
}

function highest(seriesList: Series[], n: number, func: string): Series[] {
  const f = getAggFunc(func);
  return sortByKey(seriesList, (s) => score(f, s), true).slice(0, Math.max(0, Math.trunc(n)));
}
function lowest(seriesList: Series[], n: number, func: string): Series[] {
  const f = getAggFunc(func);
  return sortByKey(seriesList, (s) => score(f, s)).slice(0, Math.max(0, Math.trunc(n)));
}

registerFunction({
  name: 'highest',
  group: 'Filter Series',
  description: 'The n series with the highest value of the aggregation (average by default).',
  params: [SL, N_INT, { name: 'func', type: 'aggFunc', default: 'average' }],
  fn: (_ctx, l: Series[], n = 1, func = 'average') => highest(l, n, func),
});
registerFunction({
  name: 'lowest',
  group: 'Filter Series',
  description: 'The n series with the lowest value of the aggregation (average by default).',
  params: [SL, N_INT, { name: 'func', type: 'aggFunc', default: 'average' }],
  fn: (_ctx, l: Series[], n = 1, func = 'average') => lowest(l, n, func),
});
for (const [name, func, hi, what] of [
  ['highestCurrent', 'current', true, 'last value'],
  ['highestMax', 'max', true, 'maximum'],
  ['highestAverage', 'average', true, 'average'],
  ['lowestCurrent', 'current', false, 'last value'],
  ['lowestAverage', 'average', false, 'average'],
] as const) {
  registerFunction({
    name,
    group: 'Filter Series',
    description: `The n series with the ${hi ? 'highest' : 'lowest'} ${what}.`,
    params: [SL, N_INT],
    fn: (_ctx, l: Series[], n: number) => (hi ? highest(l, n, func) : lowest(l, n, func)),
  });
}

const OPERATORS: Record<string, (v: Value, t: number) => boolean> = {
  '=': (v, t) => v !== null && v === t,
  '!=': (v, t) => v === null || v !== t,
  '>': (v, t) => v !== null && v > t,
  '>=': (v, t) => v !== null && v >= t,
  '<': (v, t) => v === null || v < t,
  '<=': (v, t) => v === null || v <= t,
};

function filterSeries(seriesList: Series[], func: string, operator: string, threshold: number): Series[] {
  const f = getAggFunc(func);
  const op = OPERATORS[operator];
  if (!op) throw new InputParameterError(`Unsupported operator: ${operator}`);
  return seriesList.filter((s) => op(f(s.consolidatedValues()), threshold));
}

registerFunction({
  name: 'filterSeries',
  group: 'Filter Series',
  description: 'Keeps the series whose aggregate compares true against the threshold.',
  params: [
    SL,
    { name: 'func', type: 'aggFunc', required: true },
    { name: 'operator', type: 'string', required: true, options: ['!=', '<', '<=', '=', '>', '>='] },
    { name: 'threshold', type: 'float', required: true },
  ],
  fn: (_ctx, l: Series[], func: string, operator: string, threshold: number) =>
    filterSeries(l, func, operator, threshold),
});
for (const [name, func, op, what] of [
  ['currentAbove', 'last', '>', 'last value is above n'],
  ['currentBelow', 'last', '<=', 'last value is at most n'],
  ['averageAbove', 'average', '>', 'average is above n'],
  ['averageBelow', 'average', '<=', 'average is at most n'],
  ['maximumAbove', 'max', '>', 'maximum is above n'],
  ['maximumBelow', 'max', '<=', 'maximum is at most n'],
  ['minimumAbove', 'min', '>', 'minimum is above n'],
  ['minimumBelow', 'min', '<=', 'minimum is at most n'],
] as const) {
  registerFunction({
    name,
    group: 'Filter Series',
    description: `Keeps the series whose ${what}.`,
    params: [SL, N_FLOAT],
    fn: (_ctx, l: Series[], n: number) => filterSeries(l, func, op, n),
  });
}

registerFunction({
  name: 'limit',
  group: 'Filter Series',
  description: 'The first n series of the list.',
  params: [SL, N_INT],
  fn: (_ctx, l: Series[], n: number) => l.slice(0, Math.max(0, n)),
});

registerFunction({
  name: 'mostDeviant',
  group: 'Filter Series',
  description: 'The n series with the largest variance.',
  params: [SL, N_INT],
  fn: (_ctx, l: Series[], n: number) => {
    const dev: Array<{ sigma: number; s: Series }> = [];
    for (const s of l) {
      const v = s.consolidatedValues();
      const mean = safeAvg(v);
      if (mean === null) continue;
      let sq = 0;
      for (const x of v) if (x !== null) sq += (x - mean) ** 2;
      const len = safeLen(v);
      if (!len) continue;
      dev.push({ sigma: sq / len, s });
    }
    const byKey = new Map(dev.map((d) => [d.s, d.sigma]));
    return sortByKey(
      dev.map((d) => d.s),
      (s) => byKey.get(s) as number,
      true,
    ).slice(0, Math.max(0, n));
  },
});

registerFunction({
  name: 'exclude',
  group: 'Filter Series',
  description: 'Drops the series whose name matches the regular expression.',
  params: [SL, { name: 'pattern', type: 'string', required: true }],
  fn: (_ctx, l: Series[], pattern: string) => {
    const re = pyRegex(pattern);
    return l.filter((s) => !re.test(s.name));
  },
});
registerFunction({
  name: 'grep',
  group: 'Filter Series',
  description: 'Keeps only the series whose name matches the regular expression.',
  params: [SL, { name: 'pattern', type: 'string', required: true }],
  fn: (_ctx, l: Series[], pattern: string) => {
    const re = pyRegex(pattern);
    return l.filter((s) => re.test(s.name));
  },
});

registerFunction({
  name: 'removeEmptySeries',
  group: 'Filter Series',
  description: 'Drops series without enough non-null values (any at all by default).',
  params: [SL, { name: 'xFilesFactor', type: 'float' }],
  fn: (_ctx, l: Series[], xff?: number) => l.filter((s) => xffValues(s.consolidatedValues(), xff ?? 0)),
});

/** Python's `a < b` where None compares below every number (only used where graphite-web would compare). */
const lt = (a: Value, b: Value) => a !== null && b !== null && a < b;

registerFunction({
  name: 'averageOutsidePercentile',
  group: 'Filter Series',
  description: 'Keeps the series whose average lies outside the n-th percentile band of all averages.',
  params: [SL, N_FLOAT],
  fn: (_ctx, l: Series[], nIn: number) => {
    const avgs = l.map((s) => safeAvg(s.consolidatedValues()));
    const n = nIn < 50 ? 100 - nIn : nIn;
    const low = getPercentile(avgs, 100 - n);
    const high = getPercentile(avgs, n);
    return l.filter((_, i) => !(lt(low, avgs[i]) && lt(avgs[i], high)));
  },
});

registerFunction({
  name: 'removeBetweenPercentile',
  group: 'Filter Series',
  description: 'Keeps the series that leave the n-th percentile band (computed per timestamp) at least once.',
  params: [SL, N_FLOAT],
  fn: (_ctx, l: Series[], nIn: number) => {
    const n = nIn < 50 ? 100 - nIn : nIn;
    const cols = l.map((s) => s.consolidatedValues());
    const len = cols.length ? Math.min(...cols.map((c) => c.length)) : 0;
    const lows: Value[] = [];
    const highs: Value[] = [];
    for (let i = 0; i < len; i++) {
      const col = cols.map((c) => c[i]);
      lows.push(getPercentile(col, 100 - n));
      highs.push(getPercentile(col, n));
    }
    return l.filter((_, si) => {
      const c = cols[si];
      for (let i = 0; i < c.length && i < len; i++)
        if (!(lt(lows[i], c[i]) && lt(c[i], highs[i]))) return true;
      return false;
    });
  },
});

registerFunction({
  name: 'unique',
  group: 'Filter Series',
  description: 'Drops series whose name was already seen.',
  params: [{ name: 'seriesLists', type: 'seriesList', required: true, multiple: true }],
  fn: (_ctx, ...lists: Series[][]) => {
    const seen = new Set<string>();
    const out: Series[] = [];
    for (const l of lists.filter(Boolean))
      for (const s of l) {
        if (seen.has(s.name)) continue;
        seen.add(s.name);
        out.push(s);
      }
    return out;
  },
});

registerFunction({
  name: 'useSeriesAbove',
  group: 'Filter Series',
  description:
    'For series whose maximum exceeds value, fetches the metric named by a regex replace on the name instead.',
  params: [
    SL,
    { name: 'value', type: 'float', required: true },
    { name: 'search', type: 'string', required: true },
    { name: 'replace', type: 'string', required: true },
  ],
  fn: async (ctx: EvalContext, l: Series[], value: number, search: string, replace: string) => {
    const names: string[] = [];
    for (const s of l) {
      const newName = pySub(search, replace, s.name);
      const m = safeMax(s.consolidatedValues());
      if (m !== null && m > value) names.push(newName);
    }
    if (!names.length) return [];
    const found = await ctx.evaluate(`group(${names.join(',')})`);
    return found.filter((s) => s.values.length > 0);
  },
});
