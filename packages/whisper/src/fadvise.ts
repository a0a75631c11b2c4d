// posix_fadvise(POSIX_FADV_RANDOM) on the files whisper updates, like python whisper's
// FADVISE_RANDOM (carbon's WHISPER_FADVISE_RANDOM). An update reads a few scattered pages
// (header, archive bases, windows); on a cold file the kernel's readahead turns them into about
// 320 KB of page cache per file instead of 16 KB (measured with read_ahead_kb=8192), so once
// the files outgrow memory every update evicts other files' pages and waits for the disk.
// Node's fs has no fadvise, hence the small addon in native/ (built by `node-gyp rebuild` on
// install). Without it whisper works as before, with the kernel's default readahead.

import { createRequire } from 'node:module';

interface Native {
  fadvise(fd: number, offset: number, length: number, advice: number): number;
  RANDOM?: number;
  DONTNEED?: number;
}

function load(): { native: Native | null; error?: string } {
  try {
    // dist/fadvise.js and src/fadvise.ts both sit one level under the package root
    return { native: createRequire(import.meta.url)('../build/Release/fadvise.node') as Native };
  } catch (e) {
    return { native: null, error: (e as Error).message.split('\n')[0] };
  }
}

const { native, error } = load();
let random = false;

/** Can this process advise the kernel? If not, why (the addon is missing or the OS lacks it). */
export function fadviseSupport(): { available: boolean; why?: string } {
  if (!native) return { available: false, why: `posix_fadvise addon not loaded: ${error}` };
  if (native.RANDOM === undefined)
    return { available: false, why: 'posix_fadvise is not available on this OS' };
  return { available: true };
}

/**
 * Turn POSIX_FADV_RANDOM on or off for files opened from now on for updates and creates
 * (per thread: each writer thread sets its own). Returns whether it is on.
 */
export function setFadviseRandom(on: boolean): boolean {
  random = on && fadviseSupport().available;
  return random;
}

/** A freshly opened fd, advised against readahead if FADVISE_RANDOM is on; returns the fd. */
export function adviseOpened(fd: number): number {
  // advice is a hint: a refusal (EINVAL on a pipe, say) changes nothing about the update itself
  if (random && native) native.fadvise(fd, 0, 0, native.RANDOM as number);
  return fd;
}

/** Ask the kernel to drop a file's clean cached pages (tests use it to start from a cold file). */
export function dropCachedPages(fd: number): void {
  const n = native;
  if (!n || n.DONTNEED === undefined) throw new Error(fadviseSupport().why);
  const rc = n.fadvise(fd, 0, 0, n.DONTNEED);
  if (rc !== 0) throw new Error(`posix_fadvise(DONTNEED) failed: errno ${rc}`);
}
