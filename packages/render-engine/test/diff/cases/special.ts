// Special group targets.
import type { RenderCase } from '../../support/harness.js';
import { HOSTS, LOAD, SPARSE, TEMP } from './series.js';

export const SPECIAL_CASES: RenderCase[] = [
  { target: `seriesByTag('name=disk.used')` },
  { target: `seriesByTag('datacenter=dc1')` },
  { target: `seriesByTag('name=~disk.*','rack!=a1')` },
  { target: `seriesByTag('server=~web0[13]','name!=~cpu.*')` },
  { target: `sumSeries(seriesByTag('name=disk.used'))` },
  { target: `consolidateBy(${TEMP},'max')`, maxDataPoints: 50 },
  { target: `consolidateBy(${TEMP},'sum')`, maxDataPoints: 100 },
  { target: `consolidateBy(${SPARSE},'first')`, maxDataPoints: 30 },
  { target: `consolidateBy(${SPARSE},'last')`, maxDataPoints: 30 },
  { target: `consolidateBy(sumSeries(${HOSTS}),'min')`, maxDataPoints: 10 },
  { target: `constantLine(100)` },
  { target: `constantLine(1.5)`, from: '-1d' },
  { target: `cumulative(${TEMP})`, maxDataPoints: 20 },
  { target: `changed(${SPARSE})` },
  { target: `changed(${LOAD})`, from: '-6h' },
  { target: `fallbackSeries(does.not.exist,${TEMP})` },
  { target: `fallbackSeries(${SPARSE},${TEMP})` },
  { target: `setXFilesFactor(${SPARSE},0.5)`, maxDataPoints: 40 },
  { target: `xFilesFactor(summarize(${SPARSE},'10min','avg'),0.3)` },
  { target: `substr(${HOSTS},1,3)` },
  { target: `substr(${HOSTS},2)` },
  { target: `cactiStyle(${HOSTS})` },
  { target: `cactiStyle(${TEMP},'si','b')` },
  { target: `randomWalk('walk')`, randomValues: true },
  { target: `randomWalkFunction('walk',30)`, randomValues: true },
  { target: `events('deploy')` },
  { target: `events('*')` },
];
