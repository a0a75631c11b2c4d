// The subset of Python's configparser that carbon's .conf files use: `[section]`, `key = value`
// or `key: value`, full-line `#`/`;` comments, case-insensitive keys, `%%` for `%`. Inline
// comments are NOT stripped (configparser keeps them, so carbon does too). Sections keep file order.

export interface IniSection {
  name: string;
  values: Map<string, string>;
}

export class IniError extends Error {
  override name = 'IniError';
}

export function parseIni(text: string): IniSection[] {
  const sections: IniSection[] = [];
  const seen = new Set<string>();
  let current: IniSection | undefined;
  let lastKey: string | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    const trimmed = raw.trim();
    if (!trimmed || trimmed.startsWith('#') || trimmed.startsWith(';')) {
      lastKey = undefined;
      continue;
    }
    if (/^\s/.test(raw) && current && lastKey !== undefined) {
      // continuation line: configparser appends it on a new line
      current.values.set(lastKey, `${current.values.get(lastKey)}\n${trimmed}`);
      continue;
    }
    const sec = /^\[([^\]]+)\]/.exec(trimmed);
    if (sec) {
      if (seen.has(sec[1])) throw new IniError(`line ${i + 1}: duplicate section [${sec[1]}]`);
      seen.add(sec[1]);
      current = { name: sec[1], values: new Map() };
      sections.push(current);
      lastKey = undefined;
      continue;
    }
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(trimmed);
    if (!kv || !current) throw new IniError(`line ${i + 1}: cannot parse ${JSON.stringify(raw)}`);
    lastKey = kv[1].toLowerCase();
    current.values.set(lastKey, kv[2].replaceAll('%%', '%'));
  }
  return sections;
}
