// bench/statsd: our statsd vs Etsy statsd 0.9.0 (npm), same run, loopback, flushInterval 1 s.
// Measures: highest offered rate each keeps >= 99.9% of metrics (1 metric per packet and 20
// metrics per packet), loss while flushing 100k keys, RSS at 100k counters and 100k timers.
// Writes bench/results/statsd.md and .json. `--step-ms=N` (2000) sets the step length.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const require = createRequire(join(root, 'apps', 'statsd', 'package.json'));
const ETSY = join(dirname(require.resolve('statsd/package.json')), 'stats.js');
const OURS = join(root, 'apps', 'statsd', 'dist', 'cli.js');
const STEP_MS = Number(/^--step-ms=(\d+)$/.exec(process.argv[2] ?? '')?.[1] ?? 2000);
const dir = mkdtempSync(join(tmpdir(), 'statsd-bench-'));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const RECEIVED = 'stats_counts.statsd.metrics_received ';

/** Fake carbon: sums the daemon's own metrics_received per flush. */
function carbon() {
  const state = { received: 0, lines: 0 };
  const server = net.createServer((c) => {
    let buf = '';
    c.on('data', (d) => {
      buf += d.toString();
      const last = buf.lastIndexOf('\n');
      if (last === -1) return;
      const text = buf.slice(0, last);
      buf = buf.slice(last + 1);
      let i = text.indexOf(RECEIVED);
      while (i !== -1) {
        const end = text.indexOf(' ', i + RECEIVED.length);
        state.received += Number(text.slice(i + RECEIVED.length, end));
        i = text.indexOf(RECEIVED, end);
      }
    });
    c.on('error', () => {});
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ state, port: server.address().port, close: () => server.close() }),
    ),
  );
}

async function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

async function startDaemon(kind, graphitePort) {
  const port = await freePort();
  const mgmt = await freePort();
  const cfg = join(dir, `${kind}-${port}.js`);
  writeFileSync(
    cfg,
    `{ port: ${port}, mgmt_port: ${mgmt}, address: '127.0.0.1', graphiteHost: '127.0.0.1', graphitePort: ${graphitePort}, flushInterval: 1000, automaticConfigReload: false }\n`,
  );
  const script = kind === 'etsy' ? ETSY : OURS;
  const proc = spawn(process.execPath, [script, cfg], {
    cwd: dirname(script),
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, STATSD_PROMETHEUS_PORT: '0' },
  });
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (out += d));
  const t0 = Date.now();
  while (!out.includes('server is up')) {
    if (Date.now() - t0 > 10000 || proc.exitCode !== null) throw new Error(`${kind} did not start: ${out}`);
    await sleep(20);
  }
  await sleep(500);
  return {
    port,
    pid: proc.pid,
    rssMb: () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'))[1]) / 1024,
    stop: async () => {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGKILL');
      await exited;
    },
  };
}

/** Sends from a Python process (a tight sendto loop; Node's dgram tops out lower here). */
function send(port, spec) {
  return new Promise((resolve, reject) => {
    const p = spawn('/usr/bin/python3', [join(here, 'sender.py'), JSON.stringify({ port, ...spec })], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`sender exited ${code}`)),
    );
  });
}

/** Waits until the daemon has flushed everything it accepted (count stable for 2.5 s). */
async function settle(c) {
  let last = -1;
  let stableSince = Date.now();
  const t0 = Date.now();
  while (Date.now() - t0 < 30_000) {
    if (c.state.received !== last) {
      last = c.state.received;
      stableSince = Date.now();
    } else if (Date.now() - stableSince >= 2500) return;
    await sleep(100);
  }
}

/** Offers `rate` packets/s for one step; returns offered/kept metrics. */
async function step(daemon, c, rate, perPacket, keys = 100, type = 'c', steps = 1) {
  const before = c.state.received;
  const total = Math.round((rate * STEP_MS * steps) / 1000);
  const r = await send(daemon.port, { rate, total, perPacket, keys, type });
  await settle(c);
  const kept = c.state.received - before;
  const offered = r.sent * perPacket;
  return {
    offeredPerSec: Math.round(offered / r.secs),
    sentMetrics: offered,
    kept,
    keptRatio: kept / offered,
  };
}

/**
 * Climbs the rate ladder with both daemons running, alternating Etsy and ours at each rate so
 * both see the same background load (the machine is shared). A daemon stops climbing after
 * two rates below 99.9%.
 */
async function losslessRates(perPacket, rates) {
  const sides = {};
  for (const kind of ['etsy', 'ours']) {
    const c = await carbon();
    sides[kind] = { c, d: await startDaemon(kind, c.port), best: 0, fails: 0, steps: [] };
  }
  try {
    for (const rate of rates) {
      for (const kind of ['etsy', 'ours']) {
        const side = sides[kind];
        if (side.fails >= 2) continue;
        // Best of two attempts: the machine is shared, and a burst of someone else's work
        // should not end either daemon's ladder (both get the same second chance).
        let s = await step(side.d, side.c, rate, perPacket);
        if (s.keptRatio < 0.999) s = await step(side.d, side.c, rate, perPacket);
        side.steps.push({ packetsPerSec: rate, ...s });
        console.log(
          `  ${kind} ${perPacket}/pkt ${rate} pkt/s: offered ${s.offeredPerSec}/s kept ${(s.keptRatio * 100).toFixed(3)}%`,
        );
        // Conservative: only rates below the first lossy step count.
        if (s.keptRatio >= 0.999) {
          if (side.fails === 0) side.best = Math.max(side.best, s.offeredPerSec);
        } else side.fails++;
      }
      if (sides.etsy.fails >= 2 && sides.ours.fails >= 2) break;
    }
  } finally {
    for (const side of Object.values(sides)) {
      await side.d.stop();
      side.c.close();
    }
  }
  return {
    etsy: { best: sides.etsy.best, steps: sides.etsy.steps },
    ours: { best: sides.ours.best, steps: sides.ours.steps },
  };
}

async function flushLoss(kind) {
  const c = await carbon();
  const d = await startDaemon(kind, c.port);
  try {
    // Touch all 100k keys first so every flush carries 100k counters, then measure.
    // 2.5 steps' worth of traffic in one go: every flush during it carries 100k keys.
    const s = await step(d, c, 2500, 40, 100_000, 'c', 2.5);
    const sent = s.sentMetrics;
    const kept = s.kept;
    console.log(`  ${kind} 100k-key flush: kept ${((kept / sent) * 100).toFixed(3)}%`);
    return { offeredPerSec: s.offeredPerSec, sent, kept, loss: 1 - kept / sent };
  } finally {
    await d.stop();
    c.close();
  }
}

async function rss(kind, type) {
  const c = await carbon();
  const d = await startDaemon(kind, c.port);
  try {
    const base = d.rssMb();
    await send(d.port, { rate: 2500, total: 5000, perPacket: 20, keys: 100_000, type });
    await sleep(2500);
    const mb = d.rssMb();
    console.log(
      `  ${kind} RSS with 100k ${type === 'c' ? 'counters' : 'timers'}: ${mb.toFixed(0)} MB (idle ${base.toFixed(0)} MB)`,
    );
    return { idleMb: base, mb };
  } finally {
    await d.stop();
    c.close();
  }
}

const single = [5_000, 10_000, 20_000, 40_000, 60_000, 80_000, 100_000, 130_000, 160_000, 200_000];
const multi = [250, 500, 1000, 2000, 4000, 6000, 8000, 10_000, 12_000, 15_000];
const results = { etsy: {}, ours: {} };
try {
  console.log('lossless rate, 1 metric/packet:');
  const single1 = await losslessRates(1, single);
  console.log('lossless rate, 20 metrics/packet:');
  const multi20 = await losslessRates(20, multi);
  for (const kind of ['etsy', 'ours']) {
    results[kind].single = single1[kind];
    results[kind].multi = multi20[kind];
  }
  for (const kind of ['etsy', 'ours']) {
    console.log(`${kind}:`);
    results[kind].flush = await flushLoss(kind);
    results[kind].rssCounters = await rss(kind, 'c');
    results[kind].rssTimers = await rss(kind, 'ms');
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const LOAD = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const e = results.etsy;
const o = results.ours;
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const pct = (x) => `${(x * 100).toFixed(3)}%`;
const ratio = (a, b) => (b > 0 ? `${(a / b).toFixed(1)}x` : 'n/a');
const md = `# statsd: ours vs Etsy statsd 0.9.0

Same machine, same run (2 cores shared with other jobs: expect noise), loopback UDP, flushInterval 1 s, a Python sender process,
${STEP_MS / 1000} s per rate step (best of two tries per step). "Lossless" = the highest offered
rate, below the first rate where it lost more, at which the daemon's own \`metrics_received\`
(summed over its flushes to a fake carbon) is >= 99.9% of what was sent.
The two daemons alternate at each rate step so both see the same background load. A rate at
the top of the ladder means the sender, not the daemon, was the limit. Load average during
the run: ${LOAD}.

| measure | Etsy statsd | ours | ratio | target |
|---|---|---|---|---|
| lossless rate, 1 metric/packet (metrics/s) | ${fmt(e.single.best)} | ${fmt(o.single.best)} | ${ratio(o.single.best, e.single.best)} | >= 3x |
| lossless rate, 20 metrics/packet (metrics/s) | ${fmt(e.multi.best)} | ${fmt(o.multi.best)} | ${ratio(o.multi.best, e.multi.best)} | >= 3x |
| loss while flushing 100k keys (~${fmt(o.flush.offeredPerSec)} metrics/s offered) | ${pct(e.flush.loss)} | ${pct(o.flush.loss)} | | < 0.1% |
| RSS at 100k counters | ${fmt(e.rssCounters.mb)} MB | ${fmt(o.rssCounters.mb)} MB | ${ratio(o.rssCounters.mb, e.rssCounters.mb)} | <= 0.5x |
| RSS at 100k timers | ${fmt(e.rssTimers.mb)} MB | ${fmt(o.rssTimers.mb)} MB | ${ratio(o.rssTimers.mb, e.rssTimers.mb)} | <= 0.5x |

Idle RSS: Etsy ${fmt(e.rssCounters.idleMb)} MB, ours ${fmt(o.rssCounters.idleMb)} MB.
`;
mkdirSync(join(here, '..', 'results'), { recursive: true });
writeFileSync(join(here, '..', 'results', 'statsd.md'), md);
writeFileSync(join(here, '..', 'results', 'statsd.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(md);
