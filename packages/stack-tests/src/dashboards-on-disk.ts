import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** The provisioned files exactly as Grafana would load them from grafana-provisioning/. */
export const PROVISIONING = fileURLToPath(new URL('../../../grafana-provisioning/', import.meta.url));

export async function provisionedDashboards(
  variant: 'graphite' | 'prometheus',
): Promise<Array<{ file: string; doc: object }>> {
  const dir = path.join(PROVISIONING, 'dashboards', variant);
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(
    files.map(async (file) => ({
      file,
      doc: JSON.parse(await readFile(path.join(dir, file), 'utf8')) as object,
    })),
  );
}

interface AlertQuery {
  refId: string;
  datasourceUid: string;
  model: { target?: string; expr?: string };
}

/** The alert rules' datasource queries (refId A of each rule), from the provisioned YAML. */
export async function provisionedAlertQueries(variant: 'graphite' | 'prometheus'): Promise<string[]> {
  const doc = parse(
    await readFile(path.join(PROVISIONING, variant, 'alerting', 'alerting.yaml'), 'utf8'),
  ) as {
    groups: Array<{ rules: Array<{ data: AlertQuery[] }> }>;
  };
  return doc.groups.flatMap((g) =>
    g.rules.flatMap((r) =>
      r.data.filter((d) => d.datasourceUid === variant).map((d) => d.model.target ?? d.model.expr ?? ''),
    ),
  );
}
