import { GRAPHITE, PROMETHEUS } from './datasources.js';

/** 5xx share of all requests, in percent, over the demo API's Graphite-style counters. */
export const GRAPHITE_5XX_PERCENT =
  'asPercent(sumSeries(stats.flask.request_total.*.*.5*), sumSeries(stats.flask.request_total.*.*.*))';

/** The same ratio from the exporter's cumulative counters. */
export const PROMETHEUS_5XX_PERCENT =
  '100 * sum(rate(flask_request_status_total{status=~"5.."}[1m])) / sum(rate(flask_request_status_total[1m]))';

export const ALERT_THRESHOLD_PERCENT = 5;
const CONTACT_POINT = 'demo-webhook';

function expressions(queryRefId: string) {
  return [
    {
      refId: 'B',
      datasourceUid: '__expr__',
      model: {
        refId: 'B',
        type: 'reduce',
        expression: queryRefId,
        reducer: 'last',
        settings: { mode: 'dropNN' },
        datasource: { type: '__expr__', uid: '__expr__' },
      },
    },
    {
      refId: 'C',
      datasourceUid: '__expr__',
      model: {
        refId: 'C',
        type: 'threshold',
        expression: 'B',
        conditions: [{ evaluator: { type: 'gt', params: [ALERT_THRESHOLD_PERCENT] } }],
        datasource: { type: '__expr__', uid: '__expr__' },
      },
    },
  ];
}

function rule(uid: string, dashboardUid: string, query: Record<string, unknown>) {
  return {
    uid,
    title: 'High 5xx ratio',
    condition: 'C',
    data: [
      {
        refId: 'A',
        relativeTimeRange: { from: 600, to: 0 },
        datasourceUid: (query.datasource as { uid: string }).uid,
        model: query,
      },
      ...expressions('A'),
    ],
    // No 5xx at all means no series (Graphite) or NaN (Prometheus idle): that is healthy, not an alert.
    noDataState: 'OK',
    execErrState: 'Error',
    for: '1m',
    dashboardUid,
    annotations: {
      summary: `More than ${ALERT_THRESHOLD_PERCENT}% of demo API requests answer 5xx`,
      description:
        'The share of 5xx responses over the last minute is {{ $values.B.Value | printf "%.1f" }}%.',
    },
    labels: { severity: 'warning', service: 'demo-api' },
    isPaused: false,
  };
}

function alerting(group: Record<string, unknown>) {
  return {
    apiVersion: 1,
    groups: [group],
    contactPoints: [
      {
        orgId: 1,
        name: CONTACT_POINT,
        receivers: [
          {
            uid: 'demo-webhook',
            type: 'webhook',
            // Grafana expands $VARS in provisioning files; compose gives this a harmless default.
            settings: { url: '$ALERT_WEBHOOK_URL', httpMethod: 'POST' },
            disableResolveMessage: false,
          },
        ],
      },
    ],
    policies: [
      {
        orgId: 1,
        receiver: CONTACT_POINT,
        group_by: ['grafana_folder', 'alertname'],
        group_wait: '30s',
        group_interval: '5m',
        repeat_interval: '4h',
      },
    ],
  };
}

export function graphiteAlerting(dashboardUid: string) {
  return alerting({
    orgId: 1,
    name: 'demo-api',
    folder: 'Flask Monitoring alerts',
    interval: '1m',
    rules: [
      rule('demo-api-5xx-ratio-graphite', dashboardUid, {
        refId: 'A',
        datasource: GRAPHITE,
        target: GRAPHITE_5XX_PERCENT,
        textEditor: true,
        intervalMs: 10_000,
        maxDataPoints: 100,
      }),
    ],
  });
}

export function prometheusAlerting(dashboardUid: string) {
  return alerting({
    orgId: 1,
    name: 'demo-api',
    folder: 'Flask Monitoring alerts',
    interval: '1m',
    rules: [
      rule('demo-api-5xx-ratio-prometheus', dashboardUid, {
        refId: 'A',
        datasource: PROMETHEUS,
        expr: PROMETHEUS_5XX_PERCENT,
        instant: true,
        range: false,
        intervalMs: 15_000,
        maxDataPoints: 100,
      }),
    ],
  });
}
