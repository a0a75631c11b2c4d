// Dashboards shipped with the appliance, in graphite-web's dashboard state shape:
// graphs are [id, params, url] with params.target a list of render targets.
export interface DashboardGraphParams {
  target: string[];
  title?: string;
  vtitle?: string;
  [key: string]: unknown;
}

export interface DashboardState {
  name: string;
  timeConfig: { from: string; until: string; type?: string };
  refreshConfig?: { enabled: boolean; interval: number };
  graphs: Array<[string, DashboardGraphParams, string]>;
  [key: string]: unknown;
}

function graph(title: string, targets: string[], vtitle?: string): [string, DashboardGraphParams, string] {
  const params: DashboardGraphParams = { target: targets, title };
  if (vtitle) params.vtitle = vtitle;
  const url = `/render?${targets.map((t) => `target=${encodeURIComponent(t)}`).join('&')}`;
  return [targets.join(' '), params, url];
}

export function defaultDashboards(): Array<{ name: string; state: DashboardState }> {
  const timeConfig = { type: 'relative', from: '-1h', until: 'now' };
  return [
    {
      name: 'appliance',
      state: {
        name: 'appliance',
        timeConfig,
        graphs: [
          // The demo API in METRICS_STYLE=graphite, through our statsd's legacy namespace:
          // flask.request_total.<method>.<endpoint>.<status>, flask.request_duration.<method>.<endpoint>.
          graph(
            'Demo API requests / s by status',
            ["groupByNode(stats.flask.request_total.*.*.*, 5, 'sumSeries')"],
            'req/s',
          ),
          graph(
            'Demo API requests / s by endpoint',
            ["groupByNode(stats.flask.request_total.*.*.*, 4, 'sumSeries')"],
            'req/s',
          ),
          graph(
            'Demo API latency, mean (ms)',
            ['aliasByNode(stats.timers.flask.request_duration.*.*.mean, 4, 5)'],
            'ms',
          ),
          graph(
            'Demo API latency, upper 90 (ms)',
            ['aliasByNode(stats.timers.flask.request_duration.*.*.upper_90, 4, 5)'],
            'ms',
          ),
          graph('Demo API requests in flight', ["alias(stats.gauges.flask.requests_in_flight, 'in flight')"]),
          graph('StatsD packets, metrics and bad lines / s', [
            'aliasByNode(stats.statsd.{packets_received,metrics_received,bad_lines_seen}, 2)',
          ]),
          graph('StatsD metrics per flush', ["alias(stats.statsd.numStats, 'numStats')"]),
          graph('Carbon metrics received', ['aliasByNode(carbon.agents.*.metricsReceived, 2, 3)']),
          graph('Carbon committed points', ['aliasByNode(carbon.agents.*.committedPoints, 2, 3)']),
          graph('Carbon cache size', ['aliasByNode(carbon.agents.*.cache.size, 2, 4)']),
        ],
      },
    },
  ];
}
