// Seeds (once per machine and seed-script version) a whisper tree with realistic data through python
// whisper, and shares it read-only between test files: seeding takes a few seconds, so it is cached
// under the OS temp dir keyed by the script's hash.

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./seed-whisper.py', import.meta.url));

/** Newest written point is END - step; every comparison passes `now` explicitly. 2026-01-01T00:00Z. */
export const SEED_END = 1767225600;

export interface SeededTree {
  dir: string;
  /** The `now` the tests pass to both implementations. */
  now: number;
  /** Canonical names of the tagged series (graphite-web learns them via /tags/tagMultiSeries). */
  tagged: string[];
}

export async function seedTree(): Promise<SeededTree> {
  const hash = createHash('sha256').update(readFileSync(SCRIPT)).update(String(SEED_END)).digest('hex');
  const dir = join(tmpdir(), `render-diff-seed-${hash.slice(0, 16)}`);
  if (!existsSync(join(dir, 'tagged.txt'))) {
    const work = mkdtempSync(join(tmpdir(), 'render-diff-seeding-'));
    await run(PYTHON, [SCRIPT, work, String(SEED_END)], { maxBuffer: 1 << 24 });
    try {
      renameSync(work, dir);
    } catch {
      // Another test file seeded the same tree concurrently: keep theirs.
      rmSync(work, { recursive: true, force: true });
    }
  }
  const tagged = readFileSync(join(dir, 'tagged.txt'), 'utf8').split('\n').filter(Boolean);
  return { dir, now: SEED_END, tagged };
}
