// Resolves a raw config object (Etsy keys plus ours) into the settings the daemon runs with,
// applying Etsy's defaults and coercions.

import type { GraphiteNamespaceOptions } from './graphite-paths.js';
import type { HistogramRule } from './timer-stats.js';

export interface ServerSettings {
  type: 'udp' | 'tcp';
  address: string | undefined;
  ipv6: boolean;
  port: number;
}

export interface Settings {
  /** The config object as given (plus runtime-added keys), for the admin `config` command. */
  raw: Record<string, unknown>;
  servers: ServerSettings[];
  mgmt: { address: string | undefined; port: number } | undefined;
  flushInterval: number;
  percentThreshold: number[];
  histogram: HistogramRule[];
  calculatedTimerMetrics: string[];
  prefixStats: string;
  keyNameSanitize: boolean;
  deleteCounters: boolean;
  deleteTimers: boolean;
  deleteSets: boolean;
  deleteGauges: boolean;
  gaugesMaxTTL: number;
  debug: boolean;
  dumpMessages: boolean;
  healthStatus: 'up' | 'down';
  udpRecvBufferSize: number;
  /** Graphite backend configured (metrics computed); carbon host may still be unset. */
  graphite:
    | {
        host: string | undefined;
        port: number;
        protocol: 'text' | 'pickle';
        namespace: GraphiteNamespaceOptions;
        flushCounts: boolean;
        webPort: number;
        maxQueueBytes: number;
      }
    | undefined;
  consoleBackend: boolean;
  prometheus: { port: number; address: string | undefined; mappingConfig: string | undefined } | undefined;
  exporterMode: boolean;
}

function num(v: unknown, dflt: number): number {
  if (v === undefined || v === null || v === '') return dflt;
  const n = Number(v);
  return Number.isFinite(n) ? n : dflt;
}

function str(v: unknown): string | undefined {
  return v === undefined || v === null || v === '' ? undefined : String(v);
}

function bool(v: unknown, dflt: boolean): boolean {
  return v === undefined || v === null ? dflt : Boolean(v);
}

function serverType(module: unknown): 'udp' | 'tcp' {
  const m = String(module ?? './servers/udp');
  if (/(^|\/)tcp(\.js)?$/.test(m)) return 'tcp';
  if (/(^|\/)udp(\.js)?$/.test(m)) return 'udp';
  throw new Error(`unsupported server module ${m} (supported: ./servers/udp, ./servers/tcp)`);
}

function backendName(b: unknown): string {
  const m = /(?:^|\/)(graphite|console|repeater)(?:\.js)?$/.exec(String(b));
  if (m === null) throw new Error(`unsupported backend ${String(b)} (supported: graphite, console)`);
  return m[1];
}

export function resolveSettings(raw: Record<string, unknown>): Settings {
  const exporterMode = raw.mode === 'exporter';
  const servers: ServerSettings[] = [];
  const serverConfigs = Array.isArray(raw.servers) ? (raw.servers as Record<string, unknown>[]) : [raw];
  for (const s of serverConfigs) {
    const type = serverType(s.server);
    const address = str(s.address);
    const ipv6 = Boolean(s.address_ipv6) || address?.includes(':') === true;
    const port = num(s.port, exporterMode ? 9125 : 8125);
    servers.push({ type, address, ipv6, port });
    // statsd_exporter listens on UDP and TCP of the same port.
    if (exporterMode && !Array.isArray(raw.servers)) servers.push({ type: 'tcp', address, ipv6, port });
  }

  const backends = Array.isArray(raw.backends) ? raw.backends.map(backendName) : ['graphite'];
  const percent = raw.percentThreshold ?? 90;
  const deleteIdle = bool(raw.deleteIdleStats, false);
  const pickDelete = (k: string) => bool(raw[k], deleteIdle);
  const ttl = raw.gaugesMaxTTL;
  const gaugesMaxTTL = typeof ttl === 'number' && ttl % 1 === 0 && ttl > 1 ? ttl : 1;
  const graphiteNs = (raw.graphite ?? {}) as GraphiteNamespaceOptions;
  const flushInterval = num(raw.flushInterval, 10000) || 10000;

  // Keys Etsy adds to its config at runtime (visible in the admin `config` output).
  raw.flushInterval = flushInterval;
  raw.gaugesMaxTTL = gaugesMaxTTL;
  raw.deleteIdleStats = deleteIdle;

  const promPort = raw.prometheusPort;
  const prometheus =
    promPort === undefined || promPort === null || promPort === false
      ? undefined
      : {
          port: num(promPort, 9102),
          address: str(raw.prometheusAddress),
          mappingConfig: str(raw.mappingConfig),
        };

  return {
    raw,
    servers,
    mgmt:
      raw.mgmt_port === null ? undefined : { address: str(raw.mgmt_address), port: num(raw.mgmt_port, 8126) },
    flushInterval,
    percentThreshold: (Array.isArray(percent) ? percent : [percent]).map(Number),
    histogram: Array.isArray(raw.histogram) ? (raw.histogram as never) : [],
    calculatedTimerMetrics: Array.isArray(raw.calculatedTimerMetrics)
      ? raw.calculatedTimerMetrics.map(String)
      : [],
    prefixStats: raw.prefixStats !== undefined ? String(raw.prefixStats) : 'statsd',
    keyNameSanitize: bool(raw.keyNameSanitize, true),
    deleteCounters: pickDelete('deleteCounters'),
    deleteTimers: pickDelete('deleteTimers'),
    deleteSets: pickDelete('deleteSets'),
    deleteGauges: pickDelete('deleteGauges'),
    gaugesMaxTTL,
    debug: bool(raw.debug, false),
    dumpMessages: bool(raw.dumpMessages, false),
    healthStatus: raw.healthStatus === 'down' ? 'down' : 'up',
    udpRecvBufferSize: num(raw.udpRecvBufferSize, 8 * 1024 * 1024),
    graphite:
      exporterMode || !backends.includes('graphite')
        ? undefined
        : {
            host: str(raw.graphiteHost),
            port:
              raw.graphiteProtocol === 'pickle'
                ? num(raw.graphitePicklePort, 2004)
                : num(raw.graphitePort, 2003),
            protocol: raw.graphiteProtocol === 'pickle' ? 'pickle' : 'text',
            namespace: graphiteNs,
            flushCounts: raw.flush_counts === undefined ? true : Boolean(raw.flush_counts),
            webPort: num(raw.graphiteWebPort, 8080),
            maxQueueBytes: num(raw.graphiteMaxQueueBytes, 64 * 1024 * 1024),
          },
    consoleBackend: !exporterMode && backends.includes('console'),
    prometheus,
    exporterMode,
  };
}
