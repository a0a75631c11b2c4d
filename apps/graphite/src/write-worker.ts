// Worker thread body: runs whisper's synchronous create/updateMany so the main thread (ingest
// and HTTP) never waits for the disk. Jobs come in over the parent port, results go back.

import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parentPort, threadId } from 'node:worker_threads';
import { type AggregationMethod, createSync, updateManySync, WhisperError } from '@appliance/whisper';
import type { WriteJob, WriteResult } from './whisper-io.js';

export interface WorkerRequest {
  id: number;
  job: WriteJob;
  /** may this job create a missing file (MAX_CREATES_PER_MINUTE had a token)? */
  createAllowed: boolean;
}

export interface WorkerReply {
  id: number;
  result: WriteResult & { droppedCreate?: boolean };
}

export function runJob(job: WriteJob, createAllowed: boolean): WorkerReply['result'] {
  let created = false;
  try {
    if (job.create) {
      try {
        updateManySync(job.file, job.points);
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
    updateManySync(job.file, job.points);
    return { created };
  } catch (e) {
    return { created, error: (e as Error).message };
  }
}

if (parentPort) {
  const port = parentPort;
  port.on('message', (msg: WorkerRequest) => {
    port.postMessage({ id: msg.id, result: runJob(msg.job, msg.createAllowed) } satisfies WorkerReply);
  });
}
