// What the launcher starts: each service's entry point, settings and how to tell it is healthy.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export type HealthCheck = { kind: 'http'; url: string } | { kind: 'admin'; host: string; port: number };

export interface ServiceSpec {
  name: string;
  entry: string;
  args: string[];
  env: Record<string, string>;
  health: HealthCheck;
  urls: Array<[label: string, url: string]>;
}

export interface LauncherSettings {
  rootDir: string;
  dataDir: string;
  host: string;
  ports: {
    statsd: number;
    statsdAdmin: number;
    prometheus: number;
    carbonLine: number;
    carbonPickle: number;
    graphiteHttp: number;
    demoApi: number;
  };
  flushIntervalMs: number;
  /** How demo-api names its metrics: hierarchical Graphite names or DogStatsD tags. */
  metricsStyle: 'graphite' | 'dogstatsd';
}

function intFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number, max = 65535): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > max)
    throw new Error(`${name} must be an integer in 0..${max}, got "${raw}"`);
  return n;
}

export function settingsFromEnv(env: NodeJS.ProcessEnv, rootDir: string): LauncherSettings {
  return {
    rootDir,
    dataDir: resolve(env.DATA_DIR || join(rootDir, 'data')),
    host: env.APPLIANCE_HOST || '127.0.0.1',
    ports: {
      statsd: intFromEnv(env, 'STATSD_PORT', 8125),
      statsdAdmin: intFromEnv(env, 'STATSD_MGMT_PORT', 8126),
      prometheus: intFromEnv(env, 'STATSD_PROMETHEUS_PORT', 9102),
      carbonLine: intFromEnv(env, 'CARBON_LINE_PORT', 2003),
      carbonPickle: intFromEnv(env, 'CARBON_PICKLE_PORT', 2004),
      graphiteHttp: intFromEnv(env, 'GRAPHITE_HTTP_PORT', 8080),
      demoApi: intFromEnv(env, 'DEMO_API_PORT', 8000),
    },
    flushIntervalMs: intFromEnv(env, 'STATSD_FLUSH_INTERVAL', 10_000, 3_600_000),
    metricsStyle: env.METRICS_STYLE === 'dogstatsd' ? 'dogstatsd' : 'graphite',
  };
}

/** The services in start order (the store first, so statsd's first flush has somewhere to go). */
export function serviceSpecs(s: LauncherSettings): ServiceSpec[] {
  const { host, ports } = s;
  const http = (port: number, path = '') => `http://${host}:${port}${path}`;
  return [
    {
      name: 'graphite',
      entry: join(s.rootDir, 'apps/graphite/dist/cli.js'),
      args: [
        '--storage-dir',
        join(s.dataDir, 'whisper'),
        '--line-port',
        String(ports.carbonLine),
        '--pickle-port',
        String(ports.carbonPickle),
        '--http-port',
        String(ports.graphiteHttp),
      ],
      env: { GRAPHITE_BIND: host, GRAPHITE_DB: join(s.dataDir, 'appliance.db') },
      health: { kind: 'http', url: http(ports.graphiteHttp, '/health') },
      urls: [
        ['graphite web UI and render API', http(ports.graphiteHttp, '/')],
        ['carbon line protocol (tcp+udp)', `${host}:${ports.carbonLine}`],
        ['carbon pickle protocol', `${host}:${ports.carbonPickle}`],
      ],
    },
    {
      name: 'statsd',
      entry: join(s.rootDir, 'apps/statsd/dist/cli.js'),
      args: [],
      env: {
        STATSD_BIND: host,
        STATSD_PORT: String(ports.statsd),
        STATSD_MGMT_PORT: String(ports.statsdAdmin),
        STATSD_GRAPHITE_HOST: host,
        STATSD_GRAPHITE_PORT: String(ports.carbonLine),
        STATSD_GRAPHITE_WEB_PORT: String(ports.graphiteHttp),
        STATSD_PROMETHEUS_PORT: String(ports.prometheus),
        STATSD_FLUSH_INTERVAL: String(s.flushIntervalMs),
      },
      health: { kind: 'admin', host, port: ports.statsdAdmin },
      urls: [
        ['statsd (udp+tcp)', `${host}:${ports.statsd}`],
        ['statsd admin', `${host}:${ports.statsdAdmin}`],
        ['prometheus exposition', http(ports.prometheus, '/metrics')],
      ],
    },
    {
      name: 'demo-api',
      entry: join(s.rootDir, 'apps/demo-api/dist/cli.js'),
      args: [],
      env: {
        HOST: host,
        PORT: String(ports.demoApi),
        STATSD_HOST: host,
        STATSD_PORT: String(ports.statsd),
        METRICS_STYLE: s.metricsStyle,
      },
      health: { kind: 'http', url: http(ports.demoApi, '/health') },
      urls: [['demo API', http(ports.demoApi, '/')]],
    },
  ];
}

/** While services are still being written, start the ones whose build output exists. */
export function availableServices(specs: ServiceSpec[]): { present: ServiceSpec[]; missing: ServiceSpec[] } {
  const present = specs.filter((spec) => existsSync(spec.entry));
  return { present, missing: specs.filter((spec) => !present.includes(spec)) };
}
