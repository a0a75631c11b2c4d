// Graph composer: targets as text (function and metric-path autocomplete), "apply function" from
// /functions, title and unit, rendered live into one graph card. The URL carries the whole graph.

import { findMetrics, functions } from './api.js';
import { attachAutocomplete, type Suggestion } from './autocomplete.js';
import type { AppContext } from './context.js';
import { button, type GraphSpec, GraphView } from './graph.js';
import { applyFunction } from './targets.js';
import type { Unit } from './units.js';

const UNITS: Array<[Unit | 'auto', string]> = [
  ['auto', 'auto'],
  ['none', 'none'],
  ['ms', 'milliseconds'],
  ['s', 'seconds'],
  ['rate', 'per second'],
  ['bytes', 'bytes'],
];

async function functionSuggestions(
  prefix: string,
  from: number,
  to: number,
  call: boolean,
): Promise<Suggestion[]> {
  const lower = prefix.toLowerCase();
  return (await functions())
    .filter((f) => f.name.toLowerCase().startsWith(lower))
    .slice(0, 15)
    .map((f) => ({ label: f.name, detail: f.group, insert: call ? `${f.name}(` : f.name, from, to }));
}

/** Suggestions for the word or path before the caret in a target. */
async function targetSuggestions(value: string, caret: number): Promise<Suggestion[]> {
  const before = value.slice(0, caret);
  const token = /[^\s(),|'"]*$/.exec(before)?.[0] ?? '';
  const from = caret - token.length;
  if (token.includes('.') || token.includes('*')) {
    const nodes = await findMetrics(`${token}*`);
    return nodes.slice(0, 50).map((n) => ({
      label: n.id,
      detail: n.leaf ? 'metric' : 'branch',
      insert: n.leaf ? n.id : `${n.id}.`,
      from,
      to: caret,
    }));
  }
  if (!/^[A-Za-z_]\w*$/.test(token) || value[caret] === '(') return [];
  const [fns, nodes] = await Promise.all([
    functionSuggestions(token, from, caret, true),
    findMetrics(`${token}*`).catch(() => []),
  ]);
  const paths = nodes.slice(0, 10).map((n) => ({
    label: n.id,
    detail: n.leaf ? 'metric' : 'branch',
    insert: n.leaf ? n.id : `${n.id}.`,
    from,
    to: caret,
  }));
  return [...fns, ...paths];
}

export class ComposerView {
  readonly el: HTMLElement;
  private readonly graph: GraphView;
  private readonly targetsEl: HTMLElement;
  private readonly titleInput: HTMLInputElement;
  private readonly unitSelect: HTMLSelectElement;
  private spec: GraphSpec;

  constructor(
    private readonly app: AppContext,
    initial: GraphSpec,
  ) {
    this.spec = { ...initial, targets: [...initial.targets] };
    this.el = document.createElement('section');
    this.el.className = 'composer';
    this.el.setAttribute('aria-labelledby', 'composer-heading');
    const h = document.createElement('h2');
    h.id = 'composer-heading';
    h.textContent = 'Graph composer';

    this.targetsEl = document.createElement('div');
    this.targetsEl.className = 'targets';

    const addRow = row();
    const newTarget = textInput('new-target', 'a.b.c, sumSeries(servers.*.cpu)');
    addRow.append(
      labelled('Add target', newTarget),
      button('Add', () => this.addTarget(newTarget)),
    );
    attachAutocomplete(newTarget, targetSuggestions);
    newTarget.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') this.addTarget(newTarget);
    });

    const fnRow = row();
    const fnInput = textInput('apply-function', 'type a function name, e.g. scale');
    fnRow.append(labelled('Apply function to all targets', fnInput));
    attachAutocomplete(
      fnInput,
      async (value) => functionSuggestions(value.trim(), 0, value.length, false),
      (s) => void this.applyFunctionNamed(s.label, fnInput),
      true,
    );

    const metaRow = row();
    this.titleInput = textInput('graph-title', 'optional');
    this.titleInput.value = this.spec.title ?? '';
    this.titleInput.addEventListener('change', () => {
      this.spec.title = this.titleInput.value.trim() || undefined;
      this.update();
    });
    this.unitSelect = document.createElement('select');
    this.unitSelect.id = 'graph-unit';
    for (const [value, text] of UNITS) this.unitSelect.append(new Option(text, value));
    this.unitSelect.value = this.spec.unit ?? 'auto';
    this.unitSelect.addEventListener('change', () => {
      this.spec.unit = this.unitSelect.value as Unit | 'auto';
      this.update();
    });
    const editing = app.editing;
    metaRow.append(
      labelled('Title', this.titleInput),
      labelled('Unit', this.unitSelect),
      button(editing ? `Update dashboard graph ${editing.index + 1}` : 'Add to dashboard', () =>
        this.toDashboard(),
      ),
    );

    this.graph = new GraphView(this.spec);
    this.el.append(h, this.targetsEl, addRow, fnRow, metaRow, this.graph.el);
    this.drawTargets();
    this.app.setGraphs([this.graph]);
    void this.graph.refresh(this.app.range());
  }

  currentSpec(): GraphSpec {
    return this.spec;
  }

  refresh(): void {
    void this.graph.refresh(this.app.range());
  }

  addTarget(target: string | HTMLInputElement): void {
    const input = typeof target === 'string' ? undefined : target;
    const value = (input ? input.value : (target as string)).trim();
    if (!value) return;
    this.spec.targets.push(value);
    if (input) input.value = '';
    this.drawTargets();
    this.update();
  }

  private async applyFunctionNamed(name: string, input: HTMLInputElement): Promise<void> {
    const def = (await functions()).find((f) => f.name === name);
    if (!def) return;
    this.spec.targets = this.spec.targets.map((t) => applyFunction(t, def));
    input.value = '';
    this.drawTargets();
    this.update();
    this.app.announce(`Applied ${name}`);
  }

  private drawTargets(): void {
    this.targetsEl.replaceChildren(
      ...this.spec.targets.map((t, i) => {
        const r = row('target-row');
        const input = textInput(`target-${i}`, '');
        input.className = 'target';
        input.value = t;
        const commit = () => {
          const v = input.value.trim();
          if (v === this.spec.targets[i]) return;
          if (v) this.spec.targets[i] = v;
          else this.spec.targets.splice(i, 1);
          this.update();
          if (!v) this.drawTargets();
        };
        input.addEventListener('change', commit);
        attachAutocomplete(input, targetSuggestions);
        input.addEventListener('keydown', (e) => {
          if (e.key === 'Enter') commit();
        });
        r.append(
          labelled(`Target ${i + 1}`, input),
          button(
            'Remove',
            () => {
              this.spec.targets.splice(i, 1);
              this.drawTargets();
              this.update();
            },
            'remove-target',
          ),
        );
        return r;
      }),
    );
  }

  private update(): void {
    this.graph.setSpec(this.spec);
    this.app.setGraphs([this.graph]);
    this.app.navigate(composerHash(this.spec), true);
    void this.graph.refresh(this.app.range());
  }

  private toDashboard(): void {
    const spec = { ...this.spec, targets: [...this.spec.targets] };
    const editing = this.app.editing;
    if (editing) this.app.dashboard.graphs[editing.index] = spec;
    else this.app.dashboard.graphs.push(spec);
    this.app.editing = undefined;
    this.app.navigate(`#/dashboard/${encodeURIComponent(this.app.dashboard.name)}`);
  }

  destroy(): void {
    this.graph.destroy();
    this.el.remove();
  }
}

export function composerHash(spec: GraphSpec): string {
  const q = new URLSearchParams();
  for (const t of spec.targets) q.append('target', t);
  if (spec.title) q.set('title', spec.title);
  if (spec.unit && spec.unit !== 'auto') q.set('unit', spec.unit);
  return `#/composer?${q}`;
}

function row(className = 'row'): HTMLDivElement {
  const d = document.createElement('div');
  d.className = className;
  return d;
}

function textInput(id: string, placeholder: string): HTMLInputElement {
  const input = document.createElement('input');
  input.id = id;
  input.type = 'text';
  input.autocomplete = 'off';
  input.spellcheck = false;
  input.placeholder = placeholder;
  return input;
}

function labelled(text: string, control: HTMLElement): HTMLLabelElement {
  const label = document.createElement('label');
  const span = document.createElement('span');
  span.textContent = text;
  label.append(span, control);
  return label;
}

export { labelled, row, textInput };
