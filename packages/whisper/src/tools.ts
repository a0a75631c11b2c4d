/**
 * merge, diff, fill and resize, as python whisper's merge()/diff() and the whisper-fill /
 * whisper-resize scripts do them (quirks included, see docs/whisper.md). Offline tools: they
 * use the sync primitives and take the in-process lock only to refuse racing a live writer.
 */
import * as fs from 'node:fs';
import { WhisperError } from './errors.js';
import type { AggregationMethod, ArchiveSpec, Header } from './format.js';
import { forgetHeader, openSync } from './io.js';
import { assertUnlocked } from './lock.js';
import {
  archiveFetchSync,
  archiveUpdateManySync,
  createSync,
  fetchSync,
  infoSync,
  readHeaderSync,
  updateManySync,
} from './ops.js';

const nowSeconds = () => Math.floor(Date.now() / 1000);

function sameArchives(a: Header, b: Header): boolean {
  return (
    a.archives.length === b.archives.length &&
    a.archives.every((x, i) => {
      const y = b.archives[i]!;
      return x.offset === y.offset && x.secondsPerPoint === y.secondsPerPoint && x.points === y.points;
    })
  );
}

function byRetention(h: Header): number[] {
  return h.archives.map((_, i) => i).sort((x, y) => h.archives[x]!.retention - h.archives[y]!.retention);
}

/** python merge(): copy every known point of `from` into `to` (same layout required), archive by archive. */
export function mergeSync(
  pathFrom: string,
  pathTo: string,
  timeFrom?: number,
  timeTo?: number,
  now?: number,
): void {
  assertUnlocked(pathTo);
  const fa = openSync(pathFrom, 'r');
  try {
    const fb = openSync(pathTo, 'r+');
    try {
      const ha = readHeaderSync(fa, pathFrom).header;
      const hb = readHeaderSync(fb, pathTo).header;
      if (!sameArchives(ha, hb)) {
        throw new WhisperError(
          'UNALIKE',
          `${pathFrom} and ${pathTo} archive configurations are unalike. Resize the input before merging`,
          pathTo,
        );
      }
      const n = now ?? nowSeconds();
      const until = timeTo ?? n;
      const from = timeFrom ?? 0;
      if (until < from)
        throw new WhisperError('INVALID_TIME_INTERVAL', 'time_to must be >= time_from', pathTo);
      for (const i of byRetention(ha)) {
        const ret = ha.archives[i]!.retention;
        const archiveFrom = Math.max(from, n - ret);
        if (until < n - ret) continue;
        const r = archiveFetchSync(fa, pathFrom, ha, i, archiveFrom, until);
        const ts: number[] = [];
        const vs: number[] = [];
        // python zips range(start, end, step) with the values: the shorter one wins
        r.values.forEach((v, k) => {
          const t = r.fromTime + k * r.step;
          if (t < r.untilTime && v !== null) {
            ts.push(t);
            vs.push(v);
          }
        });
        if (ts.length === 0) continue;
        archiveUpdateManySync(fb, pathTo, hb, i, Float64Array.from(ts), Float64Array.from(vs));
      }
    } finally {
      fs.closeSync(fb);
    }
  } finally {
    fs.closeSync(fa);
  }
}

export interface ArchiveDiff {
  archive: number;
  /** [timestamp, value in a, value in b] for the points that differ (NaN always differs). */
  points: Array<[number, number | null, number | null]>;
  total: number;
}

/** python diff(): per archive (ascending retention) the differing points and how many were compared. */
export function diffSync(
  pathA: string,
  pathB: string,
  ignoreEmpty = false,
  untilTime?: number,
  now?: number,
): ArchiveDiff[] {
  const fa = openSync(pathA, 'r');
  try {
    const fb = openSync(pathB, 'r');
    try {
      const ha = readHeaderSync(fa, pathA).header;
      const hb = readHeaderSync(fb, pathB).header;
      if (!sameArchives(ha, hb)) {
        throw new WhisperError(
          'UNALIKE',
          `${pathA} and ${pathB} archive configurations are unalike. Resize the input before diffing`,
          pathB,
        );
      }
      const n = now ?? nowSeconds();
      let until = untilTime ? untilTime : n;
      const out: ArchiveDiff[] = [];
      byRetention(ha).forEach((i, number) => {
        const startTime = n - ha.archives[i]!.retention;
        const ra = archiveFetchSync(fa, pathA, ha, i, startTime, until);
        const rb = archiveFetchSync(fb, pathB, hb, i, startTime, until);
        const start = Math.min(ra.fromTime, rb.fromTime);
        const end = Math.max(ra.untilTime, rb.untilTime);
        const step = Math.min(ra.step, rb.step);
        const count = Math.floor((end - start) / step);
        const pts: Array<[number, number | null, number | null]> = [];
        for (let s = 0; s < count; s++) {
          if (s >= ra.values.length || s >= rb.values.length) {
            throw new WhisperError('IO', 'list index out of range', pathA); // python's IndexError
          }
          const a = ra.values[s]!;
          const b = rb.values[s]!;
          if (ignoreEmpty ? a !== null && b !== null : a !== null || b !== null)
            pts.push([s * step + start, a, b]);
        }
        // python's p[1] != p[2]: None only equals None, NaN equals nothing
        const diffs = pts.filter(([, a, b]) =>
          a === null || b === null ? a !== b : a !== b || Number.isNaN(a),
        );
        out.push({ archive: number, points: diffs, total: pts.length });
        until = Math.min(startTime, until);
      });
      return out;
    } finally {
      fs.closeSync(fb);
    }
  } finally {
    fs.closeSync(fa);
  }
}

/** whisper-fill's fill(): copy src's points in [tstart, tstop] into dst, finest archive first. */
function fillRange(src: string, dst: string, tstart: number, tstop: number, now: number): void {
  const h = infoSync(src);
  const archives = [...h.archives].sort((x, y) => x.retention - y.retention);
  const srcTime = now - h.maxRetention;
  if (tstart < srcTime && tstop < srcTime) return;
  for (const a of archives) {
    const rtime = now - a.retention;
    if (tstop <= rtime) continue;
    const untilTime = tstop;
    const fromTime = Math.max(rtime, tstart);
    const r = fetchSync(src, fromTime, untilTime, now);
    if (r) {
      const pts: Array<[number, number]> = [];
      r.values.forEach((v, k) => {
        const t = r.fromTime + k * r.step;
        if (t < r.untilTime && v !== null) pts.push([t, v]);
      });
      pts.reverse(); // python sorts newest first before update_many
      updateManySync(dst, pts, now);
    }
    tstop = fromTime;
    if (tstart === tstop) return;
  }
}

/**
 * whisper-fill: fill gaps in dst from src. As in python, a "gap" is any falsy value (so 0.0
 * counts as missing) and the copied window includes the first present slot after the gap.
 */
export function fillSync(src: string, dst: string, startFrom?: number, now?: number): void {
  assertUnlocked(dst);
  const n = now ?? nowSeconds();
  let from = startFrom ?? n;
  const h = infoSync(dst);
  const archives = [...h.archives].sort((x, y) => x.retention - y.retention);
  for (const a of archives) {
    const fromTime = n - a.retention;
    if (fromTime >= from) continue;
    const r = fetchSync(dst, fromTime, from, n);
    if (r) {
      let start = r.fromTime;
      const { step, untilTime: end } = r;
      let gapstart: number | null = null;
      for (const v of r.values) {
        const present = v !== null && v !== 0; // python truthiness (NaN is truthy)
        if (!present && !gapstart) gapstart = start;
        else if (present && gapstart) {
          if (start - gapstart > a.secondsPerPoint) fillRange(src, dst, gapstart - step, start, n);
          gapstart = null;
        } else if (gapstart && start === end - step) {
          fillRange(src, dst, gapstart - step, start, n);
        }
        start += step;
      }
    }
    from = fromTime;
  }
}

export interface ResizeOptions {
  xFilesFactor?: number;
  aggregationMethod?: AggregationMethod;
  /** Write the result here and leave the original alone (python --newfile). */
  newfile?: string;
  /** Delete the .bak after a successful swap (python --nobackup). */
  nobackup?: boolean;
  now?: number;
  /** Progress lines, as whisper-resize prints them. */
  log?: (line: string) => void;
}

/**
 * whisper-resize without --aggregate: read every archive (coarsest first), create
 * `<path>.tmp` with the new layout, write the old points coarsest->finest with updateMany,
 * then swap files keeping `<path>.bak`. Like python it is not atomic against a live writer
 * in another process (points written meanwhile are lost).
 */
export function resizeSync(path: string, archives: ArchiveSpec[], opts: ResizeOptions = {}): void {
  assertUnlocked(path);
  const log = opts.log ?? (() => {});
  const now = opts.now ?? nowSeconds();
  const old = infoSync(path);
  const xff = opts.xFilesFactor ?? old.xFilesFactor;
  const method = opts.aggregationMethod ?? old.aggregationMethod;
  const olds = [...old.archives].sort((x, y) => y.secondsPerPoint - x.secondsPerPoint);
  log('Retrieving all data from the archives');
  const data = olds.map((a) => fetchSync(path, now - a.retention + a.secondsPerPoint, now, now));
  let newfile: string;
  if (opts.newfile === undefined) {
    newfile = `${path}.tmp`;
    if (fs.existsSync(newfile)) {
      log(`Removing previous temporary database file: ${newfile}`);
      fs.unlinkSync(newfile);
    }
  } else newfile = opts.newfile;
  log(`Creating new whisper database: ${newfile}`);
  createSync(newfile, archives, { xFilesFactor: xff, aggregationMethod: method });
  log(`Created: ${newfile} (${fs.statSync(newfile).size} bytes)`);
  log('Migrating data without aggregation...');
  for (const r of data) {
    if (!r) continue;
    const pts: Array<[number, number]> = [];
    r.values.forEach((v, k) => {
      const t = r.fromTime + k * r.step;
      if (t < r.untilTime && v !== null) pts.push([t, v]);
    });
    updateManySync(newfile, pts, now);
  }
  if (opts.newfile !== undefined) return;
  const backup = `${path}.bak`;
  log(`Renaming old database to: ${backup}`);
  fs.renameSync(path, backup);
  try {
    log(`Renaming new database to: ${path}`);
    fs.renameSync(newfile, path);
  } catch (e) {
    fs.renameSync(backup, path);
    throw new WhisperError('IO', `Operation failed, restored backup: ${(e as Error).message}`, path);
  } finally {
    forgetHeader(path);
  }
  if (opts.nobackup) {
    log(`Unlinking backup: ${backup}`);
    fs.unlinkSync(backup);
  }
}
