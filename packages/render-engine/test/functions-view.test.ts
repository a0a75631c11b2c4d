// /functions against graphite-web's own /functions: every function it lists must be listed by us
// with the same name, signature, group, module and params (names, types, required, defaults,
// multiple, options), since Grafana's function editor is driven by exactly that JSON.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleFunctions } from '../src/index.js';
import { type GraphiteWeb, startGraphiteWeb } from './support/graphite-web.js';

type Info = {
  name: string;
  function: string;
  group: string;
  module: string;
  params: unknown[];
  description: string;
};
const text = (b: string | Uint8Array) => (typeof b === 'string' ? b : Buffer.from(b).toString('utf8'));

describe('/functions', () => {
  let gw: GraphiteWeb;
  let dir: string;
  let reference: Record<string, Info>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'functions-view-'));
    gw = await startGraphiteWeb(dir);
    const res = await fetch(`${gw.url}/functions`);
    reference = JSON.parse((await res.text()).replace(/\bInfinity\b/g, '1e9999'));
  });
  afterAll(async () => {
    await gw?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists every graphite-web function with identical definitions', () => {
    const r = handleFunctions({ params: {} });
    expect(r.status).toBe(200);
    const ours = JSON.parse(text(r.body)) as Record<string, Info>;
    const mismatches: string[] = [];
    for (const [name, ref] of Object.entries(reference)) {
      const mine = ours[name];
      if (!mine) {
        mismatches.push(`${name}: missing`);
        continue;
      }
      const strip = (i: Info) => ({
        name: i.name,
        function: i.function,
        group: i.group,
        module: i.module,
        params: i.params,
      });
      if (JSON.stringify(strip(mine)) !== JSON.stringify(strip(ref))) {
        mismatches.push(
          `${name}: ours ${JSON.stringify(strip(mine))}\n   graphite-web ${JSON.stringify(strip(ref))}`,
        );
      }
      if (!mine.description) mismatches.push(`${name}: no description`);
    }
    expect(mismatches).toEqual([]);
    // our extras are the 1.1.10 additions only
    expect(
      Object.keys(ours)
        .filter((n) => !(n in reference))
        .sort(),
    ).toEqual(['compressPeriodicGaps', 'lower', 'upper'].filter((n) => n in ours));
  });

  it('grouped, group filter, single function, unknown function and pie', () => {
    const grouped = JSON.parse(text(handleFunctions({ params: { grouped: 'true' } }).body));
    expect(Object.keys(grouped.Combine)).toContain('sumSeries');
    const alias = JSON.parse(text(handleFunctions({ params: { group: 'Alias' } }).body));
    expect(Object.values(alias).every((i) => (i as Info).group === 'Alias')).toBe(true);
    const one = handleFunctions({ name: 'aliasByNode', params: {} });
    expect(JSON.parse(text(one.body)).function).toBe('aliasByNode(seriesList, *nodes)');
    const missing = handleFunctions({ name: 'nope', params: {} });
    expect(missing.status).toBe(404);
    expect(JSON.parse(text(missing.body))).toEqual({ error: 'Function not found: nope' });
    expect(handleFunctions({ method: 'POST', params: {} }).status).toBe(405);
  });

  it('pie functions match graphite-web (type=pie)', async () => {
    const res = await fetch(`${gw.url}/functions?type=pie`);
    const ref = JSON.parse(await res.text()) as Record<string, Info>;
    const ours = JSON.parse(text(handleFunctions({ params: { type: 'pie' } }).body)) as Record<string, Info>;
    const strip = (m: Record<string, Info>) =>
      Object.fromEntries(Object.entries(m).map(([k, i]) => [k, { ...i, description: '' }]));
    expect(strip(ours)).toEqual(strip(ref));
  });

  it('writes infinite defaults as 1e9999', () => {
    const body = text(handleFunctions({ name: 'keepLastValue', params: {} }).body);
    if (body.includes('"default"')) expect(body).not.toContain('Infinity');
  });
});
