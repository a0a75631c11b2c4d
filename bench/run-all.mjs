// `pnpm bench`: runs every component benchmark (or the ones named on the command line) in turn.
// Each writes bench/results/<component>.md and .json; this prints the markdown tables at the end.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const components = readdirSync(here, { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== 'results' && existsSync(join(here, d.name, 'run.mjs')))
  .map((d) => d.name)
  .filter((name) => wanted.length === 0 || wanted.includes(name));
mkdirSync(join(here, 'results'), { recursive: true });

let failed = 0;
for (const name of components) {
  console.log(`\n=== bench/${name} ===`);
  const run = spawnSync(process.execPath, [join(here, name, 'run.mjs')], { stdio: 'inherit' });
  if (run.status !== 0) {
    failed++;
    console.error(`bench/${name} failed (exit ${run.status})`);
  }
}
for (const name of components) {
  const md = join(here, 'results', `${name}.md`);
  if (existsSync(md)) console.log(`\n${readFileSync(md, 'utf8')}`);
}
process.exit(failed > 0 ? 1 : 0);
