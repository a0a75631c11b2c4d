/**
 * The write algorithms (python's file_update, file_update_many, __archive_update_many and
 * __propagate) run against in-memory windows of each archive instead of seeking around the
 * file: every archive the batch can touch is read once (one window, or two reads when it wraps
 * the ring), modified in memory, and written back as one dirty span. The arithmetic and the
 * order of operations are python's, so the bytes come out the same.
 *
 * Windows are planned from the batch's timestamps before any data is read (see planWindow),
 * so the async driver can load them all in one round. A planning miss (only possible with
 * garbage in a file) is reported through WindowSource.miss, which loads more (sync) or asks
 * the driver to rerun with the whole archive loaded (async).
 */
import { aggregateInterval } from './aggregate.js';
import { WhisperError } from './errors.js';
import { type ArchiveInfo, type Header, POINT_SIZE } from './format.js';
import { pySetOrder } from './pyset.js';

export const mod = (a: number, n: number) => ((a % n) + n) % n;

export class Arch {
  readonly idx: number;
  readonly offset: number;
  readonly spp: number;
  readonly points: number;
  readonly retention: number;
  /** Timestamp in slot 0 (0 = empty archive); kept in step with our own writes. */
  base = 0;
  baseLoaded = false;
  buf: Buffer | null = null;
  winStart = 0;
  winLen = 0;
  dirtyLo = -1;
  dirtyHi = -1;
  /** Planned time hulls (aligned): everything accessed, and everything written. NaN = none. */
  lo = Number.NaN;
  hi = Number.NaN;
  wlo = Number.NaN;
  whi = Number.NaN;
  whole = false;
  constructor(info: ArchiveInfo, idx: number) {
    this.idx = idx;
    this.offset = info.offset;
    this.spp = info.secondsPerPoint;
    this.points = info.points;
    this.retention = info.retention;
  }
  access(lo: number, hi: number): void {
    if (!(this.lo <= lo)) this.lo = lo;
    if (!(this.hi >= hi)) this.hi = hi;
  }
  writes(lo: number, hi: number): void {
    this.access(lo, hi);
    if (!(this.wlo <= lo)) this.wlo = lo;
    if (!(this.whi >= hi)) this.whi = hi;
  }
  /** Slot window [start, start+len) to load, from the plan and the on-disk base. */
  planWindow(): { start: number; len: number } {
    const whole = { start: 0, len: this.points };
    if (this.whole || Number.isNaN(this.lo)) return whole;
    let start: number;
    let len: number;
    if (this.base !== 0) {
      start = mod(Math.floor((this.lo - this.base) / this.spp), this.points);
      len = (this.hi - this.lo) / this.spp + 1;
    } else {
      // empty: the base becomes one of our written intervals, so slots lie within ±span of 0
      if (Number.isNaN(this.wlo)) return whole;
      start = mod(Math.floor((this.lo - this.whi) / this.spp), this.points);
      len = (this.hi - this.lo + this.whi - this.wlo) / this.spp + 1;
    }
    return len >= this.points ? whole : { start, len };
  }
  /** File byte ranges of window-relative slots [lo, hi] (1 or 2 when the window wraps). */
  spans(lo: number, hi: number): Array<{ pos: number; bufOff: number; len: number }> {
    const out: Array<{ pos: number; bufOff: number; len: number }> = [];
    const firstEnd = Math.min(hi, this.points - this.winStart - 1);
    if (lo <= firstEnd) {
      out.push({
        pos: this.offset + (this.winStart + lo) * POINT_SIZE,
        bufOff: lo * POINT_SIZE,
        len: (firstEnd - lo + 1) * POINT_SIZE,
      });
    }
    const secondLo = Math.max(lo, this.points - this.winStart);
    if (secondLo <= hi) {
      out.push({
        pos: this.offset + (this.winStart + secondLo - this.points) * POINT_SIZE,
        bufOff: secondLo * POINT_SIZE,
        len: (hi - secondLo + 1) * POINT_SIZE,
      });
    }
    return out;
  }
}

/** How windows get their bytes: the sync driver reads on demand, the async one preloads. */
export interface WindowSource {
  /** Make a.base known (a.baseLoaded = true). */
  loadBase(a: Arch): void;
  /** Load a.planWindow() into a.buf. */
  loadWindow(a: Arch): void;
  /** Slot `slot` is outside the loaded window: widen it (to the whole archive) or throw. */
  miss(a: Arch, slot: number): void;
}

/** Thrown by the async source on a window miss; the driver reloads `arch` whole and reruns. */
export class WindowMiss extends Error {
  readonly arch: number;
  constructor(arch: number) {
    super(`window miss in archive ${arch}`);
    this.arch = arch;
  }
}

// Scratch for propagation and set ordering; compute is synchronous so sharing is safe.
let nVals = new Float64Array(64);
let nKnown = new Uint8Array(64);
let setIn = new Float64Array(64);
let setOut = new Float64Array(64);

export const MAX_TIMESTAMP = 0xffffffff;

export class Txn {
  readonly arch: Arch[];
  readonly aggType: number;
  readonly xff: number;
  constructor(
    readonly header: Header,
    readonly src: WindowSource,
    readonly path: string,
  ) {
    this.arch = header.archives.map((a, i) => new Arch(a, i));
    this.aggType = header.aggregationType;
    this.xff = header.xFilesFactor;
  }

  private base(a: Arch): number {
    if (!a.baseLoaded) this.src.loadBase(a);
    return a.base;
  }
  slotOf(a: Arch, t: number): number {
    const b = this.base(a);
    return b === 0 ? 0 : mod(Math.floor((t - b) / a.spp), a.points);
  }
  private rel(a: Arch, slot: number): number {
    if (a.buf === null) this.src.loadWindow(a);
    let r = slot - a.winStart;
    if (r < 0) r += a.points;
    if (r >= a.winLen) {
      this.src.miss(a, slot);
      r = slot - a.winStart;
      if (r < 0) r += a.points;
    }
    return r;
  }
  private write(a: Arch, slot: number, t: number, v: number): void {
    const r = this.rel(a, slot);
    const o = r * POINT_SIZE;
    const buf = a.buf!;
    buf.writeUInt32BE(t, o);
    buf.writeDoubleBE(v, o + 4);
    if (a.dirtyLo < 0 || r < a.dirtyLo) a.dirtyLo = r;
    if (r > a.dirtyHi) a.dirtyHi = r;
    if (slot === 0) a.base = t;
  }

  // ---- planning ---------------------------------------------------------------------------

  /** Windows for a commit of timestamps [tmin, tmax] into archive `ai` and its propagation. */
  planCommit(ai: number, tmin: number, tmax: number): void {
    const a = this.arch[ai]!;
    a.writes(tmin - mod(tmin, a.spp), tmax - mod(tmax, a.spp));
    for (let j = ai + 1; j < this.arch.length; j++) {
      const l = this.arch[j]!;
      const h = this.arch[j - 1]!;
      const lo = tmin - mod(tmin, l.spp);
      const hi = tmax - mod(tmax, l.spp);
      l.writes(lo, hi);
      h.access(lo, hi + l.spp - h.spp);
    }
  }

  // ---- python's algorithms ------------------------------------------------------------------

  /** __propagate: aggregate one lower interval from `h` into `l`; true when written. */
  propagate(t: number, h: Arch, l: Arch): boolean {
    const start = t - mod(t, l.spp);
    const n = l.spp / h.spp;
    if (nVals.length < n) {
      nVals = new Float64Array(n);
      nKnown = new Uint8Array(n);
    }
    let slot = this.slotOf(h, start);
    let known = 0;
    let expected = start;
    for (let k = 0; k < n; k++) {
      const r = this.rel(h, slot);
      const o = r * POINT_SIZE;
      const buf = h.buf!;
      if (buf.readUInt32BE(o) === expected) {
        nVals[k] = buf.readDoubleBE(o + 4);
        nKnown[k] = 1;
        known++;
      } else {
        nKnown[k] = 0;
      }
      expected += h.spp;
      if (++slot === h.points) slot = 0;
    }
    if (known === 0) return false;
    if (!(known / n >= this.xff)) return false;
    const value = aggregateInterval(this.aggType, nVals, nKnown, n);
    this.write(l, this.slotOf(l, start), start, value);
    return true;
  }

  /** file_update after the coverage check: write into archive `ai`, propagate until one fails. */
  updateOne(ai: number, t: number, v: number): void {
    const a = this.arch[ai]!;
    const interval = t - mod(t, a.spp);
    this.write(a, this.slotOf(a, interval), interval, v);
    for (let j = ai + 1; j < this.arch.length; j++) {
      if (!this.propagate(interval, this.arch[j - 1]!, this.arch[j]!)) break;
    }
  }

  /**
   * __archive_update_many for chronological points ts/vs[i0, i1): the last point of each run
   * of equal aligned timestamps is written at its ring slot (python writes contiguous runs
   * with one write, which lands on the same slots), then each lower archive gets one
   * __propagate per distinct interval, in CPython set order.
   */
  commit(ai: number, ts: Float64Array, vs: Float64Array, i0: number, i1: number): void {
    const a = this.arch[ai]!;
    const step = a.spp;
    if (this.base(a) === 0) {
      // python: the base becomes the start of the first contiguous run = the earliest interval,
      // which the loop below writes into slot 0
      const t0 = ts[i0]!;
      a.base = t0 - mod(t0, step);
    }
    let slot = -1;
    let prevInterval = Number.NaN;
    for (let i = i0; i < i1; i++) {
      const t = ts[i]!;
      const interval = t - mod(t, step);
      if (i + 1 < i1) {
        const tn = ts[i + 1]!;
        if (tn - mod(tn, step) === interval) continue;
      }
      if (interval === prevInterval + step) {
        if (++slot === a.points) slot = 0;
      } else {
        slot = this.slotOf(a, interval);
      }
      this.write(a, slot, interval, vs[i]!);
      prevInterval = interval;
    }
    // propagation
    let h = a;
    for (let j = ai + 1; j < this.arch.length; j++) {
      const l = this.arch[j]!;
      // distinct fit(aligned point) in first-seen order: input is chronological, so consecutive
      // duplicates can go before the set emulation (duplicates never change a set's layout)
      const cap = i1 - i0;
      if (setIn.length < cap) {
        setIn = new Float64Array(cap);
        setOut = new Float64Array(cap);
      }
      let m = 0;
      let prev = Number.NaN;
      for (let i = i0; i < i1; i++) {
        const t = ts[i]!;
        const lt = t - mod(t, l.spp);
        if (lt !== prev) {
          setIn[m++] = lt;
          prev = lt;
        }
      }
      const k = pySetOrder(setIn, m, setOut);
      let any = false;
      for (let q = 0; q < k; q++) if (this.propagate(setOut[q]!, h, l)) any = true;
      if (!any) break;
      h = l;
    }
  }

  /** Archives with pending changes and the file spans to write. */
  dirtySpans(): Array<{ buf: Buffer; bufOff: number; len: number; pos: number }> {
    const out: Array<{ buf: Buffer; bufOff: number; len: number; pos: number }> = [];
    for (const a of this.arch) {
      if (a.dirtyLo < 0 || !a.buf) continue;
      for (const s of a.spans(a.dirtyLo, a.dirtyHi)) out.push({ buf: a.buf, ...s });
    }
    return out;
  }
}

/** update_many's preprocessing and archive split, shared by both drivers. */
export interface Batch {
  ts: Float64Array;
  vs: Float64Array;
  /** [archiveIndex, i0, i1) commits in python's order. */
  commits: number[];
}

/**
 * Points -> chronological arrays in python's order (stable sort newest-first, then reversed:
 * equal timestamps end up in reverse input order, so the first one given wins the slot),
 * split into per-archive commits by age; points older than the last archive are dropped.
 */
export function prepareBatch(
  path: string,
  points: ReadonlyArray<readonly [number, number]>,
  header: Header,
  now: number,
): Batch {
  const n = points.length;
  const ts = new Float64Array(n);
  const vs = new Float64Array(n);
  let sorted = true;
  let prevT = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const p = points[i]!;
    const t = Math.trunc(Number(p[0]));
    if (!Number.isFinite(t)) {
      throw new WhisperError('TIMESTAMP_OUT_OF_RANGE', `Invalid timestamp ${p[0]}`, path);
    }
    ts[i] = t;
    vs[i] = Number(p[1]);
    if (t < prevT) sorted = false;
    prevT = t;
  }
  let cts = ts;
  let cvs = vs;
  if (sorted) {
    // reverse each run of equal timestamps in place
    let i = 0;
    while (i < n) {
      let j = i + 1;
      while (j < n && ts[j] === ts[i]) j++;
      if (j - i > 1) {
        for (let a = i, b = j - 1; a < b; a++, b--) {
          const tv = vs[a]!;
          vs[a] = vs[b]!;
          vs[b] = tv;
        }
      }
      i = j;
    }
  } else {
    const idx = new Uint32Array(n);
    for (let i = 0; i < n; i++) idx[i] = i;
    idx.sort((x, y) => ts[x]! - ts[y]! || y - x);
    cts = new Float64Array(n);
    cvs = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      cts[i] = ts[idx[i]!]!;
      cvs[i] = vs[idx[i]!]!;
    }
  }
  const commits: number[] = [];
  const archives = header.archives;
  let ai = 0;
  let end = n;
  let k = n - 1;
  for (; k >= 0; k--) {
    const age = now - cts[k]!;
    while (archives[ai]!.retention < age) {
      if (end > k + 1) commits.push(ai, k + 1, end);
      end = k + 1;
      ai++;
      if (ai === archives.length) break;
    }
    if (ai === archives.length) break;
  }
  if (ai < archives.length && end > 0) commits.push(ai, 0, end);
  // points we will write must fit python's uint32 timestamps (python raises mid-write instead)
  for (let c = 0; c < commits.length; c += 3) {
    const i0 = commits[c + 1]!;
    const i1 = commits[c + 2]!;
    if (cts[i0]! < 0 || cts[i1 - 1]! > MAX_TIMESTAMP) {
      throw new WhisperError('TIMESTAMP_OUT_OF_RANGE', 'Timestamp does not fit in 32 bits', path);
    }
  }
  return { ts: cts, vs: cvs, commits };
}

export function planBatch(txn: Txn, b: Batch): void {
  for (let c = 0; c < b.commits.length; c += 3) {
    const i0 = b.commits[c + 1]!;
    const i1 = b.commits[c + 2]!;
    txn.planCommit(b.commits[c]!, b.ts[i0]!, b.ts[i1 - 1]!);
  }
}

export function runBatch(txn: Txn, b: Batch): void {
  for (let c = 0; c < b.commits.length; c += 3) {
    txn.commit(b.commits[c]!, b.ts, b.vs, b.commits[c + 1]!, b.commits[c + 2]!);
  }
}

/** file_update's checks: the archive index to write, or a TimestampNotCovered error. */
export function chooseUpdateArchive(path: string, header: Header, t: number, now: number): number {
  const diff = now - t;
  if (!(diff < header.maxRetention && diff >= 0)) {
    throw new WhisperError(
      'TIMESTAMP_NOT_COVERED',
      'Timestamp not covered by any archives in this database.',
      path,
    );
  }
  if (t < 0 || t > MAX_TIMESTAMP) {
    throw new WhisperError('TIMESTAMP_OUT_OF_RANGE', 'Timestamp does not fit in 32 bits', path);
  }
  const i = header.archives.findIndex((a) => a.retention >= diff);
  if (i < 0) {
    // only possible when maxRetention in the header exceeds every archive's retention (corrupt)
    throw new WhisperError('CORRUPT', 'maxRetention larger than every archive retention', path);
  }
  return i;
}
