// What the views share: the time range, live dispatch and navigation.
import type { GraphSpec, GraphView } from './graph.js';
import type { TimeRange } from './time.js';

export interface DashboardModel {
  name: string;
  graphs: GraphSpec[];
  /** Extra keys of a loaded graphite-web state, written back unchanged on save. */
  extra: Record<string, unknown>;
}

export interface AppContext {
  range(): TimeRange;
  setRange(range: TimeRange): void;
  /** Views call this whenever their set of graphs changes (live subscriptions follow). */
  setGraphs(graphs: GraphView[]): void;
  /** Changes the URL; with silent=true only records it (no re-route). */
  navigate(hash: string, silent?: boolean): void;
  dashboard: DashboardModel;
  /** The composer's graph when opened from a dashboard graph (index into dashboard.graphs). */
  editing: { spec: GraphSpec; index: number } | undefined;
  announce(message: string): void;
}
