// Target text helpers: path expressions inside a target (for live subscriptions) and applying a
// function from /functions around a target with default arguments.
import type { FunctionDef, FunctionParam } from './api.js';

const KEYWORDS = new Set(['true', 'false', 'none', 'inf']);

/** Path expressions used by a target, skipping strings, numbers, keywords and function names. */
export function pathExpressions(target: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < target.length) {
    const ch = target[i];
    if (ch === '"' || ch === "'") {
      i++;
      while (i < target.length && target[i] !== ch) i += target[i] === '\\' ? 2 : 1;
      i++;
      continue;
    }
    if (/[\s(),|]/.test(ch)) {
      i++;
      continue;
    }
    let depth = 0;
    let token = '';
    while (i < target.length) {
      const c = target[i];
      if (c === '\\' && i + 1 < target.length) {
        token += c + target[i + 1];
        i += 2;
        continue;
      }
      if (c === '{') depth++;
      else if (c === '}') depth = Math.max(0, depth - 1);
      else if (depth === 0 && /[\s(),|'"]/.test(c)) break;
      token += c;
      i++;
    }
    if (target[i] === '(') continue; // a function name
    // keyword argument: name=value (a tagged path keeps its '=' after a ';')
    const eq = token.indexOf('=');
    if (eq > 0 && !token.slice(0, eq).includes(';')) token = token.slice(eq + 1);
    if (!token || KEYWORDS.has(token.toLowerCase()) || /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(token))
      continue;
    out.push(token);
  }
  return out;
}

function placeholder(p: FunctionParam): string {
  const value =
    p.default !== undefined ? p.default : p.suggestions?.[0] !== undefined ? p.suggestions[0] : undefined;
  const bare = ['integer', 'float', 'boolean', 'node', 'intOrInf'].includes(p.type);
  if (value !== undefined && value !== null) {
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return bare && /^-?[\d.]+$/.test(String(value)) ? String(value) : `'${String(value)}'`;
  }
  switch (p.type) {
    case 'integer':
    case 'float':
    case 'intOrInf':
      return '1';
    case 'node':
    case 'nodeOrTag':
      return '0';
    case 'boolean':
      return 'false';
    case 'interval':
    case 'intOrInterval':
      return "'1min'";
    case 'aggFunc':
    case 'aggOrSeriesFunc':
      return "'sum'";
    default:
      return "''";
  }
}

/** Wraps a target in a function call, filling required parameters with defaults. */
export function applyFunction(target: string, def: FunctionDef): string {
  const params = def.params ?? [];
  const first = params[0];
  const takesSeries = first && (first.type === 'seriesList' || first.type === 'seriesLists');
  const rest = (takesSeries ? params.slice(1) : params).filter((p) => p.required && !p.multiple);
  const args = [...(takesSeries ? [target] : []), ...rest.map(placeholder)];
  return `${def.name}(${args.join(', ')})`;
}
