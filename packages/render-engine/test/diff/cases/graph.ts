// Graph group targets (image-only options are invisible in JSON; names and data must still match).
import type { RenderCase } from '../../support/harness.js';
import { HOSTS, NOW, QUEUE, TEMP } from './series.js';

export const GRAPH_CASES: RenderCase[] = [
  { target: `color(${TEMP},'red')` },
  { target: `alpha(${TEMP},0.5)` },
  { target: `lineWidth(${TEMP},3)` },
  { target: `dashed(${TEMP})` },
  { target: `dashed(${TEMP},2.5)` },
  { target: `stacked(${HOSTS})` },
  { target: `stacked(hosts.a.*.*,'mystack')` },
  { target: `areaBetween(hosts.a.disk.*)` },
  { target: `drawAsInfinite(${QUEUE})` },
  { target: `secondYAxis(${TEMP})` },
  { target: `threshold(42)` },
  { target: `threshold(1.5,'limit','red')` },
  {
    target: `verticalLine('${NOW - 3600}')`,
    expectDifferences: ['#0 name: graphite-web null, ours "None"'],
    note: 'graphite-web names an unlabelled verticalLine null, which Grafana cannot decode; we name it "None"',
  },
  { target: `verticalLine('${NOW - 1800}','deploy','blue')` },
];
