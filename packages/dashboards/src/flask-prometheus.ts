import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import { PROMETHEUS } from './datasources.js';
import {
  barGaugePanel,
  builtInAnnotation,
  statPanel,
  tablePanel,
  thresholds,
  timeseriesPanel,
} from './panels.js';

export const FLASK_PROMETHEUS_UID = 'flask-monitoring';

function q(refId: string, expr: string, legend?: string) {
  const b = new prometheus.DataqueryBuilder()
    .refId(refId)
    .expr(expr)
    .range()
    .editorMode(prometheus.QueryEditorMode.Code);
  if (legend) b.legendFormat(legend);
  return b;
}

function instant(refId: string, expr: string) {
  return new prometheus.DataqueryBuilder()
    .refId(refId)
    .expr(expr)
    .instant()
    .format(prometheus.PromQueryFormat.Table)
    .editorMode(prometheus.QueryEditorMode.Code);
}

const APP = 'app_name="$app_name"';

/**
 * The tutorial's Prometheus "Flask Monitoring" dashboard (grafana.com 16111), same panels and
 * queries, fed by our statsd in exporter mode. Fixes: every query uses $app_name (two panels had
 * it hard-coded), and the datasource is the pinned uid `prometheus`.
 */
export function flaskPrometheusDashboard() {
  return new dashboard.DashboardBuilder('Flask Monitoring (Prometheus)')
    .uid(FLASK_PROMETHEUS_UID)
    .description('The tutorial RED dashboard on Prometheus, scraping our statsd in exporter mode')
    .tags(['flask', 'prometheus', 'red'])
    .editable()
    .refresh('5s')
    .time({ from: 'now-5m', to: 'now' })
    .timezone('browser')
    .withVariable(
      new dashboard.QueryVariableBuilder('app_name')
        .label('Application Name')
        .datasource(PROMETHEUS)
        .query('label_values(flask_info, app_name)')
        .definition('label_values(flask_info, app_name)')
        .refresh(dashboard.VariableRefresh.OnDashboardLoad)
        .sort(dashboard.VariableSort.AlphabeticalAsc)
        .multi(false)
        .includeAll(false),
    )
    .annotation(builtInAnnotation())
    .withPanel(
      statPanel({
        title: 'Total Requests',
        pos: { x: 0, y: 0, w: 6 },
        datasource: PROMETHEUS,
        calc: 'lastNotNull',
        targets: [q('A', `sum(flask_request_status_total{${APP}})`, 'requests')],
      }),
    )
    .withPanel(
      statPanel({
        title: 'Requests Per Status Code',
        pos: { x: 6, y: 0, w: 6 },
        datasource: PROMETHEUS,
        calc: 'lastNotNull',
        graph: false,
        targets: [q('A', `sum by (status) (flask_request_status_total{${APP}})`, 'HTTP Status: {{status}}')],
      }),
    )
    .withPanel(
      barGaugePanel({
        title: 'Requests Average Duration',
        pos: { x: 12, y: 0, w: 12 },
        datasource: PROMETHEUS,
        unit: 's',
        calc: 'lastNotNull',
        targets: [
          q(
            'A',
            `flask_request_duration_seconds_sum{${APP}} / flask_request_duration_seconds_count{${APP}}`,
            '{{method}} {{endpoint}}',
          ),
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Requests Count',
        pos: { x: 0, y: 8, w: 12 },
        datasource: PROMETHEUS,
        legendCalcs: ['lastNotNull'],
        legendRight: true,
        targets: [q('A', `flask_request_duration_seconds_count{${APP}}`, '{{method}} {{endpoint}}')],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Requests Per Second',
        pos: { x: 12, y: 8, w: 12 },
        datasource: PROMETHEUS,
        unit: 'reqps',
        min: 0,
        targets: [q('A', `rate(flask_request_duration_seconds_count{${APP}}[1m])`, '{{endpoint}}')],
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Percent of 2xx Requests',
        pos: { x: 0, y: 16, w: 12 },
        datasource: PROMETHEUS,
        unit: 'percentunit',
        min: 0,
        softMax: 1,
        targets: [
          q(
            'A',
            `sum by (endpoint, method) (flask_request_status_total{${APP}, status=~"2.*"}) / sum by (endpoint, method) (flask_request_status_total{${APP}})`,
            '{{method}} {{endpoint}}',
          ),
        ],
      }).thresholds(
        thresholds(dashboard.ThresholdsMode.Percentage, [
          [null, 'dark-red'],
          [80, 'green'],
        ]),
      ),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Percent of 5xx Requests',
        pos: { x: 12, y: 16, w: 12 },
        datasource: PROMETHEUS,
        unit: 'percentunit',
        min: 0,
        softMax: 1,
        targets: [
          q(
            'A',
            `sum by (endpoint, method) (flask_request_status_total{${APP}, status=~"5.*"}) / sum by (endpoint, method) (flask_request_status_total{${APP}})`,
            '{{method}} {{endpoint}}',
          ),
        ],
      }).thresholds(
        thresholds(dashboard.ThresholdsMode.Percentage, [
          [null, 'green'],
          [10, 'red'],
        ]),
      ),
    )
    .withPanel(
      timeseriesPanel({
        title: 'Request Average Duration',
        pos: { x: 0, y: 24, w: 12 },
        datasource: PROMETHEUS,
        unit: 's',
        min: 0,
        legendCalcs: ['mean', 'lastNotNull'],
        legendRight: true,
        targets: [
          q(
            'A',
            `flask_request_duration_seconds_sum{${APP}} / flask_request_duration_seconds_count{${APP}}`,
            '{{endpoint}}',
          ),
        ],
      }),
    )
    .withPanel(
      tablePanel({
        title: 'Request Duration Distribution',
        pos: { x: 12, y: 24, w: 12 },
        datasource: PROMETHEUS,
        unit: 's',
        targets: [
          instant('PR 50', `flask_request_duration_seconds{${APP}, quantile="0.5"}`),
          instant('PR 90', `flask_request_duration_seconds{${APP}, quantile="0.9"}`),
          instant('PR 99', `flask_request_duration_seconds{${APP}, quantile="0.99"}`),
        ],
        transformations: [
          { id: 'seriesToColumns', options: { byField: 'endpoint' } },
          {
            id: 'organize',
            options: {
              excludeByName: {
                'Time 1': true,
                'Time 2': true,
                'Time 3': true,
                '__name__ 1': true,
                '__name__ 2': true,
                '__name__ 3': true,
                'app_name 1': true,
                'app_name 2': true,
                'app_name 3': true,
                'instance 1': true,
                'instance 2': true,
                'instance 3': true,
                'job 1': true,
                'job 2': true,
                'job 3': true,
                'method 2': true,
                'method 3': true,
                'quantile 1': true,
                'quantile 2': true,
                'quantile 3': true,
              },
              renameByName: {
                'method 1': 'Method',
                'Value #PR 50': 'PR 50 (s)',
                'Value #PR 90': 'PR 90 (s)',
                'Value #PR 99': 'PR 99 (s)',
              },
            },
          },
        ],
      }),
    );
}
