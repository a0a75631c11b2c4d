// App shell: hash routing (#/composer?target=..., #/dashboard/<name>), time range, live mode, tree.
import './style.css';
import { allCharts } from './chart.js';
import { ComposerView, composerHash } from './composer.js';
import type { AppContext, DashboardModel } from './context.js';
import { DashboardView } from './dashboard.js';
import type { GraphSpec, GraphView } from './graph.js';
import { LiveClient } from './live.js';
import { type TimeRange, toAtTime } from './time.js';
import { MetricTree } from './tree.js';
import type { Unit } from './units.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

class App implements AppContext {
  dashboard: DashboardModel = { name: '', graphs: [], extra: {} };
  editing: AppContext['editing'];
  private timeRange: TimeRange = { from: '-1h', until: 'now' };
  private graphs: GraphView[] = [];
  private view: ComposerView | DashboardView | undefined;
  private readonly main = $<HTMLElement>('main');
  private readonly status = $<HTMLElement>('live-status');
  private readonly live = new LiveClient(
    (metric, points) => {
      for (const g of this.graphs) g.onLivePoints(metric, points);
    },
    (s) => {
      this.status.textContent = s === 'off' ? '' : s === 'live' ? 'live' : `${s}…`;
      this.status.dataset.state = s;
    },
    () => this.refresh(),
  );
  private liveOn = false;

  constructor() {
    const tree = new MetricTree($<HTMLElement>('tree'), (target) => this.addTarget(target));
    void tree.showRoot();
    $<HTMLFormElement>('tree-search').addEventListener('submit', (e) => {
      e.preventDefault();
      void tree.search($<HTMLInputElement>('tree-query').value);
    });
    this.bindTime();
    $<HTMLButtonElement>('live-toggle').addEventListener('click', () => this.toggleLive());
    window.addEventListener('hashchange', () => this.route());
    // graphite-web's dashboard URLs (/dashboard/<name>) land on the same page.
    const legacy = /^\/dashboard\/([^/]+)$/.exec(location.pathname);
    if (legacy && !location.hash) history.replaceState(null, '', `/#/dashboard/${legacy[1]}`);
    this.route();
  }

  range(): TimeRange {
    return this.timeRange;
  }

  setRange(range: TimeRange): void {
    this.timeRange = range;
    this.showRange();
    this.writeRangeToUrl();
  }

  setGraphs(graphs: GraphView[]): void {
    this.graphs = graphs;
    this.live.subscribe(graphs.flatMap((g) => g.livePatterns()));
  }

  navigate(hash: string, silent = false): void {
    const url = this.withRange(hash);
    // The tabs return to the last graph and dashboard shown.
    if (hash.startsWith('#/composer')) $<HTMLAnchorElement>('tab-composer').href = url;
    else if (hash.startsWith('#/dashboard')) $<HTMLAnchorElement>('tab-dashboard').href = url;
    if (silent) history.replaceState(null, '', url);
    else location.hash = url;
  }

  announce(message: string): void {
    const el = $<HTMLElement>('announce');
    el.textContent = message;
  }

  private withRange(hash: string): string {
    const [path, query = ''] = hash.split('?');
    const q = new URLSearchParams(query);
    q.set('from', this.timeRange.from);
    q.set('until', this.timeRange.until);
    return `${path}?${q}`;
  }

  private writeRangeToUrl(): void {
    history.replaceState(null, '', this.withRange(location.hash || '#/composer'));
  }

  private route(): void {
    const hash = location.hash.replace(/^#/, '') || '/composer';
    const [path, query = ''] = hash.split('?');
    const q = new URLSearchParams(query);
    if (q.get('from')) this.timeRange = { from: q.get('from')!, until: q.get('until') || 'now' };
    this.showRange();
    const dash = /^\/dashboard(?:\/(.*))?$/.exec(path);
    for (const [id, on] of [
      ['tab-composer', !dash],
      ['tab-dashboard', !!dash],
    ] as const) {
      if (on) $(id).setAttribute('aria-current', 'page');
      else $(id).removeAttribute('aria-current');
    }
    this.view?.destroy();
    document.title = dash
      ? `${dash[1] ? decodeURIComponent(dash[1]) : 'Dashboards'} · Graphite`
      : 'Composer · Graphite';
    if (dash) {
      this.editing = undefined;
      const view = new DashboardView(this);
      this.view = view;
      this.main.replaceChildren(view.el, announcer());
      if (dash[1]) void view.open(decodeURIComponent(dash[1]));
    } else {
      const spec: GraphSpec = this.editing?.spec ?? {
        targets: q.getAll('target'),
        title: q.get('title') ?? undefined,
        unit: (q.get('unit') as Unit | null) ?? 'auto',
      };
      const view = new ComposerView(this, spec);
      this.view = view;
      this.main.replaceChildren(view.el, announcer());
    }
  }

  private addTarget(target: string): void {
    if (this.view instanceof ComposerView) {
      this.view.addTarget(target);
    } else {
      this.editing = undefined;
      this.navigate(composerHash({ targets: [target] }));
    }
  }

  private refresh(): void {
    this.view?.refresh();
  }

  private showRange(): void {
    const preset = $<HTMLSelectElement>('time-preset');
    const isPreset =
      (this.timeRange.until === 'now' || this.timeRange.until === '') &&
      [...preset.options].some((o) => o.value === this.timeRange.from);
    preset.value = isPreset ? this.timeRange.from : 'custom';
    $<HTMLInputElement>('time-from').value = this.timeRange.from;
    $<HTMLInputElement>('time-until').value = this.timeRange.until;
  }

  private bindTime(): void {
    const preset = $<HTMLSelectElement>('time-preset');
    preset.addEventListener('change', () => {
      if (preset.value === 'custom') {
        $<HTMLInputElement>('time-from').focus();
        return;
      }
      this.setRange({ from: preset.value, until: 'now' });
      this.refresh();
    });
    $<HTMLFormElement>('time').addEventListener('submit', (e) => {
      e.preventDefault();
      const from = toAtTime($<HTMLInputElement>('time-from').value) || '-1h';
      const until = toAtTime($<HTMLInputElement>('time-until').value) || 'now';
      this.setRange({ from, until });
      this.refresh();
    });
  }

  private toggleLive(): void {
    this.liveOn = !this.liveOn;
    $('live-toggle').setAttribute('aria-pressed', String(this.liveOn));
    if (this.liveOn) {
      // Live points extend "now"; an absolute range would hide them.
      if (this.timeRange.until !== 'now') this.setRange({ from: '-1h', until: 'now' });
      this.live.start();
      this.live.subscribe(this.graphs.flatMap((g) => g.livePatterns()));
      this.refresh();
    } else this.live.stop();
  }
}

function announcer(): HTMLElement {
  const p = document.createElement('p');
  p.id = 'announce';
  p.className = 'announce';
  p.setAttribute('role', 'status');
  p.setAttribute('aria-live', 'polite');
  return p;
}

// Read-only hook for tests and debugging: what each chart currently draws.
(window as unknown as { graphiteUi: unknown }).graphiteUi = {
  charts: () => allCharts().map((c) => c.snapshot()),
};

new App();
