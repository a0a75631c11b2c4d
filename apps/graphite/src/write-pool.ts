// A small pool of worker threads running write jobs; jobs for one metric are never in flight
// twice (the writer guarantees that), so workers need no locking between themselves. A worker
// that dies fails its outstanding jobs (counted as errors by the writer) and is replaced.
//
// The writer hands over jobs in chunks, and a worker gets them a few dozen per message (answered
// with one): a postMessage round trip costs about as much as a small updateMany, so sending them
// one by one spent half of the workers' time on messaging.

import { Worker } from 'node:worker_threads';
import type { WriteJob } from './whisper-io.js';
import type { JobResult, WorkerOptions, WorkerReply, WorkerRequest } from './write-worker.js';

/** jobs per message */
const MAX_BATCH = 64;

interface Slot {
  worker: Worker;
  /** messages posted and not answered yet, by message id: their job count and resolver */
  pending: Map<number, { n: number; resolve: (r: JobResult[]) => void }>;
}

export class WritePool {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private closed = false;
  private readonly url: URL;

  /**
   * nice: added to the writer threads' scheduling priority (0: none); fadviseRandom: no
   * readahead on the files they open (whisper's setFadviseRandom). See write-worker.ts.
   */
  constructor(
    threads: number,
    private readonly options: WorkerOptions = {},
  ) {
    // from dist/ the worker sits next to us; under vitest (src/*.ts) use the built copy
    const fromSource = import.meta.url.endsWith('.ts');
    this.url = new URL(fromSource ? '../dist/write-worker.js' : './write-worker.js', import.meta.url);
    for (let i = 0; i < Math.max(1, threads); i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const slot: Slot = {
      worker: new Worker(this.url, { workerData: this.options }),
      pending: new Map(),
    };
    slot.worker.on('message', (m: WorkerReply) => {
      const p = slot.pending.get(m.id);
      slot.pending.delete(m.id);
      p?.resolve(m.results);
    });
    const fail = (why: string) => {
      for (const p of slot.pending.values())
        p.resolve(
          Array.from({ length: p.n }, () => ({ created: false, error: `write worker failed: ${why}` })),
        );
      slot.pending.clear();
      if (this.closed) return;
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots[i] = this.spawn();
    };
    slot.worker.on('error', (e) => fail(e.message));
    slot.worker.on('exit', (code) => fail(`exited with ${code}`));
    slot.worker.unref();
    return slot;
  }

  /**
   * Run jobs (createAllowed[i] goes with jobs[i]); the results come back in the same order. A
   * file always goes to the same worker: each worker's whisper header cache then holds only its
   * share of the files (with least-busy routing every worker ended up caching every header,
   * hundreds of MB at 100k metrics). One message per worker and MAX_BATCH jobs, one promise
   * per message: per job, only its share of the packing.
   */
  runMany(jobs: readonly WriteJob[], createAllowed: readonly boolean[]): Promise<JobResult[]> {
    if (this.closed) return Promise.resolve(jobs.map(() => ({ created: false, error: 'write pool closed' })));
    const bySlot: number[][] = this.slots.map(() => []);
    for (let i = 0; i < jobs.length; i++) bySlot[hash(jobs[i].file) % this.slots.length].push(i);
    const out = new Array<JobResult>(jobs.length);
    const waits: Promise<void>[] = [];
    for (let s = 0; s < bySlot.length; s++) {
      const all = bySlot[s];
      for (let k = 0; k < all.length; k += MAX_BATCH) {
        const part = all.slice(k, k + MAX_BATCH);
        waits.push(
          this.post(this.slots[s], part, jobs, createAllowed).then((res) => {
            for (let j = 0; j < part.length; j++) out[part[j]] = res[j];
          }),
        );
      }
    }
    return Promise.all(waits).then(() => out);
  }

  private post(
    slot: Slot,
    part: readonly number[],
    jobs: readonly WriteJob[],
    createAllowed: readonly boolean[],
  ): Promise<JobResult[]> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      slot.pending.set(id, { n: part.length, resolve });
      slot.worker.postMessage(pack(id, part, jobs, createAllowed));
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}

/** One message for the jobs jobs[i], i in part, their points copied into one compact buffer. */
function pack(
  id: number,
  part: readonly number[],
  jobs: readonly WriteJob[],
  createAllowed: readonly boolean[],
): WorkerRequest {
  let total = 0;
  for (const i of part) total += jobs[i].points.length;
  const points = new Float64Array(total);
  const out: WorkerRequest['jobs'] = [];
  let off = 0;
  for (const i of part) {
    const job = jobs[i];
    points.set(job.points, off);
    const end = off + job.points.length;
    out.push({ file: job.file, create: job.create, createAllowed: createAllowed[i], start: off, end });
    off = end;
  }
  return { id, jobs: out, points };
}

/** FNV-1a over the UTF-16 code units: cheap and spreads similar paths. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
