// Runs the reference: Etsy statsd 0.9.0 from npm, as a child process, in a temp dir.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
export const ETSY_DIR = dirname(require.resolve('statsd/package.json'));
export const ETSY_STATS_JS = join(ETSY_DIR, 'stats.js');

export interface EtsyDaemon {
  proc: ChildProcess;
  stdout: () => string;
  stop(): Promise<void>;
}

/** Starts Etsy statsd with `config` (written as a JS literal) and waits for `server is up`. */
export async function startEtsy(config: Record<string, unknown>): Promise<EtsyDaemon> {
  const dir = mkdtempSync(join(tmpdir(), 'etsy-statsd-'));
  const file = join(dir, 'config.js');
  writeFileSync(file, `${JSON.stringify({ automaticConfigReload: false, ...config }, null, 2)}\n`);
  const proc = spawn(process.execPath, [ETSY_STATS_JS, file], {
    cwd: ETSY_DIR,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d.toString()));
  proc.stderr!.on('data', (d) => (out += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`Etsy statsd did not start:\n${out}`)), 15_000);
    const check = () => {
      if (out.includes('server is up')) {
        clearTimeout(t);
        resolve();
      }
    };
    proc.stdout!.on('data', check);
    proc.once('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`Etsy statsd exited with ${code}:\n${out}`));
    });
  });
  // It logs `server is up` before its UDP bind has completed.
  await new Promise((r) => setTimeout(r, 300));
  return {
    proc,
    stdout: () => out,
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
