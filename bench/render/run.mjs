// bench/render: our graphite HTTP API (apps/graphite's CLI: render engine over @appliance/whisper) vs
// graphite-web 1.1.8 (Debian, Django runserver) on the same seeded whisper files, same run.
// Typical dashboard queries; answers are asserted identical (1e-9 relative) before timing.
// Writes bench/results/render.md and .json. Options: --samples N (latency requests per query, 25),
// --seconds S (throughput window per query, 3), --concurrency C (connections, 4). Throughput is
// measured with autocannon so the load generator is not the bottleneck.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const PYTHON = '/usr/bin/python3';
const SEED_SCRIPT = join(root, 'packages/render-engine/test/support/seed-whisper.py');
const NOW = 1767225600;
const option = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const SAMPLES = option('samples', 25);
const SECONDS = option('seconds', 3);
const CONCURRENCY = option('concurrency', 4);

const QUERIES = [
  { name: 'single path, 6h', target: 'stats.gauges.app.temperature', from: '-6h' },
  { name: '200-series glob + sumSeries, 1d', target: 'sumSeries(servers.*.cpu.user)', from: '-1d' },
  {
    name: 'aliasByNode + perSecond, 200 series, 1h',
    target: 'aliasByNode(perSecond(servers.*.cpu.user),1)',
    from: '-1h',
  },
  {
    name: 'summarize over 7 days',
    target: "summarize(stats.gauges.app.temperature,'1h','avg')",
    from: '-7d',
  },
  { name: 'seriesByTag, 6h', target: "seriesByTag('name=disk.used','datacenter=dc1')", from: '-6h' },
  { name: 'highestMax of 200 series, 1d', target: 'highestMax(servers.*.cpu.user,5)', from: '-1d' },
];

const work = mkdtempSync(join(tmpdir(), 'render-bench-'));
const children = [];

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitFor(url, child) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`${url}: process exited`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not come up`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** graphite-web from Debian over the tree, private settings module (see running-the-references.md). */
async function startGraphiteWeb(whisperDir) {
  const home = join(work, 'graphite-web');
  for (const d of ['conf', 'storage', 'log']) mkdirSync(join(home, d), { recursive: true });
  const py = JSON.stringify;
  writeFileSync(
    join(home, 'conf', 'gw_bench_settings.py'),
    [
      "SECRET_KEY = 'render-bench'",
      'DEBUG = False',
      "ALLOWED_HOSTS = ['*']",
      "TIME_ZONE = 'UTC'",
      `WHISPER_DIR = ${py(whisperDir)}`,
      `STANDARD_DIRS = [${py(whisperDir)}]`,
      `STORAGE_DIR = ${py(join(home, 'storage'))}`,
      `LOG_DIR = ${py(join(home, 'log'))}`,
      `INDEX_FILE = ${py(join(home, 'storage', 'index'))}`,
      'CARBONLINK_HOSTS = []',
      "TAGDB = 'graphite.tags.localdatabase.LocalDatabaseTagDB'",
      `DATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': ${py(join(home, 'storage', 'graphite.db'))}}}`,
    ].join('\n'),
  );
  const env = {
    ...process.env,
    DJANGO_SETTINGS_MODULE: 'graphite.settings',
    GRAPHITE_SETTINGS_MODULE: 'gw_bench_settings',
    PYTHONPATH: join(home, 'conf'),
  };
  execFileSync(PYTHON, ['-m', 'django', 'migrate', '--run-syncdb', '--noinput'], {
    env,
    cwd: home,
    stdio: 'ignore',
  });
  const port = await freePort();
  const child = spawn(PYTHON, ['-m', 'django', 'runserver', '--noreload', `127.0.0.1:${port}`], {
    env,
    cwd: home,
    stdio: 'ignore',
  });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/version/`, child);
  return url;
}

async function tagSeries(url, paths) {
  const body = new URLSearchParams();
  for (const p of paths) body.append('path', p);
  const res = await fetch(`${url}/tags/tagMultiSeries`, { method: 'POST', body });
  if (!res.ok) throw new Error(`${url} tagMultiSeries: HTTP ${res.status}`);
}

function renderUrl(base, q) {
  const p = new URLSearchParams({
    target: q.target,
    from: q.from,
    until: 'now',
    now: String(NOW),
    format: 'json',
    maxDataPoints: '1000',
    // graphite-web here has no memcache; keep our render cache out of the comparison too
    noCache: '1',
  });
  return `${base}/render?${p}`;
}

async function get(url) {
  const res = await fetch(url);
  const body = await res.text();
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${body.slice(0, 200)}`);
  return body;
}

function same(a, b) {
  if (a === null || b === null) return a === b;
  if (a === b) return true;
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

function assertSameAnswer(q, gwBody, ourBody) {
  const gw = JSON.parse(gwBody);
  const ours = JSON.parse(ourBody);
  const fail = (why) => {
    throw new Error(`${q.name}: answers differ (${why})`);
  };
  if (gw.length !== ours.length) fail(`series ${gw.length} vs ${ours.length}`);
  if (gw.length === 0) fail('empty answer');
  gw.forEach((s, i) => {
    const o = ours[i];
    if (s.target !== o.target) fail(`name ${s.target} vs ${o.target}`);
    if (JSON.stringify(Object.entries(s.tags).sort()) !== JSON.stringify(Object.entries(o.tags).sort()))
      fail(`tags of ${s.target}`);
    if (s.datapoints.length !== o.datapoints.length) fail(`points of ${s.target}`);
    s.datapoints.forEach(([v, t], k) => {
      const [ov, ot] = o.datapoints[k];
      if (t !== ot || !same(v, ov)) fail(`${s.target} point ${k}: [${v}, ${t}] vs [${ov}, ${ot}]`);
    });
  });
  return gw.reduce((n, s) => n + s.datapoints.length, 0);
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

async function latency(url) {
  const times = [];
  for (let i = 0; i < SAMPLES; i++) {
    const t0 = performance.now();
    await get(url);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { p50: quantile(times, 0.5), p95: quantile(times, 0.95) };
}

/** Requests/s with CONCURRENCY keep-alive connections (autocannon: a fetch loop in this process
 * topped out near 600 req/s, below what our server answers). Any non-2xx or error fails the run. */
async function throughput(url) {
  const r = await autocannon({ url, connections: CONCURRENCY, duration: SECONDS });
  if (r.non2xx || r.errors || r.timeouts)
    throw new Error(`${url}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`);
  return r.requests.total / (r.duration || SECONDS);
}

/** apps/graphite as its own process (as deployed), so the load generator does not share its event loop. */
async function startOurs(whisperDir) {
  const [http, line, pickle] = [await freePort(), await freePort(), await freePort()];
  const child = spawn(
    process.execPath,
    [
      join(root, 'apps/graphite/dist/cli.js'),
      '--storage-dir',
      whisperDir,
      '--db',
      join(work, 'ours.sqlite'),
      '--http-port',
      String(http),
      '--line-port',
      String(line),
      '--pickle-port',
      String(pickle),
      '--metric-interval',
      '0',
      '--no-ui',
    ],
    { stdio: 'ignore', env: { ...process.env, LOG_LEVEL: 'warn' } },
  );
  children.push(child);
  const url = `http://127.0.0.1:${http}`;
  await waitFor(`${url}/health`, child);
  return url;
}

try {
  const dir = join(work, 'whisper');
  mkdirSync(dir);
  console.log('seeding whisper files with python whisper...');
  execFileSync(PYTHON, [SEED_SCRIPT, dir, String(NOW)], { stdio: 'inherit' });
  const tagged = readFileSync(join(dir, 'tagged.txt'), 'utf8').split('\n').filter(Boolean);

  const gwUrl = await startGraphiteWeb(dir);
  const ourUrl = await startOurs(dir);
  await tagSeries(gwUrl, tagged);
  await tagSeries(ourUrl, tagged);

  const rows = [];
  for (const q of QUERIES) {
    const [gwBody, ourBody] = await Promise.all([get(renderUrl(gwUrl, q)), get(renderUrl(ourUrl, q))]);
    const points = assertSameAnswer(q, gwBody, ourBody);
    const gwLat = await latency(renderUrl(gwUrl, q));
    const ourLat = await latency(renderUrl(ourUrl, q));
    const gwRps = await throughput(renderUrl(gwUrl, q));
    const ourRps = await throughput(renderUrl(ourUrl, q));
    const row = {
      ...q,
      points,
      graphiteWeb: { ...gwLat, rps: gwRps },
      ours: { ...ourLat, rps: ourRps },
      ratio: ourRps / gwRps,
    };
    rows.push(row);
    console.log(
      `${q.name}: graphite-web ${gwRps.toFixed(1)} req/s, ours ${ourRps.toFixed(1)} req/s (${row.ratio.toFixed(1)}x)`,
    );
  }

  const ms = (x) => `${x.toFixed(1)} ms`;
  const geo = Math.exp(rows.reduce((a, r) => a + Math.log(r.ratio), 0) / rows.length);
  const md = [
    '# bench/render: /render, ours vs graphite-web 1.1.8',
    '',
    `Same seeded whisper files (python whisper), \`now\` fixed, format=json, maxDataPoints=1000, noCache=1; answers asserted identical (1e-9 relative) before timing. Latency: ${SAMPLES} sequential requests; throughput: autocannon, ${CONCURRENCY} connections for ${SECONDS} s. graphite-web runs under Django runserver (Debian has no gunicorn); ours is apps/graphite (fastify) in its own node process. Ratio = our throughput / graphite-web's (target 10x).`,
    '',
    '| query | points | graphite-web p50 / p95 | ours p50 / p95 | graphite-web req/s | ours req/s | ratio |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.points} | ${ms(r.graphiteWeb.p50)} / ${ms(r.graphiteWeb.p95)} | ${ms(r.ours.p50)} / ${ms(r.ours.p95)} | ${r.graphiteWeb.rps.toFixed(1)} | ${r.ours.rps.toFixed(1)} | ${r.ratio.toFixed(1)}x |`,
    ),
    '',
    `Geometric mean of the throughput ratios: ${geo.toFixed(1)}x.`,
    '',
  ].join('\n');
  mkdirSync(join(here, '..', 'results'), { recursive: true });
  writeFileSync(join(here, '..', 'results', 'render.md'), md);
  writeFileSync(
    join(here, '..', 'results', 'render.json'),
    `${JSON.stringify({ now: NOW, samples: SAMPLES, seconds: SECONDS, concurrency: CONCURRENCY, geometricMeanRatio: geo, rows }, null, 2)}\n`,
  );
  console.log(md);
} finally {
  for (const c of children) {
    if (c.exitCode !== null) continue;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  }
  rmSync(work, { recursive: true, force: true });
}
