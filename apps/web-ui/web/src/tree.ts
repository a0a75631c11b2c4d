// Metric tree (ARIA tree with roving focus): lazy /metrics/find expansion, a glob search, and tagged
// series browsable as tag -> value -> series. Activating a leaf hands its path to onPick.
import { findMetrics, findTaggedSeries, listTags, type TreeNode, tagValues } from './api.js';

type Loader = () => Promise<Item[]>;
interface Item {
  label: string;
  path?: string; // leaf: target to add
  load?: Loader; // branch
}

export class MetricTree {
  constructor(
    private readonly root: HTMLElement,
    private readonly onPick: (target: string) => void,
  ) {
    root.addEventListener('keydown', (e) => this.onKey(e));
  }

  async showRoot(): Promise<void> {
    let metrics: Item[] = [];
    let failure: string | undefined;
    try {
      // _tagged holds tagged series' files; they are browsed through the tags instead.
      metrics = (await this.metricItems('*')).filter((i) => i.label !== '_tagged');
    } catch (err) {
      failure = `Cannot list metrics: ${(err as Error).message}`;
    }
    this.fill(this.root, [...metrics, { label: 'Tagged series', load: () => this.tagItems() }], 1);
    if (failure) this.message(this.root, failure);
  }

  async search(glob: string): Promise<void> {
    const query = glob.trim();
    if (!query) return this.showRoot();
    try {
      const nodes = await findMetrics(query);
      this.fill(
        this.root,
        nodes.map((n) => this.toItem(n, n.id)),
        1,
      );
      if (nodes.length === 0) this.message(this.root, `No metrics match ${query}`);
    } catch (err) {
      this.message(this.root, `Search failed: ${(err as Error).message}`);
    }
  }

  private toItem(n: TreeNode, label = n.text): Item {
    return n.leaf && !n.expandable
      ? { label, path: n.id }
      : { label, load: () => this.metricItems(`${n.id}.*`), ...(n.leaf ? { path: n.id } : {}) };
  }

  private async metricItems(query: string): Promise<Item[]> {
    return (await findMetrics(query)).map((n) => this.toItem(n));
  }

  private async tagItems(): Promise<Item[]> {
    return (await listTags()).map((tag) => ({
      label: tag,
      load: async () =>
        (await tagValues(tag)).map((value) => ({
          label: value,
          load: async () =>
            (await findTaggedSeries(`${tag}=${value}`)).map((path) => ({ label: path, path })),
        })),
    }));
  }

  private message(list: HTMLElement, text: string): void {
    const li = document.createElement('div');
    li.className = 'tree-message';
    li.setAttribute('role', 'none');
    li.textContent = text;
    list.append(li);
  }

  private fill(list: HTMLElement, items: Item[], level: number): void {
    list.replaceChildren();
    items.forEach((item, i) => {
      const li = document.createElement('div');
      li.setAttribute('role', 'treeitem');
      li.setAttribute('aria-level', String(level));
      li.tabIndex = list === this.root && i === 0 ? 0 : -1;
      const label = document.createElement('span');
      label.className = item.load ? 'branch' : 'leaf';
      label.textContent = item.label;
      li.append(label);
      if (item.path) li.dataset.path = item.path;
      if (item.load) {
        li.setAttribute('aria-expanded', 'false');
        const group = document.createElement('div');
        group.setAttribute('role', 'group');
        group.hidden = true;
        li.append(group);
      }
      label.addEventListener('click', (e) => {
        e.stopPropagation();
        this.focus(li);
        void this.activate(li, item, level);
      });
      (li as HTMLElement & { item?: Item }).item = item;
      list.append(li);
    });
  }

  private async activate(li: HTMLElement, item: Item, level: number): Promise<void> {
    if (item.load) return this.toggle(li, item, level);
    if (item.path) this.onPick(item.path);
  }

  private async toggle(li: HTMLElement, item: Item, level: number, open?: boolean): Promise<void> {
    const group = li.querySelector(':scope > [role=group]') as HTMLElement;
    const expanded = li.getAttribute('aria-expanded') === 'true';
    const want = open ?? !expanded;
    if (want === expanded) return;
    li.setAttribute('aria-expanded', String(want));
    group.hidden = !want;
    if (want && item.load && !li.dataset.loaded) {
      li.setAttribute('aria-busy', 'true');
      try {
        this.fill(group, await item.load(), level + 1);
        if (!group.children.length) this.message(group, 'empty');
        li.dataset.loaded = '1';
      } catch (err) {
        this.message(group, `Failed: ${(err as Error).message}`);
      } finally {
        li.removeAttribute('aria-busy');
      }
    }
  }

  private visible(): HTMLElement[] {
    return [...this.root.querySelectorAll<HTMLElement>('[role=treeitem]')].filter(
      (li) => li.offsetParent !== null,
    );
  }

  private focus(li: HTMLElement): void {
    for (const other of this.root.querySelectorAll<HTMLElement>('[role=treeitem][tabindex="0"]'))
      other.tabIndex = -1;
    li.tabIndex = 0;
    li.focus();
  }

  private onKey(e: KeyboardEvent): void {
    const li = (e.target as HTMLElement).closest('[role=treeitem]') as (HTMLElement & { item?: Item }) | null;
    if (!li?.item) return;
    const items = this.visible();
    const idx = items.indexOf(li);
    const level = Number(li.getAttribute('aria-level'));
    const expanded = li.getAttribute('aria-expanded');
    switch (e.key) {
      case 'ArrowDown':
        if (items[idx + 1]) this.focus(items[idx + 1]);
        break;
      case 'ArrowUp':
        if (idx > 0) this.focus(items[idx - 1]);
        break;
      case 'Home':
        if (items[0]) this.focus(items[0]);
        break;
      case 'End':
        if (items.length) this.focus(items[items.length - 1]);
        break;
      case 'ArrowRight':
        if (expanded === 'false') void this.toggle(li, li.item, level, true);
        else if (expanded === 'true' && items[idx + 1]) this.focus(items[idx + 1]);
        break;
      case 'ArrowLeft':
        if (expanded === 'true') void this.toggle(li, li.item, level, false);
        else {
          const parent = li.parentElement?.closest('[role=treeitem]') as HTMLElement | null;
          if (parent) this.focus(parent);
        }
        break;
      case 'Enter':
      case ' ':
        void this.activate(li, li.item, level);
        break;
      default:
        return;
    }
    e.preventDefault();
    e.stopPropagation();
  }
}
