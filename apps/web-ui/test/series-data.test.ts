// Chart data handling: alignment of render series and in-place live appends.
import { describe, expect, it } from 'vitest';
import type { RenderSeries } from '../web/src/api.js';
import { type Aligned, alignSeries, appendPoints, isolatedIndices } from '../web/src/series-data.js';

const series = (target: string, points: Array<[number | null, number]>): RenderSeries => ({
  target,
  datapoints: points,
});

describe('alignSeries', () => {
  it('keeps one axis when the series share their timestamps, nulls and non-finite values as gaps', () => {
    const data = alignSeries([
      series('a', [
        [1, 10],
        [null, 20],
        [Number.POSITIVE_INFINITY, 30],
      ]),
      series('b', [
        [4, 10],
        [5, 20],
        [6, 30],
      ]),
    ]);
    expect(data).toEqual([
      [10, 20, 30],
      [1, null, null],
      [4, 5, 6],
    ]);
  });

  it('joins series with different steps, leaving alignment slots undefined', () => {
    const data = alignSeries([
      series('fine', [
        [1, 10],
        [2, 20],
        [null, 30],
        [4, 40],
      ]),
      series('coarse', [
        [7, 10],
        [8, 30],
      ]),
    ]);
    expect(data).toEqual([
      [10, 20, 30, 40],
      [1, 2, null, 4],
      [7, undefined, 8, undefined],
    ]);
  });

  it('handles no series', () => {
    expect(alignSeries([])).toEqual([[]]);
  });
});

describe('isolatedIndices', () => {
  it('finds values between gaps', () => {
    expect(isolatedIndices([1, null, 2, null, 3, 4, undefined, 5])).toEqual([0, 2, 7]);
    expect(isolatedIndices([1, 2, 3])).toEqual([]);
  });
});

describe('appendPoints', () => {
  const base = (): Aligned => [
    [100, 110, 120],
    [1, 2, 3],
    [7, 8, 9],
  ];

  it('overwrites the slot a point falls in (whisper quantisation, last write wins)', () => {
    const data = base();
    appendPoints(data, 0, [[115, 20]], 3600);
    appendPoints(
      data,
      1,
      [
        [121, 30],
        [129, 31],
      ],
      3600,
    );
    expect(data).toEqual([
      [100, 110, 120],
      [1, 20, 3],
      [7, 8, 31],
    ]);
  });

  it('appends later slots, leaves skipped slots undefined and drops what leaves the window', () => {
    const data = base();
    appendPoints(data, 0, [[151, 5]], 40);
    expect(data).toEqual([
      [110, 120, 130, 140, 150],
      [2, 3, undefined, undefined, 5],
      [8, 9, undefined, undefined, undefined],
    ]);
  });

  it('ignores points before the chart and non-finite timestamps; non-finite values become gaps', () => {
    const data = base();
    appendPoints(
      data,
      0,
      [
        [50, 1],
        [Number.NaN, 1],
        [110, Number.NaN],
      ],
      3600,
    );
    expect(data).toEqual([
      [100, 110, 120],
      [1, null, 3],
      [7, 8, 9],
    ]);
  });

  it('starts an empty chart at the first point', () => {
    const data: Aligned = [[], []];
    appendPoints(data, 0, [[5, 1]], 60);
    expect(data).toEqual([[5], [1]]);
  });
});
