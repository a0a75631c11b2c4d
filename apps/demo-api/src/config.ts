import type { MetricsStyle } from './metrics.js';

export interface DemoApiOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  statsdHost: string;
  statsdPort: number;
  metricsStyle: MetricsStyle;
  appName: string;
  /** Multiplies the endpoints' sleeps (1 = real seconds). */
  timeScale: number;
  /** Seed for the random endpoints; undefined uses Math.random. */
  seed: number | undefined;
  /** How often the app-info gauge is re-sent, ms (0 = once at start). */
  infoIntervalMs: number;
  logLevel: string;
}

export const DEFAULTS: DemoApiOptions = {
  host: '127.0.0.1',
  port: 8000,
  statsdHost: '127.0.0.1',
  statsdPort: 8125,
  metricsStyle: 'graphite',
  appName: 'flask-monitoring',
  timeScale: 1,
  seed: undefined,
  infoIntervalMs: 10_000,
  logLevel: 'info',
};

export function parseStyle(value: string): MetricsStyle {
  const v = value.trim().toLowerCase();
  if (v === 'graphite' || v === 'dogstatsd') return v;
  throw new Error(`METRICS_STYLE must be graphite or dogstatsd, got "${value}"`);
}

function num(name: string, value: string, min: number): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min) {
    throw new Error(`${name} must be a number >= ${min}, got "${value}"`);
  }
  return n;
}

/** Options from the environment (docs/development.md's launcher contract plus DEMO_* knobs). */
export function optionsFromEnv(env: NodeJS.ProcessEnv): DemoApiOptions {
  const o: DemoApiOptions = { ...DEFAULTS };
  if (env.HOST) o.host = env.HOST;
  if (env.PORT) o.port = num('PORT', env.PORT, 0);
  if (env.STATSD_HOST) o.statsdHost = env.STATSD_HOST;
  if (env.STATSD_PORT) o.statsdPort = num('STATSD_PORT', env.STATSD_PORT, 1);
  if (env.METRICS_STYLE) o.metricsStyle = parseStyle(env.METRICS_STYLE);
  if (env.APP_NAME) o.appName = env.APP_NAME;
  if (env.DEMO_TIME_SCALE) o.timeScale = num('DEMO_TIME_SCALE', env.DEMO_TIME_SCALE, 0);
  if (env.DEMO_SEED) o.seed = num('DEMO_SEED', env.DEMO_SEED, 0);
  if (env.DEMO_INFO_INTERVAL_MS)
    o.infoIntervalMs = num('DEMO_INFO_INTERVAL_MS', env.DEMO_INFO_INTERVAL_MS, 0);
  if (env.LOG_LEVEL) o.logLevel = env.LOG_LEVEL;
  return o;
}
