import { spawnSync } from 'node:child_process';
import {
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as w from '../src/index.js';
import { SyncSource } from '../src/io.js';
import { readHeaderSync } from '../src/ops.js';
import { pyFixed, pyFloatStr, pyGeneral } from '../src/pyfmt.js';
import { pySetOrder } from '../src/pyset.js';
import { Txn } from '../src/txn.js';
import { PYTHON, rng } from './oracle.js';

let dir: string;
let n = 0;
const file = () => join(dir, `r${n++}.wsp`);
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'whisper-rules-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const A = (secondsPerPoint: number, points: number) => ({ secondsPerPoint, points });
function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return e instanceof w.WhisperError ? `${e.code}: ${e.message}` : `other: ${(e as Error).message}`;
  }
  return 'no error';
}
async function acode(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (e) {
    return e instanceof w.WhisperError ? `${e.code}: ${e.message}` : `other: ${(e as Error).message}`;
  }
  return 'no error';
}

describe('retention definitions (section 2)', { timeout: 120_000 }, () => {
  it("whisper's parser: the test-suite vectors", () => {
    expect(w.parseRetentionDef('60:10')).toEqual(A(60, 10));
    expect(w.parseRetentionDef('10:60')).toEqual(A(10, 60));
    expect(w.parseRetentionDef('10s:10h')).toEqual(A(10, 3600));
    expect(code(() => w.parseRetentionDef('10x:10'))).toBe("INVALID_RETENTION: Invalid unit 'x'");
    expect(code(() => w.parseRetentionDef('60:10x'))).toBe("INVALID_RETENTION: Invalid unit 'x'");
    expect(code(() => w.parseRetentionDef('10'))).toBe(
      "INVALID_RETENTION: Invalid retention definition '10'",
    );
    expect(code(() => w.parseRetentionDef('10X:10'))).toBe(
      "INVALID_RETENTION: Invalid precision specification '10X'",
    );
    expect(code(() => w.parseRetentionDef('10:10$'))).toBe(
      "INVALID_RETENTION: Invalid retention specification '10$'",
    );
  });
  it('unit prefixes, floor division, first colon, strip', () => {
    expect(w.parseRetentionDef('7s:1m')).toEqual(A(7, 8));
    expect(w.parseRetentionDef('1min:1hour')).toEqual(A(60, 60));
    expect(w.parseRetentionDef(' 1mi:1ho ')).toEqual(A(60, 60));
    expect(w.parseRetentionDef('1y:2y')).toEqual(A(31536000, 2));
    expect(w.parseRetentionDef('1w:1d')).toEqual(A(604800, 0));
    expect(code(() => w.parseRetentionDef('1secs:1d'))).toBe("INVALID_RETENTION: Invalid unit 'secs'");
    expect(code(() => w.parseRetentionDef('1mo:1d'))).toBe("INVALID_RETENTION: Invalid unit 'mo'");
    expect(code(() => w.parseRetentionDef('1:2:3'))).toBe(
      "INVALID_RETENTION: Invalid retention specification '2:3'",
    );
    expect(w.getUnitString('m')).toBe('minutes');
    expect(w.getUnitString('')).toBe('seconds');
    expect(code(() => w.getUnitString('z'))).toBe("INVALID_RETENTION: Invalid unit 'z'");
  });
  it("carbon's stricter parser", () => {
    expect(w.parseCarbonRetentions('10s:6h,1m:7d,10m:5y')).toEqual([
      A(10, 2160),
      A(60, 10080),
      A(600, 262800),
    ]);
    expect(w.parseCarbonRetentionDef('60:1440')).toEqual(A(60, 1440));
    expect(w.parseCarbonRetentionDef('7s:1m')).toEqual(A(7, 8));
    expect(code(() => w.parseCarbonRetentionDef('10min:1d'))).toBe("INVALID_RETENTION: Invalid unit 'min'");
    expect(code(() => w.parseCarbonRetentionDef('1:2:3'))).toMatch(/too many values to unpack/);
  });
  it('lenient lists report what carbon would refuse', () => {
    expect(w.parseRetentionsLenient('10s:6h, 1min:7d,10m:5y')).toEqual({
      archives: [A(10, 2160), A(60, 10080), A(600, 262800)],
      carbonErrors: ["1min:7d: Invalid unit 'min'"],
    });
    expect(w.parseRetentionsLenient('60:1440').carbonErrors).toEqual([]);
  });
  it('agrees with python on random strings', () => {
    const r = rng(5);
    const defs: string[] = [];
    const parts = [
      '1',
      '10',
      '60',
      '7',
      '0',
      '5s',
      '10m',
      '1min',
      '2h',
      '1d',
      '3w',
      '1y',
      '1x',
      'M',
      '',
      ' 4 ',
      '1.5',
    ];
    for (let i = 0; i < 300; i++) defs.push(`${r.pick(parts)}${r.pick([':', ':', ':', ''])}${r.pick(parts)}`);
    const py = spawnSync(
      PYTHON,
      [
        '-c',
        `import json,sys,whisper
out=[]
for d in json.load(sys.stdin):
  try: out.append(list(whisper.parseRetentionDef(d)))
  except Exception as e: out.append(str(e))
print(json.dumps(out))`,
      ],
      { input: JSON.stringify(defs), encoding: 'utf8' },
    );
    const expected = JSON.parse(py.stdout) as Array<[number, number] | string>;
    defs.forEach((d, i) => {
      let got: [number, number] | string;
      try {
        const a = w.parseRetentionDef(d);
        got = [a.secondsPerPoint, a.points];
      } catch (e) {
        got = (e as Error).message;
      }
      expect(got, JSON.stringify(d)).toEqual(expected[i]);
    });
  });
});

describe('archive list validation (1.10)', () => {
  it("python's messages, on the sorted list", () => {
    expect(code(() => w.validateArchiveList([]))).toBe(
      'INVALID_CONFIG: You must specify at least one archive configuration!',
    );
    expect(code(() => w.validateArchiveList([A(1, 60), A(1, 60)]))).toBe(
      'INVALID_CONFIG: A Whisper database may not be configured having two archives with the same precision (archive0: (1, 60), archive1: (1, 60))',
    );
    expect(code(() => w.validateArchiveList([A(60, 60), A(7, 600)]))).toBe(
      "INVALID_CONFIG: Higher precision archives' precision must evenly divide all lower precision archives' precision (archive0: 7, archive1: 60)",
    );
    expect(code(() => w.validateArchiveList([A(1, 60), A(60, 1)]))).toBe(
      'INVALID_CONFIG: Lower precision archives must cover larger time intervals than higher precision archives (archive0: 60 seconds, archive1: 60 seconds)',
    );
    expect(code(() => w.validateArchiveList([A(1, 30), A(60, 60)]))).toBe(
      "INVALID_CONFIG: Each archive must have at least enough points to consolidate to the next archive (archive1 consolidates 60 of archive0's points but it has only 30 total points)",
    );
    expect(w.validateArchiveList([A(60, 100), A(10, 60)])).toEqual([A(10, 60), A(60, 100)]);
  });
  it('rejects what python accepts and then divides by zero on (deliberate deviation)', () => {
    expect(code(() => w.validateArchiveList([A(3600, 0)]))).toMatch(
      /INVALID_CONFIG: Invalid archive0 points 0/,
    );
    expect(code(() => w.validateArchiveList([A(0, 10)]))).toMatch(
      /INVALID_CONFIG: Invalid archive0 precision 0/,
    );
  });
});

describe('aggregation (1.4)', () => {
  it('the test-suite vectors', () => {
    expect(w.aggregate('min', [1, 2, 3, 4])).toBe(1);
    expect(w.aggregate('max', [1, 2, 3, 4])).toBe(4);
    expect(w.aggregate('last', [3, 2, 5, 4])).toBe(4);
    expect(w.aggregate('sum', [10, 2, 3, 4])).toBe(19);
    expect(w.aggregate('average', [1, 2, 3, 4])).toBe(2.5);
    expect(w.aggregate('avg_zero', [1, 2, 3, 4], [1, 2, 3, 4, null, null, null, null])).toBe(1.25);
    expect(w.aggregate('absmax', [-3, -2, 1, 2])).toBe(-3);
    expect(w.aggregate('absmax', [-2, -1, 2, 3])).toBe(3);
    expect(w.aggregate('absmin', [-3, -2, 1, 2])).toBe(1);
    expect(w.aggregate('absmin', [-2, -1, 2, 3])).toBe(-1);
    expect(code(() => w.aggregate('avg_zero', [1]))).toBe(
      'INVALID_AGGREGATION_METHOD: Using avg_zero without neighborValues',
    );
    expect(code(() => w.aggregate('median', [1]))).toBe(
      'INVALID_AGGREGATION_METHOD: Unrecognized aggregation method median',
    );
  });
  it('python comparison semantics: NaN order, ties, -0.0 sums', () => {
    expect(w.aggregate('max', [Number.NaN, 1, 2])).toBeNaN();
    expect(w.aggregate('max', [1, Number.NaN, 2])).toBe(2);
    expect(w.aggregate('min', [2, Number.NaN, 1])).toBe(1);
    expect(w.aggregate('absmax', [-3, 2, 3])).toBe(-3);
    expect(w.aggregate('absmin', [2, -2])).toBe(2);
    expect(Object.is(w.aggregate('sum', [-0]), 0)).toBe(true);
    expect(w.aggregate('average', [1, Number.POSITIVE_INFINITY])).toBe(Number.POSITIVE_INFINITY);
    expect(w.aggregate('avg_zero', [0, Number.NaN], [0, Number.NaN, null])).toBeNaN();
  });
});

describe('file layout and header (1.1, 1.2)', () => {
  it('the worked example, byte for byte', async () => {
    const p = file();
    await w.create(p, [A(300, 4), A(60, 5)]);
    const b = readFileSync(p);
    expect(b.length).toBe(148);
    expect(b.subarray(0, 40).toString('hex')).toBe(
      '00000001000004b03f00000000000002' + '000000280000003c00000005' + '000000640000012c00000004',
    );
    await w.updateMany(
      p,
      [
        [1699999800, 1],
        [1699999860, 2],
        [1699999920, 3],
      ],
      1700000000,
    );
    const d = readFileSync(p);
    expect(d.subarray(40, 76).toString('hex')).toBe(
      '6553f0383ff0000000000000' + '6553f0744000000000000000' + '6553f0b04008000000000000',
    );
    expect(d.readUInt32BE(100)).toBe(1699999800);
    expect(d.readDoubleBE(104)).toBe(2);
  });
  it('xFilesFactor is float32 on disk; set* return the old values', async () => {
    const p = file();
    await w.create(p, [A(60, 10)], { xFilesFactor: 0.3 });
    expect((await w.info(p)).xFilesFactor).toBe(0.30000001192092896);
    expect(await w.setXFilesFactor(p, 0.42)).toBe(0.30000001192092896);
    expect(await w.setAggregationMethod(p, 'max', 0.2)).toBe('average');
    const i = await w.info(p);
    expect([i.aggregationMethod, i.xFilesFactor, i.maxRetention]).toEqual(['max', 0.20000000298023224, 600]);
    expect(await acode(() => w.setAggregationMethod(p, 'zero' as w.AggregationMethod))).toBe(
      'INVALID_AGGREGATION_METHOD: Unrecognized aggregation method: zero',
    );
    expect(await acode(() => w.setXFilesFactor(p, -1))).toBe(
      'INVALID_XFF: Invalid xFilesFactor -1.0, not between 0 and 1',
    );
    expect(await acode(() => w.setXFilesFactor(p, 2))).toBe(
      'INVALID_XFF: Invalid xFilesFactor 2.0, not between 0 and 1',
    );
  });
  it('create: existing file, bad options leave no file (python leaves a 0-byte file), sparse = zero-filled bytes', async () => {
    const p = file();
    await w.create(p, [A(60, 10)]);
    expect(await acode(() => w.create(p, [A(60, 10)]))).toBe(`INVALID_CONFIG: File ${p} already exists!`);
    const q = file();
    expect(
      await acode(() => w.create(q, [A(60, 10)], { aggregationMethod: 'foo' as w.AggregationMethod })),
    ).toBe('INVALID_AGGREGATION_METHOD: Unrecognized aggregation method: foo');
    expect(code(() => readFileSync(q))).toMatch(/ENOENT/);
    const s = file();
    w.createSync(s, [A(60, 10), A(600, 10)], { sparse: true });
    const z = file();
    w.createSync(z, [A(60, 10), A(600, 10)]);
    expect(readFileSync(s).equals(readFileSync(z))).toBe(true);
  });
  it('corrupt and truncated files give typed errors naming the file', async () => {
    const p = file();
    await w.create(p, [A(60, 10), A(600, 10)]);
    const good = readFileSync(p);
    const bad = (mutate: (b: Buffer) => Buffer) => {
      const q = file();
      writeFileSync(q, mutate(Buffer.from(good)));
      return q;
    };
    const aggBad = bad((b) => {
      b.writeUInt32BE(9, 0);
      return b;
    });
    expect(await acode(() => w.info(aggBad))).toBe('CORRUPT: Unable to read header');
    const err = await w.info(aggBad).catch((e) => e as w.WhisperError);
    expect((err as w.WhisperError).path).toBe(aggBad);
    expect((err as w.WhisperError).toPythonString()).toBe(`Unable to read header (${aggBad})`);
    const xffBad = bad((b) => {
      b.writeFloatBE(Number.NaN, 8);
      return b;
    });
    expect(await acode(() => w.fetch(xffBad, 0))).toBe('CORRUPT: Unable to read header');
    expect(await acode(() => w.info(bad((b) => b.subarray(0, 10))))).toBe('CORRUPT: Unable to read header');
    expect(await acode(() => w.info(bad((b) => b.subarray(0, 30))))).toBe(
      'CORRUPT: Unable to read archive1 metadata',
    );
    const sppZero = bad((b) => {
      b.writeUInt32BE(0, 20);
      return b;
    });
    expect(await acode(() => w.update(sppZero, 1))).toMatch(/^CORRUPT: Invalid archive0 metadata/);
    const cut = bad((b) => b.subarray(0, 100));
    const now = 1_700_000_000;
    expect(await acode(() => w.fetch(cut, now - 5000, now, now))).toMatch(/^TRUNCATED: /);
    expect(await acode(() => w.updateMany(cut, [[now - 5000, 1]], now))).toMatch(/^TRUNCATED: /);
    expect(code(() => w.updateManySync(cut, [[now - 5000, 1]], now))).toMatch(/^TRUNCATED: /);
    expect(await acode(() => w.info(join(dir, 'missing.wsp')))).toMatch(/^NOT_FOUND: /);
  });
});

describe('fetch (1.8)', () => {
  const now = 1_700_000_000;
  it('edge cases from the test suite', async () => {
    const p = file();
    await w.create(p, [A(1, 60), A(60, 60)]);
    expect(await acode(() => w.fetch(p, now, now - 1, now))).toBe(
      `INVALID_TIME_INTERVAL: Invalid time interval: from time '${now}' is after until time '${now - 1}'`,
    );
    expect(await w.fetch(p, now + 10, now + 20, now)).toBeNull();
    expect(await w.fetch(p, now - 100000, now - 90000, now)).toBeNull();
    expect(await w.fetch(p, now, now + 200, now)).toEqual({
      fromTime: now + 1,
      untilTime: now + 2,
      step: 1,
      values: [null],
    });
    const q = file();
    await w.create(q, [A(1, 60), A(60, 60), A(3600, 24), A(86400, 365)]);
    const r = (await w.fetch(q, 0))!;
    expect([r.untilTime - r.fromTime, r.values.length, r.step]).toEqual([86400 * 365, 365, 86400]);
    for (const [sel, step] of [
      ['1s', 1],
      ['1m', 60],
      ['1h', 3600],
      ['1d', 86400],
    ] as const) {
      expect((await w.fetch(q, 0, undefined, undefined, sel))!.step).toBe(step);
    }
    expect(await acode(() => w.fetch(q, 0, undefined, undefined, '2s'))).toBe(
      'INVALID_GRANULARITY: Invalid granularity: 2',
    );
  });
  it('the excluded first bucket, nulls for stale slots, one-lap truncation quirk', async () => {
    const p = file();
    await w.create(p, [A(10, 6), A(60, 10)]);
    await w.updateMany(
      p,
      [
        [now - 50, 1],
        [now - 40, 2],
        [now - 30, 3],
      ],
      now,
    );
    const r = (await w.fetch(p, now - 50, now, now))!;
    expect(r.fromTime).toBe(now - 50 - ((now - 50) % 10) + 10);
    expect(r.values).toEqual([2, 3, null, null, null]);
    // after a lap the old slots are stale and read as null
    await w.updateMany(p, [[now + 60, 9]], now + 60);
    expect((await w.fetch(p, now - 50, now, now + 60))!.values.filter((v) => v !== null)).toEqual([]);
    // archiveToSelect finer than the span: the value list stops after one lap of the ring
    const q = (await w.fetch(p, now - 590, now + 60, now + 60, 10))!;
    expect(q.values.length).toBe(6);
    expect((q.untilTime - q.fromTime) / q.step).toBeGreaterThan(6);
  });
});

describe('update and updateMany (1.6, 1.7)', () => {
  const now = 1_700_000_000;
  it('single update: coverage rule, default timestamp, retention boundary', async () => {
    const p = file();
    await w.create(p, [A(1, 60), A(60, 60)]);
    const msg = 'TIMESTAMP_NOT_COVERED: Timestamp not covered by any archives in this database.';
    expect(await acode(() => w.update(p, 1, now + 1, now))).toBe(msg);
    expect(await acode(() => w.update(p, 1, now - 3600, now))).toBe(msg);
    await w.update(p, 7, undefined, now);
    expect((await w.fetch(p, now - 1, now, now))!.values).toEqual([7]);
    await w.update(p, 8, now - 60, now); // exactly retention old: archive 0, same slot as now (clobbers it)
    expect((await w.fetch(p, now - 1, now, now))!.values).toEqual([null]);
  });
  it('identical timestamps: the first given wins; same slot, different raw timestamps: the newest wins', async () => {
    const p = file();
    await w.create(p, [A(10, 10)]);
    // now - 20 is slot-aligned; now - 5 and now - 9 share the next slot
    await w.updateMany(
      p,
      [
        [now - 20, 1],
        [now - 5, 3],
        [now - 20, 2],
        [now - 9, 4],
      ],
      now,
    );
    expect((await w.fetch(p, now - 30, now - 20, now))!.values).toEqual([1]);
    expect((await w.fetch(p, now - 20, now - 10, now))!.values).toEqual([3]);
  });
  it('more points than the archive holds: only the newest fit; too old are dropped silently', async () => {
    const p = file();
    await w.create(p, [A(1, 20)]);
    const pts = Array.from({ length: 50 }, (_, i) => [now - 49 + i, i] as [number, number]);
    await w.updateMany(p, [...pts, [now - 1000, 5]], now);
    const r = (await w.fetch(p, now - 20, now, now))!;
    expect(r.values).toEqual(pts.slice(-20).map(([, v]) => v));
  });
  it('future points are written (quirk kept) but never overflow into the next archive (python bug not copied)', async () => {
    const p = file();
    await w.create(p, [A(10, 6), A(60, 10)]);
    const before = readFileSync(p).subarray(16 + 24 + 72);
    const pts = Array.from({ length: 15 }, (_, i) => [now + 10 * i, i] as [number, number]);
    await w.updateMany(p, pts, now);
    const ring = readFileSync(p);
    // archive 0 holds the last lap of the run, in ring order
    const got = Array.from({ length: 6 }, (_, i) => ring.readDoubleBE(40 + i * 12 + 4)).sort((a, b) => a - b);
    expect(got).toEqual([9, 10, 11, 12, 13, 14]);
    // archive 1 only changed where propagation wrote aggregates, never raw run bytes
    const after = ring.subarray(16 + 24 + 72);
    for (let i = 0; i < 10; i++) {
      const ts = after.readUInt32BE(i * 12);
      if (ts !== 0) expect(ts % 60, 'an aligned aggregate').toBe(0);
      else
        expect(after.subarray(i * 12, i * 12 + 12).equals(before.subarray(i * 12, i * 12 + 12))).toBe(true);
    }
  });
  it('propagation: xff threshold, stops at the first archive that does not take a value', async () => {
    const p = file();
    await w.create(p, [A(1, 60), A(10, 60), A(60, 60)], { xFilesFactor: 0.5, aggregationMethod: 'sum' });
    const base = now - (now % 60); // 20 s old: inside the 1 s archive
    await w.updateMany(
      p,
      [
        [base, 1],
        [base + 1, 1],
        [base + 2, 1],
        [base + 3, 1],
      ],
      now,
    );
    expect((await w.fetch(p, base - 1, base, now, 10))!.values).toEqual([null]); // 4/10 < 0.5
    await w.updateMany(p, [[base + 4, 1]], now);
    expect((await w.fetch(p, base - 1, base, now, 10))!.values).toEqual([5]); // 5/10 >= 0.5
    expect((await w.fetch(p, base - 1, base, now, 60))!.values).toEqual([null]); // 1/6 < 0.5 in the 60 s archive
  });
  it('timestamps that do not fit 32 bits are refused up front', async () => {
    const p = file();
    await w.create(p, [A(10, 6)]);
    expect(await acode(() => w.updateMany(p, [[2 ** 33, 1]], 2 ** 33))).toBe(
      'TIMESTAMP_OUT_OF_RANGE: Timestamp does not fit in 32 bits',
    );
    expect(await acode(() => w.updateMany(p, [[Number.NaN, 1]], now))).toMatch(/^TIMESTAMP_OUT_OF_RANGE/);
  });
});

describe('engine internals', { timeout: 120_000 }, () => {
  it('a window planning miss widens the window and gives the same bytes', () => {
    const now = 1_700_000_000;
    const a = file();
    const b = file();
    for (const p of [a, b]) w.createSync(p, [A(10, 30), A(60, 30)]);
    const pts = Array.from({ length: 20 }, (_, i) => [now - 200 + 10 * i, i] as [number, number]);
    w.updateManySync(a, [[now - 300, 1]], now);
    w.updateManySync(b, [[now - 300, 1]], now);
    w.updateManySync(a, pts, now);
    // same commit with a deliberately narrow plan: every other slot misses the window
    const fd = openSync(b, 'r+');
    try {
      const { header } = readHeaderSync(fd, b);
      const src = new SyncSource(fd, b);
      const txn = new Txn(header, src, b);
      txn.planCommit(0, now - 200, now - 200);
      txn.commit(
        0,
        Float64Array.from(pts.map((p) => p[0])),
        Float64Array.from(pts.map((p) => p[1])),
        0,
        pts.length,
      );
      for (const s of txn.dirtySpans()) writeSync(fd, s.buf, s.bufOff, s.len, s.pos);
    } finally {
      closeSync(fd);
    }
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
  });
  it('files with a misaligned base (foreign writers): python, sync and async agree byte for byte', async () => {
    const now = 1_700_000_000;
    const r = rng(17);
    for (let c = 0; c < 12; c++) {
      const paths = [file(), file(), file()];
      for (const p of paths) w.createSync(p, [A(10, 12), A(60, 12), A(300, 12)]);
      // slot 0 holds a timestamp that is not a multiple of the step, as a foreign tool might leave it
      const garbage = Buffer.alloc(12);
      garbage.writeUInt32BE(now - 95 + r.int(1, 9), 0);
      garbage.writeDoubleBE(7, 4);
      for (const p of paths) {
        const fd = openSync(p, 'r+');
        writeSync(fd, garbage, 0, 12, 52);
        if (c % 2) writeSync(fd, garbage, 0, 12, 52 + 144); // and in the 60 s archive
        closeSync(fd);
      }
      const pts = Array.from(
        { length: r.int(5, 40) },
        () => [now - r.int(0, 700), r.int(0, 99)] as [number, number],
      );
      const py = spawnSync(
        PYTHON,
        ['-c', 'import json,sys,whisper\nd=json.load(sys.stdin)\nwhisper.update_many(d[0],d[1],d[2])'],
        { input: JSON.stringify([paths[0], pts, now]), encoding: 'utf8' },
      );
      expect(py.status, py.stderr).toBe(0);
      w.updateManySync(paths[1]!, pts, now);
      await w.updateMany(paths[2]!, pts, now);
      const ref = readFileSync(paths[0]!);
      expect(readFileSync(paths[1]!).equals(ref), `sync, case ${c}`).toBe(true);
      expect(readFileSync(paths[2]!).equals(ref), `async, case ${c}`).toBe(true);
    }
  });

  it('CPython set order emulation matches python', () => {
    const r = rng(9);
    const lists = Array.from({ length: 40 }, () => {
      const base = r.int(0, 2 ** 32 - 1);
      return Array.from({ length: r.int(1, 3000) }, () => base + 60 * r.int(0, 5000));
    });
    const py = spawnSync(
      PYTHON,
      ['-c', 'import json,sys\nprint(json.dumps([list(set(l)) for l in json.load(sys.stdin)]))'],
      {
        input: JSON.stringify(lists),
        encoding: 'utf8',
        maxBuffer: 1 << 26,
      },
    );
    const expected = JSON.parse(py.stdout) as number[][];
    lists.forEach((l, i) => {
      const out = new Float64Array(l.length);
      const k = pySetOrder(Float64Array.from(l), l.length, out);
      expect(Array.from(out.subarray(0, k))).toEqual(expected[i]);
    });
  });
  it('python number formatting (repr, %f, %g, %10.35g) on random doubles', () => {
    const r = rng(11);
    const xs: number[] = [
      0,
      -0,
      0.1,
      1e-7,
      1e16,
      1e22,
      123456789.123,
      0.0078125,
      -0.0078125,
      2.5,
      1 / 3,
      5e-324,
      1.7976931348623157e308,
    ];
    const b = Buffer.alloc(8);
    for (let i = 0; i < 400; i++) {
      for (let k = 0; k < 8; k++) b[k] = r.int(0, 255);
      const v = b.readDoubleBE(0);
      if (Number.isFinite(v)) xs.push(v);
      xs.push((r.next() - 0.5) * 10 ** r.int(-12, 25));
      xs.push(r.int(-100000, 100000) / 2 ** r.int(0, 12));
    }
    const py = spawnSync(
      PYTHON,
      [
        '-c',
        "import json,sys\nprint(json.dumps([[repr(x), '%f' % x, '%g' % x, '%10.35g' % x] for x in map(float, json.load(sys.stdin))]))",
      ],
      {
        input: JSON.stringify(xs.map((x) => (Object.is(x, -0) ? '-0.0' : x))).replace(/"-0.0"/g, '-0.0'),
        encoding: 'utf8',
      },
    );
    const expected = JSON.parse(py.stdout) as string[][];
    xs.forEach((x, i) => {
      expect([pyFloatStr(x), pyFixed(x), pyGeneral(x), pyGeneral(x, 35, 10)], String(x)).toEqual(expected[i]);
    });
    expect([
      pyFloatStr(Number.NaN),
      pyFixed(Number.NEGATIVE_INFINITY),
      pyGeneral(Number.NaN, 35, 10),
    ]).toEqual(['nan', '-inf', '       nan']);
  });
});

describe('locking and concurrency (1.12)', () => {
  const now = 1_700_000_000;
  it('concurrent async writers to one file serialize: same bytes as running them in order', async () => {
    const a = file();
    const b = file();
    for (const p of [a, b]) await w.create(p, [A(10, 30), A(60, 30)]);
    const batches = Array.from({ length: 20 }, (_, k) =>
      Array.from(
        { length: 10 },
        (_, i) => [now - 290 + 10 * ((k * 7 + i) % 29), k * 100 + i] as [number, number],
      ),
    );
    await Promise.all(batches.map((pts) => w.updateMany(a, pts, now)));
    for (const pts of batches) await w.updateMany(b, pts, now);
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
  });
  it('a sync writer refuses a path an async writer holds', async () => {
    const p = file();
    await w.create(p, [A(10, 30)]);
    const pending = w.updateMany(p, [[now - 10, 1]], now);
    expect(w.isLocked(p)).toBe(true);
    expect(code(() => w.updateManySync(p, [[now - 20, 2]], now))).toMatch(/^LOCKED: /);
    await pending;
    expect(w.isLocked(p)).toBe(false);
    w.updateManySync(p, [[now - 20, 2]], now);
  });
  it('caches survive files changed behind our back (python writes, resize swaps the inode)', async () => {
    const p = file();
    await w.create(p, [A(10, 30), A(60, 30)]);
    await w.updateMany(p, [[now - 100, 1]], now);
    await w.fetch(p, now - 200, now, now);
    // replace the file by another layout: header cache and base guesses must not be trusted
    const p2 = file();
    await w.create(p2, [A(60, 30), A(600, 30)], { aggregationMethod: 'max' });
    renameSync(p2, p);
    await w.updateMany(p, [[now - 100, 5]], now);
    expect((await w.fetch(p, now - 200, now, now))!).toEqual(w.fetchSync(p, now - 200, now, now));
    expect((await w.info(p)).aggregationMethod).toBe('max');
    // a cached header that would refuse the call must not decide it: the new file covers 2 days
    const q = file();
    await w.create(q, [A(60, 30)]);
    await w.fetch(q, now - 100, now, now);
    await w.updateMany(q, [[now - 60, 1]], now);
    // replaced behind our back (another tool's create + rename), so our caches still hold the old layout
    const q2 = file();
    await w.create(q2, [A(60, 120), A(3600, 48)]);
    renameSync(q2, q);
    await w.update(q, 3, now - 86400, now);
    expect((await w.fetch(q, now - 90000, now - 80000, now, '1h'))!.values.filter((v) => v !== null)).toEqual(
      [3],
    );
    truncateSync(p, 40);
    expect(await acode(() => w.fetch(p, now - 200, now, now))).toMatch(/^TRUNCATED|^CORRUPT/);
  });
  it('WhisperWorker gives the same results as the in-thread API', async () => {
    const a = file();
    const b = file();
    for (const p of [a, b]) await w.create(p, [A(10, 30), A(60, 30)]);
    const worker = new w.WhisperWorker();
    try {
      const pts = Array.from({ length: 25 }, (_, i) => [now - 250 + 10 * i, i * 1.5] as [number, number]);
      await Promise.all([
        worker.updateMany(a, pts.slice(0, 10), now),
        worker.updateMany(a, pts.slice(10), now),
      ]);
      await w.updateMany(b, pts.slice(0, 10), now);
      await w.updateMany(b, pts.slice(10), now);
      expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
      expect(await worker.fetch(a, now - 300, now, now)).toEqual(await w.fetch(b, now - 300, now, now));
      await worker.update(a, 42, now - 5, now);
      expect(await acode(() => worker.update(a, 1, now + 100, now))).toMatch(/^TIMESTAMP_NOT_COVERED/);
    } finally {
      await worker.close();
    }
  }, 180_000); // the worker compiles the TypeScript sources on start: slow on a loaded machine
});
