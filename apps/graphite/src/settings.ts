// Daemon settings: carbon.conf's [cache] section (if a conf dir has one), then environment
// variables GRAPHITE_<NAME>, then explicit options. Numbers accept `inf` like carbon's.

import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WriteStrategy } from './cache.js';
import { parseIni } from './ini.js';

export interface Settings {
  maxCacheSize: number;
  maxUpdatesPerSecond: number;
  maxUpdatesPerSecondOnShutdown: number;
  maxCreatesPerMinute: number;
  cacheWriteStrategy: WriteStrategy;
  minTimestampResolution: number;
  carbonMetricInterval: number;
  carbonMetricPrefix: string;
  whisperSparseCreate: boolean;
  enableUdpListener: boolean;
  pickleReceiverMaxLength: number;
  useFlowControl: boolean;
  writerThreads: number;
  writerConcurrency: number;
  writerNice: number;
  whisperFadviseRandom: boolean;
  /** graphite-web's DEFAULT_CACHE_DURATION: seconds a /render answer is reused when the request sets no cacheTimeout. */
  defaultCacheDuration: number;
}

export const DEFAULT_SETTINGS: Settings = {
  maxCacheSize: Infinity,
  // carbon defaults to 500 and the image to 50 creates/minute; both are known bottlenecks, and
  // the cache's self-batching already bounds file operations
  maxUpdatesPerSecond: Infinity,
  maxUpdatesPerSecondOnShutdown: Infinity,
  maxCreatesPerMinute: Infinity,
  cacheWriteStrategy: 'sorted',
  minTimestampResolution: 1,
  carbonMetricInterval: 10,
  carbonMetricPrefix: 'carbon',
  whisperSparseCreate: true,
  enableUdpListener: true,
  pickleReceiverMaxLength: 2 ** 20,
  useFlowControl: true,
  // whisper I/O is mostly syscalls: one thread per core keeps several writes in flight. More
  // pay off only when the files' pages do not fit in the page cache (docs/graphite.md).
  writerThreads: Math.max(2, Math.min(8, os.availableParallelism())),
  writerConcurrency: 16,
  // writer threads run at this nice value above the daemon's own: ingest first, see write-worker.ts
  writerNice: 10,
  // carbon's default is off; on, a cold file costs ~16 KB of page cache per update instead of
  // ~320 KB of readahead, which decides the rate once the files outgrow memory (docs/graphite.md)
  whisperFadviseRandom: true,
  // graphite-web reuses answers only with memcache, which the docker image leaves off; 0 keeps
  // dashboards live (read-your-writes). A request's own cacheTimeout still turns caching on.
  defaultCacheDuration: 0,
};

const KEYS: Record<string, keyof Settings> = {
  MAX_CACHE_SIZE: 'maxCacheSize',
  MAX_UPDATES_PER_SECOND: 'maxUpdatesPerSecond',
  MAX_UPDATES_PER_SECOND_ON_SHUTDOWN: 'maxUpdatesPerSecondOnShutdown',
  MAX_CREATES_PER_MINUTE: 'maxCreatesPerMinute',
  CACHE_WRITE_STRATEGY: 'cacheWriteStrategy',
  MIN_TIMESTAMP_RESOLUTION: 'minTimestampResolution',
  CARBON_METRIC_INTERVAL: 'carbonMetricInterval',
  CARBON_METRIC_PREFIX: 'carbonMetricPrefix',
  WHISPER_SPARSE_CREATE: 'whisperSparseCreate',
  ENABLE_UDP_LISTENER: 'enableUdpListener',
  PICKLE_RECEIVER_MAX_LENGTH: 'pickleReceiverMaxLength',
  USE_FLOW_CONTROL: 'useFlowControl',
  WRITER_THREADS: 'writerThreads',
  WRITER_CONCURRENCY: 'writerConcurrency',
  WRITER_NICE: 'writerNice',
  WHISPER_FADVISE_RANDOM: 'whisperFadviseRandom',
  DEFAULT_CACHE_DURATION: 'defaultCacheDuration',
};

function convert(key: keyof Settings, raw: string): Settings[keyof Settings] {
  const v = raw.trim();
  const d = DEFAULT_SETTINGS[key];
  if (typeof d === 'boolean') return /^(true|1|yes|on)$/i.test(v);
  if (typeof d === 'number') {
    if (/^inf(inity)?$/i.test(v)) return Infinity;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`invalid value for ${key}: ${raw}`);
    return n;
  }
  if (key === 'cacheWriteStrategy' && !['sorted', 'max', 'naive', 'timesorted'].includes(v)) {
    throw new Error(`invalid CACHE_WRITE_STRATEGY: ${raw}`);
  }
  return v;
}

export function loadSettings(
  confDir: string | undefined,
  env: NodeJS.ProcessEnv,
  overrides: Partial<Settings> = {},
): Settings {
  const s: Settings = { ...DEFAULT_SETTINGS };
  const set = (key: keyof Settings, raw: string) => {
    (s as unknown as Record<string, unknown>)[key] = convert(key, raw);
  };
  if (confDir) {
    let text: string | undefined;
    try {
      text = readFileSync(path.join(confDir, 'carbon.conf'), 'utf8');
    } catch {
      // carbon.conf is optional
    }
    if (text) {
      const cacheSection = parseIni(text).find((x) => x.name === 'cache');
      for (const [k, v] of cacheSection?.values ?? []) {
        const key = KEYS[k.toUpperCase()];
        if (key) set(key, v);
      }
    }
  }
  for (const [name, key] of Object.entries(KEYS)) {
    const v = env[`GRAPHITE_${name}`];
    if (v !== undefined && v !== '') set(key, v);
  }
  return { ...s, ...overrides };
}
