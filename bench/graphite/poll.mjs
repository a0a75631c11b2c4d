// The on-disk poller of run.mjs, in its own process so it never holds up the sender.
// Every file must be read to know its newest point is there, and on a 2-core machine a poller
// that re-reads every pending file each pass takes a core the daemon under test needs (a
// multi-threaded daemon loses more to it than single-threaded carbon-cache). So each pass walks
// the metrics in order and stops at the first one that is not done yet: both daemons write in
// about that order (their cache's insertion order), each file is read about once, and the
// verification keeps pace with the writes instead of trailing them.
// A check reads only what it needs, straight from the whisper format (header, archive 0's
// base, the one slot), in one read from offset 0 when the slot is near the start (as in this
// benchmark): open, read, close. A general fetch that reads the small first archive whole cost
// several times more per file, and at 100k metrics the poller trailed the daemon by seconds.
// argv: whisperDir metrics timestamp base timeoutMs. Metric m is done when archive 0 of its
// file holds base + (m % 7) at `timestamp`. Prints the ms waited.
import { closeSync, openSync, readSync } from 'node:fs';

const [whisperDir, n, ts, base, timeoutMs] = [process.argv[2], ...process.argv.slice(3, 7).map(Number)];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// relative to the whisper root: a shorter path to resolve on every open
process.chdir(whisperDir);
const fileOf = (m) => `bench/host${m % 100}/metric${m}.wsp`;
let buf = Buffer.alloc(1 << 16);
/** Where the slot was in the last file checked: the files share a schema and (from the
 * warm-up) archive 0's base, so one read from offset 0 usually covers header, base and slot. */
let guess = 28;

/** The slot's byte position in a file whose first `len` bytes are in buf; -1 if unknown yet. */
function slotPos(len) {
  if (len < 28 || buf.readUInt32BE(12) < 1) return -1;
  // metadata (16 bytes: aggregation, max retention, xff, archive count), then per archive
  // offset, seconds per point, points: only archive 0's entry is needed
  const offset = buf.readUInt32BE(16);
  const step = buf.readUInt32BE(20);
  const points = buf.readUInt32BE(24);
  if (len < offset + 12) return -2; // base not read yet
  const first = buf.readUInt32BE(offset); // the timestamp in slot 0 (0: empty archive)
  if (first === 0) return -1;
  const slot = (((Math.floor((ts - first) / step) % points) + points) % points) >>> 0;
  return offset + slot * 12;
}

function done(m) {
  let fd;
  try {
    fd = openSync(fileOf(m), 'r');
  } catch {
    return false; // not created yet
  }
  try {
    let len = readSync(fd, buf, 0, Math.min(guess + 12, buf.length), 0);
    // at most two more reads: for archive 0's base, then for the slot
    for (let tries = 0; tries < 3; tries++) {
      const pos = slotPos(len);
      if (pos === -1) return false;
      const want = pos === -2 ? buf.readUInt32BE(16) + 12 : pos + 12;
      if (pos >= 0 && want <= len) {
        guess = pos;
        return buf.readUInt32BE(pos) === ts && buf.readDoubleBE(pos + 4) === base + (m % 7);
      }
      if (want > buf.length) buf = Buffer.alloc(want);
      len = readSync(fd, buf, 0, want, 0);
      if (len < want) return false;
    }
    return false;
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
