// The whisper operations the daemon needs. Kept behind this small interface so the writer can
// run them in-process (async) or in worker threads (sync calls) without the rest caring.

import type { ArchiveSpec } from '@appliance/whisper';

export interface CreateSpec {
  archives: ArchiveSpec[];
  xFilesFactor: number;
  aggregationMethod: string;
  sparse: boolean;
}

export interface FileInfo {
  aggregationMethod: string;
  xFilesFactor: number;
  maxRetention: number;
  archives: Array<{ secondsPerPoint: number; points: number; retention: number }>;
}

/** One writer job: create the file if asked (and missing), then one updateMany. */
export interface WriteJob {
  file: string;
  /** timestamp, value, timestamp, value, ... (a typed array is far cheaper to post to a worker
   * than an array of pairs) */
  points: Float64Array;
  create?: CreateSpec;
}

export interface WriteResult {
  created: boolean;
  error?: string;
}
