import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { GRAPHITE } from './datasources.js';
import { GraphiteQueryBuilder as G, GraphiteEventsAnnotationBuilder } from './graphite-query.js';
import { barGaugePanel, builtInAnnotation, statPanel, thresholds, timeseriesPanel } from './panels.js';

export const FLASK_GRAPHITE_UID = 'flask-monitoring-graphite';

/**
 * Metric paths the demo API produces in Graphite style, after our statsd's legacy namespace:
 *   stats.flask.request_total.<method>.<endpoint>.<status>        per-second rate (counter)
 *   stats_counts.flask.request_total.<method>.<endpoint>.<status> count per flush (counter)
 *   stats.timers.flask.request_duration.<method>.<endpoint>.<stat> milliseconds (timer)
 *   stats.gauges.flask.requests_in_flight, stats.gauges.flask.info.<app_name>
 * Node indices used below: request_total paths have method at 3, endpoint at 4, status at 5;
 * timer paths have method at 4, endpoint at 5, stat at 6.
 */
const RATE = 'stats.flask.request_total.$method.$endpoint';
const COUNT = 'stats_counts.flask.request_total.$method.$endpoint';
const TIMER = 'stats.timers.flask.request_duration.$method.$endpoint';

function graphiteVariable(name: string, label: string, query: string) {
  return (
    new dashboard.QueryVariableBuilder(name)
      .label(label)
      .datasource(GRAPHITE)
      .query(query)
      .definition(query)
      .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
      .sort(dashboard.VariableSort.AlphabeticalAsc)
      .multi(true)
      .includeAll(true)
      // A glob, so "All" stays one Graphite pattern instead of a {a,b,...} list of every value.
      .allValue('*')
      .current({ selected: true, text: 'All', value: '$__all' })
  );
}

/** "Flask Monitoring": the tutorial's RED dashboard rebuilt on Graphite (the tutorial has none). */
export function flaskGraphiteDashboard() {
  return (
    new dashboard.DashboardBuilder('Flask Monitoring')
      .uid(FLASK_GRAPHITE_UID)
      .description('RED view of the demo API through statsd and graphite (Graphite-style metric names)')
      .tags(['flask', 'graphite', 'red'])
      .editable()
      .refresh('10s')
      .time({ from: 'now-15m', to: 'now' })
      .timezone('browser')
      .tooltip(dashboard.DashboardCursorSync.Crosshair)
      .withVariable(graphiteVariable('method', 'Method', 'stats.flask.request_total.*'))
      .withVariable(graphiteVariable('endpoint', 'Endpoint', 'stats.flask.request_total.$method.*'))
      .annotation(builtInAnnotation())
      .annotation(
        new dashboard.AnnotationQueryBuilder()
          .name('Deploys (graphite events)')
          .datasource(GRAPHITE)
          .enable(true)
          .iconColor('#8F3BB8')
          .target(new GraphiteEventsAnnotationBuilder(['deploy'])),
      )
      // Rate
      .withPanel(
        statPanel({
          title: 'Total Requests',
          description: 'Requests in the selected time range (sum of the per-flush counts).',
          pos: { x: 0, y: 0, w: 6 },
          datasource: GRAPHITE,
          calc: 'sum',
          targets: [new G('A', `alias(consolidateBy(sumSeries(${COUNT}.*), 'sum'), 'requests')`)],
        }),
      )
      .withPanel(
        statPanel({
          title: 'Requests Per Status Code',
          description: 'Requests per HTTP status in the selected time range.',
          pos: { x: 6, y: 0, w: 6 },
          datasource: GRAPHITE,
          calc: 'sum',
          graph: false,
          targets: [new G('A', `consolidateBy(groupByNode(${COUNT}.*, 5, 'sum'), 'sum')`)],
        }),
      )
      .withPanel(
        barGaugePanel({
          title: 'Requests Average Duration',
          description: 'Mean latency per endpoint over the time range.',
          pos: { x: 12, y: 0, w: 12 },
          datasource: GRAPHITE,
          unit: 'ms',
          calc: 'mean',
          targets: [new G('A', `aliasByNode(${TIMER}.mean, 4, 5)`)],
        }),
      )
      .withPanel(
        timeseriesPanel({
          title: 'Requests Per Second',
          pos: { x: 0, y: 8, w: 12 },
          datasource: GRAPHITE,
          unit: 'reqps',
          min: 0,
          legendCalcs: ['mean', 'max', 'lastNotNull'],
          legendRight: true,
          targets: [new G('A', `groupByNodes(${RATE}.*, 'sum', 3, 4)`)],
        }),
      )
      .withPanel(
        timeseriesPanel({
          title: 'Requests Per Second by Status',
          pos: { x: 12, y: 8, w: 12 },
          datasource: GRAPHITE,
          unit: 'reqps',
          min: 0,
          targets: [new G('A', `groupByNode(${RATE}.*, 5, 'sum')`)],
        }),
      )
      // Errors
      .withPanel(
        timeseriesPanel({
          title: 'Percent of 5xx Requests',
          description: 'Share of all requests answered with a 5xx status.',
          pos: { x: 0, y: 16, w: 12 },
          datasource: GRAPHITE,
          unit: 'percent',
          min: 0,
          targets: [
            new G('A', `alias(asPercent(sumSeries(${RATE}.5*), sumSeries(${RATE}.*)), '5xx %')`),
            new G('B', `alias(asPercent(sumSeries(${RATE}.4*), sumSeries(${RATE}.*)), '4xx %')`),
          ],
        }).thresholds(
          thresholds(dashboard.ThresholdsMode.Absolute, [
            [null, 'green'],
            [10, 'red'],
          ]),
        ),
      )
      .withPanel(
        timeseriesPanel({
          title: 'Errors Per Second by Endpoint',
          description: '4xx and 5xx responses per second, per endpoint.',
          pos: { x: 12, y: 16, w: 12 },
          datasource: GRAPHITE,
          unit: 'reqps',
          min: 0,
          targets: [new G('A', `groupByNodes(${RATE}.{4,5}*, 'sum', 4, 5)`)],
        }),
      )
      // Duration
      .withPanel(
        timeseriesPanel({
          title: 'Request Latency Percentiles',
          description: 'Median, 90th percentile and maximum per flush interval, all endpoints.',
          pos: { x: 0, y: 24, w: 12 },
          datasource: GRAPHITE,
          unit: 'ms',
          min: 0,
          targets: [
            new G('A', `alias(maxSeries(${TIMER}.median), 'p50 (worst endpoint)')`),
            new G('B', `alias(maxSeries(${TIMER}.upper_90), 'p90 (worst endpoint)')`),
            new G('C', `alias(maxSeries(${TIMER}.upper), 'max')`),
          ],
        }),
      )
      .withPanel(
        timeseriesPanel({
          title: 'Request Average Duration',
          pos: { x: 12, y: 24, w: 12 },
          datasource: GRAPHITE,
          unit: 'ms',
          min: 0,
          legendCalcs: ['mean', 'max'],
          legendRight: true,
          targets: [new G('A', `aliasByNode(${TIMER}.mean, 5)`)],
        }),
      )
      .withPanel(
        timeseriesPanel({
          title: 'p90 Duration by Endpoint',
          pos: { x: 0, y: 32, w: 12 },
          datasource: GRAPHITE,
          unit: 'ms',
          min: 0,
          targets: [new G('A', `aliasByNode(${TIMER}.upper_90, 5)`)],
        }),
      )
      .withPanel(
        timeseriesPanel({
          title: 'Requests In Flight',
          pos: { x: 12, y: 32, w: 6 },
          datasource: GRAPHITE,
          min: 0,
          targets: [new G('A', `alias(stats.gauges.flask.requests_in_flight, 'in flight')`)],
        }),
      )
      .withPanel(
        statPanel({
          title: 'Application',
          description: 'Apps reporting their info gauge (flask.info.<app_name>).',
          pos: { x: 18, y: 32, w: 6 },
          datasource: GRAPHITE,
          calc: 'lastNotNull',
          graph: false,
          targets: [new G('A', 'aliasByNode(stats.gauges.flask.info.*, 4)')],
        }),
      )
  );
}
