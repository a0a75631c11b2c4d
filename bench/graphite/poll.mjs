// The on-disk poller of run.mjs, in its own process so it never holds up the sender.
// Every file must be read to know its newest point is there, and on a 2-core machine a poller
// that re-reads every pending file each pass takes a core the daemon under test needs (a
// multi-threaded daemon loses more to it than single-threaded carbon-cache). So each pass walks
// the metrics in order and stops at the first one that is not done yet: both daemons write in
// about that order (their cache's insertion order), each file is read about once, and the
// verification keeps pace with the writes instead of trailing them.
// argv: whisperDir metrics timestamp base timeoutMs. Metric m is done when its file holds
// base + (m % 7) at `timestamp`. Prints the ms waited.
import { join } from 'node:path';
import { fetchSync } from '../../packages/whisper/dist/index.js';

const [whisperDir, n, ts, base, timeoutMs] = [process.argv[2], ...process.argv.slice(3, 7).map(Number)];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const fileOf = (m) => join(whisperDir, 'bench', `host${m % 100}`, `metric${m}.wsp`);

function done(m) {
  try {
    const f = fetchSync(fileOf(m), ts - 10, ts);
    return f !== null && f.values[f.values.length - 1] === base + (m % 7);
  } catch {
    return false;
  }
}

const t0 = performance.now();
let next = 0;
while (next < n && performance.now() - t0 < timeoutMs) {
  while (next < n && done(next)) next++;
  if (next < n) await sleep(20);
}
if (next < n) {
  console.error(`${n - next} metrics never reached the disk`);
  process.exit(1);
}
console.log(performance.now() - t0);
