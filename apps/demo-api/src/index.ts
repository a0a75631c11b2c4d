import pino, { type Logger } from 'pino';
import { buildApp } from './app.js';
import { DEFAULTS, type DemoApiOptions } from './config.js';
import { DemoMetrics } from './metrics.js';
import { seededRandom } from './random.js';

export type { DemoApiOptions } from './config.js';
export { DEFAULTS, optionsFromEnv, parseStyle } from './config.js';
export { DEMO_ROUTES, RANDOM_STATUSES } from './endpoints.js';
export { type LoadOptions, type LoadSummary, runLoad } from './load-runner.js';
export { graphiteEndpoint, type MetricsStyle, NOT_FOUND_ENDPOINT, taggedEndpoint } from './metrics.js';

export interface DemoApi {
  port: number;
  url: string;
  close(): Promise<void>;
}

/** Starts the demo API (HTTP + StatsD client). close() stops accepting, waits for in-flight requests. */
export async function startDemoApi(
  options: Partial<DemoApiOptions> & { logger?: Logger } = {},
): Promise<DemoApi> {
  const opts: DemoApiOptions = { ...DEFAULTS, ...options };
  const logger = options.logger ?? pino({ name: 'demo-api', level: opts.logLevel });
  const metrics = new DemoMetrics({
    style: opts.metricsStyle,
    host: opts.statsdHost,
    port: opts.statsdPort,
    appName: opts.appName,
    infoIntervalMs: opts.infoIntervalMs,
    onError: (err) => logger.warn({ err }, 'statsd send failed'),
  });
  const random = opts.seed === undefined ? Math.random : seededRandom(opts.seed);
  const app = buildApp({ logger, metrics, random, timeScale: opts.timeScale });
  try {
    await app.listen({ host: opts.host, port: opts.port });
  } catch (err) {
    await metrics.close();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const hostForUrl = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  logger.info(
    { port, statsd: `${opts.statsdHost}:${opts.statsdPort}`, style: opts.metricsStyle },
    'listening',
  );
  let closing: Promise<void> | undefined;
  return {
    port,
    url: `http://${hostForUrl === '0.0.0.0' ? '127.0.0.1' : hostForUrl}:${port}`,
    close() {
      closing ??= (async () => {
        await app.close();
        await metrics.close();
      })();
      return closing;
    },
  };
}
