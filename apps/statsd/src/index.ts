// startStatsd(): the daemon, programmatically. Ingest (UDP/TCP) feeds the Etsy-compatible
// aggregator (Graphite output, admin) and/or the statsd_exporter-compatible Prometheus
// registry; flushes are aligned like Etsy's and run off snapshots.

import { readFileSync } from 'node:fs';
import pino, { type Logger } from 'pino';
import { type AdminContext, listenAdmin } from './admin.js';
import { Aggregator } from './aggregator.js';
import { CarbonClient } from './carbon-client.js';
import { EventsForwarder } from './events-forwarder.js';
import { GraphiteBackend } from './graphite-backend.js';
import { GraphitePaths } from './graphite-paths.js';
import { listenHttp } from './http.js';
import { EtsyLineParser } from './parse-line.js';
import { PromExporter } from './prometheus/exporter.js';
import { parseMappingConfig } from './prometheus/mapper.js';
import { type Listener, listenTcp, listenUdp } from './servers.js';
import { resolveSettings, type Settings } from './settings.js';

export { parseConfigText, readConfigFile } from './config-file.js';
export type { Settings } from './settings.js';

export interface StatsdOptions {
  logger?: Logger;
}

export interface StatsdHandle {
  /** Bound ingest ports, in server order. */
  servers: { kind: 'udp' | 'tcp'; port: number; address: string }[];
  /** First UDP port (or first server's port). */
  port: number;
  mgmtPort: number | undefined;
  prometheusPort: number | undefined;
  settings: Settings;
  /** Flushes now (outside the schedule); resolves when handed to carbon. */
  flush(): Promise<void>;
  /** Stops ingest, flushes the partial interval, drains carbon, closes everything. */
  close(): Promise<void>;
}

/** Etsy's flush alignment: startup second + k * interval, recomputed from the clock. */
function flushTimeout(startupTime: number, interval: number): number {
  const now = Date.now();
  const attempt = Math.round((now - startupTime * 1000) / interval) + 1;
  return startupTime * 1000 + attempt * interval - now;
}

export async function startStatsd(
  config: Record<string, unknown>,
  options: StatsdOptions = {},
): Promise<StatsdHandle> {
  const settings = resolveSettings(config);
  const log = options.logger ?? pino({ name: 'statsd' });
  const startupTime = Math.round(Date.now() / 1000);

  const agg = new Aggregator({
    prefixStats: settings.prefixStats,
    deleteCounters: settings.deleteCounters,
    deleteTimers: settings.deleteTimers,
    deleteSets: settings.deleteSets,
    deleteGauges: settings.deleteGauges,
    gaugesMaxTTL: settings.gaugesMaxTTL,
  });

  const g = settings.graphite;
  const carbon =
    g?.host !== undefined
      ? new CarbonClient({ host: g.host, port: g.port, maxQueueBytes: g.maxQueueBytes, logger: log })
      : undefined;
  const events =
    g?.host !== undefined ? new EventsForwarder(`http://${g.host}:${g.webPort}/events/`, log) : undefined;
  const graphite =
    g !== undefined
      ? new GraphiteBackend(
          {
            paths: new GraphitePaths(g.namespace, settings.prefixStats, settings.keyNameSanitize),
            flushCounts: g.flushCounts,
            protocol: g.protocol,
            timer: {
              percentThreshold: settings.percentThreshold,
              histogram: settings.histogram,
              calculated: settings.calculatedTimerMetrics,
              flushIntervalMs: settings.flushInterval,
            },
          },
          carbon,
          startupTime,
        )
      : undefined;

  const etsy = settings.exporterMode
    ? undefined
    : new EtsyLineParser(agg, settings.keyNameSanitize, {
        onBadLine: (fields, line) => {
          if (settings.debug) log.info({ fields: fields.join(','), line }, 'Bad line');
        },
        onLine: settings.dumpMessages ? (line) => log.info({ line }, 'message') : undefined,
        onEvent: (e) => events?.forward(e),
      });

  let prom: PromExporter | undefined;
  if (settings.prometheus !== undefined) {
    const file = settings.prometheus.mappingConfig;
    const mapping = file !== undefined ? parseMappingConfig(readFileSync(file, 'utf8')) : undefined;
    prom = new PromExporter({ mapping });
  }
  const promRef = prom;

  const onPacket = (packet: string) => {
    etsy?.handlePacket(packet);
    prom?.handlePacket(packet);
  };

  const listeners: Listener[] = [];
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const c of closers.splice(0).reverse()) await c().catch(() => {});
  };
  try {
    for (const s of settings.servers) {
      const l =
        s.type === 'udp'
          ? await listenUdp(
              s,
              settings.udpRecvBufferSize,
              (p) => {
                prom?.udpPacket();
                onPacket(p);
              },
              log,
            )
          : await listenTcp(s, onPacket, log);
      listeners.push(l);
      closers.push(l.close);
    }

    const health = { status: settings.healthStatus };
    let mgmtPort: number | undefined;
    if (settings.mgmt !== undefined && !settings.exporterMode) {
      const ctx: AdminContext = {
        startupTime,
        counters: agg.counters,
        timers: agg.timers,
        gauges: agg.gauges,
        sets: agg.sets,
        sync: () => agg.syncInternal(),
        config: settings.raw,
        health,
        messages: () => ({
          last_msg_seen: etsy?.stats.lastMsgSeen ?? startupTime,
          bad_lines_seen: etsy?.stats.badLines ?? 0,
          events_seen: etsy?.stats.events ?? 0,
          service_checks_seen: etsy?.stats.serviceChecks ?? 0,
        }),
        backendStats: () =>
          graphite === undefined
            ? []
            : [
                ['graphite', 'last_flush', graphite.lastFlush],
                ['graphite', 'last_exception', graphite.lastException],
                ['graphite', 'flush_time', graphite.flushTime],
                ['graphite', 'flush_length', graphite.flushLength],
                ['graphite', 'queued_bytes', carbon?.pendingBytes ?? 0],
                ['graphite', 'dropped_lines', carbon?.droppedLines ?? 0],
              ],
      };
      const admin = await listenAdmin(ctx, settings.mgmt.port, settings.mgmt.address);
      mgmtPort = admin.port;
      closers.push(admin.close);
    }

    let prometheusPort: number | undefined;
    if (settings.prometheus !== undefined) {
      const http = await listenHttp(settings.prometheus.port, settings.prometheus.address, {
        metrics: () => prom!.render(),
        healthy: () => health.status === 'up',
      });
      prometheusPort = http.port;
      closers.push(http.close);
    }

    // Flushing: snapshot synchronously at the tick, format and send asynchronously.
    let oldTimestamp = 0;
    let flushing: Promise<void> = Promise.resolve();
    const flushNow = (): Promise<void> => {
      if (settings.exporterMode) return Promise.resolve();
      const ts = Math.round(Date.now() / 1000);
      if (oldTimestamp > 0) agg.gauges.set(agg.lagKey, ts - oldTimestamp - settings.flushInterval / 1000);
      oldTimestamp = ts;
      const snapshot = agg.snapshot();
      if (settings.consoleBackend) {
        log.info(
          { flush: ts, counters: snapshot.counterKeys.length, timers: snapshot.timerKeys.length },
          'console flush',
        );
      }
      flushing = flushing.then(async () => {
        try {
          await graphite?.flush(snapshot, ts);
        } catch (err) {
          log.error({ err }, 'flush failed');
        }
      });
      return flushing;
    };
    let timer: NodeJS.Timeout | undefined;
    const schedule = () => {
      timer = setTimeout(
        () => {
          void flushNow();
          schedule();
        },
        flushTimeout(startupTime, settings.flushInterval),
      );
    };
    if (!settings.exporterMode) schedule();
    closers.unshift(async () => {
      if (timer !== undefined) clearTimeout(timer);
    });

    log.info(
      { servers: listeners.map((l) => `${l.kind}://${l.address}:${l.port}`), mgmtPort, prometheusPort },
      'server is up',
    );

    let closed = false;
    return {
      servers: listeners.map((l) => ({ kind: l.kind, port: l.port, address: l.address })),
      port: (listeners.find((l) => l.kind === 'udp') ?? listeners[0])?.port ?? 0,
      mgmtPort,
      prometheusPort,
      settings,
      flush: flushNow,
      close: async () => {
        if (closed) return;
        closed = true;
        if (timer !== undefined) clearTimeout(timer);
        // Stop ingest first, then flush what was accepted (Etsy loses this interval).
        for (const l of listeners) await l.close();
        await flushNow();
        await carbon?.close();
        await events?.close();
        promRef?.close();
        await closeAll();
      },
    };
  } catch (err) {
    await closeAll();
    await carbon?.close(0);
    promRef?.close();
    throw err;
  }
}
