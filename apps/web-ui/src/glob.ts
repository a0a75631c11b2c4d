// Graphite glob patterns (per dot-separated element: `*`, `?`, `[...]`, `{a,b}`), compiled to one regex so
// the live hub can match every incoming metric name against a client's subscriptions cheaply.

const MAX_PATTERN_LENGTH = 2048;

function escapeRegex(ch: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(ch) ? `\\${ch}` : ch;
}

/** Compiles one element (no dots) of a glob; braces may nest. Returns regex source. */
function compileElement(src: string): string {
  let out = '';
  let i = 0;
  const braces: number[] = [];
  while (i < src.length) {
    const ch = src[i];
    if (ch === '\\' && i + 1 < src.length) {
      out += escapeRegex(src[i + 1]);
      i += 2;
      continue;
    }
    if (ch === '*') out += '[^.]*';
    else if (ch === '?') out += '[^.]';
    else if (ch === '[') {
      const end = src.indexOf(']', i + 2);
      if (end < 0) out += '\\[';
      else {
        let body = src.slice(i + 1, end);
        const negate = body.startsWith('!');
        if (negate) body = body.slice(1);
        const cls = body.replace(/[\\\]^]/g, (c) => `\\${c}`);
        out += negate ? `[^.${cls}]` : `[${cls}]`;
        i = end + 1;
        continue;
      }
    } else if (ch === '{') {
      braces.push(i);
      out += '(?:';
    } else if (ch === '}' && braces.length > 0) {
      braces.pop();
      out += ')';
    } else if (ch === ',' && braces.length > 0) out += '|';
    else out += escapeRegex(ch);
    i++;
  }
  // An unclosed brace is taken literally by graphite; close the group so the regex stays valid.
  for (let n = braces.length; n > 0; n--) out += ')';
  return out;
}

/** Splits on dots that are outside braces and brackets and not escaped. */
function splitElements(pattern: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\' && i + 1 < pattern.length) {
      current += ch + pattern[i + 1];
      i++;
      continue;
    }
    if (ch === '{') depth++;
    else if (ch === '}' && depth > 0) depth--;
    if (ch === '.' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

/** Returns a matcher for a graphite path glob, or null when the pattern is unusable. */
export function compileGlob(pattern: string): RegExp | null {
  if (typeof pattern !== 'string' || pattern.length === 0 || pattern.length > MAX_PATTERN_LENGTH) return null;
  // Tagged series names (`name;k=v`) are matched literally: tags are not globbable in carbon either.
  if (pattern.includes(';')) return new RegExp(`^${[...pattern].map(escapeRegex).join('')}$`);
  try {
    return new RegExp(`^${splitElements(pattern).map(compileElement).join('\\.')}$`);
  } catch {
    return null;
  }
}
