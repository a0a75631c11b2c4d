import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { GRAPHITE } from './datasources.js';
import { GraphiteQueryBuilder as G } from './graphite-query.js';
import { statPanel, timeseriesPanel } from './panels.js';

export const INTERNALS_UID = 'statsd-carbon-internals';

/** carbon self-metrics: carbon.agents.<host>-<instance>.<stat>, one point per interval. */
const AGENT = 'carbon.agents.$agent';

/**
 * "StatsD & Carbon internals": statsd's own metrics (Etsy names under the legacy namespace) and
 * carbon's self-metrics, to see ingest rates, bad lines, flush cost, cache size and drops.
 */
export function internalsDashboard() {
  return (
    new dashboard.DashboardBuilder('StatsD & Carbon internals')
      .uid(INTERNALS_UID)
      .description('Ingest, flush and cache health of statsd and carbon (graphite)')
      .tags(['statsd', 'carbon', 'graphite', 'internals'])
      .editable()
      .refresh('10s')
      .time({ from: 'now-30m', to: 'now' })
      .timezone('browser')
      .tooltip(dashboard.DashboardCursorSync.Crosshair)
      .withVariable(
        new dashboard.QueryVariableBuilder('agent')
          .label('Carbon agent')
          .datasource(GRAPHITE)
          .query('carbon.agents.*')
          .definition('carbon.agents.*')
          .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
          .multi(true)
          .includeAll(true)
          .allValue('*')
          .current({ selected: true, text: 'All', value: '$__all' }),
      )
      // statsd
      .withPanel(
        timeseriesPanel({
          title: 'StatsD packets and metrics received',
          pos: { x: 0, y: 0, w: 12 },
          datasource: GRAPHITE,
          unit: 'pps',
          min: 0,
          targets: [
            new G('A', "alias(stats.statsd.packets_received, 'packets/s')"),
            new G('B', "alias(stats.statsd.metrics_received, 'metrics/s')"),
          ],
        }),
      )
      .withPanel(
        timeseriesPanel({
          title: 'StatsD bad lines',
          description: 'Lines statsd could not parse, per flush interval.',
          pos: { x: 12, y: 0, w: 6 },
          datasource: GRAPHITE,
          min: 0,
          targets: [new G('A', "alias(stats_counts.statsd.bad_lines_seen, 'bad lines')")],
        }),
      )
      .withPanel(
        statPanel({
          title: 'StatsD keys per flush',
          description: 'statsd.numStats: counters, timers, gauges and sets flushed last time.',
          pos: { x: 18, y: 0, w: 6 },
          datasource: GRAPHITE,
          calc: 'lastNotNull',
          targets: [new G('A', "alias(statsd.numStats, 'keys')")],
        }),
      )
      .withPanel(
        timeseriesPanel({
          title: 'StatsD flush cost',
          description: 'Time to compute the flush and to send it to carbon, and the flush size.',
          pos: { x: 0, y: 8, w: 12 },
          datasource: GRAPHITE,
          unit: 'ms',
          min: 0,
          targets: [
            new G('A', "alias(stats.statsd.processing_time, 'processing')"),
            new G('B', "alias(stats.statsd.graphiteStats.calculationtime, 'graphite calculation')"),
            new G('C', "alias(stats.statsd.graphiteStats.flush_time, 'graphite flush')"),
          ],
        }),
      )
      .withPanel(
        timeseriesPanel({
          title: 'StatsD flush size and lag',
          pos: { x: 12, y: 8, w: 12 },
          datasource: GRAPHITE,
          min: 0,
          targets: [
            new G('A', "alias(stats.statsd.graphiteStats.flush_length, 'flush bytes')"),
            new G('B', "alias(stats.gauges.statsd.timestamp_lag, 'timestamp lag (s)')"),
          ],
        }),
      )
      // carbon
      .withPanel(
        timeseriesPanel({
          title: 'Carbon metrics received and committed',
          description: 'Per carbon self-metric interval.',
          pos: { x: 0, y: 16, w: 12 },
          datasource: GRAPHITE,
          min: 0,
          targets: [
            new G('A', `aliasByNode(${AGENT}.metricsReceived, 2, 3)`),
            new G('B', `aliasByNode(${AGENT}.committedPoints, 2, 3)`),
            new G('C', `aliasByNode(${AGENT}.updateOperations, 2, 3)`),
          ],
        }),
      )
      .withPanel(
        timeseriesPanel({
          title: 'Carbon cache',
          description: 'Datapoints and metrics waiting in the cache for the writer.',
          pos: { x: 12, y: 16, w: 12 },
          datasource: GRAPHITE,
          min: 0,
          targets: [
            new G('A', `aliasByNode(${AGENT}.cache.size, 2, 4)`),
            new G('B', `aliasByNode(${AGENT}.cache.queues, 2, 4)`),
          ],
        }),
      )
      .withPanel(
        timeseriesPanel({
          title: 'Carbon creates and drops',
          description: 'New whisper files, creates dropped by the rate limit, cache overflow drops, errors.',
          pos: { x: 0, y: 24, w: 12 },
          datasource: GRAPHITE,
          min: 0,
          targets: [
            new G('A', `aliasByNode(${AGENT}.creates, 2, 3)`),
            new G('B', `aliasByNode(${AGENT}.droppedCreates, 2, 3)`),
            new G('C', `aliasByNode(${AGENT}.cache.overflow, 2, 4)`),
            new G('D', `aliasByNode(${AGENT}.errors, 2, 3)`),
          ],
        }),
      )
      .withPanel(
        timeseriesPanel({
          title: 'Carbon resources',
          pos: { x: 12, y: 24, w: 12 },
          datasource: GRAPHITE,
          unit: 'bytes',
          min: 0,
          targets: [new G('A', `aliasByNode(${AGENT}.memUsage, 2, 3)`)],
        }),
      )
  );
}
