#!/usr/bin/env node
import { Command } from 'commander';
import pino from 'pino';
import { optionsFromEnv, parseStyle } from './config.js';
import { startDemoApi } from './index.js';

const program = new Command()
  .name('demo-api')
  .description(
    'The tutorial Flask demo API on Fastify, sending StatsD metrics (settings from env, flags win)',
  )
  .option('--host <host>', 'bind address (env HOST)')
  .option('--port <port>', 'HTTP port (env PORT, default 8000)')
  .option('--statsd-host <host>', 'StatsD host (env STATSD_HOST)')
  .option('--statsd-port <port>', 'StatsD UDP port (env STATSD_PORT, default 8125)')
  .option('--metrics-style <style>', 'graphite | dogstatsd (env METRICS_STYLE)')
  .option('--time-scale <factor>', 'multiply endpoint sleeps, e.g. 0.1 (env DEMO_TIME_SCALE)')
  .option('--seed <n>', 'seed the random endpoints (env DEMO_SEED)')
  .parse();

const flags = program.opts<Record<string, string | undefined>>();
const env = { ...process.env };
const set = (key: string, value: string | undefined) => {
  if (value !== undefined) env[key] = value;
};
set('HOST', flags.host);
set('PORT', flags.port);
set('STATSD_HOST', flags.statsdHost);
set('STATSD_PORT', flags.statsdPort);
if (flags.metricsStyle !== undefined) set('METRICS_STYLE', parseStyle(flags.metricsStyle));
set('DEMO_TIME_SCALE', flags.timeScale);
set('DEMO_SEED', flags.seed);

const logger = pino({ name: 'demo-api', level: env.LOG_LEVEL ?? 'info' });
try {
  const opts = optionsFromEnv(env);
  const api = await startDemoApi({ ...opts, logger });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    api.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
} catch (err) {
  logger.fatal({ err }, 'demo-api failed to start');
  process.exit(1);
}
