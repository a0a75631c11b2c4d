// A small pool of worker threads running write jobs; jobs for one metric are never in flight
// twice (the writer guarantees that), so workers need no locking between themselves. A worker
// that dies fails its outstanding jobs (counted as errors by the writer) and is replaced.
//
// Jobs submitted in the same tick are posted to a worker as one message (and answered with
// one): a postMessage round trip costs about as much as a small updateMany, so sending them one
// by one spent half of the workers' time on messaging.

import { Worker } from 'node:worker_threads';
import type { WriteJob } from './whisper-io.js';
import type { WorkerReply, WorkerRequest } from './write-worker.js';

type Result = WorkerReply['results'][number];

/** jobs per message */
const MAX_BATCH = 64;

interface Slot {
  worker: Worker;
  pending: Map<number, (r: Result) => void>;
  /** jobs waiting for this tick's flush */
  queue: Array<{ id: number; job: WriteJob; createAllowed: boolean }>;
}

export class WritePool {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private closed = false;
  private flushScheduled = false;
  private readonly url: URL;

  /** nice: added to the writer threads' scheduling priority (0: none), see write-worker.ts */
  constructor(
    threads: number,
    private readonly nice = 0,
  ) {
    // from dist/ the worker sits next to us; under vitest (src/*.ts) use the built copy
    const fromSource = import.meta.url.endsWith('.ts');
    this.url = new URL(fromSource ? '../dist/write-worker.js' : './write-worker.js', import.meta.url);
    for (let i = 0; i < Math.max(1, threads); i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const slot: Slot = {
      worker: new Worker(this.url, { workerData: { nice: this.nice } }),
      pending: new Map(),
      queue: [],
    };
    slot.worker.on('message', (m: WorkerReply) => {
      for (const r of m.results) {
        const cb = slot.pending.get(r.id);
        slot.pending.delete(r.id);
        cb?.(r);
      }
    });
    const fail = (why: string) => {
      for (const cb of slot.pending.values())
        cb({ id: 0, created: false, error: `write worker failed: ${why}` });
      slot.pending.clear();
      slot.queue.length = 0;
      if (this.closed) return;
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots[i] = this.spawn();
    };
    slot.worker.on('error', (e) => fail(e.message));
    slot.worker.on('exit', (code) => fail(`exited with ${code}`));
    slot.worker.unref();
    return slot;
  }

  run(job: WriteJob, createAllowed: boolean): Promise<Result> {
    if (this.closed) return Promise.resolve({ id: 0, created: false, error: 'write pool closed' });
    // a file always goes to the same worker: each worker's whisper header cache then holds only
    // its share of the files (with least-busy routing every worker ended up caching every
    // header, hundreds of MB at 100k metrics)
    const best = this.slots[hash(job.file) % this.slots.length];
    const id = this.nextId++;
    return new Promise((resolve) => {
      best.pending.set(id, resolve);
      best.queue.push({ id, job, createAllowed });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    for (const s of this.slots) {
      if (s.queue.length === 0) continue;
      // a few messages per worker rather than one big one, so the worker always has the next
      // batch queued while the lanes whose jobs just finished refill
      const q = s.queue;
      s.queue = [];
      for (let i = 0; i < q.length; i += MAX_BATCH) s.worker.postMessage(pack(q.slice(i, i + MAX_BATCH)));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}

/** One message for a few jobs, their points copied into one compact buffer. */
function pack(batch: Slot['queue']): WorkerRequest {
  let total = 0;
  for (const q of batch) total += q.job.points.length;
  const points = new Float64Array(total);
  const jobs: WorkerRequest['jobs'] = [];
  let off = 0;
  for (const { id, job, createAllowed } of batch) {
    points.set(job.points, off);
    const end = off + job.points.length;
    jobs.push({ id, file: job.file, create: job.create, createAllowed, start: off, end });
    off = end;
  }
  return { jobs, points };
}

/** FNV-1a over the UTF-16 code units: cheap and spreads similar paths. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
