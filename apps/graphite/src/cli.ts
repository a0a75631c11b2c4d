#!/usr/bin/env node
// `graphite --storage-dir DIR [--conf-dir DIR] [--line-port N] [--pickle-port N] [--http-port N]`

import { Command } from 'commander';
import { pino } from 'pino';
import { startGraphite } from './index.js';

const port = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`invalid port ${v}`);
  return n;
};

const program = new Command('graphite')
  .description('carbon-cache compatible store with a graphite-web compatible HTTP API')
  .requiredOption('--storage-dir <dir>', 'whisper root (carbon LOCAL_DATA_DIR)')
  .option('--conf-dir <dir>', 'carbon conf dir (storage-schemas.conf, storage-aggregation.conf, carbon.conf)')
  .option('--db <file>', 'SQLite file for tags and events (env GRAPHITE_DB)')
  .option('--line-port <n>', 'plaintext TCP and UDP port', port, 2003)
  .option('--udp-port <n>', 'plaintext UDP port (default: the line port)', port)
  .option('--pickle-port <n>', 'pickle TCP port', port, 2004)
  .option('--http-port <n>', 'HTTP API port', port, 8080)
  .option('--bind <host>', 'address to bind (env GRAPHITE_BIND, default 127.0.0.1)')
  .option('--metric-interval <s>', 'self-metrics interval in seconds, 0 = off (CARBON_METRIC_INTERVAL)')
  .option('--no-ui', 'do not serve the web UI');

program.parse();
const o = program.opts();
const log = pino({ name: 'graphite', level: process.env.LOG_LEVEL ?? 'info' });

try {
  const server = await startGraphite({
    storageDir: o.storageDir,
    confDir: o.confDir,
    dbPath: o.db,
    bind: o.bind,
    linePort: o.linePort,
    udpPort: o.udpPort,
    picklePort: o.picklePort,
    httpPort: o.httpPort,
    logger: log,
    ui: o.ui,
    settings: o.metricInterval !== undefined ? { carbonMetricInterval: Number(o.metricInterval) } : {},
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping: draining the cache to disk');
    server.close().then(
      () => process.exit(0),
      (e) => {
        log.error({ err: e }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
} catch (e) {
  log.fatal({ err: e }, 'cannot start graphite');
  process.exit(1);
}
