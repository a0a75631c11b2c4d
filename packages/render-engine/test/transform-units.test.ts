// Unit checks for the Transform helpers whose Python semantics the differential suite only hits by
// chance (exact rounding ties), and for compressPeriodicGaps, which graphite-web 1.1.10 added after
// the 1.1.8 the differential suite runs against (expected values follow its algorithm by hand).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EvalContext } from '../src/functions/registry.js';
import { pyRound } from '../src/functions/transform-helpers.js';
import { getFunction, handleRender, Series } from '../src/index.js';
import { WhisperDirStorage } from './support/whisper-storage.js';

describe('pyRound matches Python round()', () => {
  const cases: Array<[number, number, number]> = [
    [2.5, 0, 2],
    [-2.5, 0, -2],
    [-0.5, 0, -0],
    [0.125, 2, 0.12],
    [0.375, 2, 0.38],
    [2.675, 2, 2.67],
    [1.23456789e-7, 6, 0],
    [5e-7, 6, 0],
    [1.5e-6, 6, 2e-6],
    [1234.5, -1, 1230],
    [1e300, 6, 1e300],
  ];
  for (const [x, n, want] of cases) {
    it(`round(${x}, ${n}) = ${want}`, () => {
      expect(pyRound(x, n)).toBe(want);
    });
  }
});

describe('compressPeriodicGaps', () => {
  const ctx = {} as EvalContext;
  const fn = getFunction('compressPeriodicGaps')!.fn;
  const series = (values: (number | null)[]) =>
    new Series({ name: 'a.b', start: 0, end: values.length * 10, step: 10, values });

  it('re-steps a series fed every third slot', async () => {
    const [out] = await fn(ctx, [series([null, 1, null, null, 2, null, null, 3, null, null, 4, null])]);
    expect(out.name).toBe('compressPeriodicGaps(a.b)');
    expect([out.start, out.end, out.step]).toEqual([10, 100, 30]);
    expect(out.values).toEqual([1, 2, 3, 4]);
  });

  it('leaves a dense series alone (only renamed)', async () => {
    const [out] = await fn(ctx, [series([1, 2, 3, 4])]);
    expect(out.name).toBe('compressPeriodicGaps(a.b)');
    expect([out.start, out.end, out.step, out.values]).toEqual([0, 40, 10, [1, 2, 3, 4]]);
  });

  it('needs the predicted third value surrounded by nulls', async () => {
    const [out] = await fn(ctx, [series([1, null, 2, 5, 3, null, null])]);
    expect(out.step).toBe(10);
    expect(out.values).toEqual([1, null, 2, 5, 3, null, null]);
  });
});

describe('oversized or endless outputs are refused, not computed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'render-guard-'));
  const storage = new WhisperDirStorage(dir);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const render = (target: string, from: string) =>
    handleRender(
      { params: { target, from, until: 'now', now: '1767225600', format: 'json' } },
      { storage, maxPoints: 100_000 },
    );

  it('a generator with a 1 s step over years', async () => {
    const res = await render("sin('x',1,1)", '-5y');
    expect(res.status).toBe(400);
    expect(String(res.body)).toContain('datapoint limit exceeded');
  });

  it('hitcount into 1 s buckets beyond the budget', async () => {
    const res = await render("hitcount(identity('x'),'1s')", '-3d');
    expect(res.status).toBe(400);
    expect(String(res.body)).toContain('datapoint limit exceeded');
  });

  it('a negative summarize interval (graphite-web loops forever)', async () => {
    for (const target of [
      "summarize(identity('x'),'-1h')",
      "smartSummarize(identity('x'),'-1h')",
      "hitcount(identity('x'),'-1h')",
    ]) {
      const res = await render(target, '-1d');
      expect(res.status, target).toBe(400);
      expect(String(res.body), target).toContain('must be positive');
    }
  });

  it('within the budget the same functions answer', async () => {
    const res = await render("hitcount(identity('x'),'1h')", '-1d');
    expect(res.status).toBe(200);
    expect(JSON.parse(String(res.body))[0].target).toBe('hitcount(x, "1h")');
  });
});
