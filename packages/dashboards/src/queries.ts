/**
 * Walks dashboard JSON (generated or loaded from disk) and lists what Grafana would query, so the
 * end-to-end tests can run every query against the real pipeline.
 */

interface PanelLike {
  title?: string;
  type?: string;
  targets?: Array<Record<string, unknown>>;
  panels?: PanelLike[];
}

interface DashboardLike {
  uid?: string;
  title?: string;
  panels?: PanelLike[];
  templating?: { list?: Array<Record<string, unknown>> };
  annotations?: { list?: Array<Record<string, unknown>> };
}

export interface DashboardQuery {
  dashboard: string;
  panel: string;
  refId: string;
  datasourceType: string;
  /** Graphite target or PromQL expression, as written (template variables not substituted). */
  query: string;
  /** Prometheus: instant-only queries. */
  instant: boolean;
}

export interface DashboardVariable {
  dashboard: string;
  name: string;
  datasourceType: string;
  query: string;
  allValue: string | undefined;
}

function flatPanels(panels: PanelLike[] = []): PanelLike[] {
  return panels.flatMap((p) => [p, ...flatPanels(p.panels)]);
}

export function dashboardQueries(dashboard: object): DashboardQuery[] {
  const doc = dashboard as DashboardLike;
  const out: DashboardQuery[] = [];
  for (const panel of flatPanels(doc.panels)) {
    const panelDs = (panel as { datasource?: { type?: string } }).datasource?.type ?? '';
    for (const t of panel.targets ?? []) {
      const ds = (t.datasource as { type?: string } | undefined)?.type ?? panelDs;
      const query = ds === 'graphite' ? t.target : t.expr;
      if (typeof query !== 'string' || t.hide === true) continue;
      out.push({
        dashboard: doc.uid ?? '',
        panel: panel.title ?? '',
        refId: String(t.refId ?? ''),
        datasourceType: ds,
        query,
        instant: t.instant === true && t.range !== true,
      });
    }
  }
  return out;
}

export function dashboardVariables(dashboard: object): DashboardVariable[] {
  const doc = dashboard as DashboardLike;
  return (doc.templating?.list ?? [])
    .filter((v) => v.type === 'query')
    .map((v) => ({
      dashboard: doc.uid ?? '',
      name: String(v.name),
      datasourceType: (v.datasource as { type?: string } | undefined)?.type ?? '',
      query: typeof v.query === 'string' ? v.query : String((v.query as { query?: string })?.query ?? ''),
      allValue: typeof v.allValue === 'string' ? v.allValue : undefined,
    }));
}

/** Graphite annotations that read the events API: their tag lists. */
export function graphiteEventAnnotations(dashboard: object): string[][] {
  const doc = dashboard as DashboardLike;
  return (doc.annotations?.list ?? [])
    .filter((a) => (a.datasource as { type?: string } | undefined)?.type === 'graphite')
    .map((a) => (a.target as { tags?: string[] } | undefined)?.tags ?? []);
}

/**
 * Substitutes $var / ${var} the way Grafana does for "All" (the variable's allValue), which is
 * what a freshly opened dashboard sends.
 */
export function interpolateAll(query: string, variables: DashboardVariable[]): string {
  return query.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, (whole, braced: string, bare: string) => {
    const name = braced ?? bare;
    if (name.startsWith('__')) return whole;
    const v = variables.find((x) => x.name === name);
    return v ? (v.allValue ?? '*') : whole;
  });
}
