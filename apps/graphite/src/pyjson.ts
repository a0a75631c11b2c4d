// Python's json.dumps output (separators ", " and ": ", ensure_ascii, indent, sort_keys), so our
// answers are byte-identical to graphite-web's. Integers print as ints, floats as Python repr.

export class PyFloat {
  constructor(readonly value: number) {}
}

function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return `${x.toFixed(0)}.0`;
  const s = String(x);
  const m = /^(-?[\d.]+)e([+-])(\d+)$/.exec(s);
  if (m) return `${m[1]}e${m[2]}${m[3].padStart(2, '0')}`;
  return s;
}

function str(s: string, ascii: boolean): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i];
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (c < 0x20 || (ascii && c > 0x7e)) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

export interface DumpOptions {
  ensureAscii?: boolean;
  indent?: number;
  sortKeys?: boolean;
}

export function pyDumps(v: unknown, opts: DumpOptions = {}): string {
  const ascii = opts.ensureAscii ?? true;
  const indent = opts.indent;
  const rec = (x: unknown, level: number): string => {
    if (x === null || x === undefined) return 'null';
    if (x === true) return 'true';
    if (x === false) return 'false';
    if (x instanceof PyFloat) return pyFloatRepr(x.value);
    if (typeof x === 'number') return Number.isInteger(x) ? x.toFixed(0) : pyFloatRepr(x);
    if (typeof x === 'string') return str(x, ascii);
    const nl = indent !== undefined ? `\n${' '.repeat(indent * (level + 1))}` : '';
    const end = indent !== undefined ? `\n${' '.repeat(indent * level)}` : '';
    const sep = indent !== undefined ? ',' : ', ';
    if (Array.isArray(x)) {
      if (x.length === 0) return '[]';
      return `[${nl}${x.map((e) => rec(e, level + 1)).join(sep + nl)}${end}]`;
    }
    let entries = Object.entries(x as Record<string, unknown>);
    if (entries.length === 0) return '{}';
    if (opts.sortKeys) entries = entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return `{${nl}${entries.map(([k, e]) => `${str(k, ascii)}: ${rec(e, level + 1)}`).join(sep + nl)}${end}}`;
  };
  return rec(v, 0);
}
