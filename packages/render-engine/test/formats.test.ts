import { describe, expect, it } from 'vitest';
import { pyJsonDumps } from '../src/formats.js';
import { renderJson, Series } from '../src/index.js';
import { pyFloat, pyG, pyRepr } from '../src/pyformat.js';

function twenty(): Series {
  return new Series({
    name: 'x',
    start: 1,
    end: 21,
    step: 1,
    values: Array.from({ length: 20 }, (_, i) => i + 1),
    consolidationFunc: 'sum',
  });
}
const points = (json: string) => JSON.parse(json)[0].datapoints;

describe('maxDataPoints consolidation (graphite-web test_render vectors)', () => {
  it('19 points', () => {
    expect(points(renderJson([twenty()], { maxDataPoints: 19 }))).toEqual([
      [3, 2],
      [7, 4],
      [11, 6],
      [15, 8],
      [19, 10],
      [23, 12],
      [27, 14],
      [31, 16],
      [35, 18],
      [39, 20],
    ]);
  });
  it('9 points', () => {
    expect(points(renderJson([twenty()], { maxDataPoints: 9 }))).toEqual([
      [9, 3],
      [18, 6],
      [27, 9],
      [36, 12],
      [45, 15],
      [54, 18],
      [20, 21],
    ]);
  });
  it('6 points', () => {
    expect(points(renderJson([twenty()], { maxDataPoints: 6 }))).toEqual([
      [18, 4],
      [34, 8],
      [50, 12],
      [66, 16],
      [39, 20],
    ]);
  });
  it('1 point', () => {
    expect(points(renderJson([twenty()], { maxDataPoints: 1 }))).toEqual([[210, 1]]);
  });
  it('no consolidation when the points fit', () => {
    expect(points(renderJson([twenty()], { maxDataPoints: 100 }))).toHaveLength(20);
  });
  it('xFilesFactor applies per bucket over the full bucket size', () => {
    const s = new Series({
      name: 'x',
      start: 0,
      end: 8,
      step: 1,
      values: [1, null, null, null, 2, 2, null, null],
      xFilesFactor: 0.5,
    });
    expect(s.copy({ valuesPerPoint: 4 }).consolidatedValues()).toEqual([null, 2]);
  });
});

describe('JSON text', () => {
  it('NaN and infinities as graphite-web writes them', () => {
    const s = new Series({
      name: 'x',
      start: 0,
      end: 4,
      step: 1,
      values: [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0.1],
    });
    expect(renderJson([s], {})).toBe(
      '[{"target": "x", "tags": {"name": "x"}, "datapoints": [[null, 0], [1e9999, 1], [-1e9999, 2], [0.1, 3]]}]',
    );
  });
  it('noNullPoints drops null/NaN points and empty series', () => {
    const a = new Series({ name: 'a', start: 0, end: 2, step: 1, values: [null, Number.NaN] });
    const b = new Series({ name: 'b', start: 0, end: 2, step: 1, values: [null, 3] });
    expect(renderJson([a, b], { noNullPoints: true })).toBe(
      '[{"target": "b", "tags": {"name": "b"}, "datapoints": [[3.0, 1]]}]',
    );
  });
  it('escapes non-ASCII like ensure_ascii', () => {
    expect(pyJsonDumps(['é→"\n'])).toBe('["\\u00e9\\u2192\\"\\n"]');
  });
});

describe('Python number formatting', () => {
  it('repr of floats', () => {
    const cases: Array<[number, string]> = [
      [1, '1.0'],
      [0.1, '0.1'],
      [1e-5, '1e-05'],
      [0.0001, '0.0001'],
      [1e16, '1e+16'],
      [1e15, '1000000000000000.0'],
      [123456789.123, '123456789.123'],
      [-2.5, '-2.5'],
      [1.5e-7, '1.5e-07'],
      [1.2345678901234567e20, '1.2345678901234567e+20'],
      [Number.NaN, 'nan'],
      [Number.POSITIVE_INFINITY, 'inf'],
    ];
    for (const [x, want] of cases) expect(pyFloat(x), String(x)).toBe(want);
  });
  it('%g', () => {
    const cases: Array<[number, string]> = [
      [2, '2'],
      [0.001, '0.001'],
      [1e-7, '1e-07'],
      [1e6, '1e+06'],
      [123456, '123456'],
      [1234567, '1.23457e+06'],
      [0.5, '0.5'],
      [-3.25, '-3.25'],
    ];
    for (const [x, want] of cases) expect(pyG(x), String(x)).toBe(want);
  });
  it('repr of strings', () => {
    expect(pyRepr('sum')).toBe("'sum'");
    expect(pyRepr("it's")).toBe('"it\'s"');
  });
});
