// A small pool of worker threads running write jobs; jobs for one metric are never in flight
// twice (the writer guarantees that), so workers need no locking between themselves. A worker
// that dies fails its outstanding jobs (counted as errors by the writer) and is replaced.

import { Worker } from 'node:worker_threads';
import type { WriteJob } from './whisper-io.js';
import type { WorkerReply, WorkerRequest } from './write-worker.js';

type Result = WorkerReply['result'];

interface Slot {
  worker: Worker;
  pending: Map<number, (r: Result) => void>;
}

export class WritePool {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private closed = false;
  private readonly url: URL;

  constructor(threads: number) {
    // from dist/ the worker sits next to us; under vitest (src/*.ts) use the built copy
    const fromSource = import.meta.url.endsWith('.ts');
    this.url = new URL(fromSource ? '../dist/write-worker.js' : './write-worker.js', import.meta.url);
    for (let i = 0; i < Math.max(1, threads); i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const slot: Slot = { worker: new Worker(this.url), pending: new Map() };
    slot.worker.on('message', (m: WorkerReply) => {
      const cb = slot.pending.get(m.id);
      slot.pending.delete(m.id);
      cb?.(m.result);
    });
    const fail = (why: string) => {
      for (const cb of slot.pending.values()) cb({ created: false, error: `write worker failed: ${why}` });
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

  run(job: WriteJob, createAllowed: boolean): Promise<Result> {
    if (this.closed) return Promise.resolve({ created: false, error: 'write pool closed' });
    let best = this.slots[0];
    for (const s of this.slots) if (s.pending.size < best.pending.size) best = s;
    const id = this.nextId++;
    return new Promise((resolve) => {
      best.pending.set(id, resolve);
      best.worker.postMessage({ id, job, createAllowed } satisfies WorkerRequest);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
