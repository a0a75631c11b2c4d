// Worker thread body: runs whisper's synchronous create/updateMany so the main thread (ingest
// and HTTP) never waits for the disk. Jobs come in over the parent port, results go back.

import { existsSync, mkdirSync, readlinkSync, renameSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { type AggregationMethod, createSync, setFadviseRandom, updateManySync } from '@appliance/whisper';
import type { WriteJob, WriteResult } from './whisper-io.js';

export interface WorkerRequest {
  /** the message's id, echoed in the reply */
  id: number;
  /** jobs run in order; their points are all in `points` */
  jobs: Array<{
    file: string;
    create?: WriteJob['create'];
    /** may this job create a missing file (MAX_CREATES_PER_MINUTE had a token)? */
    createAllowed: boolean;
    /** this job's [t, v, ...] is points[start, end) */
    start: number;
    end: number;
  }>;
  /** every job's points back to back: one buffer to copy, not one per job (the cache's batches
   * are views into large shared slabs, which postMessage would copy whole) */
  points: Float64Array;
}

/** How the pool starts a worker (its workerData). */
export interface WorkerOptions {
  /** added to the thread's nice value */
  nice?: number;
  /** POSIX_FADV_RANDOM on the whisper files it opens */
  fadviseRandom?: boolean;
}

export interface WorkerReply {
  id: number;
  /** one per job, in the request's order */
  results: JobResult[];
}

/** ms: how long the job's whisper calls took (carbon's updateTimes time update_many alone) */
export type JobResult = WriteResult & { droppedCreate?: boolean; ms?: number };

/** The flat [t, v, t, v, ...] of a job as the pairs whisper takes. */
function pairs(flat: Float64Array): Array<[number, number]> {
  const out = new Array<[number, number]>(flat.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = [flat[2 * i], flat[2 * i + 1]];
  return out;
}

export function runJob(job: WriteJob, createAllowed: boolean): JobResult {
  let created = false;
  const points = pairs(job.points);
  try {
    const spec = job.create;
    if (spec) {
      // the writer has not seen this file yet: it may exist already (written before a restart)
      if (statSync(job.file, { throwIfNoEntry: false }) !== undefined) {
        updateManySync(job.file, points);
        return { created: false };
      }
      if (!createAllowed) return { created: false, droppedCreate: true };
      // build the file under a hidden name and rename it into place, so a crash (kill -9) can
      // never leave a half-written header where readers look
      // (one name per directory and thread: a thread creates one file at a time, and whisper
      // remembers a little about every path it created, so per-file names piled up)
      const tmp = path.join(path.dirname(job.file), `.${process.pid}-${threadId}.wsp.tmp`);
      const create = () =>
        createSync(tmp, spec.archives, {
          xFilesFactor: spec.xFilesFactor,
          aggregationMethod: spec.aggregationMethod as AggregationMethod,
          sparse: spec.sparse,
        });
      try {
        create();
      } catch {
        // the directory is missing or a crash left the temporary file: the slow path
        mkdirSync(path.dirname(job.file), { recursive: true });
        rmSync(tmp, { force: true });
        create();
      }
      if (existsSync(job.file)) rmSync(tmp, { force: true });
      else {
        renameSync(tmp, job.file);
        created = true;
      }
    }
    updateManySync(job.file, points);
    return { created };
  } catch (e) {
    return { created, error: (e as Error).message };
  }
}

/**
 * Lower this thread's scheduling priority (Linux: a thread is a task with its own nice value).
 * The writer then runs on what ingest leaves: during a burst the receivers keep a core to
 * themselves instead of sharing it with the writers, and the writers still use every idle
 * cycle. Best effort: nothing happens where threads cannot be told apart or reniced.
 */
function lowerPriority(nice: number): void {
  if (!nice) return;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/')[2]);
    // relative to the priority the thread started with (the daemon's), as WRITER_NICE says
    if (Number.isInteger(tid) && tid > 0) os.setPriority(tid, Math.min(19, os.getPriority(tid) + nice));
  } catch {
    // not Linux, or not allowed: run at the process's priority
  }
}

if (parentPort) {
  const options = (workerData ?? {}) as WorkerOptions;
  lowerPriority(Number(options.nice ?? 0));
  setFadviseRandom(options.fadviseRandom === true);
  const port = parentPort;
  port.on('message', (msg: WorkerRequest) => {
    const results: JobResult[] = [];
    for (const j of msg.jobs) {
      const job: WriteJob = { file: j.file, points: msg.points.subarray(j.start, j.end), create: j.create };
      const t0 = performance.now();
      const r = runJob(job, j.createAllowed);
      r.ms = performance.now() - t0;
      results.push(r);
    }
    port.postMessage({ id: msg.id, results } satisfies WorkerReply);
  });
}
