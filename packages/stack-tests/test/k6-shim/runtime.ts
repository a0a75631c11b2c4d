/**
 * TEST INFRASTRUCTURE, not k6: the small part of k6's runtime our scripts use, so their request
 * logic can run in Node against the real demo API (k6 itself cannot be installed here).
 * k6's http.get is synchronous, so requests run in a worker thread while this thread blocks on
 * Atomics.wait; the demo API must therefore live in another process.
 */
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';

export interface RecordedRequest {
  method: string;
  url: string;
  status: number;
  durationMs: number;
  tags: Record<string, string>;
  /** k6's notion of a failed request (http_req_failed): outside the expected statuses. */
  failed: boolean;
}

export interface RecordedCheck {
  name: string;
  pass: boolean;
}

export interface ShimState {
  requests: RecordedRequest[];
  checks: RecordedCheck[];
  sleeps: number[];
  /** Multiplies sleep() so long scenarios run quickly; the request logic is unchanged. */
  sleepScale: number;
}

export const state: ShimState = { requests: [], checks: [], sleeps: [], sleepScale: 1 };

export function resetState(sleepScale = 1): void {
  state.requests = [];
  state.checks = [];
  state.sleeps = [];
  state.sleepScale = sleepScale;
}

let worker: Worker | undefined;

function getWorker(): Worker {
  if (!worker) {
    worker = new Worker(new URL('./fetch-worker.mjs', import.meta.url));
    worker.unref();
  }
  return worker;
}

export function stopWorker(): Promise<number> | undefined {
  const w = worker;
  worker = undefined;
  return w?.terminate();
}

export interface SyncResponse {
  status: number;
  body: string;
  headers: Record<string, string>;
  error: string;
  duration: number;
}

export function syncFetch(method: string, url: string, redirects: number, timeoutMs = 60_000): SyncResponse {
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  getWorker().postMessage({ url, method, redirects, timeoutMs, port: port2, signal }, [port2]);
  const outcome = Atomics.wait(signal, 0, 0, timeoutMs + 5000);
  const msg = receiveMessageOnPort(port1);
  port1.close();
  if (outcome === 'timed-out' || !msg) throw new Error(`shim: no answer for ${method} ${url}`);
  return msg.message as SyncResponse;
}

export function blockFor(ms: number): void {
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
