// bench/whisper: our whisper library vs python whisper 1.1.4 (Debian) in the same run.
// Workloads: updateMany over many files (carbon's writer pattern), one huge updateMany,
// and fetch throughput. Writes bench/results/whisper.md and .json.
// Sizes: --files=10000 --big=1000000 --py-big=100000 --fetches=20000 (defaults shown).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as w from '../../packages/whisper/dist/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name, dflt) => {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a ? Number(a.slice(name.length + 3)) : dflt;
};
const FILES = arg('files', 10000);
const BIG = arg('big', 1000000);
// python's update_many is quadratic in the batch (it grows one bytes object point by point):
// 100k points already take tens of seconds, so it runs at this size and we run at both sizes
const PY_BIG = Math.min(BIG, arg('py-big', 100000));
const FETCHES = arg('fetches', 20000);
const SCHEMA = '10s:6h,1m:7d';
const BIG_SCHEMA = '1s:12d,1m:30d,1h:1y';
const FETCH_SPAN = 3600;
const CONCURRENCY = 64;
const ROUNDS = 2;
const now = 1_700_000_000;
const dir = mkdtempSync(join(tmpdir(), 'whisper-bench-'));
const schema = (s) => s.split(',').map(w.parseRetentionDef);

function python(job) {
  const r = spawnSync(
    '/usr/bin/python3',
    [join(here, 'python_bench.py'), JSON.stringify({ ...job, dir, now })],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    },
  );
  if (r.status !== 0) throw new Error(`python bench failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}
const secs = (t0) => Number(process.hrtime.bigint() - t0) / 1e9;

async function pool(n, fn) {
  let next = 0;
  const worker = async () => {
    while (next < n) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, n) }, worker));
}

/** JIT warm-up on scratch files, so the timed rounds measure steady code. */
async function warmUp(mode, worker) {
  const paths = Array.from({ length: 200 }, (_, i) => join(dir, `warm-${mode}-${i}.wsp`));
  for (const p of paths) w.createSync(p, schema(SCHEMA), { sparse: true });
  for (let r = 0; r < 3; r++) {
    const pts = batch(now + r * 600);
    for (const p of paths) {
      if (mode === 'async') await w.updateMany(p, pts, now + r * 600);
      else if (worker) await worker.updateMany(p, pts, now + r * 600);
      else w.updateManySync(p, pts, now + r * 600);
      if (mode === 'async') await w.fetch(p, now - 3600, now, now);
      else if (worker) await worker.fetch(p, now - 3600, now, now);
      else w.fetchSync(p, now - 3600, now, now);
    }
  }
  for (const p of paths) rmSync(p);
}

const batch = (tNow) => Array.from({ length: 60 }, (_, k) => [tNow - 600 + 10 * k, k % 17]);

async function oursMany(tag, mode) {
  const worker = mode === 'worker' ? new w.WhisperWorker() : null;
  await worker?.ready();
  await warmUp(mode, worker);
  const paths = Array.from({ length: FILES }, (_, i) => join(dir, `${tag}${i}.wsp`));
  for (const p of paths) w.createSync(p, schema(SCHEMA), { sparse: true });
  const out = {};
  for (let r = 0; r < ROUNDS; r++) {
    const tNow = now + r * 600;
    const pts = batch(tNow);
    const t0 = process.hrtime.bigint();
    if (mode === 'async') await pool(FILES, (i) => w.updateMany(paths[i], pts, tNow));
    else if (worker) await pool(FILES, (i) => worker.updateMany(paths[i], pts, tNow));
    else for (const p of paths) w.updateManySync(p, pts, tNow);
    out[`round${r}`] = secs(t0);
  }
  const tNow = now + (ROUNDS - 1) * 600;
  const t0 = process.hrtime.bigint();
  if (mode === 'async') await pool(FETCHES, (i) => w.fetch(paths[i % FILES], tNow - FETCH_SPAN, tNow, tNow));
  else if (worker) await pool(FETCHES, (i) => worker.fetch(paths[i % FILES], tNow - FETCH_SPAN, tNow, tNow));
  else for (let i = 0; i < FETCHES; i++) w.fetchSync(paths[i % FILES], tNow - FETCH_SPAN, tNow, tNow);
  out.fetch = secs(t0);
  await worker?.close();
  return out;
}

async function oursBig(tag, mode, n) {
  const p = join(dir, `${tag}-big.wsp`);
  w.createSync(p, schema(BIG_SCHEMA), { sparse: true });
  const pts = Array.from({ length: n }, (_, i) => [now - n + i, i % 100]);
  const worker = mode === 'worker' ? new w.WhisperWorker() : null;
  await worker?.ready();
  const t0 = process.hrtime.bigint();
  if (mode === 'async') await w.updateMany(p, pts, now);
  else if (worker) await worker.updateMany(p, pts, now);
  else w.updateManySync(p, pts, now);
  const t = secs(t0);
  await worker?.close();
  return t;
}

function cleanup(prefix) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return prefix;
}

try {
  console.log(
    `whisper bench: ${FILES} files x 60 points (${SCHEMA}), ${BIG} points into one file, ${FETCHES} fetches`,
  );
  // python first, then each of ours on fresh files
  const py = python({
    kind: 'many',
    files: FILES,
    schema: SCHEMA,
    rounds: ROUNDS,
    fetches: FETCHES,
    fetchSpan: FETCH_SPAN,
  });
  cleanup();
  const sync = await oursMany('s', 'sync');
  cleanup();
  const asy = await oursMany('a', 'async');
  cleanup();
  const wrk = await oursMany('w', 'worker');
  cleanup();
  const pyBig = python({ kind: 'big', schema: BIG_SCHEMA, points: PY_BIG }).big;
  const big = {};
  for (const n of [...new Set([PY_BIG, BIG])]) {
    for (const mode of ['sync', 'async', 'worker']) {
      cleanup();
      big[`${mode}${n}`] = await oursBig(mode[0], mode, n);
    }
  }

  const row = (name, py, o, unit) => ({ name, py, sync: o.sync, async: o.async, worker: o.worker, unit });
  const rows = [
    row(
      `updateMany, ${FILES} new files x 60 pts (first write)`,
      py.round0,
      { sync: sync.round0, async: asy.round0, worker: wrk.round0 },
      FILES,
    ),
    row(
      `updateMany, ${FILES} files x 60 pts (steady state)`,
      py.round1,
      { sync: sync.round1, async: asy.round1, worker: wrk.round1 },
      FILES,
    ),
    row(
      `updateMany, 1 file x ${PY_BIG} pts`,
      pyBig,
      { sync: big[`sync${PY_BIG}`], async: big[`async${PY_BIG}`], worker: big[`worker${PY_BIG}`] },
      PY_BIG,
    ),
    ...(BIG !== PY_BIG
      ? [
          row(
            `updateMany, 1 file x ${BIG} pts (python not run: quadratic)`,
            null,
            { sync: big[`sync${BIG}`], async: big[`async${BIG}`], worker: big[`worker${BIG}`] },
            BIG,
          ),
        ]
      : []),
    row(
      `fetch 1h (360 pts), ${FETCHES} calls`,
      py.fetch,
      { sync: sync.fetch, async: asy.fetch, worker: wrk.fetch },
      FETCHES,
    ),
  ];
  const fmt = (s) => `${s.toFixed(3)} s`;
  const rate = (n, s) => `${Math.round(n / s).toLocaleString('en-US')}/s`;
  const cell = (r, t) => `${fmt(t)} (${rate(r.unit, t)})`;
  const ratio = (r, t) => (r.py === null ? '-' : `${(r.py / t).toFixed(1)}x`);
  const md = [
    '# whisper: ours vs python whisper 1.1.4',
    '',
    `Same machine, same run (2 shared cores, page cache, sparse files). Async and worker: ${CONCURRENCY} calls in flight.`,
    'sync = `updateManySync`/`fetchSync` on the calling thread; async = `updateMany`/`fetch` (libuv thread pool);',
    'worker = `WhisperWorker` (sync engine in a worker thread, calls batched per tick). Ratio = python time / our time.',
    '',
    '| workload | python | ours sync | ratio | ours async | ratio | ours worker | ratio |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.py === null ? '-' : cell(r, r.py)} | ${cell(r, r.sync)} | ${ratio(r, r.sync)} | ${cell(r, r.async)} | ${ratio(r, r.async)} | ${cell(r, r.worker)} | ${ratio(r, r.worker)} |`,
    ),
    '',
    `Load average during the run: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} (other work shares these cores).`,
    '',
  ].join('\n');
  mkdirSync(join(here, '..', 'results'), { recursive: true });
  writeFileSync(join(here, '..', 'results', 'whisper.md'), md);
  writeFileSync(
    join(here, '..', 'results', 'whisper.json'),
    `${JSON.stringify(
      {
        files: FILES,
        bigPoints: BIG,
        fetches: FETCHES,
        concurrency: CONCURRENCY,
        loadavg: loadavg(),
        rows: rows.map((r) => ({
          ...r,
          ratioSync: r.py === null ? null : r.py / r.sync,
          ratioAsync: r.py === null ? null : r.py / r.async,
          ratioWorker: r.py === null ? null : r.py / r.worker,
        })),
      },
      null,
      2,
    )}\n`,
  );
  console.log(md);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
