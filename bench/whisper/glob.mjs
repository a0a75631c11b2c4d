// bench/whisper/glob.mjs: the read path of a 200-series render (`sumSeries(a.*)` over one day),
// ours vs python whisper 1.1.4 in the same run, on the same files. Each round reads every file
// the way a render does: info (aggregation method, xff, finest step) and fetch of the window.
// Writes bench/results/whisper-glob.md and .json.
// Options: --files=200 --rounds=20 --dist=<dir of an other build, to compare before/after>
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const opt = (name, dflt) => {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a ? a.slice(name.length + 3) : dflt;
};
const FILES = Number(opt('files', 200));
const ROUNDS = Number(opt('rounds', 20));
const DIST = opt('dist', join(here, '../../packages/whisper/dist'));
const w = await import(pathToFileURL(join(resolve(DIST), 'index.js')).href);
const SCHEMA = '10s:6h,1m:7d,10m:5y';
const SPAN = 86400;
const now = 1_700_000_000;
const dir = mkdtempSync(join(tmpdir(), 'whisper-glob-'));
const paths = Array.from({ length: FILES }, (_, i) => join(dir, `s${i}.wsp`));
const secs = (t0) => Number(process.hrtime.bigint() - t0) / 1e9;

// a day of one-minute points (some gaps) in each file; our writer's bytes are python's
for (const [i, p] of paths.entries()) {
  w.createSync(p, SCHEMA.split(',').map(w.parseRetentionDef), { sparse: true });
  const pts = [];
  for (let t = now - SPAN; t <= now; t += 60) if ((t / 60 + i) % 97 !== 0) pts.push([t, (t % 1000) + i]);
  w.updateManySync(p, pts, now);
}

function python() {
  const code = `
import json, sys, time, whisper
job = json.loads(sys.argv[1])
wall, cpu = [], []
for r in range(job['rounds'] + 1):
    t0, c0 = time.perf_counter(), time.process_time()
    for p in job['paths']:
        whisper.info(p)
        whisper.fetch(p, job['now'] - job['span'], job['now'], job['now'])
    if r > 0:
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
print(json.dumps({'wall': min(wall), 'cpu': min(cpu)}))
`;
  const job = JSON.stringify({ paths, rounds: ROUNDS, now, span: SPAN });
  const r = spawnSync('/usr/bin/python3', ['-c', code, job], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const modes = {
  // what apps/graphite does per series today
  async: () =>
    Promise.all(
      paths.map(async (p) => {
        await w.info(p);
        return w.fetch(p, now - SPAN, now, now);
      }),
    ),
  sync: () => {
    for (const p of paths) {
      w.infoSync(p);
      w.fetchSync(p, now - SPAN, now, now);
    }
  },
  ...(w.fetchMany ? { fetchMany: () => w.fetchMany(paths, now - SPAN, now, now) } : {}),
  ...(w.fetchManySync ? { fetchManySync: () => w.fetchManySync(paths, now - SPAN, now, now) } : {}),
};
// started by its own warm-up round, so its thread does not run during the other modes
let worker = null;
if (w.WhisperWorker.prototype.fetchMany)
  modes['WhisperWorker.fetchMany'] = async () => {
    worker ??= new w.WhisperWorker();
    return worker.fetchMany(paths, now - SPAN, now, now);
  };

/**
 * Best round (least disturbed by the other work on these shared cores) after a warm-up round:
 * wall time, and CPU time of the whole process (thread-pool threads included), which is what
 * bounds render throughput on a busy machine and is less disturbed by the other work.
 */
async function measure(fn) {
  await fn();
  let wall = Infinity;
  let cpu = Infinity;
  let loop = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    const e0 = performance.eventLoopUtilization();
    await fn();
    const e = performance.eventLoopUtilization(e0);
    const c = process.cpuUsage(c0);
    wall = Math.min(wall, secs(t0));
    cpu = Math.min(cpu, (c.user + c.system) / 1e6);
    loop = Math.min(loop, e.active / 1000);
  }
  return { wall, cpu, loop };
}

try {
  const py = python();
  const ours = {};
  for (const [name, fn] of Object.entries(modes)) ours[name] = await measure(fn);
  const ms = (s) => `${(s * 1000).toFixed(2)} ms`;
  const rate = (s) => Math.round(FILES / s).toLocaleString('en-US');
  const md = [
    '# whisper read path: a 200-series render window, ours vs python whisper 1.1.4',
    '',
    `${FILES} files (${SCHEMA}, a day of 1-minute points), each round reads every file: info + fetch of`,
    `one day (archive 1, 1440 points). Best of ${ROUNDS} rounds after a warm-up, same files, same run.`,
    'async = `info` then `fetch` per file, all files at once (what apps/graphite does); sync = `infoSync` +',
    '`fetchSync`; fetchMany / fetchManySync = the batch API (info + fetch of every path in one call);',
    '`WhisperWorker.fetchMany` = the same with the reads in a worker thread (CPU counts both threads).',
    'Event loop busy = time the main thread was not idle (what other requests wait for).',
    `Build measured: \`${relative(join(here, '../..'), resolve(DIST)) || '.'}\`.`,
    '',
    '| reader | wall per render | series/s | ratio | CPU per render | ratio (CPU) | event loop busy |',
    '|---|---|---|---|---|---|---|',
    `| python whisper (info + fetch) | ${ms(py.wall)} | ${rate(py.wall)} | 1.0x | ${ms(py.cpu)} | 1.0x | - |`,
    ...Object.entries(ours).map(
      ([k, t]) =>
        `| ours ${k} | ${ms(t.wall)} | ${rate(t.wall)} | ${(py.wall / t.wall).toFixed(1)}x | ${ms(t.cpu)} | ${(py.cpu / t.cpu).toFixed(1)}x | ${ms(t.loop)} |`,
    ),
    '',
    `Load average: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} (2 cores shared with other work).`,
    '',
  ].join('\n');
  if (!process.argv.includes('--no-write')) {
    mkdirSync(join(here, '..', 'results'), { recursive: true });
    writeFileSync(join(here, '..', 'results', 'whisper-glob.md'), md);
    writeFileSync(
      join(here, '..', 'results', 'whisper-glob.json'),
      `${JSON.stringify(
        {
          files: FILES,
          rounds: ROUNDS,
          schema: SCHEMA,
          span: SPAN,
          loadavg: loadavg(),
          python: py,
          ours,
          ratiosWall: Object.fromEntries(Object.entries(ours).map(([k, t]) => [k, py.wall / t.wall])),
          ratiosCpu: Object.fromEntries(Object.entries(ours).map(([k, t]) => [k, py.cpu / t.cpu])),
        },
        null,
        2,
      )}\n`,
    );
  }
  console.log(md);
} finally {
  await worker?.close();
  rmSync(dir, { recursive: true, force: true });
}
