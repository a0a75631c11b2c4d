// Bad input never crashes: random targets either parse or fail with a positioned TargetParseError,
// and /render answers every one of them with a status (never an exception, never a hang).

import { describe, expect, it } from 'vitest';
import { handleRender, parseTarget, TargetParseError } from '../src/index.js';
import { MemoryStorage } from './helpers/memory-storage.js';
import { prng } from './helpers/prng.js';

const TOKENS = [
  'a',
  'b.c',
  '*',
  '{x,y}',
  '(',
  ')',
  ',',
  '.',
  "'",
  '"',
  '\\',
  '|',
  ' ',
  '=',
  '1',
  '-2.5',
  '1e3',
  'true',
  'None',
  'inf',
  'sumSeries(',
  'alias(',
  'aliasSub(',
  'scale(',
  'seriesByTag(',
  'template(',
  'groupByNode(',
  "'name=x'",
  '$x',
  ';k=v',
];

function randomTarget(rand: () => number): string {
  const n = 1 + Math.floor(rand() * 12);
  let s = '';
  for (let i = 0; i < n; i++) s += TOKENS[Math.floor(rand() * TOKENS.length)];
  return s;
}

describe('fuzzed targets', () => {
  it('the parser either succeeds or reports a position inside the target', () => {
    const rand = prng(42);
    for (let i = 0; i < 5000; i++) {
      const t = randomTarget(rand);
      try {
        parseTarget(t);
      } catch (e) {
        expect(e, t).toBeInstanceOf(TargetParseError);
        const pos = (e as TargetParseError).position;
        expect(pos >= 0 && pos <= t.length, t).toBe(true);
      }
    }
  });

  it('/render answers every random target with 200 or a 4xx/5xx body', async () => {
    const storage = new MemoryStorage()
      .add('a', 60, 1_700_000_000 - 3600, new Array(60).fill(1))
      .add('b.c', 60, 1_700_000_000 - 3600, new Array(60).fill(2));
    const rand = prng(7);
    for (let i = 0; i < 400; i++) {
      const target = randomTarget(rand);
      const r = await handleRender(
        { params: { target, format: 'json', from: '-1h' }, now: 1_700_000_000 },
        { storage },
      );
      expect([200, 400, 500], target).toContain(r.status);
      if (r.status === 200) expect(() => JSON.parse(String(r.body)), target).not.toThrow();
    }
  });
});
