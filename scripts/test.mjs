// Runs every package's tests through turbo, then prints one total line that CI reads.
import { spawnSync } from 'node:child_process';

const args = ['run', 'test', '--concurrency=1', '--continue', ...process.argv.slice(2)];
const run = spawnSync('turbo', args, { stdio: 'inherit' });
const summary = spawnSync(process.execPath, ['scripts/test-summary.mjs'], { stdio: 'inherit' });
process.exit(run.status === 0 && summary.status === 0 ? 0 : 1);
