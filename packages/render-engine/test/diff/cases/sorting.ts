// Sorting group targets.
import type { RenderCase } from '../../support/harness.js';
import { HOSTS, SERVERS, TIMERS } from './series.js';

export const SORTING_CASES: RenderCase[] = [
  { target: `sortByName(${TIMERS})` },
  { target: `sortByName(${HOSTS},true,true)` },
  { target: `sortByName(${SERVERS},true)`, from: '-10min' },
  { target: `sortByMaxima(${HOSTS})` },
  { target: `sortByMinima(${HOSTS})` },
  { target: `sortByMinima(stats.gauges.app.*)` },
  { target: `sortByTotal(${HOSTS})` },
  { target: `sortBy(${HOSTS})` },
  { target: `sortBy(${HOSTS},'max',true)` },
  { target: `sortBy(${TIMERS},'last')` },
];
