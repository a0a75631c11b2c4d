// An accessible combobox popup for text inputs (ARIA 1.2 listbox pattern): arrow keys move, Enter or
// Tab accepts, Escape closes. Suggestions come from an async provider.

export interface Suggestion {
  label: string;
  detail?: string;
  /** Text that replaces input.value[from, to). */
  insert: string;
  from: number;
  to: number;
}

export type Provider = (value: string, caret: number) => Promise<Suggestion[]>;

let nextId = 0;

/**
 * autoSelect highlights the first suggestion so Enter takes it; without it Enter keeps its normal
 * meaning until the user picks a suggestion with the arrow keys.
 */
export function attachAutocomplete(
  input: HTMLInputElement,
  provider: Provider,
  onAccept?: (s: Suggestion) => void,
  autoSelect = false,
): void {
  const list = document.createElement('ul');
  const id = `ac-${++nextId}`;
  list.id = id;
  list.className = 'ac-list';
  list.setAttribute('role', 'listbox');
  list.hidden = true;
  input.after(list);
  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-controls', id);
  input.setAttribute('aria-expanded', 'false');
  input.parentElement?.classList.add('ac-host');

  let items: Suggestion[] = [];
  let active = -1;
  let generation = 0;

  const close = () => {
    list.hidden = true;
    items = [];
    active = -1;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
  };

  const highlight = (i: number) => {
    active = i;
    if (i < 0) input.removeAttribute('aria-activedescendant');
    list.querySelectorAll('li').forEach((li, n) => {
      li.setAttribute('aria-selected', String(n === i));
      if (n === i) {
        input.setAttribute('aria-activedescendant', li.id);
        li.scrollIntoView({ block: 'nearest' });
      }
    });
  };

  const accept = (s: Suggestion) => {
    input.value = input.value.slice(0, s.from) + s.insert + input.value.slice(s.to);
    const caret = s.from + s.insert.length;
    input.setSelectionRange(caret, caret);
    close();
    if (onAccept) onAccept(s);
    else input.dispatchEvent(new Event('input', { bubbles: true }));
  };

  const show = (found: Suggestion[]) => {
    items = found;
    list.replaceChildren(
      ...found.map((s, i) => {
        const li = document.createElement('li');
        li.id = `${id}-${i}`;
        li.setAttribute('role', 'option');
        li.textContent = s.label;
        if (s.detail) {
          const d = document.createElement('span');
          d.className = 'ac-detail';
          d.textContent = s.detail;
          li.append(d);
        }
        li.addEventListener('mousedown', (e) => {
          e.preventDefault();
          accept(s);
        });
        return li;
      }),
    );
    list.hidden = found.length === 0;
    input.setAttribute('aria-expanded', String(found.length > 0));
    highlight(autoSelect && found.length > 0 ? 0 : -1);
  };

  const update = async () => {
    const gen = ++generation;
    try {
      const found = await provider(input.value, input.selectionStart ?? input.value.length);
      if (gen === generation && document.activeElement === input) show(found);
    } catch {
      if (gen === generation) close();
    }
  };

  input.addEventListener('input', (e) => {
    if ((e as InputEvent).isTrusted === false && items.length === 0) return;
    // the shown suggestions were computed for the previous text (their from/to too): Enter must
    // not accept them, so they go until the provider answers for this text
    close();
    void update();
  });
  input.addEventListener('blur', () => setTimeout(close, 100));
  input.addEventListener('keydown', (e) => {
    if (list.hidden) {
      if (e.key === 'ArrowDown' && e.altKey) void update();
      return;
    }
    if (e.key === 'ArrowDown') highlight(Math.min(items.length - 1, active + 1));
    else if (e.key === 'ArrowUp') highlight(Math.max(0, active - 1));
    else if ((e.key === 'Enter' || e.key === 'Tab') && active >= 0) accept(items[active]);
    else if (e.key === 'Escape') close();
    else return;
    // The input's own Enter handlers (registered after this one) must not see an accepted suggestion.
    e.preventDefault();
    e.stopImmediatePropagation();
  });
}
