/**
 * The public operations, each as an async function (never blocking the event loop on disk
 * I/O) and a Sync twin (for worker threads, the CLI and tools). Semantics follow python
 * whisper 1.1.4; see docs/whisper.md for the documented deviations.
 */
import * as fs from 'node:fs';
import { WhisperError } from './errors.js';
import { adviseOpened } from './fadvise.js';
import {
  type AggregationMethod,
  type ArchiveSpec,
  aggregationTypeOf,
  encodeMetadata,
  type Header,
  headerSizeFor,
  isAggregationMethod,
  POINT_SIZE,
  toInfo,
  type WhisperInfo,
} from './format.js';
import {
  cachedHeader,
  closeAsync,
  forgetHeader,
  headerFrom,
  ioError,
  openAsync,
  openForUpdateAsync,
  openForUpdateSync,
  openSync,
  PreloadedSource,
  preadAsync,
  preadSync,
  preloadAsync,
  primeNewFile,
  pwriteAsync,
  pwriteSync,
  readHeaderAsync,
  readHeaderSync,
  readUpTo,
  rememberBases,
  SyncSource,
  speculativeLoadAsync,
} from './io.js';
import { assertUnlocked, withLock } from './lock.js';
import { pyFloatStr } from './pyfmt.js';
import { withReadFd, withReadFdSync } from './readfd.js';
import { parseRetentionDef, validateArchiveList } from './retention.js';
import {
  type Batch,
  chooseUpdateArchive,
  mod,
  planBatch,
  prepareBatch,
  runBatch,
  Txn,
  WindowMiss,
} from './txn.js';

export interface CreateOptions {
  xFilesFactor?: number;
  aggregationMethod?: AggregationMethod;
  /** Leave the data area as a hole (ftruncate), like python's sparse=True. */
  sparse?: boolean;
}
export interface FetchResult {
  fromTime: number;
  untilTime: number;
  step: number;
  values: (number | null)[];
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

// ---- create ---------------------------------------------------------------------------------

function checkXff(xff: unknown, path: string): number {
  const x = typeof xff === 'string' ? Number(xff) : xff;
  if (typeof x !== 'number' || Number.isNaN(x)) {
    throw new WhisperError('INVALID_XFF', `Invalid xFilesFactor ${String(xff)}, not a float`, path);
  }
  if (x < 0 || x > 1) {
    throw new WhisperError('INVALID_XFF', `Invalid xFilesFactor ${pyFloatStr(x)}, not between 0 and 1`, path);
  }
  return x;
}
function checkMethod(m: unknown, path: string): number {
  if (!isAggregationMethod(m)) {
    throw new WhisperError(
      'INVALID_AGGREGATION_METHOD',
      `Unrecognized aggregation method: ${String(m)}`,
      path,
    );
  }
  return aggregationTypeOf(m);
}

function buildHeader(
  archives: ArchiveSpec[],
  path: string,
  opts: CreateOptions,
): { head: Buffer; total: number } {
  const list = validateArchiveList(archives);
  // python validates these only after opening the file (leaving a 0-byte file); we check first
  const xff = checkXff(opts.xFilesFactor ?? 0.5, path);
  const type = checkMethod(opts.aggregationMethod ?? 'average', path);
  const maxRet = Math.max(...list.map((a) => a.secondsPerPoint * a.points));
  const hsize = headerSizeFor(list.length);
  const head = Buffer.alloc(hsize);
  encodeMetadata(type, maxRet, xff, list.length).copy(head, 0);
  let offset = hsize;
  list.forEach((a, i) => {
    head.writeUInt32BE(offset, 16 + i * 12);
    head.writeUInt32BE(a.secondsPerPoint, 20 + i * 12);
    head.writeUInt32BE(a.points, 24 + i * 12);
    offset += a.points * POINT_SIZE;
  });
  return { head, total: offset };
}
function exists(path: string): WhisperError {
  return new WhisperError('INVALID_CONFIG', `File ${path} already exists!`, path);
}
const ZERO_CHUNK = 1 << 20;

export function createSync(path: string, archives: ArchiveSpec[], opts: CreateOptions = {}): void {
  const { head, total } = buildHeader(archives, path, opts);
  if (fs.existsSync(path)) throw exists(path);
  let fd: number;
  try {
    fd = adviseOpened(fs.openSync(path, 'wx'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw exists(path);
    throw ioError(path, e);
  }
  try {
    pwriteSync(fd, head, 0, head.length, 0);
    if (opts.sparse) fs.ftruncateSync(fd, total);
    else {
      const zeros = Buffer.alloc(Math.min(ZERO_CHUNK, total - head.length));
      for (let pos = head.length; pos < total; pos += zeros.length) {
        pwriteSync(fd, zeros, 0, Math.min(zeros.length, total - pos), pos);
      }
    }
    fs.closeSync(fd);
  } catch (e) {
    try {
      fs.closeSync(fd);
    } catch {}
    fs.rmSync(path, { force: true });
    throw ioError(path, e);
  }
  primeNewFile(path, head);
}

export async function create(path: string, archives: ArchiveSpec[], opts: CreateOptions = {}): Promise<void> {
  const { head, total } = buildHeader(archives, path, opts);
  await withLock(path, async () => {
    let fd: number;
    try {
      fd = await new Promise<number>((resolve, reject) =>
        fs.open(path, 'wx', (e, f) => (e ? reject(e) : resolve(adviseOpened(f)))),
      );
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw exists(path);
      throw ioError(path, e);
    }
    try {
      await pwriteAsync(fd, head, 0, head.length, 0);
      if (opts.sparse) {
        await new Promise<void>((resolve, reject) =>
          fs.ftruncate(fd, total, (e) => (e ? reject(e) : resolve())),
        );
      } else {
        const zeros = Buffer.alloc(Math.min(ZERO_CHUNK, total - head.length));
        for (let pos = head.length; pos < total; pos += zeros.length) {
          await pwriteAsync(fd, zeros, 0, Math.min(zeros.length, total - pos), pos);
        }
      }
      await closeAsync(fd);
    } catch (e) {
      await closeAsync(fd).catch(() => {});
      await fs.promises.rm(path, { force: true });
      throw ioError(path, e);
    }
    primeNewFile(path, head);
  });
}

// ---- info -----------------------------------------------------------------------------------

export function infoSync(path: string): WhisperInfo {
  return withReadFdSync(path, (fd, size) => toInfo(readHeaderSync(fd, path, 0, true).header, size));
}

export async function info(path: string): Promise<WhisperInfo> {
  const { value, size } = await withReadFd(path, (fd) => readHeaderAsync(fd, path));
  return toInfo(value.header, size);
}

// ---- update / updateMany --------------------------------------------------------------------

function toTimestamp(t: number, path: string): number {
  const x = Math.trunc(Number(t));
  if (!Number.isFinite(x)) throw new WhisperError('TIMESTAMP_OUT_OF_RANGE', `Invalid timestamp ${t}`, path);
  return x;
}

function runSync(
  fd: number,
  path: string,
  header: Header,
  buf: Buffer,
  len: number,
  body: (t: Txn) => void,
): void {
  const src = new SyncSource(fd, path);
  const txn = new Txn(header, src, path);
  src.prefill(txn.arch, buf, len);
  body(txn);
  for (const s of txn.dirtySpans()) pwriteSync(fd, s.buf, s.bufOff, s.len, s.pos);
}

/**
 * Async read-modify-write: with a cached header and bases, one read round (header, bases and
 * windows together, verified afterwards), else header -> bases -> windows; then the compute,
 * then all dirty spans written together.
 */
async function runAsync(
  fd: number,
  path: string,
  plan: (h: Header) => ((t: Txn) => void) | null,
): Promise<void> {
  const whole = new Set<number>();
  let header = cachedHeader(path);
  let first: { buf: Buffer; len: number } | null = null;
  for (;;) {
    let txn: Txn;
    let body: ((t: Txn) => void) | null;
    if (header && !first && whole.size === 0) {
      // planning against the cached header is a guess too: anything it decides (or throws)
      // only stands once the header bytes read below match it
      try {
        body = plan(header);
      } catch {
        header = undefined;
        continue;
      }
      if (!body) {
        const r = await readHeaderAsync(fd, path);
        if (r.header === header) return;
        header = r.header;
        first = r;
        continue;
      }
      txn = new Txn(header, new PreloadedSource(), path);
      planOf.get(body)?.(txn);
      if (!(await speculativeLoadAsync(fd, path, header, txn.arch))) {
        header = undefined;
        continue;
      }
    } else {
      if (!first) {
        const r = await readHeaderAsync(fd, path);
        header = r.header;
        first = r;
      }
      body = plan(header!);
      if (!body) return;
      txn = new Txn(header!, new PreloadedSource(), path);
      planOf.get(body)?.(txn);
      for (const i of whole) txn.arch[i]!.whole = true;
      await preloadAsync(fd, path, txn.arch, first.buf, first.len);
    }
    try {
      body(txn);
    } catch (e) {
      if (e instanceof WindowMiss && !whole.has(e.arch)) {
        whole.add(e.arch);
        if (!first) {
          const r = await readHeaderAsync(fd, path);
          header = r.header;
          first = r;
        }
        continue;
      }
      throw e;
    }
    await Promise.all(txn.dirtySpans().map((s) => pwriteAsync(fd, s.buf, s.bufOff, s.len, s.pos)));
    rememberBases(path, txn.arch);
    return;
  }
}
/** The planning step that goes with a compute body (kept apart so both can be rebuilt per attempt). */
const planOf = new WeakMap<(t: Txn) => void, (t: Txn) => void>();
function withPlan(planFn: (t: Txn) => void, body: (t: Txn) => void): (t: Txn) => void {
  planOf.set(body, planFn);
  return body;
}

export function updateSync(path: string, value: number, timestamp?: number, now?: number): void {
  assertUnlocked(path);
  const v = Number(value);
  const fd = openForUpdateSync(path);
  try {
    const { header, buf, len } = readHeaderSync(fd, path);
    const n = now ?? nowSeconds();
    const t = timestamp === undefined || timestamp === null ? n : toTimestamp(timestamp, path);
    const ai = chooseUpdateArchive(path, header, t, n);
    runSync(fd, path, header, buf, len, (txn) => txn.updateOne(ai, t, v));
  } finally {
    fs.closeSync(fd);
  }
}

export async function update(path: string, value: number, timestamp?: number, now?: number): Promise<void> {
  const v = Number(value);
  await withLock(path, async () => {
    const fd = await openForUpdateAsync(path);
    try {
      const n = now ?? nowSeconds();
      const t = timestamp === undefined || timestamp === null ? n : toTimestamp(timestamp, path);
      await runAsync(fd, path, (header) => {
        const ai = chooseUpdateArchive(path, header, t, n);
        return withPlan(
          (txn) => txn.planCommit(ai, t, t),
          (txn) => txn.updateOne(ai, t, v),
        );
      });
    } finally {
      await closeAsync(fd);
    }
  });
}

export function updateManySync(
  path: string,
  points: ReadonlyArray<readonly [number, number]>,
  now?: number,
): void {
  if (!points || points.length === 0) return;
  assertUnlocked(path);
  const fd = openForUpdateSync(path);
  try {
    const { header, buf, len } = readHeaderSync(fd, path);
    const batch: Batch = prepareBatch(path, points, header, now ?? nowSeconds());
    if (batch.commits.length === 0) return;
    runSync(fd, path, header, buf, len, (txn) => {
      planBatch(txn, batch);
      runBatch(txn, batch);
    });
  } finally {
    fs.closeSync(fd);
  }
}

export async function updateMany(
  path: string,
  points: ReadonlyArray<readonly [number, number]>,
  now?: number,
): Promise<void> {
  if (!points || points.length === 0) return;
  await withLock(path, async () => {
    const fd = await openForUpdateAsync(path);
    try {
      const n = now ?? nowSeconds();
      await runAsync(fd, path, (header) => {
        const batch = prepareBatch(path, points, header, n);
        if (batch.commits.length === 0) return null;
        return withPlan(
          (txn) => planBatch(txn, batch),
          (txn) => runBatch(txn, batch),
        );
      });
    } finally {
      await closeAsync(fd);
    }
  });
}

// ---- fetch ----------------------------------------------------------------------------------

interface FetchPlan {
  archive: number;
  fromInterval: number;
  untilInterval: number;
  step: number;
}

/** file_fetch's checks and archive choice; null where python returns None. */
export function planFetch(
  path: string,
  header: Header,
  fromTime: number,
  untilTime: number | undefined,
  now: number,
  archiveToSelect?: number | string,
): FetchPlan | null {
  let until = untilTime === undefined || untilTime === null ? now : Math.trunc(untilTime);
  let from = Math.trunc(fromTime);
  if (!Number.isFinite(from) || !Number.isFinite(until)) {
    throw new WhisperError('INVALID_TIME_INTERVAL', `Invalid time interval: ${fromTime}..${untilTime}`, path);
  }
  if (from > until) {
    throw new WhisperError(
      'INVALID_TIME_INTERVAL',
      `Invalid time interval: from time '${from}' is after until time '${until}'`,
      path,
    );
  }
  const oldest = now - header.maxRetention;
  if (from > now) return null;
  if (until < oldest) return null;
  if (from < oldest) from = oldest;
  if (until > now) until = now;
  const diff = now - from;
  let idx = -1;
  if (
    archiveToSelect !== undefined &&
    archiveToSelect !== null &&
    archiveToSelect !== '' &&
    archiveToSelect !== 0
  ) {
    const spp = parseRetentionDef(`${archiveToSelect}:1`).secondsPerPoint;
    idx = header.archives.findIndex((a) => a.secondsPerPoint === spp);
    if (idx < 0) throw new WhisperError('INVALID_GRANULARITY', `Invalid granularity: ${spp}`, path);
  } else {
    idx = header.archives.findIndex((a) => a.retention >= diff);
    if (idx < 0) idx = header.archives.length - 1;
  }
  const step = header.archives[idx]!.secondsPerPoint;
  const fromInterval = from - mod(from, step) + step;
  let untilInterval = until - mod(until, step) + step;
  if (fromInterval === untilInterval) untilInterval += step;
  return { archive: idx, fromInterval, untilInterval, step };
}

/** Slots to read for a plan given the archive base: [startSlot, count] (one lap at most). */
function fetchSlots(header: Header, p: FetchPlan, base: number): { start: number; count: number } {
  const a = header.archives[p.archive]!;
  const start = mod(Math.floor((p.fromInterval - base) / p.step), a.points);
  const end = mod(Math.floor((p.untilInterval - base) / p.step), a.points);
  return { start, count: start < end ? end - start : a.points - start + end };
}

// DataView's big-endian getters compile to a byte swap: about twice as fast as Buffer's readers
function decodeValues(p: FetchPlan, buf: Buffer, count: number): (number | null)[] {
  const dv = new DataView(buf.buffer, buf.byteOffset, count * POINT_SIZE);
  const values = new Array<number | null>(count);
  let expected = p.fromInterval;
  for (let i = 0; i < count; i++) {
    const o = i * POINT_SIZE;
    values[i] = dv.getUint32(o) === expected ? dv.getFloat64(o + 4) : null;
    expected += p.step;
  }
  return values;
}
function emptyResult(p: FetchPlan): FetchResult {
  const n = (p.untilInterval - p.fromInterval) / p.step;
  return {
    fromTime: p.fromInterval,
    untilTime: p.untilInterval,
    step: p.step,
    values: new Array(n).fill(null),
  };
}
function slotSpans(header: Header, p: FetchPlan, start: number, count: number) {
  const a = header.archives[p.archive]!;
  const first = Math.min(count, a.points - start);
  const spans = [{ pos: a.offset + start * POINT_SIZE, bufOff: 0, len: first * POINT_SIZE }];
  if (count > first)
    spans.push({ pos: a.offset, bufOff: first * POINT_SIZE, len: (count - first) * POINT_SIZE });
  return spans;
}

/** A fetch before decoding: the plan and the raw slots read (null data = empty archive). */
export interface RawFetch {
  archive: number;
  fromInterval: number;
  untilInterval: number;
  step: number;
  data: Buffer | null;
  count: number;
}

/**
 * A base this close to the start of the file is read together with the header: copying a few KB
 * more costs less than another read call (a syscall, or a thread-pool round trip when async).
 */
const BASE_WITH_HEADER = 32 * 1024;
/** With a cached header: the first-read size that also covers the base the fetch will need. */
function baseReadSize(
  path: string,
  fromTime: number,
  untilTime: number | undefined,
  now: number,
  archiveToSelect: number | string | undefined,
): number {
  const cached = cachedHeader(path);
  if (!cached) return 0;
  try {
    const p = planFetch(path, cached, fromTime, untilTime, now, archiveToSelect);
    if (!p) return 0;
    const a = cached.archives[p.archive]!;
    // a small archive near the start comes whole with the header: one read for the fetch
    const whole = a.offset + a.points * POINT_SIZE;
    if (whole <= BASE_WITH_HEADER) return whole;
    return a.offset + POINT_SIZE <= BASE_WITH_HEADER ? a.offset + POINT_SIZE : 0;
  } catch {
    return 0; // the real header decides (and throws) below
  }
}

/** Slot bytes for fetches decoded right away (sync API): grown as needed, never shrunk. */
let scratch = Buffer.allocUnsafeSlow(64 * 1024);
function scratchFor(bytes: number): Buffer {
  if (scratch.length < bytes) scratch = Buffer.allocUnsafeSlow(Math.max(bytes, scratch.length * 2));
  return scratch;
}

/**
 * The sync fetch on an open fd: header (+ archive 0's base) in one read, the chosen archive's
 * base, then its slots (two reads when they wrap). `transferable`: the slots get their own
 * ArrayBuffer (a worker transfers it); otherwise they land in the shared scratch buffer and
 * must be decoded before the next sync fetch.
 */
function fetchRawOnFdSync(
  fd: number,
  path: string,
  fromTime: number,
  untilTime: number | undefined,
  now: number | undefined,
  archiveToSelect: number | string | undefined,
  transferable: boolean,
): { header: Header; raw: RawFetch | null } {
  const n = now ?? nowSeconds();
  const { header, buf, len } = readHeaderSync(
    fd,
    path,
    baseReadSize(path, fromTime, untilTime, n, archiveToSelect),
    true,
  );
  const p = planFetch(path, header, fromTime, untilTime, n, archiveToSelect);
  if (!p) return { header, raw: null };
  const a = header.archives[p.archive]!;
  let base: number;
  if (a.offset + POINT_SIZE <= len) base = buf.readUInt32BE(a.offset);
  else {
    const b = scratchFor(POINT_SIZE);
    preadSync(fd, path, b, 0, POINT_SIZE, a.offset);
    base = b.readUInt32BE(0);
  }
  if (base === 0) return { header, raw: { ...p, data: null, count: 0 } };
  const { start, count } = fetchSlots(header, p, base);
  const data = transferable
    ? Buffer.from(new ArrayBuffer(count * POINT_SIZE))
    : scratchFor(count * POINT_SIZE).subarray(0, count * POINT_SIZE);
  for (const s of slotSpans(header, p, start, count)) {
    if (s.pos + s.len <= len) buf.copy(data, s.bufOff, s.pos, s.pos + s.len);
    else preadSync(fd, path, data, s.bufOff, s.len, s.pos);
  }
  return { header, raw: { ...p, data, count } };
}

export function fetchRawSync(
  path: string,
  fromTime: number,
  untilTime?: number,
  now?: number,
  archiveToSelect?: number | string,
): RawFetch | null {
  return withReadFdSync(
    path,
    (fd) => fetchRawOnFdSync(fd, path, fromTime, untilTime, now, archiveToSelect, true).raw,
  );
}

export function decodeRawFetch(r: RawFetch): FetchResult {
  if (!r.data) return emptyResult(r);
  return {
    fromTime: r.fromInterval,
    untilTime: r.untilInterval,
    step: r.step,
    values: decodeValues(r, r.data, r.count),
  };
}

export function fetchSync(
  path: string,
  fromTime: number,
  untilTime?: number,
  now?: number,
  archiveToSelect?: number | string,
): FetchResult | null {
  return withReadFdSync(path, (fd) => {
    const { raw } = fetchRawOnFdSync(fd, path, fromTime, untilTime, now, archiveToSelect, false);
    return raw ? decodeRawFetch(raw) : null;
  });
}

/** The async fetch on an open fd, undecoded; also returns the header it was answered from. */
async function fetchOnFd(
  fd: number,
  path: string,
  fromTime: number,
  untilTime: number | undefined,
  n: number,
  archiveToSelect: number | string | undefined,
): Promise<{ header: Header; raw: RawFetch | null }> {
  const cached = cachedHeader(path);
  let p: FetchPlan | null | undefined;
  try {
    p = cached ? planFetch(path, cached, fromTime, untilTime, n, archiveToSelect) : undefined;
  } catch {
    p = undefined; // decided again below with the header read from the file
  }
  if (cached && p !== undefined) {
    // one round: header, base and the slots the cached base predicts, verified afterwards
    if (!p) {
      const { header } = await readHeaderAsync(fd, path);
      if (header === cached) return { header, raw: null };
    } else {
      const a = cached.archives[p.archive]!;
      const whole = a.offset + a.points * POINT_SIZE;
      if (whole <= BASE_WITH_HEADER) {
        // a small archive near the start: header, base and every slot in one read
        const buf = Buffer.allocUnsafe(whole);
        const len = await readUpTo(fd, buf, whole);
        if (len === whole && headerFrom(path, buf, cached.headerSize) === cached) {
          const base = buf.readUInt32BE(a.offset);
          rememberFetchBase(path, cached, p.archive, base);
          if (base === 0) return { header: cached, raw: { ...p, data: null, count: 0 } };
          const sl = fetchSlots(cached, p, base);
          const data = Buffer.allocUnsafe(sl.count * POINT_SIZE);
          for (const s of slotSpans(cached, p, sl.start, sl.count))
            buf.copy(data, s.bufOff, s.pos, s.pos + s.len);
          return { header: cached, raw: { ...p, data, count: sl.count } };
        }
        return fetchUncached(fd, path, fromTime, untilTime, n, archiveToSelect);
      }
      const guess = fetchBaseGuess.get(path);
      // a base near the header (always archive 0's, right after it) comes in the header's read
      const withHeader = a.offset + POINT_SIZE <= BASE_WITH_HEADER;
      const hbuf = Buffer.allocUnsafe(withHeader ? a.offset + POINT_SIZE : cached.headerSize);
      const bbuf = withHeader ? hbuf.subarray(a.offset) : Buffer.allocUnsafe(POINT_SIZE);
      const g = guess?.[p.archive];
      const slots = g ? fetchSlots(cached, p, g) : null;
      const data = slots ? Buffer.allocUnsafe(slots.count * POINT_SIZE) : null;
      await Promise.all([
        preadAsync(fd, path, hbuf, 0, hbuf.length, 0),
        ...(withHeader ? [] : [preadAsync(fd, path, bbuf, 0, POINT_SIZE, a.offset)]),
        ...(slots && data
          ? slotSpans(cached, p, slots.start, slots.count).map((s) =>
              preadAsync(fd, path, data, s.bufOff, s.len, s.pos),
            )
          : []),
      ]);
      const base = bbuf.readUInt32BE(0);
      if (headerFrom(path, hbuf, cached.headerSize) === cached) {
        rememberFetchBase(path, cached, p.archive, base);
        if (base === 0) return { header: cached, raw: { ...p, data: null, count: 0 } };
        if (base === g && data) return { header: cached, raw: { ...p, data, count: slots!.count } };
        const s2 = fetchSlots(cached, p, base);
        const d2 = Buffer.allocUnsafe(s2.count * POINT_SIZE);
        await Promise.all(
          slotSpans(cached, p, s2.start, s2.count).map((s) =>
            preadAsync(fd, path, d2, s.bufOff, s.len, s.pos),
          ),
        );
        return { header: cached, raw: { ...p, data: d2, count: s2.count } };
      }
    }
  }
  return fetchUncached(fd, path, fromTime, untilTime, n, archiveToSelect);
}

/** The async fetch with no (or a stale) cached header: header first, then base and slots. */
async function fetchUncached(
  fd: number,
  path: string,
  fromTime: number,
  untilTime: number | undefined,
  n: number,
  archiveToSelect: number | string | undefined,
): Promise<{ header: Header; raw: RawFetch | null }> {
  const { header, buf, len } = await readHeaderAsync(fd, path);
  const p = planFetch(path, header, fromTime, untilTime, n, archiveToSelect);
  if (!p) return { header, raw: null };
  const a = header.archives[p.archive]!;
  let base: number;
  if (a.offset + POINT_SIZE <= len) base = buf.readUInt32BE(a.offset);
  else {
    const b = Buffer.allocUnsafe(POINT_SIZE);
    await preadAsync(fd, path, b, 0, POINT_SIZE, a.offset);
    base = b.readUInt32BE(0);
  }
  rememberFetchBase(path, header, p.archive, base);
  if (base === 0) return { header, raw: { ...p, data: null, count: 0 } };
  const { start, count } = fetchSlots(header, p, base);
  const data = Buffer.allocUnsafe(count * POINT_SIZE);
  await Promise.all(
    slotSpans(header, p, start, count).map((s) => preadAsync(fd, path, data, s.bufOff, s.len, s.pos)),
  );
  return { header, raw: { ...p, data, count } };
}

export async function fetch(
  path: string,
  fromTime: number,
  untilTime?: number,
  now?: number,
  archiveToSelect?: number | string,
): Promise<FetchResult | null> {
  const n = now ?? nowSeconds();
  const { value } = await withReadFd(path, (fd) =>
    fetchOnFd(fd, path, fromTime, untilTime, n, archiveToSelect),
  );
  return value.raw ? decodeRawFetch(value.raw) : null;
}

// ---- fetchMany: what a render needs from every series, in one call ---------------------------

/**
 * One path's answer in `fetchMany`: `info` and `result` are what `info(path)` and
 * `fetch(path, from, until, now)` return, read from one header read. A missing file gives
 * `info: null, result: null`; any other failure is in `error` (the others still answer).
 */
export interface FetchManyItem<R = FetchResult> {
  path: string;
  info: WhisperInfo | null;
  result: R | null;
  error?: WhisperError;
}

function manyError<R>(path: string, e: unknown): FetchManyItem<R> {
  const err = e instanceof WhisperError ? e : ioError(path, e);
  if (err.code === 'NOT_FOUND') return { path, info: null, result: null };
  return { path, info: null, result: null, error: err };
}

/** The batch read behind fetchMany/fetchManyPacked: async fetches, each decoded by `decode`. */
function readManyAsync<R>(
  paths: readonly string[],
  fromTime: number,
  untilTime: number | undefined,
  now: number | undefined,
  decode: (raw: RawFetch) => R,
): Promise<FetchManyItem<R>[]> {
  const n = now ?? nowSeconds();
  return Promise.all(
    paths.map(async (path): Promise<FetchManyItem<R>> => {
      try {
        const { value, size } = await withReadFd(path, (fd) =>
          fetchOnFd(fd, path, fromTime, untilTime, n, undefined),
        );
        return { path, info: toInfo(value.header, size), result: value.raw ? decode(value.raw) : null };
      } catch (e) {
        return manyError(path, e);
      }
    }),
  );
}

/** Sync twin of readManyAsync: slots land in a shared scratch buffer and are decoded at once. */
function readManySync<R>(
  paths: readonly string[],
  fromTime: number,
  untilTime: number | undefined,
  now: number | undefined,
  decode: (raw: RawFetch) => R,
): FetchManyItem<R>[] {
  const n = now ?? nowSeconds();
  return paths.map((path) => {
    try {
      return withReadFdSync(path, (fd, size): FetchManyItem<R> => {
        const { header, raw } = fetchRawOnFdSync(fd, path, fromTime, untilTime, n, undefined, false);
        return { path, info: toInfo(header, size), result: raw ? decode(raw) : null };
      });
    } catch (e) {
      return manyError(path, e);
    }
  });
}

/** info + fetch of every path, concurrently (libuv thread pool; one round per file when warm). */
export function fetchMany(
  paths: readonly string[],
  fromTime: number,
  untilTime?: number,
  now?: number,
): Promise<FetchManyItem[]> {
  return readManyAsync(paths, fromTime, untilTime, now, decodeRawFetch);
}

/** `fetchMany` before decoding, for a worker thread: slots in transferable buffers. */
export interface RawManyItem {
  path: string;
  info: WhisperInfo | null;
  raw: RawFetch | null;
  error?: { code: string; message: string };
}
export function fetchManyRawSync(
  paths: readonly string[],
  fromTime: number,
  untilTime?: number,
  now?: number,
): RawManyItem[] {
  const n = now ?? nowSeconds();
  return paths.map((path) => {
    try {
      return withReadFdSync(path, (fd, size): RawManyItem => {
        const { header, raw } = fetchRawOnFdSync(fd, path, fromTime, untilTime, n, undefined, true);
        return { path, info: toInfo(header, size), raw };
      });
    } catch (e) {
      const m = manyError(path, e);
      return {
        path,
        info: null,
        raw: null,
        error: m.error && { code: m.error.code, message: m.error.message },
      };
    }
  });
}

/** Sync twin of `fetchMany` (for a worker thread): per warm file a stat and one read (two or
 * three when the archive lies far into the file). */
export function fetchManySync(
  paths: readonly string[],
  fromTime: number,
  untilTime?: number,
  now?: number,
): FetchManyItem[] {
  return readManySync(paths, fromTime, untilTime, now, decodeRawFetch);
}

/** Fetched values as columns: `data[i]`, or null where `nulls[i]` is 1 (no per-point objects). */
export interface PackedColumn {
  data: Float64Array;
  nulls: Uint8Array;
}
export interface PackedFetchResult {
  fromTime: number;
  untilTime: number;
  step: number;
  values: PackedColumn;
}
export type FetchManyPackedItem = FetchManyItem<PackedFetchResult>;

export function decodeRawFetchPacked(r: RawFetch): PackedFetchResult {
  const n = r.data ? r.count : (r.untilInterval - r.fromInterval) / r.step;
  const data = new Float64Array(n);
  const nulls = new Uint8Array(n).fill(1);
  if (r.data) {
    // DataView reads are several times cheaper than Buffer's readUInt32BE/readDoubleBE
    const dv = new DataView(r.data.buffer, r.data.byteOffset, n * POINT_SIZE);
    let expected = r.fromInterval;
    for (let i = 0; i < n; i++) {
      const o = i * POINT_SIZE;
      if (dv.getUint32(o) === expected) {
        data[i] = dv.getFloat64(o + 4);
        nulls[i] = 0;
      }
      expected += r.step;
    }
  }
  return { fromTime: r.fromInterval, untilTime: r.untilInterval, step: r.step, values: { data, nulls } };
}

/** `fetchMany` with packed columns instead of boxed value arrays (for large renders). */
export function fetchManyPacked(
  paths: readonly string[],
  fromTime: number,
  untilTime?: number,
  now?: number,
): Promise<FetchManyPackedItem[]> {
  return readManyAsync(paths, fromTime, untilTime, now, decodeRawFetchPacked);
}

/** Sync twin of `fetchManyPacked`. */
export function fetchManyPackedSync(
  paths: readonly string[],
  fromTime: number,
  untilTime?: number,
  now?: number,
): FetchManyPackedItem[] {
  return readManySync(paths, fromTime, untilTime, now, decodeRawFetchPacked);
}

/** Last base seen per path and archive by fetch (a guess; always verified against the file). */
const fetchBaseGuess = new Map<string, number[]>();
function rememberFetchBase(path: string, header: Header, archive: number, base: number): void {
  let g = fetchBaseGuess.get(path);
  if (!g || g.length !== header.archives.length) {
    if (fetchBaseGuess.size >= 200_000) fetchBaseGuess.clear();
    g = new Array(header.archives.length).fill(0);
    fetchBaseGuess.set(path, g);
  }
  g[archive] = base;
}

// ---- set aggregation / xff ------------------------------------------------------------------

function metadataFor(path: string, header: Header, method?: AggregationMethod, xff?: number): Buffer {
  // python checks the method before the xff
  const type = method === undefined || method === null ? header.aggregationType : checkMethod(method, path);
  const x = xff === undefined || xff === null ? header.xFilesFactor : checkXff(xff, path);
  return encodeMetadata(type, header.maxRetention, x, header.archives.length);
}

export function setAggregationSync(
  path: string,
  method?: AggregationMethod,
  xff?: number,
): { aggregationMethod: AggregationMethod; xFilesFactor: number } {
  assertUnlocked(path);
  const fd = openSync(path, 'r+');
  try {
    const { header } = readHeaderSync(fd, path);
    const meta = metadataFor(path, header, method, xff);
    pwriteSync(fd, meta, 0, meta.length, 0);
    return { aggregationMethod: header.aggregationMethod, xFilesFactor: header.xFilesFactor };
  } finally {
    fs.closeSync(fd);
    forgetHeader(path);
  }
}

async function setAggregation(
  path: string,
  method?: AggregationMethod,
  xff?: number,
): Promise<{ aggregationMethod: AggregationMethod; xFilesFactor: number }> {
  return withLock(path, async () => {
    const fd = await openAsync(path, 'r+');
    try {
      const { header } = await readHeaderAsync(fd, path);
      const meta = metadataFor(path, header, method, xff);
      await pwriteAsync(fd, meta, 0, meta.length, 0);
      return { aggregationMethod: header.aggregationMethod, xFilesFactor: header.xFilesFactor };
    } finally {
      await closeAsync(fd);
      forgetHeader(path);
    }
  });
}

/** Returns the old method; xff (when given) is changed too. Only the 16-byte metadata is written. */
export async function setAggregationMethod(
  path: string,
  method: AggregationMethod,
  xFilesFactor?: number,
): Promise<AggregationMethod> {
  return (await setAggregation(path, method, xFilesFactor)).aggregationMethod;
}
export function setAggregationMethodSync(
  path: string,
  method: AggregationMethod,
  xFilesFactor?: number,
): AggregationMethod {
  return setAggregationSync(path, method, xFilesFactor).aggregationMethod;
}
/** Returns the old xFilesFactor (float32-decoded, like python). */
export async function setXFilesFactor(path: string, xff: number): Promise<number> {
  return (await setAggregation(path, undefined, xff)).xFilesFactor;
}
export function setXFilesFactorSync(path: string, xff: number): number {
  return setAggregationSync(path, undefined, xff).xFilesFactor;
}

// ---- primitives for the tools (python's __archive_fetch and __archive_update_many) -----------

/** __archive_fetch: raw read of one archive, no clamping against now or retention. */
export function archiveFetchSync(
  fd: number,
  path: string,
  header: Header,
  archive: number,
  fromTime: number,
  untilTime: number,
): FetchResult {
  const step = header.archives[archive]!.secondsPerPoint;
  const fromInterval = Math.trunc(fromTime - mod(fromTime, step)) + step;
  let untilInterval = Math.trunc(untilTime - mod(untilTime, step)) + step;
  if (fromInterval === untilInterval) untilInterval += step;
  const p: FetchPlan = { archive, fromInterval, untilInterval, step };
  const a = header.archives[archive]!;
  const b = Buffer.allocUnsafe(POINT_SIZE);
  preadSync(fd, path, b, 0, POINT_SIZE, a.offset);
  const base = b.readUInt32BE(0);
  if (base === 0) return emptyResult(p);
  const { start, count } = fetchSlots(header, p, base);
  const data = Buffer.allocUnsafe(count * POINT_SIZE);
  for (const s of slotSpans(header, p, start, count)) preadSync(fd, path, data, s.bufOff, s.len, s.pos);
  return { fromTime: fromInterval, untilTime: untilInterval, step, values: decodeValues(p, data, count) };
}

/** __archive_update_many into archive `archive` of an open file: chronological, aligned points. */
export function archiveUpdateManySync(
  fd: number,
  path: string,
  header: Header,
  archive: number,
  ts: Float64Array,
  vs: Float64Array,
): void {
  if (ts.length === 0) return;
  const src = new SyncSource(fd, path);
  const txn = new Txn(header, src, path);
  txn.planCommit(archive, ts[0]!, ts[ts.length - 1]!);
  txn.commit(archive, ts, vs, 0, ts.length);
  for (const s of txn.dirtySpans()) pwriteSync(fd, s.buf, s.bufOff, s.len, s.pos);
}

export { readHeaderSync };
