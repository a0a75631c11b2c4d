import { resolve } from 'node:path';
import { WhisperError } from './errors.js';

/**
 * In-process per-path mutex. Every async writer (update, updateMany, set*, merge, fill,
 * resize) runs inside withLock, so two writers in this process never interleave their
 * read-modify-write cycles on one file. Sync writers cannot wait: they throw LOCKED when an
 * async writer holds the path (they run to completion otherwise, so they cannot interleave
 * with each other inside one thread). Node has no flock(2); see docs/whisper.md for what this
 * means for other processes.
 */
const held = new Map<string, Promise<void>>();

export function lockKey(path: string): string {
  return resolve(path);
}

export async function withLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
  const key = lockKey(path);
  for (;;) {
    const prev = held.get(key);
    if (prev === undefined) break;
    await prev;
  }
  let release!: () => void;
  const p = new Promise<void>((r) => {
    release = r;
  });
  held.set(key, p);
  try {
    return await fn();
  } finally {
    held.delete(key);
    release();
  }
}

export function assertUnlocked(path: string): void {
  if (isLocked(path)) {
    throw new WhisperError('LOCKED', 'File is being written by an asynchronous operation', path);
  }
}

export function isLocked(path: string): boolean {
  // nothing held (always so in a thread that only makes sync calls): skip resolving the path,
  // which cost more than the rest of a small update's bookkeeping
  return held.size > 0 && held.has(lockKey(path));
}
