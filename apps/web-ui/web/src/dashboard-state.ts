// Dashboard state <-> the UI's model. The state written is graphite-web's shape (graphs as
// [id, params, url] with params.target a list) so dashboards move between the two.
import type { DashboardGraph, DashboardState } from './api.js';
import type { DashboardModel } from './context.js';
import type { GraphSpec } from './graph.js';
import type { TimeRange } from './time.js';
import type { Unit } from './units.js';

const RELATIVE_UNITS: Record<string, string> = {
  seconds: 's',
  minutes: 'min',
  hours: 'h',
  days: 'd',
  weeks: 'w',
  months: 'mon',
  years: 'y',
};

export function toState(model: DashboardModel, range: TimeRange): DashboardState {
  return {
    ...model.extra,
    name: model.name,
    timeConfig: { type: 'relative', from: range.from, until: range.until },
    graphs: model.graphs.map((g) => {
      const params: DashboardGraph = { target: [...g.targets] };
      if (g.title) params.title = g.title;
      if (g.unit && g.unit !== 'auto') params.unit = g.unit;
      const q = new URLSearchParams();
      for (const t of g.targets) q.append('target', t);
      q.set('from', range.from);
      q.set('until', range.until);
      return [g.targets.join(','), params, `/render?${q}`];
    }),
  };
}

/** Reads our states and graphite-web's (relative timeConfig fields, target as string or list). */
export function fromState(state: DashboardState): { model: DashboardModel; range?: TimeRange } {
  const { name, timeConfig, graphs, ...extra } = state;
  const specs: GraphSpec[] = (Array.isArray(graphs) ? graphs : []).flatMap((g) => {
    const params = Array.isArray(g) ? g[1] : undefined;
    if (!params || typeof params !== 'object') return [];
    const raw = params.target as unknown;
    const targets = (Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : []).map(String);
    return [
      {
        targets,
        title: typeof params.title === 'string' ? params.title : undefined,
        unit: params.unit as Unit,
      },
    ];
  });
  let range: TimeRange | undefined;
  if (timeConfig && typeof timeConfig.from === 'string') {
    range = { from: timeConfig.from, until: typeof timeConfig.until === 'string' ? timeConfig.until : 'now' };
  } else if (timeConfig?.relativeStartQuantity) {
    const unit = RELATIVE_UNITS[String(timeConfig.relativeStartUnits)] ?? 'h';
    range = { from: `-${timeConfig.relativeStartQuantity}${unit}`, until: 'now' };
  }
  return { model: { name: String(name ?? ''), graphs: specs, extra }, range };
}
