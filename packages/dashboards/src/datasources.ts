import type * as common from '@grafana/grafana-foundation-sdk/common';

/** Pinned uids, so dashboards and alert rules can refer to the datasources by uid. */
export const GRAPHITE: common.DataSourceRef = { type: 'graphite', uid: 'graphite' };
export const PROMETHEUS: common.DataSourceRef = { type: 'prometheus', uid: 'prometheus' };

/** Grafana datasource provisioning for the Graphite variant (compose service `graphite`, port 8080). */
export function graphiteDatasources() {
  return {
    apiVersion: 1,
    prune: true,
    datasources: [
      {
        name: 'Graphite',
        uid: GRAPHITE.uid,
        type: 'graphite',
        access: 'proxy',
        url: 'http://graphite:8080',
        isDefault: true,
        editable: false,
        // 1.1 turns on tags, seriesByTag and the /functions index; our graphite serves all of them.
        jsonData: { graphiteVersion: '1.1', graphiteType: 'default' },
      },
    ],
  };
}

/** Grafana datasource provisioning for the Prometheus variant. */
export function prometheusDatasources() {
  return {
    apiVersion: 1,
    prune: true,
    datasources: [
      {
        name: 'Prometheus',
        uid: PROMETHEUS.uid,
        type: 'prometheus',
        access: 'proxy',
        url: 'http://prometheus:9090',
        isDefault: true,
        editable: false,
        jsonData: { httpMethod: 'POST', timeInterval: '15s' },
      },
    ],
  };
}

/** The file provider both variants use: every JSON file under the mounted dashboards directory. */
export function dashboardProviders(name: string) {
  return {
    apiVersion: 1,
    providers: [
      {
        name,
        orgId: 1,
        folder: '',
        type: 'file',
        disableDeletion: true,
        allowUiUpdates: false,
        updateIntervalSeconds: 30,
        options: { path: '/etc/grafana/dashboards', foldersFromFilesStructure: false },
      },
    ],
  };
}
