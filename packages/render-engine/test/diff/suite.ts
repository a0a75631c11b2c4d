// Table-driven differential suite: one vitest `it` per target, each comparing graphite-web's
// answer with ours on the seeded whisper tree (one graphite-web per test file).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, type RenderCase, startHarness } from '../support/harness.js';
import { functionsIn } from './cases/index.js';
import { NOT_YET_IMPLEMENTED } from './not-yet-implemented.js';

export function caseLabel(c: RenderCase): string {
  const targets = Array.isArray(c.target) ? c.target.join(' & ') : c.target;
  const range = `${c.from ?? '-2h'}..${c.until ?? 'now'}`;
  const extra = c.maxDataPoints ? ` maxDataPoints=${c.maxDataPoints}` : '';
  const note = c.gwFails
    ? ` [differs: ${c.gwFails}]`
    : c.gwTarget
      ? ` [differs: ${c.note}; graphite-web's equivalent: ${c.gwTarget}]`
      : c.expectDifferences || c.gwShiftedByOne
        ? ` [differs: ${c.note}]`
        : c.error
          ? ' [error]'
          : '';
  return `${targets} (${range}${extra})${note}`;
}

export function diffSuite(group: string, cases: RenderCase[]): void {
  describe(`${group}: ours vs graphite-web 1.1.8`, () => {
    let h: Harness;
    // seeding (first file on a machine) plus graphite-web's start-up, on a loaded CI box
    beforeAll(async () => {
      h = await startHarness();
    }, 180_000);
    afterAll(async () => {
      await h?.close();
    });
    for (const c of cases) {
      const missing = functionsIn(c).filter((f) => NOT_YET_IMPLEMENTED.includes(f));
      if (missing.length) {
        // Visible in the report as skipped, and the coverage test pins the list.
        it.skip(`${caseLabel(c)} [not yet implemented: ${missing.join(', ')}]`, () => {});
        continue;
      }
      it(caseLabel(c), async () => {
        expect(await h.compare(c)).toEqual(c.expectDifferences ?? []);
      });
    }
  });
}
