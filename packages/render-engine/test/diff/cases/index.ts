// Every group's case table, for the coverage test.
import type { RenderCase } from '../../support/harness.js';
import { ALIAS_CASES } from './alias.js';
import { CALCULATE_CASES } from './calculate.js';
import { COMBINE_CASES } from './combine.js';
import { FILTER_DATA_CASES } from './filter-data.js';
import { FILTER_SERIES_CASES } from './filter-series.js';
import { GRAPH_CASES } from './graph.js';
import { SORTING_CASES } from './sorting.js';
import { SPECIAL_CASES } from './special.js';
import { TRANSFORM_CASES } from './transform.js';

export const ALL_CASES: RenderCase[] = [
  ...COMBINE_CASES,
  ...TRANSFORM_CASES,
  ...CALCULATE_CASES,
  ...FILTER_SERIES_CASES,
  ...FILTER_DATA_CASES,
  ...SORTING_CASES,
  ...ALIAS_CASES,
  ...GRAPH_CASES,
  ...SPECIAL_CASES,
];

/** Function names called in a case's targets (quoted template text such as applyByNode's counts too). */
export function functionsIn(c: RenderCase): string[] {
  const names = new Set<string>();
  for (const t of Array.isArray(c.target) ? c.target : [c.target]) {
    for (const m of t.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\(/g)) names.add(m[1]);
  }
  return [...names];
}
