/**
 * WhisperWorker: the sync engine in a worker thread behind an async API. Requests made in
 * the same tick travel as one message and come back as one, so the per-call cost is close
 * to the sync API's while the event loop never waits for the disk. Operations run in
 * arrival order, one at a time, so two writes to one file never interleave inside the
 * worker. Do not write the same file through a worker and through the in-thread async API
 * at the same time (they do not share a lock).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { WhisperError, type WhisperErrorCode } from './errors.js';
import { decodeRawFetch, type FetchManyItem, type FetchResult } from './ops.js';
import type { WorkerOp, WorkerReply } from './worker-thread.js';

interface Pending {
  resolve: (r: WorkerReply) => void;
  reject: (e: unknown) => void;
}

export class WhisperWorker {
  private readonly worker: Worker;
  private queue: WorkerOp[] = [];
  private waiting: Pending[] = [];
  private inflight: Pending[][] = [];
  private scheduled = false;
  private closed = false;

  constructor() {
    const built = new URL('./worker-thread.js', import.meta.url);
    // from the TypeScript sources (tests) the thread needs a loader for .ts files
    this.worker = existsSync(fileURLToPath(built))
      ? new Worker(built)
      : new Worker(
          `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(
            new URL('./worker-thread.ts', import.meta.url).href,
          )}); });`,
          { eval: true },
        );
    this.worker.on('message', (replies: WorkerReply[]) => {
      const batch = this.inflight.shift()!;
      for (let i = 0; i < replies.length; i++) batch[i]!.resolve(replies[i]!);
    });
    this.worker.on('error', (e) => this.failAll(e));
    this.worker.on('exit', (code) => {
      if (!this.closed) this.failAll(new WhisperError('IO', `whisper worker exited with code ${code}`));
    });
    this.worker.unref();
  }

  private failAll(e: unknown): void {
    for (const batch of this.inflight) for (const p of batch) p.reject(e);
    for (const p of this.waiting) p.reject(e);
    this.inflight = [];
    this.waiting = [];
    this.queue = [];
  }

  private send(op: WorkerOp, transfer: ArrayBuffer[] = []): Promise<WorkerReply> {
    if (this.closed) return Promise.reject(new WhisperError('IO', 'whisper worker is closed'));
    return new Promise<WorkerReply>((resolve, reject) => {
      this.queue.push(op);
      this.waiting.push({ resolve, reject });
      this.transfers.push(...transfer);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }
  private transfers: ArrayBuffer[] = [];

  private flush(): void {
    this.scheduled = false;
    if (this.queue.length === 0) return;
    const ops = this.queue;
    const transfer = this.transfers;
    this.inflight.push(this.waiting);
    this.queue = [];
    this.waiting = [];
    this.transfers = [];
    this.worker.ref();
    this.worker.postMessage(ops, transfer);
  }

  private static check(r: WorkerReply): WorkerReply {
    if (!r.ok) throw new WhisperError(r.code as WhisperErrorCode, r.message, r.path);
    return r;
  }
  private idle(): void {
    if (this.inflight.length === 0 && this.queue.length === 0) this.worker.unref();
  }

  async updateMany(
    path: string,
    points: ReadonlyArray<readonly [number, number]>,
    now?: number,
  ): Promise<void> {
    if (!points || points.length === 0) return;
    const ts = new Float64Array(points.length);
    const vs = new Float64Array(points.length);
    for (let i = 0; i < points.length; i++) {
      ts[i] = Number(points[i]![0]);
      vs[i] = Number(points[i]![1]);
    }
    try {
      WhisperWorker.check(await this.send({ op: 'updateMany', path, ts, vs, now }, [ts.buffer, vs.buffer]));
    } finally {
      this.idle();
    }
  }

  async update(path: string, value: number, timestamp?: number, now?: number): Promise<void> {
    try {
      WhisperWorker.check(await this.send({ op: 'update', path, value: Number(value), timestamp, now }));
    } finally {
      this.idle();
    }
  }

  async fetch(
    path: string,
    fromTime: number,
    untilTime?: number,
    now?: number,
    archiveToSelect?: number | string,
  ): Promise<FetchResult | null> {
    let r: WorkerReply;
    try {
      r = WhisperWorker.check(
        await this.send({
          op: 'fetch',
          path,
          from: fromTime,
          until: untilTime,
          now,
          select: archiveToSelect,
        }),
      );
    } finally {
      this.idle();
    }
    if (!r.ok || !r.fetch) return null;
    const f = r.fetch;
    // structured clone turns a Buffer into a plain Uint8Array: view it as a Buffer again
    const data = f.data ? Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength) : null;
    return decodeRawFetch({ ...f, data });
  }

  /**
   * `fetchMany` with the file reads done in the thread (sync: a stat and two or three reads per warm
   * file) and only the decoding on the calling thread: one message each way for the whole batch.
   */
  async fetchMany(
    paths: readonly string[],
    fromTime: number,
    untilTime?: number,
    now?: number,
  ): Promise<FetchManyItem[]> {
    let r: WorkerReply;
    try {
      r = WhisperWorker.check(
        await this.send({
          op: 'fetchMany',
          path: '',
          paths: [...paths],
          from: fromTime,
          until: untilTime,
          now,
        }),
      );
    } finally {
      this.idle();
    }
    return (r.ok && r.many ? r.many : []).map((m): FetchManyItem => {
      if (m.error)
        return {
          path: m.path,
          info: null,
          result: null,
          error: new WhisperError(m.error.code as WhisperErrorCode, m.error.message, m.path),
        };
      if (!m.raw) return { path: m.path, info: m.info, result: null };
      const d = m.raw.data;
      const data = d ? Buffer.from(d.buffer, d.byteOffset, d.byteLength) : null;
      return { path: m.path, info: m.info, result: decodeRawFetch({ ...m.raw, data }) };
    });
  }

  /** Resolves once the thread has started and answers. */
  async ready(): Promise<void> {
    try {
      WhisperWorker.check(await this.send({ op: 'ping', path: '' }));
    } finally {
      this.idle();
    }
  }

  /** Finish what was queued, then stop the thread. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.queue.length) this.flush();
    while (this.inflight.length) await new Promise((r) => setImmediate(r));
    this.closed = true;
    await this.worker.terminate();
  }
}
