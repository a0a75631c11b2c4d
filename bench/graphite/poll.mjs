// The on-disk poller of run.mjs, in its own process so it never holds up the sender.
// Every file must be read to know its newest point is there, and on a 2-core machine a poller
// that re-reads every pending file each pass takes a core the daemon under test needs (a
// multi-threaded daemon loses more to it than single-threaded carbon-cache). So each pass walks
// the metrics in order and stops at the first one that is not done yet: both daemons write in
// about that order (their cache's insertion order), each file is read about once, and the
// verification keeps pace with the writes instead of trailing them.
// A check reads only what it needs, straight from the whisper format (header, archive 0's
// base, the one slot): a general fetch that reads the small first archive whole cost several
// times more per file, and at 100k metrics the poller trailed the daemon by seconds.
// argv: whisperDir metrics timestamp base timeoutMs. Metric m is done when archive 0 of its
// file holds base + (m % 7) at `timestamp`. Prints the ms waited.
import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';

const [whisperDir, n, ts, base, timeoutMs] = [process.argv[2], ...process.argv.slice(3, 7).map(Number)];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const fileOf = (m) => join(whisperDir, 'bench', `host${m % 100}`, `metric${m}.wsp`);
const buf = Buffer.alloc(28);

/** Read len bytes at pos into buf; false when the file is shorter. */
function pread(fd, len, pos) {
  return readSync(fd, buf, 0, len, pos) === len;
}

function done(m) {
  let fd;
  try {
    fd = openSync(fileOf(m), 'r');
  } catch {
    return false; // not created yet
  }
  try {
    // metadata (16 bytes: aggregation, max retention, xff, archive count), then per archive
    // offset, seconds per point, points: only archive 0's entry is needed
    if (!pread(fd, 28, 0) || buf.readUInt32BE(12) < 1) return false;
    const offset = buf.readUInt32BE(16);
    const step = buf.readUInt32BE(20);
    const points = buf.readUInt32BE(24);
    if (!pread(fd, 12, offset)) return false;
    const first = buf.readUInt32BE(0); // the timestamp in slot 0 (0: empty archive)
    if (first === 0) return false;
    const slot = (((Math.floor((ts - first) / step) % points) + points) % points) >>> 0;
    if (!pread(fd, 12, offset + slot * 12)) return false;
    return buf.readUInt32BE(0) === ts && buf.readDoubleBE(4) === base + (m % 7);
  } finally {
    closeSync(fd);
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
