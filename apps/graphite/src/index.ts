// startGraphite: receivers + cache + writer + tag/event DB + HTTP API (+ web UI), in-process.

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { registerUi } from '@appliance/web-ui/server';
import { fadviseSupport, WhisperError, info as whisperInfo } from '@appliance/whisper';
import type { FastifyInstance } from 'fastify';
import { type Logger, pino } from 'pino';
import { MetricCache } from './cache.js';
import { Finder } from './finder.js';
import { buildHttp } from './http.js';
import { Ingest } from './ingest.js';
import { Instrumentation } from './instrumentation.js';
import {
  FlowControl,
  type Listening,
  type ReceiverStats,
  startLineTcp,
  startLineUdp,
  startPickleTcp,
} from './receivers.js';
import { loadRules, type StorageRules } from './schemas.js';
import { loadSettings, type Settings } from './settings.js';
import { GraphiteStorage, type WhisperReader } from './storage.js';
import { TagDb } from './tagdb.js';
import { WritePool } from './write-pool.js';
import { Writer } from './writer.js';

export interface GraphiteOptions {
  /** The whisper root (carbon's LOCAL_DATA_DIR). */
  storageDir: string;
  /** carbon conf dir: storage-schemas.conf, storage-aggregation.conf, carbon.conf ([cache]). */
  confDir?: string;
  /** SQLite file for tags, events (and the web UI's dashboards). */
  dbPath?: string;
  bind?: string;
  /** 0 = any free port; null = listener disabled. */
  linePort?: number | null;
  udpPort?: number | null;
  picklePort?: number | null;
  httpPort?: number | null;
  settings?: Partial<Settings>;
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** Register the web UI (default true). */
  ui?: boolean;
}

export interface GraphiteServer {
  linePort?: number;
  udpPort?: number;
  picklePort?: number;
  httpPort?: number;
  dbPath: string;
  app: FastifyInstance;
  cache: MetricCache;
  settings: Settings;
  subscribe: MetricCache['subscribe'];
  /** Stop accepting, write everything cached to disk, close. */
  close(): Promise<void>;
}

/** Default tag/event DB: next to the whisper root, under a name graphite-web never uses. */
export function defaultDbPath(storageDir: string): string {
  const root = path.resolve(storageDir);
  return path.join(path.dirname(root), `${path.basename(root)}-appliance-graphite.sqlite`);
}

export async function startGraphite(opts: GraphiteOptions): Promise<GraphiteServer> {
  const env = opts.env ?? process.env;
  const log = opts.logger ?? pino({ name: 'graphite', level: env.LOG_LEVEL ?? 'info' });
  const root = path.resolve(opts.storageDir);
  mkdirSync(root, { recursive: true });
  const settings = loadSettings(opts.confDir, env, opts.settings);
  let rules: StorageRules = loadRules(opts.confDir, log);
  const getRules = () => rules;
  const dbPath = opts.dbPath ?? env.GRAPHITE_DB ?? defaultDbPath(root);
  const host = opts.bind ?? env.GRAPHITE_BIND ?? '127.0.0.1';

  const cache = new MetricCache(settings.maxCacheSize, settings.cacheWriteStrategy);
  const tagdb = new TagDb(dbPath);
  // names with points but no file yet, so find/index see them at once
  const unwritten = new Set<string>();
  const ingest = new Ingest({
    cache,
    log,
    minTimestampResolution: settings.minTimestampResolution,
    onTagged: (metric) => {
      try {
        tagdb.tagSeries(metric);
      } catch (e) {
        log.warn({ metric, err: (e as Error).message }, 'cannot index tagged series');
      }
    },
  });
  const fadvise = fadviseSupport();
  if (settings.whisperFadviseRandom && !fadvise.available) {
    // as carbon does: say so, and go on with the kernel's default readahead
    log.warn({ why: fadvise.why }, 'WHISPER_FADVISE_RANDOM is enabled but skipped');
  }
  const pool = new WritePool(settings.writerThreads, {
    nice: settings.writerNice,
    fadviseRandom: settings.whisperFadviseRandom,
  });
  const writer = new Writer(
    root,
    cache,
    pool,
    getRules,
    {
      maxUpdatesPerSecond: settings.maxUpdatesPerSecond,
      maxCreatesPerMinute: settings.maxCreatesPerMinute,
      maxUpdatesPerSecondOnShutdown: settings.maxUpdatesPerSecondOnShutdown,
      sparseCreate: settings.whisperSparseCreate,
      concurrency: settings.writerConcurrency,
    },
    log,
  );
  // a name the writer has not written yet may have no file: the finder lists it from here (and
  // de-duplicates it against the disk), so no stat per new name on the main thread. Checked
  // when a metric's cache entry goes from idle to pending; a metric whose create was refused
  // stays listed while more of its points wait.
  cache.onPending = (metric) => {
    if (!metric.includes(';') && !writer.isKnown(metric)) unwritten.add(metric);
  };
  writer.onSettled = (metric) => {
    if (writer.isKnown(metric) || !cache.hasPending(metric)) unwritten.delete(metric);
  };

  const finder = new Finder(
    root,
    () => unwritten,
    (m) => cache.get(m).length > 0,
  );
  const reader: WhisperReader = {
    async info(file) {
      try {
        return await whisperInfo(file);
      } catch (e) {
        if (e instanceof WhisperError && e.code === 'NOT_FOUND') return null;
        throw e;
      }
    },
  };
  const storage = new GraphiteStorage(root, cache, finder, tagdb, reader, getRules);

  const recvStats: ReceiverStats = {
    activeConnections: 0,
    invalidLines: 0,
    invalidPickles: 0,
    droppedConnections: 0,
  };
  const flow = new FlowControl();
  if (settings.useFlowControl) cache.onFullChange((full) => flow.set(full));
  const ctx = { ingest, log, stats: recvStats, flow };
  const instr = new Instrumentation(
    cache,
    ingest,
    writer,
    recvStats,
    settings.carbonMetricPrefix,
    settings.carbonMetricInterval,
  );

  const app = await buildHttp({
    finder,
    storage,
    tagdb,
    log,
    defaultCacheDuration: settings.defaultCacheDuration,
    health: () => ({
      status: 'ok',
      cache: { size: cache.size, metrics: cache.metricCount },
      writer: { ...writer.stats, updateTimes: undefined },
      received: ingest.stats.metricsReceived,
    }),
  });
  if (opts.ui !== false) await registerUi(app, { dbPath, subscribe: (l) => cache.subscribe(l) });

  writer.start();
  cache.onStored = () => writer.poke();
  instr.start();
  const listeners: Listening[] = [];
  const result: Partial<GraphiteServer> = {};
  // reload schemas every 60 s like carbon (affects files created afterwards)
  const reload = setInterval(() => {
    try {
      rules = loadRules(opts.confDir, log);
    } catch (e) {
      log.error({ err: (e as Error).message }, 'cannot reload storage schemas, keeping the old ones');
    }
  }, 60_000);
  reload.unref();
  try {
    const linePort = opts.linePort === undefined ? 2003 : opts.linePort;
    if (linePort !== null) {
      const l = await startLineTcp(ctx, host, linePort);
      listeners.push(l);
      result.linePort = l.port;
    }
    const udpPort = opts.udpPort === undefined ? (result.linePort ?? 2003) : opts.udpPort;
    if (udpPort !== null && settings.enableUdpListener) {
      const u = await startLineUdp(ctx, host, udpPort);
      listeners.push(u);
      result.udpPort = u.port;
    }
    const picklePort = opts.picklePort === undefined ? 2004 : opts.picklePort;
    if (picklePort !== null) {
      const p = await startPickleTcp(ctx, host, picklePort, { maxLength: settings.pickleReceiverMaxLength });
      listeners.push(p);
      result.picklePort = p.port;
    }
    const httpPort = opts.httpPort === undefined ? 8080 : opts.httpPort;
    if (httpPort !== null) {
      await app.listen({ host, port: httpPort });
      const addr = app.server.address();
      result.httpPort = typeof addr === 'object' && addr ? addr.port : httpPort;
    } else await app.ready();
  } catch (e) {
    await Promise.all(listeners.map((l) => l.close()));
    writer.stop();
    await pool.close();
    tagdb.close();
    throw e;
  }
  log.info({ ...result, storageDir: root, dbPath }, 'graphite started');

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      clearInterval(reload);
      instr.stop();
      await Promise.all(listeners.map((l) => l.close()));
      await writer.drainAndStop();
      await app.close();
      await pool.close();
      tagdb.close();
      log.info(
        {
          metricsReceived: ingest.stats.metricsReceived,
          committedPoints: writer.stats.committedPoints,
          errors: writer.stats.errors,
        },
        'graphite stopped, cache drained',
      );
    })();
    return closing;
  };
  return {
    ...result,
    dbPath,
    app,
    cache,
    settings,
    subscribe: (l) => cache.subscribe(l),
    close,
  };
}

export { MetricCache } from './cache.js';
export { parseMetric } from './names.js';
