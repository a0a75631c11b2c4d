// Special: seriesByTag, consolidateBy, constantLine, events and other odds and ends.

import { InputParameterError } from '../errors.js';
import { CONSOLIDATION_FUNCS, Series, type Value } from '../series.js';
import { substrNames } from './alias.js';
import { constantLineSeries } from './combine.js';
import { pyFloat, safeAvg, safeMax, safeMin } from './helpers.js';
import { type EvalContext, type ParamDef, registerFunction } from './registry.js';

const SL: ParamDef = { name: 'seriesList', type: 'seriesList', required: true };

registerFunction({
  name: 'seriesByTag',
  group: 'Special',
  description:
    "Fetches the series whose tags match all expressions ('tag=value', 'tag!=value', 'tag=~regex', 'tag!=~regex').",
  params: [{ name: 'tagExpressions', type: 'string', required: true, multiple: true }],
  // The evaluator fetches seriesByTag calls directly (keyed by the call text); this path serves
  // re-evaluations that reach the function itself.
  fn: (ctx: EvalContext, ...exprs: string[]) => {
    const raw = ctx.call?.raw ?? `seriesByTag(${exprs.map((e) => `'${e}'`).join(',')})`;
    return ctx.fetchPaths([raw], ctx.startTime, ctx.endTime);
  },
});

registerFunction({
  name: 'consolidateBy',
  group: 'Special',
  description:
    'Sets how points are merged when a series is consolidated (maxDataPoints, graphs, mixed steps).',
  params: [
    SL,
    {
      name: 'consolidationFunc',
      type: 'string',
      required: true,
      options: ['average', 'avg', 'avg_zero', 'first', 'last', 'max', 'min', 'sum'],
    },
  ],
  fn: (_ctx, l: Series[], func: string) => {
    if (!CONSOLIDATION_FUNCS.includes(func))
      throw new InputParameterError(`Invalid consolidation function: '${func}'`);
    for (const s of l) {
      s.consolidationFunc = func;
      s.setTag('consolidateBy', func);
      s.name = `consolidateBy(${s.name},"${func}")`;
      s.pathExpression = s.name;
    }
    return l;
  },
});

registerFunction({
  name: 'cumulative',
  group: 'Special',
  description: 'Same as consolidateBy(seriesList, "sum").',
  params: [SL],
  fn: (_ctx, l: Series[]) => {
    for (const s of l) {
      s.consolidationFunc = 'sum';
      s.setTag('consolidateBy', 'sum');
      s.name = `consolidateBy(${s.name},"sum")`;
      s.pathExpression = s.name;
    }
    return l;
  },
});

registerFunction({
  name: 'constantLine',
  group: 'Special',
  description: 'A horizontal line at the given value across the request window.',
  params: [{ name: 'value', type: 'float', required: true }],
  fn: (ctx, value: number) => {
    const s = constantLineSeries(ctx, value);
    s.pathExpression = `constantLine(${pyFloat(value)})`;
    return [s];
  },
});

registerFunction({
  name: 'changed',
  group: 'Special',
  description: '1 where the value differs from the previous non-null value, else 0.',
  params: [SL],
  fn: (_ctx, l: Series[]) => {
    for (const s of l) {
      s.name = `changed(${s.name})`;
      s.pathExpression = s.name;
      let previous: Value = null;
      s.values = s.consolidatedValues().map((v) => {
        if (previous === null) {
          previous = v;
          return 0;
        }
        if (v !== null && previous !== v) {
          previous = v;
          return 1;
        }
        return 0;
      });
      s.valuesPerPoint = 1;
    }
    return l;
  },
});

registerFunction({
  name: 'fallbackSeries',
  group: 'Special',
  description: 'The series list, or the fallback when the list is empty.',
  params: [SL, { name: 'fallback', type: 'seriesList', required: true }],
  fn: (_ctx, l: Series[], fallback: Series[]) => (l.length > 0 ? l : fallback),
});

registerFunction({
  name: 'setXFilesFactor',
  group: 'Special',
  description:
    'Sets the xFilesFactor used when these series (and later functions of the request) consolidate.',
  params: [SL, { name: 'xFilesFactor', type: 'float', required: true }],
  aliases: ['xFilesFactor'],
  fn: (ctx, l: Series[], xff: number) => {
    ctx.xFilesFactor = xff;
    for (const s of l) {
      s.xFilesFactor = xff;
      s.setTag('xFilesFactor', pyFloat(xff));
    }
    return l;
  },
});

registerFunction({
  name: 'substr',
  group: 'Special',
  description: 'Renames each series to a slice of the nodes of its innermost metric path.',
  params: [SL, { name: 'start', type: 'node', default: 0 }, { name: 'stop', type: 'node', default: 0 }],
  fn: (_ctx, l: Series[], start = 0, stop = 0) => substrNames(l, start, stop),
});

registerFunction({
  name: 'randomWalkFunction',
  group: 'Special',
  description: 'A random walk starting at 0, for testing.',
  params: [
    { name: 'name', type: 'string', required: true },
    { name: 'step', type: 'integer', default: 60 },
  ],
  aliases: ['randomWalk'],
  fn: (ctx, name: string, step = 60) => {
    if (!(step > 0)) throw new InputParameterError('randomWalk(): step must be positive');
    const values: Value[] = [];
    let current = 0;
    for (let t = ctx.startTime; t < ctx.endTime; t += step) {
      values.push(current);
      current += Math.random() - 0.5;
    }
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
  },
});

registerFunction({
  name: 'events',
  group: 'Special',
  description: 'Counts the events carrying all the given tags per second of the window ("*" = every event).',
  params: [{ name: 'tags', type: 'string', required: true, multiple: true }],
  fn: async (ctx, ...tagsIn: string[]) => {
    const tags = tagsIn.filter((t) => t !== undefined);
    const name = `events("${tags.join('", "')}")`;
    const filter = tags.length === 1 && tags[0] === '*' ? [] : tags;
    const start = Math.trunc(ctx.startTime);
    const end = Math.trunc(ctx.endTime);
    const points = end - start;
    if (points > 10_000_000)
      throw new InputParameterError('events(): window too large for one-second buckets');
    const values: Value[] = new Array(Math.max(0, points)).fill(null);
    for (const e of await ctx.storage.events(start, end, filter)) {
      const off = Math.trunc(e.when) - start;
      // graphite-web fails on an event exactly at the window end; we skip it
      if (off < 0 || off >= values.length) continue;
      values[off] = (values[off] ?? 0) + 1;
    }
    return [
      new Series({
        name,
        start,
        end,
        step: 1,
        values,
        consolidationFunc: 'sum',
        xFilesFactor: ctx.xFilesFactor,
      }),
    ];
  },
});

// Pie functions (graphType=pie): one number per series.
for (const [name, what, fn] of [
  ['average', 'average', safeAvg],
  ['maximum', 'maximum', safeMax],
  ['minimum', 'minimum', safeMin],
] as const) {
  registerFunction({
    name,
    group: 'Pie',
    description: `The ${what} of the series, for pie charts.`,
    params: [{ name: 'series', type: 'series', required: true }],
    pie: true,
    fn: (_ctx, s: Series) => {
      const v = fn(s.consolidatedValues());
      return [s.copy({ values: [v] })];
    },
  });
}
