// Worker thread body: runs whisper's synchronous create/updateMany so the main thread (ingest
// and HTTP) never waits for the disk. Jobs come in over the parent port, results go back.

import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parentPort, threadId } from 'node:worker_threads';
import { type AggregationMethod, createSync, updateManySync, WhisperError } from '@appliance/whisper';
import type { WriteJob, WriteResult } from './whisper-io.js';

export interface WorkerRequest {
  /** the jobs the pool collected in one tick, run in order */
  jobs: Array<{
    id: number;
    job: WriteJob;
    /** may this job create a missing file (MAX_CREATES_PER_MINUTE had a token)? */
    createAllowed: boolean;
  }>;
}

export interface WorkerReply {
  results: Array<{ id: number } & JobResult>;
}

export type JobResult = WriteResult & { droppedCreate?: boolean };

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
    if (job.create) {
      try {
        updateManySync(job.file, points);
        return { created: false };
      } catch (e) {
        if (!(e instanceof WhisperError && e.code === 'NOT_FOUND')) throw e;
      }
      if (!createAllowed) return { created: false, droppedCreate: true };
      mkdirSync(path.dirname(job.file), { recursive: true });
      // build the file under a hidden name and rename it into place, so a crash (kill -9) can
      // never leave a half-written header where readers look
      const tmp = path.join(
        path.dirname(job.file),
        `.${path.basename(job.file)}.${process.pid}-${threadId}.tmp`,
      );
      rmSync(tmp, { force: true });
      createSync(tmp, job.create.archives, {
        xFilesFactor: job.create.xFilesFactor,
        aggregationMethod: job.create.aggregationMethod as AggregationMethod,
        sparse: job.create.sparse,
      });
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

if (parentPort) {
  const port = parentPort;
  port.on('message', (msg: WorkerRequest) => {
    const results: WorkerReply['results'] = [];
    for (const { id, job, createAllowed } of msg.jobs) results.push({ id, ...runJob(job, createAllowed) });
    port.postMessage({ results } satisfies WorkerReply);
  });
}
