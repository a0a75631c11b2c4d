// One graph card: renders its targets through /render, shows render errors, draws events, and takes
// live points (appended in place for plain path targets, a throttled re-render for function targets).
import { compileGlob } from '../../src/glob.js';
import { ApiError, events as fetchEvents, render } from './api.js';
import { Chart } from './chart.js';
import { pathExpressions } from './targets.js';
import type { TimeRange } from './time.js';
import { toEpoch } from './time.js';
import { guessUnit, type Unit } from './units.js';

export interface GraphSpec {
  targets: string[];
  title?: string;
  unit?: Unit | 'auto';
}

export interface GraphActions {
  onEdit?: () => void;
  onRemove?: () => void;
}

const LIVE_RERENDER_MS = 1000;

export class GraphView {
  readonly el: HTMLElement;
  private readonly chart: Chart;
  private readonly errorEl: HTMLElement;
  private readonly titleEl: HTMLElement;
  private readonly emptyEl: HTMLElement;
  private readonly bodyEl: HTMLElement;
  private abort: AbortController | undefined;
  private range: TimeRange = { from: '-1h', until: 'now' };
  private matchers: RegExp[] = [];
  private plainTargets = true;
  private rerenderTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    public spec: GraphSpec,
    actions: GraphActions = {},
  ) {
    this.el = document.createElement('section');
    this.el.className = 'graph';
    const head = document.createElement('header');
    this.titleEl = document.createElement('h3');
    head.append(this.titleEl);
    const buttons = document.createElement('div');
    buttons.className = 'graph-actions';
    if (actions.onEdit) buttons.append(button('Edit', actions.onEdit));
    if (actions.onRemove) buttons.append(button('Remove', actions.onRemove));
    head.append(buttons);
    this.errorEl = document.createElement('p');
    this.errorEl.className = 'error';
    this.errorEl.setAttribute('role', 'alert');
    this.errorEl.hidden = true;
    this.emptyEl = document.createElement('p');
    this.emptyEl.className = 'hint nodata';
    this.emptyEl.hidden = true;
    this.bodyEl = document.createElement('div');
    this.bodyEl.className = 'graph-body';
    this.el.append(head, this.errorEl, this.emptyEl, this.bodyEl);
    this.chart = new Chart(this.bodyEl, '', 'none');
    this.setSpec(spec);
  }

  setSpec(spec: GraphSpec): void {
    this.spec = spec;
    const title = spec.title || spec.targets.join(', ') || 'Empty graph';
    this.titleEl.textContent = title;
    this.el.setAttribute('aria-label', `Graph: ${title}`);
    this.chart.title = title;
    this.chart.unit = !spec.unit || spec.unit === 'auto' ? guessUnit(spec.targets) : spec.unit;
    const paths = spec.targets.flatMap(pathExpressions);
    this.matchers = paths.map(compileGlob).filter((re): re is RegExp => re !== null);
    this.plainTargets = spec.targets.every(
      (t) => pathExpressions(t).length === 1 && pathExpressions(t)[0] === t.trim(),
    );
  }

  /** Globs this graph wants live points for. */
  livePatterns(): string[] {
    return this.spec.targets.flatMap(pathExpressions);
  }

  async refresh(range: TimeRange = this.range): Promise<void> {
    this.range = range;
    this.abort?.abort();
    const abort = new AbortController();
    this.abort = abort;
    const targets = this.spec.targets.filter((t) => t.trim() !== '');
    this.chart.windowSeconds = Math.max(60, toEpoch(range.until) - toEpoch(range.from));
    this.el.setAttribute('aria-busy', 'true');
    try {
      const [series, evs] = await Promise.all([
        targets.length ? render(targets, range.from, range.until, this.chart.pixelWidth(), abort.signal) : [],
        fetchEvents(range.from, range.until).catch(() => []),
      ]);
      if (abort.signal.aborted) return;
      this.errorEl.hidden = true;
      this.chart.setSeries(series);
      this.chart.setEvents(evs);
      this.el.dataset.state = series.length ? 'ready' : 'empty';
      this.emptyEl.hidden = series.length > 0;
      this.bodyEl.hidden = series.length === 0;
      this.emptyEl.textContent = targets.length
        ? 'No data in this time range.'
        : 'Add a target to draw a graph.';
    } catch (err) {
      if (abort.signal.aborted) return;
      const message =
        err instanceof ApiError ? `Render error (HTTP ${err.status}): ${err.message}` : String(err);
      this.errorEl.textContent = message;
      this.errorEl.hidden = false;
      this.emptyEl.hidden = true;
      this.bodyEl.hidden = true;
      this.el.dataset.state = 'error';
    } finally {
      if (this.abort === abort) this.el.removeAttribute('aria-busy');
    }
  }

  /** Handles live points pushed by the server. */
  onLivePoints(metric: string, points: Array<[number, number]>): void {
    if (!this.matchers.some((re) => re.test(metric))) return;
    if (this.plainTargets && this.chart.appendPoints(metric, points)) return;
    // Functions (or a series not drawn yet) need the render API; coalesce bursts into one request.
    this.rerenderTimer ??= setTimeout(() => {
      this.rerenderTimer = undefined;
      void this.refresh();
    }, LIVE_RERENDER_MS);
  }

  destroy(): void {
    this.abort?.abort();
    clearTimeout(this.rerenderTimer);
    this.chart.destroy();
    this.el.remove();
  }
}

export function button(label: string, onClick: () => void, className = ''): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  if (className) b.className = className;
  b.addEventListener('click', onClick);
  return b;
}
