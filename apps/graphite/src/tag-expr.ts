// graphite-web's tag expressions: `tag=value`, `tag!=value`, `tag=~regex`, `tag!=~regex`.
// A series lacking a tag behaves as if its value were the empty string.

import { pyRegex } from './schemas.js';

export class TagQueryError extends Error {
  override name = 'TagQueryError';
}

export interface TagExpr {
  tag: string;
  op: '=' | '!=' | '=~' | '!=~';
  spec: string;
  test: (value: string) => boolean;
  matchesEmpty: boolean;
}

const EXPR = /^([^;!=]+)(!?=~?)([^;]*)$/;

/** A value regex as graphite-web anchors it: at the start only. */
export function anchoredRegex(spec: string): RegExp {
  try {
    return pyRegex(spec.startsWith('^') ? spec : `^(?:${spec})`);
  } catch (e) {
    throw new TagQueryError(`Invalid regex ${spec}: ${(e as Error).message}`);
  }
}

export function parseTagExpr(expr: string): TagExpr {
  const m = EXPR.exec(expr);
  if (!m) throw new TagQueryError(`Invalid tagspec ${expr}`);
  const [, tag, op, spec] = m;
  let test: (v: string) => boolean;
  switch (op) {
    case '=':
      test = (v) => v === spec;
      break;
    case '!=':
      test = (v) => v !== spec;
      break;
    case '=~': {
      const re = anchoredRegex(spec);
      test = (v) => re.test(v);
      break;
    }
    case '!=~': {
      const re = anchoredRegex(spec);
      test = (v) => !re.test(v);
      break;
    }
    default:
      throw new TagQueryError(`Invalid tagspec ${expr}`);
  }
  return { tag: tag.trim(), op: op as TagExpr['op'], spec, test, matchesEmpty: test('') };
}

export function parseTagExprs(exprs: string[]): TagExpr[] {
  const parsed = exprs.map(parseTagExpr);
  if (!parsed.some((e) => !e.matchesEmpty)) {
    throw new TagQueryError('At least one tagspec must not match the empty string');
  }
  return parsed;
}
