import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';

/** Grid position; every panel in our dashboards gets an explicit one (24-column grid). */
export interface Pos {
  x: number;
  y: number;
  w: number;
  h?: number;
}

const grid = (p: Pos): dashboard.GridPos => ({ x: p.x, y: p.y, w: p.w, h: p.h ?? 8 });

export interface PanelCommon {
  title: string;
  description?: string;
  pos: Pos;
  datasource: common.DataSourceRef;
  targets: cog.Builder<cog.Dataquery>[];
  unit?: string;
}

export function timeseriesPanel(
  p: PanelCommon & { min?: number; softMax?: number; legendCalcs?: string[]; legendRight?: boolean },
) {
  const legend = new common.VizLegendOptionsBuilder()
    .showLegend(true)
    .displayMode(p.legendCalcs ? common.LegendDisplayMode.Table : common.LegendDisplayMode.List)
    .placement(p.legendRight ? common.LegendPlacement.Right : common.LegendPlacement.Bottom)
    .calcs(p.legendCalcs ?? []);
  const b = new timeseries.PanelBuilder()
    .title(p.title)
    .gridPos(grid(p.pos))
    .datasource(p.datasource)
    .unit(p.unit ?? 'short')
    .legend(legend)
    .tooltip(
      new common.VizTooltipOptionsBuilder()
        .mode(common.TooltipDisplayMode.Multi)
        .sort(common.SortOrder.Descending),
    )
    .lineWidth(1)
    .fillOpacity(10)
    .spanNulls(true);
  if (p.description) b.description(p.description);
  if (p.min !== undefined) b.min(p.min);
  if (p.softMax !== undefined) b.axisSoftMax(p.softMax);
  for (const t of p.targets) b.withTarget(t);
  return b;
}

export function statPanel(p: PanelCommon & { calc: string; graph?: boolean }) {
  const b = new stat.PanelBuilder()
    .title(p.title)
    .gridPos(grid(p.pos))
    .datasource(p.datasource)
    .unit(p.unit ?? 'short')
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs([p.calc]).values(false))
    .graphMode(p.graph === false ? common.BigValueGraphMode.None : common.BigValueGraphMode.Area)
    .colorMode(common.BigValueColorMode.Value);
  if (p.description) b.description(p.description);
  for (const t of p.targets) b.withTarget(t);
  return b;
}

export function barGaugePanel(p: PanelCommon & { calc: string }) {
  const b = new bargauge.PanelBuilder()
    .title(p.title)
    .gridPos(grid(p.pos))
    .datasource(p.datasource)
    .unit(p.unit ?? 'short')
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs([p.calc]).values(false))
    .displayMode(common.BarGaugeDisplayMode.Lcd)
    .orientation(common.VizOrientation.Horizontal)
    .colorScheme(new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.ContinuousGrYlRd));
  if (p.description) b.description(p.description);
  for (const t of p.targets) b.withTarget(t);
  return b;
}

export function tablePanel(p: PanelCommon & { transformations: dashboard.DataTransformerConfig[] }) {
  const b = new table.PanelBuilder()
    .title(p.title)
    .gridPos(grid(p.pos))
    .datasource(p.datasource)
    .unit(p.unit ?? 'short')
    .transformations(p.transformations);
  if (p.description) b.description(p.description);
  for (const t of p.targets) b.withTarget(t);
  return b;
}

export function thresholds(mode: dashboard.ThresholdsMode, steps: Array<[number | null, string]>) {
  return new dashboard.ThresholdsConfigBuilder()
    .mode(mode)
    .steps(steps.map(([value, color]) => ({ value, color })));
}

/** Grafana's built-in annotation (annotations saved from the UI). */
export function builtInAnnotation() {
  return new dashboard.AnnotationQueryBuilder()
    .name('Annotations & Alerts')
    .builtIn(1)
    .datasource({ type: 'grafana', uid: '-- Grafana --' })
    .enable(true)
    .hide(true)
    .iconColor('rgba(0, 211, 255, 1)')
    .type('dashboard');
}
