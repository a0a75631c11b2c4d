#!/usr/bin/env node
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { provisioningFiles } from './index.js';

/** grafana-provisioning/ at the repository root, relative to this package's dist/. */
export const PROVISIONING_DIR = fileURLToPath(new URL('../../../grafana-provisioning/', import.meta.url));

/** Writes the generated files; with check=true only reports the ones that differ. */
export async function generate(dir = PROVISIONING_DIR, check = false): Promise<string[]> {
  const stale: string[] = [];
  for (const file of provisioningFiles()) {
    const target = path.join(dir, file.path);
    const current = await readFile(target, 'utf8').catch(() => undefined);
    if (current === file.content) continue;
    stale.push(file.path);
    if (!check) {
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, file.content);
    }
  }
  return stale;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const check = process.argv.includes('--check');
  const stale = await generate(PROVISIONING_DIR, check);
  for (const f of stale) process.stdout.write(`${check ? 'stale' : 'wrote'} grafana-provisioning/${f}\n`);
  process.exit(check && stale.length > 0 ? 1 : 0);
}
