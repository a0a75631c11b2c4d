// bench/graphite: our graphite daemon vs the real carbon-cache (Debian graphite-carbon 1.1.7),
// same machine, same run, same storage schemas (docker-graphite-statsd's, sparse files).
//
// For each size (distinct metrics) both daemons get the same plaintext stream over TCP:
//   1. warm-up: one point per metric creates every file (timed until all are on disk).
//   2. sustained: POINTS points per metric are sent as fast as the sender can; the time from
//      the first byte until every metric's newest point is in its whisper file (poll.mjs, a
//      separate process reading the files in metric order) gives points/s written through to
//      disk. Ours also reports when its writer committed everything (/health), the daemon's
//      CPU time per point is read from /proc. Run twice: first touch of the files' pages, then
//      the same timestamps with new values on allocated pages (steady state).
//   3. latency: one new point for an existing metric; time until it is visible (ours: /render,
//      served from the cache) and until it is in the whisper file (both).
// Peak RSS is sampled from /proc. Sizes: --sizes=10000,100000 (1M: --sizes=1000000; slow:
// every size creates that many 3.2 MB sparse files twice). Writes bench/results/graphite.md/.json.
// --report=bench/results/graphite.json rewrites the markdown from a saved run.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_AGGREGATION_CONF, DEFAULT_SCHEMAS_CONF } from '../../apps/graphite/dist/schemas.js';
import { fetchSync } from '../../packages/whisper/dist/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const CLI = join(here, '..', '..', 'apps', 'graphite', 'dist', 'cli.js');
const arg = (name, dflt) => {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a ? a.slice(name.length + 3) : dflt;
};
const SIZES = arg('sizes', '10000,100000').split(',').map(Number);
// --impls=ours skips carbon-cache while iterating (the published table needs both, same run);
// --node-args='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles our daemon (and its workers)
const IMPLS = arg('impls', 'ours,carbon').split(',');
const NODE_ARGS = arg('node-args', '').split(' ').filter(Boolean);
// carbon-cache's WHISPER_FADVISE_RANDOM is off by default (ours is on); --carbon-fadvise turns
// it on for carbon-cache too, to compare the daemons with the same readahead advice
const CARBON_FADVISE = process.argv.includes('--carbon-fadvise');
const pointsFor = (n) => Math.max(2, Math.min(30, Math.floor(1_000_000 / n)));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

async function waitPort(port, ms = 60_000) {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    const ok = await new Promise((r) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        r(true);
      });
      s.once('error', () => r(false));
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`port ${port} did not open`);
}

function rssOf(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** CPU seconds (user + system, all threads) a process has used so far. */
function cpuOf(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in USER_HZ ticks (100 on Linux)
  } catch {
    return 0;
  }
}

/** A running daemon: { port, whisperDir, pid, peakRss(), stop() -> ms until exit } */
async function startOurs(dir) {
  const [line, pickle, http] = [await freePort(), await freePort(), await freePort()];
  const whisperDir = join(dir, 'whisper');
  const child = spawn(
    process.execPath,
    [
      ...NODE_ARGS,
      CLI,
      '--storage-dir',
      whisperDir,
      '--line-port',
      `${line}`,
      '--pickle-port',
      `${pickle}`,
      '--http-port',
      `${http}`,
      '--no-ui',
    ],
    {
      env: {
        ...process.env,
        GRAPHITE_DB: join(dir, 'g.db'),
        GRAPHITE_CARBON_METRIC_INTERVAL: '0',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  await waitPort(http);
  return wrap(child, line, whisperDir, http);
}

async function startCarbon(dir) {
  const whisperDir = join(dir, 'whisper');
  for (const d of ['whisper', 'run', 'log', 'storage']) mkdirSync(join(dir, d), { recursive: true });
  const [line, pickle, query] = [await freePort(), await freePort(), await freePort()];
  writeFileSync(
    join(dir, 'carbon.conf'),
    `[cache]
STORAGE_DIR = ${dir}/storage
LOCAL_DATA_DIR = ${whisperDir}
PID_DIR = ${dir}/run
LOG_DIR = ${dir}/log
USER =
MAX_CACHE_SIZE = inf
MAX_UPDATES_PER_SECOND = inf
MAX_UPDATES_PER_SECOND_ON_SHUTDOWN = inf
MAX_CREATES_PER_MINUTE = inf
LINE_RECEIVER_INTERFACE = 127.0.0.1
LINE_RECEIVER_PORT = ${line}
ENABLE_UDP_LISTENER = False
PICKLE_RECEIVER_INTERFACE = 127.0.0.1
PICKLE_RECEIVER_PORT = ${pickle}
CACHE_QUERY_INTERFACE = 127.0.0.1
CACHE_QUERY_PORT = ${query}
CARBON_METRIC_INTERVAL = 0
WHISPER_SPARSE_CREATE = True
WHISPER_FADVISE_RANDOM = ${CARBON_FADVISE ? 'True' : 'False'}
MIN_TIMESTAMP_RESOLUTION = 1
ENABLE_TAGS = False
CACHE_WRITE_STRATEGY = sorted
`,
  );
  writeFileSync(join(dir, 'storage-schemas.conf'), DEFAULT_SCHEMAS_CONF);
  writeFileSync(join(dir, 'storage-aggregation.conf'), DEFAULT_AGGREGATION_CONF);
  const child = spawn('/usr/bin/carbon-cache', [`--config=${dir}/carbon.conf`, '--nodaemon', 'start'], {
    stdio: 'ignore',
    cwd: dir,
  });
  await waitPort(line);
  return wrap(child, line, whisperDir);
}

function wrap(child, port, whisperDir, http) {
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, rssOf(child.pid))), 200);
  const exited = new Promise((r) => child.once('exit', r));
  return {
    port,
    http,
    whisperDir,
    peakRss: () => Math.max(peak, rssOf(child.pid)),
    cpu: () => cpuOf(child.pid),
    async stop() {
      const t0 = performance.now();
      if (child.exitCode !== null || child.signalCode !== null) return 0;
      child.kill('SIGTERM');
      await exited;
      clearInterval(timer);
      return performance.now() - t0;
    },
  };
}

function send(port, chunks) {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let i = 0;
    const pump = () => {
      while (i < chunks.length) if (!s.write(chunks[i++])) return;
      s.end();
    };
    s.on('connect', pump);
    s.on('drain', pump);
    s.on('error', reject);
    s.on('close', resolve);
  });
}

/** points per metric at now - points*10 .. now - 10, metric m's j-th value j + (m % 7) + offset */
function stream(n, points, now, offset = 0) {
  const chunks = [];
  let buf = '';
  for (let j = 0; j < points; j++) {
    const ts = now - (points - j) * 10;
    for (let m = 0; m < n; m++) {
      buf += `bench.host${m % 100}.metric${m} ${j + (m % 7) + offset} ${ts}\n`;
      if (buf.length > 1 << 16) {
        chunks.push(Buffer.from(buf));
        buf = '';
      }
    }
  }
  if (buf) chunks.push(Buffer.from(buf));
  return chunks;
}

function fileOf(whisperDir, m) {
  return join(whisperDir, 'bench', `host${m % 100}`, `metric${m}.wsp`);
}

/** Wait until every metric's file holds base + (m % 7) at ts (see poll.mjs); returns ms waited. */
function untilOnDisk(whisperDir, n, ts, base, timeoutMs) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(here, 'poll.mjs'), whisperDir, n, ts, base, timeoutMs], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(Number(out)) : reject(new Error(`poller exited ${code}`)),
    );
  });
}

async function writerStats(http) {
  return (await fetch(`http://127.0.0.1:${http}/health`).then((x) => x.json())).writer;
}

async function untilCommitted(http, expected) {
  for (;;) {
    if ((await writerStats(http)).committedPoints >= expected) return;
    await sleep(20);
  }
}

/** One burst of `points` points per metric ending at `end` (see runOne, phase 2). */
async function burst(d, n, points, end, offset) {
  const chunks = stream(n, points, end, offset);
  const w1 = d.http ? await writerStats(d.http) : null;
  const c1 = d.cpu();
  const t1 = performance.now();
  // ours also reports when its writer committed every point (/health), which shows how much
  // of the on-disk time is the poller's own delay
  const committed = d.http
    ? untilCommitted(d.http, w1.committedPoints + n * points).then(() => performance.now() - t1)
    : null;
  await send(d.port, chunks);
  const sentMs = performance.now() - t1;
  await untilOnDisk(d.whisperDir, n, end - 10, points - 1 + offset, 1_800_000);
  const totalMs = performance.now() - t1;
  const c2 = d.cpu();
  const w2 = d.http ? await writerStats(d.http) : null;
  return {
    sendSeconds: sentMs / 1000,
    totalSeconds: totalMs / 1000,
    pointsPerSecond: (n * points) / (totalMs / 1000),
    committedSeconds: committed ? (await committed) / 1000 : null,
    // daemon CPU (all threads) per point in the burst: less noisy than wall time
    cpuMicrosPerPoint: ((c2 - c1) * 1e6) / (n * points),
    // ours: points per whisper update in the burst (how well the cache batched them)
    pointsPerUpdate: w1
      ? (w2.committedPoints - w1.committedPoints) / (w2.updateOperations - w1.updateOperations)
      : null,
  };
}

async function runOne(kind, n, points) {
  const dir = mkdtempSync(join(tmpdir(), `graphite-bench-${kind}-`));
  const start = kind === 'ours' ? startOurs : startCarbon;
  const now = Math.floor(Date.now() / 10000) * 10;
  const d = await start(dir);
  try {
    // 1. warm-up: create every file
    const c0 = d.cpu();
    const t0 = performance.now();
    await send(d.port, stream(n, 1, now - 3600));
    await untilOnDisk(d.whisperDir, n, now - 3610, 0, 1_800_000);
    const createSeconds = (performance.now() - t0) / 1000;
    const createCpuSeconds = d.cpu() - c0;
    // 2. sustained: points/s from the first byte sent until the newest point of every metric
    // is in its file, twice. The first burst is the first data in the files' later pages: the
    // kernel allocates each page of a sparse file on first touch, for both daemons alike. The
    // second sends the same timestamps with new values: the same whisper work on pages already
    // allocated and cached, as for a daemon that has been running for a while.
    const first = await burst(d, n, points, now, 0);
    const steady = await burst(d, n, points, now, 100);
    // 3. latency (5 samples, median)
    const file = fileOf(d.whisperDir, 1);
    const visible = [];
    const onDisk = [];
    for (let k = 0; k < 5; k++) {
      const ts = Math.floor(Date.now() / 1000) - k * 10 + 600;
      const value = 1000 + k;
      const s0 = performance.now();
      await send(d.port, [Buffer.from(`bench.host1.metric1 ${value} ${ts}\n`)]);
      let seen = false;
      while (performance.now() - s0 < 30_000) {
        if (!seen && d.http) {
          const r = await fetch(
            `http://127.0.0.1:${d.http}/render?target=bench.host1.metric1&from=${ts - 60}&until=${ts + 60}&now=${ts + 60}&format=json`,
          );
          const j = await r.json();
          if (j[0]?.datapoints.some((p) => p[0] === value)) {
            seen = true;
            visible.push(performance.now() - s0);
          }
        }
        const f = fetchSync(file, ts - 60, ts + 10, ts + 10);
        if (f?.values.includes(value)) {
          onDisk.push(performance.now() - s0);
          break;
        }
        await sleep(2);
      }
    }
    const rss = d.peakRss();
    await d.stop();
    const median = (a) => (a.length ? a.sort((x, y) => x - y)[Math.floor(a.length / 2)] : null);
    const result = {
      kind,
      metrics: n,
      points: n * points,
      createSeconds,
      createCpuSeconds,
      ...first,
      steady,
      peakRssMB: rss / 2 ** 20,
      visibleMs: median(visible),
      onDiskMs: median(onDisk),
    };
    // printed now: removing the files takes minutes at 1M
    console.log(JSON.stringify(result));
    return result;
  } finally {
    await d.stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
    // write back (and discard) what this run left behind, so the next one does not pay for it
    spawnSync('sync');
  }
}

// --report=FILE.json: rewrite the markdown from a saved JSON (no run)
const REPORT = arg('report', '');
const saved = REPORT ? JSON.parse(readFileSync(REPORT, 'utf8')) : null;
const results = saved ? saved.results : [];
const sizes = saved ? saved.sizes : SIZES;
const load = saved?.loadavg ?? loadavg().map((x) => x.toFixed(1));
for (const n of saved ? [] : SIZES) {
  const points = pointsFor(n);
  for (const kind of ['ours', 'carbon'].filter((k) => IMPLS.includes(k))) {
    console.log(`graphite bench: ${kind}, ${n} metrics x ${points} points ...`);
    const r = await runOne(kind, n, points);
    results.push(r);
  }
}

if (!saved && !(IMPLS.includes('ours') && IMPLS.includes('carbon'))) {
  console.log('partial run (--impls): bench/results not updated');
  process.exit(0);
}

const fmt = (x, d = 0) => (x === null || x === undefined ? 'n/a' : x.toFixed(d));
let md = `# graphite: ours vs carbon-cache 1.1.7\n\nSame run, same machine (load average ${load.join(' ')} at the end), docker-graphite-statsd schemas, sparse files, limits off, plaintext TCP.\n\n`;
md +=
  '| metrics | points | impl | files created in s | first burst points/s (to disk) | ratio | CPU us/point | points/update | steady points/s (to disk) | ratio | CPU us/point | points/update | peak RSS MB | visible ms | on disk ms |\n';
md += '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n';
for (const n of sizes) {
  const o = results.find((r) => r.kind === 'ours' && r.metrics === n);
  const c = results.find((r) => r.kind === 'carbon' && r.metrics === n);
  const ratio = (r, x, y) =>
    r.kind === 'ours' && x && y ? `${fmt(x.pointsPerSecond / y.pointsPerSecond, 2)}x` : '1x';
  const cols = (r, b, x, y) =>
    `${fmt(b?.pointsPerSecond)} | ${ratio(r, x, y)} | ${fmt(b?.cpuMicrosPerPoint, 1)} | ${fmt(b?.pointsPerUpdate, 1)}`;
  for (const r of [o, c]) {
    md += `| ${n} | ${r.points} | ${r.kind === 'ours' ? 'ours' : 'carbon-cache'} | ${fmt(r.createSeconds, 1)} | ${cols(r, r, o, c)} | ${cols(
      r,
      r.steady,
      o.steady,
      c.steady,
    )} | ${fmt(r.peakRssMB)} | ${fmt(r.visibleMs, 1)} | ${fmt(r.onDiskMs, 1)} |\n`;
  }
}
md +=
  '\n"first burst": from the first byte until every metric\'s newest point is in its file (poll.mjs), the first data in the files\' later pages (allocated by the kernel on first touch). "steady": the same timestamps again with new values, on allocated pages. "CPU": user + system time of the daemon (all threads) in that burst, per point. "points/update": points per whisper update in that burst (ours, from its writer counters; carbon-cache self-metrics are off in this run). "visible": until /render returns the point (ours serves it from the cache; carbon-cache has no HTTP API, graphite-web would need carbonlink). "on disk": until the whisper file holds it.\n';
mkdirSync(join(here, '..', 'results'), { recursive: true });
writeFileSync(join(here, '..', 'results', 'graphite.md'), md);
if (!saved) {
  writeFileSync(
    join(here, '..', 'results', 'graphite.json'),
    JSON.stringify({ sizes: SIZES, loadavg: load, carbonFadvise: CARBON_FADVISE, results }, null, 2),
  );
}
console.log(md);
