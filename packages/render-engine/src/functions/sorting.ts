// Sorting: reorder series by name or by an aggregate.

import type { Series } from '../series.js';
import { sortByKey } from './filter-series.js';
import { getAggFunc, safeMax, safeMin } from './helpers.js';
import { type ParamDef, registerFunction } from './registry.js';

const SL: ParamDef = { name: 'seriesList', type: 'seriesList', required: true };

registerFunction({
  name: 'sortBy',
  group: 'Sorting',
  description: 'Sorts by the aggregation of each series, ascending unless reverse.',
  params: [
    SL,
    { name: 'func', type: 'aggFunc', default: 'average' },
    { name: 'reverse', type: 'boolean', default: false },
  ],
  fn: (_ctx, l: Series[], func = 'average', reverse = false) => {
    const f = getAggFunc(func);
    return sortByKey(l, (s) => f(s.consolidatedValues()) ?? Number.NEGATIVE_INFINITY, reverse);
  },
});

registerFunction({
  name: 'sortByName',
  group: 'Sorting',
  description: 'Sorts by name; natural sorting compares digit runs as numbers.',
  params: [
    SL,
    { name: 'natural', type: 'boolean', default: false },
    { name: 'reverse', type: 'boolean', default: false },
  ],
  fn: (_ctx, l: Series[], natural = false, reverse = false) => {
    const key = natural
      ? (s: Series) => s.name.replace(/\d+/g, (d) => String(Number(d)).padStart(10, '0'))
      : (s: Series) => s.name;
    return sortByKey(l, key, reverse);
  },
});

registerFunction({
  name: 'sortByTotal',
  group: 'Sorting',
  description: 'Sorts by the sum of each series, largest first.',
  params: [SL],
  fn: (_ctx, l: Series[]) => {
    const f = getAggFunc('sum');
    return sortByKey(l, (s) => f(s.consolidatedValues()) ?? Number.NEGATIVE_INFINITY, true);
  },
});

registerFunction({
  name: 'sortByMaxima',
  group: 'Sorting',
  description: 'Sorts by the maximum of each series, largest first.',
  params: [SL],
  fn: (_ctx, l: Series[]) =>
    sortByKey(l, (s) => safeMax(s.consolidatedValues()) ?? Number.NEGATIVE_INFINITY, true),
});

registerFunction({
  name: 'sortByMinima',
  group: 'Sorting',
  description: 'Sorts by the minimum of each series, smallest first; series never above zero are dropped.',
  params: [SL],
  fn: (_ctx, l: Series[]) => {
    const kept = l.filter((s) => (safeMax(s.consolidatedValues()) ?? 0) > 0);
    return sortByKey(kept, (s) => safeMin(s.consolidatedValues()) ?? Number.NEGATIVE_INFINITY);
  },
});
