// The frontend's pure helpers (target parsing, function application, units, time input).
import { describe, expect, it } from 'vitest';
import { applyFunction, pathExpressions } from '../web/src/targets.js';
import { toAtTime, toEpoch } from '../web/src/time.js';
import { formatValue, guessUnit } from '../web/src/units.js';

describe('pathExpressions', () => {
  it('finds the paths in a target and skips the rest', () => {
    expect(pathExpressions('a.b.c')).toEqual(['a.b.c']);
    expect(pathExpressions("alias(sumSeries(a.*.c, x.{y,z}.w), 'total')")).toEqual(['a.*.c', 'x.{y,z}.w']);
    expect(pathExpressions('movingAverage(a.b, 10, xFilesFactor=0.5)')).toEqual(['a.b']);
    expect(pathExpressions('a.b | scale(2) | alias("x.y")')).toEqual(['a.b']);
    expect(pathExpressions('asPercent(a.b, total=c.d)')).toEqual(['a.b', 'c.d']);
    expect(pathExpressions('disk.used;dc=a')).toEqual(['disk.used;dc=a']);
    expect(pathExpressions("seriesByTag('name=x')")).toEqual([]);
    expect(pathExpressions('constantLine(1.5e3)')).toEqual([]);
  });
});

describe('applyFunction', () => {
  it('wraps a target and fills required parameters with defaults', () => {
    const scale = {
      name: 'scale',
      function: 'scale(seriesList, factor)',
      params: [
        { name: 'seriesList', type: 'seriesList', required: true },
        { name: 'factor', type: 'float', required: true },
      ],
    };
    expect(applyFunction('a.b', scale)).toBe('scale(a.b, 1)');
    const summarize = {
      name: 'summarize',
      function: 'summarize(seriesList, intervalString, func=sum, alignToFrom=False)',
      params: [
        { name: 'seriesList', type: 'seriesList', required: true },
        { name: 'intervalString', type: 'interval', required: true },
        { name: 'func', type: 'aggFunc', default: 'sum' },
      ],
    };
    expect(applyFunction('a.b', summarize)).toBe("summarize(a.b, '1min')");
    const sum = {
      name: 'sumSeries',
      function: 'sumSeries(*seriesLists)',
      params: [{ name: 'seriesLists', type: 'seriesLists', required: true, multiple: true }],
    };
    expect(applyFunction('a.*', sum)).toBe('sumSeries(a.*)');
  });
});

describe('units', () => {
  it('guesses statsd units', () => {
    expect(guessUnit(['stats.timers.api.get.mean'])).toBe('ms');
    expect(guessUnit(['stats.api.requests'])).toBe('rate');
    expect(guessUnit(['perSecond(carbon.agents.x.metricsReceived)'])).toBe('rate');
    expect(guessUnit(['stats.gauges.api.inflight'])).toBe('none');
  });
  it('formats values for their unit', () => {
    expect(formatValue(250, 'ms')).toBe('250 ms');
    expect(formatValue(1500, 'ms')).toBe('1.5 s');
    expect(formatValue(90, 's')).toBe('1.5 min');
    expect(formatValue(1200, 'rate')).toBe('1.2k/s');
    expect(formatValue(2048, 'bytes')).toBe('2 KiB');
    expect(formatValue(null, 'none')).toBe('–');
    expect(formatValue(Number.POSITIVE_INFINITY, 'none')).toBe('∞');
  });
});

describe('time input', () => {
  it('passes graphite at-times through and converts local dates', () => {
    expect(toAtTime(' -6h ')).toBe('-6h');
    expect(toAtTime('2026-01-02 03:04')).toBe(String(new Date(2026, 0, 2, 3, 4).getTime() / 1000));
    expect(toEpoch('-1h', 10_000)).toBe(6400);
    expect(toEpoch('-2d', 200_000)).toBe(200_000 - 172_800);
    expect(toEpoch('1700000000')).toBe(1_700_000_000);
  });
});
