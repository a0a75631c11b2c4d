// Differential test: the same dashboard requests against graphite-web and against our plugin must give
// the same status and the same JSON (compared parsed: graphite-web's separators differ byte-wise).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GraphiteWeb, startGraphiteWeb } from './graphite-web.js';
import { type Harness, startHarness } from './helpers.js';

interface Step {
  method: 'GET' | 'POST';
  path: string;
  form?: Record<string, string>;
}

const state = (name: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    name,
    timeConfig: { type: 'relative', relativeStartQuantity: '2', relativeStartUnits: 'hours' },
    graphs: [['a.b', { target: ['a.b', 'sumSeries(c.*)'], title: 'Tïtle' }, '/render?target=a.b']],
    ...extra,
  });

const steps: Step[] = [
  { method: 'GET', path: '/dashboard/load/missing' },
  { method: 'GET', path: '/dashboard/delete/missing' },
  { method: 'POST', path: '/dashboard/save/Prod%20Web', form: { state: state('Prod Web') } },
  {
    method: 'POST',
    path: '/dashboard/save/prod-db',
    form: { state: state('prod-db', { n: [1, 2.5, null] }) },
  },
  { method: 'POST', path: '/dashboard/save/staging.web', form: { state: state('staging.web') } },
  { method: 'POST', path: '/dashboard/save/temporary-42', form: { state: state('temporary-42') } },
  { method: 'GET', path: '/dashboard/load/Prod%20Web' },
  { method: 'GET', path: '/dashboard/load/prod-db' },
  { method: 'GET', path: '/dashboard/find?query=' },
  { method: 'GET', path: '/dashboard/find?query=WEB' },
  { method: 'GET', path: '/dashboard/find?query=prod%20web' },
  { method: 'GET', path: '/dashboard/find?query=temporary' },
  { method: 'POST', path: '/dashboard/find/', form: { query: 'db' } },
  { method: 'POST', path: '/dashboard/save/prod-db', form: { state: state('prod-db', { v: 2 }) } },
  { method: 'GET', path: '/dashboard/load/prod-db' },
  { method: 'POST', path: '/dashboard/delete/prod-db' },
  { method: 'GET', path: '/dashboard/load/prod-db' },
  { method: 'GET', path: '/dashboard/delete/prod-db' },
  { method: 'GET', path: '/dashboard/find?query=prod' },
];

async function run(base: string, step: Step): Promise<{ status: number; json: unknown }> {
  const init: RequestInit = { method: step.method };
  if (step.form) {
    init.headers = { 'content-type': 'application/x-www-form-urlencoded' };
    init.body = new URLSearchParams(step.form).toString();
  }
  const res = await fetch(base + step.path, init);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return { status: res.status, json: await res.json() };
}

describe('dashboard endpoints vs graphite-web', () => {
  let ref: GraphiteWeb;
  let ours: Harness;
  beforeAll(async () => {
    [ref, ours] = await Promise.all([startGraphiteWeb(), startHarness()]);
    // Our shipped default dashboard has no counterpart in graphite-web.
    await fetch(`${ours.url}/dashboard/delete/appliance`);
  });
  afterAll(async () => {
    await Promise.all([ref?.stop(), ours?.close()]);
  });

  it('answers every step like graphite-web', async () => {
    for (const step of steps) {
      const expected = await run(ref.url, step);
      const actual = await run(ours.url, step);
      expect(actual, `${step.method} ${step.path}`).toEqual(expected);
    }
  });
});
