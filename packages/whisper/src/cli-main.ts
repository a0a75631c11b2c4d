/**
 * `whisper <command>`: python3-whisper's command-line tools in one bin. Arguments, output text
 * and exit codes follow whisper-create/-info/-fetch/-dump/-update/-resize/
 * -set-aggregation-method/-set-xfilesfactor (plus merge, fill, diff). Where python dies with a
 * traceback we print the exception line (`ValueError: ...`) to stderr and exit 1, as python does.
 */
import * as fs from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { WhisperError } from './errors.js';
import { AGGREGATION_METHODS, type AggregationMethod, METADATA_SIZE, POINT_SIZE } from './format.js';
import {
  createSync,
  fetchSync,
  infoSync,
  setAggregationMethodSync,
  setXFilesFactorSync,
  updateManySync,
  updateSync,
} from './ops.js';
import { pyFixed, pyFloatStr, pyGeneral } from './pyfmt.js';
import { pyCtime, pyFloat, pyInt, pyRepr, pyStrftime } from './pystr.js';
import { parseRetentionDef } from './retention.js';
import { diffSync, fillSync, mergeSync, resizeSync } from './tools.js';

export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
  now: () => number;
}

/** Ends the command with an exit code after its output was written. */
class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

function fail(io: CliIo, message: string, code = 1): never {
  io.err(`${message}\n`);
  throw new Exit(code);
}
/** python's uncaught exception: the traceback's last line, exit 1. */
function traceback(io: CliIo, type: string, message: string): never {
  fail(io, `Traceback (most recent call last):\n${type}: ${message}`);
}
function whisperFail(io: CliIo, e: unknown): never {
  if (e instanceof WhisperError) {
    if (e.code === 'INVALID_RETENTION') traceback(io, 'ValueError', e.message);
    if (e.code === 'NOT_FOUND') traceback(io, 'FileNotFoundError', e.message);
    fail(io, `[ERROR] ${e.toPythonString()}`);
  }
  throw e;
}

/** optparse's int option: int(x) with 0x/0o/0b prefixes. */
function optInt(name: string) {
  return (v: string) => {
    const s = v.trim().toLowerCase();
    const m = /^([+-]?)0([xob])([0-9a-f]+)$/.exec(s);
    const n = m
      ? Number.parseInt(m[3]!, m[2] === 'x' ? 16 : m[2] === 'o' ? 8 : 2) * (m[1] === '-' ? -1 : 1)
      : pyInt(v);
    if (n === null || Number.isNaN(n))
      throw new CommanderError(2, 'optparse', `option ${name}: invalid integer value: '${v}'`);
    return n;
  };
}
function optFloat(name: string) {
  return (v: string) => {
    const n = pyFloat(v);
    if (n === null)
      throw new CommanderError(2, 'optparse', `option ${name}: invalid floating-point value: '${v}'`);
    return n;
  };
}

function byteFormat(num: number): string {
  for (const unit of ['bytes', 'KB', 'MB']) {
    if (num < 1024) return `${pyFixed(num, 3)}${unit}`;
    num /= 1024;
  }
  return `${pyFixed(num, 3)}GB`;
}

function parseRetentions(io: CliIo, defs: string[]) {
  try {
    return defs.map(parseRetentionDef);
  } catch (e) {
    whisperFail(io, e);
  }
}

function fileExists(path: string): boolean {
  return fs.existsSync(path);
}

// ---- commands -------------------------------------------------------------------------------

function cmdCreate(
  io: CliIo,
  path: string | undefined,
  defs: string[],
  o: Record<string, unknown>,
  help: () => void,
) {
  if (o.estimate) {
    const args = path === undefined ? defs : [path, ...defs];
    if (args.length === 0) fail(io, 'Usage: whisper create --estimate timePerPoint:timeToStore ...');
    const list = args.length === 1 && args[0]!.indexOf(',') > 0 ? args[0]!.split(',') : args;
    const specs = parseRetentions(io, list);
    let total = 0;
    specs.forEach((s, i) => {
      io.out(`Archive ${i}: ${s.points} points of ${s.secondsPerPoint}s precision\n`);
      total += s.points;
    });
    const size = 16 + specs.length * 12 + total * 12;
    const disk = Math.ceil(size / 4096) * 4096;
    io.out(`\nEstimated Whisper DB Size: ${byteFormat(size)} (${disk} bytes on disk with 4k blocks)\n\n`);
    for (const x of [1, 5, 10, 50, 100, 500]) {
      io.out(`Estimated storage requirement for ${x}k metrics: ${byteFormat(x * 1000 * disk)}\n`);
    }
    return;
  }
  if (path === undefined || defs.length < 1) {
    help();
    throw new Exit(1);
  }
  const archives = parseRetentions(io, defs);
  if (fileExists(path) && o.overwrite) {
    io.out(`Overwriting existing file: ${path}\n`);
    fs.unlinkSync(path);
  }
  try {
    createSync(path, archives, {
      xFilesFactor: o.xFilesFactor as number,
      aggregationMethod: o.aggregationMethod as AggregationMethod,
      sparse: Boolean(o.sparse),
    });
  } catch (e) {
    whisperFail(io, e);
  }
  io.out(`Created: ${path} (${fs.statSync(path).size} bytes)\n`);
}

function cmdInfo(io: CliIo, path: string, field: string | undefined, o: Record<string, unknown>) {
  let info: ReturnType<typeof infoSync>;
  try {
    info = infoSync(path);
  } catch (e) {
    if (e instanceof WhisperError && e.code === 'NOT_FOUND') {
      // python: info() returns None, then os.stat(path) raises before the assignment
      traceback(io, 'FileNotFoundError', `[Errno 2] No such file or directory: '${path}'`);
    }
    whisperFail(io, e);
  }
  const floats = new Set(['xFilesFactor']);
  if (field !== undefined) {
    if (!(field in info)) {
      io.out(`Unknown field "${field}". Valid fields are ${Object.keys(info).join(',')}\n`);
      throw new Exit(1);
    }
    const v = (info as unknown as Record<string, unknown>)[field];
    io.out(
      `${field === 'xFilesFactor' ? pyFloatStr(v as number) : typeof v === 'object' ? pyRepr(v) : String(v)}\n`,
    );
    return;
  }
  if (o.json) {
    const mark = '@@xFilesFactor@@';
    const text = JSON.stringify({ ...info, xFilesFactor: mark }, null, 2);
    io.out(`${text.replace(`"${mark}"`, pyFloatStr(info.xFilesFactor))}\n`);
    return;
  }
  const { archives, ...rest } = info;
  for (const [k, v] of Object.entries(rest)) io.out(`${k}: ${floats.has(k) ? pyFloatStr(v as number) : v}\n`);
  io.out('\n');
  archives.forEach((a, i) => {
    io.out(`Archive ${i}\n`);
    for (const [k, v] of Object.entries(a)) io.out(`${k}: ${v}\n`);
    io.out('\n');
  });
}

function timeString(t: number, o: Record<string, unknown>): string {
  if (!o.pretty) return String(t);
  return o.timeFormat ? pyStrftime(o.timeFormat as string, t) : pyCtime(t);
}

function cmdFetch(io: CliIo, path: string, o: Record<string, unknown>) {
  const now = io.now();
  const from = (o.from as number | undefined) ?? now - 86400;
  const until = (o.until as number | undefined) ?? now;
  let data: ReturnType<typeof fetchSync>;
  try {
    data = fetchSync(path, from, until, now);
  } catch (e) {
    if (e instanceof WhisperError && e.code !== 'INVALID_RETENTION')
      fail(io, `[ERROR] ${e.toPythonString()}`);
    whisperFail(io, e);
  }
  if (!data) fail(io, 'No data in selected timerange');
  let values = data.values;
  const drop = o.drop as string | undefined;
  if (drop === 'zeroes') values = values.filter((x) => x !== 0);
  else if (drop === 'nulls') values = values.filter((x) => x !== null);
  else if (drop === 'empty') values = values.filter((x) => x !== 0 && x !== null);
  if (o.json) {
    const list = `[${values.map((v) => (v === null ? 'null' : pyFloatStr(v))).join(', ')}]`;
    io.out(
      `{\n    "start" : ${data.fromTime},\n    "end" : ${data.untilTime},\n    "step" : ${data.step},\n    "values" : ${list}\n  }\n`,
    );
    return;
  }
  // python 1.1.4 keeps counting timestamps from start after --drop removed values (kept as is)
  let t = data.fromTime;
  const lines: string[] = [];
  for (const v of values) {
    lines.push(`${timeString(t, o)}\t${v === null ? 'None' : pyFixed(v)}`);
    t += data.step;
  }
  if (lines.length) io.out(`${lines.join('\n')}\n`);
}

function cmdDump(io: CliIo, path: string, o: Record<string, unknown>) {
  if (!fileExists(path)) fail(io, `[ERROR] File "${path}" does not exist!`);
  const buf = fs.readFileSync(path);
  if (buf.length < METADATA_SIZE) traceback(io, 'struct.error', 'unpack requires a buffer of 16 bytes');
  const aggType = buf.readUInt32BE(0);
  const maxRet = buf.readUInt32BE(4);
  const xff = buf.readFloatBE(8);
  const count = buf.readUInt32BE(12);
  const archives: Array<{ offset: number; spp: number; points: number }> = [];
  for (let i = 0; i < count; i++) {
    const o2 = METADATA_SIZE + i * 12;
    if (o2 + 12 > buf.length)
      traceback(io, 'TypeError', "__init__() missing 1 required positional argument: 'path'");
    archives.push({
      offset: buf.readUInt32BE(o2),
      spp: buf.readUInt32BE(o2 + 4),
      points: buf.readUInt32BE(o2 + 8),
    });
  }
  const lines: string[] = [
    'Meta data:',
    `  aggregation method: ${AGGREGATION_METHODS[aggType - 1] ?? 'average'}`,
    `  max retention: ${maxRet}`,
    `  xFilesFactor: ${pyGeneral(xff)}`,
    '',
  ];
  archives.forEach((a, i) => {
    lines.push(
      `Archive ${i} info:`,
      `  offset: ${a.offset}`,
      `  seconds per point: ${a.spp}`,
      `  points: ${a.points}`,
      `  retention: ${a.spp * a.points}`,
      `  size: ${a.points * POINT_SIZE}`,
      '',
    );
  });
  io.out(`${lines.join('\n')}\n`);
  for (const [i, a] of archives.entries()) {
    const out: string[] = [`Archive ${i} data:`];
    let off = a.offset;
    for (let p = 0; p < a.points; p++, off += POINT_SIZE) {
      if (off + POINT_SIZE > buf.length) {
        io.out(`${out.join('\n')}\n`);
        traceback(io, 'struct.error', 'unpack requires a buffer of 12 bytes');
      }
      const t = buf.readUInt32BE(off);
      out.push(`${p}: ${timeString(t, o)}, ${pyGeneral(buf.readDoubleBE(off + 4), 35, 10)}`);
      if (out.length >= 65536) {
        io.out(`${out.join('\n')}\n`);
        out.length = 0;
      }
    }
    if (out.length) io.out(`${out.join('\n')}\n`);
  }
}

function cmdUpdate(io: CliIo, path: string | undefined, args: string[], help: () => void) {
  if (path === undefined || args.length < 1) {
    help();
    throw new Exit(1);
  }
  const now = io.now();
  const pts = args.map((s) => s.replaceAll('N:', `${now}:`).split(':'));
  const toFloat = (s: string) => {
    const v = pyFloat(s);
    if (v === null) traceback(io, 'ValueError', `could not convert string to float: '${s}'`);
    return v;
  };
  const toInt = (s: string) => {
    const v = pyInt(s);
    if (v === null) traceback(io, 'ValueError', `invalid literal for int() with base 10: '${s}'`);
    return v;
  };
  const unpack = (p: string[]) => {
    if (p.length !== 2) {
      traceback(
        io,
        'ValueError',
        p.length < 2
          ? `not enough values to unpack (expected 2, got ${p.length})`
          : 'too many values to unpack (expected 2)',
      );
    }
    return p as [string, string];
  };
  try {
    if (pts.length === 1) {
      const [t, v] = unpack(pts[0]!);
      const value = toFloat(v);
      if (!fileExists(path))
        traceback(io, 'FileNotFoundError', `[Errno 2] No such file or directory: '${path}'`);
      updateSync(path, value, toInt(t), now);
    } else {
      const points = pts.map((p) => {
        const [t, v] = unpack(p);
        return [toInt(t), toFloat(v)] as [number, number];
      });
      if (!fileExists(path))
        traceback(io, 'FileNotFoundError', `[Errno 2] No such file or directory: '${path}'`);
      updateManySync(path, points, now);
    }
  } catch (e) {
    if (e instanceof Exit) throw e;
    whisperFail(io, e);
  }
}

function cmdResize(
  io: CliIo,
  path: string | undefined,
  defs: string[],
  o: Record<string, unknown>,
  help: () => void,
) {
  if (path === undefined || defs.length < 1) {
    help();
    throw new Exit(1);
  }
  if (!fileExists(path)) {
    io.err(`[ERROR] File '${path}' does not exist!\n\n`);
    help();
    throw new Exit(1);
  }
  const archives = parseRetentions(io, defs);
  if (o.aggregate) {
    // python 1.1.4 crashes here under Python 3 (zip object is not subscriptable)
    fail(io, '[ERROR] --aggregate is not supported (whisper 1.1.4 cannot run it under Python 3 either)');
  }
  try {
    resizeSync(path, archives, {
      xFilesFactor: o.xFilesFactor as number | undefined,
      aggregationMethod: o.aggregationMethod as AggregationMethod | undefined,
      newfile: o.newfile as string | undefined,
      nobackup: Boolean(o.nobackup),
      now: io.now(),
      log: (l) => io.out(`${l}\n`),
    });
  } catch (e) {
    whisperFail(io, e);
  }
}

function cmdSetAggregation(io: CliIo, args: string[], help: () => void) {
  if (args.length < 2) {
    help();
    throw new Exit(1);
  }
  const [path, method, xffArg] = args as [string, string, string | undefined];
  let xff: number | undefined;
  if (args.length === 3 && xffArg !== undefined) {
    const v = pyFloat(xffArg);
    if (v === null) {
      // python reads the header and validates the method before it tries float(xff)
      try {
        infoSync(path);
      } catch (e) {
        if (!(e instanceof WhisperError && e.code === 'NOT_FOUND')) whisperFail(io, e);
      }
      if (fileExists(path) && !AGGREGATION_METHODS.includes(method as AggregationMethod)) {
        fail(io, `[ERROR] Unrecognized aggregation method: ${method}`);
      }
      if (fileExists(path)) fail(io, `[ERROR] Invalid xFilesFactor ${xffArg}, not a float`);
    } else xff = v;
  }
  let old: string;
  try {
    old = setAggregationMethodSync(path, method as AggregationMethod, xff);
  } catch (e) {
    if (e instanceof WhisperError && e.code === 'NOT_FOUND') {
      io.err(`[ERROR] File '${path}' does not exist!\n\n`);
      help();
      throw new Exit(1);
    }
    whisperFail(io, e);
  }
  io.out(`Updated aggregation method: ${path} (${old} -> ${method})\n`);
}

function cmdSetXff(io: CliIo, path: string, xffArg: string, help: () => void) {
  const xff = pyFloat(xffArg);
  if (xff === null) {
    fail(
      io,
      `usage: whisper-set-xfilesfactor [-h] path xFilesFactor\nwhisper-set-xfilesfactor: error: argument xFilesFactor: invalid float value: '${xffArg}'`,
      2,
    );
  }
  let old: number;
  try {
    old = setXFilesFactorSync(path, xff);
  } catch (e) {
    if (e instanceof WhisperError && e.code === 'NOT_FOUND') {
      io.err(`[ERROR] File '${path}' does not exist!\n\n`);
      help();
      throw new Exit(1);
    }
    whisperFail(io, e);
  }
  io.out(`Updated xFilesFactor: ${path} (${pyFloatStr(old)} -> ${pyFloatStr(xff)})\n`);
}

function cmdDiff(io: CliIo, a: string, b: string, o: Record<string, unknown>) {
  let diffs: ReturnType<typeof diffSync>;
  try {
    diffs = diffSync(a, b, Boolean(o.ignoreEmpty), (o.until as number | undefined) || undefined, io.now());
  } catch (e) {
    if (e instanceof WhisperError && e.code === 'UNALIKE') traceback(io, 'NotImplementedError', e.message);
    whisperFail(io, e);
  }
  const pretty = !o.columns;
  const showHeaders = o.headers !== false; // commander maps --no-headers to headers: false
  const val = (v: number | null) => (v === null ? 'None' : pyFloatStr(v));
  const pad = (s: string | number, w: number) => String(s).padStart(w, ' ');
  const jsonVal = (v: number | null) =>
    v === null
      ? 'null'
      : Number.isNaN(v)
        ? 'NaN'
        : !Number.isFinite(v)
          ? v > 0
            ? 'Infinity'
            : '-Infinity'
          : pyFloatStr(v);
  if (o.summary) {
    if (o.json) {
      const arch = diffs.map(
        (d) =>
          `    {\n      "archive" : ${d.archive},\n      "points" : ${d.points.length},\n      "total" : ${d.total}\n    }`,
      );
      io.out(
        `{\n  "archives" : ${arch.length ? `[\n${arch.join(',\n')}\n  ]` : '[]'},\n  "path_a" : ${JSON.stringify(a)},\n  "path_b" : ${JSON.stringify(b)}\n}\n`,
      );
      return;
    }
    if (showHeaders)
      io.out(
        pretty
          ? `${pad('archive', 7)} ${pad('total', 9)} ${pad('differing', 9)}\n`
          : 'archive total differing\n',
      );
    for (const d of diffs) {
      io.out(
        pretty
          ? `${pad(d.archive, 7)} ${pad(d.total, 9)} ${pad(d.points.length, 9)}\n`
          : `${d.archive} ${d.total} ${d.points.length}\n`,
      );
    }
    return;
  }
  if (o.json) {
    const arch = diffs.map((d) => {
      const pts = d.points.map(
        (p) =>
          `        {\n          "timestamp" : ${p[0]},\n          "value_a" : ${jsonVal(p[1])},\n          "value_b" : ${jsonVal(p[2])}\n        }`,
      );
      return `    {\n      "archive" : ${d.archive},\n      "datapoint" : ${pts.length ? `[\n${pts.join(',\n')}\n      ]` : '[]'},\n      "points" : ${d.points.length},\n      "total" : ${d.total}\n    }`;
    });
    io.out(
      `{\n  "archives" : ${arch.length ? `[\n${arch.join(',\n')}\n  ]` : '[]'},\n  "path_a" : ${JSON.stringify(a)},\n  "path_b" : ${JSON.stringify(b)}\n}\n`,
    );
    return;
  }
  const h = (x: string[]) =>
    pretty ? `${pad(x[0]!, 7)} ${pad(x[1]!, 11)} ${pad(x[2]!, 13)} ${pad(x[3]!, 13)}\n` : `${x.join(' ')}\n`;
  if (showHeaders) io.out(h(['archive', 'timestamp', 'value_a', 'value_b']));
  for (const d of diffs) {
    if (pretty) {
      io.out(`Archive ${d.archive} (${d.points.length} of ${d.total} datapoints differ)\n`);
      io.out(h(['', 'timestamp', 'value_a', 'value_b']));
    }
    for (const p of d.points) {
      io.out(
        pretty
          ? h(['', String(p[0]), val(p[1]), val(p[2])])
          : `${d.archive} ${p[0]} ${val(p[1])} ${val(p[2])}\n`,
      );
    }
  }
}

// ---- wiring ---------------------------------------------------------------------------------

export function buildProgram(io: CliIo): Command {
  const program = new Command('whisper')
    .description('python3-whisper compatible command-line tools')
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride();
  const sub = (name: string, desc: string) =>
    program
      .command(name)
      .description(desc)
      .configureOutput({ writeOut: io.out, writeErr: io.err })
      .exitOverride();
  const helpOf = (c: Command) => () => io.out(c.helpInformation());
  /** optparse tools print their help and exit 1 on a wrong argument count. */
  const usage = (c: Command): never => {
    io.out(c.helpInformation());
    throw new Exit(1);
  };

  const create = sub('create', 'whisper-create: create a whisper file')
    .argument('[path]')
    .argument('[retentions...]', 'timePerPoint:timeToStore ...')
    .addOption(new Option('--xFilesFactor <xff>').default(0.5).argParser(optFloat('--xFilesFactor')))
    .option('--aggregationMethod <method>', `one of ${AGGREGATION_METHODS.join(', ')}`, 'average')
    .option('--overwrite')
    .option('--estimate')
    .option('--sparse')
    .option('--fallocate', 'accepted; the data area is zero-filled (Node has no posix_fallocate)');
  create.action((path, defs, o) => cmdCreate(io, path, defs, o, helpOf(create)));

  const info = sub('info', 'whisper-info: show the header')
    .argument('[args...]', 'path [field]')
    .option('--json');
  info.action((args: string[], o) => {
    if (args.length < 1) usage(info);
    cmdInfo(io, args[0]!, args[1], o);
  });

  const fetch = sub('fetch', 'whisper-fetch: print points')
    .argument('[paths...]', 'path')
    .addOption(new Option('--from <epoch>').argParser(optInt('--from')))
    .addOption(new Option('--until <epoch>').argParser(optInt('--until')))
    .option('--json')
    .option('--pretty')
    .option('-t, --time-format <fmt>')
    .addOption(new Option('--drop <what>').choices(['zeroes', 'nulls', 'empty']));
  fetch.action((paths: string[], o) => {
    if (paths.length !== 1) usage(fetch);
    cmdFetch(io, paths[0]!, o);
  });

  sub('dump', 'whisper-dump: print header and every slot')
    .argument('<path>')
    .option('--pretty')
    .option('-t, --time-format <fmt>')
    .action((path, o) => cmdDump(io, path, o));

  const update = sub('update', 'whisper-update: path timestamp:value [timestamp:value]*')
    .argument('[path]')
    .argument('[points...]');
  update.action((path, pts) => cmdUpdate(io, path, pts, helpOf(update)));

  const resize = sub('resize', 'whisper-resize: change the archive layout')
    .argument('[path]')
    .argument('[retentions...]')
    .addOption(new Option('--xFilesFactor <xff>').argParser(optFloat('--xFilesFactor')))
    .option('--aggregationMethod <method>')
    .option('--force')
    .option('--newfile <path>')
    .option('--nobackup')
    .option('--aggregate');
  resize.action((path, defs, o) => cmdResize(io, path, defs, o, helpOf(resize)));

  const setAgg = sub(
    'set-aggregation-method',
    'whisper-set-aggregation-method: path method [xFilesFactor]',
  ).argument('[args...]');
  setAgg.action((args) => cmdSetAggregation(io, args, helpOf(setAgg)));

  const setXff = sub('set-xff', 'whisper-set-xfilesfactor: path xFilesFactor')
    .alias('set-xfilesfactor')
    .argument('<path>')
    .argument('<xFilesFactor>');
  setXff.action((path, x) => cmdSetXff(io, path, x, helpOf(setXff)));

  const merge = sub('merge', 'whisper-merge: copy points of from_path into to_path')
    .argument('[paths...]', 'from_path to_path')
    .addOption(new Option('--from <epoch>').argParser(optInt('--from')))
    .addOption(new Option('--until <epoch>').argParser(optInt('--until')))
    .action((paths: string[], o) => {
      if (paths.length < 2) usage(merge);
      const [a, b] = paths as [string, string];
      for (const f of [a, b]) if (!fileExists(f)) fail(io, `[ERROR] File "${f}" does not exist!`);
      try {
        mergeSync(a, b, o.from, o.until, io.now());
      } catch (e) {
        if (e instanceof WhisperError && e.code === 'UNALIKE')
          traceback(io, 'NotImplementedError', e.message);
        whisperFail(io, e);
      }
    });

  const fill = sub('fill', 'whisper-fill: copy data from src into the gaps of dst')
    .argument('[paths...]', 'src dst')
    .option('--lock', 'accepted; writes always take the in-process lock');
  fill.action((paths: string[]) => {
    if (paths.length !== 2) usage(fill);
    const [src, dst] = paths as [string, string];
    try {
      fillSync(src, dst, undefined, io.now());
    } catch (e) {
      whisperFail(io, e);
    }
  });

  const diff = sub('diff', 'whisper-diff: compare two files')
    .argument('[paths...]', 'path_a path_b')
    .option('--summary')
    .option('--ignore-empty')
    .option('--columns')
    .option('--no-headers')
    .addOption(new Option('--until <epoch>').argParser(optInt('--until')))
    .option('--json');
  diff.action((paths: string[], o) => {
    if (paths.length !== 2) usage(diff);
    cmdDiff(io, paths[0]!, paths[1]!, o);
  });

  return program;
}

/** Run one command line (argv without node and script); returns the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof Exit) return e.code;
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return 0;
      if (e.code === 'optparse') {
        io.err(`error: ${e.message}\n`);
        return 2;
      }
      // usage errors: optparse exits 2
      return 2;
    }
    io.err(`${(e as Error)?.stack ?? String(e)}\n`);
    return 1;
  }
}
