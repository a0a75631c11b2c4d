// The target grammar (graphite-web's pyparsing grammar, hand-written): paths with globs and braces,
// nested calls with positional then keyword args, literals, `template(...)` and `|` pipes.

import { TargetParseError } from './errors.js';

export type ParsedExpr =
  | { type: 'path'; path: string; pos: number }
  | {
      type: 'call';
      name: string;
      args: ParsedExpr[];
      kwargs: Record<string, ParsedExpr>;
      raw: string;
      pos: number;
    }
  | {
      type: 'template';
      expr: ParsedExpr;
      args: ParsedExpr[];
      kwargs: Record<string, ParsedExpr>;
      pos: number;
    }
  | { type: 'number'; value: number; isFloat: boolean; pos: number }
  | { type: 'string'; value: string; pos: number }
  | { type: 'boolean'; value: boolean; pos: number }
  | { type: 'none'; pos: number };

/** Characters that end a path element unless escaped with a backslash. */
const SYMBOLS = `(){},.'"\\|`;
const MAX_DEPTH = 64;

function isMetricChar(c: string): boolean {
  const code = c.charCodeAt(0);
  return code > 32 && code < 127 && !SYMBOLS.includes(c);
}
const isIdentStart = (c: string | undefined) => c !== undefined && /[A-Za-z_]/.test(c);
const isIdentChar = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_]/.test(c);

class Parser {
  pos = 0;
  depth = 0;
  constructor(readonly src: string) {}

  fail(message: string, at = this.pos): never {
    throw new TargetParseError(message, this.src, at);
  }

  ws(): void {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos])) this.pos++;
  }

  peek(): string | undefined {
    return this.src[this.pos];
  }

  expect(c: string): void {
    this.ws();
    if (this.src[this.pos] !== c) {
      this.fail(this.pos >= this.src.length ? `expected "${c}" but the target ended` : `expected "${c}"`);
    }
    this.pos++;
  }

  /** expression := (template | call | path) ( '|' call )* */
  expression(): ParsedExpr {
    if (++this.depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH} levels`);
    this.ws();
    let expr = this.primary();
    for (;;) {
      const save = this.pos;
      while (this.src[this.pos] === ' ') this.pos++;
      if (this.src[this.pos] !== '|') {
        this.pos = save;
        break;
      }
      this.pos++;
      this.ws();
      const start = this.pos;
      const call = this.callOrNull();
      if (call?.type !== 'call') this.fail('expected a function call after "|"', start);
      call.args.unshift(expr);
      expr = call;
    }
    this.depth--;
    return expr;
  }

  primary(): ParsedExpr {
    const start = this.pos;
    if (this.src.startsWith('template', this.pos)) {
      const save = this.pos;
      this.pos += 'template'.length;
      this.ws();
      if (this.peek() === '(') return this.template(start);
      this.pos = save;
    }
    const call = this.callOrNull();
    if (call) return call;
    return this.path();
  }

  template(start: number): ParsedExpr {
    this.expect('(');
    this.ws();
    const inner = this.callOrNull() ?? this.path();
    const args: ParsedExpr[] = [];
    const kwargs: Record<string, ParsedExpr> = {};
    this.ws();
    while (this.peek() === ',') {
      this.pos++;
      this.ws();
      const kw = this.kwargName();
      const value = this.literal();
      if (!value || (value.type !== 'number' && value.type !== 'string')) {
        this.fail('template() defaults must be numbers or strings');
      }
      if (kw) kwargs[kw] = value;
      else if (Object.keys(kwargs).length) this.fail('positional argument after keyword argument');
      else args.push(value);
      this.ws();
    }
    this.expect(')');
    return { type: 'template', expr: inner, args, kwargs, pos: start };
  }

  /** A call if the input has `ident (` here, else null (position unchanged). */
  callOrNull(): ParsedExpr | null {
    const start = this.pos;
    if (!isIdentStart(this.peek())) return null;
    let p = this.pos;
    while (isIdentChar(this.src[p])) p++;
    const name = this.src.slice(start, p);
    let q = p;
    while (/\s/.test(this.src[q] ?? '')) q++;
    if (this.src[q] !== '(') return null;
    this.pos = q + 1;
    const args: ParsedExpr[] = [];
    const kwargs: Record<string, ParsedExpr> = {};
    this.ws();
    if (this.peek() !== ')') {
      for (;;) {
        this.ws();
        const kw = this.kwargName();
        const value = this.argument();
        if (kw) {
          if (kw in kwargs) this.fail(`keyword argument "${kw}" repeated`);
          kwargs[kw] = value;
        } else if (Object.keys(kwargs).length) {
          this.fail('positional argument after keyword argument', value.pos);
        } else args.push(value);
        this.ws();
        if (this.peek() === ',') {
          this.pos++;
          continue;
        }
        break;
      }
    }
    this.ws();
    if (this.peek() !== ')') {
      this.fail(
        this.pos >= this.src.length ? `unclosed "(" of ${name}()` : `expected "," or ")" in ${name}()`,
      );
    }
    this.pos++;
    return { type: 'call', name, args, kwargs, raw: this.src.slice(start, this.pos), pos: start };
  }

  /** `name=` (not `name==`) at the current position: consumes it and returns the name. */
  kwargName(): string | null {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)/.exec(this.src.slice(this.pos, this.pos + 200));
    if (!m) return null;
    // `a=b` could also be a path element; pyparsing's lookahead prefers the keyword reading.
    this.pos += m[0].length;
    this.ws();
    return m[1];
  }

  argument(): ParsedExpr {
    this.ws();
    const lit = this.literal();
    if (lit) return lit;
    if (this.pos >= this.src.length) this.fail('expected an argument but the target ended');
    return this.expression();
  }

  /** boolean | number (followed by `,` `)` or end) | none | string | inf; null when none applies. */
  literal(): ParsedExpr | null {
    const start = this.pos;
    const rest = this.src.slice(this.pos, this.pos + 400);
    const kw = /^(true|false|none|inf)(?![A-Za-z0-9_])/i.exec(rest);
    if (kw) {
      const word = kw[1].toLowerCase();
      this.pos += kw[0].length;
      if (word === 'none') return { type: 'none', pos: start };
      if (word === 'inf')
        return { type: 'number', value: Number.POSITIVE_INFINITY, isFloat: true, pos: start };
      return { type: 'boolean', value: word === 'true', pos: start };
    }
    const num = /^-?\d+(\.\d+)?([eE]-?\d+)?/.exec(rest);
    if (num) {
      const after = this.src.slice(this.pos + num[0].length).trimStart();
      if (after === '' || after[0] === ',' || after[0] === ')') {
        this.pos += num[0].length;
        return {
          type: 'number',
          value: Number(num[0]),
          isFloat: num[1] !== undefined || num[2] !== undefined,
          pos: start,
        };
      }
    }
    const q = this.peek();
    if (q === '"' || q === "'") {
      let p = this.pos + 1;
      while (p < this.src.length && this.src[p] !== q) {
        if (this.src[p] === '\n') break;
        p += this.src[p] === '\\' ? 2 : 1;
      }
      if (this.src[p] !== q) this.fail('unterminated string', start);
      this.pos = p + 1;
      // graphite-web strips the quotes but leaves escapes as written (regexes and \1 arrive verbatim)
      return { type: 'string', value: this.src.slice(start + 1, p), pos: start };
    }
    return null;
  }

  /** pathExpression := element ('.' element)*; element mixes metric chars, `\x` escapes and `{a,b}`. */
  path(): ParsedExpr {
    const start = this.pos;
    let out = '';
    for (;;) {
      const elemStart = this.pos;
      out += this.pathElement();
      if (this.pos === elemStart) {
        if (this.pos >= this.src.length)
          this.fail('expected a metric path or function call but the target ended');
        this.fail(`unexpected character "${this.src[this.pos]}"`);
      }
      if (this.peek() === '.' && this.pos + 1 < this.src.length) {
        this.pos++;
        out += '.';
        continue;
      }
      break;
    }
    return { type: 'path', path: out, pos: start };
  }

  pathElement(): string {
    let out = '';
    for (;;) {
      const c = this.peek();
      if (c === undefined) return out;
      if (c === '\\' && this.pos + 1 < this.src.length && (SYMBOLS + '=').includes(this.src[this.pos + 1])) {
        out += this.src[this.pos + 1];
        this.pos += 2;
      } else if (c === '{') {
        out += this.braceList();
      } else if (isMetricChar(c)) {
        out += c;
        this.pos++;
      } else return out;
    }
  }

  braceList(): string {
    const start = this.pos;
    this.pos++;
    const parts: string[] = [];
    for (;;) {
      let part = '';
      for (;;) {
        const c = this.peek();
        if (
          c === '\\' &&
          this.pos + 1 < this.src.length &&
          (SYMBOLS + '=').includes(this.src[this.pos + 1])
        ) {
          part += this.src[this.pos + 1];
          this.pos += 2;
        } else if (c !== undefined && isMetricChar(c)) {
          part += c;
          this.pos++;
        } else break;
      }
      if (part === '') this.fail('empty alternative in "{...}"');
      parts.push(part);
      if (this.peek() === ',') {
        this.pos++;
        continue;
      }
      if (this.peek() === '}') {
        this.pos++;
        return `{${parts.join(',')}}`;
      }
      this.fail('unclosed "{"', start);
    }
  }
}

/** Parses one target; throws TargetParseError (with position) on bad input. */
export function parseTarget(target: string): ParsedExpr {
  const p = new Parser(target);
  const expr = p.expression();
  p.ws();
  if (p.pos < target.length) p.fail(`unexpected "${target[p.pos]}"`);
  return expr;
}

/** Every path expression (and seriesByTag call text) a parsed target will fetch, for prefetching. */
export function collectPaths(expr: ParsedExpr, out: Set<string>, subst?: (p: string) => string): void {
  switch (expr.type) {
    case 'path':
      out.add(subst ? subst(expr.path) : expr.path);
      return;
    case 'call':
      if (expr.name === 'seriesByTag') {
        out.add(expr.raw);
        return;
      }
      for (const a of expr.args) collectPaths(a, out, subst);
      for (const a of Object.values(expr.kwargs)) collectPaths(a, out, subst);
      return;
    case 'template':
      collectPaths(expr.expr, out, subst);
      return;
    default:
      return;
  }
}
