// End-to-end tests of the built-in web UI (@appliance/web-ui) against a running appliance: Debian's
// Chromium driven by playwright-core, points fed over the line protocol, events over the events API.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GraphiteServer, startGraphite } from '../src/index.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const STEP = 10; // the default schema's finest archive

interface Snapshot {
  title: string;
  series: string[];
  data: Array<Array<number | null>>;
  events: number;
}

function sendLines(port: number, lines: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(`${lines.join('\n')}\n`));
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });
}

async function charts(page: Page): Promise<Snapshot[]> {
  return (await page.evaluate('window.graphiteUi.charts()')) as Snapshot[];
}

/** Value of series `s` at timestamp `ts` in a chart snapshot. */
function valueAt(chart: Snapshot, s: number, ts: number): number | null | undefined {
  const idx = chart.data[0].indexOf(ts);
  return idx < 0 ? undefined : chart.data[s + 1][idx];
}

describe('web UI end to end', () => {
  let dir: string;
  let g: GraphiteServer;
  let base: string;
  let context: BrowserContext;
  let page: Page;
  const requests: string[] = [];
  const pageErrors: string[] = [];
  const seeded = new Map<number, number>();
  const start = (httpPort = 0) =>
    startGraphite({
      storageDir: join(dir, 'whisper'),
      dbPath: join(dir, 'graphite.db'),
      linePort: 0,
      udpPort: null,
      picklePort: null,
      httpPort,
      env: {},
      logger: pino({ level: 'silent' }),
      settings: { carbonMetricInterval: 0 },
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ui-e2e-'));
    g = await start();
    base = `http://127.0.0.1:${g.httpPort}`;
    const now = Math.floor(Date.now() / 1000);
    const last = now - (now % STEP) - STEP;
    const lines: string[] = [];
    for (let i = 0; i < 60; i++) {
      const ts = last - (59 - i) * STEP;
      seeded.set(ts, (i % 7) + 1);
      lines.push(`e2e.web.requests ${(i % 7) + 1} ${ts}`, `e2e.web.latency_ms ${100 + i} ${ts}`);
    }
    lines.push(`e2e.tagged;dc=west ${42} ${last}`);
    await sendLines(g.linePort!, lines);
    // The line receiver is asynchronous: wait until the render API sees the points.
    for (let tries = 0; ; tries++) {
      const res = await fetch(`${base}/render?target=e2e.web.requests&from=-15min&format=json`);
      const body = (await res.json()) as Array<{ datapoints: Array<[number | null, number]> }>;
      if (body[0]?.datapoints.filter((p) => p[0] !== null).length === 60) break;
      if (tries > 100) throw new Error('seeded points never became visible');
      await new Promise((r) => setTimeout(r, 50));
    }
    const profile = join(dir, 'chromium-profile');
    mkdirSync(profile);
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('request', (r) => requests.push(r.url()));
    page.on('websocket', (ws) => requests.push(ws.url()));
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    await context?.close();
    await g?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const treeItem = (label: string) =>
    page
      .locator('[role=treeitem]')
      .filter({ has: page.locator(':scope > span').getByText(label, { exact: true }) });
  const label = (text: string) => treeItem(text).locator(':scope > span');
  const value = (selector: string) => () => page.locator(selector).inputValue();
  const attr = (selector: string, name: string) => () => page.locator(selector).getAttribute(name);
  const text = (selector: string) => async () => (await page.locator(selector).textContent()) ?? '';

  it('browses the metric tree by keyboard to a metric and graphs its data', async () => {
    await page.goto(`${base}/#/composer?from=-15min&until=now`);
    await treeItem('e2e').waitFor();
    await treeItem('e2e').focus();
    await page.keyboard.press('ArrowRight');
    await treeItem('web').waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowRight');
    await treeItem('requests').waitFor();
    // children sorted by name: latency_ms, requests
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.evaluate('document.activeElement.dataset.path')).toBe('e2e.web.requests');
    await page.keyboard.press('Enter');

    await expect.poll(value('#target-0')).toBe('e2e.web.requests');
    await page.locator('.graph[data-state=ready]').waitFor();
    const [chart] = await charts(page);
    expect(chart.series).toEqual(['e2e.web.requests']);
    for (const [ts, value] of seeded) expect(valueAt(chart, 0, ts), `at ${ts}`).toBe(value);

    // Hover values are reachable by keyboard too: arrows move the chart's cursor and fill the legend.
    const timeValue = page.locator('.graph .u-legend .u-series').first().locator('.u-value');
    expect(await timeValue.textContent()).toBe('–');
    await page.locator('.graph .plot').focus();
    await page.keyboard.press('Home');
    await expect.poll(async () => timeValue.textContent()).not.toBe('–');
    await page.keyboard.press('Escape');

    // The drawn chart is not blank: decode the element screenshot in the page and count plotted pixels.
    // UI_E2E_SCREENSHOTS=<dir> keeps the screenshots for a look by eye.
    const shots = process.env.UI_E2E_SCREENSHOTS ?? dir;
    await page.screenshot({ path: join(shots, 'composer.png') });
    const png = await page.locator('.graph').screenshot({ path: join(shots, 'graph.png') });
    const pixels = (await page.evaluate(`(async (b64) => {
      const img = new Image();
      img.src = 'data:image/png;base64,' + b64;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.width; c.height = img.height;
      const ctx = c.getContext('2d');
      ctx.drawImage(img, 0, 0);
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      const colors = new Set();
      let line = 0;
      for (let i = 0; i < d.length; i += 4) {
        colors.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
        // the first series' stroke, hsl(210 70% 45%) = rgb(34, 115, 195), antialiased
        if (Math.abs(d[i] - 34) < 50 && Math.abs(d[i + 1] - 115) < 50 && Math.abs(d[i + 2] - 195) < 50) line++;
      }
      return { colors: colors.size, line };
    })(${JSON.stringify(png.toString('base64'))})`)) as { colors: number; line: number };
    expect(pixels.colors).toBeGreaterThan(20);
    expect(pixels.line).toBeGreaterThan(300);
  });

  it('browses tagged series through the tags API', async () => {
    await label('Tagged series').click();
    await label('dc').click();
    await label('west').click();
    await treeItem('e2e.tagged;dc=west').waitFor();
  });

  it('applies a function through autocomplete and shows render errors clearly', async () => {
    const fn = page.locator('#apply-function');
    await fn.click();
    await fn.pressSequentially('scal');
    await expect.poll(text('[role=option][aria-selected=true]')).toMatch(/^scale/);
    await page.keyboard.press('Enter');
    await expect.poll(value('#target-0')).toBe('scale(e2e.web.requests, 1)');

    await page.locator('#target-0').fill('scale(e2e.web.requests, 10)');
    await page.locator('#target-0').press('Enter');
    await expect
      .poll(async () => (await charts(page))[0]?.series[0])
      .toMatch(/^scale\(e2e\.web\.requests, ?10\)$/);
    const [chart] = await charts(page);
    for (const [ts, value] of seeded) expect(valueAt(chart, 0, ts)).toBe(value * 10);

    // Inline completion in a target: a function name, then the rest typed by hand.
    const add = page.locator('#new-target');
    await add.click();
    await add.pressSequentially('sumSer');
    await expect.poll(text('.ac-list:not([hidden]) [role=option]:first-child')).toMatch(/^sumSeries/);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect.poll(value('#new-target')).toBe('sumSeries(');
    await add.pressSequentially('e2e.web.*)');
    await add.press('Enter');
    await expect.poll(value('#target-1')).toBe('sumSeries(e2e.web.*)');
    await expect.poll(async () => (await charts(page))[0]?.series[1]).toBe('sumSeries(e2e.web.*)');
    await page.locator('.remove-target').nth(1).click();

    await page.locator('#new-target').fill('noSuchFunction(e2e.web.requests)');
    await page.locator('#new-target').press('Enter');
    const error = page.locator('.graph .error');
    await error.waitFor({ state: 'visible' });
    expect(await error.textContent()).toMatch(/HTTP 400.*noSuchFunction/);
    await page.locator('.remove-target').nth(1).click();
    await error.waitFor({ state: 'hidden' });
  });

  it('saves a dashboard and finds it again after a reload', async () => {
    await page.getByRole('button', { name: 'Add to dashboard' }).click();
    await page.locator('#dashboard-name').fill('e2e board');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(text('#announce')).toBe('Saved dashboard e2e board');
    const saved = (await (await fetch(`${base}/dashboard/load/e2e%20board`)).json()) as {
      state: { graphs: Array<[string, { target: string[] }, string]> };
    };
    expect(saved.state.graphs.map((gr) => gr[1].target)).toEqual([['scale(e2e.web.requests, 10)']]);

    // The URL is shareable: reloading it shows the saved dashboard.
    await page.reload();
    await page.locator('.graph[data-state=ready]').waitFor();
    expect((await charts(page)).map((c) => c.series)).toEqual([['scale(e2e.web.requests,10)']]);

    // And it can be found from a fresh page.
    await page.goto(`${base}/`);
    await page.getByRole('link', { name: 'Dashboards' }).click();
    await page.locator('#dashboard-find').fill('E2E');
    await page.locator('#dashboard-find').press('Enter');
    await page.getByRole('link', { name: 'e2e board' }).click();
    await page.locator('.graph[data-state=ready]').waitFor();
    await expect.poll(value('#dashboard-name')).toBe('e2e board');
    if (process.env.UI_E2E_SCREENSHOTS)
      await page.screenshot({ path: join(process.env.UI_E2E_SCREENSHOTS, 'dashboard.png') });
  });

  it('shows a point sent over the line protocol in live mode within 2 s', async () => {
    await page.goto(`${base}/#/composer?target=e2e.web.requests&from=-15min&until=now`);
    await page.locator('.graph[data-state=ready]').waitFor();
    await page.locator('#live-toggle').click();
    await expect.poll(attr('#live-status', 'data-state')).toBe('live');
    const ts = Math.floor(Date.now() / 1000);
    await sendLines(g.linePort!, [`e2e.web.requests 4242.5 ${ts}`]);
    await page.waitForFunction('window.graphiteUi.charts()[0].data[1].includes(4242.5)', undefined, {
      timeout: 2000,
    });

    // A graph with a function is re-rendered through /render when its metrics get points.
    await page.goto(`${base}/#/dashboard/e2e%20board?from=-15min&until=now`);
    await page.locator('.graph[data-state=ready]').waitFor();
    await expect.poll(attr('#live-status', 'data-state')).toBe('live');
    await sendLines(g.linePort!, [`e2e.web.requests 11 ${ts}`]);
    await page.waitForFunction('window.graphiteUi.charts()[0].data[1].includes(110)', undefined, {
      timeout: 5000,
    });
  });

  it('draws events from the events API as markers', async () => {
    const when = Math.floor(Date.now() / 1000) - 120;
    const res = await fetch(`${base}/events/`, {
      method: 'POST',
      body: JSON.stringify({ what: 'e2e deploy', tags: ['deploy'], when }),
    });
    expect(res.status).toBe(200);
    await page.getByRole('button', { name: 'Apply' }).click();
    const marker = page.locator('.event-marker[aria-label^="Event: e2e deploy"]');
    await expect.poll(() => marker.count()).toBe(1);
    if (process.env.UI_E2E_SCREENSHOTS)
      await page.screenshot({ path: join(process.env.UI_E2E_SCREENSHOTS, 'event.png') });
    expect((await charts(page))[0].events).toBe(1);
  });

  it('reconnects live mode after a server restart', async () => {
    await page.goto(`${base}/#/composer?target=e2e.web.requests&from=-15min&until=now`);
    await page.locator('.graph[data-state=ready]').waitFor();
    const port = g.httpPort!;
    await g.close();
    await expect.poll(attr('#live-status', 'data-state')).toBe('reconnecting');
    g = await start(port);
    await expect.poll(attr('#live-status', 'data-state'), { timeout: 15_000 }).toBe('live');
    await sendLines(g.linePort!, [`e2e.web.requests 777.25 ${Math.floor(Date.now() / 1000)}`]);
    await page.waitForFunction('window.graphiteUi.charts()[0].data[1].includes(777.25)', undefined, {
      timeout: 5000,
    });
  });

  it('renders the shipped dashboard from the names statsd writes for the demo API', async () => {
    const ts = Math.floor(Date.now() / 1000) - 60;
    await sendLines(g.linePort!, [
      `stats.timers.flask.request_duration.GET.random_sleep.mean 1234 ${ts}`,
      `stats.flask.request_total.GET.random_sleep.200 3 ${ts}`,
      `stats.flask.request_total.POST.random_status.500 2 ${ts}`,
    ]);
    await expect
      .poll(async () => (await fetch(`${base}/metrics/find?query=stats.flask.request_total.*.*.*`)).json())
      .toHaveLength(2);
    await page.goto(`${base}/#/dashboard/appliance?from=-1h&until=now`);
    const graphs = page.locator('.graph');
    await expect.poll(() => graphs.count()).toBeGreaterThan(5);
    await expect.poll(() => page.locator('.graph[aria-busy]').count()).toBe(0);
    expect(await page.locator('.graph[data-state=error]').count()).toBe(0);
    const drawn = Object.fromEntries((await charts(page)).map((c) => [c.title, c.series]));
    expect(drawn['Demo API latency, mean (ms)']).toEqual(['GET.random_sleep']);
    expect(drawn['Demo API requests / s by status']).toEqual(['200', '500']);
    expect(drawn['Demo API requests / s by endpoint']).toEqual(['random_sleep', 'random_status']);
  });

  it('made every request to the appliance itself and threw no page errors', () => {
    expect(requests.length).toBeGreaterThan(10);
    const own = [`${base}/`, `ws://127.0.0.1:${new URL(base).port}/`];
    expect(requests.filter((u) => !own.some((prefix) => u.startsWith(prefix)))).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
