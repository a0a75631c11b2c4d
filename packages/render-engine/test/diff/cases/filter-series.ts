// Filter Series group targets.
import type { RenderCase } from '../../support/harness.js';
import { HOSTS, QUEUE, SERVERS, SPARSE, TEMP } from './series.js';

export const FILTER_SERIES_CASES: RenderCase[] = [
  { target: `highestMax(${SERVERS},5)`, from: '-1d' },
  { target: `highestCurrent(${HOSTS},3)` },
  { target: `highestAverage(${HOSTS},2)` },
  { target: `lowestCurrent(${HOSTS},3)` },
  { target: `lowestAverage(${HOSTS},2)` },
  { target: `highest(${HOSTS},2,'max')` },
  { target: `highest(${HOSTS})` },
  { target: `lowest(${HOSTS},3,'sum')` },
  { target: `limit(${HOSTS},4)` },
  { target: `mostDeviant(${HOSTS},3)` },
  { target: `exclude(${HOSTS},'disk')` },
  { target: `grep(${HOSTS},'^hosts\\.[ab]\\.net')` },
  { target: `currentAbove(${HOSTS},15)` },
  { target: `currentBelow(${HOSTS},15)` },
  { target: `averageAbove(${HOSTS},20)` },
  { target: `averageBelow(${HOSTS},20)` },
  { target: `maximumAbove(${HOSTS},30)` },
  { target: `maximumBelow(${HOSTS},30)` },
  { target: `minimumAbove(${HOSTS},5)` },
  { target: `minimumBelow(${HOSTS},5)` },
  { target: `filterSeries(${HOSTS},'max','>',25)` },
  { target: `filterSeries(${HOSTS},'last','<=',18)` },
  { target: `removeEmptySeries(group(${SPARSE},does.not.exist,${QUEUE}))` },
  { target: `removeEmptySeries(${SPARSE},0.5)` },
  { target: `averageOutsidePercentile(${HOSTS},75)` },
  // n over 100: 100 - n is negative, and _getPercentile's Python indexing counts from the end;
  // (the high percentile then indexes past the end: both refuse, graphite-web with a 500)
  { target: `averageOutsidePercentile(${HOSTS},130)`, error: true },
  { target: `removeBetweenPercentile(${HOSTS},130)`, until: '-10s', error: true },
  { target: `removeBetweenPercentile(${HOSTS},50)`, until: '-10s' },
  {
    target: `removeBetweenPercentile(${HOSTS},50)`,
    gwFails: "a null row's percentile is None and Python 3 cannot compare it (HTTP 500)",
  },
  { target: `unique(${TEMP},${TEMP},${QUEUE})` },
  { target: `useSeriesAbove(hosts.*.disk.read,20,'read','write')`, until: '-10s' },
  {
    target: `useSeriesAbove(hosts.*.disk.read,20,'read','write')`,
    gwFails: 'max() over a series with nulls cannot compare None on Python 3 (HTTP 500)',
  },
];
