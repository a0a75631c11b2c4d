// Filter Data group targets.
import type { RenderCase } from '../../support/harness.js';
import { EXTREMES, NEG, QUEUE, SPARSE, TEMP } from './series.js';

export const FILTER_DATA_CASES: RenderCase[] = [
  { target: `removeAboveValue(${TEMP},20)` },
  { target: `removeAboveValue(${EXTREMES},0)` },
  { target: `removeBelowValue(${NEG},-40)` },
  { target: `removeBelowValue(${SPARSE},50.5)` },
  { target: `removeAbovePercentile(${QUEUE},90)` },
  { target: `removeAbovePercentile(${SPARSE},50)` },
  { target: `removeBelowPercentile(${TEMP},10)` },
  { target: `removeBelowPercentile(hosts.*.disk.*,75)` },
];
