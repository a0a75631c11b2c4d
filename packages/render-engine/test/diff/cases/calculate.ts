// Calculate group targets.
import type { RenderCase } from '../../support/harness.js';
import { EXTREMES, LOAD, NEG, NOW, QUEUE, SPARSE, TEMP } from './series.js';

const MOVING =
  "graphite-web 1.1.8's moving window ends one point before the output point; 1.1.9+ (the docker image's 1.1.10) includes it, as we do";
const BANDS =
  'the bootstrap window reads a coarser archive than the series: graphite-web indexes the bands by position and fails with HTTP 500, we match bands to points by time';

export const CALCULATE_CASES: RenderCase[] = [
  { target: `movingAverage(${TEMP},10)`, gwShiftedByOne: true, note: MOVING },
  { target: `movingAverage(${TEMP},'5min')`, gwShiftedByOne: true, note: MOVING },
  { target: `movingAverage(${SPARSE},5,0.5)`, gwShiftedByOne: true, note: MOVING },
  { target: `movingAverage(${LOAD},'1h')`, from: '-1d', gwShiftedByOne: true, note: MOVING },
  { target: `movingAverage(hosts.*.disk.read,30)`, gwShiftedByOne: true, note: MOVING },
  { target: `movingMedian(${QUEUE},7)`, gwShiftedByOne: true, note: MOVING },
  { target: `movingMedian(${SPARSE},'2min')`, gwShiftedByOne: true, note: MOVING },
  { target: `movingSum(${QUEUE},'1min')`, gwShiftedByOne: true, note: MOVING },
  { target: `movingSum(${SPARSE},20,0.3)`, gwShiftedByOne: true, note: MOVING },
  { target: `movingMin(${NEG},4)`, gwShiftedByOne: true, note: MOVING },
  { target: `movingMax(${EXTREMES},3)`, gwShiftedByOne: true, note: MOVING },
  { target: `movingWindow(${TEMP},5,'avg_zero')`, gwShiftedByOne: true, note: MOVING },
  { target: `movingWindow(${QUEUE},'10min','max',0.5)`, gwShiftedByOne: true, note: MOVING },
  { target: `movingWindow(${SPARSE},6,'median')`, gwShiftedByOne: true, note: MOVING },
  { target: `movingWindow(${TEMP},'30min','stddev')`, from: '-8h', gwShiftedByOne: true, note: MOVING },
  { target: `exponentialMovingAverage(${TEMP},10)` },
  { target: `exponentialMovingAverage(${TEMP},'1min')` },
  { target: `exponentialMovingAverage(${SPARSE},5)` },
  { target: `holtWintersForecast(${TEMP})`, from: '-6h' },
  { target: `holtWintersForecast(${QUEUE},'1d','1h')`, from: '-3h' },
  { target: `holtWintersConfidenceBands(${TEMP})`, from: '-6h' },
  { target: `holtWintersConfidenceBands(${TEMP},2,'2d')`, from: '-3h' },
  { target: `holtWintersConfidenceArea(${TEMP})`, from: '-6h' },
  { target: `holtWintersAberration(${TEMP},3,'2h','1h')`, from: '-3h' },
  { target: `holtWintersAberration(${QUEUE},1,'2h','30min')`, from: '-3h' },
  { target: `holtWintersAberration(${TEMP})`, from: '-6h', gwFails: BANDS },
  { target: `holtWintersAberration(${QUEUE},1,'1d','1h')`, from: '-3h', gwFails: BANDS },
  { target: `linearRegression(${TEMP})` },
  { target: `linearRegression(${TEMP},'${NOW - 86400}','${NOW - 43200}')` },
  { target: `linearRegression(${SPARSE},'${NOW - 7200}')` },
  { target: `nPercentile(${TEMP},95)` },
  { target: `nPercentile(${TEMP},100)` },
  { target: `nPercentile(${TEMP},0)`, error: true },
  // a negative n passes graphite-web's `assert n`; Python's indexing then counts from the top
  { target: `nPercentile(${TEMP},-10)` },
  { target: `nPercentile(${SPARSE},-60)` },
  { target: `removeAbovePercentile(${TEMP},-10)` },
  { target: `nPercentile(${SPARSE},50)` },
  { target: `nPercentile(${EXTREMES},99.9)` },
  { target: `nPercentile(hosts.*.net.write,5)` },
  { target: `stdev(${TEMP},10)` },
  { target: `stdev(${SPARSE},5,0.5)` },
  {
    target: `stdev(${EXTREMES},3)`,
    gwFails:
      'squaring 1e300 raises OverflowError: graphite-web answers HTTP 500, we answer null for those windows',
  },
  { target: `aggregateLine(${TEMP})` },
  { target: `aggregateLine(${TEMP},'max')` },
  { target: `aggregateLine(${SPARSE},'count',true)` },
  { target: `aggregateLine(hosts.*.disk.read,'sum')` },
  { target: `identity('ident')` },
  {
    target: `movingAverage(${TEMP},windowSize='10min',xFilesFactor=0.5)`,
    gwShiftedByOne: true,
    note: MOVING,
  },
  { target: `movingAverage(${TEMP},'1h')`, from: '-1d', gwShiftedByOne: true, note: MOVING },
  { target: `movingWindow(${SPARSE},10,'nosuchfunc')`, error: true },
  { target: `nPercentile(${TEMP},95)`, maxDataPoints: 100 },
];
