// Series built from packed columns (what apps/graphite's storage hands over): they must behave
// exactly like boxed ones, and the column-wise aggregation must give the very floats the row-wise
// safe* functions give (same additions in the same order).

import { describe, expect, it } from 'vitest';
import { AGG_FUNCS, aggregateColumns, forEachRow, xffValues } from '../src/functions/helpers.js';
import { type PackedValues, Series, type Value } from '../src/series.js';
import { prng } from './helpers/prng.js';

function pack(values: Value[]): PackedValues {
  return {
    data: Float64Array.from(values, (v) => v ?? 0),
    nulls: Uint8Array.from(values, (v) => (v === null ? 1 : 0)),
  };
}

function randomValues(r: () => number, n: number): Value[] {
  const specials = [Number.NaN, -0, 0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e308, -1e-310];
  return Array.from({ length: n }, () => {
    const x = r();
    if (x < 0.2) return null;
    if (x < 0.25) return specials[Math.floor(r() * specials.length)];
    return (r() - 0.5) * 10 ** Math.floor(r() * 12 - 4);
  });
}

const series = (name: string, values: Value[], packed: boolean) =>
  new Series({
    name,
    start: 0,
    end: values.length * 60,
    step: 60,
    ...(packed ? { packed: pack(values) } : { values }),
  });

describe('packed series', () => {
  it('read, copy, clone and write like boxed ones; the column is never written', () => {
    const vals: Value[] = [1, null, 3.5, Number.NaN, -0];
    const col = pack(vals);
    const before = [Float64Array.from(col.data), Uint8Array.from(col.nulls)];
    const s = new Series({ name: 'a.b', start: 0, end: 300, step: 60, packed: col });
    expect(s.length).toBe(5);
    expect(s.packed).toBe(col);
    const c = s.copy({ name: 'x' });
    const k = s.clone();
    expect(c.packed).toBe(col); // shared: copies of untouched series stay unboxed
    expect(k.packed).toBe(col);
    expect(s.values).toEqual(vals);
    expect(Object.is(s.values[4], -0)).toBe(true);
    expect(s.packed).toBeUndefined(); // boxed once read
    s.values[0] = 42;
    c.values = c.values.map((v) => (v === null ? null : v * 2));
    k.values.push(7);
    expect([...col.data]).toEqual([...before[0]]);
    expect([...col.nulls]).toEqual([...before[1]]);
    expect(new Series({ name: 'a.b', start: 0, end: 300, step: 60, packed: col }).values).toEqual(vals);
    expect(c.values).toEqual([2, null, 7, Number.NaN, -0]);
    expect(k.length).toBe(6);
  });

  it('consolidate like boxed ones, without boxing the column for good', () => {
    const r = prng(3);
    for (const func of ['average', 'sum', 'min', 'max', 'first', 'last', 'avg_zero']) {
      for (const vpp of [1, 2, 3, 7]) {
        const vals = randomValues(r, 50);
        const p = series('p', vals, true);
        const b = series('b', vals, false);
        for (const s of [p, b]) {
          s.valuesPerPoint = vpp;
          s.consolidationFunc = func;
          s.xFilesFactor = 0.3;
        }
        expect(p.peekConsolidatedValues()).toEqual(b.consolidatedValues());
        if (vpp > 1) expect(p.packed).toBeDefined();
        expect(p.consolidatedValues()).toEqual(b.consolidatedValues());
      }
    }
  });

  it('aggregate column-wise to the same floats as the row-wise functions', () => {
    const r = prng(11);
    for (let round = 0; round < 200; round++) {
      const n = 1 + Math.floor(r() * 6);
      const lists = Array.from({ length: n }, () => randomValues(r, 1 + Math.floor(r() * 30)));
      const xff = [0, 0.3, 0.5, 1][round % 4];
      for (const func of ['sum', 'average', 'min', 'max', 'count']) {
        const packed = lists.map((v, i) => series(`s${i}`, v, true));
        const got = aggregateColumns(packed, func, xff);
        const want: Value[] = [];
        forEachRow(
          lists.map((v, i) => series(`s${i}`, v, false)),
          (row) => want.push(xffValues(row, xff) ? AGG_FUNCS[func](row) : null),
        );
        expect(got).toEqual(want);
        // -0 and NaN must match too (toEqual treats -0 and 0 alike)
        expect(got?.map((v, i) => Object.is(v, want[i])).every(Boolean)).toBe(true);
      }
    }
  });

  it('fall back to rows when a series is boxed or consolidated', () => {
    const a = series('a', [1, 2], true);
    const b = series('b', [3, 4], false);
    expect(aggregateColumns([a, b], 'sum', 0)).toBeUndefined();
    const c = series('c', [3, 4], true);
    c.valuesPerPoint = 2;
    expect(aggregateColumns([a, c], 'sum', 0)).toBeUndefined();
    expect(aggregateColumns([a], 'median', 0)).toBeUndefined();
  });

  it('iterate rows over mixed packed and boxed series of different lengths', () => {
    const rows: Value[][] = [];
    forEachRow([series('a', [1, null, 3], true), series('b', [4], false)], (row) => rows.push([...row]));
    expect(rows).toEqual([
      [1, 4],
      [null, null],
      [3, null],
    ]);
  });
});
