#!/usr/bin/env node
// `statsd [CONFIG]`: Etsy config file (JS literal), JSON or YAML; env vars override the
// file, flags override env. SIGTERM/SIGINT flush the partial interval, then exit 0.

import './heap-tuning.js';
import { Command } from 'commander';
import pino from 'pino';
import { readConfigFile } from './config-file.js';
import { startStatsd } from './index.js';

const program = new Command()
  .name('statsd')
  .description('Etsy-compatible StatsD daemon with Graphite and Prometheus outputs')
  .argument('[config]', 'Etsy config file (JavaScript object literal), JSON or YAML')
  .option('--bind <address>', 'ingest, admin and HTTP bind address (env STATSD_BIND)')
  .option('--port <port>', 'ingest port (env STATSD_PORT)')
  .option('--mgmt-port <port>', 'admin port (env STATSD_MGMT_PORT)')
  .option('--graphite-host <host>', 'carbon host; empty = no Graphite output (env STATSD_GRAPHITE_HOST)')
  .option('--graphite-port <port>', 'carbon port (env STATSD_GRAPHITE_PORT)')
  .option('--graphite-web-port <port>', 'graphite-web port for events (env STATSD_GRAPHITE_WEB_PORT)')
  .option('--prometheus-port <port>', '/metrics and /health port, 0 = off (env STATSD_PROMETHEUS_PORT)')
  .option('--flush-interval <ms>', 'flush interval (env STATSD_FLUSH_INTERVAL)')
  .option('--mode <mode>', '"exporter" = statsd_exporter mode (env STATSD_MODE)')
  .option('--mapping-config <file>', 'statsd_exporter mapping YAML (env STATSD_MAPPING_CONFIG)');

program.parse();
const opts = program.opts<Record<string, string | undefined>>();
const file = program.args[0];
const log = pino({ name: 'statsd' });

function setting(flag: string, env: string): string | undefined {
  return opts[flag] ?? process.env[env];
}

async function main(): Promise<void> {
  const config: Record<string, unknown> = file !== undefined ? readConfigFile(file) : {};
  const mode = setting('mode', 'STATSD_MODE');
  if (mode !== undefined && mode !== '') config.mode = mode;
  const exporter = config.mode === 'exporter';

  const bind = setting('bind', 'STATSD_BIND');
  // Without a config file we bind loopback (the appliance default); with one, Etsy's defaults.
  const address = bind ?? (file === undefined ? '127.0.0.1' : undefined);
  if (address !== undefined && address !== '') {
    if (bind !== undefined || config.address === undefined) config.address = address;
    if (bind !== undefined || config.mgmt_address === undefined) config.mgmt_address = address;
    if (Array.isArray(config.servers) && bind !== undefined) {
      for (const s of config.servers as Record<string, unknown>[]) s.address = bind;
    }
  }
  const numeric = (flag: string, env: string, key: string) => {
    const v = setting(flag, env);
    if (v !== undefined && v !== '') config[key] = Number(v);
  };
  numeric('port', 'STATSD_PORT', 'port');
  numeric('mgmtPort', 'STATSD_MGMT_PORT', 'mgmt_port');
  numeric('graphitePort', 'STATSD_GRAPHITE_PORT', 'graphitePort');
  numeric('graphiteWebPort', 'STATSD_GRAPHITE_WEB_PORT', 'graphiteWebPort');
  numeric('flushInterval', 'STATSD_FLUSH_INTERVAL', 'flushInterval');
  const host = setting('graphiteHost', 'STATSD_GRAPHITE_HOST');
  if (host !== undefined) {
    if (host === '') delete config.graphiteHost;
    else config.graphiteHost = host;
  }
  const promPort = setting('prometheusPort', 'STATSD_PROMETHEUS_PORT');
  if (promPort !== undefined && promPort !== '') {
    if (Number(promPort) === 0) delete config.prometheusPort;
    else config.prometheusPort = Number(promPort);
  } else if (config.prometheusPort === undefined && (file === undefined || exporter)) {
    config.prometheusPort = 9102;
  }
  if (config.prometheusPort !== undefined && config.prometheusAddress === undefined && address) {
    config.prometheusAddress = address;
  }
  const mapping = setting('mappingConfig', 'STATSD_MAPPING_CONFIG');
  if (mapping !== undefined && mapping !== '') config.mappingConfig = mapping;
  if (exporter && config.prometheusPort === undefined) config.prometheusPort = 9102;

  // The appliance (no config file) listens on UDP and TCP, like statsd_exporter; with a
  // config file, its `server`/`servers` decide (Etsy: UDP only).
  if (file === undefined && !exporter && config.servers === undefined) {
    config.servers = ['./servers/udp', './servers/tcp'].map((server) => ({
      server,
      port: config.port,
      address: config.address,
    }));
  }

  const statsd = await startStatsd(config, { logger: log });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping: flushing the partial interval');
    statsd.close().then(
      () => process.exit(0),
      (err) => {
        log.error({ err }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err) => {
  log.fatal({ err: err instanceof Error ? err.message : err }, 'statsd failed to start');
  process.exit(1);
});
