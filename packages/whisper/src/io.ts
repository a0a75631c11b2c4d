/**
 * File access for both API flavours. Sync: plain pread/pwrite on an fd (for worker threads and
 * the CLI). Async: fs/promises FileHandle, with independent reads and writes of one operation
 * issued together so an updateMany costs about five thread-pool round trips.
 */
import * as fs from 'node:fs';
import { WhisperError } from './errors.js';
import { adviseOpened } from './fadvise.js';
import { type Header, METADATA_SIZE, POINT_SIZE, parseHeader } from './format.js';
import { type Arch, WindowMiss, type WindowSource } from './txn.js';

/** Raw header bytes + parsed header by path. Reused only when the bytes just read are equal. */
const headerCache = new Map<string, { raw: Buffer; header: Header }>();
const HEADER_CACHE_MAX = 200_000;
/** Distinct header byte strings -> their one cache entry (see headerFrom). */
const interned = new Map<string, { raw: Buffer; header: Header }>();
const INTERNED_MAX = 10_000;
const FIRST_READ = 4096;

export function forgetHeader(path: string): void {
  headerCache.delete(path);
}

export function firstReadSize(path: string): number {
  const c = headerCache.get(path);
  return c ? c.header.headerSize + POINT_SIZE : FIRST_READ;
}
export function cachedHeader(path: string): Header | undefined {
  return headerCache.get(path)?.header;
}

/** Parse (or reuse) the header in `buf[0..len)`; null if more bytes are needed. */
export function headerFrom(path: string, buf: Buffer, len: number, fileSize?: number): Header | null {
  const c = headerCache.get(path);
  if (c && len >= c.raw.length && buf.compare(c.raw, 0, c.raw.length, 0, c.raw.length) === 0) return c.header;
  const h = parseHeader(buf, len, path, fileSize);
  if (!h) return h;
  // files made by one schema have identical header bytes: they share one entry, so a cache of
  // 100k files holds a few parsed headers rather than 100k copies
  const key = buf.toString('latin1', 0, h.headerSize);
  let e = interned.get(key);
  if (!e) {
    if (interned.size >= INTERNED_MAX) interned.clear();
    e = { raw: Buffer.from(buf.subarray(0, h.headerSize)), header: h };
    interned.set(key, e);
  }
  if (headerCache.size >= HEADER_CACHE_MAX) headerCache.clear();
  headerCache.set(path, e);
  return e.header;
}

export function notFound(path: string, cause: unknown): WhisperError {
  return new WhisperError('NOT_FOUND', `[Errno 2] No such file or directory: '${path}'`, path, { cause });
}
export function ioError(path: string, e: unknown): WhisperError {
  if (e instanceof WhisperError) return e;
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'ENOENT') return notFound(path, e);
  return new WhisperError('IO', `${err?.message ?? String(e)}`, path, { cause: e });
}
export function truncated(path: string, pos: number, want: number, got: number): WhisperError {
  return new WhisperError(
    'TRUNCATED',
    `File is truncated: wanted ${want} bytes at offset ${pos}, got ${got}`,
    path,
  );
}

// ---- sync -----------------------------------------------------------------------------------

export function openSync(path: string, flags: string): number {
  try {
    return fs.openSync(path, flags);
  } catch (e) {
    throw ioError(path, e);
  }
}

// Updates read before they write, and on a relatime mount the first read after a write
// updates the inode's atime: a journalled inode write per update that nobody reads (about a
// sixth of a writer thread's time at 100k files). O_NOATIME skips it; the kernel allows it
// only to the file's owner (or CAP_FOWNER), so other files are opened plainly. Queries keep
// plain opens, so atime still tells when a file was last read by someone.
const NOATIME = fs.constants.O_NOATIME ?? 0;
const UPDATE_FLAGS = fs.constants.O_RDWR | NOATIME;
const refused = (e: unknown) => NOATIME !== 0 && (e as NodeJS.ErrnoException).code === 'EPERM';

/** Open for read-modify-write (updates), without atime updates where the kernel allows. */
export function openForUpdateSync(path: string): number {
  let fd: number;
  try {
    fd = fs.openSync(path, UPDATE_FLAGS);
  } catch (e) {
    if (!refused(e)) throw ioError(path, e);
    fd = openSync(path, 'r+');
  }
  return adviseOpened(fd);
}

export function preadSync(
  fd: number,
  path: string,
  buf: Buffer,
  off: number,
  len: number,
  pos: number,
): void {
  let done = 0;
  while (done < len) {
    const n = fs.readSync(fd, buf, off + done, len - done, pos + done);
    if (n === 0) throw truncated(path, pos, len, done);
    done += n;
  }
}

export function pwriteSync(fd: number, buf: Buffer, off: number, len: number, pos: number): void {
  let done = 0;
  while (done < len) done += fs.writeSync(fd, buf, off + done, len - done, pos + done);
}

let headerScratch = Buffer.allocUnsafeSlow(8192);

/**
 * `atLeast`: read that many bytes in the first read anyway (an archive base the caller needs).
 * `reuse`: read into a buffer shared by all such calls (the returned `buf` is valid only until
 * the next one), sparing an allocation per fetch.
 */
export function readHeaderSync(
  fd: number,
  path: string,
  atLeast = 0,
  reuse = false,
): { header: Header; buf: Buffer; len: number } {
  let size = Math.max(firstReadSize(path), atLeast);
  for (;;) {
    if (reuse && headerScratch.length < size) headerScratch = Buffer.allocUnsafeSlow(size);
    const buf = reuse ? headerScratch : Buffer.allocUnsafe(size);
    let len = 0;
    while (len < size) {
      const n = fs.readSync(fd, buf, len, size - len, len);
      if (n === 0) break;
      len += n;
    }
    const h = headerFrom(path, buf, len, len < size ? len : undefined);
    if (h) return { header: h, buf, len };
    size = Math.max(size * 2, METADATA_SIZE + 12 * buf.readUInt32BE(12) + POINT_SIZE);
  }
}

/** Bases of archives whose slot 0 lies inside the first read. */
function prefillBases(arch: Arch[], buf: Buffer, len: number): void {
  for (const a of arch) {
    if (a.offset + POINT_SIZE <= len) {
      a.base = buf.readUInt32BE(a.offset);
      a.baseLoaded = true;
    }
  }
}

export class SyncSource implements WindowSource {
  constructor(
    readonly fd: number,
    readonly path: string,
  ) {}
  prefill(arch: Arch[], buf: Buffer, len: number): void {
    prefillBases(arch, buf, len);
  }
  loadBase(a: Arch): void {
    const b = Buffer.allocUnsafe(POINT_SIZE);
    preadSync(this.fd, this.path, b, 0, POINT_SIZE, a.offset);
    a.base = b.readUInt32BE(0);
    a.baseLoaded = true;
  }
  loadWindow(a: Arch): void {
    const w = a.planWindow();
    a.winStart = w.start;
    a.winLen = w.len;
    a.buf = Buffer.allocUnsafe(w.len * POINT_SIZE);
    for (const s of a.spans(0, w.len - 1)) preadSync(this.fd, this.path, a.buf, s.bufOff, s.len, s.pos);
  }
  miss(a: Arch): void {
    // widen to the whole archive, keeping what we already changed in memory
    const old = a.buf!;
    const oldStart = a.winStart;
    const oldLen = a.winLen;
    const { dirtyLo, dirtyHi } = a;
    a.winStart = 0;
    a.winLen = a.points;
    a.buf = Buffer.allocUnsafe(a.points * POINT_SIZE);
    preadSync(this.fd, this.path, a.buf, 0, a.buf.length, a.offset);
    for (let r = 0; r < oldLen; r++) {
      const slot = (oldStart + r) % a.points;
      old.copy(a.buf, slot * POINT_SIZE, r * POINT_SIZE, (r + 1) * POINT_SIZE);
    }
    if (dirtyLo >= 0) {
      const lo = oldStart + dirtyLo;
      const hi = oldStart + dirtyHi;
      if (hi < a.points) {
        a.dirtyLo = lo;
        a.dirtyHi = hi;
      } else {
        a.dirtyLo = 0;
        a.dirtyHi = a.points - 1;
      }
    }
  }
}

// ---- async ----------------------------------------------------------------------------------
// Raw fds with the callback API: measurably lighter per operation than fs/promises FileHandle.

export function openAsync(path: string, flags: string): Promise<number> {
  return new Promise((resolve, reject) =>
    fs.open(path, flags, (e, fd) => (e ? reject(ioError(path, e)) : resolve(fd))),
  );
}
/** openForUpdateSync's async twin. */
export function openForUpdateAsync(path: string): Promise<number> {
  return new Promise((resolve, reject) =>
    fs.open(path, UPDATE_FLAGS, (e, fd) => {
      if (!e) resolve(adviseOpened(fd));
      else if (refused(e)) openAsync(path, 'r+').then((fd2) => resolve(adviseOpened(fd2)), reject);
      else reject(ioError(path, e));
    }),
  );
}
export function closeAsync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.close(fd, (e) => (e ? reject(e) : resolve())));
}
export function fstatSize(fd: number): Promise<number> {
  return new Promise((resolve, reject) => fs.fstat(fd, (e, st) => (e ? reject(e) : resolve(st.size))));
}
function readOnce(fd: number, buf: Buffer, off: number, len: number, pos: number): Promise<number> {
  return new Promise((resolve, reject) =>
    fs.read(fd, buf, off, len, pos, (e, n) => (e ? reject(e) : resolve(n))),
  );
}
function writeOnce(fd: number, buf: Buffer, off: number, len: number, pos: number): Promise<number> {
  return new Promise((resolve, reject) =>
    fs.write(fd, buf, off, len, pos, (e, n) => (e ? reject(e) : resolve(n))),
  );
}

export async function preadAsync(
  fd: number,
  path: string,
  buf: Buffer,
  off: number,
  len: number,
  pos: number,
): Promise<void> {
  let done = 0;
  while (done < len) {
    const n = await readOnce(fd, buf, off + done, len - done, pos + done);
    if (n === 0) throw truncated(path, pos, len, done);
    done += n;
  }
}

export async function pwriteAsync(
  fd: number,
  buf: Buffer,
  off: number,
  len: number,
  pos: number,
): Promise<void> {
  let done = 0;
  while (done < len) done += await writeOnce(fd, buf, off + done, len - done, pos + done);
}

/** Read up to `size` bytes from offset 0 (short at end of file is fine). */
export async function readUpTo(fd: number, buf: Buffer, size: number): Promise<number> {
  let len = 0;
  while (len < size) {
    const n = await readOnce(fd, buf, len, size - len, len);
    if (n === 0) break;
    len += n;
  }
  return len;
}

export async function readHeaderAsync(
  fd: number,
  path: string,
): Promise<{ header: Header; buf: Buffer; len: number }> {
  let size = firstReadSize(path);
  for (;;) {
    const buf = Buffer.allocUnsafe(size);
    const len = await readUpTo(fd, buf, size);
    const h = headerFrom(path, buf, len, len < size ? len : undefined);
    if (h) return { header: h, buf, len };
    size = Math.max(size * 2, METADATA_SIZE + 12 * buf.readUInt32BE(12) + POINT_SIZE);
  }
}

/** Everything is loaded before the compute runs; any further need is a miss and a rerun. */
export class PreloadedSource implements WindowSource {
  loadBase(a: Arch): void {
    throw new WindowMiss(a.idx);
  }
  loadWindow(a: Arch): void {
    throw new WindowMiss(a.idx);
  }
  miss(a: Arch): void {
    throw new WindowMiss(a.idx);
  }
}

/** Archive bases seen at the end of our last write per path: a guess for the next speculative read. */
const baseCache = new Map<string, Float64Array>();
export function rememberBases(path: string, arch: Arch[]): void {
  if (baseCache.size >= HEADER_CACHE_MAX) baseCache.clear();
  let b = baseCache.get(path);
  if (!b || b.length !== arch.length) {
    b = new Float64Array(arch.length).fill(-1);
    baseCache.set(path, b);
  }
  for (const a of arch) b[a.idx] = a.baseLoaded ? a.base : -1;
}
/** A file we just created: its header is `head` and every archive is empty. */
export function primeNewFile(path: string, head: Buffer): void {
  const h = headerFrom(path, head, head.length);
  if (!h) return;
  if (baseCache.size >= HEADER_CACHE_MAX) baseCache.clear();
  baseCache.set(path, new Float64Array(h.archives.length));
}
export function forgetBases(path: string): void {
  baseCache.delete(path);
}

function loadWindow(fd: number, path: string, a: Arch): Promise<unknown> {
  const w = a.planWindow();
  a.winStart = w.start;
  a.winLen = w.len;
  a.buf = Buffer.allocUnsafe(w.len * POINT_SIZE);
  return Promise.all(a.spans(0, w.len - 1).map((s) => preadAsync(fd, path, a.buf!, s.bufOff, s.len, s.pos)));
}
function loadBase(fd: number, path: string, a: Arch): Promise<void> {
  const b = Buffer.allocUnsafe(POINT_SIZE);
  return preadAsync(fd, path, b, 0, POINT_SIZE, a.offset).then(() => {
    a.base = b.readUInt32BE(0);
    a.baseLoaded = true;
  });
}

/** Two rounds: the bases of planned archives, then their windows. */
export async function preloadAsync(
  fd: number,
  path: string,
  arch: Arch[],
  buf: Buffer,
  len: number,
): Promise<void> {
  prefillBases(arch, buf, len);
  const planned = arch.filter((a) => !Number.isNaN(a.lo) || a.whole);
  await Promise.all(planned.filter((a) => !a.baseLoaded).map((a) => loadBase(fd, path, a)));
  await Promise.all(planned.map((a) => loadWindow(fd, path, a)));
}

/**
 * One round, when the header and the bases are cached: read the header, every planned
 * archive's base and its window (placed with the cached base) together. Returns false when
 * the header bytes or a base turned out different, in which case the caller starts over.
 */
export async function speculativeLoadAsync(
  fd: number,
  path: string,
  header: Header,
  arch: Arch[],
): Promise<boolean> {
  const bases = baseCache.get(path);
  if (!bases || bases.length !== arch.length) return false;
  const planned = arch.filter((a) => !Number.isNaN(a.lo) || a.whole);
  for (const a of planned) {
    if (bases[a.idx]! < 0) return false;
    a.base = bases[a.idx]!;
    a.baseLoaded = true;
  }
  // the header read also covers the base of an archive that starts right after it (archive 0)
  const hlen = header.headerSize + POINT_SIZE;
  const hbuf = Buffer.allocUnsafe(hlen);
  const separate = planned.filter((a) => a.offset !== header.headerSize);
  const baseBufs = separate.map(() => Buffer.allocUnsafe(POINT_SIZE));
  await Promise.all([
    preadAsync(fd, path, hbuf, 0, hlen, 0),
    ...separate.map((a, i) => preadAsync(fd, path, baseBufs[i]!, 0, POINT_SIZE, a.offset)),
    ...planned.map((a) => loadWindow(fd, path, a)),
  ]);
  if (headerFrom(path, hbuf, header.headerSize) !== header) return false;
  for (const a of planned)
    if (a.offset === header.headerSize && hbuf.readUInt32BE(a.offset) !== a.base) return false;
  return separate.every((a, i) => baseBufs[i]!.readUInt32BE(0) === a.base);
}
