// Filter Data group: null out points above/below a value or a series' own percentile.

import type { Value } from '../series.js';
import { nPercentileOf } from './calculate.js';
import type { Series } from './helpers.js';
import { type ParamDef, registerFunction } from './registry.js';
import { g } from './transform-helpers.js';

const PARAMS: ParamDef[] = [
  { name: 'seriesList', type: 'seriesList', required: true },
  { name: 'n', type: 'float', required: true },
];

function renamed(orig: Series, name: string): Series {
  const s = orig.clone();
  s.name = name;
  s.pathExpression = name;
  return s;
}

registerFunction({
  name: 'removeAboveValue',
  group: 'Filter Data',
  description: 'Nulls every point above n.',
  params: PARAMS,
  fn: (_c, list: Series[], n: number) =>
    list.map((orig) => {
      const s = renamed(orig, `removeAboveValue(${orig.name}, ${g(n)})`);
      s.values = s.values.map((v) => (v !== null && v > n ? null : v));
      return s;
    }),
});

registerFunction({
  name: 'removeBelowValue',
  group: 'Filter Data',
  description: 'Nulls every point below n.',
  params: PARAMS,
  fn: (_c, list: Series[], n: number) =>
    list.map((orig) => {
      const s = renamed(orig, `removeBelowValue(${orig.name}, ${g(n)})`);
      s.values = s.values.map((v) => (v === null || v < n ? null : v));
      return s;
    }),
});

/** The series' n-th percentile, computed as graphite-web does (which also tags the series). */
function percentileOf(s: Series, n: number): Value | undefined {
  const line = nPercentileOf(s, n);
  return line?.values.length ? line.values[0] : undefined;
}

registerFunction({
  name: 'removeAbovePercentile',
  group: 'Filter Data',
  description: "Nulls every point above the series' own n-th percentile.",
  params: PARAMS,
  fn: (_c, list: Series[], n: number) =>
    list.map((orig) => {
      const s = renamed(orig, `removeAbovePercentile(${orig.name}, ${g(n)})`);
      const p = percentileOf(s, n);
      if (p === undefined || p === null) return s;
      s.values = s.values.map((v) => (v !== null && v > p ? null : v));
      return s;
    }),
});

registerFunction({
  name: 'removeBelowPercentile',
  group: 'Filter Data',
  description: "Nulls every point below the series' own n-th percentile.",
  params: PARAMS,
  fn: (_c, list: Series[], n: number) =>
    list.map((orig) => {
      const s = renamed(orig, `removeBelowPercentile(${orig.name}, ${g(n)})`);
      const p = percentileOf(s, n);
      if (p === undefined || p === null) return s;
      s.values = s.values.map((v) => (v === null || v < p ? null : v));
      return s;
    }),
});
