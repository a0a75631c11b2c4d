import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli-main.js';
import * as w from '../src/index.js';
import { PYTHON, rng } from './oracle.js';

process.env.TZ = 'UTC';
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'whisper-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number;
  out: string;
  err: string;
}
async function ours(args: string[]): Promise<Run> {
  let out = '';
  let err = '';
  const code = await runCli(args, {
    out: (s) => {
      out += s;
    },
    err: (s) => {
      err += s;
    },
    now: () => Math.floor(Date.now() / 1000),
  });
  return { code, out, err };
}
function python(tool: string, args: string[]): Run {
  const r = spawnSync(PYTHON, [`/usr/bin/whisper-${tool}`, ...args], {
    encoding: 'utf8',
    env: { ...process.env, TZ: 'UTC' },
  });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}
const lastLine = (s: string) => s.trimEnd().split('\n').pop() ?? '';

/** Same exit code, same stdout, and the same error line (last line of a python traceback). */
async function same(
  cmd: string,
  tool: string,
  oursArgs: string[],
  pyArgs = oursArgs,
  rename?: [string, string],
): Promise<Run> {
  const a = await ours([cmd, ...oursArgs]);
  if (rename) {
    a.out = a.out.replaceAll(rename[0], rename[1]);
    a.err = a.err.replaceAll(rename[0], rename[1]);
  }
  const b = python(tool, pyArgs);
  const ctx = `${cmd} ${oursArgs.join(' ')}`;
  expect(a.code, `${ctx}\nours: ${a.err}\npython: ${b.err}`).toBe(b.code);
  if (b.code === 0 || !b.err.includes('Traceback')) {
    expect(a.out, ctx).toBe(b.out);
    expect(a.err, ctx).toBe(b.err);
  } else {
    expect(lastLine(a.err), ctx).toBe(lastLine(b.err));
  }
  return a;
}

const NOW = Math.floor(Date.now() / 1000);

/** A file populated by python with a realistic stream (gaps, zeros, negatives, nan). */
async function populate(
  path: string,
  archives: string[],
  method = 'average',
  xff = '0.5',
  seed = 1,
  writer: 'python' | 'ours' = 'python',
): Promise<void> {
  const r = rng(seed);
  const run = async (tool: string, args: string[]) =>
    writer === 'python' ? python(tool, args) : ours([tool, ...args]);
  const ok = await run('create', [path, ...archives, '--aggregationMethod', method, '--xFilesFactor', xff]);
  expect(ok.code, ok.err).toBe(0);
  const pts: string[] = [];
  // ages stay well inside the first archive (1h), so the second or two between the python and
  // our runs cannot move a point across an archive boundary
  for (let t = NOW - 3300; t < NOW - 5; t += r.pick([10, 10, 10, 20, 60])) {
    const v = r.pick([0, 1.5, -2.25, 1e-7, 123456789.123, 0.1, r.next() * 100, Number.NaN]);
    pts.push(`${t}:${Number.isNaN(v) ? 'nan' : v}`);
  }
  for (let i = 0; i < pts.length; i += 200) {
    const res = await run('update', [path, ...pts.slice(i, i + 200)]);
    expect(res.code, res.err).toBe(0);
  }
}

// each test spawns the python tools dozens of times: allow for a loaded machine
describe('CLI output matches the python3-whisper tools', { timeout: 240_000 }, () => {
  it('create: sizes, options, --estimate and errors', async () => {
    const cases: string[][] = [
      ['60:1440'],
      ['10s:6h', '1m:7d', '10m:5y'],
      ['1s:1m', '1min:1h', '--xFilesFactor', '0.3', '--aggregationMethod', 'max'],
      ['10s:6h', '--sparse'],
      ['10s:6h', '1m:7d', '--fallocate', '--aggregationMethod', 'absmin', '--xFilesFactor=0'],
      ['60:10', '60:20'],
      ['7:10', '60:20'],
      ['10s:1m', '1m:30s'],
      ['10s:30s', '1m:1h'],
      ['10x:10'],
      ['60:10x'],
      ['10'],
      ['60:10', '--xFilesFactor', '2'],
    ];
    for (const [i, c] of cases.entries()) {
      const a = join(dir, `create-o${i}.wsp`);
      const b = join(dir, `create-p${i}.wsp`);
      await same('create', 'create', [a, ...c], [b, ...c], [a, b]);
      if (existsSync(a)) expect(readFileSync(a).equals(readFileSync(b)), c.join(' ')).toBe(true);
      // deliberate deviation: python leaves a 0-byte file when xff/method are invalid, we leave none
      else if (existsSync(b)) expect(readFileSync(b).length, c.join(' ')).toBe(0);
    }
    for (const est of [['10s:6h,1m:7d,10m:5y'], ['1s:1d', '1m:30d', '1h:5y'], ['60:1440']]) {
      await same('create', 'create', ['--estimate', ...est]);
    }
  });

  it('create refuses an existing file and --overwrite replaces it', async () => {
    const a = join(dir, 'exists.wsp');
    python('create', [a, '60:10']);
    await same('create', 'create', [a, '60:10']);
    const r = await ours(['create', a, '60:20', '--overwrite']);
    expect(r.out).toBe(`Overwriting existing file: ${a}\nCreated: ${a} (268 bytes)\n`);
  });

  it('info, fetch and dump read python-written files identically (and python reads ours)', async () => {
    const py = join(dir, 'read-p.wsp');
    await populate(py, ['10s:1h', '1m:6h', '10m:1d'], 'avg_zero', '0.3', 7);
    const mine = join(dir, 'read-o.wsp');
    // the same stream written by us must give the same bytes
    for (const f of [py]) {
      await same('info', 'info', [f]);
      await same('info', 'info', ['--json', f]);
      for (const field of [
        'aggregationMethod',
        'maxRetention',
        'xFilesFactor',
        'archives',
        'fileSize',
        'nope',
      ]) {
        await same('info', 'info', [f, field]);
      }
      await same('dump', 'dump', [f]);
      await same('dump', 'dump', ['--pretty', f]);
      await same('dump', 'dump', ['--pretty', '-t', '%Y-%m-%d %H:%M:%S', f]);
      const spans = [
        [NOW - 600, NOW],
        [NOW - 3000, NOW - 1000],
        [NOW - 20000, NOW],
        [NOW - 86400, NOW],
        [NOW - 200000, NOW],
        [NOW + 10, NOW + 100],
      ];
      for (const [from, until] of spans) {
        const range = [`--from=${from}`, `--until=${until}`];
        await same('fetch', 'fetch', [...range, f]);
        await same('fetch', 'fetch', [...range, '--json', f]);
        await same('fetch', 'fetch', [...range, '--pretty', f]);
        for (const drop of ['nulls', 'zeroes', 'empty'])
          await same('fetch', 'fetch', [...range, `--drop=${drop}`, f]);
      }
      await same('fetch', 'fetch', ['--from', String(NOW), '--until', String(NOW - 10), f]);
    }
    // the same stream written by our CLI gives the same bytes, and python's tools read it the same
    await populate(mine, ['10s:1h', '1m:6h', '10m:1d'], 'avg_zero', '0.3', 7, 'ours');
    expect(readFileSync(mine).equals(readFileSync(py))).toBe(true);
    const range = [`--from=${NOW - 20000}`, `--until=${NOW}`];
    expect(python('fetch', [...range, mine]).out).toBe((await ours(['fetch', ...range, py])).out);
    expect(python('dump', [mine]).out).toBe((await ours(['dump', py])).out);
    expect(python('info', ['--json', mine]).out).toBe((await ours(['info', '--json', py])).out);
    await same('dump', 'dump', ['does-not-exist.wsp']);
    await same('fetch', 'fetch', ['--from=0', 'does-not-exist.wsp']);
    await same('info', 'info', ['does-not-exist.wsp']);
  });

  it('update: single and many points, N:, errors; files stay byte-identical', async () => {
    const a = join(dir, 'upd-o.wsp');
    const b = join(dir, 'upd-p.wsp');
    python('create', [a, '10s:1h', '1m:1d']);
    python('create', [b, '10s:1h', '1m:1d']);
    const r = rng(3);
    const batches: string[][] = [
      [`${NOW - 100}:1`],
      [`${NOW - 30}:2.5`, `${NOW - 20}:nan`, `${NOW - 10}:-0.0`, `${NOW - 40}:1e3`],
      [`${NOW - 7200}:5`],
      [`${NOW - 7200}:5`, `${NOW - 10}:6`],
      [`${NOW + 100}:1`],
      ['1234.5:1'],
      [`${NOW - 50}:abc`],
      [`${NOW - 50}:1:2`],
      [`${NOW - 60}: 7 `],
      [`${NOW - 70}:1_000`],
    ];
    for (let i = 0; i < 10; i++) {
      const pts: string[] = [];
      for (let k = r.int(2, 30); k > 0; k--)
        pts.push(`${NOW - r.int(1, 5000)}:${(r.next() * 100).toFixed(r.int(0, 6))}`);
      batches.push(pts);
    }
    for (const pts of batches) {
      await same('update', 'update', [a, ...pts], [b, ...pts]);
      expect(readFileSync(a).equals(readFileSync(b)), pts.join(' ')).toBe(true);
    }
    await same('update', 'update', [join(dir, 'nope.wsp'), `${NOW}:1`]);
  });

  it('set-aggregation-method and set-xff', async () => {
    const a = join(dir, 'agg-o.wsp');
    const b = join(dir, 'agg-p.wsp');
    python('create', [a, '60:10']);
    python('create', [b, '60:10']);
    const steps: string[][] = [
      ['max'],
      ['sum', '0.3'],
      ['foo'],
      ['min', 'x'],
      ['last', '2'],
      ['absmax', '1'],
    ];
    for (const s of steps) {
      const ra = await ours(['set-aggregation-method', a, ...s]);
      const rb = python('set-aggregation-method', [b, ...s]);
      expect(ra.code).toBe(rb.code);
      expect(ra.out.replace(a, b)).toBe(rb.out);
      expect(ra.err.replace(a, b)).toBe(rb.err);
      expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
    }
    for (const x of ['0.42', '0', '1', '1.5', 'abc', '0.1']) {
      const ra = await ours(['set-xff', a, x]);
      const rb = python('set-xfilesfactor', [b, x]);
      expect(ra.code, x).toBe(rb.code);
      expect(ra.out.replace(a, b), x).toBe(rb.out);
      if (rb.code !== 2) expect(ra.err.replace(a, b), x).toBe(rb.err);
      expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
    }
  });

  it('resize migrates data like whisper-resize', async () => {
    const a = join(dir, 'rs-o.wsp');
    const b = join(dir, 'rs-p.wsp');
    await populate(b, ['10s:1h', '1m:6h'], 'average', '0.5', 11);
    copyFileSync(b, a);
    for (const args of [
      ['10s:2h', '5m:1d'],
      ['1m:1d', '--nobackup'],
      ['30s:1h', '--xFilesFactor=0.1', '--aggregationMethod=max'],
    ]) {
      const ra = await ours(['resize', a, ...args]);
      const rb = python('resize', [b, ...args]);
      expect(ra.code, ra.err).toBe(rb.code);
      expect(ra.out.replaceAll(a, b)).toBe(rb.out);
      expect(readFileSync(a).equals(readFileSync(b)), args.join(' ')).toBe(true);
    }
  });

  it('wrong argument counts exit like the python tools (help text is ours)', async () => {
    const f = join(dir, 'args.wsp');
    python('create', [f, '60:10']);
    const cases: Array<[string, string, string[]]> = [
      ['create', 'create', []],
      ['create', 'create', [f]],
      ['info', 'info', []],
      ['fetch', 'fetch', []],
      ['fetch', 'fetch', [f, f]],
      ['dump', 'dump', []],
      ['update', 'update', [f]],
      ['resize', 'resize', [f]],
      ['set-aggregation-method', 'set-aggregation-method', [f]],
      ['set-xff', 'set-xfilesfactor', [f]],
      ['merge', 'merge', [f]],
      ['fill', 'fill', [f]],
      ['diff', 'diff', [f]],
      ['fetch', 'fetch', ['--from=abc', f]],
      ['fetch', 'fetch', ['--drop=bogus', f]],
    ];
    for (const [cmd, tool, args] of cases) {
      const a = await ours([cmd, ...args]);
      const b = python(tool, args);
      expect(a.code, `${cmd} ${args.join(' ')}`).toBe(b.code);
    }
  });

  it('library resize, merge and diff agree with python', async () => {
    const a = join(dir, 'm-a.wsp');
    const b = join(dir, 'm-b.wsp');
    await populate(a, ['10s:1h', '1m:6h'], 'sum', '0', 21);
    await populate(b, ['10s:1h', '1m:6h'], 'sum', '0', 22);
    const d1 = await ours(['diff', a, b]);
    const d2 = python('diff', [a, b]);
    expect(d1.out).toBe(d2.out);
    for (const opt of [
      ['--summary'],
      ['--columns'],
      ['--json'],
      ['--summary', '--json'],
      ['--ignore-empty', '--no-headers', '--columns'],
      ['--summary', '--no-headers'],
      [`--until=${NOW - 1800}`],
    ]) {
      const x = await ours(['diff', ...opt, a, b]);
      const y = python('diff', [...opt, a, b]);
      expect(x.out, opt.join(' ')).toBe(y.out);
    }
    const b2 = join(dir, 'm-b2.wsp');
    copyFileSync(b, b2);
    w.mergeSync(a, b);
    expect(python('merge', [a, b2]).code).toBe(0);
    expect(readFileSync(b).equals(readFileSync(b2))).toBe(true);
    // fill: the gaps of the same file filled by python's tool and by ours
    const c = join(dir, 'f-c.wsp');
    const f1 = join(dir, 'f-d1.wsp');
    const f2 = join(dir, 'f-d2.wsp');
    await populate(c, ['10s:1h', '1m:6h'], 'average', '0.5', 31);
    await populate(f1, ['10s:1h', '1m:6h'], 'average', '0.5', 32);
    copyFileSync(f1, f2);
    const unfilled = readFileSync(f1);
    expect((await ours(['fill', c, f1])).code).toBe(0);
    expect(readFileSync(f1).equals(unfilled), 'fill changed something').toBe(false);
    expect(python('fill', [c, f2]).code).toBe(0);
    expect(readFileSync(f1).equals(readFileSync(f2))).toBe(true);
  });
});
