// graphite-web's per-node glob: `*`, `?`, `[abc]`/`[!a-z]` (fnmatch), `{a,b}` alternatives
// (nested allowed) and backslash escapes. A node never matches across a dot.

export function hasWildcards(node: string): boolean {
  return /[*?[{\\]/.test(node);
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Translate one node pattern to a RegExp source (without anchors). */
function translate(p: string): string {
  let out = '';
  let i = 0;
  while (i < p.length) {
    const c = p[i];
    if (c === '\\' && i + 1 < p.length) {
      out += escapeRe(p[i + 1]);
      i += 2;
    } else if (c === '*') {
      out += '.*';
      i++;
    } else if (c === '?') {
      out += '.';
      i++;
    } else if (c === '[') {
      const close = p.indexOf(']', i + 2);
      if (close < 0) {
        out += '\\[';
        i++;
        continue;
      }
      let body = p.slice(i + 1, close);
      let neg = false;
      if (body.startsWith('!')) {
        neg = true;
        body = body.slice(1);
      }
      body = body.replace(/\\/g, '\\\\').replace(/\^/g, '\\^').replace(/\]/g, '\\]');
      out += `[${neg ? '^' : ''}${body}]`;
      i = close + 1;
    } else if (c === '{') {
      // find the matching close brace, split top-level alternatives on commas
      let depth = 0;
      let j = i;
      const alts: string[] = [];
      let start = i + 1;
      for (; j < p.length; j++) {
        if (p[j] === '\\') {
          j++;
          continue;
        }
        if (p[j] === '{') depth++;
        else if (p[j] === '}') {
          depth--;
          if (depth === 0) break;
        } else if (p[j] === ',' && depth === 1) {
          alts.push(p.slice(start, j));
          start = j + 1;
        }
      }
      if (j >= p.length) {
        out += '\\{';
        i++;
        continue;
      }
      alts.push(p.slice(start, j));
      out += `(?:${alts.map(translate).join('|')})`;
      i = j + 1;
    } else {
      out += escapeRe(c);
      i++;
    }
  }
  return out;
}

export function nodeMatcher(node: string): (name: string) => boolean {
  if (!hasWildcards(node)) return (n) => n === node;
  const re = new RegExp(`^(?:${translate(node)})$`, 's');
  return (n) => re.test(n);
}

/** Split a pattern on dots that are not inside braces or brackets. */
export function splitPattern(pattern: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let bracket = false;
  let cur = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) {
      cur += c + pattern[i + 1];
      i++;
      continue;
    }
    if (c === '[') bracket = true;
    else if (c === ']') bracket = false;
    else if (c === '{') depth++;
    else if (c === '}') depth = Math.max(0, depth - 1);
    if (c === '.' && depth === 0 && !bracket) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** Does a dotted metric name match a whole pattern? */
export function globMatcher(pattern: string): (metric: string) => boolean {
  const nodes = splitPattern(pattern).map(nodeMatcher);
  return (metric) => {
    const parts = metric.split('.');
    if (parts.length !== nodes.length) return false;
    for (let i = 0; i < parts.length; i++) if (!nodes[i](parts[i])) return false;
    return true;
  };
}
