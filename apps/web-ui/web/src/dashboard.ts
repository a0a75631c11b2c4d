// Dashboards: a grid of graphs saved through graphite-web's /dashboard endpoints. The state written is
// graphite-web's shape (graphs as [id, params, url]) so dashboards move between the two.
import { deleteDashboard, findDashboards, loadDashboard, saveDashboard } from './api.js';
import { composerHash, labelled, row, textInput } from './composer.js';
import type { AppContext } from './context.js';
import { fromState, toState } from './dashboard-state.js';
import { button, GraphView } from './graph.js';

export class DashboardView {
  readonly el: HTMLElement;
  private readonly grid: HTMLElement;
  private readonly nameInput: HTMLInputElement;
  private readonly results: HTMLUListElement;
  private views: GraphView[] = [];

  constructor(private readonly app: AppContext) {
    this.el = document.createElement('section');
    this.el.className = 'dashboard';
    this.el.setAttribute('aria-labelledby', 'dashboard-heading');
    const h = document.createElement('h2');
    h.id = 'dashboard-heading';
    h.textContent = 'Dashboards';

    const toolbar = row('dash-toolbar');
    this.nameInput = textInput('dashboard-name', 'name');
    this.nameInput.value = app.dashboard.name;
    toolbar.append(
      labelled('Dashboard', this.nameInput),
      button('Save', () => void this.save()),
      button('New', () => this.reset()),
      button('Delete', () => void this.remove()),
    );

    const findRow = row('dash-find');
    const findInput = textInput('dashboard-find', 'find dashboards (words)');
    const doFind = () => void this.find(findInput.value);
    findInput.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') doFind();
    });
    findRow.append(labelled('Find', findInput), button('Find', doFind));
    this.results = document.createElement('ul');
    this.results.className = 'dash-results';
    this.results.setAttribute('aria-label', 'Dashboards found');

    this.grid = document.createElement('div');
    this.grid.className = 'grid';
    this.el.append(h, toolbar, findRow, this.results, this.grid);
    this.drawGraphs();
    void this.find('');
  }

  /** Loads a saved dashboard by name (unless it is the one in memory). */
  async open(name: string): Promise<void> {
    if (name === this.app.dashboard.name && this.app.dashboard.graphs.length) return;
    try {
      const { model, range } = fromState(await loadDashboard(name));
      model.name = name;
      this.app.dashboard = model;
      this.nameInput.value = name;
      if (range) this.app.setRange(range);
      this.drawGraphs();
    } catch (err) {
      this.app.announce(`Could not load dashboard ${name}: ${(err as Error).message}`);
    }
  }

  refresh(): void {
    for (const v of this.views) void v.refresh(this.app.range());
  }

  private drawGraphs(): void {
    for (const v of this.views) v.destroy();
    const model = this.app.dashboard;
    this.views = model.graphs.map(
      (spec, index) =>
        new GraphView(spec, {
          onEdit: () => {
            this.app.editing = { spec, index };
            this.app.navigate(composerHash(spec));
          },
          onRemove: () => {
            model.graphs.splice(index, 1);
            this.drawGraphs();
          },
        }),
    );
    this.grid.replaceChildren(...this.views.map((v) => v.el));
    if (!this.views.length) {
      const p = document.createElement('p');
      p.className = 'hint';
      p.textContent = 'No graphs yet: compose one and choose "Add to dashboard", or open a saved dashboard.';
      this.grid.append(p);
    }
    this.app.setGraphs(this.views);
    this.refresh();
  }

  private async save(): Promise<void> {
    const name = this.nameInput.value.trim();
    if (!name || name.includes('/')) {
      this.app.announce('A dashboard needs a name without "/"');
      this.nameInput.focus();
      return;
    }
    this.app.dashboard.name = name;
    try {
      await saveDashboard(name, toState(this.app.dashboard, this.app.range()));
      this.app.announce(`Saved dashboard ${name}`);
      this.app.navigate(`#/dashboard/${encodeURIComponent(name)}`, true);
      await this.find('');
    } catch (err) {
      this.app.announce(`Save failed: ${(err as Error).message}`);
    }
  }

  private reset(): void {
    this.app.dashboard = { name: '', graphs: [], extra: {} };
    this.nameInput.value = '';
    this.app.navigate('#/dashboard', true);
    this.drawGraphs();
  }

  private async remove(): Promise<void> {
    const name = this.nameInput.value.trim();
    if (!name) return;
    try {
      await deleteDashboard(name);
      this.app.announce(`Deleted dashboard ${name}`);
      this.reset();
      await this.find('');
    } catch (err) {
      this.app.announce(`Delete failed: ${(err as Error).message}`);
    }
  }

  private async find(query: string): Promise<void> {
    try {
      const names = await findDashboards(query);
      this.results.replaceChildren(
        ...names.map((name) => {
          const li = document.createElement('li');
          const a = document.createElement('a');
          a.href = `#/dashboard/${encodeURIComponent(name)}`;
          a.textContent = name;
          li.append(a);
          return li;
        }),
      );
    } catch (err) {
      this.app.announce(`Find failed: ${(err as Error).message}`);
    }
  }

  destroy(): void {
    for (const v of this.views) v.destroy();
    this.el.remove();
  }
}
