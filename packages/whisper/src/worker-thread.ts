/**
 * Body of WhisperWorker's thread: runs batches of operations with the sync API and answers
 * each batch with one message. Points arrive as Float64Arrays; fetches go back as the raw slot
 * bytes (transferred) and are decoded by the caller, so nothing is cloned per point.
 */
import { parentPort } from 'node:worker_threads';
import { WhisperError } from './errors.js';
import {
  fetchManyRawSync,
  fetchRawSync,
  type RawFetch,
  type RawManyItem,
  updateManySync,
  updateSync,
} from './ops.js';

export type WorkerOp =
  | { op: 'updateMany'; path: string; ts: Float64Array; vs: Float64Array; now?: number }
  | { op: 'update'; path: string; value: number; timestamp?: number; now?: number }
  | { op: 'fetch'; path: string; from: number; until?: number; now?: number; select?: number | string }
  | { op: 'fetchMany'; path: string; paths: string[]; from: number; until?: number; now?: number }
  | { op: 'ping'; path: string };

export type WorkerReply =
  | { ok: true; fetch?: RawFetch | null; many?: RawManyItem[] }
  | { ok: false; code: string; message: string; path: string };

function run(o: WorkerOp): WorkerReply {
  try {
    if (o.op === 'ping') return { ok: true };
    if (o.op === 'fetchMany') return { ok: true, many: fetchManyRawSync(o.paths, o.from, o.until, o.now) };
    if (o.op === 'updateMany') {
      const pts = new Array<[number, number]>(o.ts.length);
      for (let i = 0; i < o.ts.length; i++) pts[i] = [o.ts[i]!, o.vs[i]!];
      updateManySync(o.path, pts, o.now);
      return { ok: true };
    }
    if (o.op === 'update') {
      updateSync(o.path, o.value, o.timestamp, o.now);
      return { ok: true };
    }
    return { ok: true, fetch: fetchRawSync(o.path, o.from, o.until, o.now, o.select) };
  } catch (e) {
    if (e instanceof WhisperError) return { ok: false, code: e.code, message: e.message, path: e.path };
    return { ok: false, code: 'IO', message: (e as Error)?.message ?? String(e), path: o.path };
  }
}

parentPort?.on('message', (batch: WorkerOp[]) => {
  const replies = batch.map(run);
  // slot bytes move to the main thread without a copy
  const transfer: ArrayBuffer[] = [];
  const give = (d: Buffer | null | undefined) => {
    if (d && d.byteOffset === 0 && d.byteLength === d.buffer.byteLength)
      transfer.push(d.buffer as ArrayBuffer);
  };
  for (const r of replies) {
    if (!r.ok) continue;
    give(r.fetch?.data);
    for (const m of r.many ?? []) give(m.raw?.data);
  }
  parentPort!.postMessage(replies, transfer);
});
