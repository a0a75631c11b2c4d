// The function index against graphite-web's own: every function it lists is implemented (or in
// the explicit not-yet-implemented list), exercised by at least one differential case, and
// described with the same parameters in /functions (what Grafana's function editor reads).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleFunctions, listFunctions } from '../../src/index.js';
import { type GraphiteWeb, startGraphiteWeb } from '../support/graphite-web.js';
import { seedTree } from '../support/seed.js';
import { ALL_CASES, functionsIn } from './cases/index.js';
import { NOT_YET_IMPLEMENTED } from './not-yet-implemented.js';

/** Functions graphite-web 1.1.10 added after the 1.1.8 we run as the reference. */
const NEWER_THAN_REFERENCE = ['compressPeriodicGaps', 'lower', 'upper'];

interface FunctionInfo {
  group: string;
  params: Array<Record<string, unknown>>;
}

describe('function coverage against graphite-web 1.1.8 /functions', () => {
  let gw: GraphiteWeb;
  let theirs: Record<string, FunctionInfo>;
  let ours: Record<string, FunctionInfo>;
  beforeAll(async () => {
    gw = await startGraphiteWeb((await seedTree()).dir);
    theirs = JSON.parse((await (await fetch(`${gw.url}/functions`)).text()).replaceAll('Infinity', '1e9999'));
    const res = handleFunctions({ params: {} });
    ours = JSON.parse(String(res.body));
  }, 180_000);
  afterAll(async () => {
    await gw?.close();
  });

  it('the functions we do not implement are exactly the not-yet-implemented list', () => {
    const registered = new Set(listFunctions().map(([name]) => name));
    const missing = Object.keys(theirs).filter((n) => !registered.has(n));
    expect(missing.sort()).toEqual([...NOT_YET_IMPLEMENTED].sort());
  });

  it('we register nothing graphite-web does not know, except 1.1.10 additions', () => {
    const extra = listFunctions()
      .map(([name]) => name)
      .filter((n) => !(n in theirs));
    expect(extra.sort()).toEqual(NEWER_THAN_REFERENCE);
  });

  it('every graphite-web function has differential cases', () => {
    const covered = new Set(ALL_CASES.flatMap(functionsIn));
    expect(Object.keys(theirs).filter((n) => !covered.has(n))).toEqual([]);
  });

  it('groups and parameter definitions match graphite-web', () => {
    const mismatches: string[] = [];
    for (const [name, info] of Object.entries(theirs)) {
      const mine = ours[name];
      if (!mine) continue;
      if (mine.group !== info.group)
        mismatches.push(`${name}: group ${mine.group}, graphite-web ${info.group}`);
      const a = JSON.stringify(info.params);
      const b = JSON.stringify(mine.params);
      if (a !== b) mismatches.push(`${name}: params ${b}, graphite-web ${a}`);
    }
    expect(mismatches).toEqual([]);
  });
});
