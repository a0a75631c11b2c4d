// Combine: aggregations across series (sumSeries & co.), grouping, ratios.

import { InputParameterError } from '../errors.js';
import { parseTaggedName, Series, type Value } from '../series.js';
import {
  aggKey,
  aggregateColumns,
  forEachRow,
  formatPathExpressions,
  getAggFunc,
  getAggFuncName,
  getPercentile,
  normalize,
  pyG,
  pyNum,
  safeDiv,
  safeMul,
  safeSum,
  xffValues,
  zipLongest,
} from './helpers.js';
import { type EvalContext, getFunction, type ParamDef, registerFunction } from './registry.js';

const SL = (name = 'seriesList'): ParamDef => ({ name, type: 'seriesList', required: true });
const LISTS: ParamDef[] = [{ name: 'seriesLists', type: 'seriesList', required: true, multiple: true }];

/** graphite-web's aggregate(): LCM-normalise, reduce each row, keep common tags, add aggregatedBy. */
export function aggregateSeries(
  ctx: EvalContext,
  seriesLists: Series[][],
  funcIn: string,
  xFilesFactor?: number,
): Series[] {
  const rawFunc = funcIn;
  const func = funcIn.endsWith('Series') ? funcIn.slice(0, -6) : funcIn;
  const agg = getAggFunc(func, rawFunc);
  const norm = normalize(seriesLists);
  if (!norm) return [];
  const { series, start, end, step } = norm;
  const xff = xFilesFactor ?? ctx.xFilesFactor;
  const name = `${func}Series(${formatPathExpressions(series)})`;
  let values = aggregateColumns(series, getAggFuncName(func), xff);
  if (!values) {
    const rows: Value[] = [];
    forEachRow(series, (row) => {
      rows.push(xffValues(row, xff) ? agg(row) : null);
    });
    values = rows;
  }
  let tags: Record<string, string> = { ...series[0].tags };
  for (const s of series) {
    const next: Record<string, string> = {};
    for (const [k, v] of Object.entries(tags)) if (k in s.tags && s.tags[k] === v) next[k] = v;
    tags = next;
  }
  if (!('name' in tags)) tags.name = name;
  tags.aggregatedBy = func;
  return [new Series({ name, start, end, step, values, xFilesFactor: xff, tags })];
}

function aggregator(name: string, func: string, description: string, aliases?: string[]): void {
  registerFunction({
    name,
    group: 'Combine',
    description,
    params: LISTS,
    aggregator: true,
    aliases,
    fn: (ctx, ...lists: Series[][]) => aggregateSeries(ctx, lists.filter(Boolean), func),
  });
}

aggregator('sumSeries', 'sum', 'Adds the series together point by point (nulls ignored).', ['sum']);
aggregator('averageSeries', 'average', 'Point-by-point mean of the series (nulls ignored).', ['avg']);
aggregator('maxSeries', 'max', 'Point-by-point maximum of the series.');
aggregator('minSeries', 'min', 'Point-by-point minimum of the series.');
aggregator('diffSeries', 'diff', 'Subtracts the second and later series from the first, point by point.');
aggregator('stddevSeries', 'stddev', 'Point-by-point population standard deviation across the series.');
aggregator('rangeOfSeries', 'rangeOf', 'Point-by-point difference between the largest and smallest value.');

registerFunction({
  name: 'multiplySeries',
  group: 'Combine',
  description: 'Multiplies the series point by point; a null anywhere gives null.',
  params: LISTS,
  aggregator: true,
  fn: (ctx, ...lists: Series[][]) => {
    if (lists.length === 1 && lists[0]?.length === 1) return lists[0];
    return aggregateSeries(ctx, lists, 'multiply');
  },
});

registerFunction({
  name: 'aggregate',
  group: 'Combine',
  description: 'Combines the series point by point with the named aggregation (sum, average, max, ...).',
  params: [SL(), { name: 'func', type: 'aggFunc', required: true }, { name: 'xFilesFactor', type: 'float' }],
  fn: (ctx, seriesList: Series[], func: string, xff?: number) => {
    getAggFunc(func.endsWith('Series') ? func.slice(0, -6) : func, func);
    if (!seriesList.length) return [];
    return aggregateSeries(ctx, [seriesList], func, xff);
  },
});

function aggregateLists(ctx: EvalContext, a: Series[], b: Series[], func: string, xff?: number): Series[] {
  if (a.length !== b.length)
    throw new InputParameterError(
      'seriesListFirstPos and seriesListSecondPos argument must have equal length',
    );
  const out: Series[] = [];
  for (let i = 0; i < a.length; i++) {
    const r = aggregateSeries(ctx, [[a[i], b[i]]], func, xff);
    if (!r.length) continue;
    const s = r[0];
    s.name = `${s.name.slice(0, s.name.indexOf('Series('))}Series(${a[i].name},${b[i].name})`;
    out.push(s);
  }
  return out;
}

const PAIR: ParamDef[] = [SL('seriesListFirstPos'), SL('seriesListSecondPos')];
registerFunction({
  name: 'aggregateSeriesLists',
  group: 'Combine',
  description: 'Aggregates the n-th series of the first list with the n-th series of the second.',
  params: [
    ...PAIR,
    { name: 'func', type: 'aggFunc', required: true },
    { name: 'xFilesFactor', type: 'float' },
  ],
  fn: (ctx, a: Series[], b: Series[], func: string, xff?: number) => aggregateLists(ctx, a, b, func, xff),
});
for (const [name, func, what] of [
  ['sumSeriesLists', 'sum', 'Sums'],
  ['diffSeriesLists', 'diff', 'Subtracts'],
  ['multiplySeriesLists', 'multiply', 'Multiplies'],
] as const) {
  registerFunction({
    name,
    group: 'Combine',
    description: `${what} the n-th series of the two lists pairwise.`,
    params: PAIR,
    aggregator: true,
    fn: (ctx, a: Series[], b: Series[]) => aggregateLists(ctx, a, b, func),
  });
}

function aggregateWithWildcards(
  ctx: EvalContext,
  seriesList: Series[],
  func: string,
  positions: number[],
): Series[] {
  const groups = new Map<string, Series[]>();
  for (const s of seriesList) {
    const key = s.name
      .split('.')
      .filter((_, i) => !positions.includes(i))
      .join('.');
    const g = groups.get(key);
    if (g) g.push(s);
    else groups.set(key, [s]);
  }
  const out: Series[] = [];
  for (const [key, members] of groups) {
    const r = aggregateSeries(ctx, [members], func)[0];
    r.name = key;
    out.push(r);
  }
  return out;
}

registerFunction({
  name: 'aggregateWithWildcards',
  group: 'Combine',
  description:
    'Groups series by their name with the given node positions removed, and aggregates each group.',
  params: [
    SL(),
    { name: 'func', type: 'aggFunc', required: true },
    { name: 'position', type: 'node', multiple: true },
  ],
  fn: (ctx, seriesList: Series[], func: string, ...positions: number[]) => {
    getAggFunc(func.endsWith('Series') ? func.slice(0, -6) : func, func);
    return aggregateWithWildcards(ctx, seriesList, func, positions);
  },
});
for (const [name, func] of [
  ['sumSeriesWithWildcards', 'sum'],
  ['averageSeriesWithWildcards', 'average'],
  ['multiplySeriesWithWildcards', 'multiply'],
] as const) {
  registerFunction({
    name,
    group: 'Combine',
    description: `Like aggregateWithWildcards with "${func}".`,
    params: [SL(), { name: 'position', type: 'node', multiple: true }],
    aggregator: true,
    fn: (ctx, seriesList: Series[], ...positions: number[]) =>
      aggregateWithWildcards(ctx, seriesList, func, positions),
  });
}

registerFunction({
  name: 'countSeries',
  group: 'Combine',
  description: 'A series whose every value is the number of input series.',
  params: [{ name: 'seriesLists', type: 'seriesList', multiple: true }],
  aggregator: true,
  fn: (ctx, ...lists: Series[][]) => {
    const given = lists.filter(Boolean);
    if (given.length) {
      const norm = normalize(given);
      if (!norm) return [];
      const name = `countSeries(${formatPathExpressions(norm.series)})`;
      const rows = zipLongest(norm.series);
      const s = new Series({
        name,
        start: norm.start,
        end: norm.end,
        step: norm.step,
        values: rows.map((r) => r.length),
        xFilesFactor: ctx.xFilesFactor,
      });
      return [s];
    }
    const s = constantLineSeries(ctx, 0, true);
    s.pathExpression = 'countSeries()';
    return [s];
  },
});

/** constantLine: three points (start, middle, end), named str(value) (a float after validation). */
export function constantLineSeries(ctx: EvalContext, value: number, isInt = false): Series {
  const start = Math.trunc(ctx.startTime);
  const end = Math.trunc(ctx.endTime);
  const step = Math.trunc((end - start) / 2);
  return new Series({
    name: pyNum(value, !isInt),
    start,
    end,
    step,
    values: [value, value, value],
    xFilesFactor: ctx.xFilesFactor,
  });
}

registerFunction({
  name: 'divideSeries',
  group: 'Combine',
  description: 'Divides each series by a single divisor series (null where the divisor is 0 or null).',
  params: [SL('dividendSeriesList'), SL('divisorSeries')],
  fn: (ctx, dividends: Series[], divisors: Series[]) => {
    if (divisors.length === 0) {
      for (const s of dividends) {
        s.name = `divideSeries(${s.name},MISSING)`;
        s.pathExpression = s.name;
        s.values = s.values.map(() => null);
      }
      return dividends;
    }
    if (divisors.length > 1) {
      throw new InputParameterError(
        `divideSeries second argument must reference exactly 1 series (got ${divisors.length})`,
      );
    }
    return dividends.map((d) => dividePair(ctx, d, divisors[0]));
  },
});

function dividePair(ctx: EvalContext, a: Series, b: Series): Series {
  const name = `divideSeries(${a.name},${b.name})`;
  const norm = normalize([[a, b]]) as NonNullable<ReturnType<typeof normalize>>;
  const values = zipLongest([a, b]).map(([x, y]) => safeDiv(x, y));
  return new Series({
    name,
    start: norm.start,
    end: norm.end,
    step: norm.step,
    values,
    xFilesFactor: ctx.xFilesFactor,
  });
}

registerFunction({
  name: 'divideSeriesLists',
  group: 'Combine',
  description: 'Divides the n-th series of the first list by the n-th series of the second.',
  params: [SL('dividendSeriesList'), SL('divisorSeriesList')],
  fn: (ctx, a: Series[], b: Series[]) => {
    if (a.length !== b.length)
      throw new InputParameterError(
        'dividendSeriesList and divisorSeriesList argument must have equal length',
      );
    return a.map((x, i) => dividePair(ctx, x, b[i]));
  },
});

function sumGroup(ctx: EvalContext, members: Series[]): Series {
  if (members.length === 1) return members[0];
  const name = `sumSeries(${formatPathExpressions(members)})`;
  const norm = normalize([members]) as NonNullable<ReturnType<typeof normalize>>;
  const values = zipLongest(members).map(safeSum);
  return new Series({
    name,
    start: norm.start,
    end: norm.end,
    step: norm.step,
    values,
    xFilesFactor: ctx.xFilesFactor,
  });
}

const pct = (v: Value, t: Value): Value => safeMul([safeDiv(v, t), 100]);

function asPercent(ctx: EvalContext, seriesList: Series[], total: unknown, ...nodes: unknown[]): Series[] {
  const xff = ctx.xFilesFactor;
  if (!seriesList.length) {
    if (!nodes.length) return [];
  } else normalize([seriesList]);
  if (nodes.length) {
    const keys: string[] = [];
    const meta = new Map<string, Series[]>();
    for (const s of seriesList) {
      const k = aggKey(s, nodes);
      if (!meta.has(k)) {
        meta.set(k, []);
        keys.push(k);
      }
      meta.get(k)?.push(s);
    }
    const totals = new Map<string, Series>();
    if (total === undefined || total === null) {
      for (const k of keys) totals.set(k, sumGroup(ctx, meta.get(k) as Series[]));
    } else if (Array.isArray(total)) {
      const groups = new Map<string, Series[]>();
      for (const s of total as Series[]) {
        const k = aggKey(s, nodes);
        if (!groups.has(k)) {
          groups.set(k, []);
          if (!keys.includes(k)) keys.push(k);
        }
        groups.get(k)?.push(s);
      }
      for (const [k, g] of groups) totals.set(k, sumGroup(ctx, g));
    } else throw new InputParameterError('total must be None or a seriesList');
    const out: Series[] = [];
    let last: { start: number; end: number; step: number } | undefined;
    for (const k of keys) {
      const members = meta.get(k);
      if (!members) {
        const t = totals.get(k) as Series;
        const vals = t.consolidatedValues().map(() => null);
        // graphite-web reuses start/end/step left over from the previous group here
        const w = last ?? { start: t.start, end: t.end, step: t.step };
        out.push(new Series({ name: `asPercent(MISSING,${t.name})`, ...w, values: vals, xFilesFactor: xff }));
        continue;
      }
      for (const s of members) {
        const t = totals.get(k);
        if (!t) {
          out.push(
            new Series({
              name: `asPercent(${s.name},MISSING)`,
              start: last?.start ?? s.start,
              end: last?.end ?? s.end,
              step: last?.step ?? s.step,
              values: s.consolidatedValues().map(() => null),
              xFilesFactor: xff,
            }),
          );
          continue;
        }
        const norm = normalize([[s, t]]) as NonNullable<ReturnType<typeof normalize>>;
        last = { start: norm.start, end: norm.end, step: norm.step };
        const values = zipLongest([s, t]).map(([a, b]) => pct(a, b));
        out.push(new Series({ name: `asPercent(${s.name},${t.name})`, ...last, values, xFilesFactor: xff }));
      }
    }
    return out;
  }
  let totalValues: Value[];
  let totalText: string;
  if (total === undefined || total === null) {
    totalValues = zipLongest(seriesList).map(safeSum);
    totalText = `sumSeries(${formatPathExpressions(seriesList)})`;
  } else if (Array.isArray(total)) {
    const t = total as Series[];
    if (t.length !== 1 && t.length !== seriesList.length) {
      throw new InputParameterError(
        'asPercent second argument must be missing, a single digit, reference exactly 1 series or reference the same number of series as the first argument',
      );
    }
    if (t.length === seriesList.length && t.length !== 1) {
      const a = [...seriesList].sort(byName);
      const b = [...t].sort(byName);
      return a.map((s1, i) => {
        const s2 = b[i];
        const norm = normalize([[s1, s2]]) as NonNullable<ReturnType<typeof normalize>>;
        const values = zipLongest([s1, s2]).map(([x, y]) => pct(x, y));
        return new Series({
          name: `asPercent(${s1.name},${s2.name})`,
          start: norm.start,
          end: norm.end,
          step: norm.step,
          values,
          xFilesFactor: xff,
        });
      });
    }
    normalize([seriesList, t]);
    totalValues = t[0].consolidatedValues();
    totalText = t[0].name;
  } else if (typeof total === 'number') {
    const len = seriesList[0].consolidatedValues().length;
    totalValues = new Array(len).fill(total);
    const lit = ctx.call?.args[1];
    totalText = pyNum(total, lit?.type === 'number' ? lit.isFloat : false);
  } else {
    throw new InputParameterError('asPercent total must be a number or a seriesList');
  }
  return seriesList.map((s) => {
    const vals = s.consolidatedValues();
    const len = Math.max(vals.length, totalValues.length);
    const values: Value[] = [];
    for (let i = 0; i < len; i++)
      values.push(pct(i < vals.length ? vals[i] : null, i < totalValues.length ? totalValues[i] : null));
    return new Series({
      name: `asPercent(${s.name},${totalText || s.pathExpression})`,
      start: s.start,
      end: s.end,
      step: s.step,
      values,
      xFilesFactor: xff,
    });
  });
}

const byName = (a: Series, b: Series) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

const AS_PERCENT: ParamDef[] = [
  SL(),
  { name: 'total', type: 'any' },
  { name: 'nodes', type: 'nodeOrTag', multiple: true },
];
registerFunction({
  name: 'asPercent',
  group: 'Combine',
  description:
    'Each series as a percentage of a total (the sum of the list, a number, or matching total series).',
  params: AS_PERCENT,
  aggregator: true,
  aliases: ['pct'],
  fn: asPercent,
});

registerFunction({
  name: 'percentileOfSeries',
  group: 'Combine',
  description: 'Point by point, the n-th percentile of the values across the series.',
  params: [
    SL(),
    { name: 'n', type: 'float', required: true },
    { name: 'interpolate', type: 'boolean', default: false },
  ],
  fn: (ctx, seriesList: Series[], n: number, interpolate = false) => {
    if (n <= 0) throw new InputParameterError('The requested percent is required to be greater than 0');
    if (!seriesList.length) return [];
    const name = `percentileOfSeries(${seriesList[0].pathExpression},${pyG(n)})`;
    const norm = normalize([seriesList]) as NonNullable<ReturnType<typeof normalize>>;
    const values = zipLongest(seriesList).map((row) => getPercentile(row, n, interpolate));
    return [
      new Series({
        name,
        start: norm.start,
        end: norm.end,
        step: norm.step,
        values,
        xFilesFactor: ctx.xFilesFactor,
      }),
    ];
  },
});

registerFunction({
  name: 'powSeries',
  group: 'Combine',
  description: 'Raises the first series to the power of the second, then of the third, point by point.',
  params: [{ name: 'seriesList', type: 'seriesList', required: true, multiple: true }],
  aggregator: true,
  fn: (ctx, ...lists: Series[][]) => {
    const norm = normalize(lists.filter(Boolean));
    if (!norm) return [];
    const name = `powSeries(${norm.series.map((s) => s.name).join(',')})`;
    const values = zipLongest(norm.series).map((row) => {
      let acc: Value = null;
      row.forEach((el, i) => {
        if (i === 0) acc = el;
        else if (acc === null || el === null) acc = null;
        else {
          const r: number = (acc as number) ** el;
          acc = Number.isFinite(r) ? r : null;
        }
      });
      return acc;
    });
    return [
      new Series({
        name,
        start: norm.start,
        end: norm.end,
        step: norm.step,
        values,
        xFilesFactor: ctx.xFilesFactor,
      }),
    ];
  },
});

registerFunction({
  name: 'group',
  group: 'Combine',
  description: 'Concatenates several series lists into one.',
  params: [{ name: 'seriesLists', type: 'seriesList', multiple: true }],
  fn: (_ctx, ...lists: Series[][]) => lists.filter(Boolean).flat(),
});

/** Calls a series function (aggregator) or an aggregation by name on one group. */
async function applyCallback(ctx: EvalContext, callback: string, members: Series[]): Promise<Series> {
  const def = getFunction(callback);
  if (def) {
    const r = await def.fn(ctx, members);
    return r[0];
  }
  return aggregateSeries(ctx, [members], callback)[0];
}

async function groupByNodes(
  ctx: EvalContext,
  seriesList: Series[],
  callback: string,
  nodes: unknown[],
): Promise<Series[]> {
  if (!getFunction(callback))
    getAggFunc(callback.endsWith('Series') ? callback.slice(0, -6) : callback, callback);
  const groups = new Map<string, Series[]>();
  for (const s of seriesList) {
    const k = aggKey(s, nodes);
    const g = groups.get(k);
    if (g) g.push(s);
    else groups.set(k, [s]);
  }
  const out: Series[] = [];
  for (const [k, members] of groups) {
    const r = await applyCallback(ctx, callback, members);
    if (!r) continue;
    r.name = k;
    out.push(r);
  }
  return out;
}

registerFunction({
  name: 'groupByNode',
  group: 'Combine',
  description: 'Groups series by one node (or tag) of their name and combines each group with the callback.',
  params: [
    SL(),
    { name: 'nodeNum', type: 'nodeOrTag', required: true },
    { name: 'callback', type: 'aggOrSeriesFunc', default: 'average' },
  ],
  fn: (ctx, seriesList: Series[], nodeNum: unknown, callback = 'average') =>
    groupByNodes(ctx, seriesList, callback, [nodeNum]),
});
registerFunction({
  name: 'groupByNodes',
  group: 'Combine',
  description:
    'Groups series by several nodes (or tags) joined with "." and combines each group with the callback.',
  params: [
    SL(),
    { name: 'callback', type: 'aggOrSeriesFunc', required: true },
    { name: 'nodes', type: 'nodeOrTag', multiple: true },
  ],
  fn: (ctx, seriesList: Series[], callback: string, ...nodes: unknown[]) =>
    groupByNodes(ctx, seriesList, callback, nodes),
});

registerFunction({
  name: 'groupByTags',
  group: 'Combine',
  description: 'Groups series by the values of the given tags and combines each group with the callback.',
  params: [
    SL(),
    { name: 'callback', type: 'aggOrSeriesFunc', required: true },
    { name: 'tags', type: 'tag', required: true, multiple: true },
  ],
  fn: async (ctx, seriesList: Series[], callback: string, ...tagsIn: unknown[]) => {
    const tags = tagsIn.filter((t) => t !== undefined).map(String);
    if (!tags.length) throw new InputParameterError('groupByTags(): no tags specified');
    if (!getFunction(callback))
      getAggFunc(callback.endsWith('Series') ? callback.slice(0, -6) : callback, callback);
    let name = callback;
    if (!tags.includes('name')) {
      const names = new Set(seriesList.map((s) => s.tags.name));
      if (names.size === 1) name = [...names][0];
    }
    const groups = new Map<string, Series[]>();
    for (const s of seriesList) {
      const parts = tags.filter((t) => t !== 'name').map((t) => `${t}=${s.tags[t] ?? ''}`);
      parts.sort();
      const key = [tags.includes('name') ? s.tags.name : name, ...parts].join(';');
      const g = groups.get(key);
      if (g) g.push(s);
      else groups.set(key, [s]);
    }
    const out: Series[] = [];
    for (const [key, members] of groups) {
      const r = await applyCallback(ctx, callback, members);
      if (!r) continue;
      r.name = key;
      r.pathExpression = key;
      r.tags = parseTaggedName(key) ?? { name: key };
      out.push(r);
    }
    return out;
  },
});

registerFunction({
  name: 'applyByNode',
  group: 'Combine',
  description:
    'For each distinct name prefix up to nodeNum, evaluates the template target with "%" replaced by the prefix.',
  params: [
    SL(),
    { name: 'nodeNum', type: 'node', required: true },
    { name: 'templateFunction', type: 'string', required: true },
    { name: 'newName', type: 'string' },
  ],
  fn: async (ctx, seriesList: Series[], nodeNum: number, template: string, newName?: string) => {
    const prefixes = new Set<string>();
    for (const s of seriesList)
      prefixes.add(
        s.name
          .split('.')
          .slice(0, nodeNum + 1)
          .join('.'),
      );
    const lastSeries = seriesList[seriesList.length - 1];
    const out: Series[] = [];
    for (const prefix of [...prefixes].sort()) {
      for (const r of await ctx.evaluate(template.split('%').join(prefix))) {
        if (newName) r.name = newName.split('%').join(prefix);
        r.pathExpression = prefix;
        r.start = lastSeries.start;
        r.end = lastSeries.end;
        out.push(r);
      }
    }
    return out;
  },
});

function mapSeries(seriesList: Series[], nodes: unknown[]): Series[][] {
  const groups = new Map<string, Series[]>();
  for (const s of seriesList) {
    const k = aggKey(s, nodes);
    const g = groups.get(k);
    if (g) g.push(s);
    else groups.set(k, [s]);
  }
  return [...groups.values()];
}

registerFunction({
  name: 'mapSeries',
  group: 'Combine',
  description: 'Splits a series list into lists of series sharing the given nodes (input for reduceSeries).',
  params: [SL(), { name: 'mapNodes', type: 'nodeOrTag', required: true, multiple: true }],
  aliases: ['map'],
  // a list of lists travels through the evaluator like a series list
  fn: (_ctx, seriesList: Series[], ...nodes: unknown[]) =>
    mapSeries(seriesList, nodes) as unknown as Series[],
});

registerFunction({
  name: 'reduceSeries',
  group: 'Combine',
  description:
    'Within each mapped group, applies a function to the series whose reduceNode matches each matcher.',
  params: [
    { name: 'seriesLists', type: 'seriesLists', required: true },
    { name: 'reduceFunction', type: 'string', required: true },
    { name: 'reduceNode', type: 'node', required: true },
    { name: 'reduceMatchers', type: 'string', required: true, multiple: true },
  ],
  aliases: ['reduce'],
  fn: async (
    ctx,
    seriesLists: Series[][],
    reduceFunction: string,
    reduceNode: number,
    ...matchers: string[]
  ) => {
    const def = getFunction(reduceFunction);
    if (!def) throw new InputParameterError(`Received request for unknown function: ${reduceFunction}`);
    const meta = new Map<string, Array<Series | null>>();
    for (const list of seriesLists) {
      for (const s of Array.isArray(list) ? list : [list as unknown as Series]) {
        const nodes = s.name.split('.');
        const node = nodes[reduceNode < 0 ? nodes.length + reduceNode : reduceNode];
        const key = `${nodes.slice(0, reduceNode).join('.')}.reduce.${reduceFunction}`;
        const idx = matchers.indexOf(node);
        if (idx < 0) continue;
        if (!meta.has(key)) meta.set(key, new Array(matchers.length).fill(null));
        (meta.get(key) as Array<Series | null>)[idx] = s;
      }
    }
    const out: Series[] = [];
    for (const [key, members] of meta) {
      const r = (await def.fn(ctx, ...members.map((m) => (m ? [m] : []))))[0];
      if (!r) continue;
      r.name = key;
      out.push(r);
    }
    return out;
  },
});

registerFunction({
  name: 'weightedAverage',
  group: 'Combine',
  description: 'Average of the first list weighted by the second, pairing series by the given nodes.',
  params: [SL('seriesListAvg'), SL('seriesListWeight'), { name: 'nodes', type: 'nodeOrTag', multiple: true }],
  fn: (ctx, avgs: Series[], weights: Series[], ...nodes: unknown[]) => {
    if (avgs.length !== weights.length) {
      throw new InputParameterError(
        `weightedAverage must receive the same number of series for seriesListAvg and seriesListWeight but received respectively ${avgs.length} and ${weights.length}`,
      );
    }
    const sorted = new Map<string, { avg?: Series; weight?: Series }>();
    for (let i = 0; i < avgs.length; i++) {
      const ka = aggKey(avgs[i], nodes);
      sorted.set(ka, { ...sorted.get(ka), avg: avgs[i] });
      const kw = aggKey(weights[i], nodes);
      sorted.set(kw, { ...sorted.get(kw), weight: weights[i] });
    }
    const products: Series[] = [];
    for (const { avg, weight } of sorted.values()) {
      if (!avg || !weight) continue;
      const a = avg.consolidatedValues();
      const w = weight.consolidatedValues();
      const len = Math.max(a.length, w.length);
      const values: Value[] = [];
      for (let i = 0; i < len; i++) values.push(safeMul([a[i] ?? null, w[i] ?? null]));
      products.push(
        new Series({
          name: `product(${weight.name},${avg.name})`,
          start: avg.start,
          end: avg.end,
          step: avg.step,
          values,
          xFilesFactor: ctx.xFilesFactor,
        }),
      );
    }
    if (!products.length) return [];
    const sumProducts = aggregateSeries(ctx, [products], 'sum')[0];
    const sumWeights = aggregateSeries(ctx, [weights], 'sum')[0];
    const p = sumProducts.consolidatedValues();
    const w = sumWeights.consolidatedValues();
    const len = Math.max(p.length, w.length);
    const values: Value[] = [];
    for (let i = 0; i < len; i++) values.push(safeDiv(p[i] ?? null, w[i] ?? null));
    const uniq = (l: Series[]) => [...new Set(l.map((s) => s.pathExpression))].sort().join(',');
    const name = `weightedAverage(${uniq(avgs)}, ${uniq(weights)}, ${nodes.map((n) => String(n)).join(',')})`;
    return [
      new Series({
        name,
        start: sumProducts.start,
        end: sumProducts.end,
        step: sumProducts.step,
        values,
        xFilesFactor: ctx.xFilesFactor,
      }),
    ];
  },
});
