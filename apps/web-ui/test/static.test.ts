import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './helpers.js';

describe('static assets', () => {
  let h: Harness;
  let pub: string;
  beforeAll(async () => {
    pub = mkdtempSync(join(tmpdir(), 'web-ui-pub-'));
    mkdirSync(join(pub, 'assets'));
    writeFileSync(join(pub, 'index.html'), '<!doctype html><script src="/ui/assets/app-1.js"></script>');
    writeFileSync(join(pub, 'assets', 'app-1.js'), 'console.log(1)');
    h = await startHarness({ publicDir: pub });
  });
  afterAll(async () => {
    await h.close();
    rmSync(pub, { recursive: true, force: true });
  });

  it('serves the page at /, /ui/ and graphite-web dashboard URLs', async () => {
    for (const path of ['/', '/ui/', '/dashboard', '/dashboard/appliance']) {
      const res = await fetch(h.url + path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await res.text()).toContain('/ui/assets/app-1.js');
    }
  });

  it('serves hashed assets as immutable and honours ETags', async () => {
    const res = await fetch(`${h.url}/ui/assets/app-1.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(res.headers.get('cache-control')).toContain('immutable');
    const etag = res.headers.get('etag')!;
    const again = await fetch(`${h.url}/ui/assets/app-1.js`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
  });

  it('answers 404 for unknown files and path tricks', async () => {
    expect((await fetch(`${h.url}/ui/assets/nope.js`)).status).toBe(404);
    expect((await fetch(`${h.url}/ui/..%2f..%2fpackage.json`)).status).toBe(404);
    expect((await fetch(`${h.url}/ui/%2e%2e/index.html`)).status).toBe(404);
  });
});

describe('the built frontend', () => {
  it('is served from dist/public by default when built', async () => {
    const h = await startHarness();
    try {
      const html = await (await fetch(`${h.url}/`)).text();
      // The package build runs before tests (turbo), so the real bundle must be there.
      const script = /src="(\/ui\/assets\/[^"]+\.js)"/.exec(html)?.[1];
      expect(script).toBeDefined();
      const js = await fetch(h.url + script);
      expect(js.status).toBe(200);
      const code = await js.text();
      // No external hosts referenced by the bundle (no CDN, no fonts).
      expect(code).not.toMatch(/https?:\/\/(?!www\.w3\.org)[a-z0-9.-]+\.[a-z]{2,}\//i);
    } finally {
      await h.close();
    }
  });
});
