import { setTimeout as sleep } from 'node:timers/promises';

/** The tutorial k6 script's order: every endpoint in turn, then a pause. */
export const TUTORIAL_PATHS = ['/', '/io_task', '/cpu_task', '/random_sleep', '/random_status'] as const;

export interface LoadOptions {
  baseUrl: string;
  /** Stop starting requests after this long (ms). */
  durationMs: number;
  /** Stop after this many requests in total (undefined = no limit). */
  maxRequests?: number;
  /** Concurrent virtual users, each walking the path list in order. */
  concurrency?: number;
  /** Pause after each round of paths (the tutorial's sleep(0.5)). */
  pauseMs?: number;
  paths?: readonly string[];
  /** Per-request timeout (ms). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface LoadSummary {
  requests: number;
  /** Requests that got no HTTP response (connection refused, timeout). */
  errors: number;
  byStatus: Record<string, number>;
  byPath: Record<string, number>;
  elapsedMs: number;
}

/** Drives the demo endpoints from Node, for people without k6. Bounded by time and count. */
export async function runLoad(opts: LoadOptions): Promise<LoadSummary> {
  const paths = opts.paths ?? TUTORIAL_PATHS;
  if (paths.length === 0) throw new Error('no paths to request');
  const base = opts.baseUrl.replace(/\/+$/, '');
  const concurrency = Math.max(1, Math.floor(opts.concurrency ?? 1));
  const pauseMs = opts.pauseMs ?? 500;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const started = Date.now();
  const deadline = started + opts.durationMs;
  const summary: LoadSummary = { requests: 0, errors: 0, byStatus: {}, byPath: {}, elapsedMs: 0 };
  let issued = 0;

  const mayStart = () =>
    Date.now() < deadline &&
    !opts.signal?.aborted &&
    (opts.maxRequests === undefined || issued < opts.maxRequests);

  const user = async () => {
    while (mayStart()) {
      for (const path of paths) {
        if (!mayStart()) return;
        issued++;
        summary.byPath[path] = (summary.byPath[path] ?? 0) + 1;
        try {
          const signals = [AbortSignal.timeout(timeoutMs), ...(opts.signal ? [opts.signal] : [])];
          const res = await fetch(base + path, { signal: AbortSignal.any(signals), redirect: 'manual' });
          await res.arrayBuffer();
          summary.requests++;
          summary.byStatus[res.status] = (summary.byStatus[res.status] ?? 0) + 1;
        } catch {
          summary.errors++;
        }
      }
      if (pauseMs > 0 && mayStart()) await sleep(pauseMs);
    }
  };

  await Promise.all(Array.from({ length: concurrency }, user));
  summary.elapsedMs = Date.now() - started;
  return summary;
}
