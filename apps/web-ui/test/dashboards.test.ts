import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './helpers.js';

const form = (state: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ state: typeof state === 'string' ? state : JSON.stringify(state) }).toString(),
});

describe('dashboard endpoints', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h.close());

  const get = async (path: string, init?: RequestInit) => {
    const res = await fetch(h.url + path, init);
    return { status: res.status, type: res.headers.get('content-type'), body: await res.json() };
  };

  it('ships the default dashboard', async () => {
    const found = await get('/dashboard/find?query=');
    expect(found.body.dashboards).toContainEqual({ name: 'appliance' });
    const loaded = await get('/dashboard/load/appliance');
    expect(loaded.body.state.name).toBe('appliance');
    expect(loaded.body.state.graphs.length).toBeGreaterThan(3);
    for (const g of loaded.body.state.graphs) {
      expect(g).toHaveLength(3);
      expect(Array.isArray(g[1].target)).toBe(true);
    }
  });

  it('saves, loads, overwrites and deletes with graphite-web shapes', async () => {
    const state = { name: 'web one', graphs: [['a.b', { target: ['a.b'] }, '/render?target=a.b']] };
    const saved = await get('/dashboard/save/web%20one', form(state));
    expect(saved).toMatchObject({ status: 200, body: { success: true } });
    expect(saved.type).toMatch(/^application\/json/);
    expect((await get('/dashboard/load/web%20one')).body).toEqual({ state });
    const updated = { ...state, graphs: [] };
    await get('/dashboard/save/web%20one', form(updated));
    expect((await get('/dashboard/load/web%20one')).body).toEqual({ state: updated });
    expect((await get('/dashboard/delete/web%20one', { method: 'POST' })).body).toEqual({ success: true });
    expect(await get('/dashboard/load/web%20one')).toEqual({
      status: 200,
      type: expect.stringMatching(/^application\/json/),
      body: { error: "Dashboard 'web one' does not exist. " },
    });
    expect((await get('/dashboard/delete/web%20one')).body).toEqual({
      error: "Dashboard 'web one' does not exist. ",
    });
  });

  it('finds by every whitespace-separated term, case-insensitively, hiding temporary- ones', async () => {
    for (const name of ['Prod-Web', 'prod-db', 'staging-web', 'temporary-123'])
      await get(`/dashboard/save/${name}`, form({ name }));
    const names = async (q: string) =>
      (await get(`/dashboard/find?query=${encodeURIComponent(q)}`)).body.dashboards.map(
        (d: { name: string }) => d.name,
      );
    expect(await names('web')).toEqual(['Prod-Web', 'staging-web']);
    expect(await names('PROD web')).toEqual(['Prod-Web']);
    expect(await names('temporary')).toEqual([]);
    expect(await names('')).toEqual(['Prod-Web', 'appliance', 'prod-db', 'staging-web']);
    // POSTed query works too (graphite-web merges GET and POST).
    const posted = await get('/dashboard/find/', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'query=db',
    });
    expect(posted.body.dashboards).toEqual([{ name: 'prod-db' }]);
  });

  it('rejects bad input without crashing', async () => {
    expect((await get('/dashboard/save/x', { method: 'POST' })).status).toBe(400);
    const bad = await get('/dashboard/save/x', form('{not json'));
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/Invalid JSON/);
    // Over graphite-web's 128-character limit: 400 from us, or 414 from fastify's maxParamLength.
    const long = await fetch(`${h.url}/dashboard/save/${'n'.repeat(129)}`, form({}));
    expect([400, 414]).toContain(long.status);
    expect((await get('/dashboard/load/x')).body.error).toMatch(/does not exist/);
  });
});

describe('dashboard persistence', () => {
  it('keeps dashboards in the SQLite file across restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'web-ui-persist-'));
    try {
      const first = await startHarness({ dir });
      await fetch(`${first.url}/dashboard/save/kept`, form({ name: 'kept', graphs: [] }));
      await first.close();
      const second = await startHarness({ dir });
      const res = await fetch(`${second.url}/dashboard/load/kept`);
      expect(await res.json()).toEqual({ state: { name: 'kept', graphs: [] } });
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
