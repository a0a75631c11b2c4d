/**
 * A small LRU of read-only file descriptors for the read path (info, fetch), so a render that
 * reads the same 200 files every few seconds does not open and close each of them every time.
 *
 * Correctness: an fd reads the inode it was opened on. Writes in place (ours in any thread or
 * process, python's, carbon's) go to that same inode and are seen at once through the page cache;
 * what an fd can miss is the path being pointed at another inode (whisper-resize, a delete and
 * re-create, a copy renamed over it). So every use stats the path (in the same thread-pool round
 * as the reads, async) and compares dev/ino with the fd's; on a difference the read is redone on
 * a fresh fd. Entries in use by an in-flight read are closed only when it finishes.
 */
import * as fs from 'node:fs';
import { ioError } from './io.js';

interface Entry {
  fd: number;
  dev: number;
  ino: number;
  users: number;
  dead: boolean;
  lastUsed: number;
}

const cache = new Map<string, Entry>(); // Map order = least recently used first
let maxEntries = 256;
const IDLE_MS = 60_000;
let sweeper: NodeJS.Timeout | null = null;

/** Bound the cache (0 turns it off). Returns the previous bound. */
export function setReadFdCacheSize(n: number): number {
  const old = maxEntries;
  maxEntries = Math.max(0, Math.floor(n));
  trim();
  return old;
}

/** Close every cached descriptor not in use (and the rest as soon as their reads finish). */
export function clearReadFdCache(): void {
  for (const path of [...cache.keys()]) forgetReadFd(path);
}

export function readFdCacheSize(): number {
  return cache.size;
}

export function forgetReadFd(path: string): void {
  const e = cache.get(path);
  if (!e) return;
  cache.delete(path);
  retire(e);
}

function retire(e: Entry): void {
  e.dead = true;
  if (e.users === 0) closeQuietly(e.fd);
}
function closeQuietly(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    // already closed: nothing to release
  }
}
function release(e: Entry): void {
  e.users--;
  e.lastUsed = Date.now();
  if (e.dead && e.users === 0) closeQuietly(e.fd);
}
function trim(): void {
  for (const [path, e] of cache) {
    if (cache.size <= maxEntries) break;
    cache.delete(path);
    retire(e);
  }
}
/** Idle descriptors go after a minute, so a deleted file's space is not held for long. */
function sweep(): void {
  const old = Date.now() - IDLE_MS;
  for (const [path, e] of cache) if (e.users === 0 && e.lastUsed < old) forgetReadFd(path);
  if (cache.size === 0 && sweeper) {
    clearInterval(sweeper);
    sweeper = null;
  }
}
function insert(path: string, fd: number, st: fs.Stats): Entry {
  const e: Entry = { fd, dev: st.dev, ino: st.ino, users: 1, dead: false, lastUsed: Date.now() };
  if (maxEntries === 0) {
    e.dead = true; // used once, closed on release
    return e;
  }
  forgetReadFd(path);
  cache.set(path, e);
  trim();
  if (!sweeper) {
    sweeper = setInterval(sweep, IDLE_MS / 2);
    sweeper.unref();
  }
  return e;
}
function hit(path: string): Entry | undefined {
  const e = cache.get(path);
  if (!e) return undefined;
  cache.delete(path); // move to the most recently used end
  cache.set(path, e);
  e.users++;
  return e;
}

/** Run `fn` on a read-only fd of the file now at `path`; `size` is the file's size. */
export function withReadFdSync<T>(path: string, fn: (fd: number, size: number) => T): T {
  let e = hit(path);
  let size = 0;
  if (e) {
    let st: fs.Stats;
    try {
      st = fs.statSync(path);
    } catch (err) {
      release(e);
      forgetReadFd(path);
      throw ioError(path, err);
    }
    if (st.dev === e.dev && st.ino === e.ino) size = st.size;
    else {
      release(e);
      forgetReadFd(path);
      e = undefined;
    }
  }
  if (!e) {
    let fd: number;
    try {
      fd = fs.openSync(path, 'r');
    } catch (err) {
      throw ioError(path, err);
    }
    let st: fs.Stats;
    try {
      st = fs.fstatSync(fd);
    } catch (err) {
      closeQuietly(fd);
      throw ioError(path, err);
    }
    e = insert(path, fd, st);
    size = st.size;
  }
  try {
    return fn(e.fd, size);
  } finally {
    release(e);
  }
}

function statAsync(path: string): Promise<fs.Stats> {
  return new Promise((resolve, reject) => fs.stat(path, (err, st) => (err ? reject(err) : resolve(st))));
}
function openAndStat(path: string): Promise<{ fd: number; st: fs.Stats }> {
  return new Promise((resolve, reject) =>
    fs.open(path, 'r', (err, fd) => {
      if (err) return reject(ioError(path, err));
      fs.fstat(fd, (err2, st) => {
        if (err2) {
          closeQuietly(fd);
          reject(ioError(path, err2));
        } else resolve({ fd, st });
      });
    }),
  );
}

/**
 * Async twin: with a cached fd, the stat of the path and `fn`'s reads run in one round; the
 * result counts only if the path still named the fd's file, otherwise `fn` runs again on a
 * freshly opened fd.
 */
export async function withReadFd<T>(
  path: string,
  fn: (fd: number) => Promise<T>,
): Promise<{ value: T; size: number }> {
  const e = hit(path);
  if (e) {
    try {
      const [st, v] = await Promise.allSettled([statAsync(path), fn(e.fd)]);
      if (st.status === 'rejected') {
        forgetReadFd(path);
        throw ioError(path, st.reason);
      }
      if (st.value.dev === e.dev && st.value.ino === e.ino) {
        if (v.status === 'rejected') throw v.reason;
        return { value: v.value, size: st.value.size };
      }
      if (cache.get(path) === e) forgetReadFd(path);
    } finally {
      release(e);
    }
  }
  const { fd, st } = await openAndStat(path);
  const fresh = insert(path, fd, st);
  try {
    return { value: await fn(fd), size: st.size };
  } finally {
    release(fresh);
  }
}
